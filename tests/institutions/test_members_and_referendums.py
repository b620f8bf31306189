"""Members by their own positions or their group's, referendums by a share, p_pass and draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetalks.analysis.sampling import draw_in_ranges
from peacetalks.errors import ParameterError, ScenarioError
from peacetalks.institutions import (
    body_ratification_draws,
    parse_body,
    ratification_draws,
    ratification_probability,
    ratify_deal,
)
from peacetalks.institutions.referendum import p_above
from peacetalks.scenario import Scenario, parse_scenario
from peacetalks.scenario.compile import compile_scenario

BODIES = Path(__file__).resolve().parents[1] / "data" / "bodies.yaml"

# The small scenario with a referendum ('plebiscite', needed to take all the border) and
# positions of the assembly's broker bloc that depend on the deal.
EXTRA = """
  - id: plebiscite
    name: Plebiscite
    rule: {kind: referendum, quorum: 0.5}
    follow: south
    members: [{id: voters, name: Voters}]
    electorate:
      - when: {border: all}
        share: 0.4
        range: [0.2, 0.6]
        turnout: 0.6
        turnout_range: [0.4, 0.7]
        source: memo
"""
POSITIONS = """    positions:
      b:
        - {vote: "no", when: {border: all}, source: memo}
        - {vote: "yes", judgement: true, note: The broker bloc backs trade deals.}
"""
GRAB = {"border": "all", "trade": "closed"}


def _text(extra: str = EXTRA, positions: str = POSITIONS) -> str:
    text = BODIES.read_text(encoding="utf-8")
    text = text.replace(
        "requires: [council, security-council]", "requires: [council, security-council, plebiscite]"
    )
    text = text.replace("    votes:\n      grab:", positions + "    votes:\n      grab:")
    return text.rstrip("\n") + "\n" + extra


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """Return the small scenario with a referendum and conditional positions."""
    return parse_scenario(_text(), source="bodies.yaml")


def test_positions_by_deal_content(scenario: Scenario) -> None:
    """Check that the first matching position decides: stated with a source, else assumed."""
    grab = {b.id: b for b in ratify_deal(scenario, GRAB).bodies}["assembly"]
    b = {v.id: v for v in grab.votes}["b"]
    assert (b.vote, b.basis, b.source, b.judgement) == ("no", "stated", "memo", False)
    trade = ratify_deal(scenario, {"trade": "closed"}).bodies[0]
    b = {v.id: v for v in trade.votes}["b"]
    assert (b.vote, b.basis, b.source, b.judgement) == ("yes", "assumed", None, True)
    # A vote stated for the proposal still comes first.
    proposal = ratify_deal(scenario, GRAB, proposal_id="grab")
    b = {v.id: v for v in {x.id: x for x in proposal.bodies}["assembly"].votes}["b"]
    assert (b.vote, b.basis) == ("no", "proposal")


def test_referendum_share_gives_p_pass(scenario: Scenario) -> None:
    """Check the plebiscite: fails at the expected share 0.4, p_pass in closed form."""
    result = ratify_deal(scenario, GRAB)
    plebiscite = {b.id: b for b in result.bodies}["plebiscite"]
    assert not plebiscite.passes
    [voters] = plebiscite.votes
    assert (voters.vote, voters.basis, voters.source, voters.judgement) == (
        "no",
        "share",
        "memo",
        False,
    )
    # P(share > 0.5) for Tri(0.2, 0.4, 0.6) and P(turnout >= 0.5) for Tri(0.4, 0.6, 0.7).
    expected = (0.1**2 / (0.4 * 0.2)) * (1 - 0.1**2 / (0.3 * 0.2))
    assert plebiscite.p_pass == pytest.approx(expected)
    assert plebiscite.electorate is not None
    assert plebiscite.to_dict()["electorate"]["range"] == [0.2, 0.6]
    # The security council vetoes the grab: nothing passes overall.
    assert result.p_pass == 0.0
    assert result.p_pass_from == "point verdicts"


def test_referendum_without_matching_case_falls_back_to_members(scenario: Scenario) -> None:
    """Check that a deal no electorate case matches is decided by the members' votes."""
    compiled = compile_scenario(scenario)
    accepts = np.ones((3, compiled.n_actors), dtype=bool)
    deal = {"border": "half", "trade": "open"}
    assert "plebiscite" not in body_ratification_draws(scenario, deal, accepts, rng=0)
    text = _text().replace("requires: [council]", "requires: [council, plebiscite]")
    relinked = parse_scenario(text, source="bodies.yaml")
    body = {b.id: b for b in ratify_deal(relinked, deal).bodies}["plebiscite"]
    assert body.electorate is None
    assert [(v.basis, v.inherited_from) for v in body.votes] == [("inherited", "south")]


