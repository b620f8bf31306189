"""The compare and timeline analyses as jobs: the CLI's JSON, other snapshots, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from peacetalks.scenario import resolve_scenario_path
from tests.web.conftest import Api, cli_json, create, new_id, run_job


def test_compare_gives_the_clis_json(api: Api) -> None:
    """Check that a compare run's results are what ``peacetalks compare --json`` prints."""
    body = {"proposals": ["roberts-2025", "us-28-point"], "runs": 300, "seed": 4}
    document = run_job(api, "ukraine-2025", "compare", body)
    args = ["ukraine-2025", "roberts-2025", "us-28-point", "--runs", "300", "--seed", "4"]
    expected = cli_json(["compare", *args, "--json"])
    assert document["results"] == expected
    assert document["parameters"] == {**body, "at": []}


def test_compare_at_another_snapshot_gives_the_clis_json(api: Api) -> None:
    """Check that 'at' evaluates the same proposal in another snapshot, as --at does."""
    body = {"proposals": ["roberts-2025"], "at": ["ukraine-2025-11"], "runs": 200}
    document = run_job(api, "ukraine-2025", "compare", body)
    args = ["ukraine-2025", "roberts-2025", "--at", "ukraine-2025-11", "--runs", "200"]
    expected = cli_json(["compare", *args, "--json"])
    assert document["results"] == expected
    assert document["results"]["compared"] == ["roberts-2025", "roberts-2025@ukraine-2025-11"]


def test_timeline_of_the_series_gives_the_clis_json(api: Api) -> None:
    """Check that a timeline without snapshots follows the whole series, as the CLI does."""
    # A copy of a snapshot joins the series on the original's date: the built-in one is kept.
    copy = new_id("ukraine-copy")
    text = resolve_scenario_path("ukraine-2025-06").read_text(encoding="utf-8")
    api.store.save_scenario(text.replace("id: ukraine-2025-06\n", f"id: {copy}\n", 1), owner="ann")
    document = run_job(api, "ukraine-2025", "timeline", {})
    assert document["results"] == cli_json(["timeline", "ukraine", "--json"])
    # The run records the snapshots it found, so that it can be run again the same way.
    recorded = document["parameters"]["snapshots"]
    assert sorted(recorded) == [
        "ukraine-2022-03",
        "ukraine-2025-02",
        "ukraine-2025-03",
        "ukraine-2025-06",
        "ukraine-2025-08",
        "ukraine-2025-11",
    ]


def test_timeline_of_named_snapshots(api: Api) -> None:
    """Check that 'snapshots' picks the other files, as the CLI's file list does."""
    body = {"snapshots": ["ukraine-2025-06"]}
    document = run_job(api, "ukraine-2025-11", "timeline", body)
    expected = cli_json(["timeline", "ukraine-2025-11", "ukraine-2025-06", "--json"])
    assert document["results"] == expected
    assert [s["id"] for s in document["results"]["snapshots"]] == [
        "ukraine-2025-06",
        "ukraine-2025-11",
    ]


def test_snapshots_must_be_readable(api: Api) -> None:
    """Check that another user's private scenario cannot be read through 'at' or 'snapshots'."""
    private = new_id("private")
    create(api, "bob", private)
    for kind, body in (
        ("compare", {"proposals": ["split"], "at": [private]}),
        ("timeline", {"snapshots": [private]}),
    ):
        with api.client("ann") as ann:
            response = ann.post(f"/api/scenarios/ukraine-2025/analyses/{kind}", json=body)
        assert response.status_code == 404, kind
        assert response.json()["error"]["message"].startswith(
            f"No scenario {private!r} that you may read."
        )


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        (
            "compare",
            {"proposals": ["split"]},
            "compare needs between 2 and 8 proposals side by side (proposals times "
            "snapshots). Got 1: 1 proposal(s) in 1 snapshot(s). Pick at least two proposals, "
            "or one and another snapshot in 'at'.",
        ),
        (
            "compare",
            {"proposals": ["split", "split"]},
            "compare needs distinct proposals and snapshots. Got proposals split, split and "
            "snapshots {small}. Name each once.",
        ),
        (
            "compare",
            {"proposals": ["split", "nothing"]},
            "scenario 'small-test' has no proposal 'nothing'",
        ),
        (
            "timeline",
            {},
            "A timeline needs two or more snapshots; scenario 'small-test' is alone: it names "
            "no series (the 'series' field). Name other snapshots of the same negotiation in "
            "'snapshots', or save them with the same 'series'.",
        ),
    ],
    ids=["one-entry", "repeated", "unknown-proposal", "alone"],
)
def test_bad_compare_and_timeline_are_refused_before_queuing(
    api: Api, kind: str, body: dict[str, Any], message: str
) -> None:
    """Check that a comparison or timeline that cannot be computed answers 4xx at once."""
    small = new_id("small")
    create(api, "ann", small)
    with api.client("ann") as ann:
        before = len(ann.get("/api/runs").json()["runs"])
        response = ann.post(f"/api/scenarios/{small}/analyses/{kind}", json=body)
        after = len(ann.get("/api/runs").json()["runs"])
    assert response.status_code in (404, 422), response.text
    got = response.json()["error"]["message"]
    assert message.format(small=small).replace("'small-test'", repr(small)) in got
    assert before == after


@pytest.mark.parametrize(
    ("kind", "body", "path"),
    [
        ("compare", {}, "body.proposals"),
        ("compare", {"proposals": []}, "body.proposals"),
        ("compare", {"proposals": ["a"] * 9}, "body.proposals"),
        ("timeline", {"snapshots": "ukraine"}, "body.snapshots"),
        ("timeline", {"series": "ukraine"}, "body.series"),
    ],
)
def test_malformed_compare_and_timeline_answer_422(
    api: Api, kind: str, body: dict[str, Any], path: str
) -> None:
    """Check that the parameters models refuse what they cannot read, naming the field."""
    with api.client("ann") as ann:
        response = ann.post(f"/api/scenarios/ukraine-2025/analyses/{kind}", json=body)
    assert response.status_code == 422
    assert path in response.json()["error"]["message"]


def test_a_timeline_needs_distinct_snapshots(api: Api) -> None:
    """Check that the scenario itself among its snapshots is refused with the CLI's message."""
    with api.client("ann") as ann:
        response = ann.post(
            "/api/scenarios/ukraine-2025/analyses/timeline", json={"snapshots": ["ukraine-2025"]}
        )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "ukraine-2025, id: the scenario 'ukraine-2025' is given twice (also as ukraine-2025). "
        "Give each snapshot once."
    )
