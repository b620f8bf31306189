"""Tables as CSV (--csv on every command that prints tables) and analyze's workbook (--xlsx)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from peacetalks.briefing.tables import document_tables
from peacetalks.cli import app
from peacetalks.formats.export import read_csv_table

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"


def _run(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(args: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_run([*args, "--json"]))
    return data


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_document_tables_rules() -> None:
    """Check names, dotted columns, joined lists, parent columns and the document table."""
    document = {
        "scenario": "s",
        "monte_carlo": {"runs": 10, "seed": 0},
        "proposals": [
            {
                "id": "p1",
                "utility": {"a": 0.5, "b": 0.25},
                "blockers": ["a", "b"],
                "actors": [{"id": "a", "worst": [{"issue": "x"}]}, {"id": "b", "worst": []}],
            },
            {"title": "no id", "utility": {}, "actors": [{"id": "c", "worst": None}]},
        ],
    }
    tables = document_tables(document)
    assert list(tables) == ["document", "proposals", "proposals.actors", "proposals.actors.worst"]
    assert tables["document"] == [
        {"field": "scenario", "value": "s"},
        {"field": "monte_carlo.runs", "value": 10},
        {"field": "monte_carlo.seed", "value": 0},
    ]
    assert tables["proposals"][0] == {
        "id": "p1",
        "utility.a": 0.5,
        "utility.b": 0.25,
        "blockers": "a; b",
    }
    assert tables["proposals"][1] == {"title": "no id", "utility": ""}
    assert tables["proposals.actors"] == [
        {"proposals": "p1", "id": "a"},
        {"proposals": "p1", "id": "b", "worst": ""},
        {"proposals": 2, "id": "c", "worst": None},
    ]
    assert tables["proposals.actors.worst"] == [{"proposals": "p1", "actors": "a", "issue": "x"}]


def test_evaluate_csv_equals_json(tmp_path: Path) -> None:
    """Check evaluate's tables read back from CSV equal its JSON, cell by cell."""
    args = ["evaluate", "ukraine-2025", "--proposal", "us-28-point"]
    data = _json(args)
    index = tmp_path / "evaluate.csv"
    _run([*args, "--csv", str(index)])
    listed = read_csv_table(index)
    tables = document_tables(data)
    assert [row["table"] for row in listed] == list(tables)
    actors = read_csv_table(tmp_path / "evaluate.actors.csv")
    assert [row["id"] for row in actors] == [a["id"] for a in data["actors"]]
    for row, actor in zip(actors, data["actors"], strict=True):
        assert float(row["utility"]) == actor["utility"]  # full precision
        assert float(row["p_accept"]) == actor["p_accept"]
        assert row["acceptable"] == _text(actor["acceptable"])
        assert row["red_lines_crossed"] == "; ".join(actor["red_lines_crossed"])
    for name, rows in tables.items():
        file = tmp_path / next(r["file"] for r in listed if r["table"] == name)
        back = read_csv_table(file)
        assert len(back) == len(rows) == int(next(r["rows"] for r in listed if r["table"] == name))
        for got, want in zip(back, rows, strict=True):
            assert {k: v for k, v in got.items() if v != ""} == {
                k: _text(v) if not isinstance(v, float) else repr(v)
                for k, v in want.items()
                if _text(v) != ""
            }


def test_single_table_goes_to_the_file(tmp_path: Path) -> None:
    """Check that a command with one table writes it to FILE itself."""
    path = tmp_path / "scenarios.csv"
    _run(["scenarios", "--csv", str(path)])
    rows = read_csv_table(path)
    assert [r["id"] for r in rows] == [s["id"] for s in _json(["scenarios"])["scenarios"]]


