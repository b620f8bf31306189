"""The analyses page, the run page and the runs list, served by uvicorn and read with httpx."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from markupsafe import escape
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.defaults import MODEL_NAMES
from peacetalks.storage import Store
from peacetalks.web import WebSettings
from peacetalks.web.runners import KINDS, parameters_model
from tests.web.conftest import LiveServer, serving
from tests.web.pages.conftest import PASSWORD, USERS, form_token, private_text

runner = CliRunner()
SCENARIO = "ukraine-2025"
_RUN_URL = re.compile(r"^/runs/(\d+)$")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Serve the app on a fresh store with ann, bob (analysts), vic (viewer), ada (admin)."""
    data = tmp_path_factory.mktemp("analyses-pages")
    with serving(WebSettings(db=str(data), job_seconds=120, login_attempts=1000)) as live:
        store: Store = live.app.state.store
        for username, role in USERS.items():
            store.accounts.create_user(username, PASSWORD, role=role)
        store.save_scenario(private_text(), owner="bob")
        yield live


@contextmanager
def _client(server: LiveServer, username: str | None) -> Iterator[httpx.Client]:
    """Give a client of the server, signed in through the login form unless None."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        if username is not None:
            page = client.get("/login")
            data = {"username": username, "password": PASSWORD}
            response = client.post("/login", data={**data, "csrf_token": form_token(page.text)})
            assert response.status_code == 303, response.text
        yield client


@pytest.fixture
def ann(server: LiveServer) -> Iterator[httpx.Client]:
    """Return a client signed in as ann (analyst) through the login form."""
    with _client(server, "ann") as client:
        yield client


def _cli(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _start(client: httpx.Client, kind: str, data: dict[str, Any], scenario: str = SCENARIO) -> int:
    """Post an analysis form as the page does; return the run id it redirects to."""
    page = client.get(f"/scenarios/{scenario}/analyses", params={"kind": kind})
    assert page.status_code == 200, page.text
    response = client.post(
        f"/scenarios/{scenario}/analyses/{kind}",
        data={**data, "csrf_token": form_token(page.text)},
    )
    assert response.status_code == 303, response.text
    found = _RUN_URL.match(response.headers["location"])
    assert found is not None, response.headers["location"]
    return int(found.group(1))


def _finished(client: httpx.Client, run_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        document: dict[str, Any] = client.get(f"/api/runs/{run_id}").json()
        if document["status"] in ("succeeded", "failed"):
            return document
        assert time.monotonic() < deadline, document
        time.sleep(0.1)


def test_anonymous_visitors_are_sent_to_sign_in(server: LiveServer) -> None:
    """Check that the analyses, run and runs pages send an anonymous visitor to sign in."""
    with _client(server, None) as anonymous:
        for path in (f"/scenarios/{SCENARIO}/analyses?kind=forecast", "/runs", "/runs/1"):
            response = anonymous.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == f"/login?next={quote(path, safe='')}"
        posted = anonymous.post(f"/scenarios/{SCENARIO}/analyses/evaluate", data={})
        assert posted.status_code == 303
        assert posted.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_a_form_with_every_parameter(ann: httpx.Client, kind: str) -> None:
    """Check that each analysis' form has a labelled control for each parameter it takes."""
    page = ann.get(f"/scenarios/{SCENARIO}/analyses", params={"kind": kind})
    assert page.status_code == 200
    html = page.text
    assert f'action="/scenarios/{SCENARIO}/analyses/{kind}"' in html
    left_out = {"deal", "title"} if kind == "evaluate" else set()
    for name in parameters_model(kind).model_fields:
        if name in left_out:
            assert f'name="{name}"' not in html
            continue
        assert f'name="{name}"' in html, name
        assert f'for="field-{name}' in html or f'id="field-{name}"' in html, name
    assert f'href="/scenarios/{SCENARIO}/analyses?kind={kind}" aria-current="page"' in html


def test_forecast_form_lists_every_model_and_takes_model_from_the_address(
    ann: httpx.Client,
) -> None:
    """Check the model picker: every forecast model, and ?model= picks one as on the charts."""
    html = ann.get(
        f"/scenarios/{SCENARIO}/analyses", params={"kind": "forecast", "model": "bdm"}
    ).text
    select = re.search(r'<select id="field-model" name="model".*?</select>', html, re.DOTALL)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"', select.group(0))
    assert options == list(MODEL_NAMES)
    assert '<option value="bdm" selected>' in select.group(0)


def test_tabs_and_header_link_the_new_pages(ann: httpx.Client, server: LiveServer) -> None:
    """Check the scenario's Analyses tab and the header's Runs link (signed in only)."""
    html = ann.get(f"/scenarios/{SCENARIO}").text
    assert f'<a href="/scenarios/{SCENARIO}/analyses">Analyses</a>' in html
    assert '<a href="/runs">Runs</a>' in html
    with _client(server, None) as anonymous:
        assert 'href="/runs"' not in anonymous.get("/").text


