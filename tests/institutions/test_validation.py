"""Every validation rule of the scenario's bodies, with the exact message users see."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import ScenarioError
from peacetalks.scenario import parse_scenario

BODIES = Path(__file__).resolve().parents[1] / "data" / "bodies.yaml"

CASES = [
    (
        "unknown member actor",
        "      - south\n",
        "      - sud\n",
        "bodies.yaml, line 84, bodies[0].members[1].actor: unknown actor 'sud'. Expected one of: broker, north, south.",
    ),
    (
        "unknown linked actor",
        "actor: broker, weight: 2",
        "actor: brokr, weight: 2",
        "bodies.yaml, line 85, bodies[0].members[2].actor: unknown actor 'brokr'. Expected one of: broker, north, south.",
    ),
    (
        "negative weight",
        "actor: broker, weight: 2",
        "actor: broker, weight: -2",
        "bodies.yaml, line 85, bodies[0].members[2].weight: weight -2 is outside [0, 1e9]. Give a weight of 0 or more, such as a number of seats.",
    ),
    (
        "negative population",
        "population: 300",
        "population: -300",
        "bodies.yaml, line 93, bodies[1].members[1].population: population -300 is outside [0, 1e11]. Give a whole number of people.",
    ),
    (
        "share above one",
        "population_share: 0.65",
        "population_share: 1.65",
        "bodies.yaml, line 95, bodies[1].rule.population_share: population_share 1.65 is outside [0, 1]. Give the share of the population needed as a fraction, such as 0.65.",
    ),
    (
        "qualified majority without threshold",
        "rule: {kind: qualified-majority, members_share: 0.5, population_share: 0.65}",
        "rule: {kind: qualified-majority}",
        "bodies.yaml, line 95, bodies[1].rule: a qualified-majority rule needs a threshold. Add 'members_share', 'weight_share', 'population_share' or 'count'.",
    ),
    (
        "unanimity with a threshold",
        "rule: {kind: majority, basis: weight}",
        "rule: {kind: unanimity, count: 2}",
        "bodies.yaml, line 87, bodies[0].rule.count: a unanimity rule takes no thresholds. Remove 'count'.",
    ),
    (
        "share on a majority rule",
        "rule: {kind: majority, basis: weight}",
        "rule: {kind: majority, members_share: 0.5}",
        "bodies.yaml, line 87, bodies[0].rule.members_share: 'members_share' applies to a qualified-majority rule only. Use 'kind: qualified-majority', or remove 'members_share'.",
    ),
    (
        "count above members",
        "rule: {kind: majority, basis: weight}",
        "rule: {kind: majority, count: 5}",
        "bodies.yaml, line 87, bodies[0].rule.count: count 5 is more than the body's 4 members. Give at most 4, or add the missing members.",
    ),
    (
        "zero count",
        "rule: {kind: majority, basis: weight}",
        "rule: {kind: majority, count: 0}",
        "bodies.yaml, line 87, bodies[0].rule.count: count 0 is outside [1, inf). Give the number of members in favour needed, at least 1.",
    ),
    (
        "member without population",
        "{id: b, name: Broker bloc, population: 100}",
        "{id: b, name: Broker bloc}",
        "bodies.yaml, line 94, bodies[1].members[2]: member 'b' has no 'population', which the rule counts. Add its population.",
    ),
    (
        "unknown rule kind",
        "rule: {kind: majority, basis: weight}",
        "rule: plurality",
        "bodies.yaml, line 87, bodies[0].rule.kind: expected one of 'unanimity', 'majority', 'two-thirds', 'qualified-majority' or 'referendum', got 'plurality' (str).",
    ),
    (
        "unknown vote",
        'grab: {b: "no"}',
        "grab: {b: maybe}",
        "bodies.yaml, line 97, bodies[1].votes.grab.b: expected one of 'yes', 'no' or 'abstain', got 'maybe' (str).",
    ),
    (
        "vote for unknown member",
        'grab: {b: "no"}',
        'grab: {x: "no"}',
        "bodies.yaml, line 97, bodies[1].votes.grab.x: unknown member 'x'. Expected one of: b, n, s.",
    ),
    (
        "vote on unknown proposal",
        'grab: {b: "no"}',
        'grabs: {b: "no"}',
        "bodies.yaml, line 97, bodies[1].votes.grabs: unknown proposal 'grabs'. Expected one of: grab, split, trade-only.",
    ),
    (
        "duplicate member",
        "      - {id: observer, name: Observer",
        "      - {id: north, name: Observer",
        "bodies.yaml, line 86, bodies[0].members[3].id: duplicate member id 'north' (first at bodies[0].members[0].id). Give each member its own id.",
    ),
    (
        "member without id or actor",
        "      - {id: observer, name: Observer, vote: abstain}",
        "      - {name: Observer, vote: abstain}",
        "bodies.yaml, line 86, bodies[0].members[3].id: the required key 'id' is missing. Add it.",
    ),
    (
        "body without members",
        "    members:\n      - north\n      - south\n      - {id: broker-seat, name: Broker's seat, actor: broker, weight: 2}\n      - {id: observer, name: Observer, vote: abstain}\n",
        "",
        "bodies.yaml, line 80, bodies[0].members: the body has no members. Add at least one, or use a built-in body with 'builtin: <id>'.",
    ),
    (
        "body without rule",
        "    rule: {kind: majority, basis: weight}\n",
        "",
        "bodies.yaml, line 80, bodies[0].rule: the body has no rule. Add one, such as 'rule: unanimity' or 'rule: {kind: qualified-majority, members_share: 0.55}'.",
    ),
    (
        "unknown built-in",
        "builtin: unsc",
        "builtin: unsc-2026",
        "bodies.yaml, line 99, bodies[2].builtin: unknown built-in body 'unsc-2026'. Expected one of: eu-council-qmv, eu-council-unanimity, russia-federal-assembly, ukraine-referendum, unsc, us-senate, verkhovna-rada.",
    ),
    (
        "built-in with members",
        "    builtin: unsc\n",
        "    builtin: unsc\n    members: [north]\n",
        "bodies.yaml, line 100, bodies[2].members: a body with 'builtin' takes its members from the built-in body 'unsc'. Remove 'members' (re-link them with 'actors'), or remove 'builtin'.",
    ),
    (
        "re-link to unknown actor",
        "united-states: north,",
        "united-states: nord,",
        "bodies.yaml, line 101, bodies[2].actors.united-states: unknown actor 'nord'. Expected one of: broker, north, south.",
    ),
    (
        "re-link unknown member",
        "united-states: north,",
        "usa: north,",
        "bodies.yaml, line 101, bodies[2].actors.usa: unknown member 'usa'. Expected one of: algeria, china, denmark, france, greece, guyana, pakistan, panama, russia, sierra-leone, slovenia, somalia and 3 more.",
    ),
    (
        "unknown follow actor",
        "follow: broker",
        "follow: brokers",
        "bodies.yaml, line 90, bodies[1].follow: unknown actor 'brokers'. Expected one of: broker, north, south.",
    ),
    (
        "requires unknown body",
        "requires: [assembly]",
        "requires: [parliament]",
        "bodies.yaml, line 48, issues[1].options[1].requires[0]: unknown body 'parliament'. Expected one of: assembly, council, eu-council-qmv, eu-council-unanimity, russia-federal-assembly, security-council, ukraine-referendum, unsc, us-senate, verkhovna-rada.",
    ),
]


@pytest.fixture
def bodies_text() -> str:
    """Return the text of the small scenario with bodies."""
    return BODIES.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_body_validation_message(bodies_text: str, old: str, new: str, message: str) -> None:
    """Check that each mistake in a body gives exactly its message, with file, line and field."""
    assert old in bodies_text
    with pytest.raises(ScenarioError) as info:
        parse_scenario(bodies_text.replace(old, new, 1), source="bodies.yaml")
    assert str(info.value) == message
    assert len(info.value.problems) == 1


def test_unquoted_yes_and_no_are_votes(bodies_text: str) -> None:
    """Check that YAML's unquoted yes/no (read as booleans) are taken as votes."""
    text = bodies_text.replace('grab: {b: "no"}', "grab: {b: no}").replace(
        'default_vote: "yes"', "default_vote: yes"
    )
    scenario = parse_scenario(text, source="bodies.yaml")
    assert scenario.bodies[1].votes == {"grab": {"b": "no"}}
    assert scenario.bodies[2].default_vote == "yes"


def test_member_shorthand_and_rule_shorthand(bodies_text: str) -> None:
    """Check that '- north' is the member linked to actor north and 'rule: unanimity' a rule."""
    scenario = parse_scenario(
        bodies_text.replace("rule: {kind: majority, basis: weight}", "rule: unanimity"),
        source="bodies.yaml",
    )
    council = scenario.bodies[0]
    assert (council.members[0].id, council.members[0].actor) == ("north", "north")
    assert council.rule is not None
    assert council.rule.kind == "unanimity"