def test_probability_and_draws_follow_acceptance(scenario: Scenario) -> None:
    """Check p per draw: members that follow actors vote by each draw; referendum by its share."""
    compiled = compile_scenario(scenario)
    assert compiled.actor_ids == ("north", "south", "broker")
    accepts = np.array([[True, True, True], [True, False, True], [False, True, True]])
    p = ratification_probability(scenario, GRAB, accepts, compiled=compiled)
    plebiscite = (0.1**2 / (0.4 * 0.2)) * (1 - 0.1**2 / (0.3 * 0.2))
    # Run 2: south (Russia's seat) vetoes; run 3: north (the United States' seat) vetoes.
    assert p == pytest.approx([plebiscite, 0.0, 0.0])
    draws = body_ratification_draws(scenario, GRAB, accepts, rng=1, compiled=compiled)
    assert list(draws) == ["council", "security-council", "plebiscite", "assembly"]
    # North holds the United States' seat and south Russia's: each vetoes when it rejects.
    assert draws["security-council"].tolist() == [True, False, False]
    # The council passes with 3 of 5 weight even without north.
    assert draws["council"].tolist() == [True, True, True]
    # The broker bloc is stated against taking all the border, so the assembly needs both
    # other blocs (65% of the population).
    assert draws["assembly"].tolist() == [True, False, False]


def test_draws_converge_to_the_closed_form(scenario: Scenario) -> None:
    """Check that the seeded draws' mean matches ratification_probability (4 sigma)."""
    compiled = compile_scenario(scenario)
    n = 40_000
    accepts = np.ones((n, compiled.n_actors), dtype=bool)
    accepts[::3, 0] = False
    p = ratification_probability(scenario, GRAB, accepts, compiled=compiled)
    drawn = ratification_draws(scenario, GRAB, accepts, rng=7, compiled=compiled)
    sigma = np.sqrt(p.mean() * (1 - p.mean()) / n)
    assert abs(drawn.mean() - p.mean()) < 4 * sigma
    again = ratification_draws(scenario, GRAB, accepts, rng=7, compiled=compiled)
    assert np.array_equal(drawn, again)
    # p_pass of ratify over the same acceptance draws is the mean of the probability.
    assert ratify_deal(scenario, GRAB, accepts=accepts).p_pass == pytest.approx(p.mean())


def test_no_body_needed_is_certain(scenario: Scenario) -> None:
    """Check that a deal needing no body has probability 1 in every draw."""
    accepts = np.zeros((4, 3), dtype=bool)
    deal = {"trade": "open"}
    assert ratification_probability(scenario, deal, accepts).tolist() == [1.0] * 4
    assert ratification_draws(scenario, deal, accepts, rng=0).tolist() == [True] * 4


