from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.analysis import zopa
from peacetalks.analysis.pareto import additive_utilities, enumerate_deals
from peacetalks.analysis.zopa import zopa_count, zopa_option_presence, zopa_sample
from peacetalks.errors import ParameterError
from tests.strategies import DealSpace, deal_spaces

BoolArray = npt.NDArray[np.bool_]

# Deals (issue 0, issue 1) -> utilities: (0,0) .8/.0, (0,1) .6/.2, (0,2) .5/.4,
# (1,0) .3/.5, (1,1) .1/.7, (1,2) .0/.9. With reservations .3/.3 only (0,2) and (1,0) pass.
TABLES = [np.array([[0.5, 0.0], [0.0, 0.5]]), np.array([[0.3, 0.1, 0.0], [0.0, 0.2, 0.4]])]
RESERVATIONS = np.array([0.3, 0.3])


@pytest.fixture
def small_blocks() -> Iterator[None]:
    """Shrink the block sizes so that tiny spaces go through every streaming path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zopa, "_SUFFIX_ONE", 4)
        patch.setattr(zopa, "_SUFFIX_MANY", 3)
        patch.setattr(zopa, "_ROWS_PER_CHUNK", 2)
        patch.setattr(zopa, "_BLOCK_ELEMENTS", 5)
        yield


def _acceptable(space: DealSpace) -> tuple[npt.NDArray[np.intp], BoolArray]:
    """Return every deal of the space and whether every veto holder accepts it."""
    deals = enumerate_deals(space.option_counts)
    utilities = additive_utilities(space.tables, deals)
    holders = np.flatnonzero(space.veto)
    ok = np.all(utilities[:, holders] >= space.reservations[holders] - 1e-12, axis=1)
    for i, mask in enumerate(space.admissible):
        ok &= np.all(mask[holders], axis=0)[deals[:, i]]
    return deals, ok


@pytest.mark.parametrize(
    ("veto", "expected"),
    [((True, True), 2), ((True, False), 4), ((False, True), 4), ((False, False), 6)],
)
def test_zopa_count_by_hand(veto: tuple[bool, bool], expected: int) -> None:
    """Check the count of a 2 x 3 space for every choice of veto holders."""
    result = zopa_count(TABLES, RESERVATIONS, veto=np.array(veto))
    assert result.count == expected
    assert result.exact
    assert result.total == 6
    assert result.interval == (expected, expected)
    assert result.fraction == pytest.approx(expected / 6)


def test_zopa_count_red_line_by_hand() -> None:
    """Check that a veto holder's red line removes the deals using that option."""
    admissible = [np.ones((2, 2), bool), np.array([[True] * 3, [False, True, True]])]
    assert zopa_count(TABLES, RESERVATIONS, admissible=admissible).count == 1
    # A red line of an actor without veto does not matter.
    veto = np.array([True, False])
    assert zopa_count(TABLES, RESERVATIONS, veto=veto, admissible=admissible).count == 4


def test_zopa_option_presence_by_hand() -> None:
    """Check which options occur in the two acceptable deals (0, 2) and (1, 0)."""
    presence = zopa_option_presence(TABLES, RESERVATIONS)
    assert presence.exact
    assert [mask.tolist() for mask in presence.present] == [[True, True], [True, False, True]]


def test_zopa_sample_by_hand(rng: np.random.Generator) -> None:
    """Check that samples are the acceptable deals, in roughly equal shares."""
    deals = zopa_sample(TABLES, RESERVATIONS, 4000, rng=rng)
    rows, counts = np.unique(deals, axis=0, return_counts=True)
    assert rows.tolist() == [[0, 2], [1, 0]]
    assert abs(counts[0] - 2000) < 5 * np.sqrt(1000)


def test_zopa_sample_without_replacement(rng: np.random.Generator) -> None:
    """Check that replace=False gives distinct deals and refuses more than exist."""
    deals = zopa_sample(TABLES, RESERVATIONS, 2, rng=rng, replace=False)
    assert sorted(map(tuple, deals.tolist())) == [(0, 2), (1, 0)]
    with pytest.raises(ParameterError, match=r"at most the number of acceptable deals \(2\)"):
        zopa_sample(TABLES, RESERVATIONS, 3, rng=rng, replace=False)


