"""Decision rules: does a body pass a measure, and the body as a voting game.

:func:`decides` applies a body's rule to a vote of every member (yes, no or abstain),
exactly (shares as fractions); :func:`decides_draws` does the same for many votes at once
(one per draw of a Monte Carlo), exactly too (whole numbers). :func:`voting_game` turns
the body into the :class:`~peacetalks.institutions.power.VotingGame` on which power
indices are computed, where every member votes yes or no. On yes/no votes the two agree
(the tests check it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.institutions.power import VotingGame
from peacetalks.scenario.bodies import Body, Member, Rule

__all__ = [
    "BodyGame",
    "decides",
    "decides_draws",
    "describe_rule",
    "voting_game",
]

#: Populations above this total are counted in thousands in the voting game.
POPULATION_EXACT_LIMIT = 2_000_000
_MAX_WEIGHT_UNITS = 10_000_000


def _rule(body: Body) -> Rule:
    if body.rule is None:
        msg = f"The body {body.id!r} has no rule. Resolve a 'builtin' body before voting on it."
        raise ParameterError(msg, parameter="body", value=body.id)
    return body.rule


def _exact(value: float) -> Fraction:
    # Shares and weights come from YAML decimals: read them as the decimals written.
    return Fraction(str(value))


def _amount(member: Member, basis: str) -> Fraction:
    if basis == "weight":
        return _exact(member.weight)
    if basis == "population":
        return Fraction(member.population or 0)
    return Fraction(1)


def decides(body: Body, votes: Mapping[str, str]) -> bool:
    """Return whether the body adopts the measure with these votes.

    Parameters
    ----------
    body : Body
        A complete body (members and rule; see ``resolve_body``).
    votes : mapping of str to str
        Member id to ``"yes"``, ``"no"`` or ``"abstain"``; a member left out abstains.

    Notes
    -----
    A veto member voting no blocks. Unanimity: nobody votes no and somebody votes yes
    (abstentions do not block). Majority: more than half of the ``basis`` of all members
    votes yes; two-thirds: at least two thirds; referendum: more than half of the
    ``basis`` of the votes cast. Qualified majority: every given share of all members is
    reached by the yes votes, or, with ``blocking_minority``, fewer members than that are
    not in favour. ``count`` adds a least number of yes votes. A referendum's ``quorum``
    adds a least share of the ``basis`` of all members among the votes cast (turnout).
    """
    rule = _rule(body)
    members = body.members
    yes = [m for m in members if votes.get(m.id) == "yes"]
    no = [m for m in members if votes.get(m.id) == "no"]
    if any(m.veto for m in no):
        return False
    if rule.kind == "unanimity":
        return not no and bool(yes)
    if rule.count is not None and len(yes) < rule.count:
        return False

    def total(group: list[Member] | tuple[Member, ...], basis: str) -> Fraction:
        return sum((_amount(m, basis) for m in group), Fraction(0))

    if rule.quorum is not None and total(yes + no, rule.basis) < _exact(rule.quorum) * total(
        members, rule.basis
    ):
        return False

    if rule.kind == "majority":
        return 2 * total(yes, rule.basis) > total(members, rule.basis)
    if rule.kind == "two-thirds":
        return 3 * total(yes, rule.basis) >= 2 * total(members, rule.basis)
    if rule.kind == "referendum":
        return 2 * total(yes, rule.basis) > total(yes + no, rule.basis)
    if rule.blocking_minority is not None and len(members) - len(yes) < rule.blocking_minority:
        return True
    shares = (
        (rule.members_share, "members"),
        (rule.weight_share, "weight"),
        (rule.population_share, "population"),
    )
    return all(
        total(yes, basis) >= _exact(share) * total(members, basis)
        for share, basis in shares
        if share is not None
    )


BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def _amounts(body: Body, basis: str) -> IntArray:
    # Whole numbers proportional to each member's amount: every comparison below is
    # homogeneous, so scaling all amounts by one factor keeps it exact.
    if basis == "weight":
        weights = [_exact(m.weight) for m in body.members]
        denominator = math.lcm(*(w.denominator for w in weights)) if weights else 1
        return np.array([int(w * denominator) for w in weights], dtype=np.int64)
    if basis == "population":
        return np.array([m.population or 0 for m in body.members], dtype=np.int64)
    return np.ones(len(body.members), dtype=np.int64)


def decides_draws(body: Body, yes: npt.ArrayLike, no: npt.ArrayLike) -> BoolArray:
    """Return whether the body adopts the measure, for many votes at once.

    Parameters
    ----------
    body : Body
        A complete body.
    yes, no : array-like of bool, shape (n_runs, n_members)
        Which members vote yes and which vote no in each run (members in the body's
        order); a member that does neither abstains. No member may do both.

    Returns
    -------
    ndarray of bool, shape (n_runs,)
        The same decision as :func:`decides` on each run's votes.

    Raises
    ------
    ParameterError
        If the arrays do not have one column per member, or a member votes both ways.
    """
    rule = _rule(body)
    yes_votes = np.asarray(yes, dtype=bool)
    no_votes = np.asarray(no, dtype=bool)
    n = len(body.members)
    for name, array in (("yes", yes_votes), ("no", no_votes)):
        if array.ndim != 2 or array.shape[1] != n or array.shape != yes_votes.shape:
            msg = (
                f"The {name!r} parameter of decides_draws must be a boolean array of shape "
                f"(n_runs, {n}), one column per member of body {body.id!r}, as 'yes' and "
                f"'no' both. Got shape {array.shape} instead."
            )
            raise ParameterError(msg, parameter=name, value=array.shape)
    if (yes_votes & no_votes).any():
        msg = (
            "The 'yes' and 'no' parameters of decides_draws must not both be true for a "
            "member in a run. Got a member voting both ways instead."
        )
        raise ParameterError(msg, parameter="no", value=None)
    veto = np.array([m.veto for m in body.members], dtype=bool)
    passes: BoolArray = ~(no_votes & veto).any(axis=1)
    if rule.kind == "unanimity":
        result: BoolArray = passes & ~no_votes.any(axis=1) & yes_votes.any(axis=1)
        return result
    n_yes = yes_votes.sum(axis=1)
    if rule.count is not None:
        passes &= n_yes >= rule.count

    def total(mask: BoolArray, basis: str) -> IntArray:
        summed: IntArray = mask.astype(np.int64) @ _amounts(body, basis)
        return summed

    def everyone(basis: str) -> int:
        return int(_amounts(body, basis).sum())

    def reaches(mask: BoolArray, share: float, basis: str) -> BoolArray:
        fraction = _exact(share)
        needed = fraction.numerator * everyone(basis)
        counted = total(mask, basis)
        if max(needed, everyone(basis) * fraction.denominator) < 2**62:
            reached: BoolArray = counted * fraction.denominator >= needed
            return reached
        # Beyond 64 bits (huge populations with fine shares) count in Python integers.
        return np.array([int(c) * fraction.denominator >= needed for c in counted], dtype=bool)

    basis = rule.basis
    if rule.quorum is not None:
        passes &= reaches(yes_votes | no_votes, rule.quorum, basis)
    if rule.kind == "majority":
        return passes & (2 * total(yes_votes, basis) > everyone(basis))
    if rule.kind == "two-thirds":
        return passes & (3 * total(yes_votes, basis) >= 2 * everyone(basis))
    if rule.kind == "referendum":
        return passes & (2 * total(yes_votes, basis) > total(yes_votes | no_votes, basis))
    shares_reached = np.ones_like(passes)
    for share, share_basis in (
        (rule.members_share, "members"),
        (rule.weight_share, "weight"),
        (rule.population_share, "population"),
    ):
        if share is not None:
            shares_reached &= reaches(yes_votes, share, share_basis)
    if rule.blocking_minority is not None:
        shares_reached |= (n - n_yes) < rule.blocking_minority
    return passes & shares_reached


def describe_rule(body: Body) -> str:
    """Return the body's rule in words, as ``9 of 15 members in favour; vetoes: ...``."""
    rule = _rule(body)
    n = len(body.members)
    parts: list[str] = []
    basis = {"members": "members", "weight": "weight", "population": "population"}[rule.basis]
    if rule.kind == "unanimity":
        parts.append(f"unanimity of the {n} members (nobody against; abstentions do not block)")
    elif rule.kind == "majority":
        parts.append(f"more than half of the {basis}")
    elif rule.kind == "two-thirds":
        parts.append(f"at least two thirds of the {basis}")
    elif rule.kind == "referendum":
        parts.append(f"more than half of the votes cast (counted by {basis})")
        if rule.quorum is not None:
            parts.append(f"turnout of at least {rule.quorum * 100:g}% of the {basis}")
    else:
        shares = [
            f"{share * 100:g}% of {name}"
            for share, name in (
                (rule.members_share, "members"),
                (rule.weight_share, "weight"),
                (rule.population_share, "population"),
            )
            if share is not None
        ]
        if shares:
            parts.append("qualified majority of " + " and ".join(shares))
    if rule.count is not None:
        parts.append(f"at least {rule.count} of {n} members in favour")
    if rule.blocking_minority is not None:
        parts.append(f"a blocking minority needs at least {rule.blocking_minority} members")
    vetoes = [m.id for m in body.members if m.veto]
    if vetoes:
        parts.append("veto: " + ", ".join(vetoes))
    return "; ".join(parts)


