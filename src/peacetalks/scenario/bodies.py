"""Bodies that must ratify or authorise a deal, as scenario records.

A body (the UN Security Council, the EU Council, a parliament, a referendum) has members
and a decision rule. The records here are what a scenario's ``bodies`` section holds; the
voting rules and power indices that compute on them live in :mod:`peacetalks.institutions`.
"""

from __future__ import annotations

from peacetalks.scenario._fields import Id, Name, Record, Text

__all__ = ["Body"]


class Body(Record):
    """A voting or ratifying institution."""

    id: Id
    name: Name
    note: Text | None = None
