"""`validate`: YAML syntax hints and every problem of every kind in one run (table-driven)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app

runner = CliRunner()

HEAD = "id: t\ntitle: T\nas_of: 2025-01-01\n"
SOURCE = (
    "sources:\n  - {id: s, author: a, title: t, date: 2025-01-01, address: x, kind: analysis}\n"
)
ISSUE = (
    "issues:\n  - id: i\n    name: I\n    scale: {low: l, high: h}\n    options:\n"
    "      - {id: o1, label: O1, position: 0}\n      - {id: o2, label: O2, position: 100}\n"
)

# (name, file text, [(line, path, message), ...]): every problem the one run must list,
# in the file's order, with its exact message.
CASES = [
    (
        "colon-in-flow-mapping",
        HEAD + "sources:\n  - {id: s, author: a, title: Talks: two, date: 2025-01-01}\n",
        [
            (
                5,
                "",
                "the file is not valid YAML: expected ',' or '}', but got ':'. Inside braces or "
                "brackets a colon starts a key: quote the value that holds it, e.g. "
                '{title: "Talks: round two"}',
            )
        ],
    ),
    (
        "colon-in-plain-value",
        "id: t\ntitle: Talks: the second round\n",
        [
            (
                2,
                "",
                "the file is not valid YAML: mapping values are not allowed here. A value that "
                "contains ': ' must be quoted: write title: \"Talks: the second round\", not "
                "title: Talks: the second round",
            )
        ],
    ),
    (
        "tab-indent",
        HEAD + "actors:\n\t- id: a\n",
        [
            (
                5,
                "",
                "the file is not valid YAML: a tab character where YAML allows only spaces "
                "(YAML indents with spaces). Replace the tabs on this line with spaces.",
            )
        ],
    ),
    (
        "comma-in-flow-mapping",
        HEAD + "sources:\n  - {id: s, author: Smith, John, title: t, date: 2025-01-01, address: x,"
        " kind: analysis}\n"
        + "actors:\n  - {id: a, name: A, capability: 1, source: s}\n"
        + ISSUE
        + "positions:\n  - {actor: a, issue: i, ideal: 0, salience: 1, source: s}\n",
        [
            (
                5,
                "sources[0].John",
                "unknown key 'John'. Allowed keys here: id, author, title, date, address, kind, "
                "actor, note. Check the spelling or remove it. If 'John' is part of the value "
                "before it, quote that value: inside braces a comma separates entries ({author: "
                '"Smith, John"}).',
            )
        ],
    ),
    (
        "range-and-unknown-ids-together",
        HEAD
        + SOURCE
        + "actors:\n  - {id: a, name: A, capability: 1, reservation: 1.5, source: s}\n"
        + "  - {id: b, name: B, capability: 1, source: s}\n"
        + ISSUE
        + "positions:\n  - {actor: a, issue: i, ideal: 0, salience: 1, source: s}\n"
        + "  - {actor: b, issue: i, ideal: 100, salience: 1, source: s}\n"
        + "  - {actor: zz, issue: i, ideal: 0, salience: 1, source: s}\n"
        + "proposals:\n  - {id: p, title: P, source: s, deal: {i: o9}}\n",
        [
            (
                7,
                "actors[0].reservation",
                "reservation 1.5 is outside [0, 1]. Give the utility of no deal on the 0-1 "
                "utility scale.",
            ),
            (19, "positions[2].actor", "unknown actor 'zz'. Expected one of: a, b."),
            (
                21,
                "proposals[0].deal.i",
                "unknown option 'o9' of issue 'i'. Expected one of: o1, o2.",
            ),
        ],
    ),
    (
        "two-errors-in-one-record",
        HEAD
        + SOURCE
        + "actors:\n  - {id: a, name: A, capability: 1, source: s}\n"
        + ISSUE
        + "positions:\n  - {actor: a, issue: i, ideal: 0, salience: 1, source: s}\n"
        + "  - {actor: zz, issue: i, ideal: 0, salience: 7, source: s}\n",
        [
            (
                17,
                "positions[1].salience",
                "salience 7 is outside [0, 1]. Use a weight between 0 and 1.",
            ),
            (17, "positions[1].actor", "unknown actor 'zz'. Expected one of: a."),
        ],
    ),
    (
        "record-left-out-makes-no-knock-on",
        HEAD
        + SOURCE
        + "actors:\n  - {id: a, name: A, capability: 1, source: s}\n"
        + "  - {id: b, name: B, source: s}\n"
        + ISSUE
        + "positions:\n  - {actor: a, issue: i, ideal: 0, salience: 1, source: s}\n"
        + "  - {actor: b, issue: i, ideal: 100, salience: 1, source: s}\n"
        + "proposals:\n  - {id: p, title: P, source: s, deal: {i: o9}}\n",
        [
            (8, "actors[1].capability", "the required key 'capability' is missing. Add it."),
            (
                20,
                "proposals[0].deal.i",
                "unknown option 'o9' of issue 'i'. Expected one of: o1, o2.",
            ),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate_lists_every_problem(
    tmp_path: Path, text: str, expected: list[tuple[int, str, str]]
) -> None:
    """Check one run lists each problem with its line, path and exact message."""
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path), "--json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["valid"] is False
    got = [(p["line"], p["path"], p["message"]) for p in document["problems"]]
    assert got == expected
    # The text form says the same, one line per problem, on stderr.
    plain = runner.invoke(app, ["validate", str(path)])
    assert plain.exit_code == 1
    for line, where, message in expected:
        prefix = f"{path}, line {line}" + (f", {where}" if where else "")
        assert f"{prefix}: {message}" in plain.stderr
