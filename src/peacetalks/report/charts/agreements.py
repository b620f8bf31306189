"""Survival charts of phased agreements under stress."""

from __future__ import annotations

from typing import Any

from peacetalks.agreements.stress import StressResult, compare_designs, stress_test
from peacetalks.report.charts._style import (
    _DASHES,
    PALETTE,
    _figure,
    _layout,
    _text,
)
from peacetalks.scenario.models import Scenario

__all__ = ["survival_figure"]


def _band_colour(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _survival_traces(
    result: StressResult, colour: str, dash: str, *, named: bool
) -> list[dict[str, Any]]:
    days = result.parameters.period_days
    x = [t * days for t in range(result.periods + 1)]
    title = _text(_short(result.title, 60))
    suffix = f": {title}" if named else ""
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"95% band{suffix}",
            "x": x + x[::-1],
            "y": [float(v) for v in result.survival_high]
            + [float(v) for v in result.survival_low[::-1]],
            "fill": "toself",
            "fillcolor": _band_colour(colour, 0.2),
            "line": {"width": 0, "color": _band_colour(colour, 0.2)},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": f"Holds{suffix}",
            "x": x,
            "y": [float(v) for v in result.survival],
            "line": {"color": colour, "width": 2.5, "dash": dash, "shape": "hv"},
            "hovertemplate": f"{title}<br>day %{{x}}: %{{y:.3f}}<extra></extra>",
        },
    ]


# Longest phase label drawn (characters): 10-pixel text this long fits, upright, in the
# plot area of the 460-pixel chart and of charts.js's shorter one on phones.
_PHASE_CHARS = 30


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _survival_rows(result: StressResult) -> list[list[str]]:
    days = result.parameters.period_days
    step = max(1, result.periods // 8)
    periods = list(range(0, result.periods + 1, step))
    if periods[-1] != result.periods:
        periods.append(result.periods)
    return [
        [
            result.agreement,
            str(t * days),
            f"{result.survival[t]:.3f}",
            f"{result.survival_low[t]:.3f}-{result.survival_high[t]:.3f}",
        ]
        for t in periods
    ]


def survival_figure(
    scenario: Scenario,
    agreement_id: str,
    *,
    runs: int = 1000,
    seed: int = 0,
    compare: str | None = None,
) -> dict[str, Any]:
    """Return the survival curve of a phased agreement, with its 95% band.

    The curve is the share of the stress test's runs in which the agreement still holds
    on each day; the band is the 95% Wilson interval. Dotted lines mark the scheduled
    start of each phase. With ``compare``, a second agreement is simulated on the same
    random numbers and drawn beside it. Besides ``summary`` and ``table``, the figure
    has ``results``: per agreement, the share of runs in which it holds at the end
    (``holds``, ``low``, ``high`` after ``days``), ``completion_probability`` and
    ``phases``, the chance of reaching each phase with its 95% band.

    Parameters
    ----------
    scenario : Scenario
    agreement_id : str
    runs : int
        Monte Carlo runs.
    seed : int
        Seed of the runs.
    compare : str, optional
        Another agreement of the scenario.

    Raises
    ------
    NotFoundError
        If the scenario has no such agreement.
    """
    if compare is None:
        results = [stress_test(scenario, agreement_id, runs=runs, rng=seed)]
    else:
        pair = compare_designs(scenario, agreement_id, compare, runs=runs, rng=seed)
        results = [pair.base, pair.other]
    data: list[dict[str, Any]] = []
    for k, result in enumerate(results):
        data += _survival_traces(result, PALETTE[k * 2], _DASHES[k], named=compare is not None)
    base = results[0]
    shapes, annotations = [], []
    horizon = max(r.periods * r.parameters.period_days for r in results) or 1
    for phase in base.phases:
        if not phase.within_horizon or phase.start_day == 0:
            continue
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": phase.start_day,
                "x1": phase.start_day,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#777777", "width": 1, "dash": "dot"},
            }
        )
        # Upright along its dotted line, inside the plot: right of the line, or left of it
        # near the right edge; cut to fit the plot's height (the full name is on hover).
        near_end = phase.start_day > 0.85 * horizon
        annotations.append(
            {
                "name": "phase",
                "x": phase.start_day,
                "y": 0.02,
                "xref": "x",
                "yref": "paper",
                "text": _text(_short(phase.name, _PHASE_CHARS)),
                "hovertext": _text(phase.name),
                "textangle": -90,
                "showarrow": False,
                "xanchor": "right" if near_end else "left",
                "yanchor": "bottom",
                "font": {"size": 10, "color": "#555555"},
            }
        )
    names = " and ".join(r.title for r in results)
    layout = _layout(
        "Day after signing",
        "Holds (share of runs)",
        yaxis={"range": [0, 1.05], "tickformat": ".0%"},
        height=460,
        shapes=shapes,
        annotations=annotations,
    )
    reach = ", ".join(
        f"{p.name} {p.reach_probability:.1%}" for p in base.phases if p.within_horizon
    )
    if compare is None:
        summary = (
            f"Share of {runs:,} simulated implementations (seed {seed}) in which the agreement "
            f"still holds on each day, with its 95% band. After "
            f"{base.periods * base.parameters.period_days} days it holds in "
            f"{base.survival[-1]:.1%} (95% {base.survival_low[-1]:.1%}-"
            f"{base.survival_high[-1]:.1%}). Chance of reaching each phase: {reach}."
        )
    else:
        ends = "; ".join(
            f"{r.title}: {r.survival[-1]:.1%} (95% {r.survival_low[-1]:.1%}-"
            f"{r.survival_high[-1]:.1%})"
            for r in results
        )
        summary = (
            f"Share of {runs:,} simulated implementations (seed {seed}, the same random numbers "
            f"for both) in which each agreement still holds on each day, with 95% bands. "
            f"Holding after {base.periods * base.parameters.period_days} days: {ends}. Chance "
            f"of reaching each phase of {base.title}: {reach}."
        )
    rows = [row for r in results for row in _survival_rows(r)]
    figure = _figure(
        (
            "Will it hold? " + " vs ".join(r.title for r in results),
            f"Share of {runs:,} simulated implementations (seed {seed}) in which the agreement "
            "still holds; band: 95% interval; dotted lines: the start of each phase",
        ),
        data,
        layout,
        summary,
        f"Survival of {names} ({runs:,} runs, seed {seed})",
        ["agreement", "day", "holds", "95% band"],
        rows,
    )
    figure["results"] = [
        {
            "agreement": r.agreement,
            "title": r.title,
            "runs": r.runs,
            "days": r.periods * r.parameters.period_days,
            "holds": float(r.survival[-1]),
            "low": float(r.survival_low[-1]),
            "high": float(r.survival_high[-1]),
            "completion_probability": r.completion_probability,
            "phases": [p.to_dict() for p in r.phases],
        }
        for r in results
    ]
    return figure
