"""Every KTAB SMP file shipped in tests/data runs, or is refused where KTAB refuses it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ScenarioError
from peacetalks.formats.readers import read_forecast_input, table_kind
from peacetalks.formats.smp_csv import read_smp_csv
from tests.conftest import DATA

SMP = DATA / "ktab" / "smp"
runner = CliRunner()

# Each file: the issues its forecast covers, or the message of the error KTAB also stops
# on. KTAB's smpExample.xml leaves Alice's first dCoord empty; KTAB's xmlRead stops there
# too ("no text for the following xml element: dCoord").
EXPECTED: dict[str, list[str] | str] = {
    "SOE-Competitive.csv": ["Competitive"],
    "SOE-Pol-Comp.csv": ["Policy", "Competitive"],
    "SOE-Policy.csv": ["Policy"],
    "dummyData-a040.csv": ["XYZ"],
    "dummyData-a080.csv": ["XYZ"],
    "dummyData-a160.csv": ["XYZ"],
    "dummyData_3Dim-no-final-comma.csv": ["Pstn1", "Pstn2", "Pstn3"],
    "dummyData_3Dim.csv": ["Pstn1", "Pstn2", "Pstn3"],
    "dummyData_3Dim.xml": ["Pstn1", "Pstn2", "Pstn3"],
    "dummyData_6Dim.csv": ["Dim0", "Dim1", "Dim2", "Dim3", "Dim4", "Dim5"],
    "smpExample.xml": (
        "error: smpExample.xml, line 32, Scenario.Actors.Actor[0].Position.dCoord[0]: "
        "the element is empty. Write a number between 0 and 100."
    ),
    "smpExample_at_06542ee.xml": ["FirstDim", "SecondDim", "YADN"],
}
SLOW = {"dummyData-a160.csv", "dummyData-a080.csv", "SOE-Competitive.csv"}


def test_every_ktab_file_is_in_the_table() -> None:
    """Check that the table below covers every CSV and XML file in the KTAB folder."""
    shipped = sorted(p.name for p in SMP.iterdir() if p.suffix.lower() in (".csv", ".xml"))
    assert shipped == sorted(EXPECTED)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(EXPECTED)],
)
def test_ktab_file_forecasts_or_gets_ktab_error(name: str) -> None:
    """Check that `forecast FILE --model smp --json` runs, or fails as KTAB does."""
    result = runner.invoke(app, ["forecast", str(SMP / name), "--model", "smp", "--json"])
    expected = EXPECTED[name]
    if isinstance(expected, str):
        assert result.exit_code == 1
        assert result.output.strip() == expected
        return
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.output)
    assert forecast["model"] == "smp"
    assert [issue["id"] for issue in forecast["issues"]] == expected


def _variants(text: str) -> dict[str, bytes]:
    lines = text.splitlines()
    return {
        "spaces": "\n".join(
            ",  ".join(c.strip() for c in line.split(",")) for line in lines
        ).encode(),
        "final-comma": "\n".join(line.rstrip(",") + "," for line in lines).encode(),
        "no-final-comma": "\n".join(line.rstrip(",") for line in lines).encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
        "crlf": "\r\n".join(lines).encode() + b"\r\n",
        "all": b"\xef\xbb\xbf"
        + "\r\n".join(
            " " + ",  ".join(c.strip() for c in line.split(",")) for line in lines
        ).encode(),
    }


@pytest.mark.parametrize(
    "variant", ["spaces", "final-comma", "no-final-comma", "bom", "crlf", "all"]
)
def test_ktab_csv_variants_read_as_the_plain_file(tmp_path: Path, variant: str) -> None:
    """Check that spaces, a final comma, a BOM and CRLF read as KTAB reads them."""
    plain = SMP / "dummyData_3Dim.csv"
    path = tmp_path / f"{variant}.csv"
    path.write_bytes(_variants(plain.read_text(encoding="utf-8"))[variant])
    assert table_kind(path) == "smp"
    got, _ = read_forecast_input(path)
    want = read_smp_csv(plain)
    assert got.actor_ids == want.actor_ids
    assert got.issue_ids == want.issue_ids
    np.testing.assert_array_equal(got.positions, want.positions)
    np.testing.assert_array_equal(got.saliences, want.saliences)
    np.testing.assert_array_equal(got.capabilities, want.capabilities)


def test_ktab_csv_salience_error_names_the_line(tmp_path: Path) -> None:
    """Check that saliences KTAB refuses (sum above 100) are refused with file and line."""
    path = tmp_path / "over.csv"
    path.write_text(
        "Demo,  A demo,  2,  2,\n"
        "Actor,  Description,  Power,  P1 Position,  P1 Salience,  P2 Position,  P2 Salience,\n"
        "A,  Actor A,  10,  30,  60,  20,  50,\n"
        "B,  Actor B,  10,  40,  50,  20,  50,\n"
    )
    with pytest.raises(ScenarioError, match="line 3, salience columns 5, 7: the saliences"):
        read_forecast_input(path)
