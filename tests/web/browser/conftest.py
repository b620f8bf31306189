"""The real server (``peacetalks serve``) and Debian's Chromium, driven by Playwright.

One server and one browser per session; every test gets a fresh browser context (no
cookies) whose page records console errors, uncaught exceptions and CSP violations, and
fails the test at teardown if there were any.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from peacetalks.scenario import dump_scenario, load_scenario
from peacetalks.storage import open_store
from tests.web._server import serving_process
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
    log = tmp_path_factory.mktemp("web-log") / "server.log"
    with serving_process(data, log) as running:
        yield Server(running.url, data)


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
