"""Phased agreements, as scenario records.

An agreement is a deal plus its implementation: phases with obligations, verification, a
condition to move on and consequences of violations. The records here are what a
scenario's ``agreements`` section holds; the stress test and implementation tracking that
compute on them live in :mod:`peacetalks.agreements`.
"""

from __future__ import annotations

from peacetalks.scenario._fields import Id, Name, Record, Text

__all__ = ["Agreement"]


class Agreement(Record):
    """A deal with its phased implementation."""

    id: Id
    title: Name
    note: Text | None = None