def test_evaluate_from_the_page_gives_the_clis_result(ann: httpx.Client) -> None:
    """Check that an evaluate run from the form has the CLI's JSON, summary and download."""
    run_id = _start(ann, "evaluate", {"proposal": "roberts-2025", "runs": "500", "seed": "3"})
    document = _finished(ann, run_id)
    assert document["status"] == "succeeded", document["error"]
    expected = _cli(["evaluate", SCENARIO, "-p", "roberts-2025", "--runs", "500", "--seed", "3"])
    assert document["results"] == expected
    assert document["owner"] == "ann"
    page = ann.get(f"/runs/{run_id}")
    assert page.status_code == 200
    html = page.text
    assert 'data-status="succeeded"' in html
    assert '<script src="/static/js/run.js" defer></script>' in html
    for actor in expected["actors"]:
        verdict = "accepts" if actor["acceptable"] else "rejects"
        row = (
            f'<tr><th scope="row">{escape(actor["name"])}</th>'
            f"<td>{'yes' if actor['veto'] else 'no'}</td>"
            f"<td>{actor['utility']:.2f}</td>"
        )
        assert row in html, actor["id"]
        assert verdict in html
    download = ann.get(f"/runs/{run_id}/results.json")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/json"
    assert (
        f'filename="{SCENARIO}-evaluate-{run_id}.json"' in download.headers["content-disposition"]
    )
    assert download.json() == expected


def test_forecast_with_a_picked_model_gives_the_clis_result(ann: httpx.Client) -> None:
    """Check a forecast by the bdm model with rounds, a dropped actor and a salience change."""
    data = {
        "model": "bdm",
        "rounds": "3",
        "drop": ["china"],
        "saliences": "russia:territory=0.5",
    }
    run_id = _start(ann, "forecast", data)
    document = _finished(ann, run_id)
    assert document["status"] == "succeeded", document["error"]
    args = ["forecast", SCENARIO, "--model", "bdm", "--rounds", "3", "--drop", "china"]
    expected = _cli([*args, "--salience", "russia:territory=0.5"])
    assert document["results"] == expected
    html = ann.get(f"/runs/{run_id}").text
    again = f"/scenarios/{SCENARIO}/analyses?kind=forecast&amp;run={run_id}"
    assert f'<a id="run-again" href="{again}">' in html
    form = ann.get(f"/scenarios/{SCENARIO}/analyses?kind=forecast&run={run_id}").text
    assert '<option value="bdm" selected>' in form
    assert 'name="rounds" value="3"' in form
    assert 'name="drop" value="china" checked>' in form
    assert 'name="saliences" value="russia:territory=0.5"' in form
    for issue in expected["issues"][:3]:
        assert f'<tr><th scope="row">{issue["id"]}</th><td>{issue["forecast"]:.1f}</td>' in html


def test_compare_and_timeline_from_the_page(ann: httpx.Client) -> None:
    """Check the two analyses that read other snapshots, started from their forms."""
    compare = _start(ann, "compare", {"proposals": ["roberts-2025", "us-28-point"], "runs": "200"})
    timeline = _start(ann, "timeline", {"snapshots": ["ukraine-2025-06"]})
    document = _finished(ann, compare)
    assert document["results"] == _cli(
        ["compare", SCENARIO, "roberts-2025", "us-28-point", "--runs", "200"]
    )
    html = ann.get(f"/runs/{compare}").text
    assert '<tr><th scope="row">roberts-2025</th>' in html
    document = _finished(ann, timeline)
    assert document["results"] == _cli(["timeline", SCENARIO, "ukraine-2025-06"])
    html = ann.get(f"/runs/{timeline}").text
    for snapshot in document["results"]["snapshots"]:
        assert f'<tr><th scope="row">{snapshot["date"]}</th><td>{snapshot["id"]}</td>' in html


