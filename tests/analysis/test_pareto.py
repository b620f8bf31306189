from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from peacetalks.analysis import _dominance, _skyline
from peacetalks.analysis.pareto import (
    ParetoFront,
    additive_utilities,
    brute_force_front,
    enumerate_deals,
    pareto_front,
    pareto_mask,
    unique_deals,
)
from peacetalks.errors import FrontTooLargeError, ParameterError, PeacetalksError
from tests.strategies import DealSpace, deal_spaces, utility_points

FloatArray = npt.NDArray[np.float64]


def _naive_mask(points: FloatArray, tol: float) -> npt.NDArray[np.bool_]:
    not_worse = np.all(points[None, :, :] >= points[:, None, :] - tol, axis=2)
    better = np.any(points[None, :, :] > points[:, None, :] + tol, axis=2)
    return np.asarray(~np.any(not_worse & better, axis=1))


def _assert_same_front(got: ParetoFront, expected: ParetoFront) -> None:
    np.testing.assert_array_equal(got.deals, expected.deals)
    np.testing.assert_allclose(got.utilities, expected.utilities, rtol=0, atol=1e-12)


def test_pareto_mask_by_hand() -> None:
    """Check that a small 2-actor set keeps its front, duplicates included."""
    points = np.array([[1.0, 0.0], [0.5, 0.5], [0.5, 0.5], [0.4, 0.5], [0.0, 1.0], [0.0, 0.2]])
    np.testing.assert_array_equal(pareto_mask(points), [True, True, True, False, True, False])


def test_pareto_mask_three_actors_by_hand() -> None:
    """Check that a 3-actor point equal on two coordinates and worse on one is dominated."""
    points = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.5], [0.0, 0.0, 2.0], [0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(pareto_mask(points), [False, True, True, True])


def test_pareto_mask_tol_merges_near_ties() -> None:
    """Check that differences below tol count as ties and above it as dominance."""
    points = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-13]])
    np.testing.assert_array_equal(pareto_mask(points), [True, True])
    np.testing.assert_array_equal(pareto_mask(points, tol=0.0), [False, True])


def test_pareto_mask_empty() -> None:
    """Check that no points give an empty mask."""
    assert pareto_mask(np.zeros((0, 3))).shape == (0,)


