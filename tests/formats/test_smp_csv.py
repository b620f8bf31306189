from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetalks.errors import ScenarioError
from peacetalks.formats.smp_csv import read_smp_csv
from tests.conftest import DATA

SMP = DATA / "ktab" / "smp"

GOOD = """Demo,A demo scenario,3,2,
Actor,Description,Power,Policy Position,Policy Salience,Trade Position,Trade Salience,
A,Actor A,100,30,40,20,60,
B,Actor B,50,45,50,65,40,
C,Actor C,25,80,20,10,30,
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "smp.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "shape", "issues"),
    [
        ("SOE-Competitive.csv", (34, 1), ("Competitive",)),
        ("SOE-Pol-Comp.csv", (13, 2), ("Policy", "Competitive")),
        ("SOE-Policy.csv", (26, 1), ("Policy",)),
        ("dummyData-a040.csv", (40, 1), ("XYZ",)),
        ("dummyData-a080.csv", (80, 1), ("XYZ",)),
        ("dummyData-a160.csv", (160, 1), ("XYZ",)),
        ("dummyData_3Dim-no-final-comma.csv", (7, 3), ("Pstn1", "Pstn2", "Pstn3")),
        ("dummyData_3Dim.csv", (7, 3), ("Pstn1", "Pstn2", "Pstn3")),
        ("dummyData_6Dim.csv", (27, 6), ("Dim0", "Dim1", "Dim2", "Dim3", "Dim4", "Dim5")),
    ],
)
def test_reads_every_shipped_file(
    name: str, shape: tuple[int, int], issues: tuple[str, ...]
) -> None:
    """Check that each KTAB SMP CSV file loads with its actors and dimensions."""
    table = read_smp_csv(SMP / name)
    assert table.positions.shape == shape
    assert table.issue_ids == issues
    assert len(table.notes) == shape[0]
    assert not np.isnan(table.positions).any()
    assert np.all((table.positions >= 0) & (table.positions <= 100))
    assert np.all(table.saliences.sum(axis=1) <= 1.0 + 1e-9)
    assert np.all(table.capabilities > 0)


def test_the_whole_set_of_shipped_files_is_covered() -> None:
    """Check that the parametrized list names every CSV shipped with KTAB's SMP."""
    assert len(list(SMP.glob("*.csv"))) == 9


def test_final_comma_makes_no_difference() -> None:
    """Check that the files with and without a final comma give the same table."""
    with_comma = read_smp_csv(SMP / "dummyData_3Dim.csv")
    without = read_smp_csv(SMP / "dummyData_3Dim-no-final-comma.csv")
    np.testing.assert_array_equal(with_comma.positions, without.positions)
    np.testing.assert_array_equal(with_comma.saliences, without.saliences)
    np.testing.assert_array_equal(with_comma.capabilities, without.capabilities)
    assert with_comma.actor_ids == without.actor_ids


def test_values_are_read_as_written(tmp_path: Path) -> None:
    """Check that positions stay on 0-100, saliences go to 0-1 and descriptions to notes."""
    table = read_smp_csv(_write(tmp_path, GOOD))
    assert table.name == "Demo"
    assert table.actor_ids == ("A", "B", "C")
    assert table.notes == ("Actor A", "Actor B", "Actor C")
    assert table.issue_ids == ("Policy", "Trade")
    np.testing.assert_array_equal(table.positions, [[30, 20], [45, 65], [80, 10]])
    np.testing.assert_allclose(table.saliences, [[0.4, 0.6], [0.5, 0.4], [0.2, 0.3]])
    np.testing.assert_array_equal(table.capabilities, [100, 50, 25])
    np.testing.assert_array_equal(table.scale, [[0, 100], [0, 100]])


