"""Draws of uncertain inputs from their stated ranges, shared by every Monte Carlo.

A stated value with a range ``[low, high]`` is drawn from a triangular distribution with
the stated value as its mode (the default: the stated value is the most likely) or
uniformly on the range. A value without a range (``low == high``) is not drawn.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["Distribution", "draw_in_ranges"]

FloatArray = npt.NDArray[np.float64]
Distribution = Literal["triangular", "uniform"]


def draw_in_ranges(
    rng: np.random.Generator,
    point: FloatArray,
    ranges: FloatArray,
    n_runs: int,
    distribution: Distribution = "triangular",
) -> FloatArray:
    """Draw ``n_runs`` values of every entry of ``point`` within its range.

    Parameters
    ----------
    rng : numpy.random.Generator
    point : ndarray of shape (...)
        The stated values (the mode of the triangular distribution).
    ranges : ndarray of shape (..., 2)
        Low and high ends; widened to contain the point when they do not.
    n_runs : int
    distribution : {"triangular", "uniform"}

    Returns
    -------
    ndarray of shape (n_runs, ...)
        The point value wherever the range is empty; NaN stays NaN.
    """
    low = np.minimum(ranges[..., 0], point)
    high = np.maximum(ranges[..., 1], point)
    u = rng.random((n_runs, *point.shape))
    width = high - low
    if distribution == "uniform":
        drawn = low + u * width
    else:
        # Inverse CDF of the triangular distribution with mode at the point value.
        with np.errstate(invalid="ignore", divide="ignore"):
            split = np.where(width > 0, (point - low) / width, 0.5)
            left = low + np.sqrt(u * width * (point - low))
            right = high - np.sqrt((1 - u) * width * (high - point))
        drawn = np.where(u < split, left, right)
    result: FloatArray = np.where(width > 0, drawn, point)
    return result
