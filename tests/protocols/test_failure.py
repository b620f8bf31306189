"""Simulated talks that can fail: offers from the whole space, vetoes, hardliners."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.analysis import additive_utilities, enumerate_deals
from peacetalks.formats import read_scenario
from peacetalks.protocols import (
    STRATEGIES,
    NegotiationSpace,
    alternating_offers,
    make_negotiator,
    negotiation_space,
    scenario_space,
    single_text,
    tournament,
)
from peacetalks.scenario import compile_scenario
from tests.strategies import DealSpace, deal_spaces


@pytest.fixture(scope="module")
def ukraine() -> NegotiationSpace:
    """Return the negotiation space of the built-in 2025 scenario."""
    return scenario_space(compile_scenario(read_scenario("ukraine-2025")))


def _disjoint(drawn: DealSpace, cut: float) -> NegotiationSpace:
    """Return a two-party space in which no deal is acceptable to both parties.

    Party 0 accepts the deals at or above the ``cut`` quantile of its utilities; party 1's
    reservation lies above its utility of every one of them.
    """
    deals = enumerate_deals(drawn.option_counts)
    utilities = additive_utilities(drawn.tables, deals).T
    first = float(np.quantile(utilities[0], cut))
    second = float(utilities[1, utilities[0] >= first - 1e-12].max()) + 1e-6
    return negotiation_space(
        drawn.tables, reservations=[first, second], admissible=drawn.admissible
    )


@settings(max_examples=60, deadline=None)
@given(
    drawn=deal_spaces(min_actors=2, max_actors=2),
    cut=st.sampled_from([0.0, 0.3, 0.6, 0.9]),
    rounds=st.integers(1, 12),
    seed=st.integers(0, 2**32),
    strategy=st.sampled_from(sorted(STRATEGIES)),
)
def test_disjoint_acceptable_sets_never_agree(
    drawn: DealSpace, cut: float, rounds: int, seed: int, strategy: str
) -> None:
    """Check that talks between parties with disjoint acceptable sets never agree.

    Two hardliners, and a hardliner against each strategy in either order.
    """
    space = _disjoint(drawn, cut)
    assert not space.acceptable.all(axis=0).any()
    for names in (["hardliner", "hardliner"], ["hardliner", strategy], [strategy, "hardliner"]):
        negotiators = [make_negotiator(name) for name in names]
        result = alternating_offers(space, negotiators, rounds=rounds, rng=seed)
        assert result.agreement is None
        np.testing.assert_array_equal(result.utilities, space.reservations)


def test_only_veto_holders_must_accept() -> None:
    """Check that a party without a veto can say no but cannot block or replace a deal."""
    # Parties 0 and 1 hold vetoes and want the same deal; party 2 accepts none of them.
    tables = [[[1.0, 0.5, 0.0], [1.0, 0.5, 0.0], [0.0, 0.5, 1.0]]]
    space = negotiation_space(tables, reservations=[0.4, 0.4, 1.5], veto=[True, True, False])
    assert space.deciders.tolist() == [True, True, False]
    for seed in range(6):
        negotiators = [make_negotiator(name) for name in ("linear", "linear", "hardliner")]
        result = alternating_offers(space, negotiators, rounds=5, rng=seed)
        assert result.agreement is not None
        assert space.acceptable[:2, result.agreement].all()
        assert not space.acceptable[2, result.agreement]
        said = {t.action for t in result.transcript if t.party == 2}
        # The non-veto party offers only when the table is empty, at the very start.
        assert said <= {"reject", "offer"}
        offers = [t.step for t in result.transcript if t.party == 2 and t.action == "offer"]
        assert offers in ([], [0])


def test_without_vetoes_everyone_must_accept() -> None:
    """Check that when nobody holds a veto, every party's acceptance is needed."""
    tables = [[[1.0, 0.5, 0.0], [1.0, 0.5, 0.0], [0.0, 0.5, 1.0]]]
    space = negotiation_space(tables, reservations=[0.4, 0.4, 1.5], veto=[False] * 3)
    assert space.deciders.all()
    result = tournament(space, [["linear", "linear", "hardliner"]], runs=6, rng=0)
    assert result.agreement_rate == 0.0


def test_agreements_are_acceptable_to_every_veto_holder(ukraine: NegotiationSpace) -> None:
    """Check that ukraine-2025 agreements meet each veto holder's red lines and reservation."""
    veto = ukraine.deciders
    assert veto.tolist() == [True] * 4 + [False] * (ukraine.n_actors - 4)
    for strategy in sorted(STRATEGIES):
        result = tournament(ukraine, [[strategy] * ukraine.n_actors], runs=3, rng=0, rounds=30)
        for run in result.results:
            if run.agreement is not None:
                assert ukraine.acceptable[veto, run.agreement].all()
            else:
                np.testing.assert_array_equal(run.utilities, ukraine.reservations)


def test_offers_come_from_the_whole_space(ukraine: NegotiationSpace) -> None:
    """Check that ukraine-2025's candidates and offers include deals a veto holder rejects."""
    assert not ukraine.is_exhaustive
    jointly = np.asarray(ukraine.acceptable[ukraine.deciders].all(axis=0))
    assert 0 < jointly.mean() < 0.5
    result = alternating_offers(
        ukraine, [make_negotiator("boulware") for _ in range(ukraine.n_actors)], rounds=20, rng=4
    )
    offered = [t.deal for t in result.transcript if t.action == "offer"]
    assert not jointly[offered].all()


def test_agreement_rate_depends_on_the_mix(ukraine: NegotiationSpace) -> None:
    """Check that conceders agree on ukraine-2025 and a hardline Russia makes talks fail."""
    others = ["conceder"] * (ukraine.n_actors - 1)
    result = tournament(
        ukraine, [["conceder", *others], ["hardliner", *others]], runs=5, rounds=50, rng=0
    )
    assert result.agreed[:5].all()
    assert not result.agreed[5:].any()


def test_hardliner_opens_at_its_best_deal(ukraine: NegotiationSpace) -> None:
    """Check that a hardliner opens at its best deal of the whole space within its red lines."""
    compiled = compile_scenario(read_scenario("ukraine-2025"))
    tables, admissible = compiled.tables(), compiled.admissible()
    for party in range(ukraine.n_actors):
        best = sum(
            float(np.where(mask[party], table[party], -np.inf).max())
            for table, mask in zip(tables, admissible, strict=True)
        )
        opened = 0
        for seed in range(80):
            negotiators = [make_negotiator("conceder") for _ in range(ukraine.n_actors)]
            negotiators[party] = make_negotiator("hardliner")
            result = alternating_offers(ukraine, negotiators, rounds=3, rng=seed)
            if result.first != party:
                continue
            opened += 1
            opening = result.transcript[0].deal
            row = ukraine.deals[opening]
            assert all(admissible[i][party, row[i]] for i in range(len(tables)))
            assert ukraine.utilities[party, opening] == pytest.approx(best, abs=1e-12)
        assert opened > 0


def test_mediator_does_not_follow_a_majority_against_a_veto(ukraine: NegotiationSpace) -> None:
    """Check that honest single-text mediation on ukraine-2025 satisfies every veto holder.

    Scoring texts by the sum of everyone's signals, the fifth of these runs proposed 100
    texts that all but Russia accepted, and failed.
    """
    generator = np.random.default_rng(1)
    for _ in range(5):
        result = single_text(ukraine, rng=int(generator.integers(2**63 - 1)), record=False)
        assert result.agreement is not None
        assert ukraine.acceptable[ukraine.deciders, result.agreement].all()
