"""The pages through the real app (TestClient).

Access rules, forms, CSRF, the editor's problems, the deal builder and its JSON endpoint,
escaping, tokens and caching.
"""

from __future__ import annotations

import html
import json
import re

import httpx
import pytest
from fastapi import FastAPI

from peacetalks.briefing import assess_deal
from peacetalks.errors import ScenarioError
from peacetalks.geo.territory import territory_outcome
from peacetalks.geo.territory_map import territory_map
from peacetalks.scenario import load_scenario, parse_scenario
from peacetalks.storage import Store
from peacetalks.web.pages._access import load_visible
from peacetalks.web.pages.charts import ChartChoice, chart
from tests.web.pages.conftest import (
    PASSWORD,
    PRIVATE_ID,
    TestClient,
    client_for,
    form_token,
    private_text,
)

SCENARIO = "ukraine-2025"
EVALUATE = f"/pages-api/scenarios/{SCENARIO}/evaluate"


def _store(app: FastAPI) -> Store:
    store: Store = app.state.store
    return store


def _blockers(page: str) -> list[str]:
    section = page.split('id="blockers"', 1)[1].split('id="acceptors"', 1)[0]
    return re.findall(r'<li data-actor="([^"]+)">', section)


def test_list_shows_builtins_to_everyone_and_private_ones_to_their_owner(
    anonymous: TestClient, bob: TestClient
) -> None:
    """Check that the list has the built-in scenarios for all, the private one for its owner."""
    page = anonymous.get("/")
    assert page.status_code == 200
    assert f'href="/scenarios/{SCENARIO}"' in page.text
    assert PRIVATE_ID not in page.text
    assert f'href="/scenarios/{PRIVATE_ID}"' in bob.get("/").text


@pytest.mark.parametrize("suffix", ["", "/deal", "/charts", "/compare", "/edit"])
def test_private_scenario_needs_login_and_access(app: FastAPI, suffix: str) -> None:
    """Check that a private scenario asks anonymous visitors to sign in and hides from others."""
    path = f"/scenarios/{PRIVATE_ID}{suffix}"
    response = client_for(app, None).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + path.replace("/", "%2F")
    hidden = client_for(app, "ann").get(path)
    assert hidden.status_code == 404
    assert "Scenario not found" in hidden.text
    assert "A private one" not in hidden.text
    for owner_or_admin in ("bob", "ada"):
        shown = client_for(app, owner_or_admin).get(path)
        assert shown.status_code == 200, owner_or_admin
        assert "A private one" in shown.text


def test_unknown_page_and_scenario_answer_html_404(app: FastAPI, anonymous: TestClient) -> None:
    """Check that unknown scenarios and paths answer with the HTML error page."""
    for client, path in ((anonymous, "/no/such/page"), (client_for(app, "ann"), "/scenarios/x")):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert '<main id="main"' in response.text


@pytest.mark.parametrize("suffix", ["", "/deal", "/charts"])
def test_anonymous_cannot_tell_a_private_scenario_from_none(app: FastAPI, suffix: str) -> None:
    """Check a private scenario and a missing one both send an anonymous visitor to sign in."""
    answers = []
    for scenario_id in (PRIVATE_ID, "no-such-thing"):
        path = f"/scenarios/{scenario_id}{suffix}"
        response = client_for(app, None).get(path, follow_redirects=False)
        answers.append((response.status_code, response.headers.get("location")))
        assert answers[-1] == (303, "/login?next=" + path.replace("/", "%2F"))
        assert response.text == ""


