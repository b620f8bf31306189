"""The deal builder's "Save as proposal" in real Chromium against ``peacetalks serve``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from peacetalks.briefing import assess_proposal
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.storage import open_store
from tests.web.browser.harness import (
    PHONE,
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
COPY = f"{SCENARIO}-{USERNAME}"
PICKS = [
    ("territory", "donbas-withdrawal-south-referendum"),
    ("sanctions", "full-immediate"),
    ("neutrality", "nato-membership-path"),
]


def _saved(server: Server) -> Scenario:
    """Return the newest version of the user's copy, read from the store."""
    with open_store(server.data) as store:
        return parse_scenario(store.scenario_text(COPY))


def test_save_a_built_deal_as_a_proposal(watched: Watched, artifacts: Path, server: Server) -> None:
    """Check that a signed-in user's picks are saved to their copy and shown with the verdict."""
    page = watched.page
    sign_in(watched)
    page.goto(f"/scenarios/{SCENARIO}/deal")
    deal = shown_deal(page)
    for issue, option in PICKS:
        page.locator(f"select[data-issue='{issue}']").select_option(option)
        deal[issue] = option
        wait_for_verdict(page, deal)
    form = page.get_by_role("region", name="Save as proposal")
    expect(form).to_contain_text(f"your own copy of this scenario, {COPY}")
    check_accessible(page)
    # By keyboard: type the id, Tab to the title, Enter sends the form.
    page.get_by_label("Proposal id").focus()
    page.keyboard.type("my-referendum-deal")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title")).to_be_focused()
    page.keyboard.type("Referendum, full relief, NATO path")
    page.keyboard.press("Enter")

    expect(page).to_have_url(
        re.compile(rf"/scenarios/{COPY}/deal\?proposal=my-referendum-deal&saved=\d+$")
    )
    expect(page.get_by_label("Start from a proposal")).to_have_value("my-referendum-deal")
    expect(page.get_by_role("status").filter(has_text="Saved as the proposal")).to_contain_text(
        f"Saved as the proposal my-referendum-deal in {COPY}"
    )
    assert shown_deal(page) == deal
    saved = _saved(server)
    proposal = saved.proposal("my-referendum-deal")
    assert proposal.deal == deal
    assert proposal.title == "Referendum, full relief, NATO path"
    expected = assess_proposal(saved, "my-referendum-deal")
    assert blockers_shown(page) == list(expected.blockers)
    summary = page.locator("#verdict-summary").inner_text()
    names = {a.id: a.name for a in saved.actors}
    assert expected.blockers, "these picks should be blocked by someone"
    assert summary.startswith("Blocked by " + ", ".join(names[b] for b in expected.blockers))
    for actor in expected.actors:
        row = page.locator(f"#utilities tr[data-actor='{actor.id}'] td")
        assert row.nth(0).inner_text() == f"{actor.utility:.2f}"
    check_accessible(page)
    page.screenshot(path=artifacts / "deal-save-proposal.png", full_page=True)

    # The same id again is refused on the page, naming the field; nothing is saved.
    page.get_by_label("Proposal id").fill("my-referendum-deal")
    page.get_by_label("Title").fill("Again")
    page.get_by_role("button", name="Save as proposal").click()
    alert = page.locator("#save-problems")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text(
        f"proposal_id: the scenario {COPY} already has a proposal with the id "
        "'my-referendum-deal'; expected a new id"
    )
    expect(page.get_by_label("Proposal id")).to_have_value("my-referendum-deal")
    assert [p.id for p in _saved(server).proposals].count("my-referendum-deal") == 1
    check_accessible(page)
    page.screenshot(path=artifacts / "deal-save-proposal-taken-id.png", full_page=True)


def test_save_form_fits_a_phone(browser: Browser, server: Server, artifacts: Path) -> None:
    """Check that the deal builder with its save form does not scroll sideways at 375 px."""
    watched = open_page(browser, server, PHONE)
    page = watched.page
    try:
        sign_in(watched)
        page.goto(f"/scenarios/{SCENARIO}/deal")
        page.get_by_label("Proposal id").scroll_into_view_if_needed()
        expect(page.get_by_role("button", name="Save as proposal")).to_be_visible()
        check_fits_width(page, "the deal builder")
        page.screenshot(path=artifacts / "phone-deal-save-proposal.png", full_page=True)
        assert watched.problems() == []
    finally:
        page.context.close()
