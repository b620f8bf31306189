"""Loading scenarios from files and built-in ids, and dumping them back."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.scenario import (
    builtin_scenarios,
    dump_scenario,
    load_scenario,
    parse_scenario,
    scenario_from_data,
    scenario_to_data,
)


def test_load_small_scenario(small_path: Path) -> None:
    """Check that the small scenario loads into immutable records in file order."""
    scenario = load_scenario(small_path)
    assert [a.id for a in scenario.actors] == ["north", "south", "broker"]
    assert scenario.issue("border").default == "status-quo"
    assert scenario.actor("south").veto is True
    assert scenario.sources[0].date == "2025-05"
    with pytest.raises(ValueError, match="frozen"):
        scenario.actors[0].capability = 3  # type: ignore[misc]


def test_missing_file_names_builtins() -> None:
    """Check that an unknown name says so and lists the built-in scenarios."""
    with pytest.raises(NotFoundError) as info:
        load_scenario("no-such-scenario")
    message = str(info.value)
    assert message.startswith("no scenario 'no-such-scenario': no such file, and no built-in")
    assert "ukraine-2025" in message
    assert info.value.kind == "scenario"


def test_folder_is_not_a_scenario(tmp_path: Path) -> None:
    """Check that a folder given as a scenario gets a clear error."""
    with pytest.raises(NotFoundError, match="is a folder"):
        load_scenario(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    """Check that a file that is not UTF-8 gets a clear error naming the file."""
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"id: caf\xe9\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: the file is not UTF-8 text (byte 7). Save it as UTF-8."


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    """Check that a file above the size bound is refused from its size alone."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 4_000_001)
    with pytest.raises(ScenarioError, match="the file is 4,000,001 bytes; the limit is 4,000,000"):
        load_scenario(path)


def test_errors_name_the_file(tmp_path: Path, small_text: str) -> None:
    """Check that errors of a file on disk start with its path."""
    path = tmp_path / "mine.yaml"
    path.write_text(small_text.replace("salience: 0.6", "salience: 9"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}, line 49, positions[0].salience: salience 9")


def test_dump_round_trip(small_path: Path) -> None:
    """Check that dumping and parsing again gives the same scenario."""
    scenario = load_scenario(small_path)
    again = parse_scenario(dump_scenario(scenario))
    assert again == scenario


def test_data_round_trip(small_path: Path) -> None:
    """Check that the plain-data form validates back to the same scenario."""
    scenario = load_scenario(small_path)
    assert scenario_from_data(scenario_to_data(scenario)) == scenario


def test_builtins_are_listed_and_load() -> None:
    """Check that every built-in scenario loads by its id and carries that id."""
    ids = builtin_scenarios()
    assert "ukraine-2025" in ids
    for scenario_id in ids:
        assert load_scenario(scenario_id).id == scenario_id
