"""The pages in real Chromium against ``peacetalks serve``.

Sign-in, the deal builder, charts, the editor's validation errors, keyboard use, a
phone-sized screen, and no console errors or CSP violations anywhere (checked by the
``watched`` fixture after every test).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from peacetalks.briefing import assess_deal
from peacetalks.briefing.robustness import describe_chance
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import ScenarioError
from peacetalks.scenario import load_scenario, parse_scenario, resolve_scenario_path
from peacetalks.scenario.lint import lint_texts
from tests.web.browser.harness import (
    OTHER_USER,
    PHONE,
    PRIVATE_ID,
    ROOT,
    USERNAME,
    Server,
    Watched,
    blockers_shown,
    check_accessible,
    check_fits_width,
    open_page,
    shown_deal,
    sign_in,
    wait_for_verdict,
)

pytestmark = pytest.mark.slow

SCENARIO = "ukraine-2025"


def _check_verdict(page: Page, deal: dict[str, str]) -> None:
    """Check that the page names the blockers and utilities that assess_deal gives."""
    scenario = load_scenario(SCENARIO)
    expected = assess_deal(scenario, deal)
    assert blockers_shown(page) == list(expected.blockers)
    names = {a.id: a.name for a in scenario.actors}
    summary = page.locator("#verdict-summary").inner_text()
    if expected.blockers:
        assert summary.startswith("Blocked by " + ", ".join(names[b] for b in expected.blockers))
    else:
        assert summary.startswith("Every actor with a veto accepts this deal.")
    for actor in expected.actors:
        row = page.locator(f"#utilities tr[data-actor='{actor.id}'] td")
        assert row.nth(0).inner_text() == f"{actor.utility:.2f}"
        assert row.nth(2).inner_text().lstrip("+") == f"{actor.margin:.2f}"
        assert actor.p_accept is not None
        assert row.nth(3).inner_text() == f"{actor.p_accept:.2f}"
        assert row.nth(5).inner_text() == ("accepts" if actor.acceptable else "rejects")
    # The words evaluate uses for the chance (an exact 0 or 1 reads differently).
    assert expected.p_pass is not None
    assert describe_chance(expected.p_pass, ACCEPTANCE_RUNS, ACCEPTANCE_SEED) in summary
    for blocker in expected.blockers:
        reason = next(a.reason for a in expected.actors if a.id == blocker)
        item = page.locator(f"#blockers > li[data-actor='{blocker}']")
        assert reason in item.inner_text()


def test_sign_in_and_out(watched: Watched, artifacts: Path) -> None:
    """Check that a wrong password is refused in place, the right one signs in, and out again."""
    page = watched.page
    page.goto("/login")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The username or the password is wrong.")
    expect(page.get_by_label("Username")).to_have_value(USERNAME)
    sign_in(watched)
    expect(page.get_by_role("link", name=re.compile("^Account"))).to_contain_text(USERNAME)
    page.screenshot(path=artifacts / "signed-in.png")
    page.get_by_role("button", name="Sign out").click()
    nav = page.get_by_role("navigation", name="Site")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faccount$"))


def test_private_scenario_needs_its_owner(watched: Watched) -> None:
    """Check that a private scenario sends an anonymous visitor to sign in, and hides from others."""
    page = watched.page
    page.goto(f"/scenarios/{PRIVATE_ID}")
    expect(page).to_have_url(re.compile(rf"/login\?next=%2Fscenarios%2F{PRIVATE_ID}$"))
    sign_in(watched)
    response = page.goto(f"/scenarios/{PRIVATE_ID}")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenario not found")
    page.get_by_role("button", name="Sign out").click()
    sign_in(watched, OTHER_USER)
    page.goto(f"/scenarios/{PRIVATE_ID}")
    expect(page.get_by_role("heading", level=1)).to_have_text("A private one")


def test_deal_builder_names_the_blockers(watched: Watched, artifacts: Path) -> None:
    """Check that the deal builder's verdict follows each pick and matches assess_deal."""
    page = watched.page
    sign_in(watched)
    page.goto("/")
    page.get_by_role("link", name="Russia-Ukraine peace talks, 2025", exact=True).click()
    page.get_by_role("navigation", name="Scenario").get_by_role("link", name="Deal builder").click()
    expect(page).to_have_url(re.compile(rf"/scenarios/{SCENARIO}/deal$"))
    _check_verdict(page, shown_deal(page))

    page.get_by_label("Start from a proposal").select_option("roberts-2025")
    page.get_by_role("button", name="Load").click()
    expect(page).to_have_url(re.compile(r"proposal=roberts-2025"))
    deal = shown_deal(page)
    scenario = load_scenario(SCENARIO)
    assert deal == assess_deal(scenario, scenario.proposal("roberts-2025").deal).deal
    _check_verdict(page, deal)

    for issue, option in [
        ("territory", "donbas-withdrawal-south-referendum"),
        ("sanctions", "full-immediate"),
        ("neutrality", "nato-membership-path"),
    ]:
        page.locator(f"select[data-issue='{issue}']").select_option(option)
        deal[issue] = option
        wait_for_verdict(page, deal)
        _check_verdict(page, deal)
    assert blockers_shown(page), "the last deal should be blocked by someone"
    # A blocked deal names its smallest amendment, redrawn by the script after each pick.
    amendment = page.locator("#amendment")
    expect(amendment).to_be_visible()
    expect(amendment).to_contain_text("Smallest change every veto holder would accept")
    page.screenshot(path=artifacts / "deal-builder.png", full_page=True)
    # The address keeps the deal: a reload shows the same picks and verdict.
    page.reload()
    assert shown_deal(page) == deal
    _check_verdict(page, deal)


