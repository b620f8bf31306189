"""``peacetalks lint`` through the runner: exit status, the JSON document, the text lines."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.scenario.lint import lint
from peacetalks.scenario.load import builtin_series
from tests.conftest import DATA

LINT = DATA / "lint"
runner = CliRunner()


def _flat(output: str) -> str:
    """Return the output with rich's line wrapping undone."""
    return " ".join(output.split())


def test_a_clean_file_exits_0_with_an_empty_document() -> None:
    """Check exit 0 and the three keys, with nothing in them, for a clean file."""
    result = runner.invoke(app, ["lint", str(LINT / "clean.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"problems": [], "errors": 0, "warnings": 0}
    text = runner.invoke(app, ["lint", str(LINT / "clean.yaml")])
    assert text.exit_code == 0
    assert text.output == f"lint: {LINT / 'clean.yaml'}: clean\n"


def test_warnings_alone_exit_0() -> None:
    """Check that a file with only warnings exits 0 and counts them."""
    path = LINT / "stated-source-no-actor.yaml"
    result = runner.invoke(app, ["lint", str(path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["errors"], document["warnings"]) == (0, 1)
    assert document["problems"] == [
        {
            "file": str(path),
            "line": 7,
            "field": "sources[0]",
            "code": "stated-source-no-actor",
            "severity": "warning",
            "message": "source 'north-memo' is marked stated (by the party itself) but names "
            "no actor. Add 'actor: <actor id>' (whose statement it is), or mark it reported or "
            "analysis.",
        }
    ]


def test_an_error_exits_1_in_json_and_in_text() -> None:
    """Check exit 1, the counts and one line per problem with file:line, severity, code, field."""
    files = [str(LINT / "source-after-as-of.yaml"), str(LINT / "other-actor-source.yaml")]
    result = runner.invoke(app, ["lint", *files, "--json"])
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert (document["errors"], document["warnings"]) == (1, 1)
    assert [(p["file"], p["code"]) for p in document["problems"]] == [
        (files[0], "source-after-as-of"),
        (files[1], "other-actor-source"),
    ]
    text = runner.invoke(app, ["lint", *files])
    assert text.exit_code == 1
    lines = _flat(text.output)
    assert f"{files[0]}:17: error source-after-as-of sources[1].date: source 'south-memo'" in lines
    assert f"{files[1]}:40: warning other-actor-source positions[0].source:" in lines
    assert lines.endswith(f"lint: {files[0]}, {files[1]}: 1 error(s), 1 warning(s)")


def test_a_series_across_two_files_finds_a_changed_label(tmp_path: Path) -> None:
    """Check that two files of one series are compared, and a relabelled option is an error."""
    first = tmp_path / "first.yaml"
    later = tmp_path / "later.yaml"
    first.write_text((LINT / "clean.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    later.write_text(
        (LINT / "series-same.yaml")
        .read_text(encoding="utf-8")
        .replace("label: North takes all,", "label: North takes the whole region,"),
        encoding="utf-8",
    )
    alone = runner.invoke(app, ["lint", str(later), "--json"])
    assert alone.exit_code == 0
    assert json.loads(alone.output)["problems"] == []
    result = runner.invoke(app, ["lint", str(later), str(first), "--json"])
    assert result.exit_code == 1
    (problem,) = json.loads(result.output)["problems"]
    assert (problem["file"], problem["line"], problem["field"], problem["code"]) == (
        str(later),
        38,
        "issues[0].options[2]",
        "option-changed",
    )
    assert problem["message"] == (
        f"option 'all' of 'border' is 'North takes the whole region' at 100 in {later} but "
        f"'North takes all' at 100 in {first}. Expected the same meaning under the same id "
        "across the series. Give the changed option a new id, or use one label and position "
        "in every file."
    )


def test_an_invalid_file_is_reported_not_raised() -> None:
    """Check that a file that does not load is an 'invalid' error with its line, no traceback."""
    path = LINT / "invalid.yaml"
    result = runner.invoke(app, ["lint", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{path}:40: error invalid positions[0].salience: salience 7 is outside" in _flat(
        result.output
    )


def test_a_builtin_series_is_every_snapshot() -> None:
    """Check that 'ukraine' lints each built-in snapshot, as lint() does in Python."""
    result = runner.invoke(app, ["lint", "ukraine", "--json"])
    document = json.loads(result.output)
    expected = [p.to_dict() for p in lint(["ukraine"])]
    assert document["problems"] == expected
    assert result.exit_code == (1 if document["errors"] else 0)
    assert {p["file"] for p in document["problems"]} <= set(builtin_series()["ukraine"])


def test_a_missing_scenario_or_none_at_all_fails() -> None:
    """Check exit 1 with the message for a name that is nothing, and a usage error for none."""
    missing = runner.invoke(app, ["lint", str(LINT / "nothing-here.yaml")])
    assert missing.exit_code == 1
    assert "no scenario" in missing.output
    assert "Built-in series: ukraine" in _flat(missing.output)
    none = runner.invoke(app, ["lint"])
    assert none.exit_code == 2


def test_a_file_that_is_not_text_is_invalid_and_the_others_are_linted(tmp_path: Path) -> None:
    """Check that a file that is not UTF-8 is an 'invalid' error and the next file still runs."""
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe not text")
    other = str(LINT / "term-missing.yaml")
    result = runner.invoke(app, ["lint", str(binary), other, "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert [(p["file"], p["code"], p["line"]) for p in problems] == [
        (str(binary), "invalid", None),
        (other, "term-missing", 53),
    ]
    assert problems[0]["message"] == "the file is not UTF-8 text (byte 0). Save it as UTF-8."
