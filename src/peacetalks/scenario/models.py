"""The scenario's records: immutable pydantic models that mirror the YAML format.

The models check the shape of each record (types, required keys, unknown keys, ranges);
the rules that need the whole scenario (ids that refer to other records, duplicates,
red lines that exclude every option) live in :mod:`peacetalks.scenario.rules`.
``docs/scenario-format.md`` describes every field with the built-in scenario as example.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr, field_validator

from peacetalks.scenario._fields import (
    Capability,
    CapabilityBound,
    Curve,
    Id,
    Name,
    Number,
    PartialDate,
    Range100,
    RangeUnit,
    Record,
    RegionCode,
    Scale100,
    SourceKind,
    Text,
    Unit,
    date_text,
)
from peacetalks.scenario.agreements import Agreement
from peacetalks.scenario.bodies import Body

__all__ = [
    "Actor",
    "ActorUncertainty",
    "Agreement",
    "Body",
    "City",
    "Issue",
    "Option",
    "Position",
    "PositionUncertainty",
    "Proposal",
    "Region",
    "RegionShare",
    "Scale",
    "Scenario",
    "Source",
    "Term",
    "TerritoryScale",
]


class Source(Record):
    """Where a position, proposal or figure comes from.

    ``kind`` is ``stated`` (by the party itself), ``reported`` (by media, not published by
    the party) or ``analysis`` (an analyst's view or proposal). ``actor`` names the actor
    whose statement or account it is (a government's readout, a party's draft), so that a
    position of one actor citing another actor's account can be told apart.
    """

    id: Id
    author: Name
    title: Name
    date: PartialDate
    address: Name
    kind: SourceKind
    actor: Id | None = None
    note: Text | None = None

    _date = field_validator("date", mode="before")(date_text)


class ActorUncertainty(Record):
    """Ranges of an actor's capability and reservation value, for Monte Carlo."""

    capability: tuple[CapabilityBound, CapabilityBound] | None = None
    reservation: RangeUnit | None = None


class Actor(Record):
    """A party or stakeholder.

    ``country`` (ISO 3166-1 alpha-2) marks the actor that is a state's government: it
    administers the part of that country's regions no one else controls (docs/territory.md).
    """

    id: Id
    name: Name
    capability: Capability
    veto: StrictBool = False
    reservation: Unit = 0.0
    groups: tuple[Id, ...] = ()
    country: Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}$")] | None = None
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None
    uncertainty: ActorUncertainty | None = None


class Scale(Record):
    """What the two ends of an issue's 0-100 scale mean."""

    low: Name
    high: Name


# How a share of territory is held after a deal (docs/territory.md).
TerritoryStatus = Literal[
    "de-jure", "de-facto", "unrecognised", "dmz", "international", "referendum"
]
# The administrator of a share that no party administers alone.
INTERNATIONAL = "international"


class RegionShare(Record):
    """A region an option concerns, and the share of its area it concerns.

    On a territorial issue the share is the part of the region whose administration
    changes, relative to the line at ``as_of``: ``administered_by`` is who administers it
    after the deal (an actor id, or ``international``), ``status`` how that is held, and
    ``cities`` the named cities (``Scenario.cities``) that change hands with it.
    """

    code: RegionCode
    share: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=1)] = 1.0
    administered_by: Id | None = None
    status: TerritoryStatus | None = None
    cities: tuple[Name, ...] = ()
    note: Text | None = None


class Option(Record):
    """One option of an issue, placed on the issue's 0-100 scale."""

    id: Id
    label: Name
    position: Scale100
    value: Number | None = None
    regions: tuple[RegionShare, ...] = ()
    requires: tuple[Id, ...] = ()
    note: Text | None = None


class TerritoryScale(Record):
    """How a territorial issue's 0-100 scale is placed from the map (docs/territory.md).

    An option's position is 100 x the mean of two shares of ``regions`` that ``actor``
    administers under it: of their area, and of their pre-war population (a region's
    population outside its named cities spread over its area, the cities placed by who
    holds them). A share put to a later referendum counts ``referendum_weight``.
    """

    actor: Id
    regions: Annotated[tuple[RegionCode, ...], Field(min_length=1, max_length=1000)]
    referendum_weight: Unit = 0.5
    note: Text | None = None


class Issue(Record):
    """A dimension of the deal: a finite set of options on a 0-100 scale."""

    id: Id
    name: Name
    description: Text = ""
    scale: Scale
    unit: Name | None = None
    default: Id | None = None
    territory: TerritoryScale | None = None
    options: Annotated[tuple[Option, ...], Field(min_length=1, max_length=1000)]


