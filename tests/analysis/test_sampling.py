"""The shared sampler gives the inverse-CDF formula's numbers exactly (it computes in place)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.analysis.sampling import Distribution, draw_in_ranges

FloatArray = npt.NDArray[np.float64]


def _formula(
    rng: np.random.Generator,
    point: FloatArray,
    ranges: FloatArray,
    n_runs: int,
    distribution: Distribution = "triangular",
) -> FloatArray:
    """Return the draws as the formula reads, one new array per step."""
    low = np.minimum(ranges[..., 0], point)
    high = np.maximum(ranges[..., 1], point)
    u = rng.random((n_runs, *point.shape))
    width = high - low
    if distribution == "uniform":
        drawn = low + u * width
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            split = np.where(width > 0, (point - low) / width, 0.5)
            left = low + np.sqrt(u * width * (point - low))
            right = high - np.sqrt((1 - u) * width * (high - point))
        drawn = np.where(u < split, left, right)
    result: FloatArray = np.where(width > 0, drawn, point)
    return result


_VALUE = st.one_of(
    st.floats(-200, 200, allow_nan=False),
    st.sampled_from([0.0, 1.0, 50.0, 100.0, float("nan")]),
)


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[FloatArray, FloatArray]:
    shape = draw(st.sampled_from([(), (1,), (4,), (2, 3), (2, 2, 2)]))
    size = int(np.prod(shape))
    point = np.array(draw(st.lists(_VALUE, min_size=size, max_size=size)), dtype=np.float64)
    ends = draw(st.lists(_VALUE, min_size=2 * size, max_size=2 * size))
    ranges = np.array(ends, dtype=np.float64).reshape(*shape, 2)
    return point.reshape(shape), ranges


@settings(max_examples=300, deadline=None)
@given(
    _inputs(),
    st.integers(0, 40),
    st.sampled_from(["triangular", "uniform"]),
    st.integers(0, 2**32 - 1),
)
def test_draws_are_the_formulas_numbers(
    inputs: tuple[FloatArray, FloatArray], n_runs: int, distribution: Distribution, seed: int
) -> None:
    """Check every draw equals the formula's bit for bit: NaN, empty and reversed ranges too."""
    point, ranges = inputs
    expected = _formula(np.random.default_rng(seed), point, ranges, n_runs, distribution)
    got = draw_in_ranges(np.random.default_rng(seed), point, ranges, n_runs, distribution)
    assert got.shape == expected.shape == (n_runs, *point.shape)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected, equal_nan=True)


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_other_dtypes_give_float64_draws(dtype: type) -> None:
    """Check that float32 and integer inputs are drawn as float64, as the formula gives them."""
    point: FloatArray = np.array([50, 20], dtype=dtype)
    ranges: FloatArray = np.array([[40, 70], [20, 20]], dtype=dtype)
    expected = _formula(np.random.default_rng(3), point, ranges, 100)
    got = draw_in_ranges(np.random.default_rng(3), point, ranges, 100)
    assert got.dtype == expected.dtype == np.float64
    assert np.array_equal(got, expected)
