"""Plotly figures of a scenario's analyses, as JSON-ready dicts, for the report and the web.

Every function is pure (no I/O): it runs the analysis through the briefing, forecasting,
agreements and institutions layers and returns ``{"data": [...], "layout": {...}}`` for
``Plotly.newPlot``, plus what any face shows around the chart as HTML: ``title`` and
``subtitle`` (plain text; Plotly cannot wrap a long title on a narrow screen, HTML can)
and two text alternatives, ``summary`` (one or two plain sentences) and ``table``
(``caption``, ``columns`` and ``rows`` of text). Text that comes from a scenario is
escaped for Plotly, which reads a few HTML tags in labels; the figures use no tag but
``<br>`` themselves (Plotly draws the others with inline styles, which a strict
Content-Security-Policy refuses). Colours are the Okabe-Ito palette (distinguishable with
the common colour-vision deficiencies); series also differ by marker symbol or dash,
never by colour alone.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.agreements.stress import StressResult, compare_designs, stress_test
from peacetalks.analysis.pareto import ParetoFront, pareto_front
from peacetalks.briefing.deals import bargaining_data, rational_front
from peacetalks.briefing.proposals import assess_proposal
from peacetalks.briefing.ratification import ratification_data
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import FrontTooLargeError, ParameterError
from peacetalks.forecasting.montecarlo import monte_carlo
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = [
    "MAX_CLOUD_POINTS",
    "PALETTE",
    "RULE_LABELS",
    "default_pair",
    "forecast_figure",
    "pareto_figure",
    "positions_figure",
    "ratification_rows",
    "survival_figure",
]

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion,
# reddish purple, sky blue, black, yellow (last: it is faint on white).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
RULE_LABELS = {
    "nash": "Nash",
    "ks": "Kalai-Smorodinsky",
    "egalitarian": "Egalitarian",
    "utilitarian": "Utilitarian",
}
_RULE_SYMBOLS = {"nash": "star", "ks": "diamond", "egalitarian": "square", "utilitarian": "x"}
_RULE_COLOURS = {
    "nash": PALETTE[3],
    "ks": PALETTE[4],
    "egalitarian": PALETTE[2],
    "utilitarian": "#000000",
}
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# A projected front can have tens of thousands of points; more than this are thinned.
MAX_CLOUD_POINTS = 2000


def _text(value: str) -> str:
    """Return scenario text escaped for Plotly, which reads a few HTML tags in labels."""
    return html.escape(value, quote=False)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _deals(count: int) -> str:
    return f"{count:,} deal" + ("" if count == 1 else "s")


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _layout(x_title: str, y_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "xaxis": {
            "title": {"text": x_title},
            "zeroline": False,
            "gridcolor": "#e4e4e4",
            "linecolor": "#555555",
            "automargin": True,
        },
        "yaxis": {
            "title": {"text": y_title},
            "zeroline": False,
            "gridcolor": "#e4e4e4",
            "linecolor": "#555555",
            "automargin": True,
        },
        "font": {"family": _FONT, "size": 13, "color": "#1a1a1a"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        "margin": {"l": 70, "r": 20, "t": 24, "b": 60},
        "hovermode": "closest",
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _figure(
    titles: tuple[str, str],
    data: list[dict[str, Any]],
    layout: dict[str, Any],
    summary: str,
    caption: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
) -> dict[str, Any]:
    return {
        "title": titles[0],
        "subtitle": titles[1],
        "data": data,
        "layout": layout,
        "summary": summary,
        "table": {"caption": caption, "columns": list(columns), "rows": [list(r) for r in rows]},
    }


def _actor_name(scenario: Scenario, actor_id: str) -> str:
    try:
        return scenario.actor(actor_id).name
    except KeyError:
        return actor_id


# --- Pareto front -----------------------------------------------------------------------


def default_pair(compiled: CompiledScenario) -> tuple[str, str]:
    """Return the two actors whose ideal deals are worst for each other.

    Among the veto holders (or every actor when fewer than two hold a veto), the pair
    ``(a, b)`` with the smallest ``u_b(ideal deal of a) + u_a(ideal deal of b)``: the two
    whose best outcomes are furthest apart, so that their trade-off is the one the chart
    should show. An actor's ideal deal takes on every issue its best option that crosses
    none of its own red lines. Ties go to the earlier actors of the scenario.

    Raises
    ------
    ParameterError
        If the scenario has fewer than two actors.
    """
    if compiled.n_actors < 2:
        msg = (
            f"A Pareto chart needs two actors; the scenario has {compiled.n_actors}. "
            "Add an actor to the scenario."
        )
        raise ParameterError(msg, parameter="actors", value=compiled.actor_ids)
    candidates = np.flatnonzero(compiled.veto)
    if candidates.size < 2:
        candidates = np.arange(compiled.n_actors)
    tables, admissible = compiled.tables(), compiled.admissible()
    # ideal[a, i]: actor a's best option on issue i among those it does not rule out.
    ideal = np.array(
        [
            [
                int(np.argmax(np.where(m[a], t[a], -np.inf)))
                for t, m in zip(tables, admissible, strict=True)
            ]
            for a in range(compiled.n_actors)
        ]
    )
    # cross[a, b]: actor b's utility of actor a's ideal deal.
    cross = np.array(
        [
            [
                sum(float(t[b, ideal[a, i]]) for i, t in enumerate(tables))
                for b in range(compiled.n_actors)
            ]
            for a in range(compiled.n_actors)
        ]
    )
    pairs = [(int(a), int(b)) for k, a in enumerate(candidates) for b in candidates[k + 1 :]]
    scores = [float(cross[a, b] + cross[b, a]) for a, b in pairs]
    # The first of the lowest scores (within rounding), so that ties keep scenario order.
    lowest = min(scores)
    a, b = next(p for p, s in zip(pairs, scores, strict=True) if s <= lowest + 1e-12)
    return compiled.actor_ids[a], compiled.actor_ids[b]


def _check_pair(compiled: CompiledScenario, actors: Sequence[str] | None) -> tuple[int, int]:
    if actors is None:
        first, second = default_pair(compiled)
        return compiled.actor_ids.index(first), compiled.actor_ids.index(second)
    pair = list(actors)
    unknown = [a for a in pair if a not in compiled.actor_ids]
    if len(pair) != 2 or pair[0] == pair[1] or unknown:
        msg = (
            "The 'actors' parameter of pareto_figure must name two different actors of the "
            f"scenario ({', '.join(compiled.actor_ids)}). Got {', '.join(pair) or 'none'} instead."
        )
        raise ParameterError(msg, parameter="actors", value=tuple(pair))
    return compiled.actor_ids.index(pair[0]), compiled.actor_ids.index(pair[1])


def _thin(points: npt.NDArray[np.float64], limit: int) -> npt.NDArray[np.float64]:
    """Return at most ``limit`` of the rows, evenly spread (deterministic)."""
    if len(points) <= limit:
        return points
    keep = np.unique(np.linspace(0, len(points) - 1, limit).round().astype(np.intp))
    result: npt.NDArray[np.float64] = points[keep]
    return result


# Label placement: offsets of a label's box from its marker, in pixels of a typical chart.
_PLOT_PX = (900.0, 420.0)
_CHAR_PX, _LINE_PX, _MARKER_PX = 6.6, 14.0, 7.0
_PLACES = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)


def _label_box(place: str, px: float, py: float, width: float) -> tuple[float, ...]:
    vertical, horizontal = place.split()
    if vertical == "top":
        low, high = py + _MARKER_PX, py + _MARKER_PX + _LINE_PX
    elif vertical == "bottom":
        low, high = py - _MARKER_PX - _LINE_PX, py - _MARKER_PX
    else:
        low, high = py - _LINE_PX / 2, py + _LINE_PX / 2
    if horizontal == "center":
        left, right = px - width / 2, px + width / 2
    elif horizontal == "right":
        left, right = px + (_MARKER_PX if vertical == "middle" else 0.0), px + width + _MARKER_PX
    else:
        left, right = px - width - _MARKER_PX, px - (_MARKER_PX if vertical == "middle" else 0.0)
    return left, right, low, high


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[1], b[1]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[2], b[2])
    return max(width, 0.0) * max(height, 0.0)


def _label_positions(
    xs: Sequence[float], ys: Sequence[float], labels: Sequence[str], *, obstacles: int = 0
) -> list[str]:
    """Return a Plotly text position per point that keeps labels apart (greedy, in x order).

    Each label goes where its box overlaps least with the labels placed before it, the
    markers and the plot's edges, assuming a plot of about 900 x 420 pixels showing 0-1 on
    both axes; ties keep the first place of ``_PLACES``. The first ``obstacles`` points are
    markers only (no label).
    """
    width, height = _PLOT_PX
    points = [
        ((x + 0.02) / 1.04 * width, (y + 0.02) / 1.10 * height) for x, y in zip(xs, ys, strict=True)
    ]
    markers = [
        (px - _MARKER_PX, px + _MARKER_PX, py - _MARKER_PX, py + _MARKER_PX) for px, py in points
    ]
    placed: list[tuple[float, ...]] = []
    places = ["top center"] * len(points)
    for k in sorted(range(obstacles, len(points)), key=lambda k: points[k]):
        px, py = points[k]
        size = _CHAR_PX * len(labels[k])
        best: tuple[float, int] | None = None
        for rank, place in enumerate(_PLACES):
            box = _label_box(place, px, py, size)
            outside = size * _LINE_PX - _overlap(box, (0.0, width, 0.0, height))
            cost = sum(_overlap(box, other) for other in placed + markers) + 2 * outside
            if best is None or cost < best[0] - 1e-9:
                best = (cost, rank)
        chosen = _PLACES[best[1] if best is not None else 0]
        places[k] = chosen
        placed.append(_label_box(chosen, px, py, size))
    return places


def _deal_text(deal: dict[str, str]) -> str:
    return "<br>".join(f"{_text(issue)}: {_text(option)}" for issue, option in deal.items())


def pareto_figure(
    scenario: Scenario,
    *,
    actors: Sequence[str] | None = None,
    compiled: CompiledScenario | None = None,
    front: ParetoFront | None = None,
    max_points: int = MAX_CLOUD_POINTS,
) -> dict[str, Any]:
    """Return the deal space seen by two actors: Pareto front, proposals, fair compromises.

    The x axis is one actor's utility (0-1), the y axis the other's. Drawn are: the Pareto
    front of the two (every deal that crosses neither's red line and that neither can
    improve on without the other losing), the deals every actor prefers to no deal and that
    no actor can improve on without another losing (projected onto the two, thinned to
    ``max_points``), each proposal of the scenario by id, the Nash, Kalai-Smorodinsky,
    egalitarian and utilitarian deals among all actors, and both actors' reservations.

    Parameters
    ----------
    scenario : Scenario
    actors : pair of str, optional
        The two actor ids; by default :func:`default_pair`.
    compiled : CompiledScenario, optional
        The compiled scenario, when already at hand.
    front : ParetoFront, optional
        The exact front of the deals above every reservation (from
        :func:`~peacetalks.briefing.rational_front`), when already at hand.
    max_points : int
        Most projected points drawn.
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    a, b = _check_pair(compiled, actors)
    id_a, id_b = compiled.actor_ids[a], compiled.actor_ids[b]
    name_a, name_b = _actor_name(scenario, id_a), _actor_name(scenario, id_b)
    pair = [a, b]
    xy_hover = f"{_text(name_a)}: %{{x:.3f}}<br>{_text(name_b)}: %{{y:.3f}}"
    pair_front = pareto_front(
        [t[pair] for t in compiled.tables()],
        reservations=np.zeros(2),
        admissible=[m[pair] for m in compiled.admissible()],
        individually_rational=True,
    )
    line = pair_front.utilities[
        np.lexsort((pair_front.utilities[:, 1], pair_front.utilities[:, 0]))
    ]
    data: list[dict[str, Any]] = []
    notes: list[str] = []
    rules: dict[str, Any] = {}
    try:
        if front is None:
            front = rational_front(compiled)
        rules = bargaining_data(compiled, front=front)
    except FrontTooLargeError as e:
        front = None
        notes.append(f"The deals every actor prefers to no deal are not drawn: {e}")
    if front is not None and len(front):
        cloud = np.unique(np.round(front.utilities[:, pair], 9), axis=0)
        shown = _thin(cloud, max_points)
        notes.append(
            f"Grey: the {len(front):,} deals that every actor prefers to no deal and that no "
            "actor can improve on without another losing, seen by the two"
            + (
                f" ({len(shown):,} of their {len(cloud):,} distinct points drawn)."
                if len(shown) < len(cloud)
                else "."
            )
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"Pareto-optimal for all, above reservations ({_deals(len(front))})",
                "x": [float(x) for x in shown[:, 0]],
                "y": [float(y) for y in shown[:, 1]],
                "marker": {"size": 5, "color": "#9a9a9a", "opacity": 0.45},
                "hovertemplate": xy_hover + "<extra></extra>",
            }
        )
    elif front is not None:
        notes.append(
            "No deal gives every actor at least its reservation while crossing no red line."
        )
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": f"Pareto front of {_text(name_a)} and {_text(name_b)} ({_deals(len(line))})",
            "x": [float(x) for x in line[:, 0]],
            "y": [float(y) for y in line[:, 1]],
            "line": {"color": PALETTE[0], "width": 2, "shape": "vh"},
            "marker": {"size": 4, "color": PALETTE[0]},
            "hovertemplate": xy_hover + "<extra>front</extra>",
        }
    )
    rows: list[list[str]] = []
    assessments = [assess_proposal(scenario, p.id, compiled=compiled) for p in scenario.proposals]
    solved = [rules[r]["utilities"] for r in RULE_LABELS if rules.get(r)]
    places = _label_positions(
        [u[a] for u in solved] + [s.actors[a].utility for s in assessments],
        [u[b] for u in solved] + [s.actors[b].utility for s in assessments],
        [""] * len(solved) + [str(s.id) for s in assessments],
        obstacles=len(solved),
    )[len(solved) :]
    place_of = dict(zip([s.id for s in assessments], places, strict=True))
    for passes, label, symbol, colour in (
        (True, "Proposals every veto holder accepts", "circle", PALETTE[1]),
        (False, "Proposals a veto holder rejects", "circle-open", PALETTE[1]),
    ):
        group = [s for s in assessments if s.passes is passes]
        if not group:
            continue
        xs = [s.actors[a].utility for s in group]
        ys = [s.actors[b].utility for s in group]
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": label,
                "x": xs,
                "y": ys,
                "text": [_text(str(s.id)) for s in group],
                "textposition": [place_of[s.id] for s in group],
                "textfont": {"size": 11},
                "hovertext": [f"{_text(str(s.title))}<br>{_deal_text(s.deal)}" for s in group],
                "hovertemplate": "%{hovertext}<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
                "marker": {
                    "size": 11,
                    "symbol": symbol,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
            }
        )
        for s, x, y in zip(group, xs, ys, strict=True):
            verdict = (
                "accepted by every veto holder"
                if passes
                else "rejected by " + ", ".join(s.blockers)
            )
            rows.append([f"proposal {s.id}", f"{x:.3f}", f"{y:.3f}", verdict])
    for rule, label in RULE_LABELS.items():
        entry = rules.get(rule)
        if entry is None:
            if rules:
                notes.append(f"{label}: none ({rules.get(f'{rule}_reason', 'no deal')}).")
            continue
        x, y = entry["utilities"][a], entry["utilities"][b]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"{label} deal",
                "x": [x],
                "y": [y],
                "hovertext": [_deal_text(entry["deal"])],
                "hovertemplate": (
                    f"{label}<br>%{{hovertext}}<br>(%{{x:.3f}}, %{{y:.3f}})<extra></extra>"
                ),
                "marker": {
                    "size": 15,
                    "symbol": _RULE_SYMBOLS[rule],
                    "color": _RULE_COLOURS[rule],
                    "line": {"width": 1, "color": "#ffffff"},
                },
            }
        )
        rows.append([f"{label} deal (all actors)", f"{x:.3f}", f"{y:.3f}", "fair compromise"])
    res_a, res_b = float(compiled.reservations[a]), float(compiled.reservations[b])
    reservation = {"color": "#555555", "width": 1, "dash": "dash"}
    layout = _layout(
        f"Utility to {_text(name_a)} (0-1)",
        f"Utility to {_text(name_b)} (0-1)",
        xaxis={"range": [-0.02, 1.02]},
        yaxis={"range": [-0.02, 1.08]},
        height=560,
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": res_a,
                "x1": res_a,
                "y0": 0,
                "y1": 1,
                "line": reservation,
            },
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": res_b,
                "y1": res_b,
                "line": reservation,
            },
        ],
        annotations=[
            {
                "x": res_a,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": f"reservation of {_text(name_a)}",
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11, "color": "#555555"},
            },
            {
                "x": 1,
                "y": res_b,
                "xref": "paper",
                "yref": "y",
                "text": f"reservation of {_text(name_b)}",
                "showarrow": False,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#555555"},
            },
        ],
    )
    ends = (
        f" from ({line[0, 0]:.2f}, {line[0, 1]:.2f}) to ({line[-1, 0]:.2f}, {line[-1, 1]:.2f})"
        if len(line)
        else ""
    )
    summary = (
        f"Utility to {name_a} (x) against utility to {name_b} (y), each from 0 to 1. "
        f"Their Pareto front has {len(line):,} deals{ends}. "
        f"Reservations: {name_a} {res_a:.2f}, {name_b} {res_b:.2f}. "
        f"Marked: {len(assessments)} proposal(s) and the fair compromises among all actors. "
        + " ".join(notes)
    ).strip()
    return _figure(
        (
            f"Deal space seen by {name_a} and {name_b}",
            "Utilities from 0 to 1; dashed lines: each one's reservation (the value of no deal)",
        ),
        data,
        layout,
        summary,
        f"Marked points, utility to {name_a} and to {name_b}",
        ["point", f"utility to {name_a}", f"utility to {name_b}", "note"],
        rows,
    )


