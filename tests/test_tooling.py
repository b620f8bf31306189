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


def _pins(path: Path) -> dict[str, str]:
    """Return ``{normalized name: version}`` of a requirements file's ``name==version`` lines."""
    from packaging.utils import canonicalize_name

    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_the_lock_pins_every_dependency_within_pyprojects_ranges() -> None:
    """Check requirements/lock.txt pins each dependency and test tool inside its range."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins(ROOT / "requirements" / "lock.txt")
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not pinned in requirements/lock.txt"
        assert pins[name] in requirement.specifier, f"{name}=={pins[name]} is not in {text!r}"


def test_no_dependency_can_be_a_release_with_a_known_vulnerability() -> None:
    """Check pyproject's minimums and the lock both meet requirements/security-minimums.txt."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        canonicalize_name(Requirement(r).name): Requirement(r) for r in project["dependencies"]
    }
    pins = _pins(ROOT / "requirements" / "lock.txt")
    lines = (ROOT / "requirements" / "security-minimums.txt").read_text(encoding="utf-8")
    floors = [
        Requirement(x.split("#", 1)[0]) for x in lines.splitlines() if x.split("#", 1)[0].strip()
    ]
    assert len(floors) >= 5
    for floor in floors:
        name = canonicalize_name(floor.name)
        (minimum,) = [Version(s.version) for s in floor.specifier]
        assert Version(pins[name]) >= minimum, f"the lock pins {name} {pins[name]} < {minimum}"
        if name in declared:
            lows = [Version(s.version) for s in declared[name].specifier if s.operator == ">="]
            assert lows, f"pyproject gives {name} no minimum"
            assert max(lows) >= minimum, f"pyproject lets {name} go below {minimum}"
