"""Bodies that must ratify or authorise a deal, as scenario records.

A body (the UN Security Council, the EU Council, a parliament, a referendum) has members
and a decision rule. The records here are what a scenario's ``bodies`` section holds (and
what a body file or a built-in body holds); the voting rules, power indices and
ratification that compute on them live in :mod:`peacetalks.institutions`.
``docs/institutions.md`` describes every field.

A member votes, in this order of precedence: as stated for the proposal in the body's
``votes``; by its own position in the body's ``positions`` (the first case whose ``when``
the deal meets), then by its own ``vote``, each sourced or marked as a judgement; as its
``actor`` judges the deal (yes when the actor accepts it, no otherwise); as the body's
``follow`` actor (its group's actor) judges it, a judgement; by the body's
``default_vote``; and otherwise it abstains. A referendum may instead give the
electorate's share in favour with a range (``electorate``), for the deals its ``when``
matches. :func:`check_body_positions` checks what only a scenario can tell (issue,
option, member and source ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool, field_validator, model_validator

from peacetalks.errors import Problem
from peacetalks.scenario._checks import check_source, unknown
from peacetalks.scenario._fields import Id, Name, RangeUnit, Record, Text, Unit
from peacetalks.scenario.index import packaged_ids

__all__ = [
    "Body",
    "ElectorateCase",
    "Member",
    "MemberPosition",
    "Rule",
    "builtin_body_ids",
    "builtin_body_text",
    "case_applies",
    "check_body_positions",
]


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
Weight = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1e9)]
Population = Annotated[int, Field(strict=True, ge=0, le=10**11)]
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
    source: Id | None = None
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
    quorum: Unit | None = None
    note: Text | None = None


def _options(value: Any) -> Any:
    # `when: {territory: cede}` is short for `when: {territory: [cede]}`.
    if isinstance(value, dict):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


When = Annotated[
    dict[Id, Annotated[tuple[Id, ...], Field(min_length=1, max_length=100)]],
    BeforeValidator(_options),
]


class MemberPosition(Record):
    """A member's own position: its vote, on every deal or on the deals ``when`` matches.

    ``when`` maps issue ids to the option (or list of options) for which the position
    holds; a deal matches when, for every issue listed, it takes one of those options. A
    position cites a ``source`` or is marked ``judgement: true`` with the reasoning in
    ``note``.
    """

    vote: Vote
    when: When = Field(default_factory=dict)
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None


class ElectorateCase(Record):
    """The electorate of a referendum: its share in favour, for the deals ``when`` matches.

    ``share`` is the expected share of the votes cast in favour, ``range`` the low and
    high ends it could take (drawn from a triangular distribution with ``share`` as its
    mode); ``turnout`` and ``turnout_range`` likewise for the share of the electorate that
    votes, needed when the rule has a ``quorum``. A case cites a ``source`` (a published
    poll, say) or is marked ``judgement: true``.
    """

    share: Unit
    range: RangeUnit | None = None
    turnout: Unit | None = None
    turnout_range: RangeUnit | None = None
    when: When = Field(default_factory=dict)
    source: Id | None = None
    judgement: StrictBool = False
    note: Text | None = None


def _one_or_many(value: Any) -> Any:
    # A single position may be written as a mapping rather than a list of one.
    if isinstance(value, dict):
        return {k: [v] if isinstance(v, dict) else v for k, v in value.items()}
    return value


Positions = Annotated[
    dict[Id, Annotated[tuple[MemberPosition, ...], Field(min_length=1, max_length=100)]],
    BeforeValidator(_one_or_many),
]


class Body(Record):
    """A voting or ratifying institution: its members and its decision rule.

    Either ``builtin`` names a built-in body (its members and rule are used, and this
    record may re-link members to actors, set ``follow``, ``default_vote`` and ``votes``),
    or ``name``, ``members`` and ``rule`` define the body here. ``positions`` gives members
    their own (sourced or judged) votes; ``electorate`` gives a referendum's share in
    favour.
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
    positions: Positions = Field(default_factory=dict)
    electorate: Annotated[tuple[ElectorateCase, ...], Field(max_length=100)] = ()
    note: Text | None = None

    @field_validator("electorate", mode="before")
    @classmethod
    def _one_case(cls, value: Any) -> Any:
        # A single electorate case may be written as a mapping.
        return [value] if isinstance(value, dict) else value

    @field_validator("rule", mode="before")
    @classmethod
    def _rule_shorthand(cls, value: Any) -> Any:
        # `rule: unanimity` is short for `rule: {kind: unanimity}`.
        return {"kind": value} if isinstance(value, str) else value


def builtin_body_ids() -> list[str]:
    """Return the ids of the built-in bodies, sorted."""
    return packaged_ids(_BUILTIN_FOLDER)


