"""The backtest command on the DEU III data, and forecasts from table files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from tests.conftest import DATA

runner = CliRunner()
DEU = DATA / "deu" / "deu3_blksv.csv"
EMISSION = DATA / "bdm" / "emission_standards_BDM1994_dmasad.csv"


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_backtest_compromise_matches_reported_baseline() -> None:
    """Check the compromise model's MAE on DEU III against the reported 23.2 (GDP capability)."""
    data = _json(["backtest", str(DEU), "--model", "compromise", "--json"])
    (entry,) = data["models"]
    assert entry["name"] == "compromise"
    assert entry["mae"] == pytest.approx(23.2, abs=0.3)
    assert data["n_issues"] == 353
    assert entry["band80"] == pytest.approx(38.35, abs=0.01)
    assert entry["coverage80"] == pytest.approx(281 / 353)
    assert len(entry["fold_band80"]) == 10


def test_backtest_median_matches_reported_baseline() -> None:
    """Check the weighted median's MAE on DEU III against the reported 27.6."""
    (entry,) = _json(["backtest", str(DEU), "--model", "median", "--json"])["models"]
    assert entry["mae"] == pytest.approx(27.6, abs=0.3)


@pytest.mark.slow
def test_backtest_all_models() -> None:
    """Check that --model all scores every model, the same for the same seed."""
    args = ["backtest", str(DEU), "--model", "all", "--folds", "5", "--seed", "1", "--json"]
    first = _json(args)
    assert {m["name"] for m in first["models"]} == {
        "compromise",
        "median",
        "nash",
        "bdm",
        "bdm-scholz",
        "procedural",
        "smp",
    }
    assert first == _json(args)
    procedural = next(m for m in first["models"] if m["name"] == "procedural")
    assert procedural["tuned"] is True
    assert len(procedural["fold_mae"]) == 5
    for entry in first["models"]:
        # The band learned on four folds holds 80% +- 5 points of the fifth's outcomes.
        assert 0.75 <= entry["coverage80"] <= 0.85, entry["name"]


def test_backtest_errors(tmp_path: Path) -> None:
    """Check the messages for an unknown model and a file without outcomes."""
    result = runner.invoke(app, ["backtest", str(DEU), "--model", "oracle"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: unknown model 'oracle'. Expected one of: compromise")
    result = runner.invoke(app, ["backtest", str(EMISSION)])
    assert result.exit_code == 1
    assert "the file has no outcomes to test against" in result.stderr


def test_forecast_bdm_csv_rounds_and_eu() -> None:
    """Check forecast --json on the emission CSV: rounds with median, mean, positions, eu pairs."""
    data = _json(["forecast", str(EMISSION), "--model", "bdm-scholz", "--rounds", "3", "--json"])
    assert len(data["rounds"]) == 4
    last = data["rounds"][-1]
    assert isinstance(last["median"], float)
    assert set(last["positions"]) >= {"Netherlands", "France", "UK"}
    assert len(last["eu"]) == 10 * 9
    assert set(last["eu"][0]) == {"issue", "i", "j", "eu_i", "eu_j"}
    assert data["issues"][0]["forecast"] == pytest.approx(last["median"], abs=10)


def test_forecast_table_errors(tmp_path: Path) -> None:
    """Check that a malformed table file is refused with the file and line named."""
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,-1,4,50\nB,1,5\n", encoding="utf-8")
    result = runner.invoke(app, ["forecast", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv, line 2, column 2 (Capability): capability -1 is not positive." in result.stderr
    assert "bad.csv, line 3: mismatched columns" in result.stderr
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["forecast", str(other)])
    assert result.exit_code == 1
    assert "the file is not a table peacetalks reads" in result.stderr


def test_backtest_text_shows_band_and_coverage() -> None:
    """Check that the text backtest shows the 80% band and its held-out coverage."""
    result = runner.invoke(app, ["backtest", str(DEU), "--model", "compromise"])
    assert result.exit_code == 0, result.output
    assert "80% band" in result.stdout
    assert "+/-38.4" in result.stdout
    assert "79.6%" in result.stdout


def test_forecast_all_on_a_table_file_has_no_options_or_deal() -> None:
    """Check --model all on a BDM CSV: every model and its band, no nearest option, no deal."""
    data = _json(["forecast", str(EMISSION), "--model", "all", "--json"])
    assert len(data["models"]) == 7
    assert "bundle" not in data
    for model in data["models"]:
        (entry,) = model["issues"]
        assert "nearest" not in entry
        assert "verdict" not in model
        low, high = entry["band80"]
        assert data["spread"][0]["low"] <= entry["forecast"] <= data["spread"][0]["high"]
        assert low <= entry["forecast"] <= high
    result = runner.invoke(app, ["forecast", str(EMISSION), "--model", "all"])
    assert result.exit_code == 0, result.output
    assert "nearest option" not in result.stdout
