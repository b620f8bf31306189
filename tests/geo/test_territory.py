"""Territory on the map: what an option moves, in km2 and people, and the scale it gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ParameterError, ScenarioError
from peacetalks.geo.territory import place_scale, territory_outcome
from peacetalks.scenario import parse_scenario
from peacetalks.scenario.models import Scenario

# Two regions of country XA: R1 (100 km2, 1,000 people, a city of 400 held by xa) is half
# administered by b at as_of; R2 (300 km2, 3,000 people) is all xa's. The scale measures
# b's share of both. Hand arithmetic for each option is in the tests.
TEXT = """
id: toy
title: Toy territory
as_of: 2025-12-31
sources:
  - {id: s1, author: A, title: T, date: "2025", kind: stated, actor: xa,
     address: "https://example.org/a"}
regions:
  - {code: XA-1, name: One, country: XA, area_km2: 100, population: 1000,
     population_date: "2022", source: s1, control: {b: 0.5}, control_source: s1}
  - {code: XA-2, name: Two, country: XA, area_km2: 300, population: 3000,
     population_date: "2022", source: s1}
cities:
  - {name: Citta, region: XA-1, population: 400, population_date: "2022", source: s1,
     held_by: xa, lon: 30.0, lat: 48.0}
actors:
  - {id: xa, name: Country A, capability: 1, country: XA, veto: true, source: s1}
  - {id: b, name: Party B, capability: 1, veto: true, source: s1}
issues:
  - id: land
    name: Land
    scale: {low: none to b, high: all to b}
    default: line
    territory: {actor: b, regions: [XA-1, XA-2]}
    options:
      - {id: back, label: B leaves, position: 0,
         regions: [{code: XA-1, share: 0.5, administered_by: xa, status: de-jure}]}
      - {id: line, label: The line, position: 10}
      - {id: vote, label: Referendum, position: 15,
         regions: [{code: XA-1, share: 0.5, administered_by: b, status: referendum}]}
      - {id: rest, label: Rest to B, position: 25,
         regions: [{code: XA-1, share: 0.5, administered_by: b, status: de-facto,
                    cities: [Citta]}]}
positions:
  - {actor: xa, issue: land, ideal: 0, salience: 1, source: s1}
  - {actor: b, issue: land, ideal: 100, salience: 1, source: s1}
proposals:
  - {id: p, title: P, date: "2025", source: s1, deal: {land: rest}}
"""


def _toy(**edits: object) -> Scenario:
    data = yaml.safe_load(TEXT)
    data.update(edits)
    return parse_scenario(yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("option", "area", "people", "position"),
    [
        # b holds 50 of 400 km2; 300 of the 600 people outside the city (the city is xa's).
        ("line", 0.0, 0.0, 100 * (50 / 400 + 300 / 4000) / 2),
        # the other half and the city: 50 km2, 300 + 400 people; b holds 100 km2, 1,000.
        ("rest", 50.0, 700.0, 100 * (100 / 400 + 1000 / 4000) / 2),
        # put to a referendum: counts half (0.75 of R1 to b); the city is not listed.
        ("vote", 50.0, 300.0, 100 * (75 / 400 + 450 / 4000) / 2),
        ("back", 50.0, 300.0, 0.0),
    ],
)
def test_outcome_by_hand(option: str, area: float, people: float, position: float) -> None:
    """Check km2, people and the map's position against hand arithmetic."""
    outcome = territory_outcome(_toy(), {"land": option})
    assert outcome.area_changing_km2 == pytest.approx(area)
    assert outcome.population_changing == pytest.approx(people)
    (claimed,) = outcome.claimed
    assert claimed.position == pytest.approx(round(position, 1))
    assert claimed.area_before == pytest.approx(50 / 400)


def test_shares_after_the_deal_name_every_administrator() -> None:
    """Check the region rows: before and after shares, status, cities, the receiver."""
    rows = {r.code: r for r in territory_outcome(_toy(), {"land": "rest"}).regions}
    assert rows["XA-1"].before == {"b": 0.5, "xa": 0.5}
    assert rows["XA-1"].after == {"b": 1.0}
    assert (rows["XA-1"].to, rows["XA-1"].status, rows["XA-1"].cities) == (
        "b",
        "de-facto",
        ("Citta",),
    )
    assert rows["XA-2"].after == {"xa": 1.0}
    assert not rows["XA-2"].changes_hands


def test_scale_lists_stated_beside_map() -> None:
    """Check --scale's rows: every option, its stated position and the map's."""
    placed = {p.option: (p.stated, p.from_map) for p in place_scale(_toy())}
    assert placed == {"back": (0, 0.0), "line": (10, 10.0), "vote": (15, 15.0), "rest": (25, 25.0)}


