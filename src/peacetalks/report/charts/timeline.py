"""The timeline chart: each actor's position on one issue at each snapshot of a series."""

from __future__ import annotations

from typing import Any

from peacetalks.errors import ParameterError
from peacetalks.report.charts._style import _DASHES, PALETTE, _figure, _fmt, _layout, _text

__all__ = ["timeline_figure"]


def _hover(name: str, at: dict[str, Any]) -> str:
    source = at["source"] or "no source"
    judgement = "; judgement" if at["judgement"] else ""
    red = f"<br>red lines: {_text(', '.join(at['red_lines']))}" if at["red_lines"] else ""
    return (
        f"{_text(name)}<br>%{{x}}: ideal %{{y:g}}, salience {at['salience']:g}{red}"
        f"<br>source: {_text(source)}{judgement}<extra></extra>"
    )


def timeline_figure(timeline: dict[str, Any], *, issue: str) -> dict[str, Any]:
    """Return the positions on one issue over the snapshots of a series, one line per actor.

    The x axis is the date of each snapshot (its ``as_of``), ticked at those dates only;
    each actor's line joins its ideal points (a gap where the snapshot has no position of
    the actor); hovering a point shows its salience, red lines and source. The compromise
    forecast is drawn as a dashed black line with its 5-95% Monte Carlo band.

    Parameters
    ----------
    timeline : dict
        :func:`~peacetalks.briefing.timeline.timeline_data`'s document.
    issue : str
        The issue id.

    Raises
    ------
    ParameterError
        If the timeline has no such issue.
    """
    entries = {entry["id"]: entry for entry in timeline["issues"]}
    if issue not in entries:
        msg = (
            f"The 'issue' parameter of timeline_figure must be an issue of the timeline "
            f"({', '.join(entries)}). Got {issue!r} instead."
        )
        raise ParameterError(msg, parameter="issue", value=issue)
    entry = entries[issue]
    snapshots = timeline["snapshots"]
    dates = [s["date"] for s in snapshots]
    data: list[dict[str, Any]] = []
    rows: list[list[str]] = []
    for k, row in enumerate(entry["positions"]):
        colour, dash = PALETTE[k % len(PALETTE)], _DASHES[(k // len(PALETTE)) % len(_DASHES)]
        shown = [(d, at) for d, at in zip(dates, row["at"], strict=True) if at is not None]
        label = row["name"] + (" (veto)" if row["veto"] else "")
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _text(label),
                "x": [d for d, _ in shown],
                "y": [at["ideal"] for _, at in shown],
                "line": {"color": colour, "dash": dash, "width": 2},
                "marker": {"size": 7, "color": colour},
                "hovertemplate": [_hover(row["name"], at) for _, at in shown],
            }
        )
        rows.append([label, *("-" if at is None else f"{at['ideal']:g}" for at in row["at"])])
    kept = [(d, f) for d, f in zip(dates, entry["forecast"], strict=True) if f is not None]
    if kept:
        middle = [f["forecast"] for _, f in kept]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Compromise forecast, bar: 5-95% band",
                "x": [d for d, _ in kept],
                "y": middle,
                "line": {"color": "#000000", "dash": "dash", "width": 2},
                "marker": {"size": 7, "color": "#000000", "symbol": "diamond"},
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if f["p95"] is None else f["p95"] - f["forecast"] for _, f in kept
                    ],
                    "arrayminus": [
                        None if f["p5"] is None else f["forecast"] - f["p5"] for _, f in kept
                    ],
                    "color": "#555555",
                },
                "hovertemplate": "compromise forecast<br>%{x}: %{y:.1f}<extra></extra>",
            }
        )
    rows.append(
        [
            "compromise forecast (5-95%)",
            *(
                "-"
                if f is None
                else f"{_fmt(f['forecast'], 1)} ({_fmt(f['p5'], 0)}-{_fmt(f['p95'], 0)})"
                for f in entry["forecast"]
            ),
        ]
    )
    layout = _layout(
        "Date of the snapshot (as_of)",
        "Ideal point on the issue's 0-100 scale",
        xaxis={"type": "date", "tickvals": dates, "ticktext": dates, "tickangle": -45},
        yaxis={"range": [-2, 102]},
        height=460,
    )
    scale = entry["scale"]
    moved = [m for m in timeline["moves"] if m["issue"] == issue and m["field"] == "ideal"]
    sourced = sum(1 for m in moved if m["source"] is not None)
    summary = (
        f"Ideal points on {entry['name']} (0 = {scale['low']}; 100 = {scale['high']}) of "
        f"{len(entry['positions'])} actor(s) at {len(dates)} snapshots from {dates[0]} to "
        f"{dates[-1]}; {len(moved)} move(s) of an ideal point, {sourced} of them citing a "
        "source (any other is a modelling judgement with its reason)."
    )
    return _figure(
        (
            f"{entry['name']}: positions over time",
            f"0 = {scale['low']}; 100 = {scale['high']}",
        ),
        data,
        layout,
        summary,
        f"Ideal points on {entry['name']} at each snapshot",
        ["actor", *dates],
        rows,
    )