def test_pages_carry_the_security_headers(anonymous: TestClient) -> None:
    """Check the CSP and friends on a page."""
    headers = anonymous.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "style-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_login_refuses_a_form_without_its_token(anonymous: TestClient) -> None:
    """Check that the login form's CSRF cookie must match its field."""
    anonymous.get("/login")
    response = anonymous.post(
        "/login",
        data={"username": "ann", "password": "correct horse battery staple", "csrf_token": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert "The form had expired" in response.text
    assert "pt_session" not in response.cookies


def test_login_with_a_wrong_password_stays_on_the_form(anonymous: TestClient) -> None:
    """Check that a wrong password answers 401 with the message and the username kept."""
    token = form_token(anonymous.get("/login").text)
    response = anonymous.post(
        "/login", data={"username": "ann", "password": "wrong password!", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "The username or the password is wrong." in response.text
    assert 'value="ann"' in response.text


@pytest.mark.parametrize(
    ("next_path", "expected"),
    [
        ("/scenarios/ukraine-2025/deal?proposal=roberts-2025", None),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_login_returns_only_to_local_paths(
    anonymous: TestClient, next_path: str, expected: str | None
) -> None:
    """Check that the address after signing in is a path on this site."""
    token = form_token(anonymous.get("/login", params={"next": next_path}).text)
    response = anonymous.post(
        "/login",
        data={
            "username": "ann",
            "password": "correct horse battery staple",
            "csrf_token": token,
            "next": next_path,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == (expected or next_path)


def test_logout_needs_the_session_token(ann: TestClient) -> None:
    """Check that signing out without the CSRF token is refused, and with it works."""
    refused = ann.post("/logout", data={})
    assert refused.status_code == 403
    assert "security token" in refused.text
    assert "Account" in ann.get("/").text
    token = form_token(ann.get("/").text)
    assert ann.post("/logout", data={"csrf_token": token}).status_code == 200
    assert 'href="/account"' not in ann.get("/").text


def test_viewer_may_not_save(app: FastAPI) -> None:
    """Check that the viewer role gets a 403 page from the editor."""
    vic = client_for(app, "vic")
    response = vic.get("/scenarios/new")
    assert response.status_code == 403
    assert "analyst or admin role" in response.text


def test_editor_refuses_to_overwrite_a_version_it_did_not_show(
    app: FastAPI, ann: TestClient
) -> None:
    """Check that a save from an editor opened on an older version is refused (409).

    The editor sends the digest of the version it showed; the refusal keeps the text
    typed, and the page then carries the newest version's digest, so saving again is a
    deliberate overwrite.
    """
    text = private_text("ann-base", "Ann's base")
    assert _save(ann, "/scenarios/new", text).status_code == 303
    page = ann.get("/scenarios/ann-base/edit").text
    base = re.search(r'name="base" value="([0-9a-f]{64})"', page)
    assert base is not None
    store = _store(app)
    assert base.group(1) == store.scenario_versions("ann-base")[-1].sha256
    # Meanwhile, another tab saves version 2.
    store.save_scenario(text.replace("Ann's base", "Other tab"), owner="ann")
    mine = text.replace("Ann's base", "This tab")
    fields = {"text": mine, "csrf_token": form_token(page), "base": base.group(1)}
    refused = ann.post("/scenarios/ann-base/edit", data=fields, follow_redirects=False)
    assert refused.status_code == 409
    assert "the scenario changed since you opened the editor: version 2" in refused.text
    assert "This tab" in refused.text  # the text typed is kept
    assert len(store.scenario_versions("ann-base")) == 2
    newest = store.scenario_versions("ann-base")[-1].sha256
    assert f'name="base" value="{newest}"' in refused.text
    fields["base"] = newest
    again = ann.post("/scenarios/ann-base/edit", data=fields, follow_redirects=False)
    assert again.status_code == 303
    assert "This tab" in store.scenario_text("ann-base")
    # A quick edit from the stale page is refused the same way.
    quick = {**fields, "change": "reservation", "actor": "north", "reservation": "0.4"}
    stale = ann.post(
        "/scenarios/ann-base/edit/form",
        data={**quick, "base": base.group(1)},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert len(store.scenario_versions("ann-base")) == 3
    current = {**quick, "base": store.scenario_versions("ann-base")[-1].sha256}
    done = ann.post("/scenarios/ann-base/edit/form", data=current, follow_redirects=False)
    assert done.status_code == 303
    assert len(store.scenario_versions("ann-base")) == 4


def _save(client: TestClient, action: str, text: str) -> httpx.Response:
    token = form_token(client.get("/").text)
    response: httpx.Response = client.post(
        action, data={"text": text, "csrf_token": token}, follow_redirects=False
    )
    return response


def test_editor_saves_new_scenarios_and_versions_for_their_owner(
    app: FastAPI, ann: TestClient, bob: TestClient
) -> None:
    """Check new scenario, new version, and the refusals for others' ids and built-in ids."""
    text = private_text("ann-one", "Ann's negotiation")
    response = _save(ann, "/scenarios/new", text.replace("\n", "\r\n"))
    assert response.status_code == 303
    assert response.headers["location"] == "/scenarios/ann-one?saved=1"
    store = _store(app)
    assert store.scenario_owner("ann-one") == "ann"
    assert store.scenario_text("ann-one") == text  # line ends as LF
    page = ann.get("/scenarios/ann-one/edit")
    assert "Edit the scenario" in page.text
    changed = text.replace("Ann's negotiation", "Ann's negotiation, revised")
    response = _save(ann, "/scenarios/ann-one/edit", changed)
    assert response.headers["location"] == "/scenarios/ann-one?saved=2"

    # Ids are per owner: bob's scenario of the same id is his own, and ann's is untouched.
    bobs = _save(bob, "/scenarios/new", changed.replace("revised", "by Bob"))
    assert bobs.status_code == 303
    assert bobs.headers["location"] == "/scenarios/ann-one?saved=1"
    assert "by Bob" in bob.get("/scenarios/ann-one").text
    assert "by Bob" not in ann.get("/scenarios/ann-one").text
    assert bob.post("/scenarios/ann-one/edit", data={}).status_code in (403, 422)
    assert len(store.scenario_versions("ann-one")) == 2
    assert store.scenario_owner("ann-one") == "ann"
    assert store.scenario_owner("ann-one~bob") == "bob"
    # Shared with bob, ann's is listed for him by its owner-qualified reference.
    store.share_scenario("ann-one", "bob")
    listing = bob.get("/").text
    assert 'href="/scenarios/ann-one"' in listing
    assert 'href="/scenarios/ann-one~ann"' in listing
    assert "revised" in bob.get("/scenarios/ann-one~ann").text

    builtin = private_text(SCENARIO, "Not the built-in")
    refused = _save(ann, "/scenarios/new", builtin)
    assert refused.status_code == 422
    assert "the id of a built-in scenario" in refused.text
    copy = ann.get(f"/scenarios/{SCENARIO}/edit")
    assert "it is built in" in copy.text
    assert 'action="/scenarios/new"' in copy.text


def test_editor_shows_every_problem_with_its_line(ann: TestClient) -> None:
    """Check that an invalid save lists each problem with line, path, message and excerpt."""
    text = private_text("ann-broken", "Broken").replace("salience: 0.6", "salience: 1.6", 1)
    text = text.replace("capability: 2", "capability: -2", 1)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    expected = caught.value.problems
    assert len(expected) == 2
    response = _save(ann, "/scenarios/new", text)
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "2 problems: nothing was saved" in page
    lines = text.split("\n")
    for number, problem in enumerate(expected, start=1):
        assert problem.line is not None
        item = page.split(f'id="problem-{number}"', 1)[1].split("</li>", 1)[0]
        assert f'data-line="{problem.line}"' in item
        assert f">Line {problem.line}</a>" in item
        assert f'<code class="field-path">{problem.path}</code>' in item
        assert problem.message in item
        assert f"<mark>{lines[problem.line - 1]}</mark>" in item
    area = response.text.split("<textarea", 1)[1].split(">", 1)[1].split("</textarea>")[0]
    assert html.unescape(area) == text


def test_editor_reports_yaml_syntax_errors(ann: TestClient) -> None:
    """Check that text that is not YAML gets its line too."""
    response = _save(ann, "/scenarios/new", "id: x\ntitle: [unclosed\nas_of: 2025-01-01\n")
    assert response.status_code == 422
    assert "not valid YAML" in response.text
    assert re.search(r'data-line="\d+"', response.text)


def test_saving_needs_the_session_token(app: FastAPI, ann: TestClient) -> None:
    """Check that a save without the CSRF token is refused and saves nothing."""
    text = private_text("ann-no-token", "No token")
    response = ann.post("/scenarios/new", data={"text": text})
    assert response.status_code == 403
    assert "ann-no-token" not in _store(app).scenario_ids()


def test_deal_builder_renders_the_verdict_of_a_proposal(anonymous: TestClient) -> None:
    """Check that the server-rendered verdict names the blockers assess_deal gives."""
    scenario = load_scenario(SCENARIO)
    page = anonymous.get(f"/scenarios/{SCENARIO}/deal", params={"proposal": "roberts-2025"})
    assert page.status_code == 200
    expected = assess_deal(scenario, scenario.proposal("roberts-2025").deal)
    assert _blockers(page.text) == list(expected.blockers)
    for issue, option in expected.deal.items():
        assert f'<option value="{option}" selected>' in page.text.split(f'id="deal-{issue}"')[1]


def test_deal_builder_takes_picks_from_the_address(anonymous: TestClient) -> None:
    """Check that issue fields of the address set the deal, and unknown options are named."""
    scenario = load_scenario(SCENARIO)
    deal = {"territory": "four-oblasts-recognised", "sanctions": "full-immediate"}
    params = {f"issue.{k}": v for k, v in deal.items()}
    page = anonymous.get(f"/scenarios/{SCENARIO}/deal", params=params)
    assert _blockers(page.text) == list(assess_deal(scenario, deal).blockers)
    bad = anonymous.get(f"/scenarios/{SCENARIO}/deal", params={"issue.territory": "nowhere"})
    assert bad.status_code == 200
    assert "unknown option &#39;nowhere&#39; of issue &#39;territory&#39;" in bad.text


def test_evaluate_endpoint_answers_like_assess_deal(anonymous: TestClient) -> None:
    """Check the deal builder's JSON endpoint against assess_deal, and its errors."""
    scenario = load_scenario(SCENARIO)
    deal = dict(scenario.proposal("us-28-point").deal)
    response = anonymous.post(EVALUATE, json={"deal": deal})
    assert response.status_code == 200
    answer = response.json()
    amendment = answer.pop("amendment")
    assert answer == assess_deal(scenario, deal).to_dict()
    # Blocked: the smallest change every veto holder accepts, which passes when applied.
    assert amendment["possible"]
    assert len(amendment["changes"]) == amendment["n_changes"] >= 1
    amended = deal | {issue: c["to"] for issue, c in amendment["changes"].items()}
    assert assess_deal(scenario, amended).passes
    passing = anonymous.post(EVALUATE, json={"deal": amended}).json()
    assert passing["passes"]
    assert passing["amendment"] is None
    unknown = anonymous.post(EVALUATE, json={"deal": {"territory": "nowhere"}})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["type"] == "ScenarioError"
    assert "unknown option 'nowhere'" in unknown.json()["error"]["problems"][0]["message"]
    for body in (b"{not json", b'{"deal": [1, 2]}', b'{"deal": {"territory": 3}}'):
        broken = anonymous.post(EVALUATE, content=body)
        assert broken.status_code == 422
        assert broken.json()["error"]["type"] == "ParameterError"


def test_evaluate_endpoint_follows_access_and_csrf(app: FastAPI, bob: TestClient) -> None:
    """Check private scenarios (401 anonymous, 404 others) and the session's CSRF header."""
    path = f"/pages-api/scenarios/{PRIVATE_ID}/evaluate"
    assert client_for(app, None).post(path, json={"deal": {}}).status_code == 401
    ann = client_for(app, "ann")
    ann_token = {"X-CSRF-Token": form_token(ann.get("/").text)}
    assert ann.post(path, json={"deal": {}}, headers=ann_token).status_code == 404
    assert bob.post(path, json={"deal": {}}).status_code == 403
    token = form_token(bob.get("/").text)
    allowed = bob.post(path, json={"deal": {"trade": "open"}}, headers={"X-CSRF-Token": token})
    assert allowed.status_code == 200
    assert allowed.json()["deal"] == {"border": "status-quo", "trade": "open"}


def test_scenario_text_is_escaped_and_only_web_addresses_are_linked(
    app: FastAPI, ann: TestClient
) -> None:
    """Check that markup in a scenario shows as text and a javascript: address is no link."""
    name = "</script><script>alert(3)</script>"
    text = (
        private_text("ann-markup", "<script>alert(1)</script>")
        .replace("https://example.org/memo", "javascript:alert(2)")
        .replace("name: North", f"name: '{name}'")
    )
    assert _save(ann, "/scenarios/new", text).status_code == 303
    page = ann.get("/scenarios/ann-markup").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page.lower()
    assert 'href="https://example.org' not in page
    deal = ann.get("/scenarios/ann-markup/deal").text
    assert name not in deal
    block = deal.split('<script type="application/json" id="deal-labels">', 1)[1]
    assert json.loads(block.split("</script>", 1)[0])["actors"]["north"] == name


def test_account_page_creates_shows_once_and_revokes_tokens(app: FastAPI, ann: TestClient) -> None:
    """Check the API token page: a new secret is shown once and works; revoking removes it."""
    token = form_token(ann.get("/account").text)
    created = ann.post("/account/tokens", data={"name": "notebook", "csrf_token": token})
    assert created.status_code == 200
    secret = re.search(r'value="(pt_[A-Za-z0-9_-]+)"', created.text)
    assert secret is not None
    user = _store(app).accounts.user_for_token(secret.group(1))
    assert user is not None
    assert user.username == "ann"
    listed = ann.get("/account").text
    assert "notebook" in listed
    assert secret.group(1) not in listed
    token_id = _store(app).accounts.tokens("ann")[0].id
    revoked = ann.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 200
    assert _store(app).accounts.tokens("ann") == []


def test_charts_are_computed_once_per_version(app: FastAPI) -> None:
    """Check that a chart of one scenario version comes from the cache the second time."""
    entry = load_visible(_store(app), SCENARIO, None)
    again = load_visible(_store(app), SCENARIO, None)
    choice = ChartChoice("russia", "ukraine", "territory", "", "", "")
    first = chart(entry, "forecast", "Forecast", choice)
    assert first.figure is not None
    second = chart(again, "forecast", "Forecast", choice).figure
    assert second is not None
    assert second["data"] is first.figure["data"]
    other = ChartChoice("russia", "ukraine", "sanctions", "", "", "")
    one, two = chart(entry, "positions", "P", other), chart(entry, "positions", "P", choice)
    assert one.figure is not None
    assert two.figure is not None
    assert one.figure["data"] is not two.figure["data"]


def test_charts_page_shows_every_chart_with_its_data(anonymous: TestClient) -> None:
    """Check the charts page: four figures in JSON blocks, their summaries, the ratification."""
    page = anonymous.get(f"/scenarios/{SCENARIO}/charts")
    assert page.status_code == 200
    for kind in ("pareto", "forecast", "positions", "survival"):
        assert f'<script type="application/json" id="figure-{kind}-data">' in page.text
        assert f'id="figure-{kind}-summary"' in page.text
    assert "<sub>" not in page.text
    # The default proposal (roberts-2025) needs no body's approval: its territorial end state
    # is a Russian advance, not a cession that Ukraine's constitution puts to a referendum.
    assert "needs no body" in html.unescape(page.text)
    ratified = anonymous.get(f"/scenarios/{SCENARIO}/charts", params={"proposal": "korybko-2025"})
    assert 'id="ratification"' in ratified.text
    bad = anonymous.get(f"/scenarios/{SCENARIO}/charts", params={"x": "nobody", "issue": "x"})
    assert bad.status_code == 200


def test_editor_shows_lint_findings_beside_a_valid_scenario(ann: TestClient) -> None:
    """Check that the editor of a valid scenario lists what peacetalks lint finds in it."""
    from peacetalks.scenario.lint import lint_texts

    text = private_text("ann-linted", "Linted")
    assert _save(ann, "/scenarios/new", text).status_code == 303
    page = html.unescape(ann.get("/scenarios/ann-linted/edit").text)
    expected = lint_texts([("scenario", text)])
    assert expected, "the test text should have lint findings"
    assert f"{len(expected)} finding" in page
    for problem in expected:
        assert f'data-code="{problem.code}"' in page
        assert problem.message in page
    assert "nothing was saved" not in page


def _figure(page: str, figure_id: str) -> str:
    return page.split(f'<figure id="{figure_id}"', 1)[1].split("</figure>", 1)[0]


def test_scenario_and_deal_pages_show_the_territory_map(
    anonymous: TestClient, bob: TestClient
) -> None:
    """Check the map at the line and the deal's map: an SVG with a title, and its caption."""
    scenario = load_scenario(SCENARIO)
    line = territory_map(scenario, territory_outcome(scenario, {}))
    figure = _figure(anonymous.get(f"/scenarios/{SCENARIO}").text, "line-map")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in figure
    assert 'role="img" aria-labelledby="line-map-title line-map-desc"' in figure
    assert f'<title id="line-map-title">{html.escape(line.title, quote=False)}</title>' in figure
    assert f">{html.escape(line.summary)}</figcaption>" in figure

    deal = dict(scenario.proposal("roberts-2025").deal)
    page = anonymous.get(f"/scenarios/{SCENARIO}/deal", params={"proposal": "roberts-2025"}).text
    figure = _figure(page, "territory-map")
    drawn = territory_map(scenario, territory_outcome(scenario, deal))
    assert f'data-url="/api/scenarios/{SCENARIO}/territory"' in figure
    assert 'data-state="ready"' in figure
    found = re.search(r'data-deal="([^"]*)"', figure)
    assert found is not None
    shown = json.loads(html.unescape(found.group(1)))
    assert shown == {i.id: deal.get(i.id, i.default) for i in scenario.issues}
    assert list(shown) == [i.id for i in scenario.issues]
    assert 'aria-labelledby="deal-map-title deal-map-desc"' in figure
    assert f'<title id="deal-map-title">{html.escape(drawn.title, quote=False)}</title>' in figure
    assert f">{html.escape(drawn.summary)}</figcaption>" in figure
    assert 'aria-describedby="territory-map-caption"' in figure
    # A scenario without a territorial issue has no map.
    for path in (f"/scenarios/{PRIVATE_ID}", f"/scenarios/{PRIVATE_ID}/deal"):
        assert "territory-map" not in bob.get(path).text
        assert 'id="line-map"' not in bob.get(path).text


def test_compare_page_shows_compare_datas_numbers(anonymous: TestClient) -> None:
    """Check the compare page lists every difference and evaluate's verdicts, for anyone."""
    from peacetalks.briefing.compare import compare_data

    chosen = ["roberts-2025", "korybko-2025", "us-28-point"]
    page = anonymous.get(f"/scenarios/{SCENARIO}/compare", params={"p": chosen})
    assert page.status_code == 200
    data = compare_data(load_scenario(SCENARIO), chosen)
    text = html.unescape(page.text)
    differences = text.split('id="compare-differences"', 1)[1].split("</table>", 1)[0]
    scenario = load_scenario(SCENARIO)
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    for difference in data["differences"]:
        for option in difference["options"].values():
            assert labels[difference["issue"]][option] in differences
    verdicts = text.split('id="compare-verdicts"', 1)[1].split("</table>", 1)[0]
    for proposal in data["proposals"]:
        assert f"{proposal['p_pass']:.2f}" in verdicts
        for actor in proposal["actors"]:
            assert f"{actor['utility']:.2f} ({actor['margin']:+.2f})" in verdicts
    assert 'id="compare-fixes"' in page.text
    # Without a choice, only the form; a bad choice says what is wrong.
    assert 'id="compare-verdicts"' not in anonymous.get(f"/scenarios/{SCENARIO}/compare").text
    wrong = anonymous.get(f"/scenarios/{SCENARIO}/compare", params={"p": ["roberts-2025", "x"]})
    assert wrong.status_code == 200
    assert "has no proposal &#39;x&#39;" in wrong.text or "has no proposal 'x'" in wrong.text
    one = anonymous.get(f"/scenarios/{SCENARIO}/compare", params={"p": ["roberts-2025"]})
    assert "compare needs between 2 and 8 proposals" in one.text


@pytest.mark.parametrize("suffix", ["", "/deal", "/compare"])
def test_an_earlier_snapshot_without_control_shares_has_pages(
    anonymous: TestClient, suffix: str
) -> None:
    """Check the pages of a series file with no control shares: shown, without a map."""
    page = anonymous.get(f"/scenarios/ukraine-2025-06{suffix}")
    assert page.status_code == 200, page.text[:500]
    assert "<svg" not in page.text or "territory-map" not in page.text


def test_scenario_page_shows_each_positions_reason(anonymous: TestClient) -> None:
    """Check the scenario page gives each position's ranges and note, judgements marked."""
    model = load_scenario(SCENARIO)
    page = html.unescape(anonymous.get(f"/scenarios/{SCENARIO}").text)
    for position in model.positions:
        row = page.split(f'data-position="{position.actor}:{position.issue}"', 1)[1]
        row = row.split("</tr>", 1)[0]
        if position.note:
            assert position.note.strip()[:60] in row
        if position.uncertainty is not None and position.uncertainty.salience is not None:
            assert '<span class="range">' in row
        assert ('class="judgement"' in row) == position.judgement


def test_deal_builder_shows_the_smallest_amendment(anonymous: TestClient) -> None:
    """Check the builder's page names the smallest change for a blocked proposal."""
    from peacetalks.briefing.deals import deal_amendment
    from peacetalks.scenario import compile_scenario

    scenario = load_scenario(SCENARIO)
    page = anonymous.get(f"/scenarios/{SCENARIO}/deal", params={"proposal": "roberts-2025"})
    text = html.unescape(page.text)
    line = text.split('id="amendment"', 1)[1].split("</p>", 1)[0]
    found = deal_amendment(compile_scenario(scenario), scenario.proposal("roberts-2025").deal)
    assert f"({found['n_changes']} issues)" in line
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    for issue, change in found["changes"].items():
        assert f"{labels[issue][change['from']]} → {labels[issue][change['to']]}" in line


def test_account_page_changes_the_password_and_ends_other_sessions(app: FastAPI) -> None:
    """Check the account page's password form: checked, kept session, others ended."""
    store: Store = app.state.store
    store.accounts.create_user("pia", PASSWORD, role="analyst")
    token, _ = store.accounts.create_token("pia", "laptop")
    here, elsewhere = client_for(app, "pia"), client_for(app, "pia")
    csrf = form_token(here.get("/account").text)
    wrong = here.post(
        "/account/password",
        data={"current_password": "not it", "new_password": "a longer one", "csrf_token": csrf},
    )
    assert wrong.status_code == 401
    assert "The current password is wrong." in wrong.text
    changed = here.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a fresh passphrase",
            "csrf_token": csrf,
        },
    )
    assert changed.status_code == 200
    assert "Password changed. 2 other session(s) and API token(s) ended" in changed.text
    assert here.get("/account").status_code == 200
    assert elsewhere.get("/account", follow_redirects=False).status_code == 303
    assert store.accounts.user_for_token(token) is None
    assert store.accounts.authenticate("pia", "a fresh passphrase") is not None
