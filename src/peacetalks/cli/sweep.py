"""The ``peacetalks sweep`` command: Monte Carlo and sensitivity sweeps, locally or on Dask."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    ModelOption,
    TableSourceArg,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    new_table,
    progress_bar,
    stderr,
)
from peacetalks.defaults import MODEL_NAMES
from peacetalks.errors import ParameterError

# The computation is imported when a command runs (see peacetalks.cli.commands).
if TYPE_CHECKING:
    from peacetalks.forecasting.montecarlo import Distribution
    from peacetalks.forecasting.sweep import SweepResult

__all__ = ["print_sweep", "sweep_command"]


def print_sweep(data: dict[str, Any]) -> None:
    """Print a sweep document for a reader: one row per point and issue."""
    info = data["sweep"]
    console.print(
        f"[bold]Sweep[/] of the {data['model']} model ({escape(data['source'])}): "
        f"{len(data['points'])} point(s), {info['runs']:,} run(s) each, seed {info['seed']}, "
        f"{info['tasks']} task(s) on {info['backend']}"
    )
    names = list(info["parameters"])
    has_mc = info["runs"] > 0
    table = new_table(show_edge=False, pad_edge=False)
    for column in [*names, "issue", "mean" if has_mc else "forecast"]:
        table.add_column(column)
    if has_mc:
        for column in ("p5", "p50", "p95"):
            table.add_column(column)
    for point in data["points"]:
        for entry in point["issues"]:
            value = entry["forecast"]
            row = [str(point["parameters"][n]) for n in names]
            row += [entry["id"], "-" if value is None else f"{value:.1f}"]
            if has_mc:
                row += [f"{entry[k]:.1f}" if k in entry else "-" for k in ("p5", "p50", "p95")]
            table.add_row(*map(escape, row))
    console.print(table)


@handles_errors
def sweep_command(
    source: TableSourceArg,
    model: ModelOption = "compromise",
    runs: Annotated[
        int, typer.Option("--runs", min=0, help="Monte Carlo runs per point (0: one run).")
    ] = 0,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of the sweep (same on any backend).")
    ] = None,
    spec: Annotated[
        str | None,
        typer.Option(
            "--spec", help="YAML sensitivity specification (min, delta, max per parameter)."
        ),
    ] = None,
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="Dask scheduler address (tcp://host:8786).")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=0, max=64, help="Local processes (0: this process).")
    ] = 2,
    distribution: Annotated[
        str, typer.Option("--distribution", help="triangular or uniform.")
    ] = "triangular",
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
) -> None:
    """Sweep a model over Monte Carlo draws and sensitivity points, locally or on Dask."""
    if distribution not in ("triangular", "uniform"):
        msg = (
            "The '--distribution' option must be triangular or uniform. "
            f"Got {distribution!r} instead."
        )
        raise ParameterError(msg, parameter="--distribution", value=distribution)
    if model not in MODEL_NAMES:
        msg = f"unknown model {model!r}. Expected one of: {', '.join(MODEL_NAMES)}."
        raise ParameterError(msg, parameter="model", value=model)
    from peacetalks.forecasting.sweep import read_sweep_spec, sweep
    from peacetalks.formats.readers import forecast_input_options, read_forecast_input

    axes = read_sweep_spec(spec) if spec is not None else ()
    table, _ = read_forecast_input(source)
    options = forecast_input_options(source, model)
    dist: Distribution = "uniform" if distribution == "uniform" else "triangular"
    with progress_bar("sweep", "runs", shown=stderr.is_terminal) as progress:
        result: SweepResult = sweep(
            table,
            model,
            options=options,
            axes=axes,
            runs=runs,
            seed=seed,
            distribution=dist,
            cluster=cluster,
            workers=workers,
            progress=progress,
        )
    data = result.to_dict()
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
    else:
        print_sweep(data)
