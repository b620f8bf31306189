"""The negotiate command, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.briefing.negotiation import briefing_talks
from peacetalks.cli import app
from peacetalks.formats import read_scenario
from peacetalks.scenario import compile_scenario

runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, ["negotiate", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_negotiate_small_json(small_path: Path) -> None:
    """Check the JSON runs and summary on the small scenario."""
    data = _json([str(small_path), "--strategies", "tit-for-tat", "--runs", "6", "--seed", "1"])
    assert data["strategies"] == {
        "north": "tit-for-tat",
        "south": "tit-for-tat",
        "broker": "tit-for-tat",
    }
    assert len(data["runs"]) == 6
    for run in data["runs"]:
        assert set(run["utilities"]) == {"north", "south", "broker"}
        if run["agreement"] is not None:
            assert run["agreement"] == {"border": "half", "trade": "open"}
            assert 1 <= run["rounds"] <= 100
    summary = data["summary"]
    agreed = sum(run["agreement"] is not None for run in data["runs"])
    assert summary["agreement_rate"] == pytest.approx(agreed / 6)
    assert set(summary["mean_utilities"]) == {"north", "south", "broker"}
    assert summary["mean_distance_to_pareto"] >= 0
    # A small space is enumerated: the distance is to the exact front.
    assert data["exhaustive"] is True
    assert data["distance_to_pareto_exact"] is True


def test_negotiate_ukraine_reproducible() -> None:
    """Check ukraine-2025 with a strategy per actor: same seed, same runs and transcript."""
    args = [
        "ukraine-2025",
        "--protocol",
        "alternating",
        "--strategies",
        "boulware,conceder,linear,learner,tit-for-tat,conceder,linear,boulware,linear,conceder",
        "--rounds",
        "40",
        "--runs",
        "2",
        "--seed",
        "5",
        "--transcript",
    ]
    first, second = _json(args), _json(args)
    assert first == second
    assert first["summary"]["agreement_rate"] == 1.0
    # 392 million deals: candidates from the veto holders' fronts, the distance estimated.
    assert first["exhaustive"] is False
    assert first["distance_to_pareto_exact"] is False
    run = first["runs"][0]
    assert len(run["agreement"]) == 13  # one option per issue of ukraine-2025
    assert run["transcript"][0]["action"] == "offer"
    assert set(run["transcript"][0]["utilities"]) == set(first["strategies"])


def test_negotiate_text_output(small_path: Path) -> None:
    """Check the text output names the outcome and the summary."""
    result = runner.invoke(
        app, ["negotiate", str(small_path), "--runs", "2", "--seed", "0", "--transcript"]
    )
    assert result.exit_code == 0, result.output
    assert "run 1 (seed" in result.stdout
    assert "A deal needs the yes of: north, south\n" in result.stdout
    assert "Agreement rate" in result.stdout
    assert " offer " in result.stdout


def test_negotiate_single_text_json(small_path: Path) -> None:
    """Check single-text mediation: same JSON keys, a Pareto-optimal agreement, reproducible."""
    args = [str(small_path), "--protocol", "single-text", "--runs", "3", "--seed", "2"]
    data = _json(args)
    assert data == _json(args)
    assert data["protocol"] == "single-text"
    assert data["strategies"] == {"north": "honest", "south": "honest", "broker": "honest"}
    for run in data["runs"]:
        assert run["agreement"] == {"border": "half", "trade": "open"}
        assert run["first"] == "mediator"
        assert set(run["utilities"]) == {"north", "south", "broker"}
    summary = data["summary"]
    assert summary["agreement_rate"] == 1.0
    assert summary["mean_distance_to_pareto"] == 0.0
    assert summary["mean_utilities"]["south"] == pytest.approx(0.4)


def test_negotiate_single_text_mediator(small_path: Path) -> None:
    """Check a self-interested mediating party with amendments: its text opens each round."""
    data = _json(
        [
            str(small_path),
            "--protocol",
            "single-text",
            "--mediator",
            "north",
            "--self-interest",
            "1",
            "--amendments",
            "--seed",
            "1",
            "--transcript",
        ]
    )
    assert (data["mediator"], data["self_interest"], data["amendments"]) == ("north", 1.0, True)
    run = data["runs"][0]
    assert run["first"] == "north"
    assert run["transcript"][0] == {**run["transcript"][0], "party": "north", "action": "offer"}
    assert run["agreement"] is not None
    # Fully selfish, north tries texts in its own order of preference first.
    assert run["transcript"][0]["deal"]["border"] == "all"


def test_negotiate_single_text_strategies(small_path: Path) -> None:
    """Check that strategies apply to single-text parties when given."""
    data = _json(
        [str(small_path), "--protocol", "single-text", "--strategies", "conceder", "--runs", "3"]
    )
    assert set(data["strategies"].values()) == {"conceder"}
    for run in data["runs"]:
        assert run["agreement"] in (None, {"border": "half", "trade": "open"})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--mediator", "north"],
            "The '--mediator', '--self-interest' and '--amendments' options need '--protocol single-text'.",
        ),
        (
            ["--protocol", "single-text", "--mediator", "nobody"],
            "The '--mediator' option must be an actor id (north, south, broker). Got 'nobody' instead.",
        ),
        (
            ["--protocol", "single-text", "--self-interest", "0.5"],
            "The 'self_interest' parameter of single_text needs a mediating party.",
        ),
        (["--protocol", "auction"], "The '--protocol' option must be one of"),
        (["--strategies", "nice"], "The '--strategies' option must list strategies from"),
        (["--strategies", "linear,linear"], "must give one strategy, or one per actor (3"),
    ],
)
def test_negotiate_errors(small_path: Path, args: list[str], message: str) -> None:
    """Check that bad options exit 1 with a message."""
    result = runner.invoke(app, ["negotiate", str(small_path), *args])
    assert result.exit_code == 1
    assert message in " ".join(result.stderr.split())


def test_negotiate_json_names_the_deciders(small_path: Path) -> None:
    """Check that negotiate --json lists the actors whose acceptance an agreement needs."""
    data = _json([str(small_path), "--runs", "1", "--seed", "0", "--transcript"])
    assert data["deciders"] == ["north", "south"]
    actions = {turn["action"] for turn in data["runs"][0]["transcript"]}
    assert actions <= {"offer", "accept", "reject"}


def test_briefing_talks_contrast_strategy_mixes() -> None:
    """Check analyze's simulated talks on ukraine-2025: the agreement rate depends on the mix."""
    compiled = compile_scenario(read_scenario("ukraine-2025"))
    talks = briefing_talks(compiled)
    assert talks["settings"] == {"strategy": "linear", "runs": 5, "rounds": 50, "seed": 0}
    assert talks["deciders"] == ["russia", "ukraine", "united-states", "eu"]
    mixes = {mix["name"]: mix for mix in talks["mixes"]}
    assert list(mixes) == ["conceders", "boulware", "hardliner"]
    for mix in mixes.values():
        assert mix["runs"] == 20
        assert mix["agreement_rate"] == mix["agreements"] / 20
        assert mix["distance_to_nash"] > 0
    assert mixes["conceders"]["agreement_rate"] == 1.0
    assert mixes["hardliner"]["strategies"]["russia"] == "hardliner"
    assert set(mixes["hardliner"]["strategies"].values()) == {"hardliner", "conceder"}
    assert mixes["hardliner"]["agreement_rate"] == 0.0
    assert mixes["hardliner"]["distance_to_nash_agreed"] is None
    # Every run failed, so each actor gets its reservation.
    failed = mixes["hardliner"]["mean_utilities"]
    assert list(failed.values()) == pytest.approx(compiled.reservations.tolist())


def test_analyze_text_explains_the_mixes(small_path: Path) -> None:
    """Check that analyze prints each strategy mix with its agreements out of its runs."""
    result = runner.invoke(app, ["analyze", str(small_path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "A deal needs the yes of north, south before the deadline" in text
    assert "every actor concedes linearly: agreement in " in text
    assert "every actor concedes early (conceder): agreement in " in text
    assert "north never moves from its best deal; the others concede early: agreement in " in text
    assert " of 20 runs (" in text
