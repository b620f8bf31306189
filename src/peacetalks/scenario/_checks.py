"""Checks shared by the rules of scenarios, bodies and agreements, with their messages.

They need no scenario (ids and sets of ids only), so that the record modules can use them
without importing the scenario record; the checks of references across a whole scenario
are in :mod:`peacetalks.scenario.cross_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable

from peacetalks.errors import Problem

__all__ = ["check_provenance", "check_source", "unknown"]


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
