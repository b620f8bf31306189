"""Forecasts as one JSON-ready document: where each issue settles, and how sure that is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.montecarlo import Distribution, MonteCarloResult, monte_carlo
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.forecasting.sensitivity import one_at_a_time, what_if
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.stakeholders import stakeholders_from_scenario

__all__ = ["PROGRESS_CHUNK", "forecast_data", "nearest_options", "scenario_forecast"]

# Monte Carlo runs per progress report (when progress is reported).
PROGRESS_CHUNK = 1000


def nearest_options(scenario: Scenario, values: npt.NDArray[np.float64]) -> dict[str, str | None]:
    """Return, per issue id, the option nearest to a value on its scale (None for NaN)."""
    nearest: dict[str, str | None] = {}
    for i, issue in enumerate(scenario.issues):
        if np.isnan(values[i]):
            nearest[issue.id] = None
            continue
        option = min(issue.options, key=lambda o: abs(o.position - float(values[i])))
        nearest[issue.id] = option.id
    return nearest


def forecast_data(
    model: ForecastModel,
    *,
    scenario: Scenario | None = None,
    runs: int = 0,
    seed: int | None = None,
    distribution: Distribution = "triangular",
    sensitivity: bool = False,
    drop: tuple[str, ...] = (),
    saliences: dict[tuple[str, str], float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Return a fitted model's forecast as one JSON-ready document.

    With ``runs`` > 0, each issue gains ``p5``, ``p50``, ``p95`` and a ``histogram`` from
    a Monte Carlo over the input ranges; with ``sensitivity``, a ``tornado`` per issue;
    with ``drop`` or ``saliences``, a ``what_if`` comparison.

    Parameters
    ----------
    model : ForecastModel
        A fitted model.
    scenario : Scenario, optional
        The scenario the model was fitted on: each issue then names its ``nearest_option``.
    runs : int
        Monte Carlo runs (0: none).
    seed : int or None
        Seed of the Monte Carlo.
    distribution : {"triangular", "uniform"}
        How the inputs are drawn from their ranges.
    sensitivity : bool
        Add the one-at-a-time sensitivity (tornado) of each issue.
    drop : tuple of str
        What-if: actors left out.
    saliences : dict, optional
        What-if: ``(actor, issue) -> salience``.
    progress : callable, optional
        Called as ``progress(done, runs)`` after every chunk of Monte Carlo runs.
    """
    data = model.forecast().to_dict()
    if scenario is not None:
        nearest = nearest_options(scenario, model.predict())
        for entry in data["issues"]:
            entry["nearest_option"] = nearest[entry["id"]]
    if runs > 0:
        result: MonteCarloResult
        if progress is not None:
            result = monte_carlo(
                model,
                runs,
                rng=seed,
                distribution=distribution,
                chunk=PROGRESS_CHUNK,
                progress=progress,
            )
        else:
            result = monte_carlo(model, runs, rng=seed, distribution=distribution)
        for i, entry in enumerate(data["issues"]):
            entry.update(result.issue_data(i))
        data["monte_carlo"] = {"runs": runs, "seed": seed, "distribution": distribution}
    if sensitivity:
        sens = one_at_a_time(model)
        for i, entry in enumerate(data["issues"]):
            entry["tornado"] = sens.tornado(i)
    if drop or saliences:
        data["what_if"] = what_if(model, drop=drop, saliences=saliences)
    return data


def scenario_forecast(
    scenario: Scenario,
    *,
    model: str = "compromise",
    rounds: int | None = None,
    q: float | None = None,
    runs: int = 0,
    seed: int | None = None,
    distribution: Distribution = "triangular",
    sensitivity: bool = False,
    drop: tuple[str, ...] = (),
    saliences: dict[tuple[str, str], float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Fit a forecasting model by name on a scenario and return :func:`forecast_data`.

    The seed also seeds the models with stochastic steps (``smp``); ``rounds`` and ``q``
    go to the models that take them.

    Raises
    ------
    ParameterError
        If the model is unknown or does not take an option that is set.
    """
    takes_seed = "seed" in MODELS.get(model, (None, ()))[1]
    fitted = make_model(model, rounds=rounds, q=q, seed=seed if takes_seed else None)
    fitted.fit(stakeholders_from_scenario(scenario))
    return forecast_data(
        fitted,
        scenario=scenario,
        runs=runs,
        seed=seed,
        distribution=distribution,
        sensitivity=sensitivity,
        drop=drop,
        saliences=saliences,
        progress=progress,
    )
