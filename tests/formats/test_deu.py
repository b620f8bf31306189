from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from peacetalks.errors import ScenarioError
from peacetalks.formats.deu import INSTITUTIONS, read_deu
from tests.conftest import DATA

DEU = DATA / "deu" / "deu3_blksv.csv"

HEADER = ["isnr", "proc", "counvte", "pcom", "pde", "pfr", "scom", "sde", "sfr", "rp", "out"]
GDP = ["", "", "", "4.1", "4.1", "2.8", "", "", "", "", ""]
ROWS = [
    ["i1", "COD", "QMV", "100", "0", "50", "80", "50", "", "0", "60"],
    ["i2", "CNS", "Unan", "", "20", "40", "", "90", "70", "", "30"],
    ["i3", "CNS", "QMV", "10", "20", "40", "50", "90", "70", "", ""],
]


def _write(
    tmp_path: Path,
    header: list[str] = HEADER,
    gdp: list[str] = GDP,
    rows: list[list[str]] = ROWS,
) -> Path:
    path = tmp_path / "deu.tsv"
    path.write_text("\n".join("\t".join(row) for row in [header, gdp, *rows]) + "\n")
    return path


def _rows(line: int, column: int, value: str) -> list[list[str]]:
    """Return the sample rows with one cell replaced (line 3 is the first issue)."""
    rows = [row[:] for row in ROWS]
    rows[line - 3][column - 1] = value
    return rows


def _gdp(column: int, value: str) -> list[str]:
    gdp = GDP[:]
    gdp[column - 1] = value
    return gdp


def test_reads_the_deu_file() -> None:
    """Check that the DEU III file gives 353 issues with an outcome and 30 actors."""
    data = read_deu(DEU)
    table = data.table
    assert (table.n_actors, table.n_issues) == (30, 353)
    assert table.actor_ids[:3] == ("com", "ep", "at")
    assert len(data.council) == 28
    assert not set(INSTITUTIONS) & set(data.council)
    assert not np.isnan(table.outcome).any()
    assert np.isnan(table.reference).sum() == 100
    assert table.saliences.min() >= 0.0
    assert table.saliences.max() <= 1.0
    assert np.all(table.saliences[np.isnan(table.positions)] == 0.0)
    assert table.capabilities[0] == table.capabilities[1] == table.capabilities.max() == 4.1
    assert len(set(table.issue_ids)) == 353
    assert Counter(data.voting_rules) == {"qualified": 281, "unanimity": 72}
    assert Counter(data.procedures) == {"COD": 205, "CNS": 148}


def test_keeps_issues_without_outcome_when_asked() -> None:
    """Check that require_outcome=False keeps all 364 issues, 11 without an outcome."""
    table = read_deu(DEU, require_outcome=False).table
    assert table.n_issues == 364
    assert np.isnan(table.outcome).sum() == 11


def test_reads_a_small_file(tmp_path: Path) -> None:
    """Check that a hand-made file gives the positions, saliences and rules written in it."""
    data = read_deu(_write(tmp_path))
    table = data.table
    assert table.issue_ids == ("i1", "i2")
    assert table.actor_ids == ("com", "de", "fr")
    np.testing.assert_array_equal(table.positions, [[100, np.nan], [0, 20], [50, 40]])
    # fr's position on i1 has no salience: it stays, with no weight.
    np.testing.assert_array_equal(table.saliences, [[0.8, 0.0], [0.5, 0.9], [0.0, 0.7]])
    np.testing.assert_array_equal(table.reference, [0.0, np.nan])
    np.testing.assert_array_equal(table.outcome, [60.0, 30.0])
    assert data.voting_rules == ("qualified", "unanimity")
    assert data.procedures == ("COD", "CNS")
    assert data.council == ("de", "fr")


def test_institution_capability_overrides_the_file(tmp_path: Path) -> None:
    """Check that institution_capability sets the Commission's capability only."""
    table = read_deu(_write(tmp_path), institution_capability=1.5).table
    np.testing.assert_array_equal(table.capabilities, [1.5, 4.1, 2.8])


