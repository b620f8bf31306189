"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.chromium import CHROMIUM, CHROMIUM_ARGS

DATA = Path(__file__).parent / "data"


@pytest.fixture
def small_path() -> Path:
    """Return the path of the small hand-checked scenario."""
    return DATA / "small.yaml"


@pytest.fixture
def small_text(small_path: Path) -> str:
    """Return the text of the small hand-checked scenario."""
    return small_path.read_text(encoding="utf-8")


@pytest.fixture
def rng() -> np.random.Generator:
    """Return a seeded generator, so that random tests are reproducible."""
    return np.random.default_rng(20250212)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium once per test session (Playwright's sync API allows one)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
