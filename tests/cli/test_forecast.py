"""The forecast command, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.forecasting.calibration import deu_accuracy
from peacetalks.forecasting.registry import MODELS

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


def test_forecast_says_how_good_the_model_is() -> None:
    """Check that a forecast carries its model's DEU error, an 80% band and each actor's pull."""
    data = _json(["forecast", "ukraine-2025", "--model", "compromise", "--json"])
    stored = deu_accuracy().models["compromise"]
    assert data["deu_mae"] == stored.mae
    assert data["out_of_sample"]["coverage80"] == stored.coverage80
    assert data["out_of_sample"]["n_issues"] == 353
    for entry in data["issues"]:
        low, high = entry["band80"]
        assert low <= entry["forecast"] <= high
        assert high - low <= 2 * stored.band80 + 1e-9
        pulls = [p["pull"] for p in entry["pull"]]
        assert sum(pulls) == pytest.approx(0.0, abs=1e-9)
        assert sum(p["share"] * p["position"] for p in entry["pull"]) == pytest.approx(
            entry["forecast"]
        )
    territory = data["issues"][0]
    assert territory["band80"][0] == pytest.approx(territory["forecast"] - stored.band80)


def test_forecast_all_models_json() -> None:
    """Check forecast --model all --json: every model with its DEU error, bands, nearest option, spread."""
    data = _json(["forecast", "ukraine-2025", "--model", "all", "--json"])
    assert data["model"] == "all"
    names = [m["name"] for m in data["models"]]
    assert sorted(names) == sorted(MODELS)
    errors = [m["deu_mae"] for m in data["models"]]
    assert errors == sorted(errors)
    assert data["bundle_model"] == names[0]
    assert data["out_of_sample"]["n_issues"] == 353
    for model in data["models"]:
        assert model["deu_mae"] == deu_accuracy().models[model["name"]].mae
        for entry in model["issues"]:
            assert {"id", "forecast", "band80", "nearest", "pull"} <= set(entry)
            assert entry["band80"][0] <= entry["forecast"] <= entry["band80"][1]
            assert isinstance(entry["nearest"], str)
    for i, spread in enumerate(data["spread"]):
        values = {m["name"]: m["issues"][i]["forecast"] for m in data["models"]}
        assert spread["low"] == min(values.values()) == values[spread["lowest"]]
        assert spread["high"] == max(values.values()) == values[spread["highest"]]
        assert spread["width"] == pytest.approx(spread["high"] - spread["low"])


def test_forecast_all_matches_each_single_model() -> None:
    """Check that --model all gives each model the forecast, band and nearest option it gives alone."""
    every = _json(["forecast", "ukraine-2025", "--model", "all", "--json"])
    for name in ("nash", "bdm-scholz"):
        alone = _json(["forecast", "ukraine-2025", "--model", name, "--json"])
        entry = next(m for m in every["models"] if m["name"] == name)
        for one, side in zip(alone["issues"], entry["issues"], strict=True):
            assert (one["forecast"], one["band80"], one["nearest_option"], one["pull"]) == (
                side["forecast"],
                side["band80"],
                side["nearest"],
                side["pull"],
            )
        assert entry["verdict"]["passes"] == alone["bundle"]["passes"]
        assert entry["verdict"]["blockers"] == alone["bundle"]["blockers"]


@pytest.mark.parametrize("args", [["--model", "all"], ["--model", "nash"]])
def test_forecast_bundle_is_what_evaluate_says(args: list[str], tmp_path: Path) -> None:
    """Check that the deal of the nearest options is judged exactly as evaluate --deal judges it."""
    data = _json(["forecast", "ukraine-2025", *args, "--json"])
    bundle = data["bundle"]
    deal = tmp_path / "deal.yaml"
    deal.write_text(yaml.safe_dump(bundle["deal"]), encoding="utf-8")
    evaluated = _json(["evaluate", "ukraine-2025", "--deal", str(deal), "--json"])
    assert evaluated["title"] == str(deal)
    assert bundle["title"].startswith("options nearest to the ")
    # Only the label differs: evaluate names the deal by its file.
    relabelled = json.loads(json.dumps(evaluated).replace(str(deal), bundle["title"]))
    assert bundle == relabelled
    if args[1] == "all":
        nearest = {e["id"]: e["nearest"] for e in data["models"][0]["issues"]}
    else:
        nearest = {e["id"]: e["nearest_option"] for e in data["issues"]}
    assert bundle["deal"] == nearest


def test_forecast_all_text() -> None:
    """Check the readable side-by-side table: errors, bands, spread and the deal's verdict."""
    result = runner.invoke(app, ["forecast", "ukraine-2025", "--model", "all"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Forecasts by every model (ukraine-2025)" in out
    assert "DEU error" in out
    assert "band held" in out
    assert out.count("spread") >= 10
    for name in MODELS:
        assert name in out
    assert "The deal of each model's nearest options" in out
    assert "model's nearest options (the smallest DEU error):" in out
    assert "red lines crossed:" in out


def test_forecast_text_explains_accuracy_and_pull() -> None:
    """Check that the text forecast states the model's DEU error, the band and who pulls."""
    result = runner.invoke(app, ["forecast", "ukraine-2025", "--model", "compromise"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "this model was off by 23.2 points on average" in out
    assert "80% band" in out
    assert "Who moves each forecast" in out
    assert "territory 74.6: pulled up by russia" in out
    assert "The deal of the nearest options:" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--runs", "100"],
            "error: The '--model all' forecast compares the models' point forecasts and takes no --runs. Got --runs; run one model at a time for those.",
        ),
        (
            ["--sensitivity", "--drop", "russia"],
            "error: The '--model all' forecast compares the models' point forecasts and takes no --sensitivity, --drop. Got --sensitivity, --drop; run one model at a time for those.",
        ),
    ],
)
def test_forecast_all_refuses_per_model_options(args: list[str], message: str) -> None:
    """Check that --model all refuses the options that belong to one model's forecast."""
    result = runner.invoke(app, ["forecast", "ukraine-2025", "--model", "all", *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
