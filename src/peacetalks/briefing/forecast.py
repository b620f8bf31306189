"""Forecasts as one JSON-ready document: where each issue settles, and how sure that is.

Every forecast says how good its model has been: ``deu_mae``, the model's out-of-sample
mean absolute error on the DEU III data, and per issue ``band80``, the 80% band that
held about 80% of the held-out DEU outcomes (see
:mod:`peacetalks.forecasting.calibration`). Each issue's ``pull`` explains the forecast
actor by actor (:mod:`peacetalks.forecasting.pull`). On a scenario, the options nearest
to the forecast form a deal, ``bundle``, evaluated as ``evaluate --json`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.briefing.evaluation import evaluation_data
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.calibration import band80, deu_accuracy
from peacetalks.forecasting.montecarlo import Distribution, monte_carlo
from peacetalks.forecasting.pull import actor_pull
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.forecasting.sensitivity import one_at_a_time, what_if
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.stakeholders import StakeholderTable, stakeholders_from_scenario

__all__ = [
    "OUTLOOK_RUNS",
    "OUTLOOK_SEED",
    "all_models_data",
    "bundle_data",
    "forecast_data",
    "nearest_options",
    "scenario_forecast",
]


# The compromise outlook that analyze and the timeline show: its Monte Carlo.
OUTLOOK_RUNS = 2000
OUTLOOK_SEED = 0


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


def bundle_data(
    scenario: Scenario, nearest: Mapping[str, str | None], *, model: str
) -> dict[str, Any]:
    """Return the deal of the options nearest to a forecast, evaluated like ``evaluate``.

    Parameters
    ----------
    scenario : Scenario
    nearest : mapping from issue id to option id or None
        :func:`nearest_options`; issues without a forecast (None) are left to their
        default option, as ``evaluate`` does for issues a deal leaves out.
    model : str
        The model whose forecast it is, for the deal's title.

    Returns
    -------
    dict
        What :func:`~peacetalks.briefing.evaluation.evaluation_data` returns for the deal.
    """
    deal = {issue: option for issue, option in nearest.items() if option is not None}
    title = f"options nearest to the {model} forecast"
    return evaluation_data(scenario, deal=deal, title=title)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _bands(values: npt.NDArray[np.float64], table: StakeholderTable, model: str) -> list[Any]:
    """Return each issue's 80% band as [low, high], or None, from the stored accuracy."""
    accuracy = deu_accuracy().get(model)
    if accuracy is None:
        return [None] * table.n_issues
    bands = band80(values, table.scale, accuracy.band80)
    return [None if np.isnan(low) else [float(low), float(high)] for low, high in bands]


def accuracy_data(model: str) -> dict[str, Any] | None:
    """Return a model's stored out-of-sample accuracy with how it was measured, or None."""
    table = deu_accuracy()
    accuracy = table.get(model)
    if accuracy is None:
        return None
    return {**accuracy.to_dict(), **table.about()}


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
    leave_one_out: bool | None = None,
) -> dict[str, Any]:
    """Return a fitted model's forecast as one JSON-ready document.

    Besides the forecast (:meth:`Forecast.to_dict`), the document has ``deu_mae`` (the
    model's out-of-sample mean absolute error on DEU III, None for a model never
    measured) and ``out_of_sample`` (that error with its standard error, ``band80``
    half-width, ``coverage80`` and how it was measured); each issue has ``band80``
    ([low, high] or None) and ``pull`` (each actor's ``share``, ``pull``, ``without``
    and ``effect``, see :mod:`peacetalks.forecasting.pull`). On a scenario each issue
    names its ``nearest_option`` and ``bundle`` evaluates those options as a deal.

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
    leave_one_out : bool or None
        Rerun the model without each actor for the pull's ``without`` and ``effect``
        (None: where it is cheap, see :func:`~peacetalks.forecasting.pull.actor_pull`).
    """
    forecast = model.forecast()
    data = forecast.to_dict()
    accuracy = accuracy_data(model.name)
    data["deu_mae"] = None if accuracy is None else accuracy["mae"]
    data["out_of_sample"] = accuracy
    pull = actor_pull(model, leave_one_out=leave_one_out)
    for i, (entry, band) in enumerate(
        zip(data["issues"], _bands(forecast.values, forecast.table, model.name), strict=True)
    ):
        entry["band80"] = band
        entry["pull"] = pull.issue_data(i)
    if scenario is not None:
        nearest = nearest_options(scenario, forecast.values)
        for entry in data["issues"]:
            entry["nearest_option"] = nearest[entry["id"]]
        data["bundle"] = bundle_data(scenario, nearest, model=model.name)
    if runs > 0:
        result = monte_carlo(model, runs, rng=seed, distribution=distribution, progress=progress)
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


