"""Each actor's pull on a forecast: its share of the weight and how far it moves the result.

Two numbers explain a forecast actor by actor:

- For a model whose forecast is a weighted mean of positions (``compromise``, and
  ``procedural`` without a pull into the win-set), the forecast is
  ``sum_a share_a * position_a`` where ``share_a`` is the actor's share of the issue's
  total weight (capability x salience, or the model's procedural power x salience). Its
  **pull** is ``share_a * (position_a - forecast)``: the points by which it drags the
  forecast towards its own position. The pulls add up to zero, because the forecast is
  the point where they balance. Other models have no such decomposition: their pull is
  None and ``share`` is the actor's share of capability x salience, the clout those
  models also weigh actors by.
- For every model, the forecast **without** the actor: the model run again with the
  actor left out (position removed, salience 0), and the **effect**, the forecast minus
  that, which says how far the actor's presence moves the forecast (positive: up the
  scale). That costs one run of the model per actor; for a model that is not a weighted
  mean on a table of more than :data:`LEAVE_ONE_OUT_CELLS` actor-issue cells (the DEU
  data: 30 actors x 353 issues), and for the models with rounds or turns (``bdm``,
  ``bdm-scholz``, ``smp``: one whole run per actor, 27 runs of the SMP for KTAB's
  dummyData_6Dim), it is left out unless asked for, and ``without`` and ``effect`` are
  None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.forecasting.base import ForecastModel

__all__ = ["LEAVE_ONE_OUT_CELLS", "ActorPull", "actor_pull"]

FloatArray = npt.NDArray[np.float64]

LEAVE_ONE_OUT_CELLS = 1000
"""Largest table (actors x issues) on which every model is rerun without each actor."""


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


@dataclass(frozen=True, eq=False)
class ActorPull:
    """Each actor's pull on each issue's forecast.

    Attributes
    ----------
    actor_ids, issue_ids : tuple of str
    positions : ndarray of shape (n_actors, n_issues)
        NaN where an actor takes no part.
    forecast : ndarray of shape (n_issues,)
    shares : ndarray of shape (n_actors, n_issues)
        Share of the issue's weight; NaN where an actor takes no part.
    pulls : ndarray of shape (n_actors, n_issues) or None
        ``share * (position - forecast)``; None when the model is not a weighted mean.
    without : ndarray of shape (n_actors, n_issues)
        The forecast with the actor left out; NaN where the model gives none or where
        it was not computed.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: FloatArray
    forecast: FloatArray
    shares: FloatArray
    pulls: FloatArray | None
    without: FloatArray

    @property
    def has_decomposition(self) -> bool:
        """Return whether the forecast is a weighted mean that the pulls decompose."""
        return self.pulls is not None

    def issue_data(self, issue: int) -> list[dict[str, Any]]:
        """Return one issue's actors, the strongest pull (or largest effect) first.

        Each entry has ``actor``, ``position``, ``share``, ``pull`` (None without a
        decomposition), ``without`` and ``effect`` (forecast minus ``without``). Actors
        without a position on the issue are left out.
        """
        entries = []
        for a, actor in enumerate(self.actor_ids):
            if np.isnan(self.positions[a, issue]):
                continue
            without = self.without[a, issue]
            pull = None if self.pulls is None else _number(self.pulls[a, issue])
            entries.append(
                {
                    "actor": actor,
                    "position": float(self.positions[a, issue]),
                    "share": _number(self.shares[a, issue]),
                    "pull": pull,
                    "without": _number(without),
                    "effect": _number(self.forecast[issue] - without),
                }
            )

        def strength(entry: dict[str, Any]) -> float:
            value = entry["pull"] if entry["pull"] is not None else entry["effect"]
            return -abs(value) if value is not None else 0.0

        return sorted(entries, key=strength)


def _shares(weights: FloatArray, present: npt.NDArray[np.bool_]) -> FloatArray:
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares: FloatArray = np.where(present & (total > 0), w / total, np.nan)
    return shares


_VARIANT_CELLS = 1_000_000
"""Actor-issue cells of the table variants run at once by :func:`actor_pull`."""


def actor_pull(model: ForecastModel, *, leave_one_out: bool | None = None) -> ActorPull:
    """Return each actor's share, pull and leave-one-out effect on a fitted model's forecast.

    The model is run once on ``n_actors + 1`` variants of its table (the table itself
    and the table without each actor in turn), through its batched kernel.

    Parameters
    ----------
    model : ForecastModel
        A fitted model.
    leave_one_out : bool or None
        Whether to rerun the model without each actor. None: always for a weighted-mean
        model (it is cheap); for the other models without rounds only on tables of at
        most :data:`LEAVE_ONE_OUT_CELLS` actor-issue cells; never for models with rounds
        or turns (``bdm``, ``bdm-scholz``, ``smp``), where it costs one whole run per
        actor (``forecast --leave-one-out`` asks for it).

    Returns
    -------
    ActorPull
    """
    table = model._table()
    weights = model.mean_weights(table.positions, table.saliences, table.capabilities)
    if leave_one_out is None:
        small = table.n_actors * table.n_issues <= LEAVE_ONE_OUT_CELLS
        # Models with rounds or turns (bdm, bdm-scholz, smp) cost a whole run per actor.
        has_rounds = type(model).simulate_rounds is not ForecastModel.simulate_rounds
        leave_one_out = weights is not None or (small and not has_rounds)
    n_variants = (table.n_actors if leave_one_out else 0) + 1
    # Variant 0 is the table itself, variant a + 1 the table without actor a; they run
    # a chunk at a time, so memory stays near _VARIANT_CELLS cells whatever the table
    # (3,000 actors x 200 issues at once needed tens of GB).
    per_chunk = max(1, _VARIANT_CELLS // max(1, table.n_actors * table.n_issues))
    outputs = []
    for start in range(0, n_variants, per_chunk):
        variants = np.arange(start, min(start + per_chunk, n_variants))
        positions = np.repeat(table.positions[None], variants.size, axis=0)
        saliences = np.repeat(table.saliences[None], variants.size, axis=0)
        for k, variant in enumerate(variants):
            if variant > 0:
                positions[k, variant - 1] = np.nan
                saliences[k, variant - 1] = 0.0
        capabilities = np.repeat(table.capabilities[None], variants.size, axis=0)
        outputs.append(model.simulate(positions, saliences, capabilities))
    runs = np.concatenate(outputs)
    forecast = runs[0]
    without = runs[1:] if leave_one_out else np.full(table.positions.shape, np.nan)
    present = ~np.isnan(table.positions) & (table.saliences > 0)
    if weights is None:
        shares = _shares(table.capabilities[:, None] * table.saliences, present)
        pulls = None
    else:
        shares = _shares(weights, present)
        pulls = np.where(present, shares * (table.positions - forecast[None, :]), np.nan)
    return ActorPull(
        actor_ids=table.actor_ids,
        issue_ids=table.issue_ids,
        positions=table.positions,
        forecast=forecast,
        shares=shares,
        pulls=pulls,
        without=without,
    )
