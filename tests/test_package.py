"""The package's public faces: __all__, the console script, the README's examples."""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    "peacetalks",
    "peacetalks.agreements",
    "peacetalks.analysis",
    "peacetalks.briefing",
    "peacetalks.cli",
    "peacetalks.formats",
    "peacetalks.forecasting",
    "peacetalks.institutions",
    "peacetalks.protocols",
    "peacetalks.report",
    "peacetalks.scenario",
    "peacetalks.storage",
    "peacetalks.web",
    "peacetalks.web.api",
    "peacetalks.web.pages",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_complete(name: str) -> None:
    """Check that __all__ is sorted, names only real objects, and covers the public names."""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    # isort-style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    for item in exported:
        assert hasattr(module, item), item
    public = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and not inspect.ismodule(value)
        and getattr(value, "__module__", "").startswith("peacetalks")
    }
    assert public <= set(exported)


def test_console_script_runs() -> None:
    """Check that the installed 'peacetalks' script starts and prints its help."""
    script = shutil.which("peacetalks", path=str(Path(sys.executable).parent))
    assert script is not None, "the console script is not installed next to this Python"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "analyze" in result.stdout


def test_module_entry_matches_script() -> None:
    """Check that the script entry point named in pyproject exists."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'peacetalks = "peacetalks.cli:main"' in text


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _console_examples() -> list[str]:
    return re.findall(r"^\$ peacetalks (.+)$", _readme(), flags=re.MULTILINE)


@pytest.mark.parametrize("line", _console_examples())
def test_readme_console_example(line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that each console example of the README runs and succeeds.

    They run in an empty folder, where the files they write (--csv, --xlsx) land.
    """
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, line.split())
    assert result.exit_code == 0, result.output


def test_readme_python_example(capsys: pytest.CaptureFixture[str]) -> None:
    """Check that the README's Python example runs."""
    blocks = re.findall(r"```python\n(.*?)```", _readme(), flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.startswith(("True", "False"))


def test_readme_quickstart_is_two_commands() -> None:
    """Check that the quickstart is two commands and .ci/run runs the second."""
    block = re.search(r"## Quickstart.*?```console\n(.*?)```", _readme(), flags=re.DOTALL)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert "peacetalks analyze" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_format_doc_names_every_field() -> None:
    """Check that docs/scenario-format.md mentions every field of every scenario record."""
    from peacetalks.scenario import models

    doc = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    missing = [
        f"{name}.{field}"
        for name in models.__all__
        for field in getattr(models, name).model_fields
        if f"`{field}`" not in doc and f"{field}:" not in doc
    ]
    assert missing == []
