"""The shape every forecasting model shares, and the forecast record it produces.

A model is fitted on a :class:`~peacetalks.scenario.stakeholders.StakeholderTable` (or a
scenario, which is turned into one) and predicts one value per issue on the issue's
scale. Its work is a batched kernel, :meth:`ForecastModel.simulate`, that takes positions,
saliences and capabilities with a leading axis of runs, so that Monte Carlo runs the
model once on all draws instead of once per draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

from peacetalks.errors import NotFittedError
from peacetalks.forecasting.weighted import weighted_mean, weighted_median
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.stakeholders import StakeholderTable, stakeholders_from_scenario

__all__ = ["Forecast", "ForecastModel", "Round", "as_table"]

FloatArray = npt.NDArray[np.float64]


def as_table(data: StakeholderTable | Scenario) -> StakeholderTable:
    """Return the stakeholder table of a scenario, or the table itself."""
    if isinstance(data, Scenario):
        return stakeholders_from_scenario(data)
    return data


@dataclass(frozen=True, eq=False)
class Round:
    """The state after one round of a model that has rounds.

    Attributes
    ----------
    positions : ndarray of shape (n_actors, n_issues)
    median, mean : ndarray of shape (n_issues,)
        Capability x salience weighted median and mean of the positions.
    details : dict
        Model-specific data (the expected-utility model's ``eu`` entries, say), JSON-ready.
    """

    positions: FloatArray
    median: FloatArray
    mean: FloatArray
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def summarise(
        cls, positions: FloatArray, weights: FloatArray, details: dict[str, Any] | None = None
    ) -> Round:
        """Return a round with the weighted median and mean of ``positions``.

        Parameters
        ----------
        positions : ndarray of shape (n_actors, n_issues)
        weights : ndarray of shape (n_actors, n_issues)
            Capability x salience.
        """
        return cls(
            positions=positions,
            median=weighted_median(positions, weights),
            mean=weighted_mean(positions, weights),
            details=details or {},
        )


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


@dataclass(frozen=True, eq=False)
class Forecast:
    """A model's forecast: one value per issue, and the rounds when the model has them."""

    model: str
    table: StakeholderTable
    values: FloatArray
    rounds: tuple[Round, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the forecast as JSON-ready data.

        ``issues`` has one entry per issue with ``id`` and ``forecast`` (and, for models
        with rounds, the issue's own ``rounds``: ``median``, ``mean`` and ``positions`` as
        numbers). ``rounds`` lists the rounds across issues: ``median`` and ``mean`` are
        numbers when there is one issue, else maps from issue id; ``positions`` maps actor
        ids to a number (one issue) or to a map from issue id.
        """
        table = self.table
        single = table.n_issues == 1
        issues: list[dict[str, Any]] = []
        for i, issue in enumerate(table.issue_ids):
            entry: dict[str, Any] = {"id": issue, "forecast": _number(self.values[i])}
            if self.rounds is not None:
                entry["rounds"] = [
                    {
                        "round": k,
                        "median": _number(r.median[i]),
                        "mean": _number(r.mean[i]),
                        "positions": {
                            a: _number(r.positions[j, i]) for j, a in enumerate(table.actor_ids)
                        },
                    }
                    for k, r in enumerate(self.rounds)
                ]
            issues.append(entry)
        data: dict[str, Any] = {"model": self.model, "source": table.name, "issues": issues}
        if self.rounds is not None:
            data["rounds"] = [
                {
                    "round": k,
                    "median": _number(r.median[0])
                    if single
                    else {issue: _number(r.median[i]) for i, issue in enumerate(table.issue_ids)},
                    "mean": _number(r.mean[0])
                    if single
                    else {issue: _number(r.mean[i]) for i, issue in enumerate(table.issue_ids)},
                    "positions": {
                        a: _number(r.positions[j, 0])
                        if single
                        else {
                            issue: _number(r.positions[j, i])
                            for i, issue in enumerate(table.issue_ids)
                        }
                        for j, a in enumerate(table.actor_ids)
                    },
                    **r.details,
                }
                for k, r in enumerate(self.rounds)
            ]
        data.update(self.extra)
        return data


class ForecastModel:
    """Base class of the forecasting models.

    Subclasses set :attr:`name` and implement :meth:`simulate`; models with rounds also
    override :meth:`simulate_rounds`.
    """

    name: ClassVar[str] = ""
    has_rounds: ClassVar[bool] = False

    def __init__(self) -> None:
        self.table_: StakeholderTable | None = None

    def fit(self, data: StakeholderTable | Scenario) -> Self:
        """Fit the model on a stakeholder table or a scenario; return the model."""
        self.table_ = as_table(data)
        return self

    def _table(self) -> StakeholderTable:
        if self.table_ is None:
            msg = f"This {type(self).__name__} is not fitted yet. Call 'fit' before 'predict'."
            raise NotFittedError(msg)
        return self.table_

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the forecast of every run, batched.

        Parameters
        ----------
        positions : ndarray of shape (n_runs, n_actors, n_issues)
        saliences : ndarray of shape (n_runs, n_actors, n_issues)
        capabilities : ndarray of shape (n_runs, n_actors)

        Returns
        -------
        ndarray of shape (n_runs, n_issues)
        """
        raise NotImplementedError

    def mean_weights(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray | None:
        """Return the weights of the forecast as a weighted mean of positions, if it is one.

        Models whose forecast is exactly the weighted mean of the actors' positions
        (the compromise) return the weights, so that each actor's pull on the forecast
        can be told apart; every other model returns None.

        Parameters
        ----------
        positions, saliences : ndarray of shape (n_actors, n_issues)
        capabilities : ndarray of shape (n_actors,)

        Returns
        -------
        ndarray of shape (n_actors, n_issues) or None
        """
        return None

    def simulate_rounds(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> tuple[Round, ...] | None:
        """Return the rounds of one run (positions of shape (n_actors, n_issues)), if any."""
        return None

    def predict(self) -> FloatArray:
        """Return the forecast per issue, of shape (n_issues,)."""
        table = self._table()
        values = self.simulate(
            table.positions[None], table.saliences[None], table.capabilities[None]
        )
        result: FloatArray = values[0]
        return result

    def forecast(self) -> Forecast:
        """Return the forecast with its rounds, ready to print or serialise."""
        table = self._table()
        rounds = self.simulate_rounds(table.positions, table.saliences, table.capabilities)
        values = self.predict()
        return Forecast(model=self.name, table=table, values=values, rounds=rounds)
