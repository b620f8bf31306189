"""The territory map of ukraine-2025: what it draws and says, and that it follows the option."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.geo.territory import territory_outcome
from peacetalks.geo.territory_map import territory_map
from peacetalks.scenario import Scenario, load_scenario

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load_scenario("ukraine-2025")


def test_map_has_its_title_description_and_caption(ukraine: Scenario) -> None:
    """Check the accessible name, the description with the totals, and the caption."""
    outcome = territory_outcome(ukraine, {"territory": "four-oblasts-recognised"})
    drawn = territory_map(ukraine, outcome, name="four-oblasts-recognised")
    root = ET.fromstring(drawn.svg)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Who administers what under four-oblasts-recognised"
    desc = root.findtext(f"{SVG}desc") or ""
    assert f"{outcome.area_changing_km2:,.0f} km2" in desc
    assert "Russian Federation would administer 100.0% of the area" in desc
    text = " ".join(t for t in root.itertext())
    assert "Control shares at 2026-01-06" in text
    assert "approximate" in text
    assert len(drawn.svg.encode("utf-8")) < 200_000


def test_map_changes_with_the_option(ukraine: Scenario) -> None:
    """Check that two options draw different maps, and the line draws Donetsk split."""
    line = territory_map(ukraine, territory_outcome(ukraine, {}), name="line")
    restore = territory_map(
        ukraine, territory_outcome(ukraine, {"territory": "restore-1991-borders"}), name="r"
    )
    assert line.svg != restore.svg
    # At the line Donetsk is split (hatched); restored, it is one colour.
    assert "Donetsk Oblast: 78% administered by Russian Federation" in line.svg
    assert "Donetsk Oblast: 100% administered by Ukraine" in restore.svg
    # A city moved to Ukraine says so in its tooltip.
    assert "Mariupol: 425,681 people (2022-01), administered by Ukraine" in restore.svg
    assert "Mariupol: 425,681 people (2022-01), administered by Russian Federation" in line.svg


def test_referendum_is_said_not_shown_as_a_transfer(ukraine: Scenario) -> None:
    """Check that an area put to a vote is described as such, city and region."""
    drawn = territory_map(
        ukraine,
        territory_outcome(ukraine, {"territory": "donbas-withdrawal-south-referendum"}),
        name="referendum",
    )
    assert "Zaporizhzhia Oblast 25% put to a referendum (could go to Russian Federation)" in (
        drawn.summary
    )
    assert (
        "Zaporizhzhia: 710,052 people (2022-01-01), put to a referendum, administered by Ukraine"
        in (drawn.svg)
    )


def test_command_writes_the_map(tmp_path: Path) -> None:
    """Check `territory --proposal ID --svg FILE --json` writes a parseable SVG and says so."""
    target = tmp_path / "map.svg"
    result = CliRunner().invoke(
        app,
        ["territory", "ukraine-2025", "--proposal", "us-28-point", "--svg", str(target), "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["map"]["file"] == str(target)
    assert data["map"]["bytes"] == len(target.read_bytes())
    ET.fromstring(target.read_text(encoding="utf-8"))
    missing = CliRunner().invoke(
        app, ["territory", "ukraine-2025", "--svg", str(tmp_path / "no" / "such" / "map.svg")]
    )
    assert missing.exit_code == 1
    assert "cannot write the map to" in missing.stderr
