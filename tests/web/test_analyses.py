"""Analyses as jobs: each kind end to end (the CLI's JSON), progress, limits, restarts."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.storage import open_store
from peacetalks.web import WebSettings
from peacetalks.web.jobs import RESTART_ERROR
from tests.web.conftest import PASSWORD, Api, cli_json, new_id, run_job, serving, wait_for

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"
SMALL = DATA / "small.yaml"


@pytest.fixture(scope="module")
def small(api: Api) -> str:
    """Save the small scenario under its own id (owned by ann) once per store."""
    if "small" not in api.store.scenario_ids():
        api.store.save_scenario(SMALL.read_text(encoding="utf-8"), owner="ann")
    return "small"


@pytest.mark.parametrize(
    ("scenario", "kind", "body", "args"),
    [
        (
            "ukraine-2025",
            "evaluate",
            {"proposal": "roberts-2025"},
            ["evaluate", "ukraine-2025", "-p", "roberts-2025"],
        ),
        (
            "small",
            "deals",
            {"seed": 1, "base": "split"},
            ["deals", str(SMALL), "--seed", "1", "--base", "split"],
        ),
        (
            "small",
            "deals",
            {"pareto": True, "rules": ["nash"], "rational": True, "amend": "grab", "limit": 2},
            [
                "deals",
                str(SMALL),
                "--pareto",
                "--nash",
                "--rational",
                "--amend",
                "grab",
                "--limit",
                "2",
            ],
        ),
        (
            "ukraine-2025",
            "forecast",
            {"runs": 300, "seed": 2, "sensitivity": True, "drop": ["russia"]},
            [
                "forecast",
                "ukraine-2025",
                "--runs",
                "300",
                "--seed",
                "2",
                "--sensitivity",
                "--drop",
                "russia",
            ],
        ),
        (
            "small",
            "forecast",
            {
                "model": "bdm",
                "rounds": 3,
                "saliences": [{"actor": "north", "issue": "trade", "value": 0.5}],
            },
            [
                "forecast",
                str(SMALL),
                "--model",
                "bdm",
                "--rounds",
                "3",
                "--salience",
                "north:trade=0.5",
            ],
        ),
        (
            "ukraine-2025",
            "ratify",
            {"proposal": "roberts-2025"},
            ["ratify", "ukraine-2025", "-p", "roberts-2025"],
        ),
        (
            "ukraine-2025",
            "stress",
            {
                "agreement": "monitored-phased-relief",
                "runs": 200,
                "seed": 3,
                "compare": "oil-first-un-peacekeepers",
            },
            [
                "stress",
                "ukraine-2025",
                "-a",
                "monitored-phased-relief",
                "--runs",
                "200",
                "--seed",
                "3",
                "--compare",
                "oil-first-un-peacekeepers",
            ],
        ),
        (
            "small",
            "negotiate",
            {"runs": 4, "seed": 4, "strategies": ["boulware", "conceder", "linear"]},
            [
                "negotiate",
                str(SMALL),
                "--runs",
                "4",
                "--seed",
                "4",
                "--strategies",
                "boulware,conceder,linear",
            ],
        ),
        (
            "small",
            "negotiate",
            {
                "protocol": "single-text",
                "runs": 2,
                "seed": 5,
                "transcript": True,
                "mediator": "broker",
            },
            [
                "negotiate",
                str(SMALL),
                "--protocol",
                "single-text",
                "--runs",
                "2",
                "--seed",
                "5",
                "--transcript",
                "--mediator",
                "broker",
            ],
        ),
    ],
    ids=[
        "evaluate",
        "deals",
        "deals-some",
        "forecast",
        "forecast-bdm",
        "ratify",
        "stress",
        "negotiate",
        "single-text",
    ],
)
def test_each_analysis_gives_the_clis_json(
    api: Api, small: str, scenario: str, kind: str, body: dict[str, Any], args: list[str]
) -> None:
    """Check that a run's results are the document the matching command prints with --json."""
    document = run_job(api, scenario, kind, body)
    assert document["results"] == cli_json([*args, "--json"])
    assert document["scenario"] == scenario
    assert document["scenario_version"] >= 1
    assert document["error"] is None
    assert document["duration_seconds"] >= 0


