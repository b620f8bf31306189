"""Agreement records: every validation rule with its exact message, files beside a scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.errors import ScenarioError
from peacetalks.formats.agreement_files import load_agreements, parse_agreements
from peacetalks.scenario import Scenario, load_scenario, parse_scenario, scenario_to_data
from peacetalks.scenario.agreements import Agreement

ROOT_DOCS = Path(__file__).resolve().parents[2] / "docs"
CEASEFIRE_VERIFICATION = (
    "verification: {monitors: [Broker], detection: 0.5, judgement: true, note: A guess.}"
)

CASES = [
    (
        "detection out of range",
        "detection: 0.5",
        "detection: 1.5",
        "small.yaml, line 94, agreements[0].phases[0].verification.detection: detection "
        "probability 1.5 is outside [0, 1]. Give the chance that a violation in a period is "
        "detected, between 0 and 1.",
    ),
    (
        "temptation out of range",
        "temptation: {north: 0.2",
        "temptation: {north: 2",
        "small.yaml, line 98, agreements[0].phases[0].temptation.north: temptation 2 is "
        "outside [0, 1]. Give the gain from a period's violation on the 0-1 utility scale.",
    ),
    (
        "reward out of range",
        "rewards: {north: 0.1",
        "rewards: {north: -0.1",
        "small.yaml, line 99, agreements[0].phases[0].rewards.north: reward -0.1 is outside "
        "[0, 1]. Give what moving on is worth on the 0-1 utility scale.",
    ),
    (
        "cost out of range",
        "cost: 0.2",
        "cost: 3",
        "small.yaml, line 97, agreements[0].phases[0].consequences[0].cost: cost 3 is outside "
        "[0, 1]. Give what the consequence costs on the 0-1 utility scale.",
    ),
    (
        "phase of zero days",
        "days: 28",
        "days: 0",
        "small.yaml, line 87, agreements[0].phases[0].days: duration 0 is outside [1, 3650] "
        "days. Give the phase's length in whole days.",
    ),
    (
        "unknown phase kind",
        "kind: disengagement",
        "kind: withdrawl",
        "small.yaml, line 102, agreements[0].phases[1].kind: expected one of 'ceasefire', "
        "'disengagement', 'monitoring', 'exchange', 'relief', 'elections', 'referendum', "
        "'armistice', 'treaty', 'talks' or 'other', got 'withdrawl' (str).",
    ),
    (
        "unknown key in a phase",
        "        days: 56\n",
        "        days: 56\n        weeks: 8\n",
        "small.yaml, line 104, agreements[0].phases[1].weeks: unknown key 'weeks'. Allowed keys "
        "here: id, name, kind, days, obligations, verification, advance, consequences, "
        "temptation, rewards, source, judgement, note. Check the spelling or remove it.",
    ),
    (
        "phase without obligations",
        "          - {id: north-withdraws, party: north, what: Withdraw from the split area}\n",
        "          []\n",
        "small.yaml, line 106, agreements[0].phases[1].obligations: expected at least 1 "
        "item(s), got 0.",
    ),
    (
        "unknown proposal",
        "proposal: split",
        "proposal: splits",
        "small.yaml, line 81, agreements[0].proposal: unknown proposal 'splits'. Expected one "
        "of: grab, split, trade-only.",
    ),
    (
        "both proposal and deal",
        "    proposal: split\n",
        "    proposal: split\n    deal: {border: half}\n",
        "small.yaml, line 79, agreements[0]: an agreement needs exactly one of 'proposal' (a "
        "proposal id) or 'deal' (issue ids to option ids); got both. Keep one.",
    ),
    (
        "deal with an unknown option",
        "    proposal: split\n",
        "    deal: {border: halves, trade: open}\n",
        "small.yaml, line 81, agreements[0].deal.border: unknown option 'halves' of issue "
        "'border'. Expected one of: all, half, status-quo.",
    ),
    (
        "deal leaves out an issue with no default",
        "    proposal: split\n",
        "    deal: {border: half}\n",
        "small.yaml, line 81, agreements[0].deal: the deal does not address issue 'trade', "
        "which has no default option. Add 'trade: <option id>' to the deal, or set a "
        "'default' on the issue.",
    ),
    (
        "unknown party",
        "party: north, what: Withdraw",
        "party: nord, what: Withdraw",
        "small.yaml, line 106, agreements[0].phases[1].obligations[0].party: unknown actor "
        "'nord'. Expected one of: broker, north, south.",
    ),
    (
        "unknown agreement source",
        "    source: memo\n    phases",
        "    source: memos\n    phases",
        "small.yaml, line 82, agreements[0].source: unknown source 'memos'. Expected one of: memo.",
    ),
    (
        "verification without source or judgement",
        CEASEFIRE_VERIFICATION,
        "verification: {monitors: [Broker], detection: 0.5}",
        "small.yaml, line 94, agreements[0].phases[0].verification: this verification names "
        "no source. Add 'source: <source id>', or mark it as a modelling judgement with "
        "'judgement: true' and a 'note' that gives the reasoning.",
    ),
    (
        "phase judgement without a note",
        "        note: The numbers are judgements.\n",
        "",
        "small.yaml, line 84, agreements[0].phases[0].note: this phase is marked 'judgement: "
        "true' but has no 'note'. Add the reasoning.",
    ),
    (
        "temptation not marked as a judgement",
        "        judgement: true\n        note: The numbers are judgements.\n",
        "",
        "small.yaml, line 84, agreements[0].phases[0]: this phase gives 'temptation' or "
        "'rewards', which are modelling judgements, but is not marked 'judgement: true'. Add "
        "'judgement: true' and a 'note' with the reasoning (a 'source' may stay for the phase "
        "itself).",
    ),
    (
        "consequence without source or judgement",
        "cost: 0.2, judgement: true, note: A guess.}",
        "cost: 0.2}",
        "small.yaml, line 97, agreements[0].phases[0].consequences[0]: this consequence names "
        "no source. Add 'source: <source id>', or mark it as a modelling judgement with "
        "'judgement: true' and a 'note' that gives the reasoning.",
    ),
    (
        "quiet period longer than the phase",
        "quiet_days: 14",
        "quiet_days: 40",
        "small.yaml, line 95, agreements[0].phases[0].advance.quiet_days: quiet period of 40 "
        "days is longer than the phase (28 days). Shorten it or lengthen the phase.",
    ),
    (
        "step names an obligation of another phase",
        "steps: [north-withdraws]",
        "steps: [north-holds]",
        "small.yaml, line 107, agreements[0].phases[1].advance.steps[0]: unknown obligation "
        "'north-holds'. Expected an obligation of this phase: north-withdraws.",
    ),
    (
        "duplicate obligation id",
        "{id: south-holds,",
        "{id: north-holds,",
        "small.yaml, line 93, agreements[0].phases[0].obligations[1].id: duplicate "
        "obligation id 'north-holds' (first at agreements[0].phases[0].obligations[0].id). "
        "Give each obligation of the agreement its own id: it names the provision in tracking.",
    ),
    (
        "duplicate phase id",
        "      - id: withdrawal",
        "      - id: ceasefire",
        "small.yaml, line 100, agreements[0].phases[1].id: duplicate phase id 'ceasefire' "
        "(first at agreements[0].phases[0]). Give each phase its own id.",
    ),
    (
        "temptation of an actor without obligations",
        "temptation: {north: 0.2, south: 0.1}",
        "temptation: {north: 0.2, south: 0.1, broker: 0.1}",
        "small.yaml, line 98, agreements[0].phases[0].temptation.broker: actor 'broker' has no "
        "obligation in this agreement, so its temptation would never count. Give it an "
        "obligation or remove it.",
    ),
    (
        "reward of an unknown actor",
        "rewards: {north: 0.1, south: 0.1}",
        "rewards: {north: 0.1, west: 0.1}",
        "small.yaml, line 99, agreements[0].phases[0].rewards.west: unknown actor 'west'. "
        "Expected one of: broker, north, south.",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_agreement_validation_message(truce_text: str, old: str, new: str, message: str) -> None:
    """Check that each mistake in an agreement gives exactly its message, line and field."""
    assert old in truce_text
    with pytest.raises(ScenarioError) as info:
        parse_scenario(truce_text.replace(old, new, 1), source="small.yaml")
    assert str(info.value) == message
    assert len(info.value.problems) == 1


def test_valid_agreement_reads_into_records(truce: Scenario) -> None:
    """Check the records of a valid agreement: phases, parties, provisions, defaults."""
    (agreement,) = truce.agreements
    assert isinstance(agreement, Agreement)
    assert agreement.parties == ("north", "south")
    assert [o.id for o in agreement.provisions] == ["north-holds", "south-holds", "north-withdraws"]
    withdrawal = agreement.phase("withdrawal")
    assert withdrawal.verification is None
    assert withdrawal.advance.quiet_days == 0
    assert withdrawal.temptation == {}
    with pytest.raises(KeyError):
        agreement.phase("treaty")


def test_show_json_lists_agreements(truce_text: str, tmp_path: Path) -> None:
    """Check that show --json lists the agreements under 'agreements', each with its id."""
    path = tmp_path / "truce.yaml"
    path.write_text(truce_text, encoding="utf-8")
    result = CliRunner().invoke(app, ["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [a["id"] for a in data["agreements"]] == ["truce"]
    assert data["agreements"][0]["phases"][0]["verification"]["detection"] == 0.5
    assert data == scenario_to_data(load_scenario(path))


def test_builtin_show_json_lists_agreements() -> None:
    """Check that the built-in scenario's agreements appear in show --json."""
    result = CliRunner().invoke(app, ["show", "ukraine-2025", "--json"])
    data = json.loads(result.stdout)
    ids = [a["id"] for a in data["agreements"]]
    assert {"monitored-phased-relief", "oil-first-un-peacekeepers"} <= set(ids)


