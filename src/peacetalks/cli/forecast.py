"""The ``peacetalks forecast`` command: where each issue will settle, and how sure that is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    TableSourceArg,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    new_table,
    progress_bar,
)
from peacetalks.defaults import MAX_FORECAST_RUNS, MODEL_NAMES
from peacetalks.errors import ParameterError

if TYPE_CHECKING:
    from peacetalks.forecasting.base import ForecastModel

__all__ = ["forecast", "print_all_forecasts", "print_forecast"]

ForecastModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help=f"One of: {', '.join(MODEL_NAMES)}; or all, for every model side by side.",
    ),
]


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


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _band(band: list[float] | None) -> str:
    return "-" if band is None else f"{band[0]:.1f}-{band[1]:.1f}"


def _accuracy_line(accuracy: dict[str, Any] | None) -> str:
    """Return one sentence on how far off the model has been out of sample."""
    if accuracy is None:
        return "  This model has no measured out-of-sample error; it has no 80% band."
    return (
        f"  Out of sample on {accuracy['n_issues']} issues of EU legislation (DEU III) this "
        f"model was off by {accuracy['mae']:.1f} points on average (0-100 scale); its 80% band "
        f"(forecast +/- {accuracy['band80']:.1f}) held {accuracy['coverage80']:.0%} of the "
        "held-out outcomes."
    )


def _pull_line(issue: str, forecast: float | None, pulls: list[dict[str, Any]]) -> str:
    """Return one line naming the actors that move an issue's forecast most."""
    if forecast is None or not pulls:
        return f"  {issue}: no forecast"
    if pulls[0]["pull"] is not None:
        ups = [p for p in pulls if p["pull"] > 0][:2]
        downs = [p for p in pulls if p["pull"] < 0][:2]
        parts = [
            f"{word} by "
            + ", ".join(f"{p['actor']} ({p['pull']:+.1f}, weight {p['share']:.0%})" for p in group)
            for word, group in (("up", ups), ("down", downs))
            if group
        ]
        return f"  {issue} {forecast:.1f}: pulled " + "; ".join(parts)
    moved = [p for p in pulls if p["effect"] is not None and abs(p["effect"]) >= 0.05][:3]
    if not moved:
        return f"  {issue} {forecast:.1f}: no single actor's absence moves it"
    return f"  {issue} {forecast:.1f}: " + "; ".join(
        f"without {p['actor']} {p['without']:.1f}" for p in moved
    )


def _print_bundle(bundle: dict[str, Any], label: str) -> None:
    """Print who accepts the deal of nearest options, who blocks it, and red lines crossed."""
    verdict = (
        "every veto holder accepts"
        if bundle["passes"]
        else "blocked by " + ", ".join(bundle["blockers"])
    )
    console.print(f"[bold]{escape(label)}[/]: {escape(verdict)}")
    console.print(f"  accepted by: {escape(', '.join(bundle['accepted_by']) or 'nobody')}")
    for actor in bundle["actors"]:
        if not actor["acceptable"]:
            console.print(f"  {escape(actor['id'])} rejects: {escape(actor['reason'])}")
    crossed = [
        f"{a['id']} on {', '.join(a['red_lines_crossed'])}"
        for a in bundle["actors"]
        if a["red_lines_crossed"]
    ]
    console.print(f"  red lines crossed: {escape('; '.join(crossed) or 'none')}")
    if bundle.get("p_pass") is not None:
        console.print(f"  chance it passes, given the stated uncertainty: {bundle['p_pass']:.0%}")


