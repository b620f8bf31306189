"""Stacked alternating offers: acceptability, privacy, reproducibility, strategies."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import peacetalks.protocols as protocols
from peacetalks.errors import ParameterError
from peacetalks.formats import read_scenario
from peacetalks.protocols import (
    STRATEGIES,
    NegotiationSpace,
    NegotiationView,
    Negotiator,
    ProtocolError,
    alternating_offers,
    make_negotiator,
    negotiation_space,
    scenario_space,
    tournament,
)
from peacetalks.scenario import compile_scenario


@pytest.fixture(scope="module")
def ukraine() -> NegotiationSpace:
    """Return the negotiation space of the built-in 2025 scenario."""
    return scenario_space(compile_scenario(read_scenario("ukraine-2025")))


def _random_space(
    seed: int, n_actors: int = 2, counts: tuple[int, ...] = (5, 4, 6)
) -> NegotiationSpace:
    rng = np.random.default_rng(seed)
    tables = [rng.random((n_actors, c)) / len(counts) for c in counts]
    return negotiation_space(tables, reservations=np.full(n_actors, 0.2))


def test_all_is_sorted_and_complete() -> None:
    """Check that the package's __all__ is sorted and names every public name."""
    assert protocols.__all__ == sorted(protocols.__all__, key=lambda s: (not s.isupper(), s))
    for name in protocols.__all__:
        assert hasattr(protocols, name)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
def test_agreements_are_acceptable_to_every_veto_holder(
    strategy: str, small_path: Path, ukraine: NegotiationSpace
) -> None:
    """Check that every agreement meets every veto holder's reservation and red lines."""
    small = scenario_space(compile_scenario(read_scenario(str(small_path))))
    for space in (small, ukraine):
        veto = space.deciders
        result = tournament(space, [[strategy] * space.n_actors], runs=5, rng=0, rounds=30)
        for run in result.results:
            if run.agreement is not None:
                assert space.acceptable[veto, run.agreement].all()
                assert (run.utilities[veto] >= space.reservations[veto] - 1e-12).all()
            else:
                np.testing.assert_array_equal(run.utilities, space.reservations)


def test_small_agreement_is_the_only_acceptable_deal(small_path: Path) -> None:
    """Check that agreements on the small scenario are its one acceptable deal."""
    space = scenario_space(compile_scenario(read_scenario(str(small_path))))
    assert space.acceptable.all(axis=0).sum() == 1
    result = tournament(space, [["tit-for-tat"] * 3], runs=20, rng=1)
    agreed = [r.agreement for r in result.results if r.agreement is not None]
    assert agreed
    assert {space.deal_options(d)["border"] for d in agreed} == {"half"}


def test_view_exposes_no_utilities() -> None:
    """Check that the view handed to negotiators holds no utilities of anyone."""
    space = _random_space(1)
    seen: list[NegotiationView] = []

    class Spy(Negotiator):
        def propose(self, view: NegotiationView) -> int:
            seen.append(view)
            return int(self.preferences.order[0])

        def accepts(self, view: NegotiationView, deal: int) -> bool:
            seen.append(view)
            return False

    spies = [Spy(), Spy()]
    alternating_offers(space, spies, rounds=3, rng=0)
    assert seen
    names = {f.name for f in dataclasses.fields(NegotiationView)}
    assert names == {
        "party", "n_parties", "step", "round", "deadline", "time", "standing", "offers", "deals",
    }  # fmt: skip
    view = seen[-1]
    for attribute in ("utilities", "preferences", "space", "reservations", "acceptable"):
        assert not hasattr(view, attribute)
    with pytest.raises(AttributeError):
        view.utilities = space.utilities  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.time = 0.5  # type: ignore[misc]
    assert not view.deals.flags.writeable
    # Each negotiator holds only its own row.
    for k, spy in enumerate(spies):
        np.testing.assert_array_equal(spy.preferences.utilities, space.utilities[k])
        assert spy.preferences.utilities.shape == (space.n_deals,)


def test_same_seed_same_transcript(ukraine: NegotiationSpace) -> None:
    """Check that one seed gives one transcript, and another seed another."""
    names = (["boulware", "learner", "tit-for-tat", "conceder"] * 3)[: ukraine.n_actors]

    def run(seed: int) -> tuple[object, ...]:
        negotiators = [make_negotiator(n) for n in names]
        return alternating_offers(ukraine, negotiators, rounds=50, rng=seed).transcript

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_transcript_records_offers_and_utilities() -> None:
    """Check that the transcript starts with an offer and carries every party's utility."""
    space = _random_space(2)
    negotiators = [make_negotiator("linear"), make_negotiator("conceder")]
    result = alternating_offers(space, negotiators, rounds=20, rng=3)
    first = result.transcript[0]
    assert first.action == "offer"
    assert first.party == result.first
    for turn in result.transcript:
        assert turn.utilities == tuple(space.utilities[:, turn.deal])
    if result.agreement is not None:
        assert [t.action for t in result.transcript[-1:]] == ["accept"]
        assert result.steps == len(result.transcript)


