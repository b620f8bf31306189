"""Power indices: the generating function against enumeration, and known values."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from peacetalks.errors import ParameterError
from peacetalks.institutions import (
    VotingGame,
    builtin_body,
    power,
    power_by_enumeration,
    power_indices,
    voting_game,
    weighted_game,
)


@st.composite
def games(draw: st.DrawFn) -> VotingGame:
    """Draw a small multi-quota game with vetoes."""
    n = draw(st.integers(1, 8))
    dims = draw(st.integers(0, 2))
    quantities = draw(
        st.lists(st.lists(st.integers(0, 6), min_size=n, max_size=n), min_size=dims, max_size=dims)
    )
    clauses = draw(
        st.lists(
            st.lists(st.integers(0, 12), min_size=dims + 1, max_size=dims + 1),
            min_size=1,
            max_size=3,
        )
    )
    vetoes = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return VotingGame(
        np.array(quantities, dtype=np.int64).reshape(dims, n),
        np.array(clauses, dtype=np.int64),
        np.array(vetoes, dtype=bool),
    )


@given(games())
@settings(max_examples=300, deadline=None)
@example(weighted_game([0, 0], 0))
@example(weighted_game([3, 3, 1], 10))
def test_generating_function_equals_enumeration(game: VotingGame) -> None:
    """Check that the exact method gives the same swings and indices as enumeration."""
    fast = power_indices(game)
    slow = power_by_enumeration(game)
    assert fast.swings == slow.swings
    np.testing.assert_array_equal(fast.shapley_shubik, slow.shapley_shubik)
    np.testing.assert_array_equal(fast.banzhaf, slow.banzhaf)
    np.testing.assert_array_equal(fast.banzhaf_raw, slow.banzhaf_raw)
    assert fast.exact
    total = fast.shapley_shubik.sum()
    assert total == pytest.approx(1.0) or total == 0.0


def test_small_weighted_game_by_hand() -> None:
    """Check [3; 2, 1, 1]: Shapley-Shubik 2/3, 1/6, 1/6; Banzhaf swings 3, 1, 1."""
    result = power_indices(weighted_game([2, 1, 1], 3))
    np.testing.assert_allclose(result.shapley_shubik, [2 / 3, 1 / 6, 1 / 6])
    assert result.swings == (3, 1, 1)
    np.testing.assert_allclose(result.banzhaf, [0.6, 0.2, 0.2])
    np.testing.assert_allclose(result.banzhaf_raw, [0.75, 0.25, 0.25])


def test_unsc_known_values() -> None:
    """Check the Security Council: P5 421/2145 and elected 4/2145 (Shapley-Shubik)."""
    game = voting_game(builtin_body("unsc").body).game
    result = power_indices(game)
    p5, elected = result.shapley_shubik[:5], result.shapley_shubik[5:]
    np.testing.assert_allclose(p5, float(Fraction(421, 2145)))
    np.testing.assert_allclose(elected, float(Fraction(4, 2145)))
    assert p5[0] == pytest.approx(0.1963, abs=1e-4)
    assert elected[0] == pytest.approx(0.00186, abs=1e-5)
    assert result.swings == (848,) * 5 + (84,) * 10
    assert result.banzhaf[0] == pytest.approx(848 / 5080)
    assert result.banzhaf[0] == pytest.approx(0.1669, abs=1e-4)
    assert result.banzhaf[5] == pytest.approx(0.0165, abs=1e-4)
    enumerated = power_by_enumeration(game)
    assert enumerated.swings == result.swings
    np.testing.assert_array_equal(enumerated.shapley_shubik, result.shapley_shubik)


def test_eu_double_majority_matches_enumeration_on_a_subset() -> None:
    """Check a 14-member double majority with a blocking minority against enumeration."""
    populations = np.array([83445, 68402, 58990, 48611, 36621, 19064, 17943, 11832, 10901])
    populations = np.concatenate([populations, [5962, 2124, 1375, 672, 563]])
    total = int(populations.sum())
    game = VotingGame(
        populations.reshape(1, -1),
        np.array([[8, -(-65 * total // 100)], [12, 0]]),
        np.zeros(populations.size, dtype=bool),
    )
    fast = power_indices(game)
    assert fast.swings == power_by_enumeration(game).swings


def test_eu_qmv_is_exact() -> None:
    """Check the EU Council's QMV indices: they sum to 1 and follow population."""
    body = builtin_body("eu-council-qmv").body
    game = voting_game(body)
    assert game.population_unit == 1000
    result = power_indices(game.game)
    assert result.exact
    assert result.shapley_shubik.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.banzhaf.sum() == pytest.approx(1.0, abs=1e-12)
    populations = [m.population or 0 for m in body.members]
    order = np.argsort(populations)
    # A more populous state is never less powerful (same count, more population).
    assert (np.diff(result.shapley_shubik[order]) >= -1e-15).all()
    assert (np.diff(result.banzhaf[order]) >= -1e-15).all()
    germany = [m.id for m in body.members].index("germany")
    malta = [m.id for m in body.members].index("malta")
    assert result.shapley_shubik[germany] == pytest.approx(0.1765, abs=5e-4)
    assert result.shapley_shubik[malta] == pytest.approx(0.0087, abs=5e-4)


