"""Proposal assessment: who accepts, who blocks, why, and defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.briefing import assess_deal, assess_proposal, assess_proposals
from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.scenario import load_scenario


def test_split_passes_with_hand_checked_utilities(small_path: Path) -> None:
    """Check the split proposal: 0.625, 0.4 (exactly the reservation) and 1.0; it passes."""
    result = assess_proposal(load_scenario(small_path), "split")
    assert [round(a.utility, 6) for a in result.actors] == [0.625, 0.4, 1.0]
    assert result.passes
    assert result.blockers == ()
    assert result.accepted_by == ("north", "south", "broker")


def test_grab_is_blocked_by_south_with_reasons(small_path: Path) -> None:
    """Check that the grab is blocked by South for its red line and its reservation."""
    result = assess_proposal(load_scenario(small_path), "grab")
    assert result.blockers == ("south",)
    south = result.actors[1]
    assert south.red_lines_crossed == ("border",)
    assert south.reason == (
        "crosses its red line on border; utility 0.20 is below its reservation 0.40"
    )
    assert [(c.issue, c.option, round(c.loss, 6), c.red_line) for c in south.worst_issues] == [
        ("border", "all", 0.8, True)
    ]


def test_default_option_is_reported(small_path: Path) -> None:
    """Check that an issue a proposal leaves out takes its default and is listed."""
    result = assess_proposal(load_scenario(small_path), "trade-only")
    assert result.defaulted == ("border",)
    assert result.deal == {"border": "status-quo", "trade": "closed"}
    assert result.blockers == ("north",)
    data = result.to_dict()
    assert data["utility"] == {"north": 0.0, "south": 1.0, "broker": 0.25}
    assert data["acceptable"] == {"north": False, "south": True, "broker": True}
    assert data["actors"][0]["reason"] == "utility 0.00 is below its reservation 0.50"


def test_all_proposals_in_file_order(small_path: Path) -> None:
    """Check that every proposal is assessed once, in file order."""
    assert [a.id for a in assess_proposals(load_scenario(small_path))] == [
        "split",
        "grab",
        "trade-only",
    ]


def test_unknown_proposal(small_path: Path) -> None:
    """Check that an unknown proposal id names the known ones."""
    with pytest.raises(NotFoundError) as info:
        assess_proposal(load_scenario(small_path), "peace")
    assert str(info.value) == (
        "scenario 'small' has no proposal 'peace'. Its proposals: split, grab, trade-only."
    )


def test_ad_hoc_deal_errors(small_path: Path) -> None:
    """Check that an ad-hoc deal with an unknown option is refused."""
    with pytest.raises(ScenarioError, match="unknown option 'ajar' of issue 'trade'"):
        assess_deal(load_scenario(small_path), {"trade": "ajar"})
