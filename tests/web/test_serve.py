"""``peacetalks serve`` as a user runs it: a real uvicorn server in its own process."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.web._server import serve_command, start_server
from tests.web.conftest import wait_for

PASSWORD_LINE = re.compile(r"^  password: (\S+)$", re.MULTILINE)


@contextmanager
def _serve(data: Path, log: Path, *args: str) -> Iterator[str]:
    """Run ``peacetalks serve`` on a free port; give its URL once it answers."""
    server = start_server(data, log, extra=args)
    try:
        yield server.url
    finally:
        server.stop()
    # uvicorn shuts down cleanly, then re-raises the signal, as a terminated process should.
    assert server.process.returncode in (0, -signal.SIGTERM), server.output()
    assert "Application shutdown complete." in server.output()


def test_serve_first_run_creates_admin_and_serves_jobs(tmp_path: Path) -> None:
    """Check the first start: an admin with a printed password, sign-in, jobs, time limit."""
    data = tmp_path / "data"
    log = tmp_path / "first.log"
    with _serve(data, log, "--job-seconds", "1") as url:
        printed = log.read_text()
        found = PASSWORD_LINE.search(printed)
        assert found is not None, printed
        password = found.group(1)
        assert f"Sign in at {url}/login" in printed
        assert "  username: admin" in printed
        assert "The password is shown this once" in printed
        with httpx.Client(base_url=url, timeout=60) as client:
            login = client.post("/api/auth/login", json={"username": "admin", "password": password})
            assert login.status_code == 200
            assert login.json()["user"]["role"] == "admin"
            csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
            done = client.post(
                "/api/scenarios/ukraine-2025/analyses/evaluate?wait=true",
                json={"proposal": "roberts-2025"},
                headers=csrf,
            ).json()
            assert done["status"] == "succeeded"
            assert done["results"]["id"] == "roberts-2025"
            slow = client.post(
                "/api/scenarios/ukraine-2025/analyses/stress",
                json={"agreement": "monitored-phased-relief", "runs": 1_000_000},
                headers=csrf,
            )
            assert slow.status_code == 202
            failed = wait_for(client, slow.json()["url"], timeout=30)
            assert failed["status"] == "failed"
            assert failed["error"]["type"] == "TimeLimitExceeded"
            assert client.get("/login").status_code == 200
    again = tmp_path / "second.log"
    with _serve(data, again) as url:
        assert PASSWORD_LINE.search(again.read_text()) is None
        login = httpx.post(
            url + "/api/auth/login", json={"username": "admin", "password": password}
        )
        assert login.status_code == 200
        port = int(url.rsplit(":", 1)[1])
        taken = subprocess.run(
            serve_command(port, tmp_path / "other"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert taken.returncode == 1
    assert taken.stderr.strip() == (
        f"error: Port {port} on 127.0.0.1 is taken (is another server running?). Stop it, or "
        f"choose another port with --port, e.g. --port {port + 1}."
    )
    assert not (tmp_path / "other").exists()  # refused before opening any store
