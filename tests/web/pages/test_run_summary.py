"""The run page's summaries: the main figures of each analysis' document, as tables."""

from __future__ import annotations

from typing import Any

import pytest

from peacetalks.scenario import load_scenario
from peacetalks.web.pages.run_summary import KIND_TITLES, Summary, Table, summarise
from peacetalks.web.runners import KINDS, parameters_model, run_analysis


def _run(kind: str, scenario: str, parameters: dict[str, Any]) -> dict[str, Any]:
    values = parameters_model(kind).model_validate(parameters).model_dump(mode="json")
    others = [load_scenario(s) for s in values.get("snapshots") or []]
    return run_analysis(kind, load_scenario(scenario), values, lambda _d, _t: None, others=others)


def _rows(summary: Summary, table_id: str) -> dict[str, tuple[str, ...]]:
    table: Table = next(t for t in summary.tables if t.id == table_id)
    return {row[0]: row for row in table.rows}


def test_every_kind_has_a_title_and_a_summary() -> None:
    """Check that no analysis is left without its name and summary on the pages."""
    assert set(KIND_TITLES) == set(KINDS)
    assert summarise("poll", {}) == Summary()
    assert summarise("evaluate", None) == Summary()


def test_deals_summary_lists_the_fair_compromises() -> None:
    """Check the compromises' deals and chances, and the ZOPA sentence."""
    doc = _run("deals", "ukraine-2025", {"rules": ["nash", "ks"], "zopa": True, "runs": 100})
    summary = summarise("deals", doc)
    rows = _rows(summary, "summary-compromises")
    assert list(rows) == ["Nash", "Kalai-Smorodinsky"]
    nash = rows["Nash"]
    assert nash[1] == ", ".join(f"{i}: {o}" for i, o in doc["nash"]["deal"].items())
    assert nash[2] == f"{doc['nash']['p_pass']:.2f}"
    zopa = doc["zopa"]
    assert summary.sentences[0].startswith(f"{zopa['count']:,} of {zopa['total']:,} deals")


def test_ratify_summary_lists_each_body() -> None:
    """Check one row per body that must approve, with its result and pivotal members."""
    doc = _run("ratify", "ukraine-2025", {"proposal": "korybko-2025", "runs": 100})
    summary = summarise("ratify", doc)
    rows = _rows(summary, "summary-bodies")
    assert len(rows) == len(doc["bodies"]) > 0
    for body in doc["bodies"]:
        row = rows[body["name"] or body["id"]]
        assert row[2] == ("passes" if body["passes"] else "fails")
        assert row[3] == (", ".join(body["pivotal"]) or "nobody")
        assert row[4] == f"{body['p_pass']:.2f}"
    assert summary.sentences[0].startswith("korybko-2025 ")


def test_stress_summary_lists_each_phase() -> None:
    """Check the chance of reaching each phase with its interval."""
    doc = _run("stress", "ukraine-2025", {"agreement": "monitored-phased-relief", "runs": 50})
    rows = _rows(summarise("stress", doc), "summary-phases")
    assert len(rows) == len(doc["phases"])
    for phase in doc["phases"]:
        row = rows[phase["name"]]
        assert row[2] == f"{phase['reach_probability']:.2f}"
        assert row[3] == f"{phase['low']:.2f}-{phase['high']:.2f}"


@pytest.mark.parametrize("protocol", ["alternating", "single-text"])
def test_negotiate_summary_gives_the_mean_utilities(protocol: str) -> None:
    """Check the agreement rate and each actor's mean utility."""
    doc = _run("negotiate", "ukraine-2025", {"protocol": protocol, "runs": 2, "seed": 1})
    summary = summarise("negotiate", doc)
    rows = _rows(summary, "summary-utilities")
    assert rows == {
        actor: (actor, f"{value:.2f}") for actor, value in doc["summary"]["mean_utilities"].items()
    }
    assert f"{doc['summary']['agreement_rate']:.0%}" in summary.sentences[0]


def test_long_tables_are_cut_with_a_count() -> None:
    """Check that a table keeps 50 rows and says how many more the document has."""
    doc = {
        "model": "compromise",
        "issues": [{"id": f"i{k}", "forecast": 1.0, "p5": None, "p95": None} for k in range(60)],
    }
    table = summarise("forecast", doc).tables[0]
    assert len(table.rows) == 50
    assert table.more == 10
    assert table.rows[0] == ("i0", "1.0", "\N{EN DASH}", "\N{EN DASH}", "\N{EN DASH}")


def test_compare_summary_says_how_many_pass() -> None:
    """Check the entries compared, how many pass every veto, and a row per entry."""
    doc = _run("compare", "ukraine-2025", {"proposals": ["roberts-2025", "us-28-point"]})
    summary = summarise("compare", doc)
    passing = sum(1 for p in doc["proposals"] if p["passes"])
    assert summary.sentences == [
        f"roberts-2025, us-28-point side by side: {passing} of 2 pass every veto."
    ]
    rows = _rows(summary, "summary-proposals")
    for entry in doc["proposals"]:
        assert rows[entry["id"]][2] == f"{entry['p_pass']:.2f}"
        assert rows[entry["id"]][3] == (", ".join(entry["blockers"]) or "nobody")