def builtin_body_text(body_id: str) -> str:
    """Return the YAML text of a built-in body (raises ``KeyError`` if there is none)."""
    if body_id not in builtin_body_ids():
        raise KeyError(body_id)
    folder = resources.files(_BUILTIN_PACKAGE) / _BUILTIN_FOLDER
    return (folder / f"{body_id}.yaml").read_text(encoding="utf-8")


def case_applies(when: Mapping[str, tuple[str, ...]], deal: Mapping[str, str]) -> bool:
    """Return whether a deal (issue id to option id) meets a ``when`` condition."""
    return all(deal.get(issue) in options for issue, options in when.items())


def _check_when(
    path: str, when: Mapping[str, tuple[str, ...]], options: Mapping[str, Iterable[str]] | None
) -> list[Problem]:
    if options is None:
        return []
    problems = []
    for issue_id, chosen in when.items():
        if issue_id not in options:
            problems.append(unknown(f"{path}.when.{issue_id}", "issue", issue_id, options))
            continue
        known = set(options[issue_id])
        for k, option_id in enumerate(chosen):
            if option_id not in known:
                problems.append(
                    unknown(
                        f"{path}.when.{issue_id}[{k}]", "option", option_id, known, issue=issue_id
                    )
                )
    return problems


def _check_provenance(
    path: str, source: str | None, judgement: bool, what: str, sources: set[str] | None
) -> list[Problem]:
    if source is None and not judgement:
        msg = (
            f"{what} has neither a 'source' nor 'judgement: true'. Cite the source that "
            "reports it, or mark it as a modelling judgement and give the reasoning in 'note'."
        )
        return [Problem(path, msg)]
    return check_source(f"{path}.source", source, sources) if sources is not None else []


def _check_range(path: str, key: str, point: float, bounds: tuple[float, float]) -> list[Problem]:
    low, high = bounds
    if not low <= point <= high:
        msg = (
            f"{key} [{low:g}, {high:g}] does not contain the stated value {point:g}. "
            "Give a range from low to high that contains it."
        )
        return [Problem(f"{path}.{key}", msg)]
    return []


def check_body_positions(
    body: Body,
    path: str,
    *,
    members: Iterable[str],
    rule: Rule | None,
    options: Mapping[str, Iterable[str]] | None = None,
    sources: set[str] | None = None,
) -> list[Problem]:
    """Return every problem of a body's ``positions``, ``electorate`` and ``quorum``.

    Parameters
    ----------
    body : Body
        The body as written (with ``builtin``, its overrides only).
    path : str
        Path of the body, as ``bodies[2]``.
    members : iterable of str
        The member ids of the complete body (a built-in's, with ``builtin``).
    rule : Rule or None
        The rule of the complete body.
    options : mapping of str to iterable of str, or None
        Issue id to option ids, for ``when``; ``None`` skips that check (a body file).
    sources : set of str or None
        The source ids; ``None`` skips that check.

    Returns
    -------
    list of Problem
        Empty when consistent.
    """
    problems: list[Problem] = []
    known = list(members)
    for member_id, cases in body.positions.items():
        where = f"{path}.positions.{member_id}"
        if member_id not in known:
            problems.append(unknown(where, "member", member_id, known))
        for k, position in enumerate(cases):
            what = f"the position of member {member_id!r}"
            problems += _check_provenance(
                f"{where}[{k}]", position.source, position.judgement, what, sources
            )
            problems += _check_when(f"{where}[{k}]", position.when, options)
    if sources is not None:
        for j, member in enumerate(body.members):
            problems += check_source(f"{path}.members[{j}].source", member.source, sources)
    kind = rule.kind if rule is not None else None
    if body.electorate and kind is not None and kind != "referendum":
        msg = (
            f"an electorate's share in favour applies to a referendum, but the body's rule is "
            f"{kind!r}. Use 'rule: referendum', or give members' positions instead."
        )
        problems.append(Problem(f"{path}.electorate", msg))
    quorum = rule.quorum if rule is not None else None
    if quorum is not None and kind != "referendum":
        msg = "'quorum' applies to a referendum rule only. Use 'kind: referendum', or remove it."
        problems.append(Problem(f"{path}.rule.quorum", msg))
    for k, case in enumerate(body.electorate):
        where = f"{path}.electorate[{k}]"
        what = "the electorate's share in favour"
        problems += _check_provenance(where, case.source, case.judgement, what, sources)
        problems += _check_when(where, case.when, options)
        if case.range is not None:
            problems += _check_range(where, "range", case.share, case.range)
        if case.turnout_range is not None:
            if case.turnout is None:
                msg = "'turnout_range' needs the expected 'turnout'. Add 'turnout'."
                problems.append(Problem(f"{where}.turnout_range", msg))
            else:
                problems += _check_range(where, "turnout_range", case.turnout, case.turnout_range)
        if quorum is not None and case.turnout is None:
            msg = (
                f"the rule has a quorum of {quorum:g} of the electorate, so the case needs "
                "the expected 'turnout'. Add 'turnout' (and 'turnout_range')."
            )
            problems.append(Problem(f"{where}.turnout", msg))
    return problems
