"""The timeline command: a dated series, its moves with their sources, the zone per date."""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.scenario import Position, builtin_series, load_scenario, resolve_scenario_path

runner = CliRunner()

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"
SERIES = builtin_series()["ukraine"]


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def timeline() -> dict[str, Any]:
    return _json(["timeline", "ukraine"])


@cache
def _positions(scenario_id: str) -> dict[tuple[str, str], Position]:
    return {(p.actor, p.issue): p for p in load_scenario(scenario_id).positions}


def _field(position: Position, field: str) -> Any:
    return list(position.red_lines) if field == "red_lines" else getattr(position, field)


def test_json_keys(timeline: dict[str, Any]) -> None:
    """Check the keys users' scripts rely on: snapshots and moves as issue 16 gives them."""
    assert timeline["series"] == "ukraine"
    assert [s["id"] for s in timeline["snapshots"]] == SERIES
    for snapshot in timeline["snapshots"]:
        assert {"id", "date", "zopa_count", "zopa_share"} <= snapshot.keys()
        assert snapshot["date"] == load_scenario(snapshot["id"]).as_of.isoformat()
    assert timeline["moves"]
    for move in timeline["moves"]:
        assert {"actor", "issue", "date", "from", "to", "source"} <= move.keys()


def test_every_move_has_a_source_and_matches_the_files(timeline: dict[str, Any]) -> None:
    """Check each move against the positions of its two files, and its source."""
    for move in timeline["moves"]:
        before = _positions(move["from_snapshot"])[(move["actor"], move["issue"])]
        after = _positions(move["snapshot"])[(move["actor"], move["issue"])]
        assert move["date"] == load_scenario(move["snapshot"]).as_of.isoformat()
        assert move["from"] == _field(before, move["field"])
        assert move["to"] == _field(after, move["field"])
        assert move["from"] != move["to"]
        expected = after.source
        if move["field"] == "salience" and after.salience_source is not None:
            expected = after.salience_source
        assert move["source"] == expected
        # A move without a source id is a flagged judgement that says why.
        assert move["source"] is not None or (move["judgement"] and move["note"]), move


def test_every_change_between_consecutive_files_is_a_move(timeline: dict[str, Any]) -> None:
    """Check that no change of ideal, salience or red lines is left out."""
    found = {(m["actor"], m["issue"], m["snapshot"], m["field"]) for m in timeline["moves"]}
    expected = set()
    for old, new in itertools.pairwise(SERIES):
        for key, position in _positions(new).items():
            was = _positions(old).get(key)
            if was is None:
                continue
            for field in ("ideal", "salience", "red_lines"):
                if _field(was, field) != _field(position, field):
                    expected.add((*key, new, field))
    assert found == expected