def test_zopa_empty() -> None:
    """Check that an empty ZOPA gives a zero count, no samples and no options."""
    high = np.array([5.0, 5.0])
    assert zopa_count(TABLES, high).count == 0
    assert zopa_sample(TABLES, high, 5, rng=0).shape == (0, 2)
    presence = zopa_option_presence(TABLES, high)
    assert not any(mask.any() for mask in presence.present)


def test_zopa_monte_carlo_interval_covers_count() -> None:
    """Check that the Monte Carlo estimate is flagged and its interval holds the count."""
    result = zopa_count(TABLES, RESERVATIONS, max_exact=1, n_samples=20_000, rng=7)
    assert not result.exact
    assert result.count is None
    assert result.n_samples == 20_000
    low, high = result.interval
    assert low <= 2 <= high
    assert result.estimate == pytest.approx(2, abs=0.1)


def test_zopa_rejection_sampling(rng: np.random.Generator) -> None:
    """Check that sampling by rejection returns acceptable deals only."""
    deals = zopa_sample(TABLES, RESERVATIONS, 50, rng=rng, max_exact=1)
    assert {tuple(deal) for deal in deals.tolist()} <= {(0, 2), (1, 0)}
    with pytest.raises(ParameterError, match="found 0 acceptable ones"):
        zopa_sample(TABLES, np.array([0.0, 0.95]), 1, rng=rng, max_exact=1, max_draws=100)


def test_wilson_interval_by_hand() -> None:
    """Check the Wilson interval at 0 and at 50% against textbook values."""
    low, high = zopa._wilson(0, 100)
    assert low == 0.0
    assert high == pytest.approx(0.03699, abs=1e-4)
    low, high = zopa._wilson(50, 100)
    assert low == pytest.approx(0.4038, abs=1e-4)
    assert high == pytest.approx(0.5962, abs=1e-4)


@given(space=deal_spaces(max_issues=5))
@settings(max_examples=150, deadline=None)
def test_zopa_count_matches_brute_force(space: DealSpace) -> None:
    """Check that the exact count equals enumeration, whoever holds a veto."""
    _, ok = _acceptable(space)
    result = zopa_count(
        space.tables, space.reservations, veto=space.veto, admissible=space.admissible
    )
    assert result.exact
    assert result.count == int(ok.sum())


@pytest.mark.usefixtures("small_blocks")
@given(space=deal_spaces(max_issues=5))
@settings(max_examples=100, deadline=None)
def test_streamed_count_matches_brute_force(space: DealSpace) -> None:
    """Check the count when the space is split and streamed in many tiny blocks."""
    _, ok = _acceptable(space)
    result = zopa_count(
        space.tables, space.reservations, veto=space.veto, admissible=space.admissible
    )
    assert result.count == int(ok.sum())


@pytest.mark.usefixtures("small_blocks")
@given(space=deal_spaces(max_issues=5), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=100, deadline=None)
def test_samples_are_acceptable(space: DealSpace, seed: int) -> None:
    """Check that every sampled deal is acceptable and every acceptable deal can appear."""
    deals, ok = _acceptable(space)
    sample = zopa_sample(
        space.tables, space.reservations, 64, veto=space.veto, admissible=space.admissible, rng=seed
    )
    accepted = {tuple(deal) for deal in deals[ok].tolist()}
    assert {tuple(deal) for deal in sample.tolist()} <= accepted
    assert sample.shape == ((64 if accepted else 0), len(space.tables))
    if accepted:
        distinct = zopa_sample(
            space.tables,
            space.reservations,
            len(accepted),
            veto=space.veto,
            admissible=space.admissible,
            rng=seed,
            replace=False,
        )
        assert {tuple(deal) for deal in distinct.tolist()} == accepted


