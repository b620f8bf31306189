"""Bodies that must ratify or authorise a deal, as scenario records.

A body (the UN Security Council, the EU Council, a parliament, a referendum) has members
and a decision rule. The records here are what a scenario's ``bodies`` section holds (and
what a body file or a built-in body holds); the voting rules, power indices and
ratification that compute on them live in :mod:`peacetalks.institutions`.
``docs/institutions.md`` describes every field.

A member votes, in this order of precedence: as stated for the proposal in the body's
``votes``; as its own stated ``vote``; as its ``actor`` judges the deal (yes when the
actor accepts it, no otherwise); as the body's ``follow`` actor judges it; by the body's
``default_vote``; and otherwise it abstains.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool, field_validator, model_validator

from peacetalks.scenario._fields import Id, Name, Record, Text, Unit

__all__ = ["Body", "Member", "Rule", "builtin_body_ids", "builtin_body_text"]


def _vote_word(value: Any) -> Any:
    # YAML 1.1 reads an unquoted yes/no as true/false; take them as the words meant.
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


Vote = Annotated[Literal["yes", "no", "abstain"], BeforeValidator(_vote_word)]
RuleKind = Literal["unanimity", "majority", "two-thirds", "qualified-majority", "referendum"]
Basis = Literal["members", "weight", "population"]
Weight = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]
Population = Annotated[int, Field(strict=True, ge=0)]
Count = Annotated[int, Field(strict=True, ge=1)]

_BUILTIN_PACKAGE = "peacetalks.data"
_BUILTIN_FOLDER = "bodies"


class Member(Record):
    """A member of a body: a state, a seat, a party bloc or a share of an electorate.

    Written as an actor id (``- russia``) it is the member whose vote that actor decides;
    as a mapping it is a named seat, optionally linked to an actor. ``id`` defaults to
    ``actor``.
    """

    id: Id
    name: Name | None = None
    actor: Id | None = None
    weight: Weight = 1.0
    population: Population | None = None
    veto: StrictBool = False
    vote: Vote | None = None
    note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _id_from_actor(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"id": data, "actor": data}
        if isinstance(data, dict) and "id" not in data and isinstance(data.get("actor"), str):
            return {"id": data["actor"], **data}
        return data


class Rule(Record):
    """How a body decides.

    ``kind`` is ``unanimity`` (nobody votes no), ``majority`` (more than half of the
    ``basis``), ``two-thirds`` (at least two thirds of the ``basis``), ``referendum`` (more
    than half of the votes cast, counted by ``basis``) or ``qualified-majority`` (every
    given share reached: ``members_share``, ``weight_share``, ``population_share``). Any
    kind but unanimity may add ``count``, a number of members in favour; a qualified
    majority may add ``blocking_minority``: with fewer members than that not in favour,
    the majority is deemed reached. Members with ``veto: true`` block by voting no.
    """

    kind: RuleKind
    basis: Basis = "members"
    members_share: Unit | None = None
    weight_share: Unit | None = None
    population_share: Unit | None = None
    count: Count | None = None
    blocking_minority: Count | None = None
    note: Text | None = None


class Body(Record):
    """A voting or ratifying institution: its members and its decision rule.

    Either ``builtin`` names a built-in body (its members and rule are used, and this
    record may re-link members to actors, set ``follow``, ``default_vote`` and ``votes``),
    or ``name``, ``members`` and ``rule`` define the body here.
    """

    id: Id
    name: Name | None = None
    builtin: Id | None = None
    members: Annotated[tuple[Member, ...], Field(max_length=10_000)] = ()
    rule: Rule | None = None
    source: Id | None = None
    follow: Id | None = None
    default_vote: Vote | None = None
    actors: dict[Id, Id] = Field(default_factory=dict)
    votes: dict[Id, dict[Id, Vote]] = Field(default_factory=dict)
    note: Text | None = None

    @field_validator("rule", mode="before")
    @classmethod
    def _rule_shorthand(cls, value: Any) -> Any:
        # `rule: unanimity` is short for `rule: {kind: unanimity}`.
        return {"kind": value} if isinstance(value, str) else value


def builtin_body_ids() -> list[str]:
    """Return the ids of the built-in bodies, sorted."""
    folder = resources.files(_BUILTIN_PACKAGE) / _BUILTIN_FOLDER
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def builtin_body_text(body_id: str) -> str:
    """Return the YAML text of a built-in body (raises ``KeyError`` if there is none)."""
    if body_id not in builtin_body_ids():
        raise KeyError(body_id)
    folder = resources.files(_BUILTIN_PACKAGE) / _BUILTIN_FOLDER
    return (folder / f"{body_id}.yaml").read_text(encoding="utf-8")
