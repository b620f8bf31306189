"""Running summaries of Monte Carlo output in fixed memory, whatever the number of runs.

A Monte Carlo of many runs is computed in chunks; each chunk's values are added to a
:class:`RunningSummary` and dropped, so memory does not grow with the runs. The summary
keeps, per column (an issue, say), a fine histogram on the column's known range with the
smallest and largest value that fell in each bin. A quantile is found in the bin that
holds its rank and interpolated between that bin's smallest and largest value, so:

- it is exact when the bin holds one distinct value (a column without uncertainty, a
  point mass), and within one bin's width (``(high - low) / bins``; 1/10,000 of the scale
  by default) of numpy's linear-interpolation percentile otherwise;
- it does not depend on how the runs were split into chunks.

Any coarser histogram whose bin count divides ``bins`` is read off exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["FINE_BINS", "RunningSummary"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FINE_BINS = 10_000
"""Bins of the fine histogram per column: quantiles within 1/10,000 of the range."""


@dataclass(eq=False)
class RunningSummary:
    """Counts, bin extremes, mean and range of a stream of value rows, per column.

    Parameters
    ----------
    low, high : ndarray of shape (n_columns,)
        The range each column's values lie in (values outside are clipped to it).
    bins : int
        Bins of the fine histogram.
    """

    low: FloatArray
    high: FloatArray
    bins: int = FINE_BINS
    counts: IntArray = field(init=False)
    bin_min: FloatArray = field(init=False)
    bin_max: FloatArray = field(init=False)
    total: FloatArray = field(init=False)
    n_rows: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.low = np.asarray(self.low, dtype=np.float64)
        self.high = np.asarray(self.high, dtype=np.float64)
        n = self.low.shape[0]
        self.counts = np.zeros((n, self.bins), dtype=np.int64)
        self.bin_min = np.full((n, self.bins), np.inf)
        self.bin_max = np.full((n, self.bins), -np.inf)
        self.total = np.zeros(n)

    @property
    def n_values(self) -> IntArray:
        """Return the number of values (not NaN) seen per column, shape (n_columns,)."""
        values: IntArray = self.counts.sum(axis=1)
        return values

    def add(self, values: FloatArray) -> None:
        """Add a chunk of rows.

        Parameters
        ----------
        values : ndarray of shape (n_rows, n_columns)
            NaN values are not counted.
        """
        self.n_rows += values.shape[0]
        width = np.where(self.high > self.low, self.high - self.low, 1.0)
        for j in range(values.shape[1]):
            column = values[:, j]
            column = np.clip(column[~np.isnan(column)], self.low[j], self.high[j])
            if column.size == 0:
                continue
            index = ((column - self.low[j]) / width[j] * self.bins).astype(np.int64)
            index = np.minimum(index, self.bins - 1)
            self.counts[j] += np.bincount(index, minlength=self.bins)
            np.minimum.at(self.bin_min[j], index, column)
            np.maximum.at(self.bin_max[j], index, column)
            self.total[j] += float(column.sum())

    def mean(self) -> FloatArray:
        """Return each column's mean (NaN for a column without values)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            means: FloatArray = self.total / self.n_values
        return means

    def quantiles(self, levels: FloatArray | list[float]) -> FloatArray:
        """Return the quantiles of each column, as numpy's linear percentile estimates them.

        Parameters
        ----------
        levels : array-like of shape (n_levels,)
            In [0, 1].

        Returns
        -------
        ndarray of shape (n_levels, n_columns)
            NaN for a column without values.
        """
        qs = np.asarray(levels, dtype=np.float64)
        out = np.full((qs.size, self.low.shape[0]), np.nan)
        cumulative = np.cumsum(self.counts, axis=1)
        for j, n in enumerate(self.n_values):
            if n == 0:
                continue
            for k, q in enumerate(qs):
                rank = q * (n - 1)  # 0-based, as numpy's linear method
                out[k, j] = self._at_rank(j, rank, cumulative[j])
        return out

    def _at_rank(self, j: int, rank: float, cumulative: IntArray) -> float:
        below = int(np.floor(rank))
        above = min(below + 1, int(cumulative[-1]) - 1)
        fraction = rank - below
        first = self._order_statistic(j, below, cumulative)
        if fraction == 0.0 or above == below:
            return first
        return first + fraction * (self._order_statistic(j, above, cumulative) - first)

    def _order_statistic(self, j: int, k: int, cumulative: IntArray) -> float:
        """Estimate the k-th smallest value (0-based) of column j."""
        b = int(np.searchsorted(cumulative, k, side="right"))
        count = int(self.counts[j, b])
        before = int(cumulative[b]) - count
        lo, hi = float(self.bin_min[j, b]), float(self.bin_max[j, b])
        if count == 1 or hi == lo:
            return lo
        return lo + (hi - lo) * (k - before) / (count - 1)

    def histogram(self, bins: int) -> tuple[FloatArray, IntArray]:
        """Return a coarser histogram per column, exact when ``bins`` divides the fine bins.

        Returns
        -------
        edges : ndarray of shape (n_columns, bins + 1)
        counts : ndarray of shape (n_columns, bins)
        """
        edges: FloatArray = np.linspace(self.low, self.high, bins + 1, axis=1)
        if self.bins % bins == 0:
            counts: IntArray = self.counts.reshape(len(self.low), bins, -1).sum(axis=2)
            return edges, counts
        centres = (np.arange(self.bins) + 0.5) / self.bins
        index = np.minimum((centres * bins).astype(np.int64), bins - 1)
        coarse = np.stack([np.bincount(index, weights=row, minlength=bins) for row in self.counts])
        return edges, coarse.astype(np.int64)
