"""Fixtures: the small scenario with a two-phase agreement."""

from __future__ import annotations

import pytest

from peacetalks.scenario import Scenario, parse_scenario

AGREEMENTS = """\
agreements:
  - id: truce
    title: A truce, then a withdrawal
    proposal: split
    source: memo
    phases:
      - id: ceasefire
        name: Ceasefire
        kind: ceasefire
        days: 28
        source: memo
        judgement: true
        note: The numbers are judgements.
        obligations:
          - {id: north-holds, party: north, what: Stop firing}
          - {id: south-holds, party: south, what: Stop firing}
        verification: {monitors: [Broker], detection: 0.5, judgement: true, note: A guess.}
        advance: {quiet_days: 14}
        consequences:
          - {kind: snapback, party: north, cost: 0.2, judgement: true, note: A guess.}
        temptation: {north: 0.2, south: 0.1}
        rewards: {north: 0.1, south: 0.1}
      - id: withdrawal
        name: Withdrawal
        kind: disengagement
        days: 56
        source: memo
        obligations:
          - {id: north-withdraws, party: north, what: Withdraw from the split area}
        advance: {steps: [north-withdraws]}
"""


@pytest.fixture
def truce_text(small_text: str) -> str:
    """Return the small scenario with the 'truce' agreement appended."""
    return small_text + AGREEMENTS


@pytest.fixture
def truce(truce_text: str) -> Scenario:
    """Return the small scenario with the 'truce' agreement."""
    return parse_scenario(truce_text, source="small.yaml")
