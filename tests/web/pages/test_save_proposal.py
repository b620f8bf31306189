"""The deal builder's "Save as proposal" against a live ``peacetalks serve``, over httpx."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from peacetalks.scenario import load_scenario, parse_scenario, resolve_scenario_path
from peacetalks.scenario.yaml_edit import set_scalar
from peacetalks.storage import open_store
from tests.web.pages._live import Live, Maker, clients, csrf_token, live_server

OWN_ID = "save-own"
BUILTIN = "ukraine-2025"
SMALL = Path(__file__).resolve().parents[2] / "data" / "small.yaml"
_BASE = re.compile(r'name="base" value="([^"]*)"')


def _own_text() -> str:
    """Return small.yaml, comments and all, under the id of bob's own scenario."""
    return set_scalar(SMALL.read_text(encoding="utf-8"), "id", OWN_ID)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Start ``peacetalks serve`` with ann and bob (analysts), vic (viewer) and bob's scenario."""
    data = tmp_path_factory.mktemp("save-proposal")
    with live_server(data, [(_own_text(), "bob")]) as running:
        yield running


@pytest.fixture
def client(live: Live) -> Iterator[Maker]:
    """Return a maker of clients (signed in as the user given, or anonymous), closed after."""
    yield from clients(live)


def _form(page: str, deal: dict[str, str], proposal_id: str, title: str) -> dict[str, str]:
    """Return the fields of a deal builder page's save form, with the given picks."""
    base = _BASE.search(page)
    assert base is not None, "the page has no save form"
    fields = {"csrf_token": csrf_token(page), "base": base.group(1)}
    fields |= {"proposal_id": proposal_id, "proposal_title": title}
    return fields | {f"issue.{issue}": option for issue, option in deal.items()}