@given(utility_points())
@settings(max_examples=150, deadline=None)
@example(np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
def test_pareto_mask_matches_definition(points: FloatArray) -> None:
    """Check that the mask equals the pairwise definition of dominance."""
    for tol in (0.0, 1e-12):
        np.testing.assert_array_equal(pareto_mask(points, tol=tol), _naive_mask(points, tol))


@pytest.fixture
def small_blocks() -> Iterator[None]:
    """Shrink the sweep blocks so that small inputs go through every block path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_dominance, "_SWEEP_BLOCK", 3)
        patch.setattr(_dominance, "_STAIR_BLOCK", 3)
        patch.setattr(_dominance, "_FIRST_CHUNK", 1)
        patch.setattr(_dominance, "_BLOCK_ELEMENTS", 7)
        patch.setattr(_dominance, "_TREE_MIN_POINTS", sys.maxsize)
        # The NumPy filters themselves (tests/analysis/test_skyline.py checks the C one).
        patch.setattr(_skyline, "_LIBRARY", None)
        yield


@pytest.mark.usefixtures("small_blocks")
@given(utility_points())
@settings(max_examples=200, deadline=None)
@example(np.array([[1.0, 1.0, 0.0]] * 3 + [[0.5, 1.0, 0.0], [0.5, 0.5, 0.5]]))
# The dominator of the 3rd row has a smaller sum (by less than tol), in the next block.
@example(
    np.array(
        [
            [5.0, 0, 0, 0],
            [0, 5.0, 0, 0],
            [1.0, 1, 1, 1],
            [1 + 2e-12, 1 - 9e-13, 1 - 9e-13, 1 - 9e-13],
        ]
    )
)
def test_pareto_mask_in_small_blocks_matches_definition(points: FloatArray) -> None:
    """Check the mask against the definition when the sweep runs in blocks of three."""
    for tol in (0.0, 1e-12):
        np.testing.assert_array_equal(pareto_mask(points, tol=tol), _naive_mask(points, tol))


@pytest.mark.usefixtures("small_blocks")
@given(deal_spaces())
@settings(max_examples=100, deadline=None)
def test_front_in_small_blocks_matches_brute_force(space: DealSpace) -> None:
    """Check the issue-by-issue front when every mask runs in blocks of three."""
    options = {
        "reservations": space.reservations,
        "admissible": space.admissible,
        "individually_rational": True,
    }
    got = pareto_front(space.tables, **options)  # type: ignore[arg-type]
    _assert_same_front(got, brute_force_front(space.tables, **options))  # type: ignore[arg-type]


@given(utility_points())
@settings(max_examples=100, deadline=None)
def test_pareto_mask_is_idempotent(points: FloatArray) -> None:
    """Check that the front of a front is the whole front."""
    front = points[pareto_mask(points)]
    assert pareto_mask(front).all()


@pytest.mark.parametrize("n_actors", [3, 4, 5])
def test_pareto_mask_constant_column_reduces_dimension(
    n_actors: int, rng: np.random.Generator
) -> None:
    """Check that a constant extra objective leaves the front unchanged on 20,000 points."""
    points = rng.random((20_000, n_actors - 1)).round(3)
    padded = np.concatenate((points, np.full((points.shape[0], 1), 0.5)), axis=1)
    np.testing.assert_array_equal(pareto_mask(padded), pareto_mask(points))


def test_pareto_mask_large_five_actors(rng: np.random.Generator) -> None:
    """Check that 100,000 points in 5-d agree with the definition on a sample of rows."""
    points = rng.random((100_000, 5))
    mask = pareto_mask(points)
    rows = np.concatenate((np.flatnonzero(mask)[:40], rng.choice(points.shape[0], 60)))
    for row in rows:
        dominated = np.any(
            np.all(points >= points[row], axis=1) & np.any(points > points[row], axis=1)
        )
        assert mask[row] == (not dominated)


@pytest.fixture(params=["small chunks", "estimated splits"])
def tree_always(request: pytest.FixtureRequest) -> Iterator[None]:
    """Send every input with four or more actors to the k-d tree walk."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_dominance, "_TREE_MIN_POINTS", 0)
        patch.setattr(_dominance, "_SWEEP_MIN_SHARE", 2.0)
        patch.setattr(_skyline, "_LIBRARY", None)
        if request.param == "small chunks":
            # Every expansion is split into chunks, every split measures extents, and the
            # points the leaders dominate are always settled before the walk.
            patch.setattr(_dominance, "_PAIR_BUDGET", 2)
            patch.setattr(_dominance, "_EXACT_EXTENT_WIDTH", 2)
            patch.setattr(_dominance, "_SETTLE_MIN_SHARE", 0.0)
        else:
            patch.setattr(_dominance, "_EXACT_EXTENT_WIDTH", sys.maxsize)
            patch.setattr(_dominance, "_SETTLE_MIN_SHARE", 2.0)
        yield


def _many_actor_points() -> st.SearchStrategy[FloatArray]:
    """Return utility vectors with 4-6 actors, many ties and duplicate rows."""
    quarters = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
    grid = st.integers(0, 10**6).map(lambda k: k / 10**6)
    shapes = st.tuples(st.integers(0, 80), st.integers(4, 6))
    return shapes.flatmap(
        lambda shape: arrays(np.float64, shape, elements=grid if shape[0] % 3 == 0 else quarters)
    )


@pytest.mark.usefixtures("tree_always")
@given(_many_actor_points())
@settings(max_examples=200, deadline=None)
@example(np.array([[0.5, 0.5, 0.5, 0.5]] * 5))
@example(np.array([[1.0, 0, 0, 0], [1.0, 0, 0, 0], [0.75, 0, 0, 0], [0, 0, 0, 1.0]]))
def test_tree_mask_matches_definition_and_sweep(points: FloatArray) -> None:
    """Check that the k-d tree walk equals the pairwise definition and the block sweep."""
    for tol in (0.0, 1e-12):
        mask = pareto_mask(points, tol=tol)
        np.testing.assert_array_equal(mask, _naive_mask(points, tol))
        if points.shape[0]:
            np.testing.assert_array_equal(mask, _dominance._mask_sweep(points, tol))


@pytest.mark.parametrize("n_actors", [4, 5, 6])
@pytest.mark.parametrize("shape", ["cube", "simplex"])
def test_tree_mask_matches_sweep_on_thousands_of_points(
    n_actors: int, shape: str, rng: np.random.Generator
) -> None:
    """Check the tree walk against the block sweep on 6,000 points with duplicates."""
    if shape == "cube":
        # Deep dominance: a small front, most points far below it.
        points = rng.integers(0, 12, (6_000, n_actors)) / 4
    else:
        # Points near a simplex, like merged fronts: a large front, shallow dominance.
        points = (rng.dirichlet(np.ones(n_actors), 6_000) * 64).round() / 64
        every_tenth = np.arange(0, 6_000, 10)
        points[every_tenth + 1] = points[every_tenth]
    for tol in (0.0, 1e-12):
        swept = _dominance._mask_sweep(points, tol)
        np.testing.assert_array_equal(_dominance._mask_tree(points, tol), swept)
        # Any dominated points may be settled up front; the walk still uses them.
        settled = ~swept & (rng.random(points.shape[0]) < 0.5)
        np.testing.assert_array_equal(_dominance._mask_tree(points, tol, settled), swept)
        np.testing.assert_array_equal(pareto_mask(points, tol=tol), swept)
    assert 0 < swept.sum() < points.shape[0]


def test_tree_mask_resolves_near_tie_chains_by_definition(rng: np.random.Generator) -> None:
    """Check that chains of differences below tol follow the pairwise definition exactly."""
    # Steps of 0.7e-12 make q dominate p within tol while r, dominating q, misses p.
    points = 1 + rng.integers(0, 6, (3_000, 4)).astype(np.float64) * 0.7e-12
    mask = _dominance._mask_tree(points, 1e-12)
    expected = np.concatenate(
        [_naive_mask_rows(points, rows, 1e-12) for rows in np.split(np.arange(3_000), 6)]
    )
    np.testing.assert_array_equal(mask, expected)


def _naive_mask_rows(
    points: FloatArray, rows: npt.NDArray[np.intp], tol: float
) -> npt.NDArray[np.bool_]:
    not_worse = np.all(points[None, :, :] >= points[rows, None, :] - tol, axis=2)
    better = np.any(points[None, :, :] > points[rows, None, :] + tol, axis=2)
    return np.asarray(~np.any(not_worse & better, axis=1))


@pytest.mark.usefixtures("tree_always")
@given(deal_spaces(min_actors=4, max_actors=6, max_issues=4, max_options=4))
@settings(max_examples=80, deadline=None)
def test_front_through_tree_matches_enumeration(space: DealSpace) -> None:
    """Check the issue-by-issue front with every mask on the tree against enumeration."""
    front = pareto_front(space.tables)
    everything = additive_utilities(space.tables, enumerate_deals(space.option_counts))
    deals = enumerate_deals(space.option_counts)[_naive_mask(everything, 1e-12)]
    np.testing.assert_array_equal(front.deals, deals)


def test_front_of_four_actors_matches_sweep(rng: np.random.Generator) -> None:
    """Check that a 4-actor front of thousands of deals is the same with tree and sweep."""
    tables = [rng.random((4, 5)) / 12 for _ in range(12)]
    front = pareto_front(tables)
    assert len(front) > _dominance._TREE_MIN_POINTS
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_dominance, "_TREE_MIN_POINTS", sys.maxsize)
        swept = pareto_front(tables)
    _assert_same_front(front, swept)


