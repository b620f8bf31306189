"""The deal builder's full labels, ids toggle and amendment, and the charts on a phone.

Real Chromium against ``peacetalks serve``; every page is checked for console errors and
CSP violations, and screenshots go to tests/artifacts/browser/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from peacetalks.briefing import assess_deal
from peacetalks.briefing.deals import deal_amendment
from peacetalks.scenario import load_scenario
from peacetalks.scenario.compile import compile_scenario
from tests.web.browser.harness import (
    PHONE,
    Server,
    Watched,
    low_contrast,
    open_page,
    shown_deal,
    wait_for_verdict,
)

pytestmark = pytest.mark.slow

SCENARIO = "ukraine-2025"


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def test_full_labels_wrap_on_a_phone(browser: Browser, server: Server, artifacts: Path) -> None:
    """Check that every pick's whole label is shown, wrapped, at 375 x 667, and follows picks."""
    scenario = load_scenario(SCENARIO)
    watched = open_page(browser, server, PHONE)
    page = watched.page
    try:
        page.goto(f"/scenarios/{SCENARIO}/deal?proposal=us-28-point")
        deal = shown_deal(page)
        wrapped = 0
        for issue in scenario.issues:
            labels = {o.id: o.label for o in issue.options}
            full = page.locator(f"#deal-{issue.id}-full .option-label")
            expect(full).to_have_text(labels[deal[issue.id]])
            box = full.evaluate(
                "e => { const r = e.parentElement.getBoundingClientRect();"
                " return {right: r.right, height: r.height,"
                " line: parseFloat(getComputedStyle(e.parentElement).lineHeight) || 20}; }"
            )
            assert box["right"] <= PHONE["width"], issue.id
            wrapped += box["height"] > 1.5 * box["line"]
        assert wrapped > 0, "some labels are longer than a phone's line and should wrap"
        _no_horizontal_scroll(page)
        # A pick shows its label at once, before the verdict comes back.
        issue = scenario.issues[0]
        last = issue.options[-1]
        page.locator(f"#deal-{issue.id}").select_option(last.id)
        expect(page.locator(f"#deal-{issue.id}-full .option-label")).to_have_text(last.label)
        wait_for_verdict(page, shown_deal(page))
        _no_horizontal_scroll(page)
        assert low_contrast(page) == []
        page.screenshot(path=artifacts / "deal-full-labels-phone.png", full_page=True)
        assert watched.problems() == []
    finally:
        page.context.close()


def test_ids_toggle_by_keyboard(watched: Watched, artifacts: Path) -> None:
    """Check that the ids toggle is reached by Tab, switched by Space, and kept in the address."""
    scenario = load_scenario(SCENARIO)
    issue = scenario.issues[0]
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/deal")
    ids = page.locator(f"#deal-{issue.id}-full .option-id")
    expect(ids).to_be_hidden()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "show-ids":
            break
    toggle = page.locator("#show-ids")
    expect(toggle).to_be_focused()
    outline = toggle.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "the toggle needs a visible focus"
    page.keyboard.press("Space")
    expect(toggle).to_be_checked()
    chosen = shown_deal(page)[issue.id]
    expect(ids).to_be_visible()
    expect(ids.locator("code")).to_have_text(chosen)
    texts = page.locator(f"#deal-{issue.id} option").all_inner_texts()
    assert texts == [f"{o.label} [{o.id}]" for o in issue.options]
    assert re.search(r"[?&]ids=1(&|$)", page.url)
    page.screenshot(path=artifacts / "deal-option-ids.png", full_page=True)
    # The address keeps the choice: a reload, without the script's help, shows the ids.
    page.reload()
    expect(page.locator("#show-ids")).to_be_checked()
    expect(ids).to_be_visible()
    page.locator("#show-ids").focus()
    page.keyboard.press("Space")
    expect(ids).to_be_hidden()
    texts = page.locator(f"#deal-{issue.id} option").all_inner_texts()
    assert texts == [o.label for o in issue.options]
    assert "ids=1" not in page.url


def test_blocked_deal_shows_its_amendment_live(watched: Watched) -> None:
    """Check that picking a blocked deal shows deal_amendment's changes, and a fix hides them."""
    scenario = load_scenario(SCENARIO)
    compiled = compile_scenario(scenario)
    blocked = assess_deal(scenario, scenario.proposal("us-28-point").deal)
    assert not blocked.passes
    amendment = deal_amendment(compiled, blocked.deal)
    assert amendment is not None
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/deal")
    for issue, option in blocked.deal.items():
        if shown_deal(page)[issue] != option:
            page.locator(f"#deal-{issue}").select_option(option)
    wait_for_verdict(page, dict(blocked.deal))
    line = page.locator("#amendment")
    expect(line).to_be_visible()
    text = line.inner_text()
    assert f"({amendment['n_changes']} issue" in text
    for issue, change in amendment["changes"].items():
        record = scenario.issue(issue)
        labels = {o.id: o.label for o in record.options}
        assert f"{record.name}: {labels[change['from']]} → {labels[change['to']]}" in text
    for issue, change in amendment["changes"].items():
        page.locator(f"#deal-{issue}").select_option(change["to"])
    wait_for_verdict(page, shown_deal(page))
    expect(page.locator("#verdict")).to_have_attribute("data-passes", "true")
    expect(line).to_be_hidden()


