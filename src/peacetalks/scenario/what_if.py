"""What-ifs from the command line: change an input or leave an actor out, then re-validate.

One parser and one set of messages for every command that takes ``--set`` and
``--drop`` (evaluate, analyze, deals, compare, stress, negotiate):

- ``--set ACTOR.reservation=0.55``: the actor's utility of no deal, in [0, 1];
- ``--set ACTOR:ISSUE.salience=0.8``: how much the issue matters to the actor, in [0, 1];
- ``--set ACTOR:ISSUE.ideal=40``: the actor's ideal point on the issue's 0-100 scale;
- ``--drop ACTOR``: the actor, its positions and its authorship of proposals are left
  out; its seats in bodies stay, no longer linked to it (they vote by their own rules),
  and its statements stay as sources of no modelled actor. An actor the map refers to
  (control of regions, cities, a territory scale) or a party to a phased agreement
  cannot be dropped: the message says which.

A stated uncertainty range that no longer contains the new value is dropped with it (the
what-if value is then taken as certain); the change says so. The changed scenario is
validated like a file, so a what-if that breaks a rule is refused with the rule's
message.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peacetalks.errors import ParameterError, ScenarioError
from peacetalks.scenario.load import scenario_from_data, scenario_to_data
from peacetalks.scenario.models import Scenario

__all__ = ["WhatIf", "apply_what_ifs", "parse_set"]

_FIELDS = {
    "reservation": (0.0, 1.0),
    "salience": (0.0, 1.0),
    "ideal": (0.0, 100.0),
}
_FORMS = "ACTOR.reservation=V, ACTOR:ISSUE.salience=V or ACTOR:ISSUE.ideal=V"


@dataclass(frozen=True)
class WhatIf:
    """One ``--set``: which input of whom, and the new value."""

    actor: str
    issue: str | None
    field: str
    value: float

    @property
    def target(self) -> str:
        """Return the input as written (``russia:sanctions.salience``)."""
        who = self.actor if self.issue is None else f"{self.actor}:{self.issue}"
        return f"{who}.{self.field}"


def _refuse(text: str, option: str, why: str) -> ParameterError:
    return ParameterError(f"The '{option}' value {text!r} {why}", parameter=option, value=text)


def parse_set(text: str) -> WhatIf:
    """Parse one ``--set`` value.

    Raises
    ------
    ParameterError
        Naming the expected forms and what was got.
    """
    target, sep, raw = text.partition("=")
    who, dot, field = target.strip().rpartition(".")
    if not sep or not dot or field not in _FIELDS:
        raise _refuse(text, "--set", f"must look like {_FORMS}.")
    actor, colon, issue = who.partition(":")
    if (field == "reservation") == bool(colon) or not actor or (colon and not issue):
        form = "ACTOR.reservation=V" if field == "reservation" else f"ACTOR:ISSUE.{field}=V"
        raise _refuse(text, "--set", f"must look like {form} for {field}.")
    try:
        value = float(raw)
    except ValueError:
        raise _refuse(text, "--set", f"needs a number after '='. Got {raw!r}.") from None
    low, high = _FIELDS[field]
    if not math.isfinite(value) or not low <= value <= high:
        raise _refuse(text, "--set", f"must set {field} within [{low:g}, {high:g}]. Got {raw}.")
    return WhatIf(actor=actor.strip(), issue=issue.strip() or None, field=field, value=value)


def _known(kind: str, value: str, known: list[str], option: str, text: str) -> None:
    if value not in known:
        raise _refuse(
            text, option, f"names no {kind} {value!r}. Expected one of: {', '.join(known)}."
        )


def _apply_set(data: dict[str, Any], change: WhatIf, text: str) -> str:
    actors = [a["id"] for a in data["actors"]]
    _known("actor", change.actor, actors, "--set", text)
    if change.issue is None:
        actor = next(a for a in data["actors"] if a["id"] == change.actor)
        before = actor.get("reservation", 0.0)
        actor["reservation"] = change.value
        note = _fit_range(actor.get("uncertainty"), "reservation", change.value)
        return f"{change.target}: {before:g} -> {change.value:g}{note}"
    _known("issue", change.issue, [i["id"] for i in data["issues"]], "--set", text)
    position = next(
        (p for p in data["positions"] if p["actor"] == change.actor and p["issue"] == change.issue),
        None,
    )
    if position is None:
        raise _refuse(
            text,
            "--set",
            f"names a position the scenario does not have: {change.actor} has none on "
            f"{change.issue}. Add one in a copy of the file.",
        )
    if change.field == "ideal" and position.get("utilities"):
        raise _refuse(
            text,
            "--set",
            f"cannot move the ideal: {change.actor}'s position on {change.issue} gives "
            "each option's utility explicitly, so no ideal point applies. Edit the "
            "utilities in a copy of the file.",
        )
    before = position[change.field]
    position[change.field] = change.value
    key = "position" if change.field == "ideal" else "salience"
    note = _fit_range(position.get("uncertainty"), key, change.value)
    return f"{change.target}: {before:g} -> {change.value:g}{note}"


def _fit_range(uncertainty: dict[str, Any] | None, key: str, value: float) -> str:
    """Drop a stated range that no longer holds ``value``; return what was done."""
    if not uncertainty or uncertainty.get(key) is None:
        return ""
    low, high = uncertainty[key]
    if low <= value <= high:
        return f" (within its stated range {low:g}-{high:g}, kept)"
    uncertainty[key] = None
    return f" (its stated range {low:g}-{high:g} dropped: the new value is taken as certain)"


def _is_party(agreement: dict[str, Any], actor: str) -> bool:
    """Return whether a phased agreement names the actor in an obligation or a payoff."""
    for phase in agreement.get("phases", []):
        if any(o.get("party") == actor for o in phase.get("obligations", [])):
            return True
        if actor in (phase.get("temptation") or {}) or actor in (phase.get("rewards") or {}):
            return True
    return False


def _apply_drop(data: dict[str, Any], actor: str) -> str:
    _known("actor", actor, [a["id"] for a in data["actors"]], "--drop", actor)
    held = [r["code"] for r in data.get("regions", []) if actor in (r.get("control") or {})]
    held += [c["name"] for c in data.get("cities", []) if c.get("held_by") == actor]
    held += [i["id"] for i in data["issues"] if (i.get("territory") or {}).get("actor") == actor]
    held += [
        o["id"]
        for i in data["issues"]
        for o in i["options"]
        if any(r.get("administered_by") == actor for r in o.get("regions", []))
    ]
    if held:
        raise _refuse(
            actor,
            "--drop",
            "cannot be dropped: the map refers to it (control of regions, cities or a "
            f"territory scale: {', '.join(held[:5])}), so the territorial options could "
            "no longer be placed. Drop another actor, or edit a copy of the file.",
        )
    parties = [a["id"] for a in data.get("agreements", []) if _is_party(a, actor)]
    if parties:
        raise _refuse(
            actor,
            "--drop",
            f"cannot be dropped: it is a party to the phased agreements {', '.join(parties)} "
            "(obligations, temptations, rewards). Drop another actor, or edit a copy of "
            "the file.",
        )
    data["actors"] = [a for a in data["actors"] if a["id"] != actor]
    for source in data.get("sources", []):
        if source.get("actor") == actor:
            source.pop("actor")  # the document stays; it is no longer a modelled actor's
    dropped = [p for p in data["positions"] if p["actor"] == actor]
    data["positions"] = [p for p in data["positions"] if p["actor"] != actor]
    authored = []
    for proposal in data.get("proposals", []):
        if actor in proposal.get("authors", []):
            proposal["authors"] = [a for a in proposal["authors"] if a != actor]
            authored.append(proposal["id"])
    seats = []
    for body in data.get("bodies", []):
        linked = False
        for member in body.get("members", []):
            if isinstance(member, dict) and member.get("actor") == actor:
                member.pop("actor")
                linked = True
        links = body.get("actors") or {}
        for seat in [s for s, a in links.items() if a == actor]:
            del links[seat]
            linked = True
        if body.get("follow") == actor:
            body.pop("follow")
            linked = True
        if linked:
            seats.append(body["id"])
    text = f"{actor} dropped with its {len(dropped)} positions"
    if authored:
        text += f"; no longer an author of {', '.join(authored)}"
    if seats:
        text += f"; its seats in {', '.join(seats)} no longer follow it"
    return text


def apply_what_ifs(
    scenario: Scenario, sets: Sequence[str] = (), drops: Sequence[str] = ()
) -> tuple[Scenario, list[str]]:
    """Return the scenario with the what-ifs applied, and one line per change.

    Drops come first, then the sets in the order given. With neither, the scenario is
    returned as it is.

    Raises
    ------
    ParameterError
        If a what-if is malformed, names an unknown actor, issue or position, or leaves a
        scenario that breaks a rule (the rule's message follows).
    """
    if not sets and not drops:
        return scenario, []
    parsed = [(parse_set(text), text) for text in sets]
    data = scenario_to_data(scenario)
    applied = [_apply_drop(data, actor) for actor in dict.fromkeys(drops)]
    applied += [_apply_set(data, change, text) for change, text in parsed]
    try:
        changed = scenario_from_data(data, source=f"{scenario.id} with what-ifs")
    except ScenarioError as e:
        given = [*(f"--drop {a}" for a in drops), *(f"--set {s}" for s in sets)]
        msg = (
            f"The what-ifs {' '.join(given)} leave a scenario that breaks its rules: "
            f"{e}. Change or remove the what-if."
        )
        raise ParameterError(msg, parameter="--set/--drop", value=given) from None
    return changed, applied
