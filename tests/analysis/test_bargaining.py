from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings

from peacetalks.analysis.bargaining import (
    BargainingSolution,
    egalitarian_deal,
    kalai_smorodinsky_deal,
    nash_deal,
    utilitarian_deal,
)
from peacetalks.analysis.pareto import (
    additive_utilities,
    brute_force_front,
    enumerate_deals,
    pareto_front,
)
from peacetalks.errors import FrontTooLargeError, ParameterError
from tests.strategies import DealSpace, deal_spaces

FloatArray = npt.NDArray[np.float64]
Score = Callable[[FloatArray], FloatArray]

# One issue, two actors, reservations 0: X = (1.0, 0.3), Y = (0.6, 0.4), Z = (0.0, 0.5).
# Nash products 0.30, 0.24, 0; shares of the ideal (1.0, 0.5): 0.6, 0.6, 0;
# smallest gains 0.3, 0.4, 0; sums 1.3, 1.0, 0.5.
TABLES = [np.array([[1.0, 0.6, 0.0], [0.3, 0.4, 0.5]])]
ZERO = np.zeros(2)


def _rows(solution: BargainingSolution) -> list[list[int]]:
    return [list(map(int, deal)) for deal in solution.deals]


def test_nash_by_hand() -> None:
    """Check that the Nash deal maximises the product of gains."""
    solution = nash_deal(TABLES, ZERO)
    assert _rows(solution) == [[0]]
    assert solution.value == pytest.approx(0.3)
    assert solution.rule == "nash"


def test_kalai_smorodinsky_by_hand_reports_ties() -> None:
    """Check that both deals giving 60% of the ideal gain tie under Kalai-Smorodinsky."""
    solution = kalai_smorodinsky_deal(TABLES, ZERO)
    assert _rows(solution) == [[0], [1]]
    assert solution.value == pytest.approx(0.6)


def test_egalitarian_by_hand() -> None:
    """Check that the egalitarian deal maximises the smallest gain."""
    solution = egalitarian_deal(TABLES, ZERO)
    assert _rows(solution) == [[1]]
    assert solution.value == pytest.approx(0.4)


def test_utilitarian_by_hand() -> None:
    """Check that the utilitarian deal maximises the sum, with and without reservations."""
    assert _rows(utilitarian_deal(TABLES)) == [[0]]
    assert utilitarian_deal(TABLES).value == pytest.approx(1.3)
    rational = utilitarian_deal(TABLES, np.array([0.0, 0.35]), individually_rational=True)
    assert _rows(rational) == [[1]]


def test_reservations_shift_the_nash_deal() -> None:
    """Check that gains are measured from the reservations."""
    # Gains from (0.5, 0.0): X = (0.5, 0.3) -> 0.15, Y = (0.1, 0.4) -> 0.04.
    assert _rows(nash_deal(TABLES, np.array([0.5, 0.0]))) == [[0]]
    # Gains from (0.0, 0.35): X is out, Y = (0.6, 0.05) -> 0.03, Z is out.
    assert _rows(nash_deal(TABLES, np.array([0.0, 0.35]))) == [[1]]


def test_red_lines_exclude_deals() -> None:
    """Check that a deal crossing a red line is never picked."""
    admissible = [np.array([[True, True, True], [False, True, True]])]
    assert _rows(nash_deal(TABLES, ZERO, admissible=admissible)) == [[1]]


@pytest.mark.parametrize("rule", [nash_deal, kalai_smorodinsky_deal, egalitarian_deal])
def test_no_acceptable_deal_gives_empty_result(rule: Callable[..., BargainingSolution]) -> None:
    """Check that unreachable reservations give an empty result, not an error."""
    solution = rule(TABLES, np.array([2.0, 2.0]))
    assert solution.is_empty
    assert solution.value is None
    assert solution.deals.shape == (0, 1)
    assert solution.utilities.shape == (0, 2)


def test_nash_with_zero_gains_ties_everything() -> None:
    """Check that when some actor always gains nothing, every front deal ties at 0."""
    tables = [np.array([[1.0, 0.5], [0.0, 0.0]])]
    solution = nash_deal(tables, np.zeros(2))
    assert _rows(solution) == [[0]]
    assert solution.value == 0.0


def test_kalai_smorodinsky_ignores_actors_who_cannot_gain() -> None:
    """Check that an actor with no possible gain does not pin the ratio to zero."""
    tables = [np.array([[1.0, 0.5], [0.0, 0.0]])]
    solution = kalai_smorodinsky_deal(tables, np.zeros(2))
    assert _rows(solution) == [[0]]
    assert solution.value == pytest.approx(1.0)


def test_front_is_reused() -> None:
    """Check that a precomputed front gives the same answer and is checked for shape."""
    front = pareto_front(TABLES, reservations=ZERO, individually_rational=True)
    assert _rows(nash_deal(TABLES, ZERO, front=front)) == [[0]]
    with pytest.raises(ParameterError, match="must come from the same tables"):
        nash_deal([np.zeros((3, 2))], np.zeros(3), front=front)


