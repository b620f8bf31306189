"""Decision rules: votes with abstentions, and agreement with the voting game."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.errors import ParameterError
from peacetalks.institutions import (
    builtin_body,
    decides,
    decides_draws,
    describe_rule,
    voting_game,
)
from peacetalks.scenario.bodies import Body


@st.composite
def bodies(draw: st.DrawFn) -> Body:
    """Draw a small valid body of any rule kind."""
    n = draw(st.integers(1, 7))
    kind = draw(
        st.sampled_from(["unanimity", "majority", "two-thirds", "qualified-majority", "referendum"])
    )
    members = [
        {
            "id": f"m{k}",
            "weight": draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])),
            "population": draw(st.integers(1, 500)),
            "veto": draw(st.booleans()) if kind != "unanimity" else False,
        }
        for k in range(n)
    ]
    rule: dict[str, Any] = {"kind": kind}
    if kind in ("majority", "two-thirds", "referendum"):
        rule["basis"] = draw(st.sampled_from(["members", "weight", "population"]))
    if kind == "qualified-majority":
        for name in ("members_share", "weight_share", "population_share"):
            if draw(st.booleans()):
                rule[name] = draw(st.sampled_from([0.25, 0.5, 0.55, 0.6, 2 / 3, 0.65, 1.0]))
        if draw(st.booleans()) or len(rule) == 1:
            rule["count"] = draw(st.integers(1, n))
        if draw(st.booleans()):
            rule["blocking_minority"] = draw(st.integers(1, n))
    elif kind != "unanimity" and draw(st.booleans()):
        rule["count"] = draw(st.integers(1, n))
    if kind == "referendum" and draw(st.booleans()):
        rule["quorum"] = draw(st.sampled_from([0.25, 0.5, 0.65, 1.0]))
    return Body.model_validate({"id": "b", "name": "B", "members": members, "rule": rule})


@given(bodies())
@settings(max_examples=200, deadline=None)
def test_decision_agrees_with_the_game(body: Body) -> None:
    """Check that on every yes/no profile the rule and the voting game agree."""
    game = voting_game(body).game
    n = len(body.members)
    for profile in itertools.product([True, False], repeat=n):
        votes = {m.id: "yes" if yes else "no" for m, yes in zip(body.members, profile, strict=True)}
        assert decides(body, votes) == bool(game.is_winning(np.array(profile)))


def _votes(
    body: Body, yes: set[str], no: frozenset[str] | set[str] = frozenset()
) -> dict[str, str]:
    return {m.id: "yes" if m.id in yes else "no" if m.id in no else "abstain" for m in body.members}


def test_unsc_abstention_of_a_permanent_member_is_not_a_veto() -> None:
    """Check that nine yes votes pass with a permanent member abstaining, not voting no."""
    body = builtin_body("unsc").body
    ids = [m.id for m in body.members]
    yes = set(ids[:4] + ids[5:10])
    assert decides(body, _votes(body, yes))
    assert not decides(body, _votes(body, yes, {ids[4]}))
    assert not decides(body, _votes(body, set(ids[:8])))


def test_eu_qmv_blocking_minority() -> None:
    """Check that three states cannot block, even with more than 35% of the population."""
    body = builtin_body("eu-council-qmv").body
    against = {"germany", "france", "italy"}
    yes = {m.id for m in body.members} - against
    assert decides(body, _votes(body, yes, against))
    against.add("spain")
    yes -= {"spain"}
    assert not decides(body, _votes(body, yes, against))
    small = {"malta", "luxembourg", "cyprus", "estonia"}
    assert decides(body, _votes(body, {m.id for m in body.members} - small, small))


def test_unanimity_abstentions_do_not_block() -> None:
    """Check that an abstention does not prevent unanimity, a vote against does."""
    body = builtin_body("eu-council-unanimity").body
    everyone = {m.id for m in body.members}
    assert decides(body, _votes(body, everyone - {"hungary"}))
    assert not decides(body, _votes(body, everyone - {"hungary"}, {"hungary"}))
    assert not decides(body, _votes(body, set()))


def test_referendum_counts_votes_cast() -> None:
    """Check that a referendum is decided by the votes cast, not by the electorate."""
    body = Body.model_validate(
        {
            "id": "r",
            "name": "R",
            "rule": {"kind": "referendum", "basis": "weight"},
            "members": [
                {"id": "a", "weight": 2},
                {"id": "b", "weight": 3},
                {"id": "c", "weight": 5},
            ],
        }
    )
    # 5 of the 7 votes cast, although only half of the electorate's 10.
    assert decides(body, {"c": "yes", "a": "no"})
    assert not decides(body, {"c": "yes", "a": "no", "b": "no"})


@pytest.mark.parametrize(
    ("body_id", "rule", "clauses"),
    [
        (
            "unsc",
            "at least 9 of 15 members in favour; veto: china, france, russia, uk, united-states",
            [[9, 0, 0]],
        ),
        (
            "eu-council-qmv",
            "qualified majority of 55% of members and 65% of population; a blocking minority "
            "needs at least 4 members",
            [[15, 0, 291987], [24, 0, 0]],
        ),
        (
            "eu-council-unanimity",
            "unanimity of the 27 members (nobody against; abstentions do not block)",
            [[27, 0, 0]],
        ),
        ("verkhovna-rada", "at least two thirds of the weight", [[0, 300, 0]]),
        ("us-senate", "at least two thirds of the weight", [[0, 67, 0]]),
        (
            "russia-federal-assembly",
            "unanimity of the 2 members (nobody against; abstentions do not block)",
            [[2, 0, 0]],
        ),
        (
            "ukraine-referendum",
            "more than half of the votes cast (counted by members)",
            [[1, 0, 0]],
        ),
    ],
)
def test_builtin_rules_as_games(body_id: str, rule: str, clauses: list[list[int]]) -> None:
    """Check each built-in's rule in words and its thresholds (Rada 300, Senate 67)."""
    body = builtin_body(body_id).body
    assert describe_rule(body) == rule
    assert voting_game(body).game.clauses.tolist() == clauses