def test_evaluate_a_deal(api: Api, small: str, tmp_path: Path) -> None:
    """Check that evaluating a deal (issue to option) gives the CLI's --deal answer."""
    deal = tmp_path / "deal.yaml"
    deal.write_text("border: half\ntrade: open\n", encoding="utf-8")
    body = {"deal": {"border": "half", "trade": "open"}, "title": str(deal)}
    document = run_job(api, small, "evaluate", body)
    assert document["results"] == cli_json(["evaluate", str(SMALL), "--deal", str(deal), "--json"])


def test_bad_deal_is_refused_with_the_clis_problem(api: Api, small: str, tmp_path: Path) -> None:
    """Check that a deal naming an unknown option answers 422 with the CLI's problem."""
    deal = tmp_path / "deal.yaml"
    deal.write_text("border: halfway\ntrade: open\n", encoding="utf-8")
    with api.client("ann") as ann:
        response = ann.post(
            f"/api/scenarios/{small}/analyses/evaluate",
            json={"deal": {"border": "halfway", "trade": "open"}},
        )
    assert response.status_code == 422
    error = response.json()["error"]
    printed = runner.invoke(cli, ["evaluate", str(SMALL), "--deal", str(deal)]).stderr
    assert error["type"] == "ScenarioError"
    assert error["problems"][0]["message"] in " ".join(printed.split())


def test_an_analysis_that_fails_records_its_error(api: Api, small: str) -> None:
    """Check that an error inside the job's process fails the run with the CLI's message."""
    with api.client("ann") as ann:
        response = ann.post(
            f"/api/scenarios/{small}/analyses/deals?wait=true", json={"logrolls": True}
        )
    document = response.json()
    printed = runner.invoke(cli, ["deals", str(SMALL), "--logrolls"]).stderr
    assert response.status_code == 200
    assert document["status"] == "failed"
    assert document["results"] is None
    assert document["error"]["type"] == "ParameterError"
    assert printed.strip() == "error: " + document["error"]["message"]
    assert document["finished_at"] is not None


def test_start_answers_202_with_the_runs_url(api: Api, small: str) -> None:
    """Check that a run is queued at once (202) and its url gives it when over."""
    with api.client("ann") as ann:
        response = ann.post(f"/api/scenarios/{small}/analyses/evaluate", json={"proposal": "split"})
        assert response.status_code == 202
        queued = response.json()
        assert set(queued) == {"id", "status", "progress", "url"}
        assert queued["status"] in ("queued", "running", "succeeded")
        assert response.headers["location"] == queued["url"] == f"/api/runs/{queued['id']}"
        finished = wait_for(ann, queued["url"])
    assert finished["status"] == "succeeded"
    assert finished["results"]["id"] == "split"
    assert finished["parameters"] == {
        "proposal": "split",
        "deal": None,
        "title": None,
        "runs": 2000,
        "seed": 0,
    }
    assert finished["owner"] == "ann"


def test_an_old_version_can_be_analysed(api: Api) -> None:
    """Check that ?version= analyses that saved version."""
    scenario_id = new_id("versioned")
    text = SMALL.read_text(encoding="utf-8").replace("id: small", f"id: {scenario_id}", 1)
    with api.client("ann") as ann:
        ann.post("/api/scenarios", json={"yaml": text})
        ann.put(
            f"/api/scenarios/{scenario_id}",
            json={"yaml": text.replace("reservation: 0.5", "reservation: 0.9", 1)},
        )
        old = ann.post(
            f"/api/scenarios/{scenario_id}/analyses/evaluate?wait=true&version=1",
            json={"proposal": "split"},
        ).json()
        new = ann.post(
            f"/api/scenarios/{scenario_id}/analyses/evaluate?wait=true", json={"proposal": "split"}
        ).json()
    assert (old["scenario_version"], new["scenario_version"]) == (1, 2)
    north = next(a for a in old["results"]["actors"] if a["id"] == "north")
    assert north["reservation"] == 0.5
    assert next(a for a in new["results"]["actors"] if a["id"] == "north")["reservation"] == 0.9


