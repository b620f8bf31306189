"""The ``peacetalks forecast`` command: where each issue will settle, and how sure that is."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from peacetalks.briefing.forecast import forecast_data
from peacetalks.cli._helpers import (
    ModelOption,
    TableSourceArg,
    console,
    emit_json,
    handles_errors,
    stderr,
)
from peacetalks.errors import ParameterError
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.scenario.readers import forecast_input_options, read_forecast_input

__all__ = ["forecast", "print_forecast"]


def _parse_saliences(items: list[str]) -> dict[tuple[str, str], float]:
    changed: dict[tuple[str, str], float] = {}
    for item in items:
        try:
            target, value = item.split("=", 1)
            actor, issue = target.split(":", 1)
            number = float(value)
        except ValueError:
            msg = (
                f"The '--salience' option must look like ACTOR:ISSUE=VALUE (russia:sanctions=0.5). "
                f"Got {item!r} instead."
            )
            raise ParameterError(msg, parameter="--salience", value=item) from None
        if not 0 <= number <= 1:
            msg = f"The '--salience' value must be in [0, 1]. Got {number:g} in {item!r} instead."
            raise ParameterError(msg, parameter="--salience", value=item)
        changed[(actor, issue)] = number
    return changed


def print_forecast(data: dict[str, Any]) -> None:
    """Print a forecast document for a reader."""
    console.print(f"[bold]Forecast[/] by the {data['model']} model ({escape(data['source'])})")
    table = Table(show_edge=False, pad_edge=False)
    columns = ["issue", "forecast"]
    has_mc = "monte_carlo" in data
    if has_mc:
        columns += ["p5", "p50", "p95"]
    if any("nearest_option" in e for e in data["issues"]):
        columns.append("nearest option")
    for column in columns:
        table.add_column(column)
    for entry in data["issues"]:
        value = entry["forecast"]
        row = [entry["id"], "-" if value is None else f"{value:.1f}"]
        if has_mc:
            row += [f"{entry[k]:.1f}" for k in ("p5", "p50", "p95")]
        if "nearest_option" in entry:
            row.append(entry["nearest_option"] or "-")
        table.add_row(*map(escape, row))
    console.print(table)
    if has_mc:
        mc = data["monte_carlo"]
        console.print(
            f"  Monte Carlo: {mc['runs']:,} runs, {mc['distribution']}, seed {mc['seed']}"
        )
    if "rounds" in data:
        console.print(f"  {len(data['rounds']) - 1} rounds; per-round positions in --json")
    for entry in data["issues"]:
        rows = entry.get("tornado")
        if rows:
            top = "; ".join(f"{r['actor']} {r['parameter']} ({r['swing']:.1f})" for r in rows[:3])
            console.print(f"  {escape(entry['id'])} moves most with: {escape(top)}")
    if "what_if" in data:
        for entry in data["what_if"]["issues"]:
            console.print(
                f"  what-if {escape(entry['id'])}: {entry['base']:.1f} -> {entry['changed']:.1f} "
                f"({entry['difference']:+.1f})"
            )


@handles_errors
def forecast(
    source: TableSourceArg,
    model: ModelOption = "compromise",
    rounds: Annotated[
        int | None, typer.Option("--rounds", help="Rounds (models with rounds).")
    ] = None,
    q: Annotated[float | None, typer.Option("--q", help="Q of the expected-utility model.")] = None,
    runs: Annotated[int, typer.Option("--runs", min=0, help="Monte Carlo runs (0: none).")] = 0,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Seed of the Monte Carlo, and of smp's stochastic transitions (KTAB's "
            "generator; default the XML file's prngSeed or KTAB's).",
        ),
    ] = None,
    distribution: Annotated[
        str, typer.Option("--distribution", help="triangular or uniform.")
    ] = "triangular",
    sensitivity: Annotated[
        bool, typer.Option("--sensitivity", help="Which inputs move each forecast most.")
    ] = False,
    drop: Annotated[
        list[str] | None, typer.Option("--drop", help="What-if: leave this actor out (repeatable).")
    ] = None,
    salience: Annotated[
        list[str] | None,
        typer.Option("--salience", help="What-if: ACTOR:ISSUE=VALUE (repeatable)."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Forecast where each issue will settle, with uncertainty and sensitivity."""
    if distribution not in ("triangular", "uniform"):
        msg = (
            "The '--distribution' option must be triangular or uniform. "
            f"Got {distribution!r} instead."
        )
        raise ParameterError(msg, parameter="--distribution", value=distribution)
    takes_seed = "seed" in MODELS.get(model, (None, ()))[1]
    fitted = make_model(model, rounds=rounds, q=q, seed=seed if takes_seed else None)
    table, scenario = read_forecast_input(source)
    carried = forecast_input_options(source, model)
    if carried:
        # The file's sub-models, seed and ideal adjustment; --seed still wins.
        factory = MODELS[model][0]
        fitted = factory(**(carried | ({"seed": seed} if seed is not None else {})))
    fitted.fit(table)
    options: dict[str, Any] = {
        "scenario": scenario,
        "runs": runs,
        "seed": seed,
        "distribution": distribution,
        "sensitivity": sensitivity,
        "drop": tuple(drop or ()),
        "saliences": _parse_saliences(salience or []),
    }
    if runs >= 2000:
        with Progress(
            TextColumn("Monte Carlo"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} runs"),
            TimeRemainingColumn(),
            console=stderr,
            transient=True,
        ) as bar:
            task = bar.add_task("runs", total=runs)
            data = forecast_data(
                fitted,
                progress=lambda done, _total: bar.update(task, completed=done),
                **options,
            )
    else:
        data = forecast_data(fitted, **options)
    if json_output:
        emit_json(data)
    else:
        print_forecast(data)
