"""Scenario headers: read without validating, and never a traceback for a broken file."""

from __future__ import annotations

import pytest

from peacetalks.scenario.index import ScenarioHeader, builtin_headers, read_header


def test_header_reads_the_top_level_fields() -> None:
    """Check id, title, as_of and series come from the text, the rest unread."""
    text = "id: x-1\ntitle: T\nas_of: 2025-03-31\nseries: s\nactors: [not, checked]\n"
    assert read_header("file-id", text) == ScenarioHeader("x-1", "T", "2025-03-31", "s")


@pytest.mark.parametrize(
    "text",
    ["id: [unclosed\n", "- a list\n- at the top\n", "", "id: a\n  bad: indent\n"],
)
def test_a_broken_file_still_gives_its_header(text: str) -> None:
    """Check that a text that does not parse is listed by its id, not a traceback."""
    assert read_header("broken", text) == ScenarioHeader("broken", "", "", None)


def test_builtins_have_headers_in_their_series() -> None:
    """Check every built-in has a header and the dated ones belong to the ukraine series."""
    headers = {h.id: h for h in builtin_headers()}
    assert headers["ukraine-2025"].series == "ukraine"
    assert all(h.as_of for h in headers.values())
