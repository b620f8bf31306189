"""The rules and the listing found from the pairs of two half-spaces' fronts.

Checked against the same rules on the whole acceptable front, and against brute force.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings

from peacetalks.analysis import bargaining, halves
from peacetalks.analysis.bargaining import (
    BargainingSolution,
    egalitarian_deal,
    kalai_smorodinsky_deal,
    nash_deal,
    utilitarian_deal,
)
from peacetalks.analysis.halves import HalfPairs, largest_total_front
from peacetalks.analysis.pareto import brute_force_front, pareto_front
from tests.strategies import DealSpace, deal_spaces

Rule = Callable[..., BargainingSolution]


def _utilitarian(tables: object, reservations: object, **kwargs: object) -> BargainingSolution:
    return utilitarian_deal(tables, reservations, individually_rational=True, **kwargs)  # type: ignore[arg-type]


RULES: list[Rule] = [nash_deal, kalai_smorodinsky_deal, egalitarian_deal, _utilitarian]


def _same(a: BargainingSolution, b: BargainingSolution) -> None:
    assert a.deals.tolist() == b.deals.tolist()
    np.testing.assert_array_equal(a.utilities, b.utilities)
    if a.value is None or b.value is None:
        assert a.value is None
        assert b.value is None
    else:
        assert a.value == pytest.approx(b.value, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("rule", RULES)
@given(space=deal_spaces(max_actors=5, max_issues=6, max_options=4))
@settings(max_examples=60, deadline=None)
def test_pairs_give_the_rules_of_the_whole_front(rule: Rule, space: DealSpace) -> None:
    """Check that every rule picks the same deals, ties included, with or without the front."""
    front = pareto_front(
        space.tables,
        reservations=space.reservations,
        admissible=space.admissible,
        individually_rational=True,
    )
    on_front = rule(space.tables, space.reservations, admissible=space.admissible, front=front)
    on_pairs = rule(space.tables, space.reservations, admissible=space.admissible)
    _same(on_pairs, on_front)


@pytest.mark.parametrize("rule", RULES)
@given(space=deal_spaces(max_actors=4, max_issues=5, max_options=4))
@settings(max_examples=25, deadline=None)
def test_many_near_ties_fall_back_to_the_front(rule: Rule, space: DealSpace) -> None:
    """Check the fallback when more pairs tie near the best than are rescored."""
    expected = rule(space.tables, space.reservations, admissible=space.admissible)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bargaining, "MAX_NEAR", 0)
        halves._RECENT.clear()  # fresh pairs: nothing solved on them yet
        got = rule(space.tables, space.reservations, admissible=space.admissible)
    _same(got, expected)


def test_pairs_hold_every_front_deal() -> None:
    """Check on a random space that the acceptable pairs include the whole acceptable front."""
    rng = np.random.default_rng(3)
    tables = [rng.random((4, 4)) for _ in range(6)]
    floor = np.full(4, 2.2)
    masks = [np.ones(t.shape, dtype=np.bool_) for t in tables]
    pairs = HalfPairs(tables, floor, masks, tol=1e-12, max_points=10**6)
    ids = np.concatenate([i for i, _ in pairs.chunks()])
    held = {tuple(d) for d in pairs.deals(ids).tolist()}
    front = pareto_front(tables, reservations=floor, individually_rational=True)
    assert len(front) > 20
    assert {tuple(d) for d in front.deals.tolist()} <= held
    # Some dominated deals are among the pairs too: the rules filter only near ties.
    assert len(held) > len(front)


@pytest.mark.parametrize("first_cut", [4, 1])
@given(space=deal_spaces(max_actors=4, max_issues=5, max_options=4))
@settings(max_examples=70, deadline=None)
def test_largest_totals_are_the_fronts_first_deals(first_cut: int, space: DealSpace) -> None:
    """Check the listing against the brute-force front ordered by total, then deal.

    With a first cut of one pair per deal wanted, the cut is widened more often.
    """
    count = 6
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(halves, "_FIRST_CUT", first_cut)
        halves._RECENT.clear()
        top = largest_total_front(space.tables, space.reservations, space.admissible, count)
    if len(space.tables) < 2:
        assert top is None
        return
    assert top is not None
    front = brute_force_front(
        space.tables,
        reservations=space.reservations,
        admissible=space.admissible,
        individually_rational=True,
    )
    order = np.lexsort((*front.deals.T[::-1], -front.utilities.sum(axis=1)))[:count]
    assert top.deals.tolist() == front.deals[order].tolist()
    np.testing.assert_array_equal(top.utilities, front.utilities[order])


def test_largest_totals_widen_past_dominated_pairs() -> None:
    """Check the widening on pairs whose largest totals include dominated ones.

    Halves {(5, 5), (0, 8), (8, 0)} and {(5, 5), (0, 7), (7, 0)}: the pairs of largest
    total are (10, 10), then (5, 13) and (13, 5), then (5, 12) and (12, 5), dominated;
    the fourth front deal, (0, 15), comes only after them.
    """
    tables = [
        np.array([[5.0, 0.0, 8.0], [5.0, 8.0, 0.0]]),
        np.array([[5.0, 0.0, 7.0], [5.0, 7.0, 0.0]]),
    ]
    masks = [np.ones(t.shape, dtype=np.bool_) for t in tables]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(halves, "_FIRST_CUT", 1)
        halves._RECENT.clear()
        top = largest_total_front(tables, np.zeros(2), masks, 4)
    assert top is not None
    assert top.utilities.tolist() == [[10.0, 10.0], [5.0, 13.0], [13.0, 5.0], [0.0, 15.0]]
    assert top.deals.tolist() == [[0, 0], [1, 0], [2, 0], [1, 1]]


def test_a_dominated_pair_tied_for_the_best_is_left_out() -> None:
    """Check that ties found among the pairs are filtered for dominance.

    Deals (0, 0), (0, 1) and (1, 0) are worth (2, 2, 1), (1, 1, 2) and (3, 1, 2): all give
    a smallest gain of 1, but (1, 0) dominates (0, 1), which is not on the front.
    """
    tables = [
        np.array([[1.0, 2.0], [1.0, 0.0], [0.0, 1.0]]),
        np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 2.0]]),
    ]
    solution = egalitarian_deal(tables, np.zeros(3))
    assert solution.deals.tolist() == [[0, 0], [1, 0]]
    assert solution.value == 1.0