def test_deal_builder_by_keyboard_only(watched: Watched) -> None:
    """Check that the skip link, every select and the live verdict work from the keyboard."""
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/deal")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    issues = page.locator("select[data-issue]").evaluate_all(
        "items => items.map(s => s.dataset.issue)"
    )
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {issue: e.dataset.issue || null, outline: getComputedStyle(e).outlineStyle,"
            " tag: e.tagName}; }"
        )
        assert focused["outline"] != "none", f"no visible focus on {focused['tag']}"
        if focused["issue"]:
            reached.append(focused["issue"])
            if len(reached) == 1:
                before = shown_deal(page)
                page.keyboard.press("ArrowDown")
                after = shown_deal(page)
                assert after != before, "ArrowDown should pick the next option"
                wait_for_verdict(page, after)
                _check_verdict(page, after)
                expect(page.locator("#verdict-summary")).to_have_attribute("role", "status")
        if len(reached) == len(issues):
            break
    assert reached == issues


def test_charts_render(watched: Watched, artifacts: Path) -> None:
    """Check that every chart is drawn as SVG and the ratification table is filled."""
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/charts")
    charts = page.locator(".pt-chart")
    expected = ["figure-pareto", "figure-forecast", "figure-positions", "figure-survival"]
    assert charts.evaluate_all("items => items.map(e => e.id)") == expected
    for chart_id in expected:
        chart = page.locator(f"#{chart_id}")
        expect(chart).to_have_attribute("data-rendered", "true")
        assert chart.locator("svg.main-svg").count() >= 1
        assert chart.locator("g.trace").count() >= 1
    # The default proposal (roberts-2025) needs no body's approval; korybko-2025 does.
    expect(page.locator("main")).to_contain_text("needs no body")
    page.goto(f"/scenarios/{SCENARIO}/charts?proposal=korybko-2025")
    rows = page.locator("#ratification tbody tr")
    assert rows.count() >= 1
    page.screenshot(path=artifacts / "charts.png", full_page=True)
    # Another choice of actors and issue redraws from the server's figures.
    page.get_by_label("Pareto chart: actor on the x axis").select_option("united-states")
    page.get_by_label("Positions by round: issue").select_option("sanctions")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"x=united-states.*issue=sanctions"))
    for chart_id in expected:
        expect(page.locator(f"#{chart_id}")).to_have_attribute("data-rendered", "true")
    expect(page.locator("#figure-positions-summary")).to_contain_text("Sanctions")


def _edits(text: str) -> list[tuple[int, str]]:
    """Return two line edits of the built-in: a new id, and one salience out of range."""
    lines = text.split("\n")
    id_line = lines.index("id: ukraine-2025") + 1
    number = next(k for k, line in enumerate(lines) if re.search(r"\bsalience: 0\.\d+", line))
    broken = re.sub(r"salience: 0\.\d+", "salience: 1.4", lines[number], count=1)
    return [(id_line, "id: browser-copy"), (number + 1, broken)]


def _apply(text: str, edits: list[tuple[int, str]]) -> str:
    lines = text.split("\n")
    for number, line in edits:
        lines[number - 1] = line
    return "\n".join(lines)


def _retype_line(page: Page, number: int, line: str) -> None:
    """Select a line of the editor's text area and type its replacement."""
    page.get_by_label("Scenario (YAML)").evaluate(
        """(area, n) => {
            const lines = area.value.split("\\n");
            const start = lines.slice(0, n - 1).join("\\n").length + (n > 1 ? 1 : 0);
            area.focus();
            area.setSelectionRange(start, start + lines[n - 1].length);
        }""",
        number,
    )
    page.keyboard.insert_text(line)


