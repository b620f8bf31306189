"""The ``peacetalks stress`` and ``peacetalks track`` commands.

``stress``: will a phased agreement hold? ``track``: how far has it been implemented?
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    DropOption,
    JsonOption,
    SetOption,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    load,
    new_table,
    progress_bar,
    what_if,
    with_what_ifs,
)
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED, EVENT_FORMATS
from peacetalks.errors import ParameterError

# The computation is imported when a command runs (see peacetalks.cli.commands).
if TYPE_CHECKING:
    from peacetalks.agreements.stress import StressResult
    from peacetalks.scenario.agreements import Agreement
    from peacetalks.scenario.models import Scenario

__all__ = ["stress", "track"]

ScenarioArg = Annotated[str, typer.Argument(help="A built-in scenario id or a YAML file.")]
AgreementOption = Annotated[
    str, typer.Option("--agreement", "-a", help="Id of an agreement in the scenario.")
]
AgreementsFileOption = Annotated[
    Path | None,
    typer.Option("--agreements", help="A YAML file with more agreements for the scenario."),
]

# Below this many run-periods the simulation takes well under a second: no bar.
_PROGRESS_WORK = 2_000_000


def _scenario(name: str, agreements_file: Path | None) -> Scenario:
    from peacetalks.formats.agreement_files import load_agreements, with_agreements

    model = load(name)
    if agreements_file is not None:
        model = with_agreements(model, load_agreements(agreements_file, model))
    return model


def _survival_rows(result: StressResult) -> list[int]:
    """Return about eight evenly spread periods, always with the first and last."""
    last = result.periods
    step = max(1, last // 8)
    rows = list(range(0, last + 1, step))
    if rows[-1] != last:
        rows.append(last)
    return rows


def _print_signature(sign: dict[str, Any]) -> None:
    low, high = sign["p_sign_interval"]
    verdict = (
        "every veto holder accepts its deal and every required body approves it"
        if sign["signed"]
        else "NOT signed as modelled"
    )
    console.print(
        f"  signed? {verdict}; chance of signing under the stated ranges "
        f"{sign['p_sign']:.3f} ({low:.3f}-{high:.3f}; every veto holder accepts in "
        f"{sign['p_pass']:.3f} of {sign['monte_carlo']['runs']:,} draws, seed "
        f"{sign['monte_carlo']['seed']})",
        markup=False,
    )
    if sign["warning"]:
        console.print(f"  [bold red]warning:[/] {escape(sign['warning'])}")


def _print_result(result: StressResult, data: dict[str, Any]) -> None:

    days = result.parameters.period_days
    console.print(
        f"[bold]{escape(result.agreement)}[/]: {escape(result.title)}\n"
        f"  {result.runs:,} runs, {result.periods} periods of {days} days"
        + (f", seed {result.seed}" if result.seed is not None else "")
    )
    _print_signature(data["signature"])
    console.print("  given signature:", markup=False)
    table = new_table(show_edge=False, pad_edge=False)
    for column in ("phase", "starts (day)", "reached", "95% band"):
        table.add_column(column)
    for phase in result.phases:
        reach = f"{phase.reach_probability:.3f}" if phase.within_horizon else "beyond horizon"
        table.add_row(
            escape(phase.id),
            str(phase.start_day),
            reach,
            f"{phase.low:.3f}-{phase.high:.3f}",
        )
    console.print(table)
    curve = ", ".join(f"day {t * days}: {result.survival[t]:.3f}" for t in _survival_rows(result))
    console.print(f"  holds: {curve}", markup=False)
    end = result.periods
    console.print(
        f"  holds at the end: {result.survival[end]:.3f} "
        f"({result.survival_low[end]:.3f}-{result.survival_high[end]:.3f}); "
        f"completed on schedule: {result.completion_probability:.3f}; violations per run: "
        f"{result.mean_verified:.2f} verified, {result.mean_unverified:.2f} unverified",
        markup=False,
    )
    overall = data["survival"][-1]
    console.print(
        f"  overall (signed and holding) at the end: {overall['p']:.3f} "
        f"({overall['low']:.3f}-{overall['high']:.3f})",
        markup=False,
    )


def _check_counts(runs: int, periods: int | None) -> None:
    from peacetalks.agreements.simulation import MAX_PERIODS, MAX_RUNS

    if not 1 <= runs <= MAX_RUNS:
        msg = f"The '--runs' option must be an int in [1, {MAX_RUNS:,}]. Got {runs} instead."
        raise ParameterError(msg, parameter="--runs", value=runs)
    if periods is not None and not 1 <= periods <= MAX_PERIODS:
        msg = (
            f"The '--periods' option must be an int in [1, {MAX_PERIODS:,}]. Got {periods} instead."
        )
        raise ParameterError(msg, parameter="--periods", value=periods)


@handles_errors
def stress(
    scenario: ScenarioArg,
    agreement: AgreementOption,
    runs: Annotated[
        int,
        typer.Option(
            "--runs", help="Monte Carlo runs (of the implementation and of the signing draws)."
        ),
    ] = ACCEPTANCE_RUNS,
    seed: Annotated[
        int, typer.Option("--seed", help=f"Seed of the random numbers (default {ACCEPTANCE_SEED}).")
    ] = ACCEPTANCE_SEED,
    periods: Annotated[
        int | None,
        typer.Option("--periods", help="Periods to simulate (default: the whole timetable)."),
    ] = None,
    period_days: Annotated[
        int, typer.Option("--period-days", help="Length of a period in days.")
    ] = 7,
    compare: Annotated[
        str | None,
        typer.Option("--compare", help="Another agreement, simulated on the same random numbers."),
    ] = None,
    agreements_file: AgreementsFileOption = None,
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
    sets: SetOption = None,
    drops: DropOption = None,
) -> None:
    """Stress-test a phased agreement: the chance of reaching each phase, and of holding."""
    from peacetalks.agreements.simulation import StressParameters
    from peacetalks.agreements.stress import find_agreement
    from peacetalks.briefing.stress import run_stress, stress_data

    _check_counts(runs, periods)
    StressParameters(period_days=period_days)  # checks the period length before any work
    model = _scenario(scenario, agreements_file)
    model, applied = what_if(model, sets, drops, json_output=json_output)
    ids = [agreement] if compare is None else [agreement, compare]
    designs = [find_agreement(model, a) for a in ids]
    horizon = periods or max(sum(-(-p.days // period_days) for p in d.phases) for d in designs)
    shown = runs * horizon * len(ids) >= _PROGRESS_WORK
    with progress_bar("stress test", "periods", shown=shown) as progress:
        result, comparison = run_stress(
            model,
            agreement,
            compare=compare,
            runs=runs,
            periods=periods,
            period_days=period_days,
            seed=seed,
            progress=progress,
        )
    data = stress_data(model, result, comparison, runs=runs, seed=seed)
    export_csv(with_what_ifs(data, applied), csv_file)
    if json_output:
        emit_json(with_what_ifs(data, applied))
        return
    _print_result(result, data)
    if comparison is not None:
        console.print()
        _print_result(comparison.other, data["compare"])
        diff = data["difference"]["final_survival"]
        console.print(
            f"\n{escape(compare or '')} minus {escape(agreement)}, on the same random numbers: "
            f"holds at the end given signature {diff['difference']:+.3f} (paired 95% interval "
            f"{diff['low']:+.3f} to {diff['high']:+.3f})",
        )


def _default_provision(agreement: Agreement) -> str:
    for phase in agreement.phases:
        if phase.kind == "ceasefire":
            return phase.id
    return agreement.phases[0].id


@handles_errors
def track(
    scenario: ScenarioArg,
    agreement: AgreementOption,
    events: Annotated[
        Path,
        typer.Option(
            "--events", "-e", help="Events: YAML or CSV, OSCE-style counts, ACLED or UCDP export."
        ),
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(EVENT_FORMATS)}.")
    ] = "auto",
    provision: Annotated[
        str | None,
        typer.Option(
            "--provision",
            help="Obligation or phase id that rows of OSCE/ACLED/UCDP files concern "
            "(default: the first ceasefire phase).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Ignore events after this date (YYYY-MM-DD).")
    ] = None,
    agreements_file: AgreementsFileOption = None,
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
) -> None:
    """Track an agreement's implementation: Peace Accords Matrix scores per provision."""
    from peacetalks.agreements.stress import find_agreement
    from peacetalks.agreements.tracking import track_agreement
    from peacetalks.formats.events import read_events

    if format not in EVENT_FORMATS:
        msg = (
            f"The '--format' option must be one of {', '.join(EVENT_FORMATS)}. "
            f"Got {format!r} instead."
        )
        raise ParameterError(msg, parameter="--format", value=format)
    cutoff = None
    if as_of is not None:
        try:
            cutoff = dt.date.fromisoformat(as_of)
        except ValueError:
            msg = f"The '--as-of' option must be a date as YYYY-MM-DD. Got {as_of!r} instead."
            raise ParameterError(msg, parameter="--as-of", value=as_of) from None
    model = _scenario(scenario, agreements_file)
    chosen = find_agreement(model, agreement)
    targets = {o.id for o in chosen.provisions} | {p.id for p in chosen.phases}
    if provision is not None and provision not in targets:
        msg = (
            f"The '--provision' option must be an obligation or phase id of agreement "
            f"{chosen.id!r}. Got {provision!r} instead."
        )
        raise ParameterError(msg, parameter="--provision", value=provision)
    found, skipped = read_events(
        events,
        format=format,  # type: ignore[arg-type]
        provision=provision or _default_provision(chosen),
        provisions=targets,
        actors=[(a.id, a.name) for a in model.actors],
    )
    result = track_agreement(chosen, found, as_of=cutoff)
    data = {"scenario": model.id, **result.to_dict(), "skipped_rows": skipped}
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
        return
    console.print(
        f"[bold]{escape(chosen.id)}[/]: {escape(chosen.title)}\n"
        f"  {result.events} events from {escape(str(events))}"
        + (f" ({skipped} rows skipped: not political violence)" if skipped else "")
    )
    table = new_table(show_edge=False, pad_edge=False)
    for column in ("provision", "party", "score", "level", "assessed", "verified violations"):
        table.add_column(column)
    for p in result.provisions:
        table.add_row(
            escape(p.id),
            escape(p.party),
            str(p.score),
            p.label,
            p.assessed.isoformat() if p.assessed else "-",
            str(p.violations),
        )
    console.print(table)
    console.print(
        f"  aggregate (Peace Accords Matrix, 0-100): {result.aggregate:.1f}", markup=False
    )