@pytest.mark.parametrize(
    ("kind", "body", "status", "message"),
    [
        (
            "evaluate",
            {"proposal": "nope"},
            404,
            "scenario 'small' has no proposal 'nope'. Its proposals: split, grab, trade-only.",
        ),
        (
            "ratify",
            {"proposal": "nope"},
            404,
            "scenario 'small' has no proposal 'nope'. Its proposals: split, grab, trade-only.",
        ),
        (
            "stress",
            {"agreement": "nope"},
            404,
            "scenario 'small' has no agreement 'nope'. Its agreements: none.",
        ),
        (
            "negotiate",
            {"mediator": "north"},
            422,
            "The '--mediator', '--self-interest' and '--amendments' options need '--protocol single-text'.",
        ),
        (
            "negotiate",
            {"strategies": ["linear", "linear"]},
            422,
            "The '--strategies' option must give one strategy, or one per actor (3: north, south, broker). Got 2 instead.",
        ),
        (
            "forecast",
            {"drop": ["nobody"]},
            404,
            "scenario 'small' has no actor 'nobody' (in 'drop'). Its actors: north, south, broker.",
        ),
    ],
)
def test_bad_parameters_are_refused_before_queuing(
    api: Api, small: str, kind: str, body: dict[str, Any], status: int, message: str
) -> None:
    """Check that ids that do not exist answer at once, with the CLI's message."""
    with api.client("ann") as ann:
        before = len(ann.get("/api/runs").json()["runs"])
        response = ann.post(f"/api/scenarios/{small}/analyses/{kind}", json=body)
        after = len(ann.get("/api/runs").json()["runs"])
    assert response.status_code == status
    assert response.json()["error"]["message"] == message
    assert before == after


def test_unknown_proposal_message_is_the_clis(api: Api) -> None:
    """Check the message against the CLI's own output for the same mistake."""
    with api.client("ann") as ann:
        response = ann.post("/api/scenarios/ukraine-2025/analyses/evaluate", json={"proposal": "x"})
    printed = runner.invoke(cli, ["evaluate", "ukraine-2025", "-p", "x"]).stderr
    assert printed.strip() == "error: " + response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("kind", "body", "path"),
    [
        ("evaluate", {}, "body"),
        ("evaluate", {"proposal": "split", "deal": {"border": "half"}}, "body"),
        ("forecast", {"runs": -1}, "body.runs"),
        ("forecast", {"model": "tea-leaves"}, "body.model"),
        ("negotiate", {"strategies": ["bluff"]}, "body.strategies[0]"),
        ("stress", {"agreement": "a", "runs": 0}, "body.runs"),
        ("deals", {"colour": "red"}, "body.colour"),
        ("deals", {"seed": -3}, "body.seed"),
    ],
)
def test_malformed_parameters_answer_422(
    api: Api, small: str, kind: str, body: dict[str, Any], path: str
) -> None:
    """Check that parameters outside their schema answer 422 naming the field."""
    with api.client("ann") as ann:
        response = ann.post(f"/api/scenarios/{small}/analyses/{kind}", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["path"] == path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/runs/99999999999999999999"),
        ("GET", "/api/runs/0"),
        ("DELETE", "/api/tokens/99999999999999999999"),
    ],
)
def test_ids_outside_the_databases_range_are_refused(api: Api, method: str, path: str) -> None:
    """Check that an id no database column can hold is a 422 naming the field, not a 500."""
    with api.client("ann") as ann:
        response = ann.request(method, path)
    assert response.status_code == 422
    problem = response.json()["error"]["problems"][0]
    assert problem["path"].startswith("path.")