@pytest.mark.parametrize(
    ("accepts", "message"),
    [
        (
            np.ones((5, 2), dtype=bool),
            "The 'accepts' parameter of ratification_probability must be a boolean array of "
            "shape (n_runs, 3), one column per actor in the scenario's order. Got bool of "
            "shape (5, 2) instead.",
        ),
        (
            np.ones((5, 3)),
            "The 'accepts' parameter of ratification_probability must be a boolean array of "
            "shape (n_runs, 3), one column per actor in the scenario's order. Got float64 of "
            "shape (5, 3) instead.",
        ),
        (
            np.ones(3, dtype=bool),
            "The 'accepts' parameter of ratification_probability must be a boolean array of "
            "shape (n_runs, 3), one column per actor in the scenario's order. Got bool of "
            "shape (3,) instead.",
        ),
    ],
    ids=["columns", "dtype", "one-dimensional"],
)
def test_accepts_validation(scenario: Scenario, accepts: np.ndarray, message: str) -> None:
    """Check the exact message for a malformed acceptance array."""
    with pytest.raises(ParameterError) as info:
        ratification_probability(scenario, GRAB, accepts)
    assert str(info.value) == message


CASES = [
    (
        "position of unknown member",
        POSITIONS.replace("      b:\n", "      x:\n"),
        EXTRA,
        "small-bodies, bodies[1].positions.x: unknown member 'x'. Expected one of: b, n, s.",
    ),
    (
        "position without source or judgement",
        POSITIONS.replace("judgement: true, ", ""),
        EXTRA,
        "small-bodies, bodies[1].positions.b[1]: the position of member 'b' has neither a "
        "'source' nor 'judgement: true'. Cite the source that reports it, or mark it as a "
        "modelling judgement and give the reasoning in 'note'.",
    ),
    (
        "position with unknown source",
        POSITIONS.replace("source: memo", "source: leak"),
        EXTRA,
        "small-bodies, bodies[1].positions.b[0].source: unknown source 'leak'. Expected one "
        "of: memo.",
    ),
    (
        "when with unknown issue",
        POSITIONS.replace("when: {border: all}", "when: {borders: all}"),
        EXTRA,
        "small-bodies, bodies[1].positions.b[0].when.borders: unknown issue 'borders'. "
        "Expected one of: border, trade.",
    ),
    (
        "when with unknown option",
        POSITIONS.replace("when: {border: all}", "when: {border: [half, most]}"),
        EXTRA,
        "small-bodies, bodies[1].positions.b[0].when.border[1]: unknown option 'most' of "
        "issue 'border'. Expected one of: all, half, status-quo.",
    ),
    (
        "electorate on a majority rule",
        POSITIONS,
        EXTRA.replace("rule: {kind: referendum, quorum: 0.5}", "rule: majority"),
        "small-bodies, bodies[3].electorate: an electorate's share in favour applies to a "
        "referendum, but the body's rule is 'majority'. Use 'rule: referendum', or give "
        "members' positions instead.",
    ),
    (
        "range without the share",
        POSITIONS,
        EXTRA.replace("range: [0.2, 0.6]", "range: [0.45, 0.6]"),
        "small-bodies, bodies[3].electorate[0].range: range [0.45, 0.6] does not contain the "
        "stated value 0.4. Give a range from low to high that contains it.",
    ),
    (
        "quorum without turnout",
        POSITIONS,
        EXTRA.replace("        turnout: 0.6\n        turnout_range: [0.4, 0.7]\n", ""),
        "small-bodies, bodies[3].electorate[0].turnout: the rule has a quorum of 0.5 of the "
        "electorate, so the case needs the expected 'turnout'. Add 'turnout' (and "
        "'turnout_range').",
    ),
    (
        "turnout range without turnout",
        POSITIONS,
        EXTRA.replace("rule: {kind: referendum, quorum: 0.5}", "rule: referendum").replace(
            "        turnout: 0.6\n", ""
        ),
        "small-bodies, bodies[3].electorate[0].turnout_range: 'turnout_range' needs the "
        "expected 'turnout'. Add 'turnout'.",
    ),
    (
        "quorum on a majority rule",
        POSITIONS,
        EXTRA.replace(
            "rule: {kind: referendum, quorum: 0.5}", "rule: {kind: majority, quorum: 0.5}"
        ).split("    electorate:")[0],
        "small-bodies, bodies[3].rule.quorum: 'quorum' applies to a referendum rule only. Use "
        "'kind: referendum', or remove it.",
    ),
]