def _problems(page: str) -> str:
    """Return the text of the save form's problems ("" when there are none)."""
    if 'id="save-problems"' not in page:
        return ""
    block = page.split('id="save-problems"', 1)[1].split(">", 1)[1].split("</div>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)).split())


def _removed(before: str, after: str) -> list[str]:
    """Return the lines of ``before`` that ``after`` lost or changed (as ndiff's "- " lines)."""
    diff = difflib.ndiff(before.split("\n"), after.split("\n"))
    return [line for line in diff if line.startswith("- ")]


def test_save_into_own_scenario_keeps_its_comments(live: Live, client: Maker) -> None:
    """Check that the owner's deal becomes a proposal in a new version, the rest unchanged."""
    bob = client("bob")
    page = bob.get(f"/scenarios/{OWN_ID}/deal").text
    assert "Saves the deal as a proposal in this scenario" in page
    deal = {"border": "half", "trade": "closed"}
    form = _form(page, deal, "bob-half", "Bob's half")
    response = bob.post(f"/scenarios/{OWN_ID}/proposals", data=form)
    assert response.status_code == 303, _problems(response.text)
    assert response.headers["location"] == f"/scenarios/{OWN_ID}/deal?proposal=bob-half&saved=2"
    text = live.text(OWN_ID)
    assert _removed(_own_text(), text) == [], "the old text, comments and layout, must stay"
    scenario = parse_scenario(text)
    proposal = scenario.proposal("bob-half")
    assert (proposal.deal, proposal.title) == (deal, "Bob's half")
    assert set(proposal.terms) == set(deal)
    assert all(t.basis == "imputed" and "bob" in (t.reason or "") for t in proposal.terms.values())
    source = next(s for s in scenario.sources if s.id == proposal.source)
    assert (source.kind, source.author, source.title) == (
        "analysis",
        "bob",
        "Deal saved from the deal builder",
    )
    assert source.date == dt.date.today().isoformat()
    shown = bob.get(response.headers["location"]).text
    assert '<option value="bob-half" selected>' in shown
    assert "Saved as the proposal <code>bob-half</code>" in shown
    # A second deal reuses the source rather than adding another.
    page = bob.get(f"/scenarios/{OWN_ID}/deal").text
    form = _form(page, {"border": "status-quo", "trade": "open"}, "bob-quo", "Status quo")
    assert bob.post(f"/scenarios/{OWN_ID}/proposals", data=form).status_code == 303
    again = parse_scenario(live.text(OWN_ID))
    assert [s.id for s in again.sources].count(proposal.source) == 1
    assert [p.id for p in again.proposals][-2:] == ["bob-half", "bob-quo"]


def test_save_from_a_builtin_goes_into_the_users_copy(live: Live, client: Maker) -> None:
    """Check that a deal on a built-in scenario lands in ann's copy, made once and reused."""
    ann = client("ann")
    page = ann.get(f"/scenarios/{BUILTIN}/deal", params={"proposal": "us-28-point"}).text
    copy = f"{BUILTIN}-ann"
    assert f"your own copy of this scenario, <code>{copy}</code>" in page
    deal = dict(load_scenario(BUILTIN).proposal("us-28-point").deal)
    deal["sanctions"] = "full-immediate"
    full = {
        i.id: deal.get(i.id, i.default or i.options[0].id) for i in load_scenario(BUILTIN).issues
    }
    response = ann.post(
        f"/scenarios/{BUILTIN}/proposals", data=_form(page, full, "ann-1", "Ann's first deal")
    )
    assert response.status_code == 303, _problems(response.text)
    assert response.headers["location"] == f"/scenarios/{copy}/deal?proposal=ann-1&saved=1"
    text = live.text(copy)
    original = resolve_scenario_path(BUILTIN).read_text(encoding="utf-8")
    # Only the id and the title change; every comment and line of the original stays.
    assert _removed(original, text) == [
        f"- id: {BUILTIN}",
        f"- title: {load_scenario(BUILTIN).title}",
    ]
    scenario = parse_scenario(text)
    assert scenario.id == copy
    assert scenario.proposal("ann-1").deal == full
    # The built-in itself is untouched, and the second deal goes into the same copy.
    with open_store(live.data) as store:
        assert store.scenario_owner(BUILTIN) is None
        assert store.scenario_text(BUILTIN) == original
        assert store.scenario_owner(copy) == "ann"
    page = ann.get(f"/scenarios/{BUILTIN}/deal").text
    response = ann.post(
        f"/scenarios/{BUILTIN}/proposals", data=_form(page, full, "ann-2", "Ann's second deal")
    )
    assert response.headers["location"] == f"/scenarios/{copy}/deal?proposal=ann-2&saved=2"
    assert [p.id for p in parse_scenario(live.text(copy)).proposals][-2:] == ["ann-1", "ann-2"]


def test_a_copy_id_held_privately_by_another_user_is_no_obstacle(live: Live, client: Maker) -> None:
    """Check that bob's copy is made even when ann privately holds its id, and tells nothing.

    Ids are per owner: refusing would show bob that a private scenario of that id exists.
    """
    copy = f"{BUILTIN}-bob"
    anns = set_scalar(SMALL.read_text(encoding="utf-8"), "id", copy)
    with open_store(live.data) as store:
        store.save_scenario(anns, owner="ann")
    bob = client("bob")
    page = bob.get(f"/scenarios/{BUILTIN}/deal").text
    assert f"your own copy of this scenario, <code>{copy}</code>" in page
    scenario = load_scenario(BUILTIN)
    full = {i.id: i.default or i.options[0].id for i in scenario.issues}
    response = bob.post(
        f"/scenarios/{BUILTIN}/proposals", data=_form(page, full, "bob-1", "Bob's deal")
    )
    assert response.status_code == 303, _problems(response.text)
    assert response.headers["location"] == f"/scenarios/{copy}/deal?proposal=bob-1&saved=1"
    assert '<option value="bob-1" selected>' in bob.get(response.headers["location"]).text
    assert live.text(copy) == anns, "ann's scenario is untouched"
    assert parse_scenario(live.text(f"{copy}~bob")).proposal("bob-1").deal == full
    assert client("ann").get(f"/scenarios/{copy}~bob").status_code == 404


@pytest.mark.parametrize(
    ("proposal_id", "title", "expected"),
    [
        (
            "split",
            "Again",
            "proposal_id : the scenario save-own already has a proposal with the id 'split'; "
            "expected a new id (taken: split, grab, trade-only",
        ),
        (
            "Bad Id",
            "A title",
            "proposal_id : the proposal id must be 1 to 64 characters: lowercase letters, "
            "digits, '.', '_' or '-', starting with a letter or digit (like 'my-deal-2'). "
            "Got 'Bad Id' instead.",
        ),
        (
            "fine-id",
            "",
            "proposal_title : the title must be 1 to 300 characters. Got 0 characters instead.",
        ),
    ],
)
def test_bad_or_taken_id_is_shown_and_nothing_saved(
    live: Live, client: Maker, proposal_id: str, title: str, expected: str
) -> None:
    """Check that a taken or malformed id, or no title, is named on the page, nothing saved."""
    bob = client("bob")
    before = live.text(OWN_ID)
    page = bob.get(f"/scenarios/{OWN_ID}/deal").text
    form = _form(page, {"border": "half", "trade": "open"}, proposal_id, title)
    response = bob.post(f"/scenarios/{OWN_ID}/proposals", data=form)
    assert response.status_code == 422
    assert expected in _problems(response.text)
    # The page keeps what was typed, and the deal as sent.
    assert f'name="proposal_id" value="{html.escape(proposal_id)}"' in response.text
    assert '<option value="half" selected>' in response.text
    assert live.text(OWN_ID) == before


def test_scenario_changed_meanwhile_is_refused(live: Live, client: Maker) -> None:
    """Check that a deal built on a version someone has replaced since is refused (409)."""
    bob = client("bob")
    page = bob.get(f"/scenarios/{OWN_ID}/deal").text
    form = _form(page, {"border": "half", "trade": "open"}, "stale-one", "Stale")
    with open_store(live.data) as store:
        newer = set_scalar(store.scenario_text(OWN_ID), "title", "Renamed meanwhile")
        version = store.save_scenario(newer, owner="bob")
    response = bob.post(f"/scenarios/{OWN_ID}/proposals", data=form)
    assert response.status_code == 409
    assert _problems(response.text) == (
        f"The deal was not saved: scenario : the scenario {OWN_ID} changed after this page "
        f"was loaded: expected the text the page showed (SHA-256 {form['base'][:12]}), got "
        f"version {version.number}. Reload the deal builder, check the deal against the "
        "newest version, then save again."
    )
    assert live.text(OWN_ID) == newer


def test_anonymous_and_viewer_cannot_save(live: Live, client: Maker) -> None:
    """Check that an anonymous visitor sees a sign-in link and a refused save; a viewer too."""
    anonymous = client(None)
    page = anonymous.get(f"/scenarios/{BUILTIN}/deal").text
    assert 'id="save-form"' not in page
    assert f'href="/login?next=%2Fscenarios%2F{BUILTIN}%2Fdeal">Sign in</a> to save' in page
    fields = {"proposal_id": "anon", "proposal_title": "Anon", "issue.sanctions": "full-immediate"}
    response = anonymous.post(f"/scenarios/{BUILTIN}/proposals", data=fields)
    assert response.status_code == 401
    assert _problems(response.text) == (
        "The deal was not saved: user : saving a deal needs a signed-in user; got an "
        "anonymous visitor. Sign in, then save."
    )
    assert '<option value="full-immediate" selected>' in response.text
    vic = client("vic")
    page = vic.get(f"/scenarios/{BUILTIN}/deal").text
    assert 'id="save-form"' not in page
    assert "Saving a deal as a proposal needs the analyst or admin role" in page
    # The sign-out form's token.
    fields |= {"csrf_token": csrf_token(page), "proposal_id": "vic-1"}
    response = vic.post(f"/scenarios/{BUILTIN}/proposals", data=fields)
    assert response.status_code == 403
    assert "saving a deal needs the analyst or admin role; got 'viewer'" in _problems(response.text)
    with open_store(live.data) as store:
        assert f"{BUILTIN}-vic" not in store.scenario_ids()


def test_csrf_token_is_required(live: Live, client: Maker) -> None:
    """Check that a signed-in save without the session's CSRF token is refused."""
    bob = client("bob")
    page = bob.get(f"/scenarios/{OWN_ID}/deal").text
    form = _form(page, {"border": "half", "trade": "open"}, "no-token", "No token")
    del form["csrf_token"]
    response = bob.post(f"/scenarios/{OWN_ID}/proposals", data=form)
    assert response.status_code == 403
    assert "no-token" not in live.text(OWN_ID)


def test_unknown_option_is_named_and_nothing_saved(live: Live, client: Maker) -> None:
    """Check that a deal naming an option the issue lacks is refused with the issue named."""
    bob = client("bob")
    before = live.text(OWN_ID)
    page = bob.get(f"/scenarios/{OWN_ID}/deal").text
    form = _form(page, {"border": "no-such-option", "trade": "open"}, "odd-one", "Odd")
    response = bob.post(f"/scenarios/{OWN_ID}/proposals", data=form)
    assert response.status_code == 422
    assert _problems(response.text) == (
        "The deal was not saved: deal.border : unknown option 'no-such-option' of issue "
        "'border'. Expected one of: status-quo, half, all."
    )
    assert live.text(OWN_ID) == before
