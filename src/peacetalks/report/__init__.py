"""The report: Plotly charts of a scenario's analyses and a self-contained HTML briefing.

:mod:`peacetalks.report.charts` builds the figures (JSON-ready dicts) that the report and
the web pages draw with the vendored Plotly and ``assets/charts.js``;
:mod:`peacetalks.report.briefing` renders the whole briefing as one HTML file.
"""

from __future__ import annotations

from pathlib import Path

from peacetalks.report.briefing import Briefing, Chart, build_briefing, render_briefing
from peacetalks.report.charts import (
    forecast_figure,
    pareto_figure,
    positions_figure,
    ratification_rows,
    survival_figure,
)

__all__ = [
    "Briefing",
    "Chart",
    "assets_path",
    "build_briefing",
    "forecast_figure",
    "pareto_figure",
    "positions_figure",
    "ratification_rows",
    "render_briefing",
    "survival_figure",
]


def assets_path() -> Path:
    """Return the folder of the report's assets (vendored Plotly, charts.js, briefing.css).

    The web app serves it at ``/assets``.
    """
    return Path(__file__).resolve().parent / "assets"
