"""The editor's common edits, its code editor and the scenario format's page, in Chromium.

The form changes the YAML shown (comments kept); the code editor (CodeMirror in a shadow
root, under the page's CSP) shows line numbers, YAML colours and each problem at its line;
the pages keep the landmarks, labels, contrast and phone width the other pages keep. The
``watched`` fixture fails a test on any console error or CSP violation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from peacetalks.errors import ScenarioError
from peacetalks.scenario import parse_scenario
from tests.web.browser.harness import (
    PHONE,
    ROOT,
    Server,
    Watched,
    check_accessible,
    check_fits_width,
    open_page,
    sign_in,
    watch,
)

pytestmark = pytest.mark.slow

SMALL = (ROOT / "tests" / "data" / "small.yaml").read_text(encoding="utf-8")
FLOOR = "    reservation: 0.5  # North's stated floor"


def _commented(scenario_id: str) -> str:
    text = SMALL.replace("id: small\n", f"id: {scenario_id}\n", 1)
    return text.replace("    reservation: 0.5\n", FLOOR + "\n", 1)


def _create(page: Page, text: str) -> None:
    page.goto("/scenarios/new")
    page.get_by_label("Scenario (YAML)").fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"\?saved=1$"))


def _line_of(text: str, line: str) -> int:
    return text.split("\n").index(line) + 1


def test_form_edits_change_the_yaml_shown(watched: Watched, artifacts: Path) -> None:
    """Check that each common edit changes its line of the YAML, comments kept, and saves."""
    page = watched.page
    sign_in(watched)
    text = _commented("browser-form")
    _create(page, text)
    page.goto("/scenarios/browser-form/edit")
    quick = page.get_by_role("complementary", name="Common edits")
    expect(quick).to_be_visible()
    quick.get_by_label("Actor").select_option(label="North (now 0.5)")
    expect(quick.get_by_label("New reservation value, 0 to 1")).to_have_attribute(
        "placeholder", "now 0.5"
    )
    quick.get_by_label("New reservation value, 0 to 1").fill("0.7")
    quick.get_by_role("button", name="Change the reservation").click()
    line = _line_of(text, FLOOR)
    expect(page).to_have_url(re.compile(rf"/scenarios/browser-form/edit\?saved=2&line={line}$"))
    expect(page.get_by_role("status")).to_have_text(
        f"Saved as version 2. The change is on line {line}."
    )
    area = page.get_by_label("Scenario (YAML)")
    shown = area.input_value()
    assert shown == text.replace(FLOOR, "    reservation: 0.7  # North's stated floor")
    assert parse_scenario(shown).actor("north").reservation == 0.7
    page.screenshot(path=artifacts / "editor-form-reservation.png", full_page=True)

    # Enter in a field presses its own edit's button, not Save.
    quick.get_by_label("Position").select_option("south/border")
    quick.get_by_label("New salience, 0 to 1 (blank keeps it)").fill("0.9")
    quick.get_by_label("New salience, 0 to 1 (blank keeps it)").press("Enter")
    expect(page).to_have_url(re.compile(r"/scenarios/browser-form/edit\?saved=3&line=\d+$"))
    shown = area.input_value()
    south = next(
        p for p in parse_scenario(shown).positions if (p.actor, p.issue) == ("south", "border")
    )
    assert (south.ideal, south.salience) == (0, 0.9)

    # A proposal: "Keep as is" names the option kept; one select changes one issue.
    quick.get_by_label("Proposal").select_option(label="Only trade")
    expect(quick.get_by_label("Trade")).to_contain_text("Keep as is (Closed)")
    expect(quick.get_by_label("Border")).to_contain_text("Keep as is (none)")
    quick.get_by_label("Border").select_option(label="Split")
    quick.get_by_role("button", name="Change the proposal").click()
    expect(page).to_have_url(re.compile(r"/scenarios/browser-form/edit\?saved=4&line=\d+$"))
    shown = area.input_value()
    assert "    deal: {trade: closed, border: half}\n" in shown
    assert shown.startswith("# A small hand-checked scenario for the tests")
    assert "  # North's stated floor" in shown


def test_code_editor_shows_problems_at_their_lines(watched: Watched, artifacts: Path) -> None:
    """Check line numbers, YAML colours, a bad form value's problem in place, and a fix."""
    page = watched.page
    sign_in(watched)
    text = _commented("browser-code")
    _create(page, text)
    page.goto("/scenarios/browser-code/edit")
    quick = page.get_by_role("complementary", name="Common edits")
    quick.get_by_label("Actor").select_option("north")
    quick.get_by_label("New reservation value, 0 to 1").fill("1.5")
    quick.get_by_role("button", name="Change the reservation").click()
    expect(page.locator("#problems-heading")).to_have_text("1 problem: nothing was saved")
    broken = text.replace(FLOOR, "    reservation: 1.5  # North's stated floor")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(broken)
    problem = caught.value.problems[0]
    line = _line_of(broken, "    reservation: 1.5  # North's stated floor")
    assert problem.line == line
    expect(page.locator("#problem-1")).to_contain_text(problem.message)

    page.get_by_label(
        "Code editor: line numbers, YAML colours and each problem at its line"
    ).check()
    editor = page.locator("#code-editor .cm-editor")
    expect(editor).to_be_visible()
    expect(page.locator("#editor-text")).to_be_hidden()
    # Its styles come from a constructed sheet in its shadow root: no <style> in the page.
    sheets = page.evaluate(
        "() => document.getElementById('code-editor').shadowRoot.adoptedStyleSheets.length"
    )
    assert sheets >= 1
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    assert editor.evaluate("e => getComputedStyle(e).display") == "flex"
    # Line numbers, one per line of the text.
    numbers = page.locator("#code-editor .cm-lineNumbers .cm-gutterElement")
    expect(numbers.filter(has_text=re.compile(r"^1$"))).to_have_count(1)
    # YAML colours: a key and a comment are drawn in different colours than plain text.
    row = page.locator("#code-editor .cm-line").filter(has_text="North's stated floor")
    colours = row.locator("span").evaluate_all(
        "spans => spans.map(s => [s.textContent, getComputedStyle(s).color])"
    )
    comment = [c for t, c in colours if t.startswith("#")]
    plain = editor.locator(".cm-content").evaluate("e => getComputedStyle(e).color")
    assert comment, colours
    assert comment[0] != plain
    # The problem at its line: a gutter marker, the line marked and its message under it.
    shown = page.locator(f"#code-editor .pt-problem[data-line='{line}']")
    expect(shown).to_have_text(f"Problem (line {line}): {problem.path}: {problem.message}")
    expect(page.locator("#code-editor .cm-lint-marker-error")).to_have_count(1)
    expect(page.locator("#code-editor .cm-line.pt-problem-line")).to_have_count(1)
    expect(page.locator("#code-editor .cm-line.pt-problem-line")).to_contain_text(
        "reservation: 1.5"
    )
    page.screenshot(path=artifacts / "editor-code-problem.png", full_page=True)

    # The problem's link selects the line in the code editor; typing replaces it.
    page.locator("#problem-1").get_by_role("link", name=f"Line {line}").click()
    expect(page.locator("#caret-position")).to_have_text(f"Line {line}")
    expect(page.get_by_role("textbox", name="Scenario (YAML)")).to_be_focused()
    page.keyboard.insert_text(FLOOR)
    assert page.locator("#editor-text").input_value() == text
    page.get_by_role("button", name="Save").click()
    # The text is version 1's again, which the store does not save twice.
    expect(page).to_have_url(re.compile(r"/scenarios/browser-code\?saved=1$"))

    # The choice is remembered: the editor opens as a code editor, with no error now; lint's
    # findings (the scenario is valid) are marked at their lines with their severity.
    page.goto("/scenarios/browser-code/edit")
    expect(page.locator("#code-editor .cm-editor")).to_be_visible()
    expect(page.locator("#problems")).to_have_count(0)
    findings = page.locator("#lint li.finding")
    assert findings.count() >= 1
    for item in findings.all():
        number = item.get_attribute("data-line")
        severity = item.get_attribute("data-severity")
        code = item.get_attribute("data-code")
        # Its link scrolls the code editor to the line, where the finding is drawn.
        item.get_by_role("link", name=f"Line {number}").click()
        expect(page.locator("#caret-position")).to_have_text(f"Line {number}")
        mark = page.locator(f"#code-editor .pt-problem[data-line='{number}']").first
        expect(mark).to_be_visible()
        expect(mark).to_have_attribute("data-source", "lint")
        expect(mark).to_have_attribute("data-severity", str(severity))
        expect(mark).to_contain_text(f"Lint {severity} (line {number}): {code}: ")
    expect(page.locator("#code-editor .pt-from-problem")).to_have_count(0)
    check_accessible(page, "/scenarios/browser-code/edit")
    # Tab leaves the code editor (no keyboard trap).
    page.get_by_role("textbox", name="Scenario (YAML)").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    # Unticked, the text area is back with the text.
    page.get_by_label(
        "Code editor: line numbers, YAML colours and each problem at its line"
    ).uncheck()
    expect(page.locator("#code-editor")).to_have_count(0)
    expect(page.get_by_label("Scenario (YAML)")).to_have_value(text)