@pytest.mark.parametrize(
    ("positions", "extra", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_position_validation_message(positions: str, extra: str, message: str) -> None:
    """Check each mistake in positions, electorates and quorums: one message, at load, with a line."""
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_text(extra, positions), source="bodies.yaml")
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.line is not None
    # The same words as when the scenario's id is the source, now with the file and line.
    expected = message.removeprefix("small-bodies, ")
    assert str(info.value) == f"bodies.yaml, line {problem.line}, {expected}"


def test_body_file_checks_positions() -> None:
    """Check that a body file's positions are checked against its own sources."""
    text = (
        "sources: []\nbody:\n  id: x\n  name: X\n  rule: unanimity\n  members: [a]\n"
        "  positions:\n    a: {vote: 'no', source: nowhere}\n"
    )
    with pytest.raises(ScenarioError) as info:
        parse_body(text, source="t.yaml")
    assert str(info.value) == (
        "t.yaml, line 8, body.positions.a[0].source: unknown source 'nowhere': the scenario "
        "defines none. Add it."
    )


@pytest.mark.parametrize(
    ("value", "low", "high", "threshold", "strict", "expected"),
    [
        (0.4, 0.2, 0.6, 0.5, True, 0.125),
        (0.4, 0.2, 0.6, 0.3, True, 1 - 0.01 / 0.08),
        (0.4, 0.2, 0.6, 0.2, True, 1.0),
        (0.4, 0.2, 0.6, 0.6, True, 0.0),
        (0.5, 0.5, 0.5, 0.5, True, 0.0),
        (0.5, 0.5, 0.5, 0.5, False, 1.0),
        (0.6, 0.6, 0.9, 0.7, True, (0.2**2) / (0.3 * 0.3)),
    ],
)
def test_p_above_closed_form(
    value: float, low: float, high: float, threshold: float, strict: bool, expected: float
) -> None:
    """Check the triangular tail probability on hand-computed cases."""
    assert p_above(value, low, high, threshold, strict=strict) == pytest.approx(expected)


def test_p_above_matches_the_shared_sampler() -> None:
    """Check the closed form against draws of analysis.sampling (the Monte Carlos' sampler)."""
    rng = np.random.default_rng(3)
    for value, low, high in [(0.45, 0.3, 0.65), (0.25, 0.1, 0.55), (0.7, 0.4, 0.75)]:
        drawn = draw_in_ranges(rng, np.array(value), np.array([low, high]), 200_000)
        assert (drawn > 0.5).mean() == pytest.approx(
            p_above(value, low, high, 0.5, strict=True), abs=0.005
        )


def test_ukraine_2025_referendum_by_share() -> None:
    """Check the built-in referendum: a share per territorial option, flagged as judgement."""
    from peacetalks.briefing.ratification import ratification_data
    from peacetalks.scenario import load_scenario

    ukraine = load_scenario("ukraine-2025")
    found = {}
    for proposal in ("framework-2025-12", "us-28-point", "russia-memorandum-2025-06"):
        bodies = {b["id"]: b for b in ratification_data(ukraine, proposal)["bodies"]}
        referendum = bodies["ukraine-referendum"]
        assert referendum["votes"][0]["basis"] == "share"
        assert referendum["votes"][0]["judgement"] is True
        assert referendum["electorate"]["judgement"] is True
        assert referendum["electorate"]["source"] is None
        found[proposal] = (referendum["passes"], referendum["p_pass"])
    assert found["framework-2025-12"] == (False, pytest.approx(0.15**2 / (0.35 * 0.2)))
    assert found["us-28-point"] == (False, pytest.approx(0.05**2 / (0.45 * 0.3)))
    assert found["russia-memorandum-2025-06"] == (False, 0.0)
