"""Fixtures of the storage tests: a fresh store in a temporary data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peacetalks.scenario import resolve_scenario_path
from peacetalks.storage import Store, open_store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a data directory that does not exist yet."""
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    """Return a store opened in a fresh data directory, closed after the test."""
    with open_store(data_dir) as opened:
        yield opened


@pytest.fixture
def ukraine_text() -> str:
    """Return the YAML text of the built-in 'ukraine-2025' scenario."""
    return resolve_scenario_path("ukraine-2025").read_text(encoding="utf-8")
