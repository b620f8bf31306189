"""Weighted means and medians along the actor axis, batched over any leading axes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["weighted_mean", "weighted_median"]

FloatArray = npt.NDArray[np.float64]


def weighted_mean(values: FloatArray, weights: FloatArray, *, axis: int = -2) -> FloatArray:
    """Return the weighted mean along ``axis``, ignoring NaN values and zero weights.

    Parameters
    ----------
    values : ndarray of shape (..., n_actors, n_issues)
        NaN where an actor takes no part.
    weights : ndarray broadcastable to ``values``
        Non-negative.
    axis : int
        The actor axis.

    Returns
    -------
    ndarray
        ``values`` without ``axis``; NaN where every weight is 0.
    """
    present = ~np.isnan(values)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=axis)
    summed = np.where(present, values, 0.0) * w
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = np.where(total > 0, summed.sum(axis=axis) / total, np.nan)
    return result


def weighted_median(values: FloatArray, weights: FloatArray, *, axis: int = -2) -> FloatArray:
    """Return the weighted median along ``axis``: the position that no weighted majority opposes.

    The median is the smallest value whose cumulative weight reaches half of the total
    weight; when the cumulative weight equals exactly half at a value, the median is the
    midpoint between it and the next value (the usual convention for an even split).

    Parameters
    ----------
    values : ndarray of shape (..., n_actors, n_issues)
        NaN where an actor takes no part.
    weights : ndarray broadcastable to ``values``
    axis : int
        The actor axis.

    Returns
    -------
    ndarray
        ``values`` without ``axis``; NaN where every weight is 0.
    """
    values = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    w = np.moveaxis(
        np.broadcast_to(np.asarray(weights, dtype=np.float64), np.moveaxis(values, -1, axis).shape),
        axis,
        -1,
    )
    w = np.where(np.isnan(values), 0.0, w)
    order = np.argsort(np.where(np.isnan(values), np.inf, values), axis=-1, kind="stable")
    v = np.take_along_axis(values, order, axis=-1)
    ws = np.take_along_axis(w, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    total = cum[..., -1:]
    half = total / 2.0
    tol = 1e-12 * np.maximum(total, 1.0)
    first = np.argmax(cum >= half - tol, axis=-1)[..., None]
    at = np.take_along_axis(v, first, axis=-1)
    exact_half = np.abs(np.take_along_axis(cum, first, axis=-1) - half) <= tol
    # Next value with positive weight after the half point, for an even split.
    later = np.where((np.arange(v.shape[-1]) > first) & (ws > 0), v, np.inf).min(
        axis=-1, keepdims=True
    )
    split = exact_half & np.isfinite(later)
    median = np.where(split, (at + later) / 2.0, at)[..., 0]
    result: FloatArray = np.where(total[..., 0] > 0, median, np.nan)
    return result
