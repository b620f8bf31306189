"""Read phased agreements from a YAML file beside a scenario.

The file holds one key, ``agreements``, with a list in the format of a scenario's
``agreements`` section. The records are validated like a scenario's (every problem at
once, with file, line and field) and their references are checked against the scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario._fields import Record
from peacetalks.scenario._files import read_bounded_text
from peacetalks.scenario.agreements import Agreement
from peacetalks.scenario.cross_checks import check_agreements
from peacetalks.scenario.messages import describe_error
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.yaml_nodes import MAX_BYTES, format_path, line_for, read_yaml

__all__ = [
    "AgreementsFile",
    "load_agreements",
    "parse_agreements",
    "with_agreements",
]


class AgreementsFile(Record):
    """The document of an agreements file: a list of agreements."""

    agreements: Annotated[tuple[Agreement, ...], Field(max_length=1000)]


def parse_agreements(
    text: str, scenario: Scenario, *, source: str | None = None
) -> tuple[Agreement, ...]:
    """Parse and validate an agreements document against a scenario.

    Parameters
    ----------
    text : str
        YAML with one key, ``agreements``.
    scenario : Scenario
        The scenario the agreements refer to.
    source : str or None
        File name used in messages.

    Raises
    ------
    ScenarioError
        With one problem per mistake, each with its line and field.
    """
    document, problems = read_yaml(text)
    if problems or document is None:
        raise ScenarioError(problems, source)
    by_text = {format_path(key): line for key, line in document.lines.items()}
    data = document.data
    if not isinstance(data, dict) or "agreements" not in data:
        msg = (
            "expected a mapping with the key 'agreements' (a list of agreements), got "
            f"{'nothing' if data is None else type(data).__name__}."
        )
        raise ScenarioError([Problem("", msg, document.lines.get(()))], source)
    try:
        parsed = AgreementsFile.model_validate(data)
    except ValidationError as e:
        found = []
        for error in e.errors(include_url=False):
            path = format_path(tuple(error["loc"]))
            found.append(
                Problem(path, describe_error(AgreementsFile, error), line_for(path, by_text))
            )
        raise ScenarioError(found, source) from None
    checked = check_agreements(parsed.agreements, scenario)
    known = {a.id: k for k, a in enumerate(scenario.agreements)}
    seen: dict[str, int] = {}
    for k, agreement in enumerate(parsed.agreements):
        if agreement.id in known:
            msg = (
                f"agreement id {agreement.id!r} is already used by the scenario "
                f"(agreements[{known[agreement.id]}] of {scenario.id}). Give it another id."
            )
            checked.append(Problem(f"agreements[{k}].id", msg))
        elif agreement.id in seen:
            msg = (
                f"duplicate agreement id {agreement.id!r} (first at "
                f"agreements[{seen[agreement.id]}].id). Give each agreement its own id."
            )
            checked.append(Problem(f"agreements[{k}].id", msg))
        seen.setdefault(agreement.id, k)
    if checked:
        raise ScenarioError(
            [Problem(p.path, p.message, line_for(p.path, by_text)) for p in checked], source
        )
    return parsed.agreements


def load_agreements(path: str | Path, scenario: Scenario) -> tuple[Agreement, ...]:
    """Read an agreements file (at most 4,000,000 bytes) and validate it against a scenario.

    Raises
    ------
    ScenarioError
        If the file cannot be read or is invalid.
    """
    file = Path(path)
    label = str(path)
    if not file.is_file():
        msg = "no such file. Give a YAML file with an 'agreements' list."
        raise ScenarioError([Problem("", msg)], label)
    hint = "Agreements files are a few kilobytes: check that this is the right file."
    text = read_bounded_text(file, limit=MAX_BYTES, label=label, hint=hint)
    return parse_agreements(text, scenario, source=label)


def with_agreements(scenario: Scenario, agreements: tuple[Agreement, ...]) -> Scenario:
    """Return the scenario with more agreements appended (already validated against it)."""
    return scenario.model_copy(update={"agreements": (*scenario.agreements, *agreements)})