@given(deal_spaces(), st.booleans(), st.booleans())
@settings(max_examples=100, deadline=None)
def test_front_with_a_repeated_actor_matches_brute_force(
    space: DealSpace, rational: bool, same_red_lines: bool
) -> None:
    """Check the front when one actor repeats another's utilities (it is computed once).

    With different red lines or reservations the copy still constrains the rational
    front, so it must not be merged with the actor it copies.
    """
    tables = [np.vstack((t, t[:1])) for t in space.tables]
    copied = [m[:1] if same_red_lines else ~m[:1] for m in space.admissible]
    admissible = [np.vstack((m, c)) for m, c in zip(space.admissible, copied, strict=True)]
    floor = space.reservations[:1] if same_red_lines else space.reservations[:1] + 0.05
    options = {
        "reservations": np.concatenate((space.reservations, floor)),
        "admissible": admissible,
        "individually_rational": rational,
    }
    got = pareto_front(tables, **options)  # type: ignore[arg-type]
    _assert_same_front(got, brute_force_front(tables, **options))  # type: ignore[arg-type]
    np.testing.assert_array_equal(got.utilities[:, -1], got.utilities[:, 0])


@given(deal_spaces(), st.booleans(), st.integers(0, 3))
@settings(max_examples=100, deadline=None)
def test_front_with_twin_options_matches_brute_force(
    space: DealSpace, rational: bool, twin_of: int
) -> None:
    """Check the front when an issue has options every actor values alike.

    One option of each twin group is merged and the others are added back at the end,
    so every twin deal must be on the front, as enumeration finds it.
    """
    first = space.tables[0]
    source = twin_of % first.shape[1]
    tables = [np.hstack((first, first[:, source : source + 1])), *space.tables[1:]]
    mask = space.admissible[0]
    admissible = [np.hstack((mask, mask[:, source : source + 1])), *space.admissible[1:]]
    options = {
        "reservations": space.reservations,
        "admissible": admissible,
        "individually_rational": rational,
    }
    got = pareto_front(tables, **options)  # type: ignore[arg-type]
    _assert_same_front(got, brute_force_front(tables, **options))  # type: ignore[arg-type]
    twin = first.shape[1]
    with_source = {tuple(d[1:]) for d in got.deals if d[0] == source}
    with_twin = {tuple(d[1:]) for d in got.deals if d[0] == twin}
    assert with_source == with_twin


