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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StrictBool

from peacetalks.errors import Problem
from peacetalks.scenario._checks import check_deal, check_provenance, check_source, unknown
from peacetalks.scenario._fields import Id, Name, Record, Text, Unit

if TYPE_CHECKING:
    from peacetalks.scenario.models import Scenario

__all__ = [
    "MAX_DAYS",
    "Advance",
    "Agreement",
    "Consequence",
    "Obligation",
    "Phase",
    "PhaseKind",
    "Verification",
    "check_agreements",
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


def _provenance(
    path: str, source: str | None, judgement: bool, note: str | None, what: str, sources: set[str]
) -> list[Problem]:
    return check_source(f"{path}.source", source, sources) + check_provenance(
        path, source, judgement, note, what
    )


def _check_deal(path: str, agreement: Agreement, scenario: Scenario) -> list[Problem]:
    if (agreement.proposal is None) == (agreement.deal is None):
        got = "both" if agreement.proposal is not None else "neither"
        msg = (
            f"an agreement needs exactly one of 'proposal' (a proposal id) or 'deal' (issue ids "
            f"to option ids); got {got}. Keep one."
        )
        return [Problem(path, msg)]
    if agreement.proposal is not None:
        known = [p.id for p in scenario.proposals]
        if agreement.proposal not in known:
            return [unknown(f"{path}.proposal", "proposal", agreement.proposal, known)]
        return []
    assert agreement.deal is not None  # narrowed by the check above
    return check_deal(path, agreement.deal, scenario)


def _check_phase(path: str, phase: Phase, actors: set[str], sources: set[str]) -> list[Problem]:
    problems = _provenance(path, phase.source, phase.judgement, phase.note, "phase", sources)
    if (phase.temptation or phase.rewards) and not phase.judgement:
        msg = (
            "this phase gives 'temptation' or 'rewards', which are modelling judgements, but "
            "is not marked 'judgement: true'. Add 'judgement: true' and a 'note' with the "
            "reasoning (a 'source' may stay for the phase itself)."
        )
        problems.append(Problem(path, msg))
    own = [o.id for o in phase.obligations]
    for j, obligation in enumerate(phase.obligations):
        if obligation.party not in actors:
            problems.append(
                unknown(f"{path}.obligations[{j}].party", "actor", obligation.party, actors)
            )
    if phase.verification is not None:
        v = phase.verification
        problems += _provenance(
            f"{path}.verification", v.source, v.judgement, v.note, "verification", sources
        )
    if phase.advance.quiet_days > phase.days:
        msg = (
            f"quiet period of {phase.advance.quiet_days} days is longer than the phase "
            f"({phase.days} days). Shorten it or lengthen the phase."
        )
        problems.append(Problem(f"{path}.advance.quiet_days", msg))
    for j, step in enumerate(phase.advance.steps):
        if step not in own:
            problems.append(
                unknown(
                    f"{path}.advance.steps[{j}]",
                    "obligation",
                    step,
                    own,
                    among="an obligation of this phase",
                )
            )
    for j, consequence in enumerate(phase.consequences):
        cpath = f"{path}.consequences[{j}]"
        if consequence.party not in actors:
            problems.append(unknown(f"{cpath}.party", "actor", consequence.party, actors))
        problems += _provenance(
            cpath,
            consequence.source,
            consequence.judgement,
            consequence.note,
            "consequence",
            sources,
        )
    for key in ("temptation", "rewards"):
        values: dict[str, float] = getattr(phase, key)
        for actor in values:
            if actor not in actors:
                problems.append(unknown(f"{path}.{key}.{actor}", "actor", actor, actors))
    return problems


def check_agreements(
    agreements: Sequence[Agreement], scenario: Scenario, *, prefix: str = "agreements"
) -> list[Problem]:
    """Return every problem of agreements' references to a scenario.

    Parameters
    ----------
    agreements : sequence of Agreement
        Records that each passed their own validation.
    scenario : Scenario
        The scenario they belong to (its actors, issues, proposals and sources).
    prefix : str
        Path of the list in the document (``agreements``).

    Returns
    -------
    list of Problem
        Empty when every reference resolves.
    """
    actors = {a.id for a in scenario.actors}
    sources = {s.id for s in scenario.sources}
    problems: list[Problem] = []
    for k, agreement in enumerate(agreements):
        path = f"{prefix}[{k}]"
        problems += _provenance(
            path, agreement.source, agreement.judgement, agreement.note, "agreement", sources
        )
        problems += _check_deal(path, agreement, scenario)
        phases: dict[str, int] = {}
        obligations: dict[str, str] = {}
        for j, phase in enumerate(agreement.phases):
            ppath = f"{path}.phases[{j}]"
            if phase.id in phases:
                msg = (
                    f"duplicate phase id {phase.id!r} (first at {path}.phases[{phases[phase.id]}]"
                    "). Give each phase its own id."
                )
                problems.append(Problem(f"{ppath}.id", msg))
            phases.setdefault(phase.id, j)
            for m, obligation in enumerate(phase.obligations):
                opath = f"{ppath}.obligations[{m}].id"
                if obligation.id in obligations:
                    msg = (
                        f"duplicate obligation id {obligation.id!r} (first at "
                        f"{obligations[obligation.id]}). Give each obligation of the agreement "
                        "its own id: it names the provision in tracking."
                    )
                    problems.append(Problem(opath, msg))
                obligations.setdefault(obligation.id, opath)
            problems += _check_phase(ppath, phase, actors, sources)
        parties = set(agreement.parties)
        for j, phase in enumerate(agreement.phases):
            for key in ("temptation", "rewards"):
                for actor in getattr(phase, key):
                    if actor in actors and actor not in parties:
                        msg = (
                            f"actor {actor!r} has no obligation in this agreement, so its "
                            f"{key} would never count. Give it an obligation or remove it."
                        )
                        problems.append(Problem(f"{path}.phases[{j}].{key}.{actor}", msg))
    return problems