# --- Forecasts --------------------------------------------------------------------------


def _nearest_label(scenario: Scenario, issue_id: str, value: float | None) -> str:
    if value is None:
        return "-"
    options = scenario.issue(issue_id).options
    return min(options, key=lambda o: abs(o.position - value)).label


def forecast_figure(
    scenario: Scenario, *, model: str = "compromise", runs: int = 1000, seed: int = 0
) -> dict[str, Any]:
    """Return each issue's forecast: the Monte Carlo median with its 5-95% band.

    The model is fitted on the scenario; ``runs`` Monte Carlo draws over the stated
    uncertainty ranges (triangular) give the median and the 5th and 95th percentiles per
    issue. The point forecast (no uncertainty) is drawn beside the median.

    Parameters
    ----------
    scenario : Scenario
    model : str
        A model name of :data:`peacetalks.forecasting.registry.MODELS`.
    runs : int
        Monte Carlo runs (1 to 10,000,000).
    seed : int
        Seed of the draws.
    """
    takes_seed = "seed" in MODELS.get(model, (None, ()))[1]
    fitted = make_model(model, seed=seed if takes_seed else None).fit(scenario)
    result = monte_carlo(fitted, runs, rng=seed)
    issues = list(scenario.issues)
    names = [_text(i.name) for i in issues]
    point = [_number(v) for v in result.deterministic]
    p5 = [_number(v) for v in result.p5]
    p50 = [_number(v) for v in result.p50]
    p95 = [_number(v) for v in result.p95]
    hover = [
        f"{_text(issue.name)}<br>0 = {_text(issue.scale.low)}"
        f"<br>100 = {_text(issue.scale.high)}"
        f"<br>nearest option to the median: {_text(_nearest_label(scenario, issue.id, m))}"
        for issue, m in zip(issues, p50, strict=True)
    ]
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"Median of {runs:,} runs, bar: 5-95% band",
            "x": p50,
            "y": names,
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": [
                    None if h is None or m is None else h - m for h, m in zip(p95, p50, strict=True)
                ],
                "arrayminus": [
                    None if lo is None or m is None else m - lo
                    for lo, m in zip(p5, p50, strict=True)
                ],
                "color": PALETTE[0],
                "thickness": 2,
                "width": 6,
            },
            "marker": {"size": 10, "color": PALETTE[0], "symbol": "circle"},
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<br>median %{x:.1f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Point forecast (stated values)",
            "x": point,
            "y": names,
            "marker": {
                "size": 10,
                "color": PALETTE[3],
                "symbol": "diamond-open",
                "line": {"width": 2},
            },
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<br>point forecast %{x:.1f}<extra></extra>",
        },
    ]
    layout = _layout(
        "Position on the issue's 0-100 scale (0 and 100 are defined per issue)",
        "",
        xaxis={"range": [-2, 102]},
        yaxis={"autorange": "reversed", "type": "category"},
        height=140 + 42 * len(issues),
        margin={"l": 20},
    )
    rows = [
        [
            issue.name,
            f"0 = {issue.scale.low}; 100 = {issue.scale.high}",
            _fmt(pt, 1),
            _fmt(m, 1),
            f"{_fmt(lo, 1)}-{_fmt(hi, 1)}",
            _nearest_label(scenario, issue.id, m),
        ]
        for issue, pt, m, lo, hi in zip(issues, point, p50, p5, p95, strict=True)
    ]
    widest = max(
        (
            (h - lo, issue.name)
            for issue, lo, h in zip(issues, p5, p95, strict=True)
            if lo is not None and h is not None
        ),
        default=None,
    )
    if widest is None or widest[0] < 1e-9:
        spread = " No stated range moves the forecast, so every band is a single point."
    else:
        spread = f" The widest band is on {widest[1]} ({widest[0]:.1f} points)."
    summary = (
        f"Forecast position of each of the {len(issues)} issues on its 0-100 scale by the "
        f"{fitted.name or model} model: the median of {runs:,} Monte Carlo runs over the stated "
        f"uncertainty ranges (seed {seed}), with the 5-95% band, and the point forecast.{spread}"
    )
    return _figure(
        (
            f"Forecast by the {fitted.name or model} model",
            f"Median of {runs:,} Monte Carlo runs (seed {seed}) with its 5-95% band, and the "
            "point forecast; what 0 and 100 mean on each issue is in the table",
        ),
        data,
        layout,
        summary,
        f"Forecast per issue ({runs:,} runs, seed {seed})",
        ["issue", "scale", "point forecast", "median", "5-95% band", "option nearest the median"],
        rows,
    )


