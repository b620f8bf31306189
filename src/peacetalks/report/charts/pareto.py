"""The Pareto front chart: the deal space of two actors with proposals and fair compromises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.halves import largest_total_front
from peacetalks.analysis.pareto import ParetoFront, pareto_front
from peacetalks.briefing.deals import bargaining_data, rational_front
from peacetalks.briefing.proposals import assess_proposal
from peacetalks.errors import FrontTooLargeError, ParameterError
from peacetalks.report.charts._style import (
    _RULE_COLOURS,
    _RULE_SYMBOLS,
    MAX_CLOUD_POINTS,
    PALETTE,
    RULE_LABELS,
    _actor_name,
    _deals,
    _figure,
    _layout,
    _text,
)
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["default_pair", "pareto_figure"]


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


# Two points closer than this (in utility, on both axes) are drawn as one.
_SAME_POINT = 1e-6


def _rule_groups(rules: dict[str, Any], a: int, b: int) -> list[tuple[float, float, list[str]]]:
    """Return each point of the fair compromises seen by ``a`` and ``b``, with its rules.

    The rules of a point are in ``RULE_LABELS`` order; points closer than ``_SAME_POINT``
    on both axes are one.
    """
    groups: list[tuple[float, float, list[str]]] = []
    for rule in RULE_LABELS:
        entry = rules.get(rule)
        if entry is None:
            continue
        x, y = float(entry["utilities"][a]), float(entry["utilities"][b])
        for gx, gy, members in groups:
            if abs(gx - x) <= _SAME_POINT and abs(gy - y) <= _SAME_POINT:
                members.append(rule)
                break
        else:
            groups.append((x, y, [rule]))
    return groups


def _at(x: float, y: float, assessments: Sequence[Any], a: int, b: int) -> list[str]:
    """Return the ids of the proposals at the point ``(x, y)``."""
    return [
        str(s.id)
        for s in assessments
        if abs(s.actors[a].utility - x) <= _SAME_POINT
        and abs(s.actors[b].utility - y) <= _SAME_POINT
    ]


def _compromise_traces(
    rules: dict[str, Any],
    assessments: Sequence[Any],
    a: int,
    b: int,
    rows: list[list[str]],
) -> list[dict[str, Any]]:
    """Return one marker per point of the fair compromises, naming every rule found there.

    The Nash, Kalai-Smorodinsky, egalitarian and utilitarian deals often coincide, seen
    by two actors; one marker, in the first rule's symbol, is then labelled with all their
    names (and the proposals at the same point, whose own labels are left out) instead of
    markers hidden under each other. Appends a row per point to ``rows``.
    """
    traces: list[dict[str, Any]] = []
    for x, y, members in _rule_groups(rules, a, b):
        names = [RULE_LABELS[r] for r in members]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        same = _at(x, y, assessments, a, b)
        also = f" (= proposal {', '.join(same)})" if same else ""
        first = members[0]
        deals = "<br>".join(
            f"{RULE_LABELS[r]}:<br>{_deal_text(rules[r]['deal'])}"
            for r in members
            if r == first or rules[r]["deal"] != rules[first]["deal"]
        )
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "markers" if len(members) == 1 and not same else "markers+text",
            "name": f"{joined} deal" + ("s (same point)" if len(members) > 1 else "") + also,
            "x": [x],
            "y": [y],
            "hovertext": [deals],
            "hovertemplate": f"{joined}{also}<br>%{{hovertext}}<br>(%{{x:.3f}}, %{{y:.3f}})"
            "<extra></extra>",
            "meta": {"rules": members, "proposals": same},
            "marker": {
                "size": 15,
                "symbol": _RULE_SYMBOLS[first],
                "color": _RULE_COLOURS[first],
                "line": {"width": 1, "color": "#ffffff"},
            },
        }
        if trace["mode"] == "markers+text":
            # One name a line, so that the label stays narrow on a phone.
            lines = names + [f"proposal {s}" for s in same]
            trace["text"] = ["<br>= ".join(lines)]
            vertical = "top" if y < 0.5 else "bottom"
            trace["textposition"] = f"{vertical} {'right' if x < 0.5 else 'left'}"
            trace["textfont"] = {"size": 11, "color": "#1a1a1a"}
            trace["cliponaxis"] = False
        traces.append(trace)
        note = "fair compromise" + ("s at one point" if len(members) > 1 else "") + also
        rows.append([f"{joined} deal (all actors)", f"{x:.3f}", f"{y:.3f}", note])
    return traces


# Front deals drawn in grey when the whole front is not at hand: the deals of largest
# total utility (each a deal of the whole front).
CLOUD_DEALS = 5000


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
        :func:`~peacetalks.briefing.rational_front`), when already at hand; without it
        the grey points are its ``CLOUD_DEALS`` deals of largest total utility
        (:func:`~peacetalks.analysis.halves.largest_total_front`), found without building
        it.
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
    # Without the whole front at hand, the compromises come from the half-fronts and the
    # grey points are the front deals of largest total utility (both bounded in work; the
    # whole front of ukraine-2025 takes seconds, and more with every actor).
    counted = front is not None
    try:
        if front is None:
            front = largest_total_front(
                list(compiled.tables()),
                compiled.reservations,
                list(compiled.admissible()),
                CLOUD_DEALS,
            )
        if front is None:
            # One issue, or too many pairs to stream: the whole front (bounded by its size).
            front, counted = rational_front(compiled), True
        rules = bargaining_data(compiled, front=front if counted else None)
    except FrontTooLargeError as e:
        front = None
        notes.append(f"The deals every actor prefers to no deal are not drawn: {e}")
    if front is not None and len(front):
        cloud = np.unique(np.round(front.utilities[:, pair], 9), axis=0)
        shown = _thin(cloud, max_points)
        # The whole front is drawn when it was built, or when it is smaller than the cut.
        whole = counted or len(front) < CLOUD_DEALS
        which = (
            f"the {len(front):,} deals"
            if whole
            else f"the {len(front):,} deals of largest total utility among the deals"
        )
        notes.append(
            f"Grey: {which} that every actor prefers to no deal and that no actor can improve "
            "on without another losing, seen by the two"
            + (
                f" ({len(shown):,} of their {len(cloud):,} distinct points drawn)."
                if len(shown) < len(cloud)
                else "."
            )
            + ("" if whole else " `peacetalks deals SCENARIO --pareto --rational` lists them all.")
        )
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Pareto-optimal for all, above reservations ("
                + (_deals(len(front)) if whole else f"{len(front):,} of largest total utility")
                + ")",
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
    labelled = {
        p for x, y, members in _rule_groups(rules, a, b) for p in _at(x, y, assessments, a, b)
    }
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
                # A proposal at a labelled compromise marker is named by that label.
                "text": ["" if s.id in labelled else _text(str(s.id)) for s in group],
                "customdata": [_text(str(s.id)) for s in group],
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
        if rules.get(rule) is None and rules:
            notes.append(f"{label}: none ({rules.get(f'{rule}_reason', 'no deal')}).")
    data += _compromise_traces(rules, assessments, a, b, rows)
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
