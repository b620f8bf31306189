"""The report and the shared chart assets in real Chromium (Debian's, through Playwright)."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from peacetalks.report import assets_path, pareto_figure, survival_figure
from peacetalks.report.briefing import render_briefing
from peacetalks.scenario.models import Scenario
from tests.report.test_timeline import series_issues

ALL_DRAWN = "() => [...document.querySelectorAll('.pt-chart')].every(e => e.dataset.rendered)"
# The web app's policy (interfaces.md): no inline script, no inline style.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Record console errors and warnings, uncaught exceptions, and every non-file request."""
    problems: list[str] = []
    requests: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{message.type}: {message.text}")

    def on_route(route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            requests.append(url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.route("**/*", on_route)
    return problems, requests


def _check_drawn(page: Page, count: int) -> None:
    page.wait_for_function(ALL_DRAWN, timeout=60_000)
    charts = page.locator(".pt-chart")
    assert charts.count() == count
    for k in range(count):
        chart = charts.nth(k)
        assert chart.get_attribute("data-rendered") == "true", chart.get_attribute("id")
        assert chart.locator("svg.main-svg").count() >= 1
        # Plotly drew the axes' titles: the chart shows what its data says.
        assert chart.locator(".xtitle").count() == 1


def test_report_draws_every_chart_offline(
    browser: Browser, ukraine: Scenario, ukraine_report: Path, artifacts: Path
) -> None:
    """Check that the written file draws every chart from file://, offline, without errors."""
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems, requests = _watch(page)
    page.goto(ukraine_report.as_uri())
    # The deal space, the forecast, two survival charts, one positions chart per issue and
    # one timeline chart per issue of the series.
    timeline = len(series_issues(ukraine))
    _check_drawn(page, 4 + len(ukraine.issues) + timeline)
    assert problems == []
    assert requests == []
    title = page.locator("#chart-pareto-title").text_content()
    assert title == "Deal space seen by Russian Federation and Ukraine"
    axis = page.locator("#chart-pareto .xtitle").text_content()
    assert axis == "Utility to Russian Federation (0-1)"
    labels = page.locator("#chart-pareto .textpoint").all_text_contents()
    assert "us-28-point" in labels
    page.screenshot(path=str(artifacts / "report-ukraine-2025.png"))
    for name in (
        "pareto",
        "forecast",
        "positions-territory",
        "survival-monitored-phased-relief",
        "timeline-neutrality",
    ):
        figure = page.locator(f"figure:has(#chart-{name})")
        figure.screenshot(path=str(artifacts / f"report-{name}.png"))
    context.close()


def test_report_territory_map_renders_offline(
    browser: Browser, ukraine_report: Path, artifacts: Path
) -> None:
    """Check that the report's territory map is an SVG image with a size, drawn offline."""
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems, requests = _watch(page)
    page.goto(ukraine_report.as_uri())
    section = page.locator("section[aria-labelledby='territory']")
    svg = section.locator("svg[role=img]")
    assert svg.count() == 1
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] > 0
    assert box["height"] > 0
    assert svg.evaluate("e => e instanceof SVGSVGElement")
    name = svg.locator("title").first.text_content()
    assert name == "Who administers what under the line of 2026-01-06"
    assert section.locator("figure").get_attribute("aria-labelledby") == "territory-line-title"
    # The regions that change hands are in the appendix, after the break.
    assert section.locator("#territory-changes").count() == 0
    assert page.locator("#territory-regions ~ .pt-table-wrap #territory-changes tbody").count() > 0
    assert problems == []
    assert requests == []
    section.locator("figure").screenshot(path=str(artifacts / "report-territory-map.png"))
    context.close()


def test_small_report_draws_in_a_narrow_window(
    browser: Browser, small: Scenario, tmp_path: Path, artifacts: Path
) -> None:
    """Check the report of a scenario without agreements on a phone-sized screen."""
    path = tmp_path / "small.html"
    path.write_text(render_briefing(small, runs=20), encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 390, "height": 800})
    page = context.new_page()
    problems, requests = _watch(page)
    page.goto(path.as_uri())
    _check_drawn(page, 4)
    assert problems == []
    assert requests == []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(artifacts / "report-small-narrow.png"), full_page=True)
    context.close()


def test_shared_assets_draw_under_the_web_policy(
    browser: Browser, ukraine: Scenario, artifacts: Path
) -> None:
    """Check charts.js with plotly.js and plotly.css under script-src/style-src 'self'."""
    figures = {
        "pareto": pareto_figure(ukraine),
        "survival": survival_figure(ukraine, "monitored-phased-relief", runs=100),
    }
    blocks = "".join(
        f'<div class="pt-chart" id="{name}" data-figure="{name}-data"></div>'
        f'<script type="application/json" id="{name}-data">'
        + json.dumps({"data": f["data"], "layout": f["layout"]}).replace("<", "\\u003c")
        + "</script>"
        for name, f in figures.items()
    )
    page_html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>charts</title>'
        '<link rel="stylesheet" href="/assets/briefing.css">'
        '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
        'href="/assets/vendor/plotly.css">'
        f"</head><body>{blocks}"
        '<script src="/assets/vendor/plotly-basic.min.js"></script>'
        '<script src="/assets/charts.js"></script></body></html>'
    )
    folder = assets_path()
    types = {".js": "text/javascript", ".css": "text/css"}
    missing: list[str] = []

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix("http://peacetalks.test")
        headers = {"Content-Security-Policy": CSP}
        if path == "/":
            route.fulfill(body=page_html, headers=headers | {"Content-Type": "text/html"})
            return
        file = folder / path.removeprefix("/assets/")
        if not path.startswith("/assets/") or not file.is_file():
            missing.append(path)
            route.fulfill(status=404, body="", headers=headers)
            return
        route.fulfill(
            body=file.read_bytes(), headers=headers | {"Content-Type": types[file.suffix]}
        )

    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.route("http://peacetalks.test/**", serve)
    page.goto("http://peacetalks.test/")
    _check_drawn(page, 2)
    assert problems == []
    assert [m for m in missing if m != "/favicon.ico"] == []
    # plotly.css stands in for the rules plotly.js would inject inline.
    position = page.evaluate(
        "() => getComputedStyle(document.querySelector('#pareto .main-svg')).position"
    )
    assert position == "absolute"
    page.screenshot(path=str(artifacts / "charts-under-csp.png"))
    context.close()
