"""The real server (``peacetalks serve``) and Debian's Chromium, driven by Playwright.

One server and one browser per session; every test gets a fresh browser context (no
cookies) whose page records console errors, uncaught exceptions and CSP violations, and
fails the test at teardown if there were any.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from peacetalks.scenario import dump_scenario, load_scenario
from peacetalks.storage import open_store
from tests.web.browser.harness import (
    ARTIFACTS,
    DESKTOP,
    OTHER_USER,
    PASSWORD,
    PRIVATE_ID,
    ROOT,
    USERNAME,
    Server,
    Watched,
    open_page,
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve_command(port: int, data: Path) -> list[str]:
    script = shutil.which("peacetalks", path=str(Path(sys.executable).parent))
    assert script is not None, "the console script is not installed next to this Python"
    return [script, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(data)]


def _private_scenario_text() -> str:
    scenario = load_scenario(ROOT / "tests" / "data" / "small.yaml")
    return dump_scenario(scenario.model_copy(update={"id": PRIVATE_ID, "title": "A private one"}))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start ``peacetalks serve`` on a free port with two users and a private scenario."""
    data = tmp_path_factory.mktemp("web-data")
    with open_store(data) as store:
        store.accounts.create_user(USERNAME, PASSWORD, role="analyst")
        store.accounts.create_user(OTHER_USER, PASSWORD, role="analyst")
        store.save_scenario(_private_scenario_text(), owner=OTHER_USER)
    port = _free_port()
    log = tmp_path_factory.mktemp("web-log") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _serve_command(port, data),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(url + "/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 30 s:\n{log.read_text()}")
            time.sleep(0.1)
        yield Server(url, data)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Return the folder for screenshots (git-ignored), made on first use."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def watched(browser: Browser, server: Server) -> Iterator[Watched]:
    """Return a watched desktop-sized page; fail the test if anything went wrong on it."""
    page = open_page(browser, server, DESKTOP)
    yield page
    page.page.context.close()
    assert page.problems() == []