def test_pareto_front_reports_progress() -> None:
    """Check that progress is called once per issue with (issues done, n_issues)."""
    calls: list[tuple[int, int]] = []
    tables = [np.array([[1.0, 0.0], [0.0, 1.0]])] * 3
    pareto_front(tables, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_enumerate_deals_order_and_blocks() -> None:
    """Check that deals come in lexicographic order and blocks cut the same sequence."""
    deals = enumerate_deals([2, 3])
    np.testing.assert_array_equal(deals, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
    np.testing.assert_array_equal(enumerate_deals([2, 3], start=2, stop=4), deals[2:4])
    assert enumerate_deals([]).shape == (1, 0)


def test_additive_utilities_by_hand() -> None:
    """Check that a deal's utility is the sum of its options' contributions."""
    tables = [np.array([[0.1, 0.2], [0.3, 0.0]]), np.array([[0.5, 0.0, 0.25], [0.0, 0.5, 0.5]])]
    utilities = additive_utilities(tables, np.array([[1, 2], [0, 1]]))
    np.testing.assert_allclose(utilities, [[0.45, 0.5], [0.1, 0.8]])


def test_pareto_front_by_hand() -> None:
    """Check the front of a 2-issue, 2-actor trade by hand."""
    # Option 2 of issue 0 is dominated by option 0 within the issue, so never on the front.
    tables = [np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.0]]), np.array([[0.2, 0.0], [0.0, 0.4]])]
    front = pareto_front(tables)
    np.testing.assert_array_equal(front.deals, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_allclose(front.utilities, [[1.2, 0.0], [1.0, 0.4], [0.2, 1.0], [0.0, 1.4]])
    assert len(front) == 4


def test_pareto_front_individually_rational_by_hand() -> None:
    """Check that reservations and red lines cut the front, and that nothing left is empty."""
    tables = [np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.4]]), np.array([[0.2, 0.0], [0.0, 0.4]])]
    admissible = [np.array([[True, True, True], [False, True, True]]), np.ones((2, 2), bool)]
    front = pareto_front(
        tables,
        reservations=np.array([0.5, 0.3]),
        admissible=admissible,
        individually_rational=True,
    )
    # Actor 1 red-lines option 0 of issue 0; deals with option 1 leave actor 0 short.
    np.testing.assert_array_equal(front.deals, [[2, 0], [2, 1]])
    np.testing.assert_allclose(front.utilities, [[0.7, 0.4], [0.5, 0.8]])
    none = pareto_front(tables, reservations=np.array([2.0, 2.0]), individually_rational=True)
    assert none.deals.shape == (0, 2)
    assert none.utilities.shape == (0, 2)


