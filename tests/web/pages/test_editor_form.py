"""The editor's common edits and the format's page, against a live ``peacetalks serve``.

The form changes one value in the YAML text in place (comments and layout kept), then
validates and saves it as the text editor does; bad values give a problem at their line.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from peacetalks.scenario import parse_scenario
from peacetalks.web.pages import docs
from peacetalks.web.pages.editor_form import FormEdit, FormEditError, apply_form_edit
from tests.web.pages._live import Live, Maker, clients, csrf_token, live_server

ROOT = Path(__file__).resolve().parents[3]
SMALL = (ROOT / "tests" / "data" / "small.yaml").read_text(encoding="utf-8")
_TEXTAREA = re.compile(r'<textarea id="editor-text"[^>]*>(.*?)</textarea>', re.S)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Start ``peacetalks serve`` with ann and bob (analysts) and vic (viewer)."""
    with live_server(tmp_path_factory.mktemp("editor-form")) as running:
        yield running


@pytest.fixture
def client(live: Live) -> Iterator[Maker]:
    """Return a maker of clients (signed in as the user given, or anonymous), closed after."""
    yield from clients(live)


@pytest.fixture
def ann(client: Maker) -> httpx.Client:
    """Return a client signed in as ann (analyst)."""
    return client("ann")


@pytest.fixture
def anonymous(client: Maker) -> httpx.Client:
    """Return a client that is not signed in."""
    return client(None)


def _commented(scenario_id: str) -> str:
    """Return small.yaml under another id, with comments beside the values the form edits."""
    text = SMALL.replace("id: small\n", f"id: {scenario_id}\n", 1)
    text = text.replace("    reservation: 0.5\n", "    reservation: 0.5  # North's stated floor\n")
    return text.replace(
        "  - {actor: north, issue: border, ideal: 100, salience: 0.6, source: memo}\n",
        "  # North's border position, from the memo.\n"
        "  - {actor: north, issue: border, ideal: 100, salience: 0.6, source: memo}\n",
    )


def _shown_text(page: str) -> str:
    found = _TEXTAREA.search(page)
    assert found is not None, "the page has no editor text area"
    return html.unescape(found.group(1))


