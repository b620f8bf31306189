"""The ``peacetalks report`` command, through Typer's runner (PDF through real Chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.report.pdf import CHROMIUM_NAMES

HAS_CHROMIUM = any(shutil.which(name) for name in CHROMIUM_NAMES)


def test_report_writes_the_briefing(tmp_path: Path) -> None:
    """Check that the command writes a self-contained HTML file and says where."""
    output = tmp_path / "briefing.html"
    result = CliRunner().invoke(
        app, ["report", "ukraine-2025", "-o", str(output), "--runs", "100", "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<title>Russia-Ukraine peace talks, 2025: briefing</title>" in text
    charts = text.count('class="pt-chart"')
    assert charts > 15  # four kinds, one positions chart per issue, the series' timeline
    assert f"wrote {output} ({output.stat().st_size:,} bytes, {charts} charts)" in result.stdout
    assert "seed 1, 100 Monte Carlo runs" in text


def test_report_json_lists_the_charts(tmp_path: Path, small_path: Path) -> None:
    """Check the --json document: output, format, size and the charts' ids and titles."""
    output = tmp_path / "small.html"
    result = CliRunner().invoke(
        app, ["report", str(small_path), "--output", str(output), "--runs", "20", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["output"] == str(output)
    assert data["format"] == "html"
    assert data["bytes"] == output.stat().st_size
    assert [c["id"] for c in data["charts"]] == [
        "chart-pareto",
        "chart-forecast",
        "chart-positions-border",
        "chart-positions-trade",
    ]
    assert data["charts"][0]["title"] == "Deal space seen by North and South"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["no-such-scenario"],
            "error: no scenario 'no-such-scenario': no such file, and no built-in scenario has "
            "that id.",
        ),
        (
            ["ukraine-2025", "--runs", "0"],
            "error: The '--runs' option must be an int in [1, 1,000,000]. Got 0 instead.",
        ),
        (
            ["ukraine-2025", "--seed", "-2"],
            "error: The '--seed' option must be an int >= 0. Got -2 instead.",
        ),
    ],
)
def test_report_refuses_bad_input(tmp_path: Path, arguments: list[str], message: str) -> None:
    """Check the one-line errors (no traceback) and that nothing is written."""
    output = tmp_path / "out.html"
    result = CliRunner().invoke(app, ["report", *arguments, "-o", str(output)])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not output.exists()


def test_report_refuses_a_missing_folder(tmp_path: Path) -> None:
    """Check the message when the output's folder does not exist, or is a folder itself."""
    missing = tmp_path / "nowhere" / "out.html"
    result = CliRunner().invoke(app, ["report", "ukraine-2025", "-o", str(missing)])
    assert result.exit_code == 1
    assert "which does not exist. Create the folder first" in " ".join(result.output.split())
    result = CliRunner().invoke(app, ["report", "ukraine-2025", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "is a directory. Give a file name" in " ".join(result.output.split())


def test_report_needs_an_output() -> None:
    """Check that -o is required."""
    result = CliRunner().invoke(app, ["report", "ukraine-2025"])
    assert result.exit_code == 2
    assert "--output" in result.output


def test_pdf_without_chromium_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check the message when no Chromium is on PATH."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PEACETALKS_CHROMIUM", raising=False)
    output = tmp_path / "out.pdf"
    result = CliRunner().invoke(app, ["report", "ukraine-2025", "-o", str(output), "--pdf"])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "Printing to PDF needs Chromium, and none was found on PATH" in message
    assert "sudo apt-get install chromium" in message
    assert not output.exists()


@pytest.mark.skipif(
    not HAS_CHROMIUM and not os.environ.get("CI"),
    reason="Chromium is not installed (under CI this is a failure)",
)
def test_report_prints_to_pdf(tmp_path: Path, small_path: Path) -> None:
    """Check that --pdf writes a PDF with real Chromium."""
    output = tmp_path / "small.pdf"
    result = CliRunner().invoke(
        app, ["report", str(small_path), "-o", str(output), "--runs", "20", "--pdf", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "pdf"
    content = output.read_bytes()
    assert content.startswith(b"%PDF-")
    assert data["bytes"] == len(content)
    assert content.rstrip().endswith(b"%%EOF")
    # Several pages: the briefing and its charts, printed after the charts were drawn.
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", content)) >= 3
