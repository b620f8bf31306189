"""Ratification: required bodies, members' votes, outcomes and pivotal members."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.briefing.ratification import ratification_data, ratification_summary, ratify
from peacetalks.errors import NotFoundError
from peacetalks.institutions import decides, ratify_deal, scenario_body
from peacetalks.scenario import Scenario, load_scenario

BODIES = Path(__file__).resolve().parents[1] / "data" / "bodies.yaml"


@pytest.fixture(scope="module")
def bodies_scenario() -> Scenario:
    """Return the small scenario with bodies."""
    return load_scenario(BODIES)


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    """Return the built-in scenario."""
    return load_scenario("ukraine-2025")


def _summary(
    scenario: Scenario, proposal: str
) -> list[tuple[str, bool, list[str], dict[str, int]]]:
    data = ratification_data(scenario, proposal)
    return [(b["id"], b["passes"], b["pivotal"], b["tally"]) for b in data["bodies"]]


def test_split_needs_the_council_and_passes(bodies_scenario: Scenario) -> None:
    """Check 'split': the council passes 4 of 5 weight; only the broker's 2 seats are pivotal."""
    assert _summary(bodies_scenario, "split") == [
        ("council", True, ["broker-seat"], {"yes": 3, "no": 0, "abstain": 1})
    ]


def test_grab_is_vetoed_and_blocked(bodies_scenario: Scenario) -> None:
    """Check 'grab': south (as Russia's seat) vetoes the Council; the assembly fails."""
    result = ratify(bodies_scenario, "grab")
    assert not result.passes
    assert result.blocked_by == ("security-council", "assembly")
    assert _summary(bodies_scenario, "grab") == [
        ("council", True, ["north", "broker-seat"], {"yes": 2, "no": 1, "abstain": 1}),
        ("security-council", False, ["russia"], {"yes": 14, "no": 1, "abstain": 0}),
        ("assembly", False, ["s", "b"], {"yes": 1, "no": 2, "abstain": 0}),
    ]
    council = {b.id: b for b in result.bodies}["security-council"]
    bases = {v.id: (v.basis, v.actor) for v in council.votes}
    assert bases["united-states"] == ("actor", "north")
    assert bases["russia"] == ("actor", "south")
    assert bases["china"] == ("default", None)
    assembly = {b.id: b for b in result.bodies}["assembly"]
    assert {v.id: v.basis for v in assembly.votes} == {"n": "actor", "s": "actor", "b": "proposal"}


def test_trade_only_fails_on_population(bodies_scenario: Scenario) -> None:
    """Check 'trade-only': two of three blocs but 40% of the population; north is pivotal."""
    assert _summary(bodies_scenario, "trade-only") == [
        ("assembly", False, ["n"], {"yes": 2, "no": 1, "abstain": 0})
    ]
    votes = ratify(bodies_scenario, "trade-only").bodies[0].votes
    b = {v.id: v for v in votes}["b"]
    assert (b.vote, b.basis, b.inherited_from, b.judgement) == ("yes", "inherited", "broker", True)


def test_deal_without_requirements(bodies_scenario: Scenario) -> None:
    """Check that a deal whose options need no body passes with no bodies listed."""
    result = ratify_deal(bodies_scenario, {"trade": "open"})
    assert result.bodies == ()
    assert result.passes
    assert ratification_summary(result.to_dict()) == "ratification: no body's approval required"


def test_unknown_proposal(bodies_scenario: Scenario) -> None:
    """Check that an unknown proposal names the scenario's proposals."""
    with pytest.raises(NotFoundError, match=r"has no proposal 'nope'\. Its proposals: split"):
        ratify(bodies_scenario, "nope")


def test_every_builtin_proposal_is_ratified_consistently(ukraine: Scenario) -> None:
    """Check every proposal of ukraine-2025: bodies from `requires`, outcome, pivotality."""
    for proposal in ukraine.proposals:
        data = ratification_data(ukraine, proposal.id)
        assert data["passes"] == all(b["passes"] for b in data["bodies"])
        for body in data["bodies"]:
            resolved = scenario_body(ukraine, body["id"]).body
            votes = {v["id"]: v["vote"] for v in body["votes"]}
            assert decides(resolved, votes) == body["passes"]
            for v in body["votes"]:
                flipped = "no" if body["passes"] else "yes"
                if v["vote"] == flipped:
                    assert not v["pivotal"]
                    continue
                assert v["pivotal"] == (
                    decides(resolved, {**votes, v["id"]: flipped}) != body["passes"]
                )


def test_ukraine_2025_requirements(ukraine: Scenario) -> None:
    """Check which bodies the built-in proposals need, as the sources and constitution say."""
    needs = {
        p.id: [(b["id"], b["required_for"]) for b in ratification_data(ukraine, p.id)["bodies"]]
        for p in ukraine.proposals
    }
    assert needs["korybko-2025"] == [
        ("ukraine-referendum", ["territory"]),
        ("unsc", ["dmz-peacekeepers", "domestic-law"]),
        ("eu-council-unanimity", ["sanctions"]),
    ]
    assert needs["ukraine-peace-formula"] == []
    assert ("verkhovna-rada", ["neutrality"]) in needs["us-28-point"]
    assert ("us-senate", ["security-guarantees"]) in needs["european-counter-proposal"]


def test_ukraine_2025_mapping_of_members(ukraine: Scenario) -> None:
    """Check the mapping: P5 by their actors, elected members assumed yes, EU states inherit eu."""
    data = ratification_data(ukraine, "korybko-2025")
    bodies = {b["id"]: b for b in data["bodies"]}
    unsc = {v["id"]: v for v in bodies["unsc"]["votes"]}
    for p5 in ("united-states", "russia", "china", "uk", "france"):
        assert (unsc[p5]["basis"], unsc[p5]["actor"], unsc[p5]["judgement"]) == ("actor", p5, False)
    permanent = {m.id for m in scenario_body(ukraine, "unsc").body.members if m.veto}
    elected = [v for k, v in unsc.items() if k not in permanent]
    assert len(elected) == 10
    assert {(v["basis"], v["vote"], v["judgement"], v["source"]) for v in elected} == {
        ("assumed", "yes", True, None)
    }
    eu = {v["id"]: v for v in bodies["eu-council-unanimity"]["votes"]}
    assert (eu["france"]["basis"], eu["france"]["actor"], eu["france"]["from"]) == (
        "actor",
        "france",
        None,
    )
    others = {(v["basis"], v["from"], v["judgement"]) for k, v in eu.items() if k != "france"}
    assert others == {("inherited", "eu", True)}
