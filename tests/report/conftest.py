"""Scenarios, a rendered report and Debian's Chromium (through Playwright) for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.formats.readers import read_scenario
from peacetalks.report.briefing import Briefing, build_briefing
from peacetalks.scenario.models import Scenario

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
# Few runs: the tests check structure and consistency, not the numbers' precision.
RUNS = 200


@pytest.fixture(scope="session")
def ukraine() -> Scenario:
    """Return the built-in scenario."""
    return read_scenario("ukraine-2025")


@pytest.fixture(scope="session")
def small() -> Scenario:
    """Return the small hand-checked scenario (no bodies, no agreements)."""
    return read_scenario(str(ROOT / "tests" / "data" / "small.yaml"))


@pytest.fixture(scope="session")
def ukraine_briefing(ukraine: Scenario) -> Briefing:
    """Return the briefing on the built-in scenario."""
    return build_briefing(ukraine, seed=3, runs=RUNS)


@pytest.fixture(scope="session")
def ukraine_report(ukraine_briefing: Briefing, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the path of the briefing on the built-in scenario, written to a file."""
    path = tmp_path_factory.mktemp("report") / "ukraine-2025.html"
    path.write_text(ukraine_briefing.html, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Return tests/artifacts (git-ignored), created if needed, for screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
