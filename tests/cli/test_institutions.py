"""The ``power`` and ``ratify`` commands, and ratification in ``analyze``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app

BODIES = Path(__file__).resolve().parents[1] / "data" / "bodies.yaml"
runner = CliRunner()


def test_power_unsc_json() -> None:
    """Check `power unsc --json`: members with names and both indices."""
    result = runner.invoke(app, ["power", "unsc", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "unsc"
    members = {m["name"]: m for m in data["members"]}
    assert len(members) == 15
    assert members["China"]["shapley_shubik"] == pytest.approx(0.19627, abs=1e-5)
    assert members["Algeria"]["shapley_shubik"] == pytest.approx(0.001865, abs=1e-6)
    assert members["China"]["banzhaf"] == pytest.approx(0.16693, abs=1e-5)
    assert members["Algeria"]["banzhaf_raw"] == pytest.approx(84 / 2**14)
    assert data["exact"] is True


def test_power_text_and_file(tmp_path: Path) -> None:
    """Check the text output, and a body read from a YAML file."""
    result = runner.invoke(app, ["power", "eu-council-qmv"])
    assert result.exit_code == 0, result.output
    assert "Germany" in result.stdout
    assert "units of 1,000 people" in result.stdout
    body = tmp_path / "trio.yaml"
    body.write_text(
        "id: trio\nname: Trio\nrule: {kind: majority, basis: weight}\n"
        "members: [{id: a, weight: 2}, {id: b}, {id: c}]\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["power", str(body), "--json"])
    assert result.exit_code == 0, result.output
    shapley = [m["shapley_shubik"] for m in json.loads(result.stdout)["members"]]
    assert shapley == pytest.approx([2 / 3, 1 / 6, 1 / 6])


def test_power_unknown_body() -> None:
    """Check that an unknown body exits 1 with one message."""
    result = runner.invoke(app, ["power", "senate-of-rome"])
    assert result.exit_code == 1
    assert "no body 'senate-of-rome'" in result.output


def test_ratify_json() -> None:
    """Check `ratify --json`: bodies with id, required_for, passes, votes and pivotal."""
    result = runner.invoke(app, ["ratify", str(BODIES), "--proposal", "grab", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["passes"] is False
    first = data["bodies"][0]
    assert set(first) >= {"id", "required_for", "passes", "votes", "pivotal"}
    assert first["id"] == "council"
    assert first["required_for"] == ["border"]
    assert [v["id"] for v in first["votes"]] == ["north", "south", "broker-seat", "observer"]
    for vote in first["votes"]:
        assert set(vote) == {
            "id",
            "name",
            "vote",
            "basis",
            "actor",
            "from",
            "source",
            "judgement",
            "pivotal",
        }
    observer = first["votes"][3]
    assert (observer["basis"], observer["judgement"], observer["source"]) == (
        "assumed",
        True,
        None,
    )
    assert [b["p_pass"] for b in data["bodies"]] == [1.0, 0.0, 0.0]
    assert data["p_pass"] == 0.0


def test_ratify_text() -> None:
    """Check the text output of `ratify`: judgement flags, inherited votes, probabilities."""
    result = runner.invoke(app, ["ratify", "ukraine-2025", "--proposal", "korybko-2025"])
    assert result.exit_code == 0, result.output
    assert "United Nations Security Council" in result.stdout
    assert "not ratified" in result.stdout
    assert "10 of 15 votes are modelling judgements" in result.stdout
    assert "26 of 27 votes are modelling judgements" in result.stdout
    hungary = next(line for line in result.stdout.splitlines() if line.startswith("Hungary"))
    assert "inherits eu" in hungary
    assert "judgement" in hungary
    france = [line for line in result.stdout.splitlines() if line.startswith("France")]
    assert france
    assert all("judgement" not in line for line in france)
    # 0.003 before issue 13: keeping the assets frozen (the default) wins the EU, the UK
    # and France over in more draws.
    assert "probability that every required body approves: 0.014" in result.stdout


def test_ratify_referendum_text_and_json() -> None:
    """Check a referendum decided by a share: the electorate line, p_pass in JSON."""
    args = ["ratify", "ukraine-2025", "--proposal", "framework-2025-12"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    assert "electorate: share in favour 45% (range 30%-65%)" in text.stdout
    assert "JUDGEMENT" in text.stdout
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    referendum = {b["id"]: b for b in data["bodies"]}["ukraine-referendum"]
    assert referendum["p_pass"] == pytest.approx(0.15**2 / (0.35 * 0.2))
    assert referendum["electorate"]["when"] == {"territory": ["de-facto-line-of-contact"]}
    # The referendum's share does not depend on the actors; the Senate follows the US,
    # which accepts the framework in every one of the 2000 draws.
    assert data["p_pass"] == pytest.approx(referendum["p_pass"])
    assert (data["p_pass_from"], data["seed"]) == ("2000 acceptance draws", 0)


def test_ratify_p_pass_over_acceptance_draws() -> None:
    """Check that p_pass follows the actors' acceptance draws: same seed, same numbers."""
    args = ["ratify", "ukraine-2025", "--proposal", "korybko-2025", "--json"]
    first = json.loads(runner.invoke(app, [*args, "--runs", "500", "--seed", "3"]).stdout)
    again = json.loads(runner.invoke(app, [*args, "--runs", "500", "--seed", "3"]).stdout)
    assert first == again
    unsc = {b["id"]: b for b in first["bodies"]}["unsc"]
    # Passes at the stated values (France and the UK accept since issue 13: the proposal keeps
    # the Russian assets frozen, as they want), fails in some draws.
    assert unsc["passes"] is True
    assert 0 < unsc["p_pass"] < 1
    assert first["p_pass"] <= min(b["p_pass"] for b in first["bodies"])
    bad = runner.invoke(app, [*args, "--runs", "0"])
    assert bad.exit_code == 1
    assert "The '--runs' parameter of the acceptance Monte Carlo must be an int" in bad.output


def test_ratify_unknown_proposal() -> None:
    """Check that an unknown proposal exits 1 and names the proposals."""
    result = runner.invoke(app, ["ratify", str(BODIES), "--proposal", "nope"])
    assert result.exit_code == 1
    assert "has no proposal 'nope'" in result.output


def test_analyze_has_ratification() -> None:
    """Check that `analyze` gives every proposal its ratification, in JSON and text."""
    result = runner.invoke(app, ["analyze", str(BODIES), "--json"])
    assert result.exit_code == 0, result.output
    proposals = json.loads(result.stdout)["proposals"]
    assert [p["ratification"]["passes"] for p in proposals] == [True, False, False]
    text = runner.invoke(app, ["analyze", str(BODIES)])
    assert text.exit_code == 0, text.output
    assert "ratification: blocked by security-council, assembly" in text.stdout