def test_builtin_agreements_are_sourced() -> None:
    """Check that every built-in phase names a source and flags its numbers as judgements."""
    scenario = load_scenario("ukraine-2025")
    assert len(scenario.agreements) >= 2
    for agreement in scenario.agreements:
        assert agreement.source is not None or (agreement.judgement and agreement.note)
        for phase in agreement.phases:
            assert phase.source is not None
            assert phase.judgement
            assert phase.note
            assert phase.verification is not None
            assert phase.verification.judgement


def test_agreements_file_beside_the_scenario(truce: Scenario, tmp_path: Path) -> None:
    """Check that a file of agreements is read and checked against the scenario."""
    text = (
        "agreements:\n"
        "  - id: quick\n"
        "    title: A quick truce\n"
        "    deal: {border: half, trade: open}\n"
        "    judgement: true\n"
        "    note: Invented for the test.\n"
        "    phases:\n"
        "      - {id: only, name: Only, kind: ceasefire, days: 7, source: memo, obligations: "
        "[{id: n, party: north, what: Hold}]}\n"
    )
    path = tmp_path / "more.yaml"
    path.write_text(text, encoding="utf-8")
    (agreement,) = load_agreements(path, truce)
    assert agreement.deal == {"border": "half", "trade": "open"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- 1\n",
            "more.yaml, line 1: expected a mapping with the key 'agreements' (a list of "
            "agreements), got list.",
        ),
        (
            "agreements:\n  - id: truce\n    title: Again\n    proposal: split\n    source: memo\n"
            "    phases:\n      - {id: a, name: A, kind: ceasefire, days: 7, source: memo, "
            "obligations: [{id: n, party: north, what: Hold}]}\n",
            "more.yaml, line 2, agreements[0].id: agreement id 'truce' is already used by the "
            "scenario (agreements[0] of small). Give it another id.",
        ),
        (
            "agreements:\n  - id: x\n    title: X\n    proposal: split\n    source: memo\n"
            "    phases:\n      - {id: a, name: A, kind: ceasefire, days: 7, source: memo, "
            "obligations: [{id: n, party: nobody, what: Hold}]}\n",
            "more.yaml, line 7, agreements[0].phases[0].obligations[0].party: unknown actor "
            "'nobody'. Expected one of: broker, north, south.",
        ),
        (
            "agreements:\n  - id: x\n    title: X\n    proposal: split\n    phases: []\n",
            "more.yaml, line 5, agreements[0].phases: expected at least 1 item(s), got 0.",
        ),
    ],
)
def test_agreements_file_errors(truce: Scenario, text: str, message: str) -> None:
    """Check that mistakes in an agreements file name the file, line and field."""
    with pytest.raises(ScenarioError) as info:
        parse_agreements(text, truce, source="more.yaml")
    assert str(info.value) == message


def test_missing_agreements_file(truce: Scenario, tmp_path: Path) -> None:
    """Check that a missing agreements file is a clear error."""
    path = tmp_path / "none.yaml"
    with pytest.raises(ScenarioError, match="no such file"):
        load_agreements(path, truce)


def test_docs_name_every_agreement_field() -> None:
    """Check that docs/agreements.md names every field of every agreement record."""
    from peacetalks.formats import events
    from peacetalks.scenario import agreements

    doc = (ROOT_DOCS / "agreements.md").read_text(encoding="utf-8")
    records = [getattr(agreements, n) for n in agreements.__all__] + [events.Event]
    missing = [
        f"{record.__name__}.{name}"
        for record in records
        if hasattr(record, "model_fields")
        for name in record.model_fields
        if f"`{name}`" not in doc
    ]
    assert missing == []
