"""What-ifs from the command line: --set and --drop, one parser and one set of messages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ParameterError
from peacetalks.scenario import load_scenario
from peacetalks.scenario.what_if import apply_what_ifs, parse_set

runner = CliRunner()

# Every command that takes --set/--drop, with the arguments it needs besides them.
COMMANDS = {
    "evaluate": ["ukraine-2025", "--proposal", "us-28-point"],
    "analyze": ["ukraine-2025"],
    "deals": ["ukraine-2025", "--zopa"],
    "compare": ["ukraine-2025", "roberts-2025", "us-28-point"],
    "stress": ["ukraine-2025", "--agreement", "monitored-phased-relief", "--runs", "200"],
    "negotiate": ["ukraine-2025", "--runs", "1", "--rounds", "10"],
}


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "russia.salience=0.3",
            "The '--set' value 'russia.salience=0.3' must look like ACTOR:ISSUE.salience=V "
            "for salience.",
        ),
        (
            "russia:sanctions.reservation=0.3",
            "The '--set' value 'russia:sanctions.reservation=0.3' must look like "
            "ACTOR.reservation=V for reservation.",
        ),
        (
            "russia.power=3",
            "The '--set' value 'russia.power=3' must look like ACTOR.reservation=V, "
            "ACTOR:ISSUE.salience=V or ACTOR:ISSUE.ideal=V.",
        ),
        (
            "russia.reservation=high",
            "The '--set' value 'russia.reservation=high' needs a number after '='. Got 'high'.",
        ),
        (
            "russia:sanctions.ideal=140",
            "The '--set' value 'russia:sanctions.ideal=140' must set ideal within [0, 100]. "
            "Got 140.",
        ),
        (
            "russia.reservation=nan",
            "The '--set' value 'russia.reservation=nan' must set reservation within [0, 1]. "
            "Got nan.",
        ),
    ],
)
def test_parse_set_messages(text: str, message: str) -> None:
    """Check each malformed --set gets one exact message."""
    with pytest.raises(ParameterError) as caught:
        parse_set(text)
    assert str(caught.value) == message


def test_apply_changes_the_inputs_and_says_so() -> None:
    """Check the changed values, the kept or dropped ranges, and the lines applied."""
    model = load_scenario("ukraine-2025")
    changed, applied = apply_what_ifs(
        model,
        ["russia.reservation=0.62", "eu:sanctions.ideal=40", "ukraine:neutrality.salience=0.8"],
        ["china"],
    )
    assert [a.id for a in changed.actors] == [a.id for a in model.actors if a.id != "china"]
    assert not any(p.actor == "china" for p in changed.positions)
    assert changed.actor("russia").reservation == 0.62
    eu = next(p for p in changed.positions if p.actor == "eu" and p.issue == "sanctions")
    assert eu.ideal == 40
    assert eu.uncertainty is None or eu.uncertainty.position is None
    china = sum(p.actor == "china" for p in model.positions)
    assert applied[0] == f"china dropped with its {china} positions"
    assert applied[1].startswith("russia.reservation: 0.6 -> 0.62 (within its stated range")
    assert "dropped: the new value is taken as certain" in applied[2]
    # The file itself is untouched.
    assert load_scenario("ukraine-2025").actor("russia").reservation == 0.6


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("russia", "The '--drop' value 'russia' cannot be dropped: the map refers to it"),
        (
            "united-states",
            "The '--drop' value 'united-states' cannot be dropped: it is a party to the "
            "phased agreements monitored-phased-relief",
        ),
        ("nobody", "The '--drop' value 'nobody' names no actor 'nobody'. Expected one of: russia"),
    ],
)
def test_drop_refusals(drop: str, message: str) -> None:
    """Check that actors the map or an agreement needs are refused with the reason."""
    with pytest.raises(ParameterError, match="^" + message.replace("(", r"\(")):
        apply_what_ifs(load_scenario("ukraine-2025"), [], [drop])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_takes_the_same_what_ifs(command: str) -> None:
    """Check every command refuses a bad --set with the same message, no traceback."""
    result = runner.invoke(app, [command, *COMMANDS[command], "--set", "russia.salience=0.3"])
    assert result.exit_code != 0
    assert (
        "The '--set' value 'russia.salience=0.3' must look like ACTOR:ISSUE.salience=V "
        "for salience." in " ".join(result.stderr.split())
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["evaluate", "deals", "compare", "stress", "negotiate"])
def test_what_ifs_come_first_in_json_and_text(command: str) -> None:
    """Check that the changes applied open the JSON document and the text output."""
    args = [command, *COMMANDS[command], "--drop", "turkey"]
    turkey = sum(p.actor == "turkey" for p in load_scenario("ukraine-2025").positions)
    line = f"turkey dropped with its {turkey} positions"
    data = _json(args)
    assert next(iter(data)) == "what_ifs"
    assert data["what_ifs"] == [line]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"What-ifs applied:\n  {line}\n")


def test_what_if_moves_the_verdict_as_evaluate_computes_it() -> None:
    """Check a reservation what-if against evaluate's margin: utility minus the new value."""
    before = _json(["evaluate", *COMMANDS["evaluate"]])
    after = _json(["evaluate", *COMMANDS["evaluate"], "--set", "ukraine.reservation=0.3"])
    ukraine_before = next(a for a in before["actors"] if a["id"] == "ukraine")
    ukraine_after = next(a for a in after["actors"] if a["id"] == "ukraine")
    assert ukraine_after["utility"] == ukraine_before["utility"]
    assert ukraine_after["margin"] == pytest.approx(ukraine_after["utility"] - 0.3, abs=1e-9)
    compared = _json(["compare", *COMMANDS["compare"], "--set", "ukraine.reservation=0.3"])
    entry = next(p for p in compared["proposals"] if p["id"] == "us-28-point")
    assert next(a for a in entry["actors"] if a["id"] == "ukraine") == {
        key: ukraine_after[key] for key in next(iter(entry["actors"]))
    }
    # Without what-ifs the JSON has no what_ifs key.
    assert "what_ifs" not in before