def print_forecast(data: dict[str, Any]) -> None:
    """Print a forecast document for a reader."""
    console.print(f"[bold]Forecast[/] by the {data['model']} model ({escape(data['source'])})")
    if "out_of_sample" in data:
        console.print(escape(_accuracy_line(data["out_of_sample"])))
    table = new_table(show_edge=False, pad_edge=False)
    columns = ["issue", "forecast"]
    has_band = any(e.get("band80") is not None for e in data["issues"])
    if has_band:
        columns.append("80% band")
    has_mc = "monte_carlo" in data
    if has_mc:
        columns += ["p5", "p50", "p95"]
    if any("nearest_option" in e for e in data["issues"]):
        columns.append("nearest option")
    for column in columns:
        table.add_column(column)
    for entry in data["issues"]:
        row = [entry["id"], _value(entry["forecast"])]
        if has_band:
            row.append(_band(entry["band80"]))
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
    explained = [
        p
        for e in data["issues"]
        for p in e.get("pull", ())
        if (p["pull"], p["effect"]) != (None, None)
    ]
    if any(e.get("pull") for e in data["issues"]) and not explained:
        console.print(
            "  The model is not a weighted mean and the table is too large to rerun it without "
            "each actor: --json gives each actor's share of the weight only."
        )
    elif explained:
        console.print("[bold]Who moves each forecast[/]")
        for entry in data["issues"]:
            console.print(escape(_pull_line(entry["id"], entry["forecast"], entry["pull"])))
    if data.get("bundle") is not None:
        _print_bundle(data["bundle"], "The deal of the nearest options")


def print_all_forecasts(data: dict[str, Any]) -> None:
    """Print every model's forecast side by side, with its DEU error and the spread."""
    console.print(f"[bold]Forecasts by every model[/] ({escape(data['source'])})")
    about = data["out_of_sample"]
    console.print(
        f"  How far off each model has been: mean error on {about['n_issues']} issues of EU "
        "legislation with known outcomes (DEU III), 0-100 scale, out of sample; the 80% band "
        "is the forecast +/- the distance that 80% of those errors stayed within; 'band "
        "held' is how often such a band held the outcome of issues it was not fitted on. "
        "'spread' is the gap between the lowest and the highest forecast."
    )
    summary = new_table(show_edge=False, pad_edge=False)
    for column in ("model", "DEU error", "80% band", "band held"):
        summary.add_column(column)
    for entry in data["models"]:
        oos = entry["out_of_sample"]
        summary.add_row(
            entry["name"],
            "-" if oos is None else f"{oos['mae']:.1f}",
            "-" if oos is None else f"+/-{oos['band80']:.1f}",
            "-" if oos is None else f"{oos['coverage80']:.0%}",
        )
    console.print(summary)
    has_nearest = any("nearest" in i for e in data["models"] for i in e["issues"])
    table = new_table(show_edge=False, pad_edge=False)
    for column in ("issue", "model", "forecast", "80% band", *(["nearest option"] * has_nearest)):
        table.add_column(column)
    for i, spread in enumerate(data["spread"]):
        for k, entry in enumerate(data["models"]):
            issue = entry["issues"][i]
            row = [
                spread["id"] if k == 0 else "",
                entry["name"],
                _value(issue["forecast"]),
                _band(issue["band80"]),
            ]
            if has_nearest:
                row.append(issue.get("nearest") or "-")
            table.add_row(*map(escape, row))
        if spread["width"] is None:
            table.add_row("", "[italic]spread[/]", "-", end_section=True)
            continue
        table.add_row(
            "",
            "[italic]spread[/]",
            f"{spread['width']:.1f}",
            f"{spread['low']:.1f}-{spread['high']:.1f}",
            *([escape(f"{spread['lowest']} to {spread['highest']}")] * has_nearest),
            end_section=True,
        )
    console.print(table)
    verdicts = [(e["name"], e["verdict"]) for e in data["models"] if "verdict" in e]
    if verdicts:
        console.print("[bold]The deal of each model's nearest options[/]")
        out = new_table(show_edge=False, pad_edge=False)
        for column in ("model", "passes", "rejected by", "red lines crossed"):
            out.add_column(column)
        for name, verdict in verdicts:
            crossed = "; ".join(
                f"{actor} on {', '.join(issues)}"
                for actor, issues in verdict["red_lines_crossed"].items()
            )
            out.add_row(
                name,
                "yes" if verdict["passes"] else "no",
                escape(", ".join(verdict["rejected_by"]) or "nobody"),
                escape(crossed or "none"),
            )
        console.print(out)
    if data.get("bundle") is not None:
        _print_bundle(
            data["bundle"],
            f"The deal of the {data['bundle_model']} model's nearest options "
            "(the smallest DEU error)",
        )
    console.print("  Each actor's pull on each forecast: --json (models[].issues[].pull).")