def _verdict(bundle: dict[str, Any]) -> dict[str, Any]:
    """Return the short verdict of an evaluated deal: who accepts, blocks, crosses red lines."""
    return {
        "passes": bundle["passes"],
        "blockers": bundle["blockers"],
        "accepted_by": bundle["accepted_by"],
        "rejected_by": [a["id"] for a in bundle["actors"] if not a["acceptable"]],
        "red_lines_crossed": {
            a["id"]: a["red_lines_crossed"] for a in bundle["actors"] if a["red_lines_crossed"]
        },
    }


def _spread(entries: list[dict[str, Any]], issue_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """Return per issue the lowest and highest forecast across models and the gap."""
    spread = []
    for i, issue in enumerate(issue_ids):
        values = [(e["issues"][i]["forecast"], e["name"]) for e in entries]
        known = [(v, name) for v, name in values if v is not None]
        if not known:
            spread.append({"id": issue, "low": None, "high": None, "width": None})
            continue
        low, high = min(known), max(known)
        spread.append(
            {
                "id": issue,
                "low": low[0],
                "high": high[0],
                "width": high[0] - low[0],
                "lowest": low[1],
                "highest": high[1],
            }
        )
    return spread


def all_models_data(
    models: Sequence[ForecastModel], *, scenario: Scenario | None = None
) -> dict[str, Any]:
    """Return several fitted models' forecasts side by side, each with its DEU error.

    Parameters
    ----------
    models : sequence of ForecastModel
        Models fitted on the same table (every model of the registry, for
        ``forecast --model all``).
    scenario : Scenario, optional
        The scenario they were fitted on: each issue then names its ``nearest`` option,
        each model gets the ``verdict`` on the deal of its nearest options, and
        ``bundle`` evaluates the nearest options of the model with the smallest DEU
        error (``bundle_model``) like ``evaluate --json``.

    Returns
    -------
    dict
        ``model`` ("all"), ``source``, ``out_of_sample`` (how the errors were measured),
        ``models`` (the best out of sample first, each with ``name``, ``deu_mae``,
        ``out_of_sample`` and ``issues``: ``id``, ``forecast``, ``band80``, ``nearest``
        and ``pull``), ``spread`` per issue (``low``, ``high``, ``width``, ``lowest``,
        ``highest``), and on a scenario ``bundle_model`` and ``bundle``.
    """
    accuracy = deu_accuracy()
    entries: list[dict[str, Any]] = []
    bundles: dict[str, dict[str, Any]] = {}
    table: StakeholderTable | None = None
    for model in models:
        forecast = model.forecast()
        table = forecast.table
        pull = actor_pull(model)
        bands = _bands(forecast.values, table, model.name)
        nearest = {} if scenario is None else nearest_options(scenario, forecast.values)
        issues = []
        for i, issue in enumerate(table.issue_ids):
            entry: dict[str, Any] = {
                "id": issue,
                "forecast": _number(forecast.values[i]),
                "band80": bands[i],
            }
            if scenario is not None:
                entry["nearest"] = nearest[issue]
            entry["pull"] = pull.issue_data(i)
            issues.append(entry)
        measured = accuracy_data(model.name)
        record: dict[str, Any] = {
            "name": model.name,
            "deu_mae": None if measured is None else measured["mae"],
            "out_of_sample": None
            if measured is None
            else {k: measured[k] for k in ("mae", "se", "band80", "coverage80", "n_issues")},
            "issues": issues,
        }
        if scenario is not None:
            bundles[model.name] = bundle_data(scenario, nearest, model=model.name)
            record["verdict"] = _verdict(bundles[model.name])
        entries.append(record)
    entries.sort(key=lambda e: np.inf if e["deu_mae"] is None else e["deu_mae"])
    data: dict[str, Any] = {
        "model": "all",
        "source": "" if table is None else table.name,
        "out_of_sample": accuracy.about(),
        "models": entries,
        "spread": [] if table is None else _spread(entries, table.issue_ids),
    }
    if scenario is not None and entries:
        best = entries[0]["name"]
        data["bundle_model"] = best
        data["bundle"] = bundles[best]
    return data
