"""The server keeps answering while analyses run: a bounded burst on loopback, no errors.

A real ``peacetalks serve`` starts two long negotiations as jobs (far more runs than the
test lasts: each would take minutes), waits until both run, then fires a bounded burst of
concurrent requests at it (scenario list and reads, run status, and quick evaluate jobs
that wait for their result). Every request must be answered with 2xx, and both long
analyses must still be running when the burst is over: the server answered throughout
while they computed. The test asserts no timing; ``benchmarks/bench_load.py`` measures.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from peacetalks.storage import open_store
from tests.web._load import (
    long_analyses,
    read_targets,
    run_burst,
    scenario_text,
    wait_for_status,
)
from tests.web._server import serving_process

USERNAME = "loader"
PASSWORD = "correct horse battery staple"
SCENARIO_ID = "load-small"
CLIENTS = 8
REQUESTS = 240
# A bound only: the burst takes a few seconds; the long analyses would take minutes.
BURST_SECONDS = 120.0
# Two workers for the long analyses, two for the quick evaluates.
# One account stands for many clients, so the per-user job quota is raised.
SERVE_OPTIONS = ("--job-workers", "4", "--job-seconds", "3600", "--job-quota", "1000")


def test_server_answers_while_analyses_run(tmp_path: Path) -> None:
    """Every request of a concurrent burst is answered 2xx while two long analyses run."""
    data = tmp_path / "data"
    with open_store(data) as store:
        store.accounts.create_user(USERNAME, PASSWORD, role="analyst")
        token, _ = store.accounts.create_token(USERNAME, "load test")
        store.save_scenario(scenario_text(SCENARIO_ID, "Load test"), owner=USERNAME)
    headers = {"Authorization": f"Bearer {token}"}
    with (
        serving_process(data, tmp_path / "server.log", extra=SERVE_OPTIONS) as server,
        httpx.Client(base_url=server.url, headers=headers, timeout=60) as client,
    ):
        run_ids = long_analyses(client)
        wait_for_status(client, run_ids, "running")
        targets = read_targets(SCENARIO_ID, "split", run_ids)
        burst = run_burst(
            server.url, token, targets, total=REQUESTS, clients=CLIENTS, seconds=BURST_SECONDS
        )
        after = [client.get(f"/api/runs/{i}").json() for i in run_ids]
        evaluations = client.get("/api/runs", params={"kind": "evaluate"}).json()["runs"]
    assert burst.samples == []
    assert burst.sent == REQUESTS
    assert burst.answered == REQUESTS
    assert burst.errors == 0
    assert set(burst.statuses) == {200}
    assert [run["status"] for run in after] == ["running", "running"]
    assert len(evaluations) == REQUESTS // len(targets)
    assert {run["status"] for run in evaluations} == {"succeeded"}