def test_unknown_option_is_named_with_the_known_ones() -> None:
    """Check the error for an option the issue does not have."""
    with pytest.raises(
        ParameterError,
        match=r"issue 'land' has no option 'nope'\. Expected one of: back, line, vote, rest\.",
    ):
        territory_outcome(_toy(), {"land": "nope"})


def _regions(**first: object) -> list[dict[str, object]]:
    """Return the toy's two regions with the first one's control fields replaced."""
    regions: list[dict[str, object]] = yaml.safe_load(TEXT)["regions"]
    regions[0].pop("control", None)
    regions[0].pop("control_source", None)
    regions[0].update(first)
    return regions


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (
            {"regions": _regions(control={"b": 0.7, "xa": 0.4}, control_source="s1")},
            "regions[0].control",
            "control shares of XA-1 add up to 1.1, above 1",
        ),
        (
            {"regions": _regions(control={"b": 0.5})},
            "regions[0].control_source",
            "control shares of XA-1 name no source",
        ),
        (
            {
                "cities": [
                    {
                        "name": "Citta",
                        "region": "XA-2",
                        "population": 400,
                        "population_date": "2022",
                        "source": "s1",
                        "held_by": "xa",
                        "lon": 30.0,
                        "lat": 48.0,
                    }
                ]
            },
            "issues[0].options[3].regions[0].cities[0]",
            "city 'Citta' is in XA-2, not in XA-1",
        ),
        (
            {
                "cities": [
                    {
                        "name": "Citta",
                        "region": "XA-1",
                        "population": 400,
                        "population_date": "2022",
                        "source": "s1",
                        "held_by": "nobody",
                        "lon": 30.0,
                        "lat": 48.0,
                    }
                ]
            },
            "cities[0].held_by",
            "nobody",
        ),
    ],
)
def test_bad_territory_data_names_the_field(
    edit: dict[str, object], field: str, message: str
) -> None:
    """Check that each inconsistency is reported with its field and a reason."""
    with pytest.raises(ScenarioError) as caught:
        _toy(**edit)
    found = [p for p in caught.value.problems if p.path == field]
    assert found, [p.path for p in caught.value.problems]
    assert message in found[0].message


def test_command_json_and_proposal(tmp_path: Path) -> None:
    """Check `peacetalks territory FILE --proposal P --json` on the toy file."""
    path = tmp_path / "toy.yaml"
    path.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["territory", str(path), "--proposal", "p", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["options"] == {"land": "rest"}
    one = next(r for r in data["regions"] if r["iso"] == "XA-1")
    assert set(one) >= {
        "iso",
        "name",
        "area_km2",
        "population",
        "population_date",
        "administered_by",
        "status",
        "changes_hands",
    }
    assert one["changes_hands"] == {
        "share": 0.5,
        "area_km2": 50.0,
        "population": 700,
        "to": "b",
        "cities": ["Citta"],
    }
    assert data["totals"]["area_km2"] == 50.0
    assert data["totals"]["population"] == 700
    assert data["totals"]["claimed"][0]["position_from_map"] == 25.0
    bad = CliRunner().invoke(app, ["territory", str(path), "--option", "nope"])
    assert bad.exit_code == 1
    assert "no territorial issue has the option 'nope'" in bad.stderr


def test_a_scenario_without_control_shares_is_refused() -> None:
    """Check that the line must be known: no region with control shares is an error."""
    data = yaml.safe_load(TEXT)
    for region in data["regions"]:
        region.pop("control", None)
        region.pop("control_source", None)
    scenario = parse_scenario(yaml.safe_dump(data))
    with pytest.raises(ParameterError, match=r"scenario 'toy' states no control shares"):
        territory_outcome(scenario, {})


def test_command_reads_a_deal_file(tmp_path: Path) -> None:
    """Check `territory FILE --deal DEAL` applies the deal's territorial option."""
    path = tmp_path / "toy.yaml"
    path.write_text(TEXT, encoding="utf-8")
    deal = tmp_path / "deal.yaml"
    deal.write_text("land: vote\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["territory", str(path), "--deal", str(deal), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["options"] == {"land": "vote"}
    assert data["totals"]["claimed"][0]["position_from_map"] == 15.0
    both = CliRunner().invoke(app, ["territory", str(path), "--deal", str(deal), "-p", "p"])
    assert both.exit_code == 1
    assert "Give at most one of --option, --proposal or --deal" in both.stderr