def _create(client: httpx.Client, text: str) -> None:
    page = client.get("/scenarios/new")
    response = client.post(
        "/scenarios/new", data={"text": text, "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 303, response.text


def _post_form(client: httpx.Client, scenario_id: str, text: str, **fields: Any) -> httpx.Response:
    page = client.get(f"/scenarios/{scenario_id}/edit")
    data = {"text": text, "csrf_token": csrf_token(page.text), **fields}
    return client.post(f"/scenarios/{scenario_id}/edit/form", data=data)


def _changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_form_changes_a_reservation_in_place_and_saves_a_version(
    live: Live, ann: httpx.Client
) -> None:
    """Check that the reservation changes on its line only, its comment kept, as version 2."""
    text = _commented("form-reservation")
    _create(ann, text)
    response = _post_form(
        ann, "form-reservation", text, change="reservation", actor="north", reservation="0.65"
    )
    assert response.status_code == 303, response.text
    line = text.split("\n").index("    reservation: 0.5  # North's stated floor") + 1
    where = response.headers["location"]
    assert where == f"/scenarios/form-reservation/edit?saved=2&line={line}"
    page = ann.get(where)
    assert page.status_code == 200
    shown = _shown_text(page.text)
    assert _changed_lines(text, shown) == [
        (
            "    reservation: 0.5  # North's stated floor",
            "    reservation: 0.65  # North's stated floor",
        )
    ]
    assert "Saved as version 2." in page.text
    assert f'data-line="{line}">line {line}</a>' in page.text
    stored = live.text("form-reservation")
    assert stored == shown
    assert parse_scenario(stored).actor("north").reservation == 0.65


def test_form_changes_a_position_and_keeps_a_blank_field(ann: httpx.Client) -> None:
    """Check that ideal and salience change in the flow mapping; a blank salience is kept."""
    text = _commented("form-position")
    _create(ann, text)
    response = _post_form(
        ann, "form-position", text, change="position", position="north/border", ideal="80"
    )
    assert response.status_code == 303, response.text
    shown = _shown_text(ann.get(response.headers["location"]).text)
    assert _changed_lines(text, shown) == [
        (
            "  - {actor: north, issue: border, ideal: 100, salience: 0.6, source: memo}",
            "  - {actor: north, issue: border, ideal: 80, salience: 0.6, source: memo}",
        )
    ]
    assert "  # North's border position, from the memo.\n" in shown
    response = _post_form(
        ann, "form-position", shown, change="position", position="north/border", salience="0.75"
    )
    assert response.status_code == 303
    again = _shown_text(ann.get(response.headers["location"]).text)
    assert "{actor: north, issue: border, ideal: 80, salience: 0.75, source: memo}" in again


def test_form_changes_a_proposals_options_and_adds_a_missing_issue(ann: httpx.Client) -> None:
    """Check that one select per issue sets the deal; a blank select keeps the option."""
    text = _commented("form-proposal")
    _create(ann, text)
    response = _post_form(
        ann,
        "form-proposal",
        text,
        change="proposal",
        proposal="trade-only",
        deal=["border=half", ""],
    )
    assert response.status_code == 303, response.text
    shown = _shown_text(ann.get(response.headers["location"]).text)
    assert _changed_lines(text, shown) == [
        ("    deal: {trade: closed}", "    deal: {trade: closed, border: half}")
    ]
    response = _post_form(
        ann, "form-proposal", shown, change="proposal", proposal="split", deal=["", "trade=closed"]
    )
    assert response.status_code == 303
    again = _shown_text(ann.get(response.headers["location"]).text)
    assert "    deal: {border: half, trade: closed}" in again


def test_form_edits_the_text_as_sent_with_unsaved_changes(live: Live, ann: httpx.Client) -> None:
    """Check that the form works on the text area's text, so typed changes are saved too."""
    text = _commented("form-typed")
    _create(ann, text)
    typed = text.replace("title: A small test negotiation", "title: Typed, not yet saved")
    response = _post_form(
        ann, "form-typed", typed, change="reservation", actor="south", reservation="0.3"
    )
    assert response.status_code == 303
    stored = live.text("form-typed")
    assert "title: Typed, not yet saved\n" in stored
    assert parse_scenario(stored).actor("south").reservation == 0.3


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        (
            {"change": "reservation", "actor": "north", "reservation": "half"},
            "actors[id=north].reservation",
            "The reservation value must be a number from 0 to 1. Got 'half' instead.",
        ),
        (
            {"change": "reservation", "actor": "north", "reservation": "1.5"},
            "actors[0].reservation",
            "reservation 1.5 is outside [0, 1].",
        ),
        (
            {"change": "position", "position": "north/border", "ideal": "nan"},
            "positions[actor=north,issue=border].ideal",
            "The ideal point must be a number from 0 to 100. Got 'nan' instead.",
        ),
        (
            {"change": "reservation", "actor": "nobody", "reservation": "0.2"},
            "actors[id=nobody].reservation",
            "no item of actors has [id=nobody]",
        ),
        (
            {"change": "proposal", "proposal": "split", "deal": ["border=nowhere"]},
            "proposals[0].deal.border",
            "nowhere",
        ),
        (
            {"change": "proposal", "proposal": "split", "deal": ["", ""]},
            "proposals[id=split].deal",
            "Pick a new option for at least one issue",
        ),
    ],
)
def test_form_bad_values_show_a_problem_and_save_nothing(
    live: Live, ann: httpx.Client, fields: dict[str, object], path: str, message: str
) -> None:
    """Check that a bad value gives the editor back with a problem naming the field."""
    scenario_id = "form-bad"
    if live.versions(scenario_id) == 0:
        _create(ann, _commented(scenario_id))
    text = live.text(scenario_id)
    versions = live.versions(scenario_id)
    response = _post_form(ann, scenario_id, text, **fields)
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "problem: nothing was saved" in page
    assert f'<code class="field-path">{path}</code>' in page
    assert message in page
    assert live.versions(scenario_id) == versions
    if fields.get("reservation") == "half":
        line = text.split("\n").index("    reservation: 0.5  # North's stated floor") + 1
        assert f'data-line="{line}">Line {line}</a>' in page
        # The text comes back as sent, for the next try.
        assert _shown_text(response.text) == text
        # So do the form's fields.
        assert 'id="quick-reservation" name="reservation"' in response.text
        assert re.search(r'id="quick-reservation"[^>]* value="half"', response.text)
        assert re.search(r'<option value="north" selected', response.text)
    if fields.get("deal") == ["border=nowhere"]:
        assert '<option value="split" selected' in response.text


