"""Monte Carlo over the uncertainty of positions, saliences and capabilities.

Inputs are drawn from each value's range (triangular with the point value as mode by
default, or uniform), all runs at once, and the model's batched kernel is called on
chunks of runs; the same seed gives the same numbers on any machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.sampling import Distribution as Distribution
from peacetalks.analysis.sampling import draw_in_ranges as _draw
from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["MonteCarloResult", "draw_inputs", "monte_carlo"]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]


def draw_inputs(
    table: StakeholderTable,
    n_runs: int,
    *,
    rng: np.random.Generator | int | None = None,
    distribution: Distribution = "triangular",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draw positions, saliences and capabilities from the table's ranges.

    Returns
    -------
    positions : ndarray of shape (n_runs, n_actors, n_issues)
        NaN where an actor takes no part.
    saliences : ndarray of shape (n_runs, n_actors, n_issues)
    capabilities : ndarray of shape (n_runs, n_actors)
    """
    generator = np.random.default_rng(rng)
    positions = _draw(generator, table.positions, table.position_ranges, n_runs, distribution)
    saliences = _draw(generator, table.saliences, table.salience_ranges, n_runs, distribution)
    capabilities = _draw(
        generator, table.capabilities, table.capability_ranges, n_runs, distribution
    )
    return positions, np.clip(saliences, 0.0, 1.0), np.maximum(capabilities, 1e-12)


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Forecasts of every run, and their summary per issue.

    Attributes
    ----------
    values : ndarray of shape (n_runs, n_issues)
    deterministic : ndarray of shape (n_issues,)
        The forecast of the point values.
    p5, p50, p95 : ndarray of shape (n_issues,)
    edges : ndarray of shape (n_issues, n_bins + 1)
    counts : ndarray of shape (n_issues, n_bins)
        Histogram of the runs per issue, on the issue's scale.
    """

    values: FloatArray
    deterministic: FloatArray
    p5: FloatArray
    p50: FloatArray
    p95: FloatArray
    edges: FloatArray
    counts: npt.NDArray[np.int64]
    seed: int | None

    def issue_data(self, i: int) -> dict[str, Any]:
        """Return the summary of issue ``i`` as JSON-ready data."""
        return {
            "p5": float(self.p5[i]),
            "p50": float(self.p50[i]),
            "p95": float(self.p95[i]),
            "histogram": {
                "edges": [float(e) for e in self.edges[i]],
                "counts": [int(c) for c in self.counts[i]],
            },
        }


def monte_carlo(
    model: ForecastModel,
    n_runs: int,
    *,
    rng: np.random.Generator | int | None = None,
    distribution: Distribution = "triangular",
    bins: int = 20,
    chunk: int = 5000,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Run a fitted model on ``n_runs`` draws of its table's uncertain inputs.

    Parameters
    ----------
    model : ForecastModel
        A fitted model.
    n_runs : int
        Number of draws, 1 to 10,000,000.
    rng : numpy.random.Generator, int or None
        The seed; the same seed gives the same draws and forecasts.
    distribution : {"triangular", "uniform"}
        Triangular with the point value as mode (default), or uniform on the range.
    bins : int
        Histogram bins over each issue's scale.
    chunk : int
        Runs per call of the model's kernel (memory bound).
    progress : callable, optional
        Called as ``progress(done, total)`` after every chunk.

    Returns
    -------
    MonteCarloResult
    """
    if isinstance(n_runs, bool) or not isinstance(n_runs, int) or not 1 <= n_runs <= 10_000_000:
        msg = (
            "The 'n_runs' parameter of monte_carlo must be an int in [1, 10000000]. "
            f"Got {n_runs!r} instead."
        )
        raise ParameterError(msg, parameter="n_runs", value=n_runs)
    if distribution not in ("triangular", "uniform"):
        msg = (
            "The 'distribution' parameter of monte_carlo must be 'triangular' or 'uniform'. "
            f"Got {distribution!r} instead."
        )
        raise ParameterError(msg, parameter="distribution", value=distribution)
    table = model._table()
    seed = rng if isinstance(rng, int) else None
    positions, saliences, capabilities = draw_inputs(
        table, n_runs, rng=rng, distribution=distribution
    )
    values = np.empty((n_runs, table.n_issues))
    for start in range(0, n_runs, chunk):
        stop = min(start + chunk, n_runs)
        values[start:stop] = model.simulate(
            positions[start:stop], saliences[start:stop], capabilities[start:stop]
        )
        if progress is not None:
            progress(stop, n_runs)
    p5, p50, p95 = np.nanpercentile(values, [5, 50, 95], axis=0)
    edges = np.linspace(table.scale[:, 0], table.scale[:, 1], bins + 1, axis=1)
    counts = np.stack(
        [
            np.histogram(values[:, i][~np.isnan(values[:, i])], bins=edges[i])[0]
            for i in range(table.n_issues)
        ]
    ).astype(np.int64)
    return MonteCarloResult(
        values=values,
        deterministic=model.predict(),
        p5=p5,
        p50=p50,
        p95=p95,
        edges=edges,
        counts=counts,
        seed=seed,
    )
