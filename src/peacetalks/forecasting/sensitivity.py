"""Sensitivity: which actor's position, salience or capability moves each forecast most.

One-at-a-time: each input is set to the low and then the high end of its range (or, where
no range is given, to a default step: 10 points of position, 0.2 of salience, half and
one and a half times the capability), all others kept; the swing of each issue's forecast
is the difference. A tornado is the swings of one issue sorted. What-ifs (drop an actor,
change a salience) are compared with the base forecast. All variants go through the
model's batched kernel in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.errors import NotFoundError
from peacetalks.forecasting.base import ForecastModel

__all__ = ["Sensitivity", "one_at_a_time", "what_if"]

FloatArray = npt.NDArray[np.float64]
PARAMETERS = ("position", "salience", "capability")


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """Forecasts with each input at the low and the high end of its range.

    Attributes
    ----------
    base : ndarray of shape (n_issues,)
    low, high : ndarray of shape (3, n_actors, n_issues)
        Forecast of every issue with one input (position, salience or capability of one
        actor) at its low or high value; for position and salience, the issue varied is
        the issue forecast (an actor's position on one issue does not move another).
    low_values, high_values : ndarray of shape (3, n_actors, n_issues)
        The input values used.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    base: FloatArray
    low: FloatArray
    high: FloatArray
    low_values: FloatArray
    high_values: FloatArray

    @property
    def swings(self) -> FloatArray:
        """Return ``|high - low|`` of shape (3, n_actors, n_issues); NaN counts as 0."""
        result: FloatArray = np.nan_to_num(np.abs(self.high - self.low))
        return result

    def tornado(self, issue: int, *, limit: int = 10) -> list[dict[str, Any]]:
        """Return the largest swings of one issue, largest first, as JSON-ready rows."""
        swings = self.swings[:, :, issue]
        order = np.argsort(-swings, axis=None, kind="stable")[:limit]
        rows = []
        for flat in order:
            k, a = np.unravel_index(int(flat), swings.shape)
            if swings[k, a] <= 0:
                break
            rows.append(
                {
                    "actor": self.actor_ids[a],
                    "parameter": PARAMETERS[k],
                    "low": float(self.low_values[k, a, issue]),
                    "high": float(self.high_values[k, a, issue]),
                    "forecast_low": float(self.low[k, a, issue]),
                    "forecast_high": float(self.high[k, a, issue]),
                    "swing": float(swings[k, a]),
                }
            )
        return rows


def _ends(
    point: FloatArray, ranges: FloatArray, step_low: FloatArray, step_high: FloatArray
) -> tuple[FloatArray, FloatArray]:
    has_range = ranges[..., 1] > ranges[..., 0]
    low = np.where(has_range, ranges[..., 0], step_low)
    high = np.where(has_range, ranges[..., 1], step_high)
    return low, high


def one_at_a_time(model: ForecastModel) -> Sensitivity:
    """Return the one-at-a-time sensitivity of a fitted model's forecast.

    Returns
    -------
    Sensitivity
    """
    table = model._table()
    n_a, n_i = table.n_actors, table.n_issues
    pos, sal, cap = table.positions, table.saliences, table.capabilities
    lo_scale, hi_scale = table.scale[:, 0], table.scale[:, 1]
    step = 0.1 * (hi_scale - lo_scale)
    pos_low, pos_high = _ends(
        pos,
        table.position_ranges,
        np.maximum(pos - step, lo_scale),
        np.minimum(pos + step, hi_scale),
    )
    sal_low, sal_high = _ends(
        sal, table.salience_ranges, np.clip(sal - 0.2, 0, 1), np.clip(sal + 0.2, 0, 1)
    )
    cap_low, cap_high = _ends(cap, table.capability_ranges, cap * 0.5, cap * 1.5)

    # Runs: base, then per actor: position low/high, salience low/high, capability low/high.
    n_runs = 1 + 6 * n_a
    positions = np.repeat(pos[None], n_runs, axis=0)
    saliences = np.repeat(sal[None], n_runs, axis=0)
    capabilities = np.repeat(cap[None], n_runs, axis=0)
    for a in range(n_a):
        r = 1 + 6 * a
        positions[r, a], positions[r + 1, a] = pos_low[a], pos_high[a]
        saliences[r + 2, a], saliences[r + 3, a] = sal_low[a], sal_high[a]
        capabilities[r + 4, a], capabilities[r + 5, a] = cap_low[a], cap_high[a]
    values = model.simulate(positions, saliences, capabilities)
    varied = values[1:].reshape(n_a, 3, 2, n_i)
    low = np.moveaxis(varied[:, :, 0, :], 1, 0)
    high = np.moveaxis(varied[:, :, 1, :], 1, 0)
    low_values = np.stack([pos_low, sal_low, np.repeat(cap_low[:, None], n_i, axis=1)])
    high_values = np.stack([pos_high, sal_high, np.repeat(cap_high[:, None], n_i, axis=1)])
    return Sensitivity(
        actor_ids=table.actor_ids,
        issue_ids=table.issue_ids,
        base=values[0],
        low=low,
        high=high,
        low_values=low_values,
        high_values=high_values,
    )


def what_if(
    model: ForecastModel,
    *,
    drop: tuple[str, ...] = (),
    saliences: dict[tuple[str, str], float] | None = None,
) -> dict[str, Any]:
    """Return the forecast with actors dropped or saliences changed, beside the base.

    Parameters
    ----------
    model : ForecastModel
        A fitted model.
    drop : tuple of str
        Actor ids to leave out.
    saliences : dict, optional
        ``{(actor id, issue id): salience}`` to change.

    Returns
    -------
    dict
        ``base``, ``changed`` and ``difference`` per issue id, and what was changed.
    """
    table = model._table()
    positions = table.positions.copy()
    changed = table.saliences.copy()
    for actor in drop:
        if actor not in table.actor_ids:
            msg = f"unknown actor {actor!r} to drop. Expected one of: {', '.join(table.actor_ids)}."
            raise NotFoundError(msg, kind="actor", value=actor)
        positions[table.actor_ids.index(actor)] = np.nan
        changed[table.actor_ids.index(actor)] = 0.0
    for (actor, issue), value in (saliences or {}).items():
        if actor not in table.actor_ids:
            msg = f"unknown actor {actor!r}. Expected one of: {', '.join(table.actor_ids)}."
            raise NotFoundError(msg, kind="actor", value=actor)
        if issue not in table.issue_ids:
            msg = f"unknown issue {issue!r}. Expected one of: {', '.join(table.issue_ids)}."
            raise NotFoundError(msg, kind="issue", value=issue)
        changed[table.actor_ids.index(actor), table.issue_ids.index(issue)] = value
    runs = model.simulate(
        np.stack([table.positions, positions]),
        np.stack([table.saliences, changed]),
        np.stack([table.capabilities, table.capabilities]),
    )
    return {
        "drop": list(drop),
        "saliences": [
            {"actor": a, "issue": i, "salience": v} for (a, i), v in (saliences or {}).items()
        ],
        "issues": [
            {
                "id": issue,
                "base": float(runs[0, i]),
                "changed": float(runs[1, i]),
                "difference": float(runs[1, i] - runs[0, i]),
            }
            for i, issue in enumerate(table.issue_ids)
        ],
    }