def test_compare_differences_csv(tmp_path: Path) -> None:
    """Check compare's differences table against its JSON."""
    args = ["compare", "ukraine-2025", "roberts-2025", "us-28-point"]
    data = _json(args)
    _run([*args, "--csv", str(tmp_path / "c.csv")])
    rows = read_csv_table(tmp_path / "c.differences.csv")
    assert [r["issue"] for r in rows] == [d["issue"] for d in data["differences"]]
    for row, difference in zip(rows, data["differences"], strict=True):
        for label, option in difference["options"].items():
            assert row[f"options.{label}"] == option


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    folder = tmp_path_factory.mktemp("xlsx")
    path = folder / "analysis.xlsx"
    result = runner.invoke(app, ["analyze", "ukraine-2025", "--xlsx", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data, path


def _sheet(path: Path, title: str) -> list[dict[str, Any]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[title].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    # Read-only sheets end a row at its last filled cell (an actor with no groups).
    padded = [tuple(row) + (None,) * (len(header) - len(row)) for row in rows[1:]]
    return [dict(zip(header, row, strict=True)) for row in padded]


def test_analyze_xlsx_equals_json(analysis: tuple[dict[str, Any], Path]) -> None:
    """Check the workbook's sheets read back equal analyze's JSON."""
    data, path = analysis
    contents = _sheet(path, "contents")
    tables = document_tables(data)
    assert [r["table"] for r in contents] == [*tables, "scenario.sources", "scenario.positions"]
    proposals = _sheet(path, "proposals")
    assert [(r["id"], r["p_pass"], r["passes"]) for r in proposals] == [
        (p["id"], p["p_pass"], p["passes"]) for p in data["proposals"]
    ]
    verdicts = _sheet(path, "proposals.actors")
    expected = [
        (p["id"], a["id"], a["utility"], a["margin"])
        for p in data["proposals"]
        for a in p["actors"]
    ]
    assert [(r["proposals"], r["id"]) for r in verdicts] == [e[:2] for e in expected]
    # The workbook stores numbers to 16 significant digits (openpyxl; Excel shows 15).
    for row, (_, _, utility, margin) in zip(verdicts, expected, strict=True):
        assert row["utility"] == pytest.approx(utility, rel=1e-15, abs=0)
        assert row["margin"] == pytest.approx(margin, rel=1e-15, abs=0)
    # A long table name is cut to Excel's 31 characters, and listed in contents.
    votes = next(r for r in contents if r["table"] == "proposals.ratification.bodies.votes")
    assert len(votes["sheet"]) <= 31
    assert len(_sheet(path, votes["sheet"])) == len(tables["proposals.ratification.bodies.votes"])


def test_analyze_xlsx_has_sources_and_judgement_flags(
    analysis: tuple[dict[str, Any], Path],
) -> None:
    """Check the positions sheet carries each position's source and judgement flag."""
    _, path = analysis
    positions = _sheet(path, "scenario.positions")
    assert {"actor", "issue", "ideal", "salience", "source", "judgement"} <= set(positions[0])
    flagged = [p for p in positions if p["judgement"] is True]
    assert flagged
    assert all(p["note"] for p in flagged)
    sources = _sheet(path, "scenario.sources")
    assert {"id", "author", "title", "date", "address", "kind"} <= set(sources[0])


def test_xlsx_text_never_becomes_a_formula(tmp_path: Path, small_path: Path) -> None:
    """Check that a title starting with '=' is stored as text, not as a formula."""
    text = small_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = 'title: \'=HYPERLINK("http://example.org", "x")\''
    scenario = tmp_path / "s.yaml"
    scenario.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "s.xlsx"
    _run(["analyze", str(scenario), "--xlsx", str(path)])
    book = load_workbook(path)
    cells = [c for row in book["document"].iter_rows() for c in row if c.value]
    title = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert title.data_type == "s"


@pytest.mark.parametrize(
    "args",
    [
        ["show", "ukraine-2025"],
        ["lint", "ukraine-2025"],
        ["power", "unsc"],
        ["ratify", "ukraine-2025", "--proposal", "us-28-point"],
        ["territory", "ukraine-2025", "--proposal", "us-28-point"],
        ["territory", "ukraine-2025", "--scale"],
        ["forecast", "ukraine-2025", "--model", "compromise", "--runs", "200"],
        ["deals", "ukraine-2025", "--zopa"],
        ["negotiate", "ukraine-2025", "--runs", "1", "--rounds", "10"],
        ["stress", "ukraine-2025", "--agreement", "monitored-phased-relief", "--runs", "200"],
        ["backtest", str(DATA / "deu" / "deu3_blksv.csv"), "--model", "compromise"],
        ["timeline", "ukraine-2025-06", "ukraine-2025"],
    ],
    ids=lambda args: "-".join(args[:2]) if "/" not in args[1] else args[0],
)
def test_every_table_command_writes_csv(tmp_path: Path, args: list[str]) -> None:
    """Check that each command's --csv writes its tables, the same as its JSON lists them."""
    index = tmp_path / "out.csv"
    _run([*args, "--csv", str(index)])
    tables = document_tables(_json(args))
    listed = read_csv_table(index)
    if len([n for n in tables if n != "document"]) <= 1:
        assert index.stat().st_size > 0
        return
    assert [(r["table"], int(r["rows"])) for r in listed] == [
        (n, len(t)) for n, t in tables.items()
    ]
    for row in listed:
        assert len(read_csv_table(tmp_path / row["file"])) == int(row["rows"])


def test_csv_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    """Check the message when --csv names a folder that does not exist."""
    target = tmp_path / "nowhere" / "out.csv"
    result = runner.invoke(app, ["scenarios", "--csv", str(target)])
    assert result.exit_code == 1
    assert "The '--csv' option must name a file in an existing folder." in result.stderr
    assert "Traceback" not in result.output