def positions_figure(
    scenario: Scenario,
    *,
    issue: str | None = None,
    model: str = "bdm-scholz",
    rounds: int | None = None,
) -> dict[str, Any]:
    """Return every actor's position on one issue round by round, from a dynamic model.

    Parameters
    ----------
    scenario : Scenario
    issue : str, optional
        The issue id; by default the scenario's first issue.
    model : str
        A model with rounds: ``bdm``, ``bdm-scholz`` or ``smp``.
    rounds : int, optional
        Rounds of the expected-utility models (their default when None).
    """
    with_rounds = [
        name for name, (factory, _) in MODELS.items() if getattr(factory, "has_rounds", False)
    ]
    if model not in with_rounds:
        msg = (
            f"The 'model' parameter of positions_figure must be a model with rounds "
            f"({', '.join(with_rounds)}). Got {model!r} instead."
        )
        raise ParameterError(msg, parameter="model", value=model)
    issue_ids = [i.id for i in scenario.issues]
    chosen = issue if issue is not None else issue_ids[0]
    if chosen not in issue_ids:
        msg = (
            f"The 'issue' parameter of positions_figure must be an issue of scenario "
            f"{scenario.id!r} ({', '.join(issue_ids)}). Got {chosen!r} instead."
        )
        raise ParameterError(msg, parameter="issue", value=chosen)
    takes = MODELS[model][1]
    fitted = make_model(
        model,
        rounds=rounds if "rounds" in takes else None,
        seed=0 if "seed" in takes else None,
    ).fit(scenario)
    forecast = fitted.forecast().to_dict()
    entry = next(e for e in forecast["issues"] if e["id"] == chosen)
    history: list[dict[str, Any]] = entry["rounds"]
    x = [r["round"] for r in history]
    data: list[dict[str, Any]] = []
    k = 0
    rows: list[list[str]] = []
    for actor in scenario.actors:
        ys = [r["positions"].get(actor.id) for r in history]
        if all(v is None for v in ys):
            continue
        colour, dash = PALETTE[k % len(PALETTE)], _DASHES[(k // len(PALETTE)) % len(_DASHES)]
        k += 1
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _text(actor.name),
                "x": x,
                "y": ys,
                "line": {"color": colour, "dash": dash, "width": 2},
                "marker": {"size": 6, "color": colour},
                "hovertemplate": f"{_text(actor.name)}<br>round %{{x}}: %{{y:.1f}}<extra></extra>",
            }
        )
        rows.append([actor.name, _fmt(ys[0], 1), _fmt(ys[-1], 1)])
    medians = [r["median"] for r in history]
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Weighted median (capability x salience)",
            "x": x,
            "y": medians,
            "line": {"color": "#000000", "dash": "dash", "width": 3},
            "hovertemplate": "median<br>round %{x}: %{y:.1f}<extra></extra>",
        }
    )
    rows.append(["weighted median", _fmt(medians[0], 1), _fmt(medians[-1], 1)])
    record = scenario.issue(chosen)
    layout = _layout(
        "Round (0: stated positions)",
        "Position on the issue's 0-100 scale",
        xaxis={"dtick": 1},
        yaxis={"range": [-2, 102]},
        height=440,
    )
    last = len(history) - 1
    summary = (
        f"Positions on {record.name} (0 = {record.scale.low}; 100 = {record.scale.high}) of "
        f"{k} actor(s) over {last} round(s) of the {fitted.name or model} model; the weighted "
        f"median moves from {_fmt(medians[0], 1)} to {_fmt(medians[-1], 1)}."
    )
    return _figure(
        (
            f"{record.name}: positions by round ({fitted.name or model} model)",
            f"0 = {record.scale.low}; 100 = {record.scale.high}",
        ),
        data,
        layout,
        summary,
        f"Positions on {record.name}, round 0 and round {last}",
        ["actor", "round 0", f"round {last}"],
        rows,
    )


