"""The ``peacetalks forecast`` command: where each issue will settle, and how sure that is."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from peacetalks.cli._helpers import (
    ModelOption,
    TableSourceArg,
    console,
    emit_json,
    handles_errors,
    stderr,
)
from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.montecarlo import Distribution, MonteCarloResult, monte_carlo
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.forecasting.sensitivity import one_at_a_time, what_if
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.readers import forecast_input_options, read_forecast_input

__all__ = ["forecast", "forecast_data", "print_forecast"]


def _nearest_options(scenario: Scenario, values: npt.NDArray[np.float64]) -> dict[str, str | None]:
    nearest: dict[str, str | None] = {}
    for i, issue in enumerate(scenario.issues):
        if np.isnan(values[i]):
            nearest[issue.id] = None
            continue
        option = min(issue.options, key=lambda o: abs(o.position - float(values[i])))
        nearest[issue.id] = option.id
    return nearest


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
    show_progress: bool = False,
) -> dict[str, Any]:
    """Return a fitted model's forecast as one JSON-ready document.

    With ``runs`` > 0, each issue gains ``p5``, ``p50``, ``p95`` and a ``histogram`` from
    a Monte Carlo over the input ranges; with ``sensitivity``, a ``tornado`` per issue;
    with ``drop`` or ``saliences``, a ``what_if`` comparison.
    """
    data = model.forecast().to_dict()
    if scenario is not None:
        nearest = _nearest_options(scenario, model.predict())
        for entry in data["issues"]:
            entry["nearest_option"] = nearest[entry["id"]]
    if runs > 0:
        result: MonteCarloResult
        if show_progress:
            with Progress(
                TextColumn("Monte Carlo"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} runs"),
                TimeRemainingColumn(),
                console=stderr,
                transient=True,
            ) as bar:
                task = bar.add_task("runs", total=runs)
                result = monte_carlo(
                    model,
                    runs,
                    rng=seed,
                    distribution=distribution,
                    chunk=1000,
                    progress=lambda done, _total: bar.update(task, completed=done),
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
    data = forecast_data(
        fitted,
        scenario=scenario,
        runs=runs,
        seed=seed,
        distribution=distribution,  # type: ignore[arg-type]
        sensitivity=sensitivity,
        drop=tuple(drop or ()),
        saliences=_parse_saliences(salience or []),
        show_progress=runs >= 2000,
    )
    if json_output:
        emit_json(data)
    else:
        print_forecast(data)