@dataclass(frozen=True)
class BodyGame:
    """A body as a voting game.

    Attributes
    ----------
    game : VotingGame
        Quantities: weight (in ``weight_unit``) and population (in ``population_unit``).
    weight_unit : Fraction
        The weight one unit of the game's first quantity stands for.
    population_unit : int
        People per unit of the game's population (1, or 1000 above 2,000,000 people: the
        indices are then exact for populations rounded to the nearest thousand).
    """

    game: VotingGame
    weight_unit: Fraction
    population_unit: int


def _at_least(share: Fraction, total: int) -> int:
    return math.ceil(share * total)


def voting_game(body: Body) -> BodyGame:
    """Return the body's rule as a voting game of its members (yes or no each).

    Raises
    ------
    ParameterError
        If the weights need more than 10,000,000 whole units (too many decimals).
    """
    rule = _rule(body)
    members = body.members
    n = len(members)
    weights = [_exact(m.weight) for m in members]
    denominator = math.lcm(*(w.denominator for w in weights)) if weights else 1
    weight_units = [int(w * denominator) for w in weights]
    if sum(weight_units) > _MAX_WEIGHT_UNITS:
        msg = (
            f"The weights of body {body.id!r} need {sum(weight_units):,} whole units; the "
            f"limit is {_MAX_WEIGHT_UNITS:,}. Give weights with fewer decimals."
        )
        raise ParameterError(msg, parameter="weight", value=sum(weight_units))
    people = [m.population or 0 for m in members]
    unit = 1000 if sum(people) > POPULATION_EXACT_LIMIT else 1
    population_units = [(p + unit // 2) // unit for p in people]
    totals = {"members": n, "weight": sum(weight_units), "population": sum(population_units)}
    axis = {"members": 0, "weight": 1, "population": 2}
    clause = [0, 0, 0]
    if rule.kind == "unanimity":
        clause[0] = n
    elif rule.kind in ("majority", "referendum"):
        clause[axis[rule.basis]] = totals[rule.basis] // 2 + 1
    elif rule.kind == "two-thirds":
        clause[axis[rule.basis]] = _at_least(Fraction(2, 3), totals[rule.basis])
    else:
        for share, basis in (
            (rule.members_share, "members"),
            (rule.weight_share, "weight"),
            (rule.population_share, "population"),
        ):
            if share is not None:
                clause[axis[basis]] = _at_least(_exact(share), totals[basis])
    least = rule.count or 0
    clause[0] = max(clause[0], least)
    clauses = [clause]
    if rule.kind == "qualified-majority" and rule.blocking_minority is not None:
        clauses.append([max(n - rule.blocking_minority + 1, least), 0, 0])
    game = VotingGame(
        np.array([weight_units, population_units], dtype=np.int64),
        np.array(clauses, dtype=np.int64),
        np.array([m.veto for m in members], dtype=bool),
    )
    return BodyGame(game, Fraction(1, denominator), unit)
