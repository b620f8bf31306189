"""The stress and track commands, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from tests.agreements.conftest import AGREEMENTS

runner = CliRunner()
BASE = "monitored-phased-relief"
OTHER = "oil-first-un-peacekeepers"


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def truce_path(tmp_path: Path, small_text: str) -> Path:
    """Return a file with the small scenario and its 'truce' agreement."""
    path = tmp_path / "truce.yaml"
    path.write_text(small_text + AGREEMENTS, encoding="utf-8")
    return path


def test_stress_json() -> None:
    """Check stress --json: phases with reach probabilities, survival with bands."""
    data = _json(
        ["stress", "ukraine-2025", "--agreement", BASE, "--runs", "500", "--seed", "1", "--json"]
    )
    assert data["agreement"] == BASE
    reach = [p["reach_probability"] for p in data["phases"]]
    assert reach[0] == 1.0
    assert reach == sorted(reach, reverse=True)
    given = data["survival_given_signature"]
    assert given[0]["t"] == 0
    assert given[0]["p"] == 1.0
    assert all(s["low"] <= s["p"] <= s["high"] for s in given)
    assert [s["p"] for s in given] == sorted((s["p"] for s in given), reverse=True)
    assert data["seed"] == 1
    # Overall survival is the chance of signing times the survival given signature.
    overall = data["survival"]
    assert len(overall) == len(given)
    for point, cond in zip(overall, given, strict=True):
        assert point["p"] == pytest.approx(data["p_sign"] * cond["p"])
        assert point["low"] <= point["p"] <= point["high"]


@pytest.mark.parametrize("agreement", [BASE, OTHER])
def test_stress_states_whether_the_deal_is_signed(tmp_path: Path, agreement: str) -> None:
    """Check that stress uses evaluate's and ratify's verdicts on the agreement's deal."""
    stress = _json(["stress", "ukraine-2025", "-a", agreement, "--runs", "500", "--json"])
    sign = stress["signature"]
    deal = tmp_path / "deal.json"
    deal.write_text(json.dumps(sign["deal"]), encoding="utf-8")
    evaluation = _json(["evaluate", "ukraine-2025", "--deal", str(deal), "--runs", "500", "--json"])
    assert sign["deal"] == evaluation["deal"]
    assert sign["passes"] == evaluation["passes"]
    assert sign["blockers"] == evaluation["blockers"]
    assert sign["p_pass"] == evaluation["p_pass"]
    assert stress["p_sign"] <= sign["p_pass"]
    assert not sign["signed"]
    assert "would not be signed" in sign["warning"]


def test_stress_is_reproducible() -> None:
    """Check that the same seed prints the same document."""
    args = ["stress", "ukraine-2025", "-a", OTHER, "--runs", "300", "--seed", "5", "--json"]
    assert _json(args) == _json(args)


def test_stress_compare_json() -> None:
    """Check --compare: the other design under 'compare', and the differences."""
    data = _json(
        [
            "stress",
            "ukraine-2025",
            "-a",
            BASE,
            "--compare",
            OTHER,
            "--runs",
            "400",
            "--seed",
            "1",
            "--json",
        ]
    )
    assert data["compare"]["agreement"] == OTHER
    difference = data["difference"]
    final = difference["final_survival"]
    assert final["low"] <= final["difference"] <= final["high"]
    expected = (
        data["compare"]["survival_given_signature"][-1]["p"]
        - data["survival_given_signature"][-1]["p"]
    )
    assert final["difference"] == pytest.approx(expected)
    assert len(difference["survival"]) == len(data["survival"])


def test_stress_text(truce_path: Path) -> None:
    """Check the readable output: phases, the curve, the end point."""
    result = runner.invoke(app, ["stress", str(truce_path), "-a", "truce", "--seed", "1"])
    assert result.exit_code == 0, result.output
    for words in ("truce: A truce, then a withdrawal", "withdrawal", "holds at the end"):
        assert words in result.stdout