@given(deal_spaces())
@settings(max_examples=150, deadline=None)
def test_pareto_front_matches_brute_force(space: DealSpace) -> None:
    """Check that the issue-by-issue front equals the enumerated front, deals included."""
    _assert_same_front(pareto_front(space.tables), brute_force_front(space.tables))


@given(deal_spaces())
@settings(max_examples=150, deadline=None)
def test_individually_rational_front_matches_brute_force(space: DealSpace) -> None:
    """Check the pruned front against enumeration with reservations and red lines."""
    options = {
        "reservations": space.reservations,
        "admissible": space.admissible,
        "individually_rational": True,
    }
    got = pareto_front(space.tables, **options)  # type: ignore[arg-type]
    _assert_same_front(got, brute_force_front(space.tables, **options))  # type: ignore[arg-type]


@given(deal_spaces(min_actors=2, max_issues=5, max_options=5))
@settings(max_examples=60, deadline=None)
def test_front_points_are_not_dominated_by_any_deal(space: DealSpace) -> None:
    """Check that no deal of the space dominates a front deal and none is missing."""
    front = pareto_front(space.tables)
    everything = additive_utilities(space.tables, enumerate_deals(space.option_counts))
    tol = 1e-12
    for point in front.utilities:
        not_worse = np.all(everything >= point - tol, axis=1)
        assert not np.any(not_worse & np.any(everything > point + tol, axis=1))
    mask = _naive_mask(everything, 1e-12)
    assert len(front) == int(mask.sum())


def test_front_too_large_error() -> None:
    """Check that a front past max_points raises a MemoryError that says what to do."""
    tables = [np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]])] * 4
    with pytest.raises(FrontTooLargeError, match="above max_points=5") as info:
        pareto_front(tables, max_points=5)
    assert isinstance(info.value, MemoryError)
    assert isinstance(info.value, PeacetalksError)
    assert info.value.max_points == 5
    assert info.value.size > 5
    assert "individually_rational=True" in str(info.value)


