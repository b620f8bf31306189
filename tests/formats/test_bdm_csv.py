"""The BDM example CSV reader: formats, conventions and every error with its message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetalks.errors import ScenarioError
from peacetalks.formats import bdm_csv
from peacetalks.formats.bdm_csv import read_bdm_csv
from peacetalks.scenario.stakeholders import StakeholderTable
from tests.conftest import DATA

BDM = DATA / "bdm"
EMISSION_01 = BDM / "emission_standards_BDM1994_jmckib.csv"
EMISSION_100 = BDM / "emission_standards_BDM1994_dmasad.csv"

GOOD = "Actor,Capability,Position,Salience\nNetherlands,0.08,4,0.8\nBelgium,0.08,7,0.4\n"


def _write(tmp_path: Path, text: str, name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def _same(a: StakeholderTable, b: StakeholderTable) -> None:
    assert a.actor_ids == b.actor_ids
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_allclose(a.saliences, b.saliences, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(a.capabilities, b.capabilities)
    np.testing.assert_array_equal(a.scale, b.scale)


def test_emission_file_is_read() -> None:
    """Check that the emission-standards file gives its 10 actors, saliences on 0-1, scale 4-10."""
    table = read_bdm_csv(EMISSION_01)
    assert table.actor_ids[:3] == ("Netherlands", "Belgium", "Luxembourg")
    assert table.n_actors == 10
    assert table.issue_ids == ("emission_standards_BDM1994_jmckib",)
    assert table.name == "emission_standards_BDM1994_jmckib"
    np.testing.assert_array_equal(table.positions[:, 0], [4, 7, 4, 4, 10, 10, 10, 7, 4, 7])
    np.testing.assert_array_equal(table.saliences[:3, 0], [0.8, 0.4, 0.2])
    np.testing.assert_array_equal(table.capabilities[:2], [0.08, 0.08])
    np.testing.assert_array_equal(table.scale, [[4.0, 10.0]])
    assert table.notes == ()


def test_percent_saliences_give_the_same_table() -> None:
    """Check that the 0-100 transcription (old Mac line endings) reads as the 0-1 one."""
    percent = read_bdm_csv(EMISSION_100)
    _same(percent, read_bdm_csv(EMISSION_01))
    assert percent.notes == ("Saliences were read on 0-100 and divided by 100.",)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path: Path, newline: str) -> None:
    """Check that LF, CRLF and lone CR line endings, and blank lines, read alike."""
    text = EMISSION_01.read_text(encoding="utf-8").replace("\n", newline) + newline * 2
    _same(read_bdm_csv(_write(tmp_path, text, "e.csv")), read_bdm_csv(EMISSION_01))


def test_stakeholder_resources_header() -> None:
    """Check that the 'Stakeholder,Resources' header of ChinaData is accepted."""
    table = read_bdm_csv(BDM / "ChinaData_dmasad.csv")
    assert table.n_actors == 24
    assert "Hong Kong" in table.actor_ids
    np.testing.assert_array_equal(table.scale, [[10.0, 100.0]])
    assert table.capabilities.max() == 100.0


def test_several_issues(tmp_path: Path) -> None:
    """Check that Position2,Salience2 columns add an issue and empty cells mean no part in it."""
    text = (
        "Actor,Capability,Position,Salience,Position2,Salience2\n"
        "A,1,0,50,,\n"
        "B,2,10,20,3,100\n"
        '"C, Ltd",3,5,10,7,40\n'
    )
    table = read_bdm_csv(_write(tmp_path, text, "two.csv"))
    assert table.actor_ids == ("A", "B", "C, Ltd")
    assert table.issue_ids == ("two-1", "two-2")
    np.testing.assert_array_equal(table.positions, [[0, np.nan], [10, 3], [5, 7]])
    np.testing.assert_allclose(table.saliences, [[0.5, 0], [0.2, 1.0], [0.1, 0.4]])
    np.testing.assert_array_equal(table.scale, [[0, 10], [3, 7]])
    np.testing.assert_array_equal(table.takes_part, [[True, False], [True, True], [True, True]])


HEADER = "Actor,Capability,Position,Salience\n"

ERRORS = [
    (
        "negative capability",
        HEADER + "A,0.08,4,0.8\nB,-0.08,7,0.4\n",
        "bad.csv, line 3, column 2 (Capability): capability -0.08 is not positive. "
        "Give every actor a capability above 0.",
    ),
    (
        "zero capability",
        HEADER + "A,0,4,0.8\n",
        "bad.csv, line 2, column 2 (Capability): capability 0 is not positive. "
        "Give every actor a capability above 0.",
    ),
    (
        "salience above 100",
        HEADER + "A,1,4,120\n",
        "bad.csv, line 2, column 4 (Salience): salience 120 is above 100. "
        "Use weights between 0 and 1, or between 0 and 100 throughout the file.",
    ),
    (
        "negative salience",
        HEADER + "A,1,4,-0.2\n",
        "bad.csv, line 2, column 4 (Salience): salience -0.2 is negative. "
        "Use weights between 0 and 1, or between 0 and 100 throughout the file.",
    ),
    (
        "non-numeric cell",
        HEADER + "A,1,four,0.5\n",
        "bad.csv, line 2, column 3 (Position): 'four' is not a number. Write a number such as 0.5.",
    ),
    (
        "not finite",
        HEADER + "A,1,4,nan\n",
        "bad.csv, line 2, column 4 (Salience): 'nan' is not a finite number. Write a number.",
    ),
    (
        "half-empty issue",
        HEADER + "A,1,4,\n",
        "bad.csv, line 2, column 4 (Salience): the cell is empty. Write a number, or leave "
        "both the position and the salience of an issue empty when the actor takes no part "
        "in it.",
    ),
    (
        "mismatched columns",
        HEADER + "A,1,4,0.5\nB,1,7\n",
        "bad.csv, line 3: mismatched columns: the row has 3 columns; the header has 4. "
        "Give every row one value per column, separated by commas.",
    ),
    (
        "empty file",
        "",
        "bad.csv: the file is empty. Write the header 'Actor,Capability,Position,Salience' "
        "and one row per actor.",
    ),
    (
        "blank file",
        "\r\n  \r\n,,,\n",
        "bad.csv: the file is empty. Write the header 'Actor,Capability,Position,Salience' "
        "and one row per actor.",
    ),
    (
        "no actors",
        HEADER,
        "bad.csv, line 1: the file has a header but no actors. "
        "Add one row per actor below the header.",
    ),
    (
        "duplicate actor",
        HEADER + "Belgium,1,4,0.5\nFrance,1,10,0.5\nBelgium,2,7,0.5\n",
        "bad.csv, line 4, column 1 (Actor): actor 'Belgium' is listed twice (first on "
        "line 2). Give each actor one row, with a unique name.",
    ),
    (
        "empty actor name",
        HEADER + ",1,4,0.5\n",
        "bad.csv, line 2, column 1 (Actor): the actor name is empty. Name every actor.",
    ),
    (
        "wrong header",
        "Actor,Power,Position,Salience\nA,1,4,0.5\n",
        "bad.csv, line 1: the header is 'Actor,Power,Position,Salience'; expected "
        "'Actor,Capability,Position,Salience' (or 'Stakeholder,Resources,Position,Salience'), "
        "optionally followed by 'Position2,Salience2' and further pairs. Fix the header.",
    ),
    (
        "pairs out of order",
        "Actor,Capability,Position,Salience,Salience2,Position2\nA,1,4,0.5,1,1\n",
        "bad.csv, line 1: the header is 'Actor,Capability,Position,Salience,Salience2,"
        "Position2'; expected 'Actor,Capability,Position,Salience' (or "
        "'Stakeholder,Resources,Position,Salience'), optionally followed by "
        "'Position2,Salience2' and further pairs. Fix the header.",
    ),
    (
        "issue nobody takes part in",
        "Actor,Capability,Position,Salience,Position2,Salience2\nA,1,4,0.5,,\n",
        "bad.csv, line 1, column 5 (Position2): no actor has a position on the issue of "
        "column 5 (Position2). Give at least one actor a position, or remove the column "
        "pair.",
    ),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors(tmp_path: Path, text: str, message: str) -> None:
    """Check that each invalid file raises a ScenarioError with the exact message."""
    with pytest.raises(ScenarioError) as info:
        read_bdm_csv(_write(tmp_path, text))
    assert str(info.value) == message
    assert info.value.source == "bad.csv"


def test_every_problem_is_reported(tmp_path: Path) -> None:
    """Check that all cell problems of a file are listed in one error, in file order."""
    path = _write(tmp_path, HEADER + "A,-1,4,0.5\nB,1,x,0.5\n")
    with pytest.raises(ScenarioError) as info:
        read_bdm_csv(path)
    assert [p.line for p in info.value.problems] == [2, 3]
    assert str(info.value).startswith("bad.csv: 2 problems\n  - bad.csv, line 2, column 2")


def test_not_utf8(tmp_path: Path) -> None:
    """Check that a file that is not UTF-8 is refused with the offending byte."""
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode() + "Zürich,1,4,0.5\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        read_bdm_csv(path)
    assert str(info.value) == "bad.csv: the file is not UTF-8 text (byte 36). Save it as UTF-8."


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Check that a UTF-8 byte-order mark before the header is ignored."""
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert read_bdm_csv(path).actor_ids == ("Netherlands", "Belgium")


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that a file over the size bound is refused before it is parsed."""
    monkeypatch.setattr(bdm_csv, "MAX_FILE_BYTES", 50)
    path = _write(tmp_path, GOOD)
    with pytest.raises(ScenarioError) as info:
        read_bdm_csv(path)
    assert str(info.value) == (
        f"bad.csv: the file is {len(GOOD)} bytes; the limit is 50. BDM tables are a few "
        "kilobytes: check that this is the right file."
    )


def test_missing_file(tmp_path: Path) -> None:
    """Check that a missing file is a ScenarioError naming it."""
    with pytest.raises(ScenarioError) as info:
        read_bdm_csv(tmp_path / "none.csv")
    assert str(info.value) == "none.csv: cannot read the file: No such file or directory."
