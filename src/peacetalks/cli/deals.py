"""The ``peacetalks deals`` command: Pareto front, fair compromises, ZOPA, amendments, logrolls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._helpers import (
    AcceptanceRunsOption,
    CsvOption,
    DropOption,
    SetOption,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    load_what_if,
    new_table,
    stderr,
    with_what_ifs,
)
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED

# The computation is imported when a command runs (see peacetalks.cli.commands).
if TYPE_CHECKING:
    from rich.console import Console

    from peacetalks.briefing.deals import Among

__all__ = ["deals", "print_amendment_line", "print_deal_space"]

RULE_NAMES = {
    "nash": "Nash (max product of gains)",
    "ks": "Kalai-Smorodinsky (proportional to ideal gains)",
    "egalitarian": "egalitarian (max smallest gain)",
    "utilitarian": "utilitarian (max sum of utilities)",
}


def _options(deal: dict[str, str]) -> str:
    return ", ".join(f"{issue}={option}" for issue, option in deal.items())


def _utilities(actors: list[str], values: list[float]) -> str:
    return ", ".join(f"{a} {u:.2f}" for a, u in zip(actors, values, strict=True))


def print_deal_space(out: Console, data: dict[str, Any], *, shown: int = 20) -> None:
    """Print deal-space results for a reader."""
    actors: list[str] = data["actors"]
    if "pareto" in data:
        info = data["pareto_info"]
        kind = "exact" if info["exact"] else "sampled"
        scope = ", individually rational" if info["rational"] else ""
        listed = min(shown, len(data["pareto"]))
        if info["count"] is None:
            out.print(
                f"\n[bold]Pareto front[/] ({kind}{scope}): the {listed} deals of largest total "
                "utility (the whole front is not counted here: "
                "`peacetalks deals SCENARIO --pareto --rational` counts it)"
            )
        else:
            out.print(
                f"\n[bold]Pareto front[/] ({kind}{scope}): {info['count']:,} deals; "
                f"showing {listed}, largest total utility first"
            )
        if not info["exact"]:
            out.print(escape(info["reason"]))
        table = new_table(show_edge=False, pad_edge=False)
        table.add_column("#")
        for actor in info["actors"]:
            table.add_column(actor)
        for k, entry in enumerate(data["pareto"][:shown], start=1):
            table.add_row(str(k), *[f"{u:.2f}" for u in entry["utilities"]])
        out.print(table)
        for k, entry in enumerate(data["pareto"][:shown], start=1):
            out.print(f"  #{k}: " + escape(", ".join(entry["options"])))
    for rule, name in RULE_NAMES.items():
        if rule not in data:
            continue
        entry = data[rule]
        if entry is None:
            out.print(f"\n[bold]{name}[/]: none; {data[f'{rule}_reason']}")
            continue
        ties = f" ({len(entry['ties'])} more tied)" if entry["ties"] else ""
        out.print(f"\n[bold]{name}[/]{ties}")
        out.print("  " + escape(_utilities(data["bargaining_actors"], entry["utilities"])))
        out.print("  " + escape(_options(entry["deal"])))
        if "robustness" in entry:
            out.print("  " + escape(entry["robustness"]))
    if "zopa" in data:
        zopa = data["zopa"]
        holders = ", ".join(zopa["veto_holders"])
        if zopa["exact"]:
            size = f"{zopa['count']:,} of {zopa['total']:,} deals ({zopa['fraction']:.2%})"
        else:
            low, high = zopa["interval"]
            size = (
                f"about {zopa['estimate']:,.0f} of {zopa['total']:,} deals "
                f"(95% {low:,.0f}-{high:,.0f})"
            )
        out.print(
            f"\n[bold]Zone of possible agreement[/] (acceptable to {escape(holders)}): {size}"
        )
        for issue, options in zopa["options"].items():
            out.print(f"  {issue}: " + (escape(", ".join(options)) if options else "(none)"))
    if "amend" in data:
        amend = data["amend"]
        out.print(f"\n[bold]Amendments to {escape(amend['proposal'])}[/]")
        if not amend["possible"]:
            out.print("  no amendment makes it acceptable to every veto holder")
            for conflict in amend["conflicts"]:
                out.print(
                    f"  red lines exclude every option of {conflict['issue']}: "
                    + escape(str(conflict["red_lines"]))
                )
            if amend["unreachable"]:
                out.print(
                    "  no deal reaches the reservation of: " + ", ".join(amend["unreachable"])
                )
        elif amend["n_changes"] == 0:
            out.print("  none needed: every veto holder already accepts it")
        else:
            authors = ", ".join(amend["authors"]) or "none: an analyst's proposal"
            out.print(
                f"  {amend['found']} way(s) with {amend['n_changes']} change(s); "
                f"{amend['dominated']} dropped because another beats them for every actor; "
                f"ranked by the loss to the proposal's authors ({escape(authors)}), then the "
                "largest loss to any actor; P(passes) from "
                f"{amend['monte_carlo']['runs']:,} draws of the stated ranges"
            )
        for entry in amend["amendments"]:
            if not entry["changed"]:
                continue
            changes = "; ".join(
                f"{issue}: {c['from']} -> {c['to']}" for issue, c in entry["changes"].items()
            )
            out.print(
                f"  change {escape(changes)}: P(passes) {entry['p_pass']:.2f}; authors' loss "
                f"{entry['author_loss']:.2f}, largest loss {entry['worst_loss']:.2f}, "
                f"utility moved {entry['moved']:.2f}"
            )
            out.print("    " + escape(_utilities(actors, entry["utilities"])))
    if "logrolls" in data:
        kept = (
            " (trades that cross a veto holder's red line or hurt a veto holder left out; "
            "--all-trades lists them)"
            if data["logrolls_base"].get("worth_proposing", False)
            else ""
        )
        out.print(f"\n[bold]Logrolls[/] from {escape(data['logrolls_base']['base'])}{kept}")
        if not data["logrolls"]:
            out.print("  none found")
        for roll in data["logrolls"][:10]:
            (a, b), (i, j) = roll["actors"], roll["issues"]
            hurts = f"; hurts veto holder(s) {', '.join(roll['hurts'])}" if roll["hurts"] else ""
            gains = f"+{roll['gains'][a]:.2f} / +{roll['gains'][b]:.2f}"
            out.print(
                f"  {a} gets {i}={roll['trade'][i]}, {b} gets {j}={roll['trade'][j]}: "
                f"{gains} (joint {roll['joint_gain']:.2f})" + escape(hurts)
            )


def print_amendment_line(out: Console, amend: dict[str, Any]) -> None:
    """Print the smallest amendment of a proposal in one or two lines."""
    if not amend["possible"]:
        out.print("  no amendment makes it acceptable to every veto holder")
    elif amend["n_changes"] == 0:
        return
    else:
        first = amend["amendments"][0]
        changes = "; ".join(
            f"{issue}: {c['from']} -> {c['to']}" for issue, c in first["changes"].items()
        )
        more = len(amend["amendments"]) - 1
        extra = f" ({more} other way(s) with as few changes)" if more else ""
        out.print(
            f"  smallest amendment that passes: {escape(changes)}{extra}; "
            f"P(passes) {first['p_pass']:.2f}"
        )


@handles_errors
def deals(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id, a YAML file or a GENIUS domain folder.")
    ],
    pareto: Annotated[bool, typer.Option("--pareto", help="The Pareto-optimal deals.")] = False,
    nash: Annotated[bool, typer.Option("--nash", help="The Nash bargaining deal.")] = False,
    ks: Annotated[bool, typer.Option("--ks", help="The Kalai-Smorodinsky deal.")] = False,
    egalitarian: Annotated[
        bool, typer.Option("--egalitarian", help="The egalitarian deal.")
    ] = False,
    utilitarian: Annotated[
        bool, typer.Option("--utilitarian", help="The utilitarian deal.")
    ] = False,
    zopa: Annotated[bool, typer.Option("--zopa", help="The zone of possible agreement.")] = False,
    amend: Annotated[
        str | None, typer.Option("--amend", help="Smallest changes that make PROPOSAL pass.")
    ] = None,
    logrolls: Annotated[bool, typer.Option("--logrolls", help="Two-issue trades.")] = False,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Proposal the logrolls start from (default: defaults)."),
    ] = None,
    rational: Annotated[
        bool, typer.Option("--rational", help="Pareto front of deals above every reservation only.")
    ] = False,
    veto_only: Annotated[
        bool,
        typer.Option("--veto-only", help="Front, compromises and trades among veto holders only."),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="List at most N front deals.")
    ] = 1000,
    all_trades: Annotated[
        bool,
        typer.Option(
            "--all-trades",
            help="Also list logrolls that cross a veto holder's red line or hurt a veto holder.",
        ),
    ] = False,
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            help=f"Seed of the samples and of the acceptance draws (default {ACCEPTANCE_SEED}).",
        ),
    ] = ACCEPTANCE_SEED,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
    sets: SetOption = None,
    drops: DropOption = None,
) -> None:
    """Explore the deal space: Pareto front, fair compromises, ZOPA, amendments, logrolls.

    With no selection, everything but --amend is computed.
    """
    from peacetalks.briefing.deal_space import deal_space

    model, applied = load_what_if(scenario, sets, drops, json_output=json_output)
    rules = tuple(
        name
        for name, chosen in (
            ("nash", nash),
            ("ks", ks),
            ("egalitarian", egalitarian),
            ("utilitarian", utilitarian),
        )
        if chosen
    )
    nothing = not (pareto or rules or zopa or amend or logrolls)
    if nothing:
        pareto, zopa, logrolls = True, True, True
        rules = ("nash", "ks", "egalitarian", "utilitarian")
    among: Among = "veto" if veto_only else "all"
    options: dict[str, Any] = {
        "pareto": pareto,
        "rules": rules,
        "zopa": zopa,
        "amend": amend,
        "logrolls": logrolls,
        "base": base,
        "rational": rational,
        "among": among,
        "limit": limit,
        "seed": seed,
        "runs": runs,
        "all_trades": all_trades,
    }
    if json_output:
        data = with_what_ifs(deal_space(model, **options), applied)
        export_csv(data, csv_file)
        emit_json(data)
        return
    with stderr.status("computing the deal space..."):
        data = deal_space(model, **options)
    export_csv(with_what_ifs(data, applied), csv_file)
    console.print(
        f"[bold]{escape(model.title)}[/] ({model.id}): actors {', '.join(data['actors'])}"
    )
    print_deal_space(console, data)