def test_scenario_format_page(watched: Watched, artifacts: Path) -> None:
    """Check that the editor links to the format's page, and that page's accessibility."""
    page = watched.page
    sign_in(watched)
    page.goto("/scenarios/new")
    page.get_by_role("link", name="the scenario format").click()
    expect(page).to_have_url(re.compile(r"/docs/scenario-format$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The scenario format")
    expect(page.get_by_role("heading", name="actors", exact=True)).to_be_visible()
    assert page.locator("main table").count() >= 5
    check_accessible(page, "/docs/scenario-format")
    page.screenshot(path=artifacts / "docs-scenario-format.png")


def test_editor_and_format_fit_a_phone(browser: Browser, server: Server, artifacts: Path) -> None:
    """Check that the editor (form, code editor on) and the format page fit 375 px."""
    watched = open_page(browser, server, PHONE)
    page = watched.page
    try:
        sign_in(watched)
        _create(page, _commented("browser-phone"))
        page.goto("/scenarios/browser-phone/edit")
        page.get_by_label(
            "Code editor: line numbers, YAML colours and each problem at its line"
        ).check()
        expect(page.locator("#code-editor .cm-editor")).to_be_visible()
        for path in ("/scenarios/browser-phone/edit", "/docs/scenario-format"):
            page.goto(path)
            check_fits_width(page, path)
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=artifacts / f"phone-{name}.png", full_page=True)
        assert watched.problems() == []
    finally:
        page.context.close()


def test_form_works_without_script(browser: Browser, server: Server) -> None:
    """Check that with JavaScript off the editor is the text area and the form still edits."""
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    watched = watch(context.new_page())
    page = watched.page
    try:
        sign_in(watched)
        text = _commented("browser-noscript")
        _create(page, text)
        page.goto("/scenarios/browser-noscript/edit")
        expect(page.locator("#code-editor-on")).to_have_count(0)
        quick = page.get_by_role("complementary", name="Common edits")
        quick.get_by_label("Actor").select_option("north")
        quick.get_by_label("New reservation value, 0 to 1").fill("0.45")
        quick.get_by_role("button", name="Change the reservation").click()
        expect(page).to_have_url(re.compile(r"/scenarios/browser-noscript/edit\?saved=2&line=\d+$"))
        expected = text.replace(FLOOR, "    reservation: 0.45  # North's stated floor")
        expect(page.get_by_label("Scenario (YAML)")).to_have_value(expected)
        assert watched.problems() == []
    finally:
        context.close()