def test_editor_shows_validation_errors_in_place(watched: Watched, artifacts: Path) -> None:
    """Check that a broken save lists its problem with the line, highlighted and linked."""
    page = watched.page
    sign_in(watched)
    page.goto(f"/scenarios/{SCENARIO}/edit")
    expect(page.locator(".notice")).to_contain_text("it is built in")
    area = page.get_by_label("Scenario (YAML)")
    original = resolve_scenario_path(SCENARIO).read_text(encoding="utf-8")
    assert area.input_value() == original
    edits = _edits(original)
    broken = _apply(original, edits)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(broken)
    expected = caught.value.problems
    line = edits[1][0]
    assert [p.line for p in expected] == [line]

    for number, text in edits:
        _retype_line(page, number, text)
    assert area.input_value() == broken
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#problems-heading")).to_have_text("1 problem: nothing was saved")
    problem = page.locator("#problem-1")
    expect(problem).to_have_attribute("data-line", str(line))
    expect(problem.locator("code.field-path")).to_have_text(expected[0].path)
    expect(problem).to_contain_text(expected[0].message)
    expect(problem.locator("mark")).to_have_text(broken.split("\n")[line - 1])
    expect(area).to_have_attribute("aria-invalid", "true")
    assert area.input_value() == broken
    page.screenshot(path=artifacts / "editor-problem.png")

    # The problem's link selects the faulty line; typing replaces it.
    problem.get_by_role("link", name=f"Line {line}").click()
    expect(area).to_be_focused()
    start = len("\n".join(broken.split("\n")[: line - 1])) + 1
    assert area.evaluate("a => a.selectionStart") == start
    selected = area.evaluate("a => a.value.slice(a.selectionStart, a.selectionEnd)")
    assert selected == broken.split("\n")[line - 1]
    expect(page.locator("#caret-position")).to_have_text(f"Line {line}")
    page.keyboard.insert_text(original.split("\n")[line - 1])
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/scenarios/browser-copy\?saved=1$"))
    expect(page.get_by_role("status")).to_have_text("Saved as version 1.")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Edit the scenario")).to_be_visible()
    assert area.input_value() == _apply(original, edits[:1])


def test_editor_shows_lint_findings_in_place(watched: Watched, artifacts: Path) -> None:
    """Check that a valid scenario saves, and its editor lists lint's findings with their lines."""
    page = watched.page
    sign_in(watched)
    text = (
        (ROOT / "tests" / "data" / "lint" / "other-actor-source.yaml")
        .read_text(encoding="utf-8")
        .replace("id: clean\n", "id: browser-linted\n", 1)
        .replace(
            "    terms:\n      border: {basis: stated, text: The plan splits the border region in two.}\n",
            "",
        )
    )
    expected = lint_texts([("scenario", text)])
    assert [(p.code, p.severity) for p in expected] == [
        ("other-actor-source", "warning"),
        ("term-missing", "error"),
    ]
    page.goto("/scenarios/new")
    area = page.get_by_label("Scenario (YAML)")
    area.fill(text)
    page.get_by_role("button", name="Save").click()
    # Lint's findings do not stop a save: the scenario is valid.
    expect(page).to_have_url(re.compile(r"/scenarios/browser-linted\?saved=1$"))
    page.goto("/scenarios/browser-linted/edit")
    expect(page.locator("#lint-heading")).to_have_text("2 findings on where the numbers come from")
    items = page.locator("#lint li.finding")
    expect(items).to_have_count(2)
    for k, problem in enumerate(expected):
        item = items.nth(k)
        expect(item).to_have_attribute("data-code", problem.code)
        expect(item).to_have_attribute("data-severity", problem.severity)
        expect(item).to_have_attribute("data-line", str(problem.line))
        expect(item.locator("code.field-path")).to_have_text(problem.field)
        expect(item).to_contain_text(problem.message)
    page.screenshot(path=artifacts / "editor-lint.png", full_page=True)
    # A finding's link selects its line in the text, as a validation problem's does.
    line = expected[1].line
    assert line is not None
    items.nth(1).get_by_role("link", name=f"Line {line}").click()
    expect(area).to_be_focused()
    selected = area.evaluate("a => a.value.slice(a.selectionStart, a.selectionEnd)")
    assert selected == area.input_value().split("\n")[line - 1]
    expect(page.locator("#caret-position")).to_have_text(f"Line {line}")


PAGES = [
    ("/", False),
    (f"/scenarios/{SCENARIO}", False),
    (f"/scenarios/{SCENARIO}/deal", False),
    (f"/scenarios/{SCENARIO}/charts", False),
    (f"/scenarios/{SCENARIO}/compare?p=roberts-2025&p=us-28-point", False),
    ("/login", False),
    (f"/scenarios/{SCENARIO}/edit", True),
    ("/scenarios/new", True),
    ("/account", True),
]