@pytest.mark.parametrize("blocks", [False, True])
@given(space=deal_spaces(max_issues=5))
@settings(max_examples=80, deadline=None)
def test_option_presence_matches_brute_force(blocks: bool, space: DealSpace) -> None:
    """Check that the options found are exactly those of some acceptable deal."""
    deals, ok = _acceptable(space)
    with pytest.MonkeyPatch.context() as patch:
        if blocks:
            patch.setattr(zopa, "_SUFFIX_MANY", 3)
            patch.setattr(zopa, "_ROWS_PER_CHUNK", 2)
            patch.setattr(zopa, "_BLOCK_ELEMENTS", 5)
        presence = zopa_option_presence(
            space.tables, space.reservations, veto=space.veto, admissible=space.admissible
        )
        bound = zopa_option_presence(
            space.tables,
            space.reservations,
            veto=space.veto,
            admissible=space.admissible,
            max_exact=1,
        )
    assert presence.exact
    for i, mask in enumerate(presence.present):
        expected = np.zeros(space.option_counts[i], dtype=bool)
        expected[deals[ok, i]] = True
        np.testing.assert_array_equal(mask, expected)
        assert np.all(bound.present[i] >= expected)


def _integer_space(
    rng: np.random.Generator, n_actors: int, n_issues: int, n_options: int, top: int
) -> list[npt.NDArray[np.float64]]:
    return [rng.integers(0, top, (n_actors, n_options)).astype(np.float64) for _ in range(n_issues)]


def test_one_veto_holder_exact_on_two_billion_deals(rng: np.random.Generator) -> None:
    """Check the count on 6**12 deals against the convolution of integer utilities."""
    tables = _integer_space(rng, 1, 12, 6, 6)
    distribution = np.ones(1, dtype=np.int64)
    for table in tables:
        issue = np.bincount(table[0].astype(np.int64))
        distribution = np.convolve(distribution, issue)
    reservation = 33
    result = zopa_count(tables, np.array([float(reservation)]))
    assert result.exact
    assert result.total == 6**12
    assert result.count == int(distribution[reservation:].sum())


def test_two_veto_holders_exact_against_convolution(rng: np.random.Generator) -> None:
    """Check the count on 6**8 deals and two veto holders against a 2-d convolution."""
    tables = _integer_space(rng, 2, 8, 6, 4)
    distribution = np.ones((1, 1), dtype=np.int64)
    for table in tables:
        issue = np.zeros((4, 4), dtype=np.int64)
        np.add.at(issue, (table[0].astype(np.int64), table[1].astype(np.int64)), 1)
        grown = np.zeros((distribution.shape[0] + 3, distribution.shape[1] + 3), dtype=np.int64)
        for a, b in zip(*np.nonzero(issue), strict=True):
            grown[a : a + distribution.shape[0], b : b + distribution.shape[1]] += (
                issue[a, b] * distribution
            )
        distribution = grown
    result = zopa_count(tables, np.array([13.0, 12.0]))
    assert result.count == int(distribution[13:, 12:].sum())
    presence = zopa_option_presence(tables, np.array([13.0, 12.0]))
    assert presence.exact


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: zopa_count(TABLES, None),  # type: ignore[arg-type]
            "The 'reservations' parameter of zopa_count must be an array of shape (2,). "
            "Got None instead. Pass each actor's utility of no deal.",
        ),
        (
            lambda: zopa_count(TABLES, RESERVATIONS, veto=np.array([1, 0])),
            "The 'veto' parameter of zopa_count must be a bool array of shape (2,). "
            "Got dtype int64 and shape (2,) instead.",
        ),
        (
            lambda: zopa_count(TABLES, RESERVATIONS, n_samples=0),
            "The 'n_samples' parameter of zopa_count must be an int >= 1. Got 0 instead.",
        ),
        (
            lambda: zopa_sample(TABLES, RESERVATIONS, -1),
            "The 'n' parameter of zopa_sample must be an int >= 0. Got -1 instead.",
        ),
    ],
)
def test_validation_messages(call: object, message: str) -> None:
    """Check that bad arguments raise ParameterError with the exact message."""
    with pytest.raises(ParameterError) as info:
        call()  # type: ignore[operator]
    assert str(info.value) == message
