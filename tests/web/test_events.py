"""Implementation events of an agreement: add (JSON or a file), list, and the tracking score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.scenario import resolve_scenario_path
from tests.web.conftest import Api, new_id

runner = CliRunner()
AGREEMENT = "monitored-phased-relief"
EVENTS = [
    {
        "date": "2025-07-01",
        "kind": "step",
        "provision": "mpr-ceasefire-russia",
        "party": "russia",
        "source": "monitors",
    },
    {
        "date": "2025-07-02",
        "kind": "step",
        "provision": "mpr-ceasefire-ukraine",
        "party": "ukraine",
        "level": 2,
        "source": "monitors",
    },
    {
        "date": "2025-07-09",
        "kind": "violation",
        "provision": "mpr-ceasefire-russia",
        "party": "russia",
        "count": 3,
        "source": "monitors",
    },
]


@pytest.fixture
def copy_id(api: Api) -> str:
    """Save the built-in ukraine-2025 scenario under a new id owned by ann."""
    scenario_id = new_id("ukraine")
    text = resolve_scenario_path("ukraine-2025").read_text(encoding="utf-8")
    assert text.startswith("id: ukraine-2025\n") or "\nid: ukraine-2025\n" in text
    api.store.save_scenario(
        text.replace("id: ukraine-2025\n", f"id: {scenario_id}\n", 1), owner="ann"
    )
    return scenario_id


def _path(scenario_id: str, tail: str) -> str:
    return f"/api/scenarios/{scenario_id}/agreements/{AGREEMENT}/{tail}"


def test_events_are_added_listed_and_tracked_as_the_cli_does(
    api: Api, copy_id: str, tmp_path: Path
) -> None:
    """Check that added events list back and give the score ``peacetalks track`` gives."""
    with api.client("ann") as ann:
        added = ann.post(_path(copy_id, "events"), json={"events": EVENTS})
        assert added.status_code == 201, added.text
        assert added.json() == {
            "scenario": copy_id,
            "agreement": AGREEMENT,
            "added": 3,
            "skipped_rows": 0,
        }
        listed = ann.get(_path(copy_id, "events")).json()["events"]
        tracked = ann.get(_path(copy_id, "track")).json()
        early = ann.get(_path(copy_id, "track"), params={"as_of": "2025-07-01"}).json()
    assert [e["date"] for e in listed] == ["2025-07-01", "2025-07-02", "2025-07-09"]
    assert listed[2]["count"] == 3
    events_file = tmp_path / "events.yaml"
    events_file.write_text(json.dumps({"events": EVENTS}), encoding="utf-8")
    result = runner.invoke(
        cli, ["track", "ukraine-2025", "-a", AGREEMENT, "-e", str(events_file), "--json"]
    )
    expected: dict[str, Any] = json.loads(result.stdout)
    expected.pop("skipped_rows")
    expected["scenario"] = copy_id
    assert tracked == expected
    assert early["events"] == 1


def test_bad_events_name_the_line_of_the_body(api: Api, copy_id: str) -> None:
    """Check that a bad event is refused with its line in the request body and nothing added."""
    body = (
        '{"events": [\n'
        '  {"date": "2025-07-01", "kind": "step", "provision": "mpr-ceasefire-russia", "party": "russia", "source": "m"},\n'
        '  {"date": "2025-07-02", "kind": "step", "provision": "no-such-provision", "party": "russia", "source": "m"}\n'
        "]}"
    )
    with api.client("ann") as ann:
        response = ann.post(
            _path(copy_id, "events"),
            content=body.encode(),
            headers={"content-type": "application/json"},
        )
        listed = ann.get(_path(copy_id, "events")).json()["events"]
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "ScenarioError"
    assert [p["line"] for p in error["problems"]] == [3]
    assert error["message"].startswith("request.json, line 3, ")
    assert listed == []


def test_events_file_upload(api: Api, copy_id: str) -> None:
    """Check that an OSCE-style counts CSV is read against the ceasefire phase."""
    csv = "date,region,violations,explosions\n2025-07-03,UA-14,12,4\n2025-07-04,UA-09,0,0\n"
    with api.client("ann") as ann:
        response = ann.post(
            _path(copy_id, "events/import"),
            files={"file": ("osce.csv", csv.encode(), "text/csv")},
            data={"format": "osce"},
        )
        listed = ann.get(_path(copy_id, "events")).json()["events"]
    assert response.status_code == 201, response.text
    assert response.json()["added"] == len(listed) >= 1
    assert {e["provision"] for e in listed} == {"ceasefire-30-days"}


def test_events_need_the_scenarios_owner(api: Api, copy_id: str) -> None:
    """Check who may record events: the owner (and admins); others 403 or 404."""
    with api.client("bob") as bob, api.client("ada") as admin, api.client("ann") as ann:
        assert bob.post(_path(copy_id, "events"), json={"events": EVENTS}).status_code == 404
        ann.post(f"/api/scenarios/{copy_id}/shares", json={"username": "bob"})
        assert bob.get(_path(copy_id, "events")).status_code == 200
        refused = bob.post(_path(copy_id, "events"), json={"events": EVENTS})
        assert refused.status_code == 403
        assert admin.post(_path(copy_id, "events"), json={"events": EVENTS[:1]}).status_code == 201
        builtin = ann.post(
            f"/api/scenarios/ukraine-2025/agreements/{AGREEMENT}/events", json={"events": EVENTS}
        )
        assert builtin.status_code == 403


def test_unknown_agreement_is_404(api: Api, copy_id: str) -> None:
    """Check that an agreement the scenario lacks answers 404 naming its agreements."""
    with api.client("ann") as ann:
        response = ann.get(f"/api/scenarios/{copy_id}/agreements/nope/track")
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith(
        f"scenario {copy_id!r} has no agreement 'nope'. Its agreements: {AGREEMENT}, "
    )