def test_reads_quoted_and_padded_cells(tmp_path: Path) -> None:
    """Check that quotes, spaces, CRLF and extra fields on line 1 are accepted."""
    text = GOOD.replace("Demo,A demo scenario,3,2,", 'Demo , "A demo, quoted",3,2,0,,').replace(
        "B,Actor B,50,", "B,  Actor B,   50,"
    )
    table = read_smp_csv(_write(tmp_path, text.replace("\n", "\r\n")))
    assert table.name == "Demo"
    assert table.notes[1] == "Actor B"
    assert table.capabilities[1] == 50


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "A,Actor A,100,30,40",
            "A,Actor A,100,,40",
            "smp.csv, line 3, column 4 (Policy Position): the cell is empty. Write a number between 0 and 100.",
        ),
        (
            "3,2,",
            "4,2,",
            "smp.csv, line 1, column 3 (numActors): numActors is 4 but the file has 3 actor row(s). Make numActors match the rows.",
        ),
        (
            "3,2,",
            "3,3,",
            "smp.csv, line 2: the header has 7 column(s); numDims = 3 (line 1) needs 9 (Actor, Description, Power and a position and a salience per dimension). Make numDims match the columns.",
        ),
        (
            "3,2,",
            "three,2,",
            "smp.csv, line 1, column 3 (numActors): numActors must be a whole number of at least 1. Got 'three' instead.",
        ),
        (
            "3,2,",
            "3,0,",
            "smp.csv, line 1, column 4 (numDims): numDims must be a whole number of at least 1. Got '0' instead.",
        ),
        (
            "B,Actor B,50,45,50,65,40",
            "B,Actor B,50,45,60,65,45",
            "smp.csv, line 4, salience columns 5, 7: the saliences sum to 105, above 100. An actor splits at most 100 points of attention across the dimensions; scale them down.",
        ),
        (
            "C,Actor C,25",
            "C,Actor C,0",
            "smp.csv, line 5, column 3 (Power): the capability must be positive. Got 0 instead.",
        ),
        (
            "C,Actor C,25",
            "C,Actor C,-2",
            "smp.csv, line 5, column 3 (Power): the capability must be positive. Got -2 instead.",
        ),
        (
            "B,Actor B,50,45",
            "B,Actor B,50,4x5",
            "smp.csv, line 4, column 4 (Policy Position): '4x5' is not a number. Write a number between 0 and 100.",
        ),
        (
            "B,Actor B,50,",
            "B,Actor B,fifty,",
            "smp.csv, line 4, column 3 (Power): 'fifty' is not a number. Write a positive number.",
        ),
        (
            "B,Actor B,50,45",
            "B,Actor B,50,145",
            "smp.csv, line 4, column 4 (Policy Position): 145 is outside [0, 100]. Use the SMP 0-100 scale.",
        ),
        (
            "C,Actor C,25,80,20,10,30,",
            "C,Actor C,25,80,20,10,",
            "smp.csv, line 5: the row has 6 column(s); the header has 7. Give every actor a capability and a position and a salience on each dimension.",
        ),
        (
            "C,Actor C",
            "A,Actor C",
            "smp.csv, line 5, column 1 (Actor): actor 'A' is listed again (first on line 3). Give each actor its own name.",
        ),
        (
            "C,Actor C",
            "C\x00x,Actor C",
            "smp.csv, line 5, column 1 (Actor): the actor name 'C\\x00x' holds the control character '\\x00' (position 2). Names become actor ids and are printed: remove it.",
        ),
        (
            "Trade Position",
            "Policy Position",
            "smp.csv, line 2, column 6 (Policy Position): two dimensions are named 'Policy'. Give each dimension its own name.",
        ),
        (
            "A,Actor A,100,30,40",
            "A,Actor A,100,,x",
            "smp.csv: 2 problems\n"
            "  - smp.csv, line 3, column 4 (Policy Position): the cell is empty. Write a number between 0 and 100.\n"
            "  - smp.csv, line 3, column 5 (Policy Salience): 'x' is not a number. Write a number between 0 and 100.",
        ),
    ],
)
def test_malformed_files_are_reported(tmp_path: Path, old: str, new: str, message: str) -> None:
    """Check that each malformed file raises a ScenarioError with file, line and column."""
    assert old in GOOD
    with pytest.raises(ScenarioError) as info:
        read_smp_csv(_write(tmp_path, GOOD.replace(old, new, 1)))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Demo,x\n",
            "smp.csv: the file has 1 line(s). An SMP CSV file needs the line 'scenarioName,description,numActors,numDims', a header and one row per actor.",
        ),
        (
            "Demo,x,3\nActor,Description,Power\n",
            "smp.csv, line 1: the line must be 'scenarioName,description,numActors,numDims'. Got 3 field(s) instead.",
        ),
    ],
)
def test_truncated_files_are_reported(tmp_path: Path, text: str, message: str) -> None:
    """Check that a file without its first lines says what the format needs."""
    with pytest.raises(ScenarioError) as info:
        read_smp_csv(_write(tmp_path, text))
    assert str(info.value) == message