def test_form_is_offered_only_to_who_may_save(client: Maker, ann: httpx.Client) -> None:
    """Check that a copy's editor has no form, and others may not post to it."""
    built_in = ann.get("/scenarios/ukraine-2025/edit").text
    assert 'class="quick-edits"' not in built_in
    _create(ann, _commented("form-owned"))
    own = ann.get("/scenarios/form-owned/edit").text
    assert 'class="quick-edits"' in own
    assert 'formaction="/scenarios/form-owned/edit/form"' in own
    for label in ("Actor", "Position", "Proposal", "Border", "Trade"):
        assert f">{label}</label>" in own
    bob = client("bob")
    response = _post_form(bob, "form-owned", SMALL, change="reservation", actor="north")
    assert response.status_code == 404
    vic = client("vic")
    assert vic.get("/scenarios/form-owned/edit").status_code == 404
    no_token = ann.post(
        "/scenarios/form-owned/edit/form",
        data={"text": SMALL, "change": "reservation", "actor": "north", "reservation": "0.1"},
    )
    assert no_token.status_code == 403


def test_apply_form_edit_refuses_text_that_is_not_yaml() -> None:
    """Check that an edit of broken YAML says so, with the line, and changes nothing."""
    with pytest.raises(FormEditError) as caught:
        apply_form_edit("actors: [\n", FormEdit("reservation", actor="a", reservation="0.1"))
    assert caught.value.problems[0].line is not None
    with pytest.raises(FormEditError, match="expected one of reservation, position, proposal"):
        apply_form_edit(SMALL, FormEdit("capability"))


def test_scenario_format_page_renders_the_doc(anonymous: httpx.Client) -> None:
    """Check that /docs/scenario-format shows the doc as HTML: headings, tables, code, links."""
    page = anonymous.get("/docs/scenario-format")
    assert page.status_code == 200
    body = page.text
    assert body.count("<h1>") == 1
    assert "<h1>The scenario format</h1>" in body
    assert "<h2><code>actors</code></h2>" in body
    assert body.count("<table>") >= 5
    assert '<div class="table-scroll" role="region" aria-label="Table" tabindex="0"><table>' in body
    assert "<pre><code" in body
    # The doc's own "<<" is text, not markup; links to unserved docs are plain text.
    assert "(<code>&lt;&lt;</code>)" in body
    assert 'href="territory.md"' not in body
    assert "territory (docs/territory.md)" in body
    assert "content-security-policy" in page.headers


def test_unknown_doc_is_a_404_page(anonymous: httpx.Client) -> None:
    """Check that only the served documents have a page."""
    for name in ("web", "no-such-doc"):
        response = anonymous.get(f"/docs/{name}")
        assert response.status_code == 404, name
        assert "Document not found" in response.text
    assert anonymous.get("/docs/..%2Fpyproject").status_code == 404


def test_editor_links_to_the_scenario_format(ann: httpx.Client) -> None:
    """Check that the editor's help links to the format's page."""
    assert '<a href="/docs/scenario-format">' in ann.get("/scenarios/new").text


def test_render_markdown_escapes_html_and_unsafe_links() -> None:
    """Check that raw HTML is escaped and javascript: or unserved links are not links."""
    rendered = docs.render_markdown(
        "# T\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
        "[y](https://example.org) [z](scenario-format.md#actors)\n\n- a\n- b\n\n"
        "| k | v |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<script>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert 'href="javascript' not in rendered
    assert "[x](javascript:alert(1))" in rendered
    assert '<a href="https://example.org">y</a>' in rendered
    assert '<a href="/docs/scenario-format#actors">z</a>' in rendered
    outside = docs.render_markdown("[r](../README.md) and [t](territory.md#map)")
    assert outside == "<p>r (README.md) and t (docs/territory.md)</p>\n"
    assert "<ul>\n<li>a</li>" in rendered
    assert "<td>1</td>" in rendered


def test_wheel_carries_the_scenario_format_where_the_page_looks() -> None:
    """Check that the wheel's force-include puts the doc where doc_path looks first."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    target = included["docs/scenario-format.md"]
    package = Path(docs.__file__).resolve().parents[2]
    assert package / ".." / target == package / ".." / "peacetalks" / "_docs" / "scenario-format.md"
    assert docs._PLACES[0] == package / "_docs"  # the lookup order under test
    found = docs.doc_path("scenario-format")
    assert found is not None
    assert found.read_text(encoding="utf-8") == (ROOT / "docs" / "scenario-format.md").read_text(
        encoding="utf-8"
    )
