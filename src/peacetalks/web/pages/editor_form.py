"""The editor's form of common edits: one value changed in the YAML text, in place.

The form beside the scenario's text changes an actor's reservation value, a position's
ideal point and salience, or the options of a proposal (one per issue). The change is
made on the text as sent, with :mod:`peacetalks.scenario.yaml_edit`, so every comment
and every other line stays as the analyst wrote it; the editor then validates and saves
the text as it saves any other (see :mod:`peacetalks.web.pages.editor`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from peacetalks.errors import Problem
from peacetalks.scenario.yaml_edit import YamlEditError, locate, set_scalar
from peacetalks.scenario.yaml_nodes import read_yaml

__all__ = ["CHANGES", "FormEdit", "FormEditError", "apply_form_edit", "parse_number"]

Change = Literal["reservation", "position", "proposal"]
CHANGES: tuple[Change, ...] = ("reservation", "position", "proposal")


class FormEditError(ValueError):
    """A form edit that cannot be made; ``problems`` say what, where and how to fix it."""

    def __init__(self, problems: tuple[Problem, ...]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class FormEdit:
    """The fields of the form, as sent (text, not yet checked).

    Parameters
    ----------
    change : str
        Which edit the pressed button asks for: ``reservation``, ``position`` or ``proposal``.
    actor : str
        The actor whose reservation value changes.
    reservation : str
        Its new reservation value (0 to 1).
    position : str
        The position to change, as ``actor/issue``.
    ideal, salience : str
        Its new ideal point (0 to 100) and salience (0 to 1); a blank one is kept.
    proposal : str
        The proposal whose options change.
    deal : tuple of str
        The options picked, as ``issue=option``; a blank one keeps the proposal's option.
    """

    change: str
    actor: str = ""
    reservation: str = ""
    position: str = ""
    ideal: str = ""
    salience: str = ""
    proposal: str = ""
    deal: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Field:
    path: str
    label: str
    text: str
    low: float
    high: float


def parse_number(text: str, *, label: str, low: float, high: float) -> float | int:
    """Return the number typed in a field, as an int when it has no fraction.

    Raises
    ------
    ValueError
        When the text is not a finite number; the message names the field and the range.
    """
    cleaned = text.strip()
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        msg = (
            f"The {label} must be a number from {low:g} to {high:g}. Got {cleaned!r} instead. "
            f"Type a number such as {(low + high) / 2:g}."
        )
        raise ValueError(msg)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _line(text: str, path: str) -> int | None:
    try:
        return int(locate(text, path).start_mark.line) + 1
    except YamlEditError:
        return None


def _fail(text: str, path: str, message: str) -> FormEditError:
    return FormEditError((Problem(path, message, _line(text, path)),))


def _set_fields(text: str, fields: list[_Field]) -> tuple[str, list[str]]:
    changed = []
    for field in fields:
        if not field.text.strip():
            continue
        try:
            value = parse_number(field.text, label=field.label, low=field.low, high=field.high)
        except ValueError as e:
            raise _fail(text, field.path, str(e)) from None
        try:
            text = set_scalar(text, field.path, value, create=True)
        except YamlEditError as e:
            raise _fail(text, field.path, str(e)) from None
        changed.append(field.path)
    return text, changed


def _deal_edits(text: str, edit: FormEdit) -> list[tuple[str, str]]:
    picked = []
    for item in edit.deal:
        issue, equals, option = item.partition("=")
        if not item:
            continue
        if not equals or not issue or not option:
            msg = (
                f"The option {item!r} of the proposal form is malformed: expected "
                "'issue=option'. Reload the editor and pick the options again."
            )
            raise FormEditError((Problem("deal", msg),))
        picked.append((f"proposals[id={edit.proposal}].deal.{issue}", option))
    return picked


def apply_form_edit(text: str, edit: FormEdit) -> tuple[str, list[str]]:
    """Return the text with the form's edit made in place, and the paths it changed.

    Only the lines of the changed values differ; comments, order and layout are kept.
    Ranges are checked when the scenario is validated (the editor's save does that).

    Raises
    ------
    FormEditError
        When the text is not YAML, the edit names nothing in it, or a field is not a
        number; no change is made.
    """
    document, problems = read_yaml(text)
    if document is None or problems:
        found = tuple(problems) or (Problem("", "The text is empty: there is nothing to edit."),)
        raise FormEditError(found)
    if edit.change == "reservation":
        if not edit.actor:
            raise FormEditError((Problem("actors", "Pick the actor whose reservation changes."),))
        path = f"actors[id={edit.actor}].reservation"
        fields = [_Field(path, "reservation value", edit.reservation, 0, 1)]
        if not edit.reservation.strip():
            raise _fail(text, path, "Type the new reservation value, a number from 0 to 1.")
        return _set_fields(text, fields)
    if edit.change == "position":
        actor, slash, issue = edit.position.partition("/")
        if not slash or not actor or not issue:
            msg = "Pick the position to change (an actor on an issue)."
            raise FormEditError((Problem("positions", msg),))
        base = f"positions[actor={actor},issue={issue}]"
        fields = [
            _Field(f"{base}.ideal", "ideal point", edit.ideal, 0, 100),
            _Field(f"{base}.salience", "salience", edit.salience, 0, 1),
        ]
        if not (edit.ideal.strip() or edit.salience.strip()):
            raise _fail(
                text, base, "Type a new ideal point (0 to 100), salience (0 to 1), or both."
            )
        return _set_fields(text, fields)
    if edit.change == "proposal":
        if not edit.proposal:
            raise FormEditError((Problem("proposals", "Pick the proposal to change."),))
        picked = _deal_edits(text, edit)
        if not picked:
            path = f"proposals[id={edit.proposal}].deal"
            raise _fail(text, path, "Pick a new option for at least one issue of the proposal.")
        changed = []
        for path, option in picked:
            try:
                text = set_scalar(text, path, option, create=True)
            except YamlEditError as e:
                raise _fail(text, path, str(e)) from None
            changed.append(path)
        return text, changed
    msg = (
        f"The form asked for the change {edit.change!r}; expected one of "
        f"{', '.join(CHANGES)}. Use one of the form's buttons."
    )
    raise FormEditError((Problem("", msg),))
