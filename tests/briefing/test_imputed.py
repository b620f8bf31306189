"""Which parts of a verdict rest on options the proposal's source does not state."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetalks.briefing.evaluation import evaluation_data
from peacetalks.briefing.imputed import imputed_terms
from peacetalks.briefing.proposals import assess_deal
from peacetalks.cli import app
from peacetalks.scenario.load import load_scenario, parse_scenario
from peacetalks.scenario.models import Scenario
from tests.conftest import DATA

TERMS = """    deal: {border: half, trade: open}
    terms:
      border: {basis: stated, text: The memo splits the border.}
      trade: {basis: imputed, reason: The memo says nothing of trade.}
"""


@pytest.fixture
def small() -> Scenario:
    text = (DATA / "small.yaml").read_text(encoding="utf-8")
    return parse_scenario(text.replace("    deal: {border: half, trade: open}\n", TERMS, 1))


def _brute_force(scenario: Scenario, proposal: str, open_issues: list[str]) -> dict[str, bool]:
    """Return, per actor, whether some choice of the open issues' options turns its verdict."""
    found = next(p for p in scenario.proposals if p.id == proposal)
    base = {i.id: found.deal.get(i.id) or str(i.default) for i in scenario.issues}
    verdict = {a.id: a.acceptable for a in assess_deal(scenario, base, runs=10).actors}
    turns = dict.fromkeys(verdict, False)
    options = [[o.id for o in scenario.issue(i).options] for i in open_issues]
    for choice in itertools.product(*options):
        deal = base | dict(zip(open_issues, choice, strict=True))
        for actor in assess_deal(scenario, deal, runs=10).actors:
            turns[actor.id] |= actor.acceptable != verdict[actor.id]
    return turns


def test_imputed_and_left_out_issues_are_listed(small: Scenario) -> None:
    """Check the imputed term, and the stated one left out."""
    data = imputed_terms(small, "split")
    assert data["imputed"] == [
        {
            "issue": "trade",
            "option": "open",
            "basis": "imputed",
            "reason": "The memo says nothing of trade.",
        }
    ]
    assert imputed_terms(small, "trade-only")["imputed"] == [
        {
            "issue": "border",
            "option": "status-quo",
            "basis": "default",
            "reason": "the proposal leaves the issue out; its default option is kept",
        },
        {
            "issue": "trade",
            "option": "closed",
            "basis": "unmarked",
            "reason": "the proposal's terms do not say whether its source states it",
        },
    ]


@pytest.mark.parametrize("proposal", ["split", "grab", "trade-only"])
def test_rests_on_imputed_equals_brute_force(small: Scenario, proposal: str) -> None:
    """Check each actor's flag against every choice of the imputed issues' options."""
    data = imputed_terms(small, proposal)
    open_issues = [e["issue"] for e in data["imputed"]]
    assert data["rests_on_imputed"] == _brute_force(small, proposal, open_issues)


def test_built_in_proposals_agree_with_brute_force() -> None:
    """Check the flags on ukraine-2025's proposals with one issue imputed, the rest stated."""
    from peacetalks.scenario.models import Term

    scenario = load_scenario("ukraine-2025")
    proposals = []
    for proposal in scenario.proposals:
        issues = list(proposal.deal)
        terms = {i: Term(basis="stated", text="(test)") for i in issues[1:]}
        terms |= {i: Term(basis="imputed", reason="(test)") for i in issues[:1]}
        proposals.append(proposal.model_copy(update={"terms": terms}))
    changed = scenario.model_copy(update={"proposals": tuple(proposals)})
    checked = 0
    for proposal in changed.proposals:
        data = imputed_terms(changed, proposal.id)
        open_issues = [e["issue"] for e in data["imputed"]]
        combos = 1
        for issue in open_issues:
            combos *= len(changed.issue(issue).options)
        if combos > 200:
            continue
        assert data["rests_on_imputed"] == _brute_force(changed, proposal.id, open_issues)
        checked += 1
    assert checked >= 2


def test_evaluate_shows_them(small: Scenario, tmp_path: Path) -> None:
    """Check evaluate's JSON keys (the old ones kept) and its two sentences."""
    data = evaluation_data(small, proposal="split", runs=50)
    expected = imputed_terms(small, "split")
    assert data["imputed"] == expected["imputed"]
    assert {a["id"]: a["rests_on_imputed"] for a in data["actors"]} == {
        "north": True,
        "south": False,
        "broker": False,
    }
    deal = evaluation_data(small, deal=dict(small.proposal("split").deal), runs=50)
    assert set(data) == set(deal) | {"imputed"}
    assert set(data["actors"][0]) == set(deal["actors"][0]) | {"rests_on_imputed"}
    path = tmp_path / "small-terms.yaml"
    path.write_text(
        (DATA / "small.yaml")
        .read_text(encoding="utf-8")
        .replace("    deal: {border: half, trade: open}\n", TERMS, 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["evaluate", str(path), "-p", "split", "--runs", "50"])
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.output.splitlines()]
    assert lines[-2:] == [
        "options its source does not state: trade=open (imputed)",
        "the verdict of north rests on them: other choices on those issues would turn it",
    ]
    result = CliRunner().invoke(app, ["evaluate", str(DATA / "small.yaml"), "-p", "trade-only"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert (
        "options its source does not state: border=status-quo (left out, default); "
        "trade=closed (not marked)" in text
    )
