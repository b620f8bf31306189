"""The Nash bargaining point of the actors on each issue.

Each actor's utility of a point ``x`` on an issue's scale falls linearly with the distance
from its position, ``u(x) = 1 - |x - p| / width``; what it gets without agreement is its
utility of the issue's reference point (the status quo). The Nash point maximises the
capability x salience weighted product of the gains over the reference point (an
asymmetric Nash bargaining solution), found on a fine grid of the scale. Where the issue
has no reference point, or no point gives every actor a positive gain, gains are
measured from the worst point of the scale for each actor (its utility 0).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel

__all__ = ["NashPointModel"]

FloatArray = npt.NDArray[np.float64]


class NashPointModel(ForecastModel):
    """Forecast each issue at the weighted Nash bargaining point of the actors.

    Parameters
    ----------
    grid : int
        Number of grid points on each issue's scale (default 1001: steps of 0.1 on 0-100).
    """

    name = "nash"

    def __init__(self, *, grid: int = 1001):
        super().__init__()
        if isinstance(grid, bool) or not isinstance(grid, int) or not 11 <= grid <= 100_001:
            msg = (
                f"The 'grid' parameter of NashPointModel must be an int in [11, 100001]. "
                f"Got {grid!r} instead."
            )
            raise ParameterError(msg, parameter="grid", value=grid)
        self.grid = grid

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the Nash point per run and issue, of shape (n_runs, n_issues)."""
        table = self._table()
        n_runs, _, n_issues = positions.shape
        result = np.full((n_runs, n_issues), np.nan)
        weights = capabilities[:, :, None] * saliences
        # Chunks keep the (runs, actors, grid) array within a few tens of megabytes.
        chunk = max(1, 2_000_000 // (self.grid * max(positions.shape[1], 1)))
        for i in range(n_issues):
            low, high = table.scale[i]
            width = max(high - low, 1e-12)
            xs = np.linspace(low, high, self.grid)
            reference = table.reference[i]
            for start in range(0, n_runs, chunk):
                stop = min(start + chunk, n_runs)
                result[start:stop, i] = self._solve(
                    positions[start:stop, :, i], weights[start:stop, :, i], xs, width, reference
                )
        return result

    @staticmethod
    def _solve(
        positions: FloatArray, weights: FloatArray, xs: FloatArray, width: float, reference: float
    ) -> FloatArray:
        present = ~np.isnan(positions) & (weights > 0)
        p = np.where(present, positions, 0.0)
        w = np.where(present, weights, 0.0)
        utility = 1.0 - np.abs(xs[None, None, :] - p[:, :, None]) / width
        floor = np.zeros(p.shape) if np.isnan(reference) else 1.0 - np.abs(reference - p) / width
        gains = utility - floor[:, :, None]
        feasible = np.asarray(np.where(present[:, :, None], gains > 1e-12, True).all(axis=1))
        # Where nothing beats the reference point for everyone, measure from utility 0.
        fallback = np.asarray(~feasible.any(axis=1))
        gains = np.where(fallback[:, None, None], utility, gains)
        feasible = np.where(
            fallback[:, None],
            np.where(present[:, :, None], utility > 1e-12, True).all(axis=1),
            feasible,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(
                present[:, :, None], w[:, :, None] * np.log(np.maximum(gains, 1e-300)), 0.0
            ).sum(axis=1)
        score = np.where(feasible, score, -np.inf)
        best: FloatArray = xs[np.argmax(score, axis=1)]
        none = ~present.any(axis=1) | ~np.isfinite(score.max(axis=1))
        result: FloatArray = np.where(none, np.nan, best)
        return result
