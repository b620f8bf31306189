"""``peacetalks compare``: proposals side by side, with their differences and verdicts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peacetalks.cli._helpers import (
    AcceptanceRunsOption,
    AcceptanceSeedOption,
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
    load_what_if,
    new_table,
    with_what_ifs,
)
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED

__all__ = ["compare_command", "print_comparison"]


@handles_errors
def compare_command(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario id or a YAML file.")],
    proposals: Annotated[
        list[str], typer.Argument(help="Two or more proposal ids of the scenario.")
    ],
    at: Annotated[
        list[str] | None,
        typer.Option(
            "--at",
            help="Another snapshot (id or file) to evaluate the same proposals in; "
            "repeatable. One proposal is then enough.",
        ),
    ] = None,
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: AcceptanceSeedOption = ACCEPTANCE_SEED,
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
    sets: SetOption = None,
    drops: DropOption = None,
) -> None:
    """Compare proposals side by side: options, verdicts, what separates them, the fixes.

    Each proposal's utilities, margins, acceptance probabilities and probability of
    passing every veto are those of 'peacetalks evaluate' with the same --runs and
    --seed. With --at, each proposal is also evaluated in another snapshot (for example
    an earlier file of the series) under the id PROPOSAL@SNAPSHOT.
    """
    from peacetalks.briefing.compare import compare_data
    from peacetalks.briefing.robustness import check_runs

    check_runs(runs)
    model, applied = load_what_if(scenario, sets, drops, json_output=json_output)
    snapshots = [load(name) for name in at or []]
    data = compare_data(model, proposals, at=snapshots, runs=runs, seed=seed)
    export_csv(with_what_ifs(data, applied), csv_file)
    if json_output:
        emit_json(with_what_ifs(data, applied))
        return
    print_comparison(data)


def _cell(actor: dict[str, Any]) -> str:
    mark = " red line" if actor["red_lines_crossed"] else "" if actor["acceptable"] else " x"
    return f"{actor['utility']:.2f} {actor['margin']:+.2f} p{actor['p_accept']:.2f}{mark}"


def print_comparison(data: dict[str, Any]) -> None:
    """Print :func:`~peacetalks.briefing.compare.compare_data`'s document as tables."""
    labels: list[str] = data["compared"]
    mc = data["monte_carlo"]
    console.print(
        f"[bold]{escape(', '.join(labels))}[/] in {escape(data['scenario'])} "
        f"({mc['runs']:,} draws of the stated ranges, seed {mc['seed']})"
    )
    options = new_table(title="Where the options differ", show_edge=False, pad_edge=False)
    options.add_column("issue")
    for label in labels:
        options.add_column(escape(label), overflow="fold")
    for difference in data["differences"]:
        options.add_row(
            escape(difference["issue"]),
            *(escape(str(difference["options"][label] or "-")) for label in labels),
        )
    console.print(options)
    if data["same"]:
        console.print("Same option in every proposal: " + escape(", ".join(data["same"])))
    verdicts = new_table(
        title="Utility, margin over reservation, P(accept); x = below its reservation",
        show_edge=False,
        pad_edge=False,
    )
    verdicts.add_column("actor")
    for label in labels:
        verdicts.add_column(escape(label))
    by_entry = {p["id"]: {a["id"]: a for a in p["actors"]} for p in data["proposals"]}
    actor_ids = list(dict.fromkeys(a["id"] for p in data["proposals"] for a in p["actors"]))
    for actor in actor_ids:
        first = next(by_entry[label][actor] for label in labels if actor in by_entry[label])
        name = actor + (" (veto)" if first["veto"] else "")
        verdicts.add_row(
            escape(name),
            *(
                _cell(by_entry[label][actor]) if actor in by_entry[label] else "-"
                for label in labels
            ),
        )
    verdicts.add_row("P(passes every veto)", *(f"{p['p_pass']:.2f}" for p in data["proposals"]))
    verdicts.add_row(
        "blocked by",
        *(escape(", ".join(p["blockers"]) or "nobody") for p in data["proposals"]),
    )
    console.print(verdicts)
    for actor, rows in data["separating"].items():
        if rows:
            parts = ", ".join(
                f"{r['issue']} ("
                + ", ".join(f"{label} {u:.2f}" for label, u in r["utility"].items())
                + ")"
                for r in rows
            )
            console.print(f"What separates them for {escape(actor)}: {escape(parts)}")
    for label, fix in data["amendments"].items():
        if fix is None:
            console.print(f"{escape(label)}: no change of options makes every veto holder accept")
            continue
        changes = ", ".join(
            f"{issue} {c['from']} -> {c['to']}" for issue, c in fix["changes"].items()
        )
        console.print(
            f"Smallest fix for {escape(label)}: {escape(changes)} (P(pass) {fix['p_pass']:.2f})"
        )
