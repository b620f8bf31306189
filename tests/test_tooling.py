"""The code stays linted, formatted and strictly typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


PATHS = [p for p in ("src", "tests", "benchmarks") if (ROOT / p).is_dir()]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_check() -> None:
    """Check that ruff finds nothing."""
    result = _run("ruff", "check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    """Check that the code is formatted."""
    result = _run("ruff", "format", "--check", *PATHS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict() -> None:
    """Check that mypy --strict passes on src and tests."""
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_suite_needs_nothing_beside_the_repository() -> None:
    """Check that no test reads the developers' sibling data folder: its data ship here."""
    folder = "shared"
    patterns = (f'/ "{folder}"', f"/ '{folder}'", f'"../{folder}', f"'../{folder}")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(pattern in line for pattern in patterns)
    ]
    assert offenders == []
