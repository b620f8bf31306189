"""The charts' shared look: the colour-blind-safe palette, layout, labels and escaping."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from peacetalks.scenario.models import Scenario

__all__ = ["MAX_CLOUD_POINTS", "PALETTE", "RULE_LABELS"]

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