@given(bodies(), st.integers(0, 2**32 - 1))
@settings(max_examples=200, deadline=None)
def test_decides_draws_agrees_with_decides(body: Body, seed: int) -> None:
    """Check that the vectorised rule gives decides' answer on random votes with abstentions."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 3, size=(60, len(body.members)))
    decided = decides_draws(body, codes == 1, codes == 0)
    for run, row in enumerate(codes):
        votes = {
            m.id: ("no", "yes", "abstain")[int(c)] for m, c in zip(body.members, row, strict=True)
        }
        assert bool(decided[run]) == decides(body, votes)


def test_decides_draws_on_the_eu_double_majority() -> None:
    """Check the EU's 65% of the population in whole numbers: the big four fall short alone."""
    body = builtin_body("eu-council-qmv").body
    ids = [m.id for m in body.members]
    everyone = np.ones((1, len(ids)), dtype=bool)
    against = np.isin(ids, ["germany", "france", "italy", "spain"])[None, :]
    three = np.isin(ids, ["germany", "france", "italy"])[None, :]
    yes = np.concatenate([everyone, ~against, ~three])
    no = np.concatenate([~everyone, against, three])
    assert decides_draws(body, yes, no).tolist() == [True, False, True]


def test_referendum_quorum() -> None:
    """Check that a referendum with a quorum fails when too few vote, whatever the share."""
    body = Body.model_validate(
        {
            "id": "r",
            "name": "R",
            "members": [{"id": "a", "weight": 3}, {"id": "b", "weight": 2}, {"id": "c"}],
            "rule": {"kind": "referendum", "basis": "weight", "quorum": 0.5},
        }
    )
    assert decides(body, {"a": "yes"})
    assert not decides(body, {"b": "yes"})
    assert decides(body, {"b": "yes", "c": "no"})
    assert describe_rule(body) == (
        "more than half of the votes cast (counted by weight); turnout of at least 50% of "
        "the weight"
    )


@pytest.mark.parametrize(
    ("yes", "no", "message"),
    [
        (
            np.ones((2, 3), dtype=bool),
            np.zeros((2, 3), dtype=bool),
            "The 'yes' parameter of decides_draws must be a boolean array of shape "
            "(n_runs, 15), one column per member of body 'unsc', as 'yes' and 'no' both. Got "
            "shape (2, 3) instead.",
        ),
        (
            np.ones((2, 15), dtype=bool),
            np.zeros((3, 15), dtype=bool),
            "The 'no' parameter of decides_draws must be a boolean array of shape "
            "(n_runs, 15), one column per member of body 'unsc', as 'yes' and 'no' both. Got "
            "shape (3, 15) instead.",
        ),
        (
            np.ones((2, 15), dtype=bool),
            np.ones((2, 15), dtype=bool),
            "The 'yes' and 'no' parameters of decides_draws must not both be true for a "
            "member in a run. Got a member voting both ways instead.",
        ),
    ],
    ids=["yes-columns", "no-runs", "both-ways"],
)
def test_decides_draws_validation(yes: np.ndarray, no: np.ndarray, message: str) -> None:
    """Check the exact messages for malformed vote arrays."""
    with pytest.raises(ParameterError) as info:
        decides_draws(builtin_body("unsc").body, yes, no)
    assert str(info.value) == message
