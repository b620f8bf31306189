"""Editing scenario YAML text in place: one value changes, comments and layout stay."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from peacetalks.scenario import parse_scenario
from peacetalks.scenario.yaml_edit import (
    YamlEditError,
    append_item,
    format_scalar,
    locate,
    parse_path,
    set_scalar,
)

SMALL = """\
# A hand-written scenario fragment.
id: small   # the id
actors:
  - {id: north, name: North, reservation: 0.4}  # flow style
  - id: south
    name: South
    # no reservation yet

    note: >-
      Folded text
      over two lines.
# between sections
positions:
  - {actor: north, issue: border, ideal: 100, salience: 1}
  - actor: south
    issue: border
    ideal: 0      # stated
    salience: 0.5
proposals:
  - id: p1
    deal:
      border: split   # the only issue
# trailing comment
"""


def _builtin_text() -> str:
    data = resources.files("peacetalks.data").joinpath("scenarios", "ukraine-2025.yaml")
    return data.read_text(encoding="utf-8")


def _comments(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.lstrip().startswith("#")]


def _assert_only_change(before: str, after: str, change: Any) -> None:
    """Assert that ``after`` parses to ``before`` with ``change`` applied, comments kept."""
    expected = copy.deepcopy(yaml.safe_load(before))
    change(expected)
    assert yaml.safe_load(after) == expected
    kept = _comments(after)
    for line in _comments(before):
        assert line in kept
    assert len(after.split("\n")) >= len(before.split("\n"))


def _actor(data: dict[str, Any], actor_id: str) -> dict[str, Any]:
    return next(a for a in data["actors"] if a["id"] == actor_id)


def _position(data: dict[str, Any], actor: str, issue: str) -> dict[str, Any]:
    return next(p for p in data["positions"] if p["actor"] == actor and p["issue"] == issue)


def test_builtin_reservation_changes_alone() -> None:
    before = _builtin_text()
    after = set_scalar(before, "actors[id=russia].reservation", 0.55)
    _assert_only_change(before, after, lambda d: _actor(d, "russia").update(reservation=0.55))
    assert parse_scenario(after).actor("russia").reservation == 0.55
    # Only the line of the value differs.
    diff = [(a, b) for a, b in zip(before.split("\n"), after.split("\n"), strict=True) if a != b]
    assert diff == [("    reservation: 0.6", "    reservation: 0.55")]


def test_builtin_position_and_proposal_option() -> None:
    before = _builtin_text()
    after = set_scalar(before, "positions[actor=russia,issue=territory].ideal", 90)
    after = set_scalar(after, "positions[actor=russia,issue=territory].salience", 0.85)
    scenario = parse_scenario(after)
    proposal = scenario.proposals[0]
    issue = next(i for i in scenario.issues if i.id in proposal.deal)
    other = next(o.id for o in issue.options if o.id != proposal.deal[issue.id])
    path = f"proposals[id={proposal.id}].deal.{issue.id}"
    after = set_scalar(after, path, other)

    def change(d: dict[str, Any]) -> None:
        _position(d, "russia", "territory").update(ideal=90, salience=0.85)
        next(p for p in d["proposals"] if p["id"] == proposal.id)["deal"][issue.id] = other

    _assert_only_change(before, after, change)
    assert parse_scenario(after).proposal(proposal.id).deal[issue.id] == other


def test_builtin_append_proposal_validates() -> None:
    before = _builtin_text()
    scenario = parse_scenario(before)
    deal = {i.id: i.options[0].id for i in scenario.issues}
    item = {
        "id": "my-deal",
        "title": "A deal: built by hand",
        "source": scenario.proposals[0].source,
        "deal": deal,
    }
    after = append_item(before, "proposals", item)
    _assert_only_change(before, after, lambda d: d["proposals"].append(item))
    assert parse_scenario(after).proposal("my-deal").deal == deal
    # Written as the other proposals are: "  - id: ..." at the list's indentation.
    assert "\n  - id: my-deal\n    title: 'A deal: built by hand'\n" in after


def test_small_flow_and_block_values() -> None:
    after = set_scalar(SMALL, "actors[id=north].reservation", 0.45)
    assert "  - {id: north, name: North, reservation: 0.45}  # flow style\n" in after
    after = set_scalar(after, "positions[actor=south,issue=border].ideal", 20)
    assert "    ideal: 20      # stated\n" in after
    after = set_scalar(after, "proposals[0].deal.border", "status-quo")
    assert "      border: status-quo   # the only issue\n" in after

    def change(d: dict[str, Any]) -> None:
        _actor(d, "north")["reservation"] = 0.45
        _position(d, "south", "border")["ideal"] = 20
        d["proposals"][0]["deal"]["border"] = "status-quo"

    _assert_only_change(SMALL, after, change)


def test_small_create_missing_key() -> None:
    after = set_scalar(SMALL, "actors[id=south].reservation", 0.3, create=True)
    _assert_only_change(SMALL, after, lambda d: _actor(d, "south").update(reservation=0.3))
    # Added after the last value of the mapping (the folded note), at its indentation.
    assert "      over two lines.\n    reservation: 0.3\n" in after
    after = set_scalar(SMALL, "positions[actor=north,issue=border].veto", True, create=True)
    assert "{actor: north, issue: border, ideal: 100, salience: 1, veto: true}" in after
    with pytest.raises(YamlEditError, match="no key 'reservation' to change"):
        set_scalar(SMALL, "actors[id=south].reservation", 0.3)


def test_strings_are_quoted_when_needed() -> None:
    after = set_scalar(SMALL, "actors[id=north].name", "North: the coast, #1")
    assert yaml.safe_load(after)["actors"][0]["name"] == "North: the coast, #1"
    for value in ("yes", "1.5", "null", "a: b", "[x]", " padded", "Kyiv", "Łódź"):
        assert yaml.safe_load(f"k: {format_scalar(value)}") == {"k": value}
        flow = yaml.safe_load(f"{{k: {format_scalar(value)}, z: 1}}")
        assert flow == {"k": value, "z": 1}


def test_append_to_missing_and_empty_lists() -> None:
    text = "id: x\n# end\n"
    after = append_item(text, "proposals", {"id": "p", "deal": {"a": "b"}})
    assert yaml.safe_load(after)["proposals"] == [{"id": "p", "deal": {"a": "b"}}]
    assert "# end" in after
    after = append_item("id: x\nproposals: []  # none yet\n", "proposals", {"id": "p"})
    assert yaml.safe_load(after)["proposals"] == [{"id": "p"}]
    after = append_item("id: x\nproposals:\nother: 1\n", "proposals", {"id": "p"})
    assert yaml.safe_load(after) == {"id": "x", "proposals": [{"id": "p"}], "other": 1}


def test_unknown_paths_name_the_path_and_what_exists() -> None:
    with pytest.raises(YamlEditError) as info:
        locate(SMALL, "actors[id=east].reservation")
    assert "actors[id=east].reservation" in str(info.value)
    assert "id=north; id=south" in str(info.value)
    with pytest.raises(YamlEditError) as info:
        locate(SMALL, "actors[id=north].capability")
    assert "'capability'" in str(info.value)
    assert "id, name, reservation" in str(info.value)
    with pytest.raises(YamlEditError, match=r"positions\[actor=west,issue=border\]"):
        set_scalar(SMALL, "positions[actor=west,issue=border].ideal", 1)
    with pytest.raises(YamlEditError, match="has 1 items"):
        locate(SMALL, "proposals[3].deal")
    with pytest.raises(YamlEditError, match="not a single value"):
        set_scalar(SMALL, "proposals[0].deal", 1)
    with pytest.raises(YamlEditError, match="malformed"):
        parse_path("actors[id=north")
    with pytest.raises(YamlEditError, match="malformed"):
        parse_path("actors[=north].x")
    with pytest.raises(YamlEditError, match="not valid YAML"):
        set_scalar("a: [", "a", 1)


def test_parse_path_steps() -> None:
    steps = parse_path("positions[actor=russia,issue=territory].ideal")
    assert len(steps) == 3
    assert len(parse_path("proposals[id=x].deal.territory")) == 4
    assert len(parse_path("issues[0].name")) == 3
