"""The territory map through the API: GET /api/scenarios/{id}/territory."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from peacetalks.cli import app as cli
from tests.web.conftest import Api, create, new_id

runner = CliRunner()
URL = "/api/scenarios/ukraine-2025/territory"


def test_territory_answers_the_cli_document_with_the_map(api: Api) -> None:
    """Check the keys, that the document is the CLI's, and that the map is the deal's."""
    with api.client() as client:
        response = client.get(URL, params={"proposal": "us-28-point"})
    assert response.status_code == 200, response.text
    document = response.json()
    assert set(document) == {
        "scenario",
        "as_of",
        "options",
        "regions",
        "totals",
        "proposal",
        "map",
    }
    assert document["proposal"] == "us-28-point"
    shown = runner.invoke(cli, ["territory", "ukraine-2025", "-p", "us-28-point", "--json"])
    expected = json.loads(shown.stdout)
    assert {k: document[k] for k in expected} == expected
    drawn = document["map"]
    assert set(drawn) == {"svg", "title", "summary"}
    assert drawn["svg"].startswith("<svg ")
    assert 'role="img"' in drawn["svg"]
    assert f">{drawn['title']}</title>" in drawn["svg"]
    assert drawn["title"].startswith("Who administers what under ")
    assert f"{document['totals']['area_km2']:,.0f} km2" in drawn["summary"]
    assert "<script" not in drawn["svg"]
    assert "style=" not in drawn["svg"]


def test_the_map_changes_with_the_option(api: Api) -> None:
    """Check that issue.<id> fields pick the options (over a proposal's) and change the map."""
    with api.client() as client:
        line = client.get(URL).json()
        ceded = client.get(URL, params={"issue.territory": "four-oblasts-recognised"}).json()
        mixed = client.get(
            URL,
            params={"proposal": "us-28-point", "issue.territory": "restore-1991-borders"},
        ).json()
    assert line["proposal"] is None
    assert line["totals"]["area_km2"] == 0
    assert ceded["options"]["territory"] == "four-oblasts-recognised"
    assert ceded["totals"]["area_km2"] > 0
    assert ceded["map"]["title"] != line["map"]["title"]
    assert ceded["map"]["summary"] != line["map"]["summary"]
    assert ceded["map"]["svg"] != line["map"]["svg"]
    # The proposal's other territorial term stays; its title no longer names the proposal.
    assert mixed["options"] == {
        "territory": "restore-1991-borders",
        "kursk-sumy": "russia-withdraws-outside-four-oblasts",
    }
    assert "Who administers what under" not in mixed["map"]["title"]


def test_territory_errors_name_what_was_expected(api: Api) -> None:
    """Check 404 for an unknown proposal, 422 for unknown issues, options and fields."""
    with api.client() as client:
        cases = {
            "proposal": client.get(URL, params={"proposal": "nowhere"}),
            "option": client.get(URL, params={"issue.territory": "nowhere"}),
            "issue": client.get(URL, params={"issue.nowhere": "x"}),
            "field": client.get(URL, params={"territory": "x"}),
        }
    assert cases["proposal"].status_code == 404
    assert cases["proposal"].json()["error"]["type"] == "NotFoundError"
    assert (
        "has no proposal 'nowhere'. Expected one of: roberts-2025"
        in (cases["proposal"].json()["error"]["message"])
    )
    for name in ("option", "issue", "field"):
        assert cases[name].status_code == 422, name
        assert cases[name].json()["error"]["type"] == "ParameterError"
    assert (
        cases["option"]
        .json()["error"]["message"]
        .startswith(
            "issue 'territory' has no option 'nowhere'. Expected one of: restore-1991-borders"
        )
    )
    assert (
        "has no issue 'nowhere'. Expected one of: territory, kursk-sumy"
        in (cases["issue"].json()["error"]["message"])
    )
    assert (
        "Expected proposal=ID, version=N or issue.<issue id>=<option id>"
        in (cases["field"].json()["error"]["message"])
    )


def test_territory_follows_access_and_needs_a_territorial_issue(api: Api) -> None:
    """Check a private scenario (404 to others) and a scenario without territory (422)."""
    scenario_id = new_id("flat")
    create(api, "ann", scenario_id)
    path = f"/api/scenarios/{scenario_id}/territory"
    with api.client("ann") as ann, api.client("bob") as bob, api.client() as anonymous:
        assert bob.get(path).status_code == 404
        assert anonymous.get(path).status_code == 404
        flat = ann.get(path)
    assert flat.status_code == 422
    assert flat.json()["error"]["message"] == (
        f"scenario {scenario_id!r} has no territorial issue: no issue has a 'territory' "
        "scale or options with 'regions' (docs/territory.md), so it has no map."
    )
