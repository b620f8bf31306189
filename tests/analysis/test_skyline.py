"""The compiled sort-filter (``_skyline.c``) against the pairwise definition of dominance."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import example, given, settings

from peacetalks.analysis import _dominance, _skyline
from peacetalks.analysis.pareto import pareto_front
from tests.strategies import utility_points

FloatArray = npt.NDArray[np.float64]

# pip install builds the library (hatch_build.py); CI must have it, elsewhere a machine
# without a C compiler skips these cases.
if not _skyline.available():
    if os.environ.get("CI"):
        pytest.fail(
            "The C kernel src/peacetalks/analysis/libpeacetalks_skyline.so is not built: "
            "reinstall with PEACETALKS_BUILD_NATIVE=1 pip install -e . to see why.",
            pytrace=False,
        )
    pytest.skip("the C kernel is not built (no C compiler at install)", allow_module_level=True)


def _naive_mask(points: FloatArray, tol: float) -> npt.NDArray[np.bool_]:
    not_worse = np.all(points[None, :, :] >= points[:, None, :] - tol, axis=2)
    better = np.any(points[None, :, :] > points[:, None, :] + tol, axis=2)
    return np.asarray(~np.any(not_worse & better, axis=1))


@given(utility_points(max_points=300, max_actors=7))
@settings(max_examples=300, deadline=None)
@example(np.zeros((0, 4)))
@example(np.array([[1.0, 1, 1, 1], [1.0, 1, 1, 1], [0.5, 1, 1, 1]]))
# The dominator of the third row has a smaller sum (by less than tol).
@example(np.array([[5.0, 0, 0, 0], [1.0, 1, 1, 1], [1 + 2e-12, 1 - 9e-13, 1 - 9e-13, 1 - 9e-13]]))
def test_skyline_matches_definition(points: FloatArray) -> None:
    """Check that the filter, when it answers, equals the pairwise definition."""
    for tol in (0.0, 1e-12, 0.3):
        got = _skyline.skyline(points, tol, 10**12)
        if tol == 0.0:
            # Dominance without tolerance is transitive: the filter always answers.
            assert got is not None
        if got is not None:
            np.testing.assert_array_equal(got, _naive_mask(points, tol))
        np.testing.assert_array_equal(
            _dominance.nondominated(points, tol), _naive_mask(points, tol)
        )


def test_skyline_gives_up_on_near_tie_chains(rng: np.random.Generator) -> None:
    """Check that a dominance needing the tolerance hands the input to the exact walk."""
    # q dominates p only thanks to tol (it is 0.7e-12 below p in the second coordinate).
    pair = np.array([[1.0, 1, 1, 1], [1 + 2e-12, 1 - 0.7e-12, 1, 1]])
    assert _skyline.skyline(pair, 1e-12, 10**12) is None
    np.testing.assert_array_equal(_dominance.nondominated(pair, 1e-12), [False, True])
    assert _skyline.skyline(pair, 0.0, 10**12) is not None
    # Steps of 0.7e-12 make q dominate p within tol while r, dominating q, misses p: the
    # filter answers only when no such step decided anything, and then rightly.
    for n_points in (200, 600, 3_000):
        points = 1 + rng.integers(0, 6, (n_points, 4)).astype(np.float64) * 0.7e-12
        expected = _naive_mask(points, 1e-12)
        got = _skyline.skyline(points, 1e-12, 10**12)
        if got is not None:
            np.testing.assert_array_equal(got, expected)
        np.testing.assert_array_equal(_dominance.nondominated(points, 1e-12), expected)
        exact = _skyline.skyline(points, 0.0, 10**12)
        assert exact is not None
        np.testing.assert_array_equal(exact, _naive_mask(points, 0.0))


def test_skyline_gives_up_past_its_work_bound(rng: np.random.Generator) -> None:
    """Check that a front too large for the budget is left to the tree walk, same result."""
    # Points on a simplex: every one is on the front, so the pairs grow quadratically.
    points = rng.dirichlet(np.ones(5), 5_000)
    before = _skyline.work["gave_up"]
    assert _skyline.skyline(points, 1e-12, 1_000_000) is None
    assert _skyline.work["gave_up"] == before + 1
    # It stops early: the pairs compared stay near the bound, not the 12.5 million a
    # complete quadratic filter of 5,000 front points would compare.
    pairs_before = _skyline.work["pairs"]
    _skyline.skyline(points, 1e-12, 1_000_000)
    assert _skyline.work["pairs"] - pairs_before < 3_000_000
    got = _skyline.skyline(points, 1e-12, 10**12)
    assert got is not None
    assert got.all()


@pytest.mark.parametrize("n_actors", [4, 5, 6])
def test_front_with_and_without_the_kernel(
    n_actors: int, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check that the whole-space front is the same deals with the C kernel and without."""
    tables = [rng.random((n_actors, 6)) for _ in range(5)]
    calls = _skyline.work["calls"]
    with_kernel = pareto_front(tables)
    assert _skyline.work["calls"] > calls
    monkeypatch.setattr(_skyline, "_LIBRARY", None)
    without = pareto_front(tables)
    np.testing.assert_array_equal(with_kernel.deals, without.deals)
    np.testing.assert_array_equal(with_kernel.utilities, without.utilities)
    assert 100 < with_kernel.deals.shape[0] < 6**5


def test_environment_turns_the_kernel_off() -> None:
    """Check that PEACETALKS_NO_NATIVE=1 runs the NumPy filters alone."""
    code = "from peacetalks.analysis import _skyline; print(_skyline.available())"
    env = {**os.environ, "PEACETALKS_NO_NATIVE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "False"