def test_stress_with_agreements_file(tmp_path: Path, small_path: Path) -> None:
    """Check that --agreements adds the agreements of a file beside the scenario."""
    path = tmp_path / "agreements.yaml"
    path.write_text(AGREEMENTS, encoding="utf-8")
    data = _json(
        [
            "stress",
            str(small_path),
            "-a",
            "truce",
            "--agreements",
            str(path),
            "--runs",
            "100",
            "--json",
        ]
    )
    assert [p["id"] for p in data["phases"]] == ["ceasefire", "withdrawal"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-a", "nothing"],
            "error: scenario 'ukraine-2025' has no agreement 'nothing'. Its agreements: "
            f"{BASE}, {OTHER}.\n",
        ),
        (
            ["-a", BASE, "--runs", "0"],
            "error: The '--runs' option must be an int in [1, 1,000,000]. Got 0 instead.\n",
        ),
        (
            ["-a", BASE, "--period-days", "0"],
            "error: The 'period_days' parameter of StressParameters must be an int in [1, 365]. "
            "Got 0 instead.\n",
        ),
    ],
)
def test_stress_errors(args: list[str], message: str) -> None:
    """Check that bad stress calls print one message on stderr and exit 1."""
    result = runner.invoke(app, ["stress", "ukraine-2025", *args])
    assert result.exit_code == 1
    assert result.stderr == message


def test_track_events_yaml(truce_path: Path, tmp_path: Path) -> None:
    """Check track --json with an events file: scores and the aggregate."""
    events = tmp_path / "events.yaml"
    events.write_text(
        "events:\n"
        "  - {date: 2025-01-01, kind: step, provision: ceasefire, source: monitors}\n"
        "  - {date: 2025-01-09, kind: violation, provision: ceasefire, party: north, "
        "source: monitors}\n"
        "  - {date: 2025-02-01, kind: step, provision: north-withdraws, level: 1, source: memo}\n",
        encoding="utf-8",
    )
    data = _json(["track", str(truce_path), "-a", "truce", "--events", str(events), "--json"])
    assert [(p["id"], p["score"]) for p in data["provisions"]] == [
        ("north-holds", 2),
        ("south-holds", 3),
        ("north-withdraws", 1),
    ]
    assert data["aggregate"] == pytest.approx(600 / 9)


def test_track_osce_text(truce_path: Path, tmp_path: Path) -> None:
    """Check track with OSCE-style counts, recorded against the first ceasefire phase."""
    counts = tmp_path / "osce.csv"
    counts.write_text(
        "date,region,violations,explosions\n2025-01-02,North,12,3\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["track", str(truce_path), "-a", "truce", "-e", str(counts)])
    assert result.exit_code == 0, result.output
    assert "aggregate (Peace Accords Matrix, 0-100): 0.0" in result.stdout
    data = _json(["track", str(truce_path), "-a", "truce", "-e", str(counts), "--json"])
    assert [p["violations"] for p in data["provisions"]] == [12, 12, 0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "xml"],
            "error: The '--format' option must be one of auto, events, osce, acled, ucdp. "
            "Got 'xml' instead.\n",
        ),
        (
            ["--as-of", "March"],
            "error: The '--as-of' option must be a date as YYYY-MM-DD. Got 'March' instead.\n",
        ),
        (
            ["--provision", "treaty"],
            "error: The '--provision' option must be an obligation or phase id of agreement "
            "'truce'. Got 'treaty' instead.\n",
        ),
    ],
)
def test_track_errors(truce_path: Path, tmp_path: Path, args: list[str], message: str) -> None:
    """Check that bad track calls print one message on stderr and exit 1."""
    counts = tmp_path / "osce.csv"
    counts.write_text("date,region,violations\n2025-01-02,North,1\n", encoding="utf-8")
    result = runner.invoke(app, ["track", str(truce_path), "-a", "truce", "-e", str(counts), *args])
    assert result.exit_code == 1
    assert result.stderr == message