# --- Agreements ---------------------------------------------------------------------------


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
        annotations.append(
            {
                "x": phase.start_day,
                "y": 0.02,
                "xref": "x",
                "yref": "paper",
                "text": _text(_short(phase.name)),
                "textangle": -90,
                "showarrow": False,
                "xanchor": "right",
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


# --- Ratification -------------------------------------------------------------------------


def ratification_rows(
    scenario: Scenario,
    proposal_id: str,
    *,
    compiled: CompiledScenario | None = None,
    seed: int = ACCEPTANCE_SEED,
) -> list[dict[str, Any]]:
    """Return one table row per body a proposal needs: rule, tally, result, pivotal members.

    Each row has ``proposal``, ``body``, ``name``, ``rule``, ``required_for`` (issue ids),
    ``passes``, ``yes``, ``no``, ``abstain`` and ``pivotal`` (member names, in the body's
    order), from :func:`~peacetalks.briefing.ratification_data`. A proposal that needs no
    body's approval has no rows.

    Raises
    ------
    NotFoundError
        If the scenario has no such proposal.
    """
    data = ratification_data(
        scenario, proposal_id, compiled=compiled, runs=ACCEPTANCE_RUNS, seed=seed
    )
    rows = []
    for body in data["bodies"]:
        names = {vote["id"]: vote["name"] for vote in body["votes"]}
        rows.append(
            {
                "proposal": proposal_id,
                "body": body["id"],
                "name": body["name"],
                "rule": body["rule"],
                "required_for": list(body["required_for"]),
                "passes": bool(body["passes"]),
                "yes": int(body["tally"]["yes"]),
                "no": int(body["tally"]["no"]),
                "abstain": int(body["tally"]["abstain"]),
                "pivotal": [names.get(m, m) for m in body["pivotal"]],
                "p_pass": float(body["p_pass"]),
                "judgements": sum(1 for vote in body["votes"] if vote.get("judgement")),
                "members": len(body["votes"]),
            }
        )
    return rows
