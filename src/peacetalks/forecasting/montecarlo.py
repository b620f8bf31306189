"""Monte Carlo over the uncertainty of positions, saliences and capabilities.

Inputs are drawn from each value's range (triangular with the point value as mode by
default, or uniform) chunk by chunk, the model's batched kernel is called on each chunk,
and the forecasts are added to a fixed-memory :class:`~peacetalks.analysis.streaming.RunningSummary`
and dropped: memory does not grow with the runs (2,000,000 runs on ``ukraine-2025`` stay
under 300 MB). The chunk size depends only on the table's size, so the same seed gives
the same numbers on any machine, with or without a progress bar. Quantiles are within
1/10,000 of each issue's scale of numpy's percentile of all runs (see the streaming
module); the runs themselves are kept only up to :data:`KEEP_RUNS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.sampling import Distribution as Distribution
from peacetalks.analysis.sampling import draw_in_ranges as _draw
from peacetalks.analysis.streaming import RunningSummary
from peacetalks.defaults import MAX_FORECAST_RUNS
from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = [
    "CHUNK_CELLS",
    "KEEP_RUNS",
    "MonteCarloResult",
    "chunk_runs",
    "draw_inputs",
    "monte_carlo",
]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

CHUNK_CELLS = 1_000_000
"""Drawn actor-issue cells per chunk (runs x actors x issues): about 8 MB per input array."""
KEEP_RUNS = 100_000
"""Up to this many runs, :attr:`MonteCarloResult.values` keeps every run's forecast."""


def _simulate_in_parts(
    model: ForecastModel, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
) -> FloatArray:
    """Return ``model.simulate`` of a chunk's runs, a few runs at a time where it pays.

    Models with rounds (bdm, bdm-scholz, smp) hold arrays of actor pairs per issue in
    each run, so a chunk of :data:`CHUNK_CELLS` actor-issue cells can need
    ``n_actors`` times that (300 actors x 20 issues: several GB). They run
    :data:`CHUNK_CELLS` pair cells at a time; each run is computed on its own, so the
    numbers are the same.
    """
    runs, n_actors, n_issues = positions.shape
    if type(model).simulate_rounds is ForecastModel.simulate_rounds:
        return model.simulate(positions, saliences, capabilities)
    part = max(1, CHUNK_CELLS // max(1, n_actors * n_actors * n_issues))
    if part >= runs:
        return model.simulate(positions, saliences, capabilities)
    pieces = [
        model.simulate(positions[s : s + part], saliences[s : s + part], capabilities[s : s + part])
        for s in range(0, runs, part)
    ]
    return np.concatenate(pieces)


def chunk_runs(n_actors: int, n_issues: int) -> int:
    """Return the runs per chunk for a table: :data:`CHUNK_CELLS` cells, at least one run."""
    return max(1, CHUNK_CELLS // max(1, n_actors * n_issues))


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
    """The summary of the runs per issue, and the runs themselves when there are few.

    Attributes
    ----------
    values : ndarray of shape (n_runs, n_issues) or None
        Every run's forecast, when ``n_runs`` <= :data:`KEEP_RUNS`; else None.
    deterministic : ndarray of shape (n_issues,)
        The forecast of the point values.
    p5, p50, p95 : ndarray of shape (n_issues,)
    edges : ndarray of shape (n_issues, n_bins + 1)
    counts : ndarray of shape (n_issues, n_bins)
        Histogram of the runs per issue, on the issue's scale.
    n_runs : int
    """

    values: FloatArray | None
    deterministic: FloatArray
    p5: FloatArray
    p50: FloatArray
    p95: FloatArray
    edges: FloatArray
    counts: npt.NDArray[np.int64]
    seed: int | None
    n_runs: int = 0

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
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Run a fitted model on ``n_runs`` draws of its table's uncertain inputs, in chunks.

    Parameters
    ----------
    model : ForecastModel
        A fitted model.
    n_runs : int
        Number of draws, 1 to :data:`~peacetalks.defaults.MAX_FORECAST_RUNS`.
    rng : numpy.random.Generator, int or None
        The seed; the same seed gives the same draws and forecasts.
    distribution : {"triangular", "uniform"}
        Triangular with the point value as mode (default), or uniform on the range.
    bins : int
        Histogram bins over each issue's scale (a divisor of 10,000 gives exact counts).
    progress : callable, optional
        Called as ``progress(done, total)`` after every chunk.

    Returns
    -------
    MonteCarloResult
    """
    if (
        isinstance(n_runs, bool)
        or not isinstance(n_runs, int)
        or not 1 <= n_runs <= MAX_FORECAST_RUNS
    ):
        msg = (
            f"The 'n_runs' parameter of monte_carlo must be an int in [1, {MAX_FORECAST_RUNS}]. "
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
    generator = np.random.default_rng(rng)
    summary = RunningSummary(table.scale[:, 0], table.scale[:, 1])
    kept = np.empty((n_runs, table.n_issues)) if n_runs <= KEEP_RUNS else None
    chunk = chunk_runs(table.n_actors, table.n_issues)
    for start in range(0, n_runs, chunk):
        stop = min(start + chunk, n_runs)
        positions, saliences, capabilities = draw_inputs(
            table, stop - start, rng=generator, distribution=distribution
        )
        values = _simulate_in_parts(model, positions, saliences, capabilities)
        summary.add(values)
        if kept is not None:
            kept[start:stop] = values
        if progress is not None:
            progress(stop, n_runs)
    p5, p50, p95 = summary.quantiles([0.05, 0.5, 0.95])
    edges, counts = summary.histogram(bins)
    return MonteCarloResult(
        values=kept,
        deterministic=model.predict(),
        p5=p5,
        p50=p50,
        p95=p95,
        edges=edges,
        counts=counts,
        seed=seed,
        n_runs=n_runs,
    )
