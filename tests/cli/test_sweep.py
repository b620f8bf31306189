"""The sweep command, and forecasts of KTAB SMP XML files, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from peacetalks.cli import app
from tests.conftest import DATA

SMP = DATA / "ktab" / "smp"
runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_sweep_monte_carlo_json_by_seed() -> None:
    """Check sweep --json: one point with p5/p50/p95 per issue, the same for the same seed."""
    args = ["sweep", "ukraine-2025", "--runs", "100", "--seed", "2", "--workers", "0", "--json"]
    first, second = _json(args), _json(args)
    assert first == second
    assert first["sweep"]["backend"] == "serial"
    assert first["sweep"]["seed"] == 2
    (point,) = first["points"]
    assert point["parameters"] == {}
    for entry in point["issues"]:
        assert entry["p5"] <= entry["p50"] <= entry["p95"]


def test_sweep_spec_on_smp_xml(tmp_path: Path) -> None:
    """Check a KTAB-style specification on an SMP XML file, and the readable output."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "parameters:\n  capability:SActor-00: {min: 50, delta: 100, max: 150}\n", encoding="utf-8"
    )
    args = ["sweep", str(SMP / "dummyData_3Dim.xml"), "--model", "smp", "--spec", str(spec)]
    data = _json([*args, "--workers", "0", "--json"])
    assert [p["parameters"] for p in data["points"]] == [
        {"capability:SActor-00": 50.0},
        {"capability:SActor-00": 150.0},
    ]
    result = runner.invoke(app, [*args, "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "Sweep of the smp model (DummyData_3Dim): 2 point(s)" in result.stdout


def test_sweep_errors() -> None:
    """Check that bad options print one message and exit with 1."""
    result = runner.invoke(app, ["sweep", "ukraine-2025", "--model", "nope"])
    assert result.exit_code == 1
    assert "unknown model 'nope'" in result.stderr


def test_forecast_smp_xml_uses_its_parameters() -> None:
    """Check that forecast runs an SMP XML file with its own sub-models, and --seed wins."""
    path = str(SMP / "smpExample_at_06542ee.xml")
    data = _json(["forecast", path, "--model", "smp", "--json"])
    assert data["parameters"]["voting_rule"] == "PropCbc"
    assert data["parameters"]["transitions"] == "Stochastic"
    assert data["parameters"]["seed"] == 3507583219545544127
    assert data["turns"][1]["positions"]["Alice"]["FirstDim"] == 64.11
    seeded = _json(["forecast", path, "--model", "smp", "--seed", "7", "--json"])
    assert seeded["parameters"]["seed"] == 7


def test_forecast_smp_seed_from_the_command_line() -> None:
    """Check that --seed reaches the SMP model of a CSV input."""
    path = str(SMP / "dummyData_3Dim.csv")
    data = _json(["forecast", path, "--model", "smp", "--seed", "9", "--json"])
    assert data["parameters"]["seed"] == 9
