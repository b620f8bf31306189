"""Checks shared by the rules of scenarios, bodies and agreements, with their messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from peacetalks.errors import Problem

if TYPE_CHECKING:
    from peacetalks.scenario.models import Scenario

__all__ = ["check_deal", "check_provenance", "check_source", "unknown"]


def unknown(
    path: str,
    what: str,
    value: str,
    known: Iterable[str],
    *,
    issue: str | None = None,
    among: str = "one of",
) -> Problem:
    """Return the problem of an id that names nothing known, listing what is known."""
    names = sorted(known)
    shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    of = f" of issue {issue!r}" if issue else ""
    if not names:
        return Problem(path, f"unknown {what} {value!r}{of}: the scenario defines none. Add it.")
    return Problem(path, f"unknown {what} {value!r}{of}. Expected {among}: {shown}.")


def check_source(path: str, source_id: str | None, sources: set[str]) -> list[Problem]:
    """Return a problem if ``source_id`` is given and names no source."""
    if source_id is not None and source_id not in sources:
        return [unknown(path, "source", source_id, sources)]
    return []


def check_provenance(
    path: str, source: str | None, judgement: bool, note: str | None, what: str
) -> list[Problem]:
    """Return a problem if a record names no source and is not a noted judgement."""
    if source is None and not judgement:
        msg = (
            f"this {what} names no source. Add 'source: <source id>', or mark it as a "
            "modelling judgement with 'judgement: true' and a 'note' that gives the reasoning."
        )
        return [Problem(path, msg)]
    if judgement and not note:
        msg = f"this {what} is marked 'judgement: true' but has no 'note'. Add the reasoning."
        return [Problem(f"{path}.note", msg)]
    return []


def check_deal(path: str, deal: Mapping[str, str], scenario: Scenario) -> list[Problem]:
    """Return the problems of a deal: unknown issues or options, issues left without default."""
    options = {issue.id: [o.id for o in issue.options] for issue in scenario.issues}
    problems: list[Problem] = []
    for issue_id, option_id in deal.items():
        if issue_id not in options:
            problems.append(unknown(f"{path}.deal.{issue_id}", "issue", issue_id, options))
        elif option_id not in options[issue_id]:
            problems.append(
                unknown(
                    f"{path}.deal.{issue_id}",
                    "option",
                    option_id,
                    options[issue_id],
                    issue=issue_id,
                )
            )
    for issue in scenario.issues:
        if issue.id not in deal and issue.default is None:
            msg = (
                f"the deal does not address issue {issue.id!r}, which has no default option. "
                f"Add '{issue.id}: <option id>' to the deal, or set a 'default' on the issue."
            )
            problems.append(Problem(f"{path}.deal", msg))
    return problems
