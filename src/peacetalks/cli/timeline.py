"""``peacetalks timeline``: a series of dated snapshots, who moved, on what, and on what source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    JsonOption,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    load,
    new_table,
    stderr,
)

__all__ = ["print_timeline", "timeline_command"]


def _expand(names: list[str]) -> list[str]:
    """Return the names with each built-in series id replaced by its snapshots' ids."""
    from peacetalks.scenario.load import builtin_series

    series = builtin_series()
    found: list[str] = []
    for name in names:
        if name in series and not Path(name).exists():
            found += series[name]
        else:
            found.append(name)
    return found


@handles_errors
def timeline_command(
    series: Annotated[
        list[str],
        typer.Argument(
            help="A built-in series id (ukraine), or two or more scenario files or built-in "
            "ids of one series, in any order.",
            metavar="SERIES_OR_FILES...",
        ),
    ],
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
) -> None:
    """Follow a series of dated snapshots: who moved, on what, when, and on what source.

    The snapshots are ordered by their as_of date. Per issue: each actor's position
    (ideal, salience, red lines) at each date with the source of each change, the
    distance between each pair of veto holders, the compromise forecast with its 5-95%
    band, and the proposals on the table; per date, the size of the zone of possible
    agreement (as 'peacetalks deals --zopa').
    """
    from peacetalks.briefing.timeline import timeline_data

    names = _expand(series)
    snapshots = [load(name) for name in names]
    if json_output:
        data = timeline_data(snapshots, labels=names)
        export_csv(data, csv_file)
        emit_json(data)
        return
    with stderr.status("following the series..."):
        data = timeline_data(snapshots, labels=names)
    export_csv(data, csv_file)
    print_timeline(data)


def _size(snapshot: dict[str, Any]) -> str:
    if snapshot["zopa_exact"]:
        return f"{snapshot['zopa_count']:,}"
    low, high = snapshot["zopa_interval"]
    return f"~{snapshot['zopa_estimate']:,.0f} (95% {low:,.0f}-{high:,.0f})"


def _cell(at: dict[str, Any] | None) -> str:
    if at is None:
        return "-"
    red = f" r{len(at['red_lines'])}" if at["red_lines"] else ""
    return f"{at['ideal']:g} s{at['salience']:g}{red}"


def print_timeline(data: dict[str, Any]) -> None:
    """Print :func:`~peacetalks.briefing.timeline.timeline_data`'s document in words and tables."""
    snapshots = data["snapshots"]
    dates = [s["date"] for s in snapshots]
    title = f"series {data['series']}" if data["series"] else "these snapshots"
    console.print(
        f"[bold]Timeline of {escape(title)}[/]: {len(snapshots)} snapshots from {dates[0]} "
        f"to {dates[-1]}"
    )
    for sentence in data["summary"]:
        console.print(escape(sentence))
    table = new_table(
        title="Snapshots: the zone of possible agreement (deals every veto holder accepts)",
        show_edge=False,
        pad_edge=False,
    )
    for column in ("date", "snapshot", "veto holders", "ZOPA deals", "of all", "proposals"):
        table.add_column(column)
    for s in snapshots:
        table.add_row(
            s["date"],
            escape(s["id"]),
            escape(", ".join(s["veto_holders"])),
            _size(s),
            f"{s['zopa_share']:.2%}",
            str(len(s["proposals"])),
        )
    console.print(table)
    names = {a["id"]: a["name"] for a in data["actors"]}
    for issue in data["issues"]:
        console.print(
            f"\n[bold]{escape(issue['name'])}[/] ({escape(issue['id'])}; 0 = "
            f"{escape(issue['scale']['low'])}; 100 = {escape(issue['scale']['high'])})"
        )
        for sentence in issue["summary"]:
            console.print("  " + escape(sentence))
        positions = new_table(
            title="Ideal point, salience (s) and red lines (r: how many) at each date",
            show_edge=False,
            pad_edge=False,
        )
        positions.add_column("actor")
        for day in dates:
            positions.add_column(day)
        for row in issue["positions"]:
            label = row["name"] + (" (veto)" if row["veto"] else "")
            positions.add_row(escape(label), *(_cell(at) for at in row["at"]))
        for pair in issue["distances"]:
            a, b = pair["actors"]
            positions.add_row(
                escape(f"distance {names[a]} - {names[b]}"),
                *("-" if v is None else f"{v:g}" for v in pair["at"]),
            )
        positions.add_row(
            "compromise forecast (5-95%)",
            *(
                "-"
                if f is None or f["forecast"] is None
                else f"{f['forecast']:.1f}"
                + ("" if f["p5"] is None else f" ({f['p5']:.0f}-{f['p95']:.0f})")
                for f in issue["forecast"]
            ),
        )
        console.print(positions)
        for day, on_table in zip(dates, issue["proposals"], strict=True):
            if on_table:
                listed = ", ".join(f"{p['id']} {p['option']}" for p in on_table)
                console.print(f"  on the table on {day}: {escape(listed)}")
