"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


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