@pytest.mark.parametrize(
    ("header", "gdp", "rows", "message"),
    [
        (
            HEADER,
            GDP,
            [ROWS[0][:-1], *ROWS[1:]],
            "deu.tsv, line 3: the row has 10 fields; the header (line 1) has 11. Check for a missing or extra tab.",
        ),
        (
            HEADER[:-1],
            GDP[:-1],
            [row[:-1] for row in ROWS],
            "deu.tsv, line 1: the header has no 'out' column. Add it.",
        ),
        (
            HEADER,
            GDP,
            _rows(3, 4, "abc"),
            "deu.tsv, line 3, column 4 (pcom): 'abc' is not a number. Write a number between 0 and 100, or leave it empty.",
        ),
        (
            HEADER,
            GDP,
            _rows(4, 5, "120"),
            "deu.tsv, line 4, column 5 (pde): 120 is outside [0, 100]. Use the DEU 0-100 scale.",
        ),
        (
            HEADER,
            GDP,
            _rows(4, 3, "Majority"),
            "deu.tsv, line 4, column 3 (counvte): unknown Council voting rule 'Majority'. Use one of 'QMV', 'QMV(10)', 'SMV', 'Unan'.",
        ),
        (
            HEADER,
            GDP,
            _rows(4, 1, "i1"),
            "deu.tsv, line 4, column 1 (isnr): issue 'i1' is listed again (first on line 3). Give each issue its own id.",
        ),
        (
            HEADER,
            _gdp(5, "-1"),
            ROWS,
            "deu.tsv, line 2, column 5 (pde): the capability (GDP) row must give a positive number for every actor. Got -1 instead.",
        ),
        (
            HEADER,
            _gdp(6, "x"),
            ROWS,
            "deu.tsv, line 2, column 6 (pfr): the capability (GDP) row must give a positive number for every actor. Got 'x' instead.",
        ),
        (
            HEADER,
            _gdp(1, "i0"),
            ROWS,
            "deu.tsv, line 2, column 1 (isnr): this line must be the capability (GDP) row, with no issue id. Got issue 'i0' instead.",
        ),
        (
            [*HEADER[:8], "sxx", *HEADER[9:]],
            GDP,
            ROWS,
            "deu.tsv, line 1, column 6 (pfr): actor 'fr' has a position column and a capability but no salience column 'sfr'. Add the column.",
        ),
        (
            HEADER,
            [""] * len(GDP),
            ROWS,
            "deu.tsv, line 2: the capability (GDP) row gives no value under any 'p<actor>' column. Put each actor's GDP under its position column.",
        ),
        (
            HEADER,
            GDP,
            [_rows(3, 4, "abc")[0], _rows(4, 10, "-5")[1]],
            "deu.tsv: 2 problems\n"
            "  - deu.tsv, line 3, column 4 (pcom): 'abc' is not a number. Write a number between 0 and 100, or leave it empty.\n"
            "  - deu.tsv, line 4, column 10 (rp): -5 is outside [0, 100]. Use the DEU 0-100 scale.",
        ),
    ],
)
def test_malformed_files_are_reported(
    tmp_path: Path, header: list[str], gdp: list[str], rows: list[list[str]], message: str
) -> None:
    """Check that each malformed file raises a ScenarioError with file, line and column."""
    with pytest.raises(ScenarioError) as info:
        read_deu(_write(tmp_path, header, gdp, rows))
    assert str(info.value) == message


def test_a_file_without_rows_is_reported(tmp_path: Path) -> None:
    """Check that a file with only a header says what a DEU file needs."""
    path = tmp_path / "deu.tsv"
    path.write_text("isnr\tout\n")
    with pytest.raises(ScenarioError, match=r"^deu\.tsv: the file has 1 line\(s\)\. A DEU"):
        read_deu(path)
