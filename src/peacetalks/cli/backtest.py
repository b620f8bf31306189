"""The ``peacetalks backtest`` command: how well each model forecast known outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    new_table,
    progress_bar,
)
from peacetalks.defaults import MODEL_NAMES
from peacetalks.errors import ParameterError, Problem, ScenarioError

__all__ = ["backtest_command"]


@handles_errors
def backtest_command(
    file: Annotated[Path, typer.Argument(help="Issues with known outcomes: the DEU data file.")],
    model: Annotated[
        str, typer.Option("--model", "-m", help=f"One of: {', '.join(MODEL_NAMES)}, all.")
    ] = "all",
    folds: Annotated[
        int, typer.Option("--folds", "-k", help="Folds of the cross-validation.")
    ] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split into folds.")] = 0,
    workers: Annotated[
        int,
        typer.Option("--workers", min=0, max=64, help="Processes to share the work (0: this one)."),
    ] = 2,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
) -> None:
    """Score forecasting models on negotiations whose outcomes are known (mean absolute error)."""
    from peacetalks.briefing.backtest import backtest_data
    from peacetalks.formats.deu import read_deu
    from peacetalks.formats.readers import read_forecast_input, table_kind

    names = list(MODEL_NAMES) if model == "all" else [model]
    if model != "all" and model not in MODEL_NAMES:
        msg = f"unknown model {model!r}. Expected one of: {', '.join(MODEL_NAMES)}, all."
        raise ParameterError(msg, parameter="--model", value=model)
    deu = read_deu(file) if table_kind(file) == "deu" else None
    table = deu.table if deu is not None else read_forecast_input(file)[0]
    if not (table.outcome == table.outcome).any():
        msg = "the file has no outcomes to test against. Give issues with known outcomes."
        raise ScenarioError([Problem("", msg)], str(file))
    with progress_bar("Backtest", "parts") as progress:
        data = backtest_data(
            table, names, deu=deu, folds=folds, seed=seed, workers=workers, progress=progress
        )
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
        return
    console.print(
        f"[bold]Backtest[/] on {escape(str(file))}: {data['n_issues']} issues, "
        f"{folds}-fold cross-validation (seed {seed}); mean absolute error on a 0-100 scale"
    )
    out = new_table(show_edge=False, pad_edge=False)
    for column in ("model", "MAE", "+/-", "in-sample", "80% band", "coverage", "parameters"):
        out.add_column(column)
    for entry in sorted(data["models"], key=lambda e: e["mae"]):
        params = ", ".join(f"{k}={v}" for k, v in entry["best_params"].items())
        out.add_row(
            entry["name"],
            f"{entry['mae']:.2f}",
            f"{entry['se']:.2f}",
            f"{entry['in_sample_mae']:.2f}",
            f"+/-{entry['band80']:.1f}",
            f"{entry['coverage80']:.1%}",
            escape(params + (" (chosen by CV)" if entry["tuned"] else "")),
        )
    console.print(out)
    console.print(
        "  MAE: average distance between forecast and outcome, on held-out issues for tuned "
        "models. 80% band: forecast +/- the 80% quantile of those distances; coverage: the "
        "share of held-out outcomes inside the band learned on the other folds (aim 80%)."
    )