def test_ukraine_neutrality_in_words() -> None:
    """Check the text names Ukraine's move on neutrality, its source and the zone per date."""
    result = runner.invoke(app, ["timeline", "ukraine"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert (
        "Between 2025-03-31 and 2025-06-30 Ukraine moved 5 points on Neutrality and NATO "
        "membership (20 -> 15" in text
    )
    assert "source d13-ukraine-memorandum-2025-06" in text
    assert "the zone of agreement shrank from 53% of deals" in text
    for snapshot in SERIES:
        assert snapshot in text


@pytest.mark.parametrize("snapshot", SERIES)
def test_zopa_equals_deals(timeline: dict[str, Any], snapshot: str) -> None:
    """Check each date's zone against 'peacetalks deals FILE --zopa --json'."""
    zopa = _json(["deals", snapshot, "--zopa"])["zopa"]
    entry = next(s for s in timeline["snapshots"] if s["id"] == snapshot)
    assert entry["zopa_count"] == zopa["count"]
    assert entry["zopa_share"] == zopa["fraction"]
    assert entry["zopa_total"] == zopa["total"]
    assert entry["veto_holders"] == zopa["veto_holders"]


def test_order_by_date_whatever_the_argument_order(timeline: dict[str, Any]) -> None:
    """Check that files and ids given out of order come out oldest first, with the same moves."""
    files = [str(resolve_scenario_path(s)) for s in SERIES[::2]]
    shuffled = [*reversed(files), *SERIES[1::2]]
    data = _json(["timeline", *shuffled])
    assert [s["id"] for s in data["snapshots"]] == SERIES
    assert data["moves"] == timeline["moves"]


def test_issue_entries_align_with_the_snapshots(timeline: dict[str, Any]) -> None:
    """Check per issue: positions, veto-holder distances, forecasts and proposals per date."""
    count = len(timeline["snapshots"])
    neutrality = next(i for i in timeline["issues"] if i["id"] == "neutrality")
    ukraine = next(r for r in neutrality["positions"] if r["actor"] == "ukraine")
    assert len(ukraine["at"]) == count
    assert [a["ideal"] for a in ukraine["at"]][:4] == [80, 20, 20, 15]
    pair = next(d for d in neutrality["distances"] if set(d["actors"]) == {"russia", "ukraine"})
    russia = next(r for r in neutrality["positions"] if r["actor"] == "russia")
    assert pair["at"] == [
        abs(a["ideal"] - b["ideal"]) for a, b in zip(russia["at"], ukraine["at"], strict=True)
    ]
    for forecast in neutrality["forecast"]:
        assert forecast["p5"] <= forecast["p50"] <= forecast["p95"]
    latest = load_scenario(SERIES[-1])
    assert {p["id"] for p in neutrality["proposals"][-1]} == {
        p.id for p in latest.proposals if "neutrality" in p.deal
    }


def _copy(tmp_path: Path, name: str, replace: dict[str, str]) -> str:
    text = SMALL.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _error(args: list[str]) -> str:
    result = runner.invoke(app, ["timeline", *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return " ".join(result.stderr.split())


def test_a_single_file_is_refused() -> None:
    """Check that one snapshot is refused, naming it and pointing to its series."""
    message = _error(["ukraine-2025"])
    assert "expected two or more snapshots" in message
    assert "got one: ukraine-2025" in message
    assert "series 'ukraine'" in message
    assert "got one: " + str(SMALL) in _error([str(SMALL)])


def test_files_of_different_series_are_refused(tmp_path: Path) -> None:
    """Check that two series are refused, naming the file, the field, expected and got."""
    one = _copy(tmp_path, "one.yaml", {"as_of: 2025-06-01": "as_of: 2025-06-01\nseries: north"})
    two = _copy(
        tmp_path,
        "two.yaml",
        {"id: small": "id: small-later", "as_of: 2025-06-01": "as_of: 2025-07-01\nseries: south"},
    )
    message = _error([one, two])
    assert f"{two}, series: expected 'north' (the series of {one}), got 'south'" in message


def test_undated_and_same_day_files_are_refused(tmp_path: Path) -> None:
    """Check that a file without as_of, and two files of one day, are refused by name."""
    undated = _copy(tmp_path, "undated.yaml", {"as_of: 2025-06-01\n": ""})
    message = _error([str(SMALL), undated])
    assert f"{undated}, as_of: the required key 'as_of' is missing" in message
    same = _copy(tmp_path, "same.yaml", {"id: small": "id: small-copy"})
    message = _error([str(SMALL), same])
    assert f"{same}, as_of: expected a date of its own, got 2025-06-01" in message


def test_two_files_without_a_series(tmp_path: Path) -> None:
    """Check that two dated files that name no series make a timeline of their own."""
    later = _copy(
        tmp_path,
        "later.yaml",
        {"id: small": "id: small-later", "as_of: 2025-06-01": "as_of: 2025-09-01"},
    )
    data = _json(["timeline", later, str(SMALL)])
    assert data["series"] is None
    assert [s["date"] for s in data["snapshots"]] == ["2025-06-01", "2025-09-01"]
    assert data["moves"] == []
