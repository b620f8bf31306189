"""The fixed-memory running summary against numpy on all the values at once."""

from __future__ import annotations

import numpy as np
import pytest

from peacetalks.analysis.streaming import RunningSummary

LEVELS = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0]


def _summary(values: np.ndarray, chunk: int, bins: int = 10_000) -> RunningSummary:
    summary = RunningSummary(np.zeros(values.shape[1]), np.full(values.shape[1], 100.0), bins)
    for start in range(0, len(values), chunk):
        summary.add(values[start : start + chunk])
    return summary


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 50_000])
def test_quantiles_within_one_bin_of_numpy(n: int, rng: np.random.Generator) -> None:
    """Check each quantile against numpy's linear percentile: within one bin's width."""
    values = np.column_stack(
        [
            rng.triangular(0, 30, 100, n),
            rng.uniform(40, 41, n),  # narrower than a hundred bins
            np.round(rng.normal(50, 10, n)),  # ties
        ]
    )
    got = _summary(values, chunk=333).quantiles(LEVELS)
    expected = np.percentile(values, [100 * q for q in LEVELS], axis=0)
    np.testing.assert_allclose(got, expected, atol=100 / 10_000)


def test_point_mass_and_two_values_are_exact() -> None:
    """Check that a bin of one distinct value, or of two values, gives them exactly."""
    values = np.column_stack([np.full(501, 37.123456), np.r_[np.full(500, 10.0), 10.004]])
    got = _summary(values, chunk=7).quantiles([0.0, 0.5, 1.0])
    assert got[:, 0].tolist() == [37.123456] * 3
    assert (got[0, 1], got[2, 1]) == (10.0, 10.004)
    pair = _summary(np.array([[20.001], [20.005]]), chunk=1).quantiles([0.0, 0.25, 1.0])
    assert pair[:, 0] == pytest.approx([20.001, 20.002, 20.005], abs=1e-12)


def test_independent_of_chunks_and_nan_left_out(rng: np.random.Generator) -> None:
    """Check that the split into chunks changes nothing and NaN values are not counted."""
    values = rng.uniform(0, 100, (10_001, 2))
    values[::3, 1] = np.nan
    one = _summary(values, chunk=10_001)
    many = _summary(values, chunk=17)
    np.testing.assert_array_equal(one.quantiles(LEVELS), many.quantiles(LEVELS))
    assert one.n_values.tolist() == [10_001, 10_001 - 3334]
    np.testing.assert_allclose(one.mean(), np.nanmean(values, axis=0))
    np.testing.assert_allclose(
        one.quantiles([0.5])[0, 1], np.nanpercentile(values[:, 1], 50), atol=0.01
    )


def test_coarse_histogram_equals_numpy(rng: np.random.Generator) -> None:
    """Check that a 20-bin histogram read off the fine one equals numpy's on the values."""
    values = rng.uniform(0, 100, (5000, 1))
    edges, counts = _summary(values, chunk=999).histogram(20)
    expected, expected_edges = np.histogram(values[:, 0], bins=20, range=(0, 100))
    np.testing.assert_allclose(edges[0], expected_edges)
    assert counts[0].tolist() == expected.tolist()
    _, uneven = _summary(values, chunk=999).histogram(3)
    assert uneven.sum() == 5000


def test_empty_column_gives_nan() -> None:
    """Check that a column without values has NaN quantiles and mean."""
    summary = RunningSummary(np.zeros(1), np.ones(1))
    summary.add(np.full((4, 1), np.nan))
    assert np.isnan(summary.quantiles([0.5])).all()
    assert np.isnan(summary.mean()).all()