def _all_models(
    source: str, *, rounds: int | None, q: float | None, seed: int | None
) -> list[ForecastModel]:
    """Return every model of the registry, unfitted, with the options each one takes."""
    from peacetalks.forecasting.registry import MODELS, make_model
    from peacetalks.formats.readers import forecast_input_options

    models = []
    for name, (factory, accepted) in MODELS.items():
        given: dict[str, Any] = {"rounds": rounds, "q": q, "seed": seed}
        options = {k: v for k, v in given.items() if k in accepted and v is not None}
        carried = forecast_input_options(source, name)
        models.append(factory(**(carried | options)) if carried else make_model(name, **options))
    return models


def _refuse_for_all(
    runs: int, sensitivity: bool, drop: list[str] | None, salience: list[str] | None
) -> None:
    given = [
        flag
        for flag, is_set in (
            ("--runs", runs > 0),
            ("--sensitivity", sensitivity),
            ("--drop", bool(drop)),
            ("--salience", bool(salience)),
        )
        if is_set
    ]
    if given:
        msg = (
            f"The '--model all' forecast compares the models' point forecasts and takes no "
            f"{', '.join(given)}. Got {', '.join(given)}; run one model at a time for those."
        )
        raise ParameterError(msg, parameter=given[0], value="all")


@handles_errors
def forecast(
    source: TableSourceArg,
    model: ForecastModelOption = "compromise",
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
    leave_one_out: Annotated[
        bool,
        typer.Option(
            "--leave-one-out",
            help="Rerun the model without each actor (the forecast 'without' it); by "
            "default only where cheap, never for bdm, bdm-scholz and smp.",
        ),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
) -> None:
    """Forecast where each issue will settle, how far off the model has been, and who moves it.

    With --model all, every model side by side with its out-of-sample error on DEU III,
    the spread between them and, for a scenario, the deal of the nearest options.
    """
    from peacetalks.briefing.forecast import all_models_data, forecast_data
    from peacetalks.forecasting.registry import MODELS, make_model
    from peacetalks.formats.readers import forecast_input_options, read_forecast_input

    if runs > MAX_FORECAST_RUNS:
        msg = (
            f"The '--runs' option must be at most {MAX_FORECAST_RUNS:,} (the API's cap too). "
            f"Got {runs:,} instead."
        )
        raise ParameterError(msg, parameter="--runs", value=runs)
    if distribution not in ("triangular", "uniform"):
        msg = (
            "The '--distribution' option must be triangular or uniform. "
            f"Got {distribution!r} instead."
        )
        raise ParameterError(msg, parameter="--distribution", value=distribution)
    if model == "all":
        _refuse_for_all(runs, sensitivity, drop, salience)
        models = _all_models(source, rounds=rounds, q=q, seed=seed)
        table, scenario = read_forecast_input(source)
        every = all_models_data([m.fit(table) for m in models], scenario=scenario)
        export_csv(every, csv_file)
        if json_output:
            emit_json(every)
        else:
            print_all_forecasts(every)
        return
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
        "leave_one_out": True if leave_one_out else None,
    }
    with progress_bar("Monte Carlo", "runs", shown=runs >= 2000) as progress:
        data = forecast_data(fitted, progress=progress, **options)
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
    else:
        print_forecast(data)