def test_boulware_does_at_least_as_well_as_conceder() -> None:
    """Check that Boulware against conceder earns Boulware at least as much, over seeds."""
    boulware, conceder = [], []
    for seed in range(20):
        space = _random_space(seed)
        result = tournament(
            space, [["boulware", "conceder"], ["conceder", "boulware"]], runs=3, rng=seed
        )
        for names, utilities in zip(result.assignments, result.utilities, strict=True):
            b = names.index("boulware")
            boulware.append(utilities[b])
            conceder.append(utilities[1 - b])
    assert np.mean(boulware) >= np.mean(conceder)


def test_boulware_gains_in_ukraine(ukraine: NegotiationSpace) -> None:
    """Check that Russia does better as Boulware than as conceder against conceders."""
    others = ["conceder"] * (ukraine.n_actors - 1)
    result = tournament(ukraine, [["boulware", *others], ["conceder", *others]], runs=10, rng=2)
    assert result.utilities[:10, 0].mean() >= result.utilities[10:, 0].mean()


def test_hardliners_never_agree_when_interests_differ(ukraine: NegotiationSpace) -> None:
    """Check that hardliners only settle for their best deal, so here never agree."""
    result = tournament(ukraine, [["hardliner"] * ukraine.n_actors], runs=2, rounds=20, rng=0)
    assert result.agreement_rate == 0.0
    np.testing.assert_allclose(result.utilities, np.tile(ukraine.reservations, (2, 1)))


def test_distances_on_a_large_space(ukraine: NegotiationSpace) -> None:
    """Check that conceders agree on ukraine-2025 and their distances are measured."""
    assert not ukraine.is_exhaustive
    result = tournament(ukraine, [["conceder"] * ukraine.n_actors], runs=3, rng=0)
    assert result.agreement_rate == 1.0
    assert (result.distance_to_pareto >= 0).all()
    assert (result.distance_to_nash > 0).all()


def test_custom_negotiator_that_breaks_the_rules() -> None:
    """Check that an offer outside the candidate deals raises ProtocolError."""

    class Cheat(Negotiator):
        def propose(self, view: NegotiationView) -> int:
            return 10**9

        def accepts(self, view: NegotiationView, deal: int) -> bool:
            return True

    space = _random_space(0)
    with pytest.raises(ProtocolError, match="not a candidate deal index") as info:
        alternating_offers(space, [Cheat(), Cheat()], rng=0)
    assert isinstance(info.value, RuntimeError)


def test_acceptance_below_reservation_does_not_count() -> None:
    """Check that a party accepting everything still cannot agree below its reservation."""

    class Yes(Negotiator):
        def propose(self, view: NegotiationView) -> int:
            return int(self.preferences.order[-1])

        def accepts(self, view: NegotiationView, deal: int) -> bool:
            return True

    rng = np.random.default_rng(0)
    tables = [rng.random((2, 3)) / 2 for _ in range(2)]
    space = negotiation_space(tables, reservations=[2.0, 0.0])
    result = alternating_offers(space, [Yes(), Yes()], rounds=5, rng=0)
    assert result.agreement is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda s: alternating_offers(s, [make_negotiator("linear")], rng=0),
            "The 'negotiators' parameter of alternating_offers must hold one negotiator per "
            "party (2). Got 1 instead.",
        ),
        (
            lambda s: alternating_offers(s, [make_negotiator("linear")] * 2, rounds=0),
            "The 'rounds' parameter of alternating_offers must be an int in [1, 100000]. "
            "Got 0 instead.",
        ),
        (
            lambda s: make_negotiator("nice"),
            "The 'strategy' parameter of make_negotiator must be one of boulware, conceder, "
            "hardliner, learner, linear, tit-for-tat. Got 'nice' instead.",
        ),
        (
            lambda s: tournament(s, [["linear", "linear"]], runs=0),
            "The 'runs' parameter of tournament must be an int >= 1. Got 0 instead.",
        ),
        (
            lambda s: negotiation_space([np.ones((2, 2))], max_deals=0),
            "The 'max_deals' parameter of negotiation_space must be an int >= 1. Got 0 instead.",
        ),
    ],
)
def test_bad_parameters(call: object, message: str) -> None:
    """Check the messages of bad parameters."""
    space = _random_space(0)
    with pytest.raises(ParameterError) as info:
        call(space)  # type: ignore[operator]
    assert str(info.value) == message


def test_preferences_are_sorted_and_read_only() -> None:
    """Check that each party's candidates are sorted once, best first, and frozen."""
    space = _random_space(4)
    prefs = space.preferences(0)
    assert prefs is space.preferences(0)
    assert (np.diff(prefs.sorted_utilities) <= 0).all()
    assert prefs.acceptable[prefs.order].all()
    assert not prefs.sorted_utilities.flags.writeable
    assert prefs.at_least(prefs.best) >= 1
    assert prefs.at_least(prefs.best + 1) == 0
