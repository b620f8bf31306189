"""The ``peacetalks backtest`` command: how well each model forecast known outcomes."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from peacetalks.cli._helpers import console, emit_json, handles_errors
from peacetalks.errors import ParameterError, Problem, ScenarioError
from peacetalks.forecasting.backtest import Tuned, backtest
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.procedural import ProceduralModel, eu_procedures
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.scenario.deu import DeuData, read_deu
from peacetalks.scenario.readers import read_forecast_input, table_kind
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["backtest_command", "backtest_data"]

# The procedural model's parameters are chosen by cross-validation on this grid.
PROCEDURAL_GRID = {
    "exponent": [0.25, 0.5, 0.75, 1.0],
    "unanimity_exponent": [0.0, 0.25, 0.5, 0.75, 1.0],
    "pull": [0.0, 0.1, 0.25, 0.5, 1.0],
}


def _candidates(name: str, deu: DeuData | None) -> ForecastModel | Tuned:
    if name == "procedural":
        procedures = eu_procedures(deu) if deu is not None else None
        return Tuned("procedural", functools.partial(ProceduralModel, procedures), PROCEDURAL_GRID)
    return make_model(name)


def backtest_data(
    table: StakeholderTable,
    names: list[str],
    *,
    deu: DeuData | None = None,
    folds: int = 10,
    seed: int = 0,
) -> dict[str, Any]:
    """Return each model's mean absolute error on the table's outcomes, cross-validated.

    ``models`` lists, per model, ``name``, ``mae`` (out of fold for tuned models), ``se``,
    ``in_sample_mae``, ``n_issues`` and ``best_params``.
    """
    result = backtest(table, [_candidates(n, deu) for n in names], folds=folds, rng=seed)
    return {
        "source": table.name,
        "folds": folds,
        "seed": seed,
        "n_issues": len(result.scores[0].errors) if result.scores else 0,
        "models": [
            {
                "name": score.name,
                "mae": score.mae,
                "se": score.se,
                "in_sample_mae": score.in_sample_mae,
                "n_issues": score.n_issues,
                "tuned": bool(score.params),
                "best_params": score.best_params,
                "fold_mae": list(score.fold_mae),
            }
            for score in result.scores
        ],
    }


@handles_errors
def backtest_command(
    file: Annotated[Path, typer.Argument(help="Issues with known outcomes: the DEU data file.")],
    model: Annotated[
        str, typer.Option("--model", "-m", help=f"One of: {', '.join(MODELS)}, all.")
    ] = "all",
    folds: Annotated[
        int, typer.Option("--folds", "-k", help="Folds of the cross-validation.")
    ] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split into folds.")] = 0,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Score forecasting models on negotiations whose outcomes are known (mean absolute error)."""
    names = list(MODELS) if model == "all" else [model]
    if model != "all" and model not in MODELS:
        msg = f"unknown model {model!r}. Expected one of: {', '.join(MODELS)}, all."
        raise ParameterError(msg, parameter="--model", value=model)
    deu = read_deu(file) if table_kind(file) == "deu" else None
    table = deu.table if deu is not None else read_forecast_input(file)[0]
    if not (table.outcome == table.outcome).any():
        msg = "the file has no outcomes to test against. Give issues with known outcomes."
        raise ScenarioError([Problem("", msg)], str(file))
    data = backtest_data(table, names, deu=deu, folds=folds, seed=seed)
    if json_output:
        emit_json(data)
        return
    console.print(
        f"[bold]Backtest[/] on {escape(str(file))}: {data['n_issues']} issues, "
        f"{folds}-fold cross-validation (seed {seed}); mean absolute error on the issues' scale"
    )
    out = Table(show_edge=False, pad_edge=False)
    for column in ("model", "MAE", "+/-", "in-sample", "parameters"):
        out.add_column(column)
    for entry in sorted(data["models"], key=lambda e: e["mae"]):
        params = ", ".join(f"{k}={v}" for k, v in entry["best_params"].items())
        out.add_row(
            entry["name"],
            f"{entry['mae']:.2f}",
            f"{entry['se']:.2f}",
            f"{entry['in_sample_mae']:.2f}",
            escape(params + (" (chosen by CV)" if entry["tuned"] else "")),
        )
    console.print(out)
