"""Forecast charts: each issue's forecast with its band, and positions by round."""

from __future__ import annotations

from typing import Any

from peacetalks.errors import ParameterError
from peacetalks.forecasting.montecarlo import monte_carlo
from peacetalks.forecasting.registry import MODELS, make_model
from peacetalks.report.charts._style import (
    _DASHES,
    PALETTE,
    _figure,
    _fmt,
    _layout,
    _number,
    _text,
)
from peacetalks.scenario.models import Scenario

__all__ = ["forecast_figure", "positions_figure"]

# Option labels on the forecast's position axis: the plot width (pixels) their abbreviation
# assumes (charts.js abbreviates again for the real width) and a character's width there.
_OPTION_PLOT_PX = 700.0
_OPTION_CHAR_PX = 6.6
_X_RANGE = (-2.0, 102.0)


def _abbreviate(label: str, chars: int) -> str:
    """Return ``label`` cut to ``chars`` characters with an ellipsis if cut.

    Below 3 characters there is no room for a label: an empty one (the marker stays, the
    full label is on hover and in the table).
    """
    if len(label) <= chars:
        return label
    return "" if chars < 3 else label[: chars - 1].rstrip() + "\u2026"


def _option_marks(scenario: Scenario, names: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Return the trace marking each option's position on its issue's row, and table cells.

    Labels alternate above and below the row in position order, so that neighbours on one
    side are two options apart; each label gets the room halfway to those neighbours (or
    to the plot's edge), anchored where that room is largest, and is abbreviated to fit a
    plot of ``_OPTION_PLOT_PX`` pixels. The trace's ``customdata`` holds ``[full label,
    room in scale points]`` per option; charts.js abbreviates again for the drawn width.
    """
    xs: list[float] = []
    ys: list[str] = []
    texts: list[str] = []
    places: list[str] = []
    custom: list[list[Any]] = []
    cells: list[str] = []
    per_point = _OPTION_PLOT_PX / (_X_RANGE[1] - _X_RANGE[0])
    for issue, name in zip(scenario.issues, names, strict=True):
        ordered = sorted(issue.options, key=lambda o: o.position)
        rank = {o.id: k for k, o in enumerate(ordered)}
        for option in issue.options:
            k = rank[option.id]
            x = float(option.position)
            left = (ordered[k - 2].position + x) / 2 if k >= 2 else _X_RANGE[0]
            right = (ordered[k + 2].position + x) / 2 if k + 2 < len(ordered) else _X_RANGE[1]
            rooms = {"center": 2 * min(x - left, right - x), "right": right - x, "left": x - left}
            anchor = max(rooms, key=lambda a: (rooms[a], a == "center"))
            room = max(rooms[anchor], 0.0)
            side = "top" if k % 2 == 0 else "bottom"
            xs.append(x)
            ys.append(name)
            texts.append(_text(_abbreviate(option.label, int(room * per_point / _OPTION_CHAR_PX))))
            places.append(f"{side} {anchor}")
            custom.append([_text(option.label), round(room, 3)])
        cells.append("; ".join(f"{o.position:g}: {o.label}" for o in ordered))
    trace = {
        "type": "scatter",
        "mode": "markers+text",
        "name": "Options at their positions (label abbreviated; full on hover)",
        "x": xs,
        "y": ys,
        "text": texts,
        "textposition": places,
        "textfont": {"size": 10, "color": "#444444"},
        "cliponaxis": False,
        "customdata": custom,
        "meta": {"role": "option-labels"},
        "marker": {"size": 9, "symbol": "line-ns-open", "color": "#6b6b6b", "line": {"width": 1.5}},
        "hovertemplate": "%{customdata[0]}<br>position %{x:.0f}<extra>option</extra>",
    }
    return trace, cells


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
    options, option_cells = _option_marks(scenario, names)
    data = [
        options,
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
        xaxis={"range": list(_X_RANGE)},
        yaxis={"autorange": "reversed", "type": "category"},
        height=160 + 64 * len(issues),
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
            cells,
        ]
        for issue, pt, m, lo, hi, cells in zip(
            issues, point, p50, p5, p95, option_cells, strict=True
        )
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
        f"uncertainty ranges (seed {seed}), with the 5-95% band, and the point forecast; each "
        f"issue's options are marked at their positions.{spread}"
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
        [
            "issue",
            "scale",
            "point forecast",
            "median",
            "5-95% band",
            "option nearest the median",
            "options (position: label)",
        ],
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