def test_phone_viewport_has_no_horizontal_scroll(
    browser: Browser, server: Server, artifacts: Path
) -> None:
    """Check that no page scrolls sideways on a 375x667 screen, nor logs an error."""
    anonymous = open_page(browser, server, PHONE)
    signed_in = open_page(browser, server, PHONE)
    sign_in(signed_in)
    try:
        for path, needs_login in PAGES:
            watched = signed_in if needs_login else anonymous
            page = watched.page
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, path
            expect(page.locator("meta[name='viewport']")).to_have_attribute(
                "content", "width=device-width, initial-scale=1"
            )
            if "charts" in path:
                for chart in page.locator(".pt-chart").all():
                    expect(chart).to_have_attribute("data-rendered", "true")
            check_fits_width(page, path)
            name = path.strip("/").replace("/", "-") or "index"
            page.screenshot(path=artifacts / f"phone-{name}.png", full_page=True)
        assert anonymous.problems() == []
        assert signed_in.problems() == []
    finally:
        anonymous.page.context.close()
        signed_in.page.context.close()


def test_phone_deal_builder_keeps_the_verdict_in_view(browser: Browser, server: Server) -> None:
    """Check that on a phone the verdict line stays on screen beside the select just picked."""
    watched = open_page(browser, server, PHONE)
    page = watched.page
    try:
        page.goto(f"/scenarios/{SCENARIO}/deal")
        select = page.locator("select[data-issue='kursk-sumy']")
        select.scroll_into_view_if_needed()
        expect(page.locator("#verdict-summary")).not_to_be_in_viewport()
        select.select_option(index=1)
        deal = shown_deal(page)
        wait_for_verdict(page, deal)
        mini = page.locator("#verdict-mini")
        expect(mini).to_be_in_viewport()
        expected = assess_deal(load_scenario(SCENARIO), deal)
        headline = page.locator("#verdict-summary").inner_text().split(" Accepted by")[0]
        expect(mini).to_have_text(headline)
        assert ("Blocked by" in headline) == bool(expected.blockers)
        assert watched.problems() == []
    finally:
        page.context.close()


def test_every_page_has_landmarks_labels_contrast_and_a_csp(watched: Watched) -> None:
    """Check landmarks, one h1, labelled controls, text contrast and the CSP on every page."""
    page = watched.page
    sign_in(watched)
    for path, _ in PAGES:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp, path
        assert "style-src 'self'" in csp, path
        check_accessible(page, path, styled="charts" in path)


def test_deal_builder_redraws_the_territory_map(watched: Watched, artifacts: Path) -> None:
    """Check that the map is drawn, titled and captioned, and follows a territory pick."""
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/deal")
    figure = page.locator("#territory-map")
    svg = figure.locator(".map-frame > svg")
    expect(svg).to_have_count(1)
    assert svg.evaluate("e => e.getBoundingClientRect().width") > 0
    before_title = svg.locator("title").first.text_content()
    before_caption = figure.locator("figcaption").inner_text()
    assert before_title
    assert before_caption.startswith("Under this deal 0 km2")

    page.locator("select[data-issue='territory']").select_option("four-oblasts-recognised")
    deal = shown_deal(page)
    page.wait_for_selector(
        f"#territory-map[data-state=ready][data-deal='{json.dumps(deal, separators=(',', ':'))}']"
    )
    expect(svg).to_have_count(1)
    assert svg.evaluate("e => e instanceof SVGSVGElement && e.getBoundingClientRect().width") > 0
    assert 'role="img"' in figure.inner_html()
    title = svg.locator("title").first.text_content()
    caption = figure.locator("figcaption").inner_text()
    assert title != before_title
    assert title is not None
    assert title.startswith("Ukrainian withdrawal from the whole of Donetsk")
    assert caption != before_caption
    assert caption == svg.locator("desc").first.text_content()
    assert svg.get_attribute("aria-labelledby") == "territory-title territory-desc"
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=artifacts / "deal-builder-territory-map.png")


def test_compare_page_by_picking_proposals(watched: Watched, artifacts: Path) -> None:
    """Check picking three proposals shows their differences, verdicts and fixes."""
    page = watched.page
    page.goto(f"/scenarios/{SCENARIO}/compare")
    expect(page.locator("#compare-verdicts")).to_have_count(0)
    for pid in ("roberts-2025", "korybko-2025", "us-28-point"):
        page.locator(f"input[name=p][value='{pid}']").check()
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"p=roberts-2025&p=korybko-2025&p=us-28-point"))
    headers = page.locator("#compare-verdicts thead th code").all_inner_texts()
    assert headers == ["roberts-2025", "korybko-2025", "us-28-point"]
    assert page.locator("#compare-differences tbody tr").count() >= 5
    expect(page.locator("#compare-fixes li")).to_have_count(3)
    page.screenshot(path=artifacts / "compare.png", full_page=True)