def test_reservations_are_required() -> None:
    """Check that a rule measured from reservations refuses None."""
    with pytest.raises(ParameterError, match="Got None instead"):
        nash_deal(TABLES, None)  # type: ignore[arg-type]


def test_utilitarian_ties_past_max_points() -> None:
    """Check that too many tied utilitarian deals raise FrontTooLargeError."""
    with pytest.raises(FrontTooLargeError, match="16 tied optimal deals"):
        utilitarian_deal([np.zeros((2, 2))] * 4, max_points=10)


def _brute_force_best(space: DealSpace, score: Score) -> tuple[set[tuple[int, ...]], float]:
    """Return the deals of the IR front with the best score, and that score."""
    deals = enumerate_deals(space.option_counts)
    utilities = additive_utilities(space.tables, deals)
    ok = np.all(utilities >= space.reservations - 1e-12, axis=1)
    for i, mask in enumerate(space.admissible):
        ok &= np.all(mask, axis=0)[deals[:, i]]
    if not ok.any():
        return set(), float("nan")
    gains = np.maximum(utilities[ok] - space.reservations, 0.0)
    best = float(score(gains).max())
    front = brute_force_front(
        space.tables,
        reservations=space.reservations,
        admissible=space.admissible,
        individually_rational=True,
    )
    front_scores = score(np.maximum(front.utilities - space.reservations, 0.0))
    if np.isinf(best):
        close = np.isinf(front_scores)
    else:
        close = np.abs(front_scores - best) <= 1e-9 * max(1.0, abs(best))
    return {tuple(map(int, deal)) for deal in front.deals[close]}, best


def _ks_score(space: DealSpace) -> Score:
    deals = enumerate_deals(space.option_counts)
    utilities = additive_utilities(space.tables, deals)
    ok = np.all(utilities >= space.reservations - 1e-12, axis=1)
    for i, mask in enumerate(space.admissible):
        ok &= np.all(mask, axis=0)[deals[:, i]]
    ideal = np.maximum(utilities[ok] - space.reservations, 0.0).max(axis=0, initial=0.0)
    counted = ideal > 1e-12

    def score(gains: FloatArray) -> FloatArray:
        if not counted.any():
            return np.ones(gains.shape[0])
        return np.asarray((gains[:, counted] / ideal[counted]).min(axis=1))

    return score


def _log_product(gains: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(gains).sum(axis=1))


RULES: list[tuple[Callable[..., BargainingSolution], Callable[[DealSpace], Score]]] = [
    (nash_deal, lambda space: _log_product),
    (kalai_smorodinsky_deal, _ks_score),
    (egalitarian_deal, lambda space: lambda gains: gains.min(axis=1)),
    (
        lambda tables, reservations, **kw: utilitarian_deal(
            tables, reservations, individually_rational=True, **kw
        ),
        lambda space: lambda gains: gains.sum(axis=1),
    ),
]


@pytest.mark.parametrize(("rule", "make_score"), RULES)
@given(space=deal_spaces())
@settings(max_examples=60, deadline=None)
def test_rules_are_optimal_on_the_front(
    rule: Callable[..., BargainingSolution],
    make_score: Callable[[DealSpace], Score],
    space: DealSpace,
) -> None:
    """Check that each rule's deals lie on the front and are optimal by brute force."""
    solution = rule(space.tables, space.reservations, admissible=space.admissible)
    expected, best = _brute_force_best(space, make_score(space))
    assert {tuple(map(int, deal)) for deal in solution.deals} == expected
    if expected:
        assert solution.value is not None
        if solution.rule == "nash":
            assert solution.value == pytest.approx(np.exp(best), rel=1e-9, abs=1e-300)
        elif solution.rule == "utilitarian":
            assert solution.value == pytest.approx(best + space.reservations.sum(), abs=1e-9)
        else:
            assert solution.value == pytest.approx(best, abs=1e-9)
    else:
        assert solution.is_empty


@given(space=deal_spaces())
@settings(max_examples=80, deadline=None)
def test_utilitarian_shortcut_matches_brute_force(space: DealSpace) -> None:
    """Check that the per-issue utilitarian shortcut finds every deal of maximal sum."""
    solution = utilitarian_deal(space.tables)
    deals = enumerate_deals(space.option_counts)
    sums = additive_utilities(space.tables, deals).sum(axis=1)
    best = sums.max()
    expected = {tuple(map(int, deal)) for deal in deals[sums >= best - 1e-9]}
    assert {tuple(map(int, deal)) for deal in solution.deals} == expected
    assert solution.value == pytest.approx(best, abs=1e-9)
    front = {tuple(map(int, deal)) for deal in pareto_front(space.tables).deals}
    assert expected <= front
