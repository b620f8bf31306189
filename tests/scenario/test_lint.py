"""peacetalks lint: each kind of problem in a file made for it, with its exact message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.scenario.lint import CODES, LintProblem, lint_texts
from tests.conftest import DATA

CLEAN = (DATA / "lint" / "clean.yaml").read_text(encoding="utf-8")


def _one(old: str, new: str) -> LintProblem:
    assert old in CLEAN, old
    problems = lint_texts([("bad.yaml", CLEAN.replace(old, new, 1))])
    assert len(problems) == 1, [p.render() for p in problems]
    return problems[0]


CASES = [
    (
        "term-missing",
        53,
        "    terms:\n      border: {basis: stated, text: The plan splits the border region in two.}\n",
        "",
        "proposals[0].deal.border",
        "proposal 'plan' takes 'half' on 'border', but its terms do not say whether its "
        "source (analyst) states it. Add 'terms: {border: {basis: stated, text: ...}}' with "
        "the source's words, or basis: imputed with a reason.",
    ),
    (
        "source-after-as-of",
        18,
        "    date: 2025-05-20\n",
        "    date: 2025-06-02\n",
        "sources[1].date",
        "source 'south-memo' is dated 2025-06-02, after the scenario's as_of (2025-06-01). "
        "Expected a source from on or before that date. Move as_of, or cite what was known "
        "by then.",
    ),
    (
        "analysis-as-stated",
        41,
        "{actor: north, issue: border, ideal: 100, salience: 1, source: north-memo}",
        "{actor: north, issue: border, ideal: 100, salience: 1, source: analyst}",
        "positions[0].source",
        "the position of 'north' on 'border' cites 'analyst', an analyst's source (An "
        "Analyst), as if it stated the party's position. Expected the party's own or a "
        "reported source. Cite one, or mark the position judgement: true with a note that "
        "says it rests on the analysis.",
    ),
    (
        "other-actor-source",
        41,
        "{actor: north, issue: border, ideal: 100, salience: 1, source: north-memo}",
        "{actor: north, issue: border, ideal: 100, salience: 1, source: south-memo}",
        "positions[0].source",
        "the position of 'north' on 'border' cites 'south-memo', which is 'south''s account. "
        "Expected a source of 'north' itself, or a report of its position. Cite one, or say "
        "in the note whose account it is and mark the position judgement: true.",
    ),
    (
        "utilities-contradict-ideal",
        48,
        "utilities: {status-quo: 1.0, half: 0.5, all: 0.0}",
        "utilities: {status-quo: 0.2, half: 1.0, all: 0.0}",
        "positions[1].utilities",
        "the utilities of 'south' on 'border' rank 'half' first (1.00), but its ideal (0) is "
        "nearest to 'status-quo' (0.20). Expected the option nearest the ideal to score "
        "highest. Move the ideal or correct the utilities.",
    ),
    (
        "stated-source-no-actor",
        8,
        "    kind: stated\n    actor: north\n",
        "    kind: stated\n",
        "sources[0]",
        "source 'north-memo' is marked stated (by the party itself) but names no actor. Add "
        "'actor: <actor id>' (whose statement it is), or mark it reported or analysis.",
    ),
]


@pytest.mark.parametrize(
    ("code", "line", "old", "new", "field", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_each_kind_is_found_with_its_message(
    code: str, line: int, old: str, new: str, field: str, message: str
) -> None:
    """Check the code, severity, field, line and words of each kind of problem."""
    problem = _one(old, new)
    assert (problem.code, problem.field, problem.line) == (code, field, line)
    assert problem.message == message
    assert problem.severity == CODES[code][0]


def test_red_lines_without_a_source() -> None:
    """Check that red lines on a position with no source are an error."""
    text = CLEAN.replace(
        "    red_lines: [all]\n    source: south-memo\n",
        "    red_lines: [all]\n    judgement: true\n    note: A judgement.\n",
    )
    problems = lint_texts([("bad.yaml", text)])
    assert [(p.code, p.field) for p in problems] == [
        ("redline-unsourced", "positions[1].red_lines")
    ]
    assert problems[0].message == (
        "the position of 'south' on 'border' has red lines (all) but names no source. A red "
        "line needs the actor's own statement. Add 'source: <source id>', or remove the red "
        "lines."
    )


def test_a_series_keeps_the_meaning_of_its_ids() -> None:
    """Check that an option whose label or position changes across a series is an error."""
    later = CLEAN.replace("id: clean", "id: clean-later").replace(
        "as_of: 2025-06-01", "as_of: 2025-09-01"
    )
    moved = later.replace(
        "{id: half, label: Split, position: 50}", "{id: half, label: Most to North, position: 75}"
    )
    problems = lint_texts([("later.yaml", moved), ("first.yaml", CLEAN)])
    assert [(p.file, p.code, p.field) for p in problems] == [
        ("later.yaml", "option-changed", "issues[0].options[1]")
    ]
    assert problems[0].message == (
        "option 'half' of 'border' is 'Most to North' at 75 here but 'Split' at 50 in "
        "first.yaml. Expected the same meaning under the same id across the series. Give "
        "the changed option a new id."
    )
    assert lint_texts([("later.yaml", later), ("first.yaml", CLEAN)]) == []


def test_an_invalid_file_is_an_error_not_a_traceback() -> None:
    """Check that a file that does not load gives its load errors as lint errors."""
    problems = lint_texts([("bad.yaml", CLEAN.replace("salience: 1,", "salience: 7,", 1))])
    assert [(p.code, p.severity, p.field) for p in problems] == [
        ("invalid", "error", "positions[0].salience")
    ]


def test_every_code_is_documented() -> None:
    """Check that docs/lint.md has a row for every code."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lint.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"| `{code}` |" not in doc] == []


def test_cli_exit_status_and_json(tmp_path: Path) -> None:
    """Check exit 0 when clean or with warnings only, 1 with an error, and the JSON keys."""
    runner = CliRunner()
    clean = runner.invoke(app, ["lint", str(DATA / "lint" / "clean.yaml"), "--json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.output) == {"problems": [], "errors": 0, "warnings": 0}
    warned = tmp_path / "warned.yaml"
    warned.write_text(CLEAN.replace("    kind: stated\n    actor: north\n", "    kind: stated\n"))
    result = runner.invoke(app, ["lint", str(warned), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["warnings"] == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text(CLEAN.replace("    date: 2025-05-20\n", "    date: 2026-01\n"))
    result = runner.invoke(app, ["lint", str(broken), "--json"])
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["errors"] == 1
    assert set(document["problems"][0]) == {"file", "line", "field", "code", "severity", "message"}
    text = runner.invoke(app, ["lint", str(broken)])
    assert text.exit_code == 1
    assert f"{broken}:18: error source-after-as-of sources[1].date" in " ".join(text.output.split())
    missing = runner.invoke(app, ["lint", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1
    assert "no scenario" in missing.output


def test_the_built_in_series_is_linted_as_a_series() -> None:
    """Check that 'ukraine' names every built-in snapshot, oldest first, once."""
    from peacetalks.scenario.lint import _expand
    from peacetalks.scenario.load import builtin_series

    labels = [label for label, _ in _expand(["ukraine"])]
    assert labels == builtin_series()["ukraine"]
    assert len(labels) >= 4
    assert [label for label, _ in _expand(["ukraine-2025"])] == ["ukraine-2025"]
