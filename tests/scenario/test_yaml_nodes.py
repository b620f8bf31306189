"""The line-tracking YAML reader gives PyYAML's safe values and the line of every path."""

from __future__ import annotations

import datetime as dt

import yaml

from peacetalks.scenario.yaml_nodes import read_yaml

DOCUMENT = """\
id: demo
plain: some text
quoted: "1.5"
tagged: !!str 12
number: 12
ratio: 0.25
flag: yes
empty:
date: 2025-02-12
items:
  - a
  - !!str true
  - 3
  - {inner: 'x', "y": z}
block: |
  two
  lines
"""


def test_values_are_pyyaml_safe_values() -> None:
    """Check text, tagged text, numbers, booleans, null and dates read as PyYAML reads them."""
    document, problems = read_yaml(DOCUMENT)
    assert problems == []
    assert document is not None
    assert document.data == yaml.safe_load(DOCUMENT)
    assert document.data["tagged"] == "12"
    assert document.data["items"][1] == "true"
    assert document.data["date"] == dt.date(2025, 2, 12)
    assert document.data["flag"] is True


def test_every_path_has_its_line() -> None:
    """Check the line of each value, of list items and of nested keys."""
    document, _ = read_yaml(DOCUMENT)
    assert document is not None
    lines = document.lines
    assert lines[("plain",)] == 2
    assert lines[("tagged",)] == 4
    assert lines[("empty",)] == 8
    assert lines[("items",)] == 11
    assert lines[("items", 0)] == 11
    assert lines[("items", 3, "inner")] == 14
    assert lines[("block",)] == 15


def test_tags_and_aliases_are_still_refused() -> None:
    """Check a non-standard tag on text and an alias are problems, with their lines."""
    text = "a: &x text\nb: *x\nc: !custom text\n"
    document, problems = read_yaml(text)
    assert document is not None
    assert document.data == {"a": "text", "b": None, "c": None}
    assert [p.path for p in problems] == ["b", "c"]
    assert problems[1].line == 3
    assert "aliases" in problems[0].message
    assert "'!custom' is not allowed" in problems[1].message