def test_runs_are_private_to_their_owner(api: Api, small: str) -> None:
    """Check that another user's run is 404, the list shows one's own, admins see all."""
    mine = run_job(api, small, "evaluate", {"proposal": "grab"})
    with api.client("bob") as bob, api.client("ada") as admin, api.client("ann") as ann:
        hidden = bob.get(mine["url"])
        assert hidden.status_code == 404
        assert hidden.json()["error"]["message"] == (
            f"No analysis run {mine['id']} of yours. List your runs with GET /api/runs."
        )
        assert bob.get("/api/runs/999999").status_code == 404
        assert mine["id"] not in [r["id"] for r in bob.get("/api/runs").json()["runs"]]
        listed = ann.get("/api/runs", params={"kind": "evaluate"}).json()["runs"]
        newest = ann.get("/api/runs", params={"limit": 1}).json()["runs"]
        assert [r["id"] for r in newest] == [ann.get("/api/runs").json()["runs"][0]["id"]]
        assert mine["id"] in [r["id"] for r in listed]
        assert all(r["owner"] == "ann" and "results" not in r for r in listed)
        assert [r["id"] for r in listed] == sorted((r["id"] for r in listed), reverse=True)
        assert admin.get(mine["url"]).status_code == 200
        everyone = admin.get("/api/runs", params={"everyone": True}).json()["runs"]
        assert mine["id"] in [r["id"] for r in everyone]
        not_admin = bob.get("/api/runs", params={"everyone": True}).json()["runs"]
        assert not_admin == bob.get("/api/runs").json()["runs"]
        # ?scenario= takes a reference, resolved for the user (ids are per owner).
        of_small = ann.get("/api/runs", params={"scenario": small}).json()["runs"]
        assert mine["id"] in [r["id"] for r in of_small]
        assert {r["scenario"] for r in of_small} == {small}
        assert ann.get("/api/runs", params={"scenario": "no-such"}).json()["runs"] == []


