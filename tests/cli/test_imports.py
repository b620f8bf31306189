"""Start-up: a command imports only what it uses (checked in a subprocess, not timed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "tests" / "data" / "small.yaml")
WEB = ("fastapi", "sqlalchemy", "alembic", "uvicorn", "jinja2", "starlette")

# Run the command as the installed script does, then list the modules it loaded.
_PROBE = """
import json, sys
sys.argv = ["peacetalks", *json.loads(sys.argv[1])]
from peacetalks.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def _loaded(args: list[str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=300,
    )
    line = result.stderr.rsplit("MODULES ", 1)
    assert len(line) == 2, result.stderr
    modules: set[str] = set(json.loads(line[1]))
    return modules


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["evaluate", "--help"], ["lint", "--help"]]
)
def test_version_and_help_import_no_computation(args: list[str]) -> None:
    """Check that --version and --help load neither NumPy, pydantic, YAML, Rich nor the web stack."""
    loaded = _loaded(args)
    heavy = {"numpy", "pydantic", "yaml", "rich", *WEB}
    assert not heavy & {m.split(".")[0] for m in loaded}
    if args == ["--version"]:
        assert "typer" not in loaded


def test_listing_scenarios_validates_nothing() -> None:
    """Check that 'scenarios' reads the headers only: no NumPy, no pydantic models."""
    loaded = {m.split(".")[0] for m in _loaded(["scenarios", "--json"])}
    assert "peacetalks" in loaded
    assert not {"numpy", "pydantic"} & loaded


@pytest.mark.parametrize(
    ("args", "own"),
    [
        (["evaluate", SMALL, "--proposal", "grab"], "peacetalks.cli.commands"),
        (["deals", SMALL, "--nash"], "peacetalks.cli.deals"),
        (["power", "unsc"], "peacetalks.cli.institutions"),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_a_command_imports_no_other_command(args: list[str], own: str) -> None:
    """Check that running one command neither imports nor needs the other commands' modules."""
    others = {
        "peacetalks.cli.agreements",
        "peacetalks.cli.backtest",
        "peacetalks.cli.deals",
        "peacetalks.cli.forecast",
        "peacetalks.cli.institutions",
        "peacetalks.cli.lint",
        "peacetalks.cli.negotiate",
        "peacetalks.cli.report",
        "peacetalks.cli.serve",
        "peacetalks.cli.sweep",
        "peacetalks.cli.territory",
    } - {own}
    loaded = _loaded(args)
    assert own in loaded
    assert not others & loaded


def test_help_lists_every_command_in_order() -> None:
    """Check that --help names each command once, in the order of the registry."""
    from peacetalks.cli.commands import _COMMANDS

    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(["--help"])],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=300,
    )
    rows = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    assert [row.split()[0] for row in rows] == list(_COMMANDS)


def test_the_command_line_collects_cycles_less_often_and_not_at_exit() -> None:
    """Check main() raises the young-generation threshold and freezes the heap at exit."""
    # Exit handlers run last-registered first: one registered before main() runs after
    # the freeze, and one registered after it runs before.
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('after', gc.get_freeze_count() > 0))\n"
        "from peacetalks.cli import main\n"
        "sys.argv = ['peacetalks', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "atexit.register(lambda: print('before', gc.get_freeze_count() > 0))\n"
        "print('threshold', gc.get_threshold()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.splitlines()[-3:] == ["threshold 50000", "before False", "after True"]


@pytest.mark.parametrize(
    "args",
    [
        ["scenarios"],
        ["show", SMALL],
        ["validate", SMALL],
        ["schema"],
        ["evaluate", SMALL, "--proposal", "grab"],
        ["deals", SMALL, "--nash"],
        ["forecast", SMALL, "--model", "compromise"],
        ["sweep", SMALL, "--model", "compromise", "--workers", "0"],
        ["power", "unsc"],
        ["ratify", "ukraine-2025", "--proposal", "us-28-point", "--runs", "100"],
        ["negotiate", SMALL, "--runs", "2"],
        ["stress", "ukraine-2025", "-a", "monitored-phased-relief", "--runs", "50"],
    ],
    ids=lambda args: args[0],
)
def test_commands_do_not_import_the_web_stack(args: list[str]) -> None:
    """Check that no command but serve and report loads the web server or the database."""
    loaded = {m.split(".")[0] for m in _loaded(args)}
    assert "peacetalks" in loaded  # the command ran
    assert not set(WEB) & loaded


@pytest.mark.parametrize(("preset", "expected"), [(None, "1"), ("2", "2")])
def test_the_command_line_asks_blas_for_one_thread_unless_told(
    preset: str | None, expected: str
) -> None:
    """Check OPENBLAS_NUM_THREADS is 1 in a command unless the user set it."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset is not None:
        env["OPENBLAS_NUM_THREADS"] = preset
    code = (
        "import os, sys\n"
        "from peacetalks.cli import main\n"
        "sys.argv = ['peacetalks', '--version']\n"
        "main()\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.splitlines()[-1] == expected
