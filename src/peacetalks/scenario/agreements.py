"""Phased agreements, as scenario records.

An agreement is a deal plus its implementation: phases with obligations per party,
verification, a condition to move on, consequences of violations and the rewards of
moving on. The records here are what a scenario's ``agreements`` section (or an
agreements file beside the scenario) holds; :func:`check_agreements` checks their
references against the scenario. The stress test and implementation tracking that
compute on them live in :mod:`peacetalks.agreements`. ``docs/agreements.md`` describes
every field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool

from peacetalks.scenario._fields import Id, Name, Record, Text, Unit

__all__ = [
    "MAX_DAYS",
    "Advance",
    "Agreement",
    "Consequence",
    "Obligation",
    "Phase",
    "PhaseKind",
    "Verification",
]

MAX_DAYS = 3650
"""Longest phase, in days (ten years)."""

PhaseKind = Literal[
    "ceasefire",
    "disengagement",
    "monitoring",
    "exchange",
    "relief",
    "elections",
    "referendum",
    "armistice",
    "treaty",
    "talks",
    "other",
]
ConsequenceKind = Literal["snapback", "suspension", "other"]
Days = Annotated[int, Field(strict=True, ge=1, le=MAX_DAYS)]
QuietDays = Annotated[int, Field(strict=True, ge=0, le=MAX_DAYS)]


class Obligation(Record):
    """What one party must do (or refrain from) in a phase: a provision of the agreement."""

    id: Id
    party: Id
    what: Name
    note: Text | None = None


class Verification(Record):
    """Who monitors a phase, and the chance that a violation in a period is detected."""

    monitors: Annotated[tuple[Name, ...], Field(max_length=100)] = ()
    detection: Unit
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None


class Advance(Record):
    """The condition to move on to the next phase.

    ``quiet_days``: the last so many days of the phase must pass without a verified
    violation by any party; ``steps``: obligation ids of the phase whose parties must
    have no verified violation during the whole phase (a completed, certified step).
    """

    quiet_days: QuietDays = 0
    steps: Annotated[tuple[Id, ...], Field(max_length=100)] = ()


class Consequence(Record):
    """What a verified violation by ``party`` costs it (snapback, suspension)."""

    kind: ConsequenceKind
    party: Id
    cost: Unit
    what: Name | None = None
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None


class Phase(Record):
    """One step of the implementation: a ceasefire, a relief step, elections, a treaty."""

    id: Id
    name: Name
    kind: PhaseKind
    days: Days
    obligations: Annotated[tuple[Obligation, ...], Field(min_length=1, max_length=100)]
    verification: Verification | None = None
    advance: Advance = Advance()
    consequences: Annotated[tuple[Consequence, ...], Field(max_length=100)] = ()
    temptation: dict[Id, Unit] = Field(default_factory=dict)
    rewards: dict[Id, Unit] = Field(default_factory=dict)
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None


class Agreement(Record):
    """A deal (a proposal id or a mapping of issue ids to option ids) with its phases."""

    id: Id
    title: Name
    proposal: Id | None = None
    deal: dict[Id, Id] | None = None
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None
    phases: Annotated[tuple[Phase, ...], Field(min_length=1, max_length=100)]

    def phase(self, phase_id: str) -> Phase:
        """Return the phase with this id (raises ``KeyError`` if none)."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    @property
    def parties(self) -> tuple[str, ...]:
        """Return the ids of the actors with obligations, in order of first obligation."""
        seen: dict[str, None] = {}
        for phase in self.phases:
            for obligation in phase.obligations:
                seen.setdefault(obligation.party, None)
        return tuple(seen)

    @property
    def provisions(self) -> tuple[Obligation, ...]:
        """Return every obligation of every phase, in order: the provisions to track."""
        return tuple(o for phase in self.phases for o in phase.obligations)