def test_progress_moves_while_a_long_run_works(api: Api) -> None:
    """Check that a stress test reports progress between 0 and 1, never going back."""
    seen: list[float] = []
    with api.client("ann") as ann:
        started = ann.post(
            "/api/scenarios/ukraine-2025/analyses/stress",
            json={"agreement": "monitored-phased-relief", "runs": 60_000, "seed": 1},
        ).json()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            document = ann.get(started["url"]).json()
            seen.append(document["progress"])
            if document["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.02)
    assert document["status"] == "succeeded", document["error"]
    assert seen == sorted(seen)
    assert any(0 < p < 1 for p in seen), seen
    assert seen[-1] == 1.0


def test_a_run_past_the_time_limit_fails_and_the_server_stays_responsive(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Check the time limit: the run is stopped, fails with a clear error, nothing hangs."""
    settings = WebSettings(db=str(tmp_path_factory.mktemp("limit")), job_seconds=1.0)
    with serving(settings) as server:
        store = server.app.state.store
        store.accounts.create_user("ann", PASSWORD, "analyst")
        token = store.accounts.create_token("ann", "t")[0]
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as ann:
            started = ann.post(
                "/api/scenarios/ukraine-2025/analyses/stress",
                json={"agreement": "monitored-phased-relief", "runs": 1_000_000},
            ).json()
            while ann.get(started["url"]).json()["status"] == "queued":
                time.sleep(0.02)
            before = time.monotonic()
            assert ann.get("/api/health").status_code == 200
            assert time.monotonic() - before < 0.5  # the server does not compute
            document = wait_for(ann, started["url"], timeout=30)
        assert server.app.state.jobs.running() == 0
    assert document["status"] == "failed"
    assert document["results"] is None
    assert document["error"] == {
        "type": "TimeLimitExceeded",
        "message": "The stress analysis took longer than the server's limit of 1 second and was "
        "stopped. Ask for less work (fewer runs or rounds), run it with the command line, or ask "
        "the administrator to raise the limit (peacetalks serve --job-seconds).",
    }
    assert 1.0 <= document["duration_seconds"] < 10


def test_unfinished_runs_fail_on_restart(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Check that runs a stopped server left queued or running are failed on the next start."""
    data = tmp_path_factory.mktemp("restart")
    with open_store(data) as store:
        store.accounts.create_user("ann", PASSWORD, "analyst")
        token = store.accounts.create_token("ann", "t")[0]
        text = SMALL.read_text(encoding="utf-8")
        store.save_scenario(text, owner="ann")
        queued = store.start_run(
            "evaluate", inputs={}, parameters={}, scenario_id="small", owner="ann"
        )
        running = store.start_run(
            "stress", inputs={}, parameters={}, scenario_id="small", owner="ann"
        )
        store.set_run_status(running.id, "running", progress=0.4)
        done = store.record_run(
            "evaluate", inputs={}, parameters={}, started_at=dt.datetime.now(dt.UTC), owner="ann"
        )
    with (
        serving(WebSettings(db=str(data))) as server,
        httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as ann,
    ):
        documents = [ann.get(f"/api/runs/{run.id}").json() for run in (queued, running, done)]
    for document in documents[:2]:
        assert document["status"] == "failed"
        assert document["error"] == {"type": "ServerRestarted", "message": RESTART_ERROR}
    assert documents[2]["status"] == "succeeded"


def test_stopping_the_server_fails_the_running_job(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Check that shutting down kills a running analysis and records why it failed."""
    data = tmp_path_factory.mktemp("stop")
    with serving(WebSettings(db=str(data), job_seconds=60)) as server:
        store = server.app.state.store
        store.accounts.create_user("ann", PASSWORD, "analyst")
        token = store.accounts.create_token("ann", "t")[0]
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as ann:
            started = ann.post(
                "/api/scenarios/ukraine-2025/analyses/stress",
                json={"agreement": "monitored-phased-relief", "runs": 1_000_000},
            ).json()
            while ann.get(started["url"]).json()["status"] != "running":
                time.sleep(0.02)
    with open_store(data) as store:
        run = store.run(started["id"])
    assert run.status == "failed"
    assert run.error == RESTART_ERROR


def test_jobs_run_a_few_at_a_time_within_each_users_quota(api: Api, small: str) -> None:
    """Check runs beyond the workers wait queued and all finish; one past the quota is 429."""
    # Each run takes a few seconds (~8 ms per negotiation), so none ends before the fifth.
    path = "/api/scenarios/ukraine-2025/analyses/negotiate"
    body = {"runs": 400, "seed": 1}
    with api.client("ann") as ann, api.client("bob") as bob:
        # The default quota is 4 runs queued or running per user, with 2 workers.
        accepted = [ann.post(path, json=body) for _ in range(4)]
        assert [r.status_code for r in accepted] == [202] * 4
        refused = ann.post(path, json=body)
        # Another user's runs are counted apart.
        other = bob.post(
            "/api/scenarios/ukraine-2025/analyses/evaluate", json={"proposal": "us-28-point"}
        )
        documents = [wait_for(ann, r.json()["url"]) for r in accepted]
        assert wait_for(bob, other.json()["url"])["status"] == "succeeded"
        again = ann.post(path, json=body)
        assert again.status_code == 202
        wait_for(ann, again.json()["url"])
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["type"] == "TooManyJobsError"
    assert error["message"].startswith("You have 4 analyses queued or running, the most")
    assert other.status_code == 202
    assert {d["status"] for d in documents} == {"succeeded"}
    assert len({json.dumps(d["results"], sort_keys=True) for d in documents}) == 1


def test_results_download_as_csv_and_xlsx(api: Api, small: str, tmp_path: Path) -> None:
    """Check a run's tables as CSV and its workbook: the same as the CLI's --csv, read back."""
    import io

    from openpyxl import load_workbook

    from peacetalks.formats.export import read_csv_table

    done = run_job(api, "ukraine-2025", "evaluate", {"proposal": "us-28-point"})
    index = tmp_path / "evaluate.csv"
    result = runner.invoke(
        cli, ["evaluate", "ukraine-2025", "-p", "us-28-point", "--csv", str(index)]
    )
    assert result.exit_code == 0, result.output
    with api.client("ann") as ann, api.client("bob") as bob:
        listed = ann.get(f"{done['url']}/tables").json()
        names = [t["name"] for t in listed["tables"]]
        assert names == [row["table"] for row in read_csv_table(index)]
        actors = ann.get(f"{done['url']}/tables/actors.csv")
        assert actors.status_code == 200
        assert actors.headers["content-type"].startswith("text/csv")
        assert "attachment" in actors.headers["content-disposition"]
        assert actors.text.replace("\r\n", "\n") == (tmp_path / "evaluate.actors.csv").read_text(
            encoding="utf-8"
        ).replace("\r\n", "\n")
        book = ann.get(listed["xlsx"])
        assert book.status_code == 200
        sheets = load_workbook(io.BytesIO(book.content), read_only=True)
        rows = list(sheets["actors"].iter_rows(values_only=True))
        assert [r[0] for r in rows[1:]] == [a["id"] for a in done["results"]["actors"]]
        missing = ann.get(f"{done['url']}/tables/nothing.csv")
        assert missing.status_code == 404
        assert (
            "has no table 'nothing'. Its tables: document, " in missing.json()["error"]["message"]
        )
        # Another user's run stays hidden, downloads included.
        assert bob.get(f"{done['url']}/tables").status_code == 404
        assert bob.get(listed["xlsx"]).status_code == 404
