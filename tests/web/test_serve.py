"""``peacetalks serve`` as a user runs it: a real uvicorn server in its own process."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import wait_for

PASSWORD_LINE = re.compile(r"^  password: (\S+)$", re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _command(*args: str) -> list[str]:
    script = shutil.which("peacetalks", path=str(Path(sys.executable).parent))
    assert script is not None, "the console script is not installed next to this Python"
    return [script, "serve", "--host", "127.0.0.1", *args]


@contextmanager
def _serve(data: Path, log: Path, *args: str) -> Iterator[str]:
    """Run ``peacetalks serve`` on a free port; give its URL once it answers."""
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            _command("--port", str(port), "--db", str(data), *args),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"no answer within 60 s:\n{log.read_text()}"
            time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"the server did not stop on SIGTERM:\n{log.read_text()}")
    # uvicorn shuts down cleanly, then re-raises the signal, as a terminated process should.
    assert code in (0, -signal.SIGTERM), log.read_text()
    assert "Application shutdown complete." in log.read_text()


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
            _command("--port", str(port), "--db", str(tmp_path / "other")),
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
