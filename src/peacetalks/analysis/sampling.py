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
        drawn: FloatArray = low + u * width
    else:
        # Inverse CDF of the triangular distribution with mode at the point value:
        # low + sqrt(u * width * (point - low)) below the mode's share of the range,
        # high - sqrt((1 - u) * width * (high - point)) above it. The run-sized arrays are
        # computed in place (the same operations in the same order, so the same numbers):
        # this is most of the time of every acceptance Monte Carlo.
        with np.errstate(invalid="ignore", divide="ignore"):
            split = np.where(width > 0, (point - low) / width, 0.5)
            left = u * width
            left *= point - low
            np.sqrt(left, out=left)
            left += low
            drawn = 1 - u
            drawn *= width
            drawn *= high - point
            np.sqrt(drawn, out=drawn)
            np.subtract(high, drawn, out=drawn)
        np.copyto(drawn, left, where=u < split)
    # The point value wherever the range is empty (or NaN).
    np.copyto(drawn, point, where=np.logical_not(width > 0))
    return drawn