def test_many_players_are_counted_exactly() -> None:
    """Check that 70 equal seats (beyond 64-bit counts) each get exactly 1/70."""
    result = power_indices(weighted_game([1] * 70, 36))
    assert result.exact
    # Each seat swings when 35 of the 69 others are in: C(69, 35), an 67-bit number.
    assert result.swings == (math.comb(69, 35),) * 70
    np.testing.assert_allclose(result.shapley_shubik, 1 / 70, rtol=1e-15)
    np.testing.assert_allclose(result.banzhaf, 1 / 70, rtol=1e-15)


def test_counts_modulo_primes_equal_the_64_bit_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check the residue path (used past 62 players) against the 64-bit one on 45 players."""
    rng = np.random.default_rng(7)
    weights = rng.integers(1, 30, 45)
    games = [
        weighted_game(weights, int(weights.sum() * 2 // 3)),
        weighted_game(weights, int(weights.sum() // 2), vetoes=np.arange(45) < 2),
        VotingGame(
            np.vstack([weights, rng.integers(0, 4, 45)]),
            np.array([[20, 300, 40], [30, 0, 0]]),
            np.zeros(45, dtype=bool),
        ),
    ]
    direct = [power_indices(game) for game in games]
    monkeypatch.setattr(power, "_MAX_EXACT_PLAYERS", 0)
    for game, expected in zip(games, direct, strict=True):
        got = power_indices(game)
        assert got.swings == expected.swings
        np.testing.assert_array_equal(got.shapley_shubik, expected.shapley_shubik)
        np.testing.assert_array_equal(got.banzhaf, expected.banzhaf)


def test_large_game_with_a_few_blocs_is_exact() -> None:
    """Check a 66-player game with a few blocs: equal weights equal power, exactly."""
    weights = [10, 10, 5] + [1] * 63
    result = power_indices(weighted_game(weights, 50))
    assert result.exact
    assert result.shapley_shubik[0] == result.shapley_shubik[1]
    assert result.shapley_shubik[0] >= result.shapley_shubik[3]
    assert result.shapley_shubik.sum() == pytest.approx(1.0, abs=1e-15)


@pytest.mark.slow
def test_two_hundred_distinct_weights_in_bounded_work() -> None:
    """Check 200 players with weights 1..200 (was about 100 s in floating point)."""
    weights = np.arange(1, 201)
    result = power_indices(weighted_game(weights, int(weights.sum() // 2 + 1)))
    assert result.exact
    assert result.shapley_shubik.sum() == pytest.approx(1.0, abs=1e-12)
    # Larger weight, at least as much power; the swings add up to the Banzhaf total.
    assert np.all(np.diff(result.shapley_shubik) >= 0)
    assert np.all(np.diff(np.asarray(result.swings, dtype=float)) >= 0)
    assert result.banzhaf_raw[0] == pytest.approx(result.swings[0] / 2**199, rel=1e-12)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: VotingGame(
                np.zeros((1, 3), np.int64), np.zeros((1, 1), np.int64), np.zeros(3, bool)
            ),
            "The shapes of VotingGame must be quantities (n_quantities, n_players), clauses "
            "(n_clauses, 1 + n_quantities) and vetoes (n_players,). Got (1, 3), (1, 1) and "
            "(3,) instead.",
        ),
        (
            lambda: weighted_game([1, -1], 1),
            "The 'quantities' of a VotingGame must be non-negative. Got a negative one.",
        ),
        (
            lambda: power_by_enumeration(weighted_game([1] * 25, 13)),
            "The game passed to power_by_enumeration must have at most 24 players. Got 25 "
            "instead. Use power_indices.",
        ),
        (
            lambda: power_indices(weighted_game([10**7, 10**7, 10**7], 2 * 10**7)),
            "The game has 120,000,004 states (members x quantities), more than the 40,000,000 "
            "power_indices can hold. Express weights or populations in coarser units "
            "(thousands of people, for instance).",
        ),
    ],
)
def test_bad_games(make: Callable[[], object], message: str) -> None:
    """Check the messages for malformed or oversized games."""
    with pytest.raises(ParameterError) as info:
        make()
    assert str(info.value) == message
