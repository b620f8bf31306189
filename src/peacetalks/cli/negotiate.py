"""The ``peacetalks negotiate`` command: simulated talks between strategies."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    DropOption,
    SetOption,
    console,
    emit_json,
    export_csv,
    handles_errors,
    load_what_if,
    stderr,
    with_what_ifs,
)
from peacetalks.defaults import STRATEGY_NAMES

__all__ = ["negotiate", "print_talks"]


@handles_errors
def negotiate(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id, a YAML file or a GENIUS domain folder.")
    ],
    protocol: Annotated[
        str, typer.Option("--protocol", help="Negotiation protocol: alternating or single-text.")
    ] = "alternating",
    strategies: Annotated[
        str | None,
        typer.Option(
            "--strategies",
            help=(
                "Comma-separated strategy per actor, in scenario order, or one for all: "
                + ", ".join(STRATEGY_NAMES)
                + ". Default: linear; with single-text, honest parties."
            ),
        ),
    ] = None,
    rounds: Annotated[
        int, typer.Option("--rounds", min=1, max=100_000, help="Deadline in rounds.")
    ] = 100,
    runs: Annotated[
        int, typer.Option("--runs", min=1, max=100_000, help="Number of negotiations.")
    ] = 1,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the runs.")] = None,
    transcript: Annotated[
        bool, typer.Option("--transcript", help="Show every turn of each run.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
    mediator: Annotated[
        str | None,
        typer.Option("--mediator", help="single-text: the actor id of a mediating party."),
    ] = None,
    self_interest: Annotated[
        float,
        typer.Option(
            "--self-interest",
            min=0.0,
            max=1.0,
            help="single-text: weight of the mediating party's own utility, in [0, 1].",
        ),
    ] = 0.0,
    amendments: Annotated[
        bool,
        typer.Option("--amendments", help="single-text: objecting parties propose amendments."),
    ] = False,
    sets: SetOption = None,
    drops: DropOption = None,
) -> None:
    """Simulate negotiations: stacked alternating offers, or single-text mediation.

    Each actor follows a strategy; a deal needs every actor's acceptance (no red line
    crossed, reservation met) before the deadline, or each gets its reservation.
    """
    from peacetalks.briefing.negotiation import check_protocol, negotiation_document

    check_protocol(protocol, mediator=mediator, self_interest=self_interest, amendments=amendments)
    model, applied = load_what_if(scenario, sets, drops, json_output=json_output)
    with stderr.status("negotiating..."):
        data = negotiation_document(
            model,
            protocol=protocol,
            strategies=strategies,
            rounds=rounds,
            runs=runs,
            seed=seed,
            transcript=transcript,
            mediator=mediator,
            self_interest=self_interest,
            amendments=amendments,
        )
    export_csv(with_what_ifs(data, applied), csv_file)
    if json_output:
        emit_json(with_what_ifs(data, applied))
        return
    _print(model.title, model.id, data)


def _print(title: str, scenario_id: str, data: dict[str, Any]) -> None:
    console.print(f"{title} ({scenario_id})", markup=False)
    console.print(
        "Strategies: " + ", ".join(f"{a} {s}" for a, s in data["strategies"].items()),
        markup=False,
    )
    console.print(f"A deal needs the yes of: {', '.join(data['deciders'])}", markup=False)
    for k, run in enumerate(data["runs"], start=1):
        for turn in run.get("transcript", []):
            deal = ", ".join(f"{i}={o}" for i, o in turn["deal"].items())
            console.print(
                f"  round {turn['round']:>3} {turn['party']:<16} {turn['action']:<6} {deal}",
                markup=False,
            )
        utilities = ", ".join(f"{a} {u:.2f}" for a, u in run["utilities"].items())
        if run["agreement"] is None:
            outcome = f"no agreement after {run['rounds']} rounds"
        else:
            deal = ", ".join(f"{i}={o}" for i, o in run["agreement"].items())
            outcome = f"agreement in round {run['rounds']}: {deal}"
        console.print(f"run {k} (seed {run['seed']}): {outcome}; {utilities}", markup=False)
    summary = data["summary"]
    means = ", ".join(f"{a} {u:.2f}" for a, u in summary["mean_utilities"].items())
    console.print(
        f"\nAgreement rate {summary['agreement_rate']:.0%} over {summary['runs']} runs; "
        f"mean utilities {means}; mean distance to the Pareto front "
        f"{summary['mean_distance_to_pareto']:.3f}"
        + (
            ""
            if data["distance_to_pareto_exact"]
            else " (estimated: measured to the front of the candidate deals)"
        ),
        markup=False,
    )


def _runs(agreements: int, runs: int) -> str:
    return f"agreement in {agreements} of {runs} runs ({agreements / runs:.0%})"


def print_talks(talks: dict[str, Any]) -> None:
    """Print analyze's simulated talks: the linear run and the contrasting strategy mixes."""
    settings = talks["settings"]
    summary = talks["summary"]
    console.print(
        f"\n[bold]Simulated talks[/]: stacked alternating offers over {settings['rounds']} "
        f"rounds (seed {settings['seed']}). A deal needs the yes of "
        f"{', '.join(talks['deciders'])} before the deadline, or the talks fail. Distance "
        "to the Nash deal: how far the outcome lies from the fairest compromise, in utility "
        "points (0 is the Nash deal itself; a failed run counts as each actor's reservation)."
    )
    utilities = ", ".join(f"{a} {u:.2f}" for a, u in summary["mean_utilities"].items())
    agreed = round(summary["agreement_rate"] * summary["runs"])
    console.print(
        f"  every actor concedes linearly: {_runs(agreed, summary['runs'])}; "
        f"mean utilities {utilities}",
        markup=False,
    )
    for mix in talks["mixes"]:
        line = f"  {mix['description']}: {_runs(mix['agreements'], mix['runs'])}"
        if mix["mean_rounds_to_agreement"] is not None:
            line += f", by round {mix['mean_rounds_to_agreement']:.0f} on average"
        if mix["distance_to_nash"] is not None:
            line += f"; distance to the Nash deal {mix['distance_to_nash']:.2f}"
        console.print(line, markup=False)