def test_wrong_parameters_show_the_form_again_and_queue_nothing(ann: httpx.Client) -> None:
    """Check that a bad value is named beside its field, the values kept, and no run queued."""
    before = len(ann.get("/api/runs").json()["runs"])
    page = ann.get(f"/scenarios/{SCENARIO}/analyses", params={"kind": "stress"})
    response = ann.post(
        f"/scenarios/{SCENARIO}/analyses/stress",
        data={
            "agreement": "monitored-phased-relief",
            "runs": "0",
            "csrf_token": form_token(page.text),
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'role="alert"' in html
    assert (
        '<p class="field-error" id="error-runs">Input should be greater than or equal to 1</p>'
        in html
    )
    assert 'name="runs" value="0"' in html
    assert 'aria-invalid="true"' in html
    saliences = ann.post(
        f"/scenarios/{SCENARIO}/analyses/forecast",
        data={"saliences": "russia=0.5", "csrf_token": form_token(page.text)},
    )
    assert saliences.status_code == 422
    assert (
        "expected actor:issue=value, got &#39;russia=0.5&#39;. Write for example "
        "russia:territory=0.8." in saliences.text
    )
    compare = ann.post(
        f"/scenarios/{SCENARIO}/analyses/compare",
        data={"proposals": ["roberts-2025"], "csrf_token": form_token(page.text)},
    )
    assert compare.status_code == 422
    assert "compare needs between 2 and 8 proposals side by side" in compare.text
    assert len(ann.get("/api/runs").json()["runs"]) == before


def test_forms_need_the_session_token_and_the_analyst_role(server: LiveServer) -> None:
    """Check that a post without the CSRF token, or by a viewer, is refused."""
    with _client(server, "ann") as ann, _client(server, "vic") as vic:
        forged = ann.post(f"/scenarios/{SCENARIO}/analyses/evaluate", data={"proposal": "x"})
        assert forged.status_code == 403
        page = vic.get(f"/scenarios/{SCENARIO}/analyses")
        assert page.status_code == 200
        assert "Running analyses needs the analyst or admin role" in page.text
        assert '<button type="submit">Run' not in page.text
        refused = vic.post(
            f"/scenarios/{SCENARIO}/analyses/evaluate",
            data={"proposal": "roberts-2025", "csrf_token": form_token(page.text)},
        )
        assert refused.status_code == 403
        assert "needs the analyst or admin role; &#39;vic&#39; is a viewer" in refused.text
        own = ann.get(f"/scenarios/{SCENARIO}/analyses")
        unknown = ann.post(
            f"/scenarios/{SCENARIO}/analyses/poll",
            data={"csrf_token": form_token(own.text)},
        )
        assert unknown.status_code == 404
        assert "No analysis &#39;poll&#39;. The analyses are: evaluate, deals" in unknown.text
        stolen = ann.post(
            f"/scenarios/{SCENARIO}/analyses/evaluate",
            data={"proposal": "roberts-2025", "csrf_token": form_token(page.text)},
        )
        assert stolen.status_code == 403


def test_private_scenarios_stay_private(server: LiveServer) -> None:
    """Check that another user's private scenario has no analyses page for ann."""
    with _client(server, "ann") as ann:
        response = ann.get("/scenarios/pages-private/analyses")
        assert response.status_code == 404


def test_runs_are_listed_for_their_owner_only(server: LiveServer) -> None:
    """Check /runs: one's own runs with kind, scenario, status, start and link; not others'."""
    with _client(server, "ann") as ann, _client(server, "bob") as bob:
        run_id = _start(ann, "ratify", {"proposal": "roberts-2025"})
        _finished(ann, run_id)
        mine = ann.get("/runs").text
        row = re.search(
            rf'<tr data-run="{run_id}" data-status="succeeded">.*?</tr>', mine, re.DOTALL
        )
        assert row is not None
        text = row.group(0)
        assert f'<a href="/runs/{run_id}">Run {run_id}</a>' in text
        assert "<code>ratify</code>" in text
        assert f'<a href="/scenarios/{SCENARIO}">{SCENARIO}</a>' in text
        assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:', text)
        assert 'id="runs-not-shared"' in mine
        others = bob.get("/runs").text
        assert f'data-run="{run_id}"' not in others
        assert 'id="no-runs"' in others
        hidden = bob.get(f"/runs/{run_id}")
        assert hidden.status_code == 404
        assert f"No analysis run {run_id} of yours." in hidden.text
        assert bob.get(f"/runs/{run_id}/results.json").status_code == 404
        assert ann.get("/runs/99999999").status_code == 404
        # Another user's run does not fill bob's form: the defaults are shown.
        form = bob.get(f"/scenarios/{SCENARIO}/analyses?kind=ratify&run={run_id}").text
        assert '<option value="roberts-2025" selected>' not in form
        own = ann.get(f"/scenarios/{SCENARIO}/analyses?kind=ratify&run={run_id}").text
        assert '<option value="roberts-2025" selected>' in own
    with _client(server, "ada") as admin:
        listed = admin.get("/runs").text
        assert f'data-run="{run_id}"' in listed
        assert admin.get(f"/runs/{run_id}").status_code == 200


def test_a_failed_run_shows_its_error(server: LiveServer) -> None:
    """Check that a run that fails in its job shows the job's message, and has no download."""
    with _client(server, "bob") as bob:
        # Logrolls from the defaults fail in the job: an issue of the scenario has none.
        run_id = _start(bob, "deals", {}, scenario="pages-private")
        document = _finished(bob, run_id)
        assert document["status"] == "failed"
        html = bob.get(f"/runs/{run_id}").text
        assert 'data-status="failed"' in html
        message = document["error"]["message"]
        assert "Logrolls start from each issue's default option" in message
        shown = message.replace("'", "&#39;")
        assert f'<p class="error-message" id="run-error">{shown}</p>' in html
        assert bob.get(f"/runs/{run_id}/results.json").status_code == 404
