"""A series of dated snapshots as one document: who moved, on what, when, and on what source.

The snapshots of a series (scenario files naming the same ``series``, each dated by its
``as_of``) are ordered by date. Per issue, the document gives each actor's position
(ideal, salience, red lines, with its source) at each date, the distance between each
pair of veto holders, the compromise forecast with its Monte Carlo band, and the
proposals on the table with their option; per snapshot, the size of the zone of possible
agreement (:func:`~peacetalks.briefing.deals.zopa_data`, as ``deals --zopa``); and every
change of a position between two consecutive snapshots (a *move*) with the source the
later file gives for it. It does no I/O: the faces load the files and name them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from peacetalks.briefing.deals import zopa_data
from peacetalks.briefing.forecast import (
    OUTLOOK_RUNS,
    OUTLOOK_SEED,
    forecast_data,
    nearest_options,
)
from peacetalks.defaults import ACCEPTANCE_SEED
from peacetalks.errors import ParameterError
from peacetalks.forecasting.compromise import CompromiseModel
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Position, Scenario

__all__ = [
    "MAX_SNAPSHOTS",
    "check_series",
    "timeline_data",
]

# Snapshots of one timeline: enough for monthly files over several years.
MAX_SNAPSHOTS = 120
# The fields of a position whose change is a move, in the order the moves list them.
_FIELDS = ("ideal", "salience", "red_lines")


def _name(labels: Sequence[str] | None, k: int, scenario: Scenario) -> str:
    return scenario.id if labels is None else labels[k]


def check_series(snapshots: Sequence[Scenario], labels: Sequence[str] | None = None) -> None:
    """Check that scenarios can form one timeline.

    Parameters
    ----------
    snapshots : sequence of Scenario
        The snapshots, in any order.
    labels : sequence of str, optional
        What to call each snapshot in a message (its file or built-in id); the scenario
        ids by default.

    Raises
    ------
    ParameterError
        With fewer than two snapshots or more than :data:`MAX_SNAPSHOTS`, when two name
        different series (the ``series`` field; a file without one joins any series),
        when two are the same scenario id, or when two are dated the same day (``as_of``),
        so that their order is unknown.
    """
    if labels is not None and len(labels) != len(snapshots):
        msg = (
            f"The 'labels' parameter of check_series must name each of the "
            f"{len(snapshots)} snapshots. Got {len(labels)} labels instead."
        )
        raise ParameterError(msg, parameter="labels", value=list(labels))
    names = [_name(labels, k, s) for k, s in enumerate(snapshots)]
    if len(snapshots) < 2:
        got = f"one: {names[0]}" if names else "none"
        series = snapshots[0].series if snapshots else None
        hint = (
            f" It belongs to the series {series!r}: give that id, or more of its files."
            if series is not None
            else " Give more files of the same negotiation, dated differently."
        )
        msg = (
            "SERIES_OR_FILES: expected two or more snapshots (a series id, or two or more "
            f"scenario files or built-in ids), got {got}.{hint}"
        )
        raise ParameterError(msg, parameter="SERIES_OR_FILES", value=names)
    if len(snapshots) > MAX_SNAPSHOTS:
        msg = (
            f"A timeline takes at most {MAX_SNAPSHOTS} snapshots. Got {len(snapshots)}. "
            "Drop some files, or split the series."
        )
        raise ParameterError(msg, parameter="SERIES_OR_FILES", value=len(snapshots))
    named = [(n, s.series) for n, s in zip(names, snapshots, strict=True) if s.series]
    if len({series for _, series in named}) > 1:
        first = named[0]
        other = next(item for item in named if item[1] != first[1])
        msg = (
            f"{other[0]}, series: expected {first[1]!r} (the series of {first[0]}), got "
            f"{other[1]!r}. A timeline follows one series: give files of the same series, "
            "or fix the 'series' field of the file that is in the wrong one."
        )
        raise ParameterError(msg, parameter="series", value=[s for _, s in named])
    seen: dict[str, str] = {}
    dated: dict[str, str] = {}
    for name, scenario in zip(names, snapshots, strict=True):
        if scenario.id in seen:
            msg = (
                f"{name}, id: the scenario {scenario.id!r} is given twice (also as "
                f"{seen[scenario.id]}). Give each snapshot once."
            )
            raise ParameterError(msg, parameter="id", value=scenario.id)
        seen[scenario.id] = name
        day = scenario.as_of.isoformat()
        if day in dated:
            msg = (
                f"{name}, as_of: expected a date of its own, got {day}, the date of "
                f"{dated[day]} as well. Two snapshots of one day cannot be ordered: date "
                "each file by the day its sources reach."
            )
            raise ParameterError(msg, parameter="as_of", value=day)
        dated[day] = name


def _number(value: float | None) -> float | None:
    if value is None or math.isnan(value):
        return None
    return float(value)


def _position_data(position: Position | None) -> dict[str, Any] | None:
    if position is None:
        return None
    return {
        "ideal": position.ideal,
        "salience": position.salience,
        "red_lines": list(position.red_lines),
        "source": position.source,
        "salience_source": position.salience_source,
        "judgement": position.judgement,
        "note": position.note,
    }


def _value(position: Position, field: str) -> Any:
    if field == "red_lines":
        return list(position.red_lines)
    value: float = getattr(position, field)
    return value


def _source_of(position: Position, field: str) -> str | None:
    if field == "salience" and position.salience_source is not None:
        return position.salience_source
    return position.source


def _zopa(scenario: Scenario, seed: int) -> dict[str, Any]:
    zopa = zopa_data(compile_scenario(scenario), sample=0, rng=seed)
    return {
        "zopa_count": zopa["count"],
        "zopa_share": zopa["fraction"],
        "zopa_exact": zopa["exact"],
        "zopa_estimate": zopa["estimate"],
        "zopa_interval": zopa["interval"],
        "zopa_total": zopa["total"],
        "veto_holders": zopa["veto_holders"],
    }


def _forecast(scenario: Scenario, runs: int, seed: int) -> dict[str, dict[str, Any]]:
    """Return, per issue id, the compromise forecast with its Monte Carlo band."""
    data = forecast_data(CompromiseModel().fit(scenario), runs=runs, seed=seed)
    values = [math.nan if e["forecast"] is None else e["forecast"] for e in data["issues"]]
    nearest = nearest_options(scenario, np.asarray(values, dtype=np.float64))
    return {
        entry["id"]: {
            "forecast": _number(entry["forecast"]),
            "p5": _number(entry.get("p5")),
            "p50": _number(entry.get("p50")),
            "p95": _number(entry.get("p95")),
            "band80": entry["band80"],
            "nearest_option": nearest[entry["id"]],
        }
        for entry in data["issues"]
    }


def _share(value: float) -> str:
    """Return a share of deals as a percentage short enough to read (0, 0.3%, 12%)."""
    if value == 0:
        return "0"
    percent = value * 100
    digits = 0 if percent >= 10 else 1 if percent >= 0.1 else 3
    return f"{percent:.{digits}f}%"


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _scale_side(issue: Any, delta: float) -> str:
    return str(issue.scale.high if delta > 0 else issue.scale.low)


def _move_sentence(move: dict[str, Any], actors: dict[str, str], issues: dict[str, Any]) -> str:
    actor = actors.get(move["actor"], move["actor"])
    issue = issues[move["issue"]]
    if move["source"] is not None:
        source = f"source {move['source']}"
        if move["source_title"]:
            source += f": {move['source_title']}"
    else:
        source = "no source"
    if move["judgement"]:
        source += "; a modelling judgement"
        if move["source"] is None and move["note"]:
            source += ": " + " ".join(move["note"].split())
    span = f"Between {move['from_date']} and {move['date']}"
    if move["field"] == "ideal":
        delta = move["to"] - move["from"]
        return (
            f"{span} {actor} moved {_points(abs(delta))} on {issue.name} "
            f"({move['from']:g} -> {move['to']:g}, toward {_scale_side(issue, delta)}; "
            f"{source})."
        )
    if move["field"] == "salience":
        word = "more" if move["to"] > move["from"] else "less"
        return (
            f"{span} {actor} came to care {word} about {issue.name} (salience "
            f"{move['from']:g} -> {move['to']:g}; {source})."
        )
    added = [o for o in move["to"] if o not in move["from"]]
    dropped = [o for o in move["from"] if o not in move["to"]]
    parts = []
    if added:
        parts.append("drew red line(s) at " + ", ".join(added))
    if dropped:
        parts.append("dropped red line(s) at " + ", ".join(dropped))
    return f"{span} {actor} " + " and ".join(parts) + f" on {issue.name} ({source})."


def _count(snapshot: dict[str, Any]) -> str:
    if snapshot["zopa_exact"]:
        return f"{snapshot['zopa_count']:,}"
    return f"about {snapshot['zopa_estimate']:,.0f}"


def _zopa_sentence(snapshots: list[dict[str, Any]]) -> str:
    first, last = snapshots[0], snapshots[-1]
    shares = [s["zopa_share"] for s in snapshots]
    span = f"Between {first['date']} and {last['date']}"
    if last["zopa_share"] == first["zopa_share"]:
        head = f"{span} the zone of agreement stayed at {_share(first['zopa_share'])} of deals"
    else:
        verb = "grew" if last["zopa_share"] > first["zopa_share"] else "shrank"
        head = (
            f"{span} the zone of agreement {verb} from {_share(first['zopa_share'])} of deals "
            f"({_count(first)} of {first['zopa_total']:,}) to {_share(last['zopa_share'])} "
            f"({_count(last)} of {last['zopa_total']:,})"
        )
    widest = snapshots[shares.index(max(shares))]
    narrowest = snapshots[shares.index(min(shares))]
    return (
        f"{head}; widest on {widest['date']} ({_share(widest['zopa_share'])}), narrowest on "
        f"{narrowest['date']} ({_share(narrowest['zopa_share'])})."
    )


def _overview(
    snapshots: list[dict[str, Any]],
    moves: list[dict[str, Any]],
    actors: dict[str, str],
    issues: dict[str, Any],
) -> list[str]:
    """Return the series in a few sentences: the zone, new proposals, who moved most."""
    words = [_zopa_sentence(snapshots)]
    seen = set(snapshots[0]["proposals"])
    for snapshot in snapshots[1:]:
        new = [p for p in snapshot["proposals"] if p not in seen]
        seen.update(new)
        if new:
            words.append(f"New on the table by {snapshot['date']}: {', '.join(new)}.")
    counts = {f: sum(1 for m in moves if m["field"] == f) for f in _FIELDS}
    words.append(
        f"{len(moves)} changes of position between consecutive snapshots: "
        f"{counts['ideal']} of an ideal point, {counts['salience']} of a salience, "
        f"{counts['red_lines']} of red lines; each is listed under its issue with its source."
    )
    ideal = sorted(
        (m for m in moves if m["field"] == "ideal"),
        key=lambda m: -abs(m["to"] - m["from"]),
    )
    if ideal:
        words.append("The largest moves:")
        words += [_move_sentence(m, actors, issues) for m in ideal[:3]]
    return words


def timeline_data(
    snapshots: Sequence[Scenario],
    *,
    labels: Sequence[str] | None = None,
    seed: int = ACCEPTANCE_SEED,
    forecast_runs: int = OUTLOOK_RUNS,
    forecast_seed: int = OUTLOOK_SEED,
) -> dict[str, Any]:
    """Return what ``peacetalks timeline --json`` prints.

    Parameters
    ----------
    snapshots : sequence of Scenario
        Two or more snapshots of one series, in any order (see :func:`check_series`).
    labels : sequence of str, optional
        What to call each snapshot in an error message (its file or built-in id).
    seed : int
        Seed of the zone-of-agreement estimate when the space is too large to count
        (as ``deals --seed``; an exact count does not depend on it).
    forecast_runs, forecast_seed : int
        The compromise forecast's Monte Carlo (as ``analyze``: 2,000 runs, seed 0).

    Returns
    -------
    dict
        ``series`` (the series id, or None when no file names one); ``snapshots``, oldest
        first, each ``{id, date, title, zopa_count, zopa_share, zopa_exact,
        zopa_estimate, zopa_interval, zopa_total, veto_holders, proposals}``
        (``zopa_count`` is the exact count of deals every veto holder accepts, None when
        the space is too large and ``zopa_estimate`` is sampled; ``zopa_share`` is the
        share of all deals); ``moves``, each ``{actor, issue, date, from, to, source,
        field, snapshot, from_date, from_snapshot, salience_source, judgement, note,
        source_title}``: one per field (``ideal``, ``salience`` or ``red_lines``) of a
        position that changed between two consecutive snapshots that both have it,
        ``source`` being what the later file gives for it (for a salience, its
        ``salience_source`` when it has one); ``appeared``: each position first stated
        after the first snapshot, ``{actor, issue, date, snapshot, ideal, source}``;
        ``issues``, each ``{id, name, scale, unit, present, positions, distances,
        forecast, proposals, summary}`` where every list of values per date is aligned
        with ``snapshots`` (None where the issue or the actor is absent); and
        ``summary``, the whole story in sentences.

    Raises
    ------
    ParameterError
        If the snapshots cannot form a timeline (:func:`check_series`).
    """
    check_series(snapshots, labels)
    ordered = sorted(snapshots, key=lambda s: s.as_of)
    dates = [s.as_of.isoformat() for s in ordered]
    series = next((s.series for s in ordered if s.series is not None), None)
    # Names and scales as the latest file that has them gives them; issues and actors in
    # the latest file's order, then those it no longer has.
    actors = {a.id: a.name for s in ordered for a in s.actors}
    issues = {i.id: i for s in ordered for i in s.issues}
    vetoes = {a.id: a.veto for s in ordered for a in s.actors}
    held_veto = {a.id for s in ordered for a in s.actors if a.veto}
    issue_order = list(dict.fromkeys(i.id for s in reversed(ordered) for i in s.issues))
    actor_order = list(dict.fromkeys(a.id for s in reversed(ordered) for a in s.actors))

    positions = [{(p.actor, p.issue): p for p in s.positions} for s in ordered]
    veto_at = [{a.id for a in s.actors if a.veto} for s in ordered]
    # A later file's title of a source wins.
    source_titles = {src.id: src.title for s in ordered for src in s.sources}

    snapshot_entries = []
    forecasts = []
    for scenario, day in zip(ordered, dates, strict=True):
        entry: dict[str, Any] = {"id": scenario.id, "date": day, "title": scenario.title}
        entry.update(_zopa(scenario, seed))
        entry["proposals"] = [p.id for p in scenario.proposals]
        snapshot_entries.append(entry)
        forecasts.append(_forecast(scenario, forecast_runs, forecast_seed))

    moves: list[dict[str, Any]] = []
    appeared: list[dict[str, Any]] = []
    for k in range(1, len(ordered)):
        before, after = positions[k - 1], positions[k]
        for key, position in after.items():
            old = before.get(key)
            if old is None:
                appeared.append(
                    {
                        "actor": key[0],
                        "issue": key[1],
                        "date": dates[k],
                        "snapshot": ordered[k].id,
                        "ideal": position.ideal,
                        "source": position.source,
                    }
                )
                continue
            for field in _FIELDS:
                was, now = _value(old, field), _value(position, field)
                if was == now:
                    continue
                source = _source_of(position, field)
                moves.append(
                    {
                        "actor": key[0],
                        "issue": key[1],
                        "date": dates[k],
                        "from": was,
                        "to": now,
                        "source": source,
                        "field": field,
                        "snapshot": ordered[k].id,
                        "from_date": dates[k - 1],
                        "from_snapshot": ordered[k - 1].id,
                        "judgement": position.judgement,
                        "note": position.note,
                        "source_title": source_titles.get(source or ""),
                    }
                )
    order = {i: n for n, i in enumerate(issue_order)}
    rank = {a: n for n, a in enumerate(actor_order)}
    moves.sort(key=lambda m: (order[m["issue"]], m["date"], rank[m["actor"]]))

    issue_entries = []
    for issue_id in issue_order:
        issue = issues[issue_id]
        present = [any(i.id == issue_id for i in s.issues) for s in ordered]
        rows = []
        for actor in actor_order:
            at = [_position_data(p.get((actor, issue_id))) for p in positions]
            if any(a is not None for a in at):
                rows.append(
                    {"actor": actor, "name": actors[actor], "veto": vetoes[actor], "at": at}
                )
        holders = [a for a in actor_order if a in held_veto]
        distances = []
        for a, b in combinations(holders, 2):
            values: list[float | None] = []
            for veto, p in zip(veto_at, positions, strict=True):
                pa, pb = p.get((a, issue_id)), p.get((b, issue_id))
                if pa is None or pb is None or not {a, b} <= veto:
                    values.append(None)
                else:
                    values.append(abs(pa.ideal - pb.ideal))
            if any(v is not None for v in values):
                distances.append({"actors": [a, b], "at": values})
        on_table = [
            [
                {"id": p.id, "title": p.title, "option": p.deal.get(issue_id)}
                for p in s.proposals
                if issue_id in p.deal
            ]
            if here
            else None
            for s, here in zip(ordered, present, strict=True)
        ]
        issue_moves = [m for m in moves if m["issue"] == issue_id]
        summary = [_move_sentence(m, actors, issues) for m in issue_moves]
        if not summary:
            summary = [f"No actor's position on {issue.name} changed between the snapshots."]
        issue_entries.append(
            {
                "id": issue_id,
                "name": issue.name,
                "scale": {"low": issue.scale.low, "high": issue.scale.high},
                "unit": issue.unit,
                "present": present,
                "positions": rows,
                "distances": distances,
                "forecast": [f.get(issue_id) for f in forecasts],
                "proposals": on_table,
                "summary": summary,
            }
        )
    words = _overview(snapshot_entries, moves, actors, issues)
    return {
        "series": series,
        "snapshots": snapshot_entries,
        "moves": moves,
        "appeared": appeared,
        "actors": [{"id": a, "name": actors[a], "veto": vetoes[a]} for a in actor_order],
        "issues": issue_entries,
        "forecast": {"model": "compromise", "runs": forecast_runs, "seed": forecast_seed},
        "zopa_seed": seed,
        "summary": words,
    }
