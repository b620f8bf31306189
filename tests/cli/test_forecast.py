"""The forecast command, through Typer's runner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app

runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_forecast_json_keys() -> None:
    """Check forecast --json: issues with id and forecast, nearest option for scenarios."""
    data = _json(["forecast", "ukraine-2025", "--model", "compromise", "--json"])
    assert data["model"] == "compromise"
    assert [e["id"] for e in data["issues"]][:2] == ["territory", "kursk-sumy"]
    for entry in data["issues"]:
        assert 0 <= entry["forecast"] <= 100
        assert isinstance(entry["nearest_option"], str)
    assert "rounds" not in data


def test_forecast_monte_carlo_by_seed() -> None:
    """Check that --runs adds p5/p50/p95 and a histogram, the same for the same seed."""
    args = ["forecast", "ukraine-2025", "--runs", "500", "--seed", "3", "--json"]
    first, second = _json(args), _json(args)
    assert first == second
    for entry in first["issues"]:
        assert entry["p5"] <= entry["p50"] <= entry["p95"]
        assert sum(entry["histogram"]["counts"]) == 500
    assert first["monte_carlo"] == {"runs": 500, "seed": 3, "distribution": "triangular"}


def test_forecast_sensitivity_and_what_if() -> None:
    """Check the tornado per issue and the what-if comparison."""
    data = _json(
        [
            "forecast",
            "ukraine-2025",
            "--sensitivity",
            "--drop",
            "russia",
            "--salience",
            "ukraine:territory=1",
            "--json",
        ]
    )
    assert data["issues"][0]["tornado"][0]["swing"] > 0
    assert data["what_if"]["drop"] == ["russia"]
    assert data["what_if"]["saliences"] == [
        {"actor": "ukraine", "issue": "territory", "salience": 1.0}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "oracle"], "error: unknown model 'oracle'. Expected one of: compromise, "),
        (
            ["--salience", "ukraine=1"],
            "error: The '--salience' option must look like ACTOR:ISSUE=VALUE",
        ),
        (
            ["--salience", "ukraine:territory=3"],
            "error: The '--salience' value must be in [0, 1]. Got 3",
        ),
        (["--drop", "atlantis"], "error: unknown actor 'atlantis' to drop."),
        (
            ["--distribution", "normal"],
            "error: The '--distribution' option must be triangular or uniform.",
        ),
    ],
)
def test_forecast_errors(args: list[str], message: str) -> None:
    """Check that bad forecast options give one message on stderr and exit 1."""
    result = runner.invoke(app, ["forecast", "ukraine-2025", *args])
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr


def test_forecast_text() -> None:
    """Check the readable forecast output."""
    result = runner.invoke(app, ["forecast", "ukraine-2025", "--model", "median"])
    assert result.exit_code == 0
    assert "Forecast by the median model (ukraine-2025)" in result.stdout


def test_analyze_json_has_forecast() -> None:
    """Check that analyze --json carries the forecast with its uncertainty."""
    data = _json(["analyze", "--json"])
    entry = data["forecast"]["issues"][0]
    assert entry["p5"] <= entry["forecast"] <= entry["p95"]
