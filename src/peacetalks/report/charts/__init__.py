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

The figures live in one module per kind (pareto, forecasts, agreements, ratification,
timeline) and share their look from ``_style``; this package re-exports them.
"""

from __future__ import annotations

from peacetalks.report.charts._style import MAX_CLOUD_POINTS, PALETTE, RULE_LABELS
from peacetalks.report.charts.agreements import survival_figure
from peacetalks.report.charts.forecasts import forecast_figure, positions_figure
from peacetalks.report.charts.pareto import default_pair, pareto_figure
from peacetalks.report.charts.ratification import ratification_rows
from peacetalks.report.charts.timeline import timeline_figure

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
    "timeline_figure",
]