def test_brute_force_refuses_large_spaces() -> None:
    """Check that brute force refuses a space above max_deals and names pareto_front."""
    tables = [np.zeros((2, 10))] * 4
    with pytest.raises(ParameterError, match="10000 deals, above max_deals=100"):
        brute_force_front(tables, max_deals=100)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: pareto_front([np.zeros((2, 2)), np.zeros((3, 2))]),
            "The 'tables' parameter of pareto_front must have the same number of actors (rows) "
            "in every issue. Got 2 rows for issue 0 and 3 for issue 1 instead.",
        ),
        (
            lambda: pareto_front([]),
            "The 'tables' parameter of pareto_front must hold at least one issue. "
            "Got an empty sequence instead.",
        ),
        (
            lambda: pareto_front([np.array([[np.nan]])]),
            "The 'tables' parameter of pareto_front must hold finite utilities. "
            "Got NaN or infinity in issue 0 instead.",
        ),
        (
            lambda: pareto_front([np.zeros((2, 2))], max_points=0),
            "The 'max_points' parameter of pareto_front must be an int >= 1. Got 0 instead.",
        ),
        (
            lambda: pareto_front(
                [np.zeros((2, 2))], reservations=np.zeros(3), individually_rational=True
            ),
            "The 'reservations' parameter of pareto_front must have shape (2,), one value per "
            "actor. Got shape (3,) instead.",
        ),
        (
            lambda: pareto_front(
                [np.zeros((2, 2))], admissible=[np.ones((2, 3), bool)], individually_rational=True
            ),
            "The 'admissible' parameter of pareto_front must hold bool arrays shaped like the "
            "tables. Got dtype bool and shape (2, 3) for issue 0 instead of bool and (2, 2).",
        ),
        (
            lambda: pareto_front([np.zeros((2, 2))], progress=3),  # type: ignore[arg-type]
            "The 'progress' parameter of pareto_front must be a callable taking "
            "(n_done, n_issues) or None. Got 3 instead.",
        ),
        (
            lambda: pareto_mask(np.zeros(3)),
            "The 'points' parameter of pareto_mask must be a 2-d array of shape "
            "(n_points, n_actors) with n_actors >= 1. Got shape (3,) instead.",
        ),
        (
            lambda: pareto_mask(np.zeros((2, 2)), tol=-1.0),
            "The 'tol' parameter of pareto_mask must be a finite float >= 0. Got -1.0 instead.",
        ),
    ],
)
def test_validation_messages(call: object, message: str) -> None:
    """Check that bad arguments raise ParameterError with the exact message."""
    with pytest.raises(ParameterError) as info:
        call()  # type: ignore[operator]
    assert str(info.value) == message


@given(st.integers(1, 4), st.integers(1, 4))
@settings(max_examples=20, deadline=None)
def test_front_result_is_read_only(n_issues: int, n_options: int) -> None:
    """Check that the arrays of a front cannot be changed in place."""
    front = pareto_front([np.eye(2, n_options)] * n_issues)
    with pytest.raises(ValueError, match="read-only"):
        front.deals[...] = 0


def _random_tables(n_issues: int, n_options: int, n_actors: int, seed: int) -> list[FloatArray]:
    rng = np.random.default_rng(seed)
    return [rng.random((n_actors, n_options)) / n_issues for _ in range(n_issues)]


def test_front_growth_refused_early() -> None:
    """Check that a front bound to pass max_points is refused on its projected growth."""
    tables = _random_tables(30, 5, 5, 0)
    merged: list[int] = []
    with pytest.raises(FrontTooLargeError, match="would grow to about") as info:
        pareto_front(tables, max_points=20_000, progress=lambda done, _: merged.append(done))
    early = info.value
    assert early.estimate is not None
    assert early.estimate > 2 * 20_000
    assert early.size <= 20_000
    assert early.issues_done == len(merged) + 1
    assert early.issues_done <= 8
    assert "after issue" in str(early)
    assert "Raise 'max_points'" in str(early)
    # Without the projection the merge goes on until the front itself is too large.
    with pytest.raises(FrontTooLargeError, match="above max_points=20000") as late:
        pareto_front(tables, max_points=20_000, project=False)
    assert late.value.estimate is None
    assert late.value.issues_done is not None
    assert late.value.issues_done > early.issues_done + 2


def test_front_growth_projection_does_not_refuse_a_front_that_fits() -> None:
    """Check that a front just under max_points is computed, not refused on projection."""
    tables = _random_tables(30, 5, 3, 0)
    exact = pareto_front(tables, project=False)
    _assert_same_front(pareto_front(tables, max_points=len(exact)), exact)