class Region(Record):
    """A first-level administrative unit (ISO 3166-2) with its area and population.

    ``control`` gives the share of its area administered at ``as_of`` by each party other
    than the country's own government (for example ``{russia: 0.781}``), from
    ``control_source``; the rest is the country's own.
    """

    code: RegionCode
    name: Name
    country: Annotated[StrictStr, Field(pattern=r"^[A-Z]{2}$")]
    area_km2: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=1e9)]
    population: Annotated[int, Field(strict=True, ge=0, le=10**11)]
    population_date: PartialDate
    source: Id
    control: dict[Id, Unit] = Field(default_factory=dict)
    control_source: Id | None = None
    note: Text | None = None

    _date = field_validator("population_date", mode="before")(date_text)


class City(Record):
    """A city named in the talks: where it is, its pre-war population and who holds it."""

    name: Name
    region: RegionCode
    population: Annotated[int, Field(strict=True, ge=0, le=10**11)]
    population_date: PartialDate
    source: Id
    held_by: Id
    lon: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-180, le=180)]
    lat: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-90, le=90)]
    note: Text | None = None

    _date = field_validator("population_date", mode="before")(date_text)


class PositionUncertainty(Record):
    """Ranges of a position's ideal point and salience, for Monte Carlo."""

    position: Range100 | None = None
    salience: RangeUnit | None = None


class Position(Record):
    """What one actor wants on one issue, and how much it cares."""

    actor: Id
    issue: Id
    ideal: Scale100
    salience: Unit
    utilities: dict[Id, Unit] | None = None
    curve: Curve = "linear"
    red_lines: tuple[Id, ...] = ()
    uncertainty: PositionUncertainty | None = None
    source: Id | None = None
    salience_source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None


class Term(Record):
    """Where one option of a proposal comes from: its source states it, or it is imputed.

    ``basis`` ``stated``: ``text`` quotes or paraphrases what the source says on the issue
    (``source`` defaults to the proposal's). ``imputed``: the source says nothing that
    decides the option; ``reason`` says why this option was chosen (and ``source`` may
    name where it was taken from).
    """

    basis: Literal["stated", "imputed"]
    text: Text | None = None
    reason: Text | None = None
    source: Id | None = None


class Proposal(Record):
    """A deal attributed to a source: one option id per issue.

    ``authors`` names the actors whose proposal it is (none for an analyst's proposal);
    amendments are ranked by their loss first. ``terms`` says, per issue of the deal,
    whether the source states the option or it is imputed (see :class:`Term`).
    """

    id: Id
    title: Name
    source: Id
    authors: tuple[Id, ...] = ()
    date: PartialDate | None = None
    note: Text | None = None
    deal: dict[Id, Id]
    terms: dict[Id, Term] = Field(default_factory=dict)

    _date = field_validator("date", mode="before")(date_text)


class Scenario(Record):
    """One negotiation: who sits at the table, what is bargained over, who wants what."""

    id: Id
    title: Name
    as_of: dt.date
    series: Id | None = None
    description: Text = ""
    sources: Annotated[tuple[Source, ...], Field(max_length=10_000)] = ()
    regions: Annotated[tuple[Region, ...], Field(max_length=10_000)] = ()
    cities: Annotated[tuple[City, ...], Field(max_length=10_000)] = ()
    actors: Annotated[tuple[Actor, ...], Field(min_length=1, max_length=1000)]
    issues: Annotated[tuple[Issue, ...], Field(min_length=1, max_length=1000)]
    positions: Annotated[tuple[Position, ...], Field(min_length=1, max_length=100_000)]
    proposals: Annotated[tuple[Proposal, ...], Field(max_length=10_000)] = ()
    bodies: Annotated[tuple[Body, ...], Field(max_length=1000)] = ()
    agreements: Annotated[tuple[Agreement, ...], Field(max_length=1000)] = ()

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id (raises ``KeyError`` if none)."""
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise KeyError(actor_id)

    def issue(self, issue_id: str) -> Issue:
        """Return the issue with this id (raises ``KeyError`` if none)."""
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)

    def proposal(self, proposal_id: str) -> Proposal:
        """Return the proposal with this id (raises ``KeyError`` if none)."""
        for proposal in self.proposals:
            if proposal.id == proposal_id:
                return proposal
        raise KeyError(proposal_id)
