"""The compare command: proposals side by side, with evaluate's numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app

runner = CliRunner()

THREE = ["roberts-2025", "korybko-2025", "us-28-point"]


def _json(command: str, args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [command, *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def three() -> dict[str, Any]:
    return _json("compare", ["ukraine-2025", *THREE])


def test_compare_numbers_equal_evaluate(three: dict[str, Any]) -> None:
    """Check that every utility, margin, P(accept) and P(pass) is evaluate's."""
    assert three["compared"] == THREE
    for entry in three["proposals"]:
        alone = _json("evaluate", ["ukraine-2025", "--proposal", entry["id"]])
        assert entry["p_pass"] == alone["p_pass"]
        assert entry["passes"] == alone["passes"]
        assert entry["blockers"] == alone["blockers"]
        by_id = {a["id"]: a for a in alone["actors"]}
        assert [a["id"] for a in entry["actors"]] == list(by_id)
        for actor in entry["actors"]:
            for key in ("utility", "margin", "p_accept", "acceptable", "veto"):
                assert actor[key] == by_id[actor["id"]][key], (entry["id"], actor["id"], key)


def test_compare_lists_every_difference(three: dict[str, Any]) -> None:
    """Check that the differences are exactly the issues whose options differ."""
    deals = {p: _json("evaluate", ["ukraine-2025", "--proposal", p])["deal"] for p in THREE}
    differing = {i for i in deals[THREE[0]] if len({deals[p][i] for p in THREE}) > 1}
    assert {d["issue"] for d in three["differences"]} == differing
    assert set(three["same"]) == set(deals[THREE[0]]) - differing
    for difference in three["differences"]:
        assert difference["options"] == {p: deals[p][difference["issue"]] for p in THREE}


def test_compare_separating_issues_and_fixes(three: dict[str, Any]) -> None:
    """Check the separating issues per veto holder and the smallest fix of each blocked one."""
    assert set(three["separating"]) == {"russia", "ukraine", "united-states", "eu"}
    for rows in three["separating"].values():
        spreads = [row["spread"] for row in rows]
        assert spreads == sorted(spreads, reverse=True)
        for row in rows:
            values = list(row["utility"].values())
            assert row["spread"] == pytest.approx(max(values) - min(values), abs=1e-6)
    blocked = {p["id"] for p in three["proposals"] if not p["passes"]}
    assert set(three["amendments"]) == blocked
    for label, fix in three["amendments"].items():
        assert fix is not None
        # The fix changes only issues, from the proposal's own options.
        differs = {d["issue"]: d["options"][label] for d in three["differences"]}
        for issue, change in fix["changes"].items():
            assert change["from"] != change["to"]
            if issue in differs:
                assert change["from"] == differs[issue]
        assert fix["p_pass"] > 0.5


def test_compare_across_snapshots() -> None:
    """Check the same proposal in two files of the series, under PROPOSAL@SNAPSHOT."""
    data = _json("compare", ["ukraine-2025", "us-28-point", "--at", "ukraine-2025-11"])
    assert data["compared"] == ["us-28-point", "us-28-point@ukraine-2025-11"]
    assert [p["snapshot"] for p in data["proposals"]] == ["ukraine-2025", "ukraine-2025-11"]
    earlier = _json("evaluate", ["ukraine-2025-11", "--proposal", "us-28-point"])
    assert data["proposals"][1]["p_pass"] == earlier["p_pass"]


def test_compare_text_output() -> None:
    """Check the text tables name the differences, the verdicts and the fixes."""
    result = runner.invoke(app, ["compare", "ukraine-2025", "roberts-2025", "us-28-point"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Where the options differ" in text
    assert "P(passes every veto)" in text
    assert "Smallest fix for roberts-2025" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ukraine-2025", "us-28-point"],
            "compare needs between 2 and 8 proposals side by side (proposals times "
            "snapshots). Got 1: us-28-point.",
        ),
        (
            ["ukraine-2025", "us-28-point", "us-28-point"],
            "compare needs distinct proposals and snapshots.",
        ),
        (
            ["ukraine-2025", "us-28-point", "no-such-plan"],
            "scenario 'ukraine-2025' has no proposal 'no-such-plan'. Its proposals: roberts-2025,",
        ),
    ],
)
def test_compare_errors(args: list[str], message: str) -> None:
    """Check that bad proposal lists get one clear message, no traceback."""
    result = runner.invoke(app, ["compare", *args])
    assert result.exit_code != 0
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