# Seven options that trade off with the same sum: no option, and no deal, dominates
# another, and deals' utilities take few distinct values (GENIUS domains whose evaluations
# take few values). 7**8 = 5,764,801 deals, every one on the front.
_TIED_OPTIONS = np.array(
    [(6, 0, 0), (0, 6, 0), (0, 0, 6), (3, 3, 0), (3, 0, 3), (0, 3, 3), (2, 2, 2)], dtype=float
).T


def test_many_ties_front_is_refused_with_bounded_work() -> None:
    """Check that a 3-party space of 5.8e6 tied deals is refused after little counted work."""
    tables = [_TIED_OPTIONS / 48] * 8
    before = _dominance.work["pairs"]
    with pytest.raises(FrontTooLargeError, match="no deal was dominated") as info:
        pareto_front(tables)
    assert info.value.issues_done is not None
    assert info.value.issues_done <= 5
    assert info.value.estimate == 7**8
    assert _dominance.work["pairs"] - before < 2_000_000


def test_many_ties_filter_compares_distinct_points_only() -> None:
    """Check that 117,649 tied points are filtered on their few distinct rows, exactly."""
    tables = [_TIED_OPTIONS / 36] * 6
    utilities = additive_utilities(tables, enumerate_deals([7] * 6))
    distinct = np.unique(utilities, axis=0)
    before = _dominance.work["pairs"]
    mask = pareto_mask(utilities)
    assert _dominance.work["pairs"] - before <= distinct.shape[0] ** 2
    assert mask.all()
    # A dominated copy group: lower one actor's utility on every copy of one point.
    lowered = utilities.copy()
    copies = np.all(lowered == lowered[0], axis=1)
    lowered[copies, 0] -= 1.0
    expected = _naive_mask(np.unique(lowered, axis=0), 1e-12)
    got = pareto_mask(lowered)
    assert not got[copies].any()
    assert int(got.sum()) == int(
        sum(np.all(lowered == row, axis=1).sum() for row in np.unique(lowered, axis=0)[expected])
    )


@given(
    counts=st.lists(st.integers(1, 5), min_size=1, max_size=6),
    n_deals=st.integers(0, 60),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_unique_deals_is_numpys_unique(counts: list[int], n_deals: int, seed: int) -> None:
    """Check the mixed-radix unique against np.unique on rows, order included."""
    rng = np.random.default_rng(seed)
    deals = np.stack([rng.integers(0, c, size=n_deals) for c in counts], axis=1)
    expected = np.unique(deals, axis=0)
    got = unique_deals(deals, counts)
    assert got.dtype == np.intp
    assert got.tolist() == expected.tolist()


def test_unique_deals_beyond_62_bits_falls_back() -> None:
    """Check that a space past 2**62 deals still gives the distinct rows in order."""
    deals = np.array([[5, 1] * 20, [0, 1] * 20, [5, 1] * 20])
    assert unique_deals(deals, [10] * 40).tolist() == [[0, 1] * 20, [5, 1] * 20]


@pytest.mark.slow
def test_front_growth_projection_follows_the_fronts_own_growth() -> None:
    """Check that a 5-actor front growing faster than log(N)**4 is refused on its own rate.

    30 issues x 5 options x 5 actors (seed 1): with the exponent 4 alone the merge ran to
    issue 17 (221,370 partial deals, about 14 s) before the refusal.
    """
    tables = _random_tables(30, 5, 5, 1)
    with pytest.raises(FrontTooLargeError, match=r"grew as its power \d\.\d") as info:
        pareto_front(tables, max_points=1_000_000)
    assert info.value.issues_done is not None
    assert info.value.issues_done <= 15
    assert info.value.estimate is not None
    assert info.value.estimate > 2_000_000
    # The same rule leaves a front that fits alone: 20 issues of 4 actors.
    assert pareto_front(_random_tables(20, 5, 4, 1), max_points=1_000_000).deals.shape[0] > 1_000
