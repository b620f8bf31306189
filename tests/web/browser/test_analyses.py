"""Analyses from the pages in real Chromium: run from a form, follow the run, open the runs.

The run page's script polls the job API; the test watches the status and the progress bar
move, then the page reload with the result, and checks the numbers against the command's
JSON. The new pages get the accessibility checks of ``test_pages.py``: landmarks, one
``h1``, labelled controls, contrast, the CSP, and no sideways scroll on a phone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.browser.harness import (
    PHONE,
    Server,
    Watched,
    check_accessible,
    check_fits_width,
    open_page,
    sign_in,
)
from tests.web.conftest import cli_json

pytestmark = pytest.mark.slow

SCENARIO = "ukraine-2025"
_RUN_PATH = re.compile(r"/runs/(\d+)$")


def _run_id(page: Page) -> int:
    found = _RUN_PATH.search(page.url)
    assert found is not None, page.url
    return int(found.group(1))


def _check_page(page: Page, path: str) -> None:
    """Open a page and check its CSP and what every page passes (harness.check_accessible)."""
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, path
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp, path
    assert "style-src 'self'" in csp, path
    check_accessible(page, path)


def test_run_evaluate_and_forecast_from_the_page(watched: Watched, artifacts: Path) -> None:
    """Check an evaluate and a forecast run from their forms: progress, result, runs list."""
    page = watched.page
    sign_in(watched)
    page.goto(f"/scenarios/{SCENARIO}")
    page.get_by_role("navigation", name="Scenario").get_by_role("link", name="Analyses").click()
    expect(page).to_have_url(re.compile(rf"/scenarios/{SCENARIO}/analyses$"))
    expect(page.get_by_role("heading", name="Evaluate a proposal evaluate")).to_be_visible()
    page.get_by_label("Proposal", exact=True).select_option("roberts-2025")
    page.screenshot(path=artifacts / "analyses-evaluate-form.png", full_page=True)
    page.get_by_role("button", name="Run evaluate").click()
    expect(page).to_have_url(_RUN_PATH)
    evaluate_id = _run_id(page)
    expect(page.locator("#run-status")).to_have_text("succeeded", timeout=60_000)
    expected = cli_json(["evaluate", SCENARIO, "-p", "roberts-2025", "--json"])
    table = page.locator("#summary-actors")
    expect(table).to_be_visible()
    for actor in expected["actors"]:
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=actor["name"]))
        cells = row.get_by_role("cell")
        expect(cells.nth(1)).to_have_text(f"{actor['utility']:.2f}")
        expect(cells.nth(5)).to_have_text("accepts" if actor["acceptable"] else "rejects")
    with page.expect_download() as caught:
        page.get_by_role("link", name="The whole result as JSON").click()
    download = caught.value
    assert download.suggested_filename == f"{SCENARIO}-evaluate-{evaluate_id}.json"
    assert json.loads(Path(download.path()).read_text(encoding="utf-8")) == expected
    page.screenshot(path=artifacts / "run-evaluate.png", full_page=True)

    # A forecast long enough (Monte Carlo runs) for its progress to be seen moving.
    page.goto(f"/scenarios/{SCENARIO}/analyses")
    page.get_by_role("navigation", name="Analyses").get_by_role("link", name="Forecast").click()
    page.get_by_label("Model", exact=True).select_option("median")
    page.get_by_label("Monte Carlo runs").fill("300000")
    page.get_by_label("Seed", exact=True).fill("7")
    page.get_by_role("button", name="Run forecast").click()
    expect(page).to_have_url(_RUN_PATH)
    forecast_id = _run_id(page)
    # The script shows the job's progress while it runs, before the result.
    page.wait_for_function(
        "() => { const run = document.getElementById('run');"
        " return run.dataset.status === 'running' && Number(run.dataset.progress) > 0"
        " && Number(run.dataset.progress) < 1; }",
        timeout=60_000,
    )
    shown = float(page.locator("#run-progress").evaluate("bar => bar.value"))
    assert 0 < shown < 1
    expect(page.locator("#run-percent")).to_have_text(re.compile(r"^\d{1,2}%$"))
    expect(page.get_by_role("link", name="check again")).to_have_attribute(
        "href", f"/runs/{forecast_id}"
    )
    page.screenshot(path=artifacts / "run-forecast-progress.png", full_page=True)
    expect(page.locator("#run-status")).to_have_text("succeeded", timeout=120_000)
    expect(page.locator("#run-progress")).to_have_attribute("value", "1.0")
    args = ["forecast", SCENARIO, "--model", "median", "--runs", "300000", "--seed", "7"]
    forecast = cli_json([*args, "--json"])
    issues = page.locator("#summary-issues")
    for issue in forecast["issues"]:
        row = issues.get_by_role("row").filter(has=page.get_by_role("rowheader", name=issue["id"]))
        expect(row.get_by_role("cell").first).to_have_text(f"{issue['forecast']:.1f}")
    page.screenshot(path=artifacts / "run-forecast.png", full_page=True)

    # The runs page lists both, newest first, each linking to its run.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Runs").click()
    expect(page).to_have_url(re.compile(r"/runs$"))
    listed = page.locator("#runs-mine tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.run, r.dataset.status])"
    )
    assert listed[:2] == [[str(forecast_id), "succeeded"], [str(evaluate_id), "succeeded"]]
    page.screenshot(path=artifacts / "runs.png", full_page=True)
    page.get_by_role("link", name=f"Run {evaluate_id}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/runs/{evaluate_id}$"))

    for path in (f"/scenarios/{SCENARIO}/analyses?kind=forecast", "/runs", f"/runs/{forecast_id}"):
        _check_page(page, path)


def test_wrong_values_are_named_beside_their_field(watched: Watched, artifacts: Path) -> None:
    """Check that a refused form comes back with the error linked to its field, by keyboard."""
    page = watched.page
    sign_in(watched)
    page.goto(f"/scenarios/{SCENARIO}/analyses?kind=stress")
    page.get_by_label("Monte Carlo runs").fill("0")
    page.get_by_label("Monte Carlo runs").press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The analysis was not started.")
    link = alert.get_by_role("link", name="Monte Carlo runs")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Monte Carlo runs")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-runs")).to_have_text("Input should be greater than or equal to 1")
    page.screenshot(path=artifacts / "analyses-error.png", full_page=True)


def test_new_pages_fit_a_phone(browser: Browser, server: Server, artifacts: Path) -> None:
    """Check that the analyses, run and runs pages do not scroll sideways at 375 px."""
    watched = open_page(browser, server, PHONE)
    page = watched.page
    try:
        sign_in(watched)
        page.goto(f"/scenarios/{SCENARIO}/analyses?kind=compare")
        page.locator("input[name='proposals'][value='roberts-2025']").check()
        page.locator("input[name='proposals'][value='us-28-point']").check()
        page.get_by_label("Monte Carlo runs").fill("200")
        page.get_by_role("button", name="Run compare").click()
        expect(page.locator("#run-status")).to_have_text("succeeded", timeout=60_000)
        expect(page.locator("#summary-proposals")).to_be_visible()
        run_path = page.url.removeprefix(server.url)
        for path in (f"/scenarios/{SCENARIO}/analyses?kind=forecast", "/runs", run_path):
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            check_fits_width(page, path)
            name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")).strip("-")
            page.screenshot(path=artifacts / f"phone-{name}.png", full_page=True)
        assert watched.problems() == []
    finally:
        page.context.close()