# Every SVG text of the charts with its box and its chart's box (page pixels).
_TEXT_BOXES = """
() => Array.from(document.querySelectorAll(".pt-chart")).flatMap(chart => {
  const frame = chart.getBoundingClientRect();
  return Array.from(chart.querySelectorAll("svg text")).filter(t => {
    const r = t.getBoundingClientRect();
    return t.textContent.trim() && r.width > 0 && r.height > 0
      && !t.closest(".hoverlayer") && getComputedStyle(t).visibility !== "hidden";
  }).map(t => {
    const r = t.getBoundingClientRect();
    return {chart: chart.id, text: t.textContent.slice(0, 40),
      left: r.left - frame.left, right: r.right - frame.left,
      top: r.top - frame.top, bottom: r.bottom - frame.top,
      width: frame.width, height: frame.height};
  });
})
"""


def _clipped(boxes: list[dict[str, Any]]) -> list[str]:
    return [
        f"{b['chart']}: {b['text']!r} {b['left']:.0f}-{b['right']:.0f} x "
        f"{b['top']:.0f}-{b['bottom']:.0f} outside {b['width']:.0f} x {b['height']:.0f}"
        for b in boxes
        if b["left"] < -1
        or b["top"] < -1
        or b["right"] > b["width"] + 1
        or b["bottom"] > b["height"] + 1
    ]


def test_charts_on_a_phone_keep_every_label_inside(
    browser: Browser, server: Server, artifacts: Path
) -> None:
    """Check the charts at 375 px: no text outside its chart, options named, legend below."""
    scenario = load_scenario(SCENARIO)
    watched = open_page(browser, server, PHONE)
    page = watched.page
    try:
        page.goto(f"/scenarios/{SCENARIO}/charts")
        for chart in page.locator(".pt-chart").all():
            expect(chart).to_have_attribute("data-rendered", "true")
        boxes: list[dict[str, Any]] = page.evaluate(_TEXT_BOXES)
        assert {b["chart"] for b in boxes} == {
            "figure-pareto",
            "figure-forecast",
            "figure-positions",
            "figure-survival",
        }
        assert _clipped(boxes) == [], "\n".join(_clipped(boxes))
        _no_horizontal_scroll(page)
        # The forecast names every option at its position (abbreviated to fit).
        # The labels as drawn for this width (Plotly draws no element for an empty one).
        drawn = page.evaluate(
            "() => document.getElementById('figure-forecast').data[0].text"
            ".map(t => { const e = document.createElement('textarea'); e.innerHTML = t;"
            " return e.value; })"
        )
        shown = page.locator("#figure-forecast .textpoint text").all_text_contents()
        assert shown == [d for d in drawn if d]
        full = [o.label for i in scenario.issues for o in i.options]
        assert len(drawn) == len(full)
        assert all(
            d in {"", f} or (d.endswith("\u2026") and f.startswith(d[:-1]))
            for d, f in zip(drawn, full, strict=True)
        )
        assert sum(bool(d) for d in drawn) > len(full) / 2, "most options should be named"
        # Labels on one side of a row do not overlap.
        spans = page.evaluate(
            "() => Array.from(document.querySelectorAll('#figure-forecast .textpoint text'))"
            ".filter(t => t.textContent).map(t => { const r = t.getBoundingClientRect();"
            " return [r.left, r.right, r.top, r.bottom]; })"
        )
        for k, a in enumerate(spans):
            for b in spans[k + 1 :]:
                across = min(a[1], b[1]) - max(a[0], b[0])
                down = min(a[3], b[3]) - max(a[2], b[2])
                assert across <= 1 or down <= 1, f"option labels overlap: {a} {b}"
        # Survival phase labels are drawn, and every legend sits below its plot.
        notes = page.locator("#figure-survival .annotation-text").all_text_contents()
        assert len(notes) >= 3
        for chart_id in ("figure-pareto", "figure-forecast", "figure-survival"):
            plot_bottom = page.locator(f"#{chart_id} .nsewdrag").first.bounding_box()
            legend = page.locator(f"#{chart_id} g.legend").first.bounding_box()
            assert plot_bottom is not None
            assert legend is not None
            assert legend["y"] >= plot_bottom["y"] + plot_bottom["height"], chart_id
        # Each chart keeps its summary and its data table.
        for chart_id in ("figure-pareto", "figure-forecast", "figure-survival"):
            expect(page.locator(f"#{chart_id}-summary")).not_to_be_empty()
        assert page.locator(".chart-table table").count() >= 4
        page.screenshot(path=artifacts / "charts-phone.png", full_page=True)
        for chart in page.locator(".pt-chart").all():
            chart.screenshot(path=artifacts / f"charts-phone-{chart.get_attribute('id')}.png")
        assert watched.problems() == []
    finally:
        page.context.close()


def test_model_picker_redraws_the_forecast(watched: Watched) -> None:
    """Check that picking a model and pressing Show draws that model's forecast."""
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/charts")
    page.get_by_label(re.compile(r"^Forecast: model")).select_option("median")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"[?&]model=median(&|$)"))
    expect(page.locator("#figure-forecast")).to_have_attribute("data-rendered", "true")
    expect(page.locator("#figure-forecast-heading")).to_contain_text("(median model)")
    expect(page.get_by_label(re.compile(r"^Forecast: model"))).to_have_value("median")
