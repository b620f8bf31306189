"""Single-text mediation: Pareto-optimal texts, acceptability, reproducibility, self-interest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetalks.analysis import pareto_front
from peacetalks.errors import ParameterError, ProtocolError
from peacetalks.formats import read_scenario
from peacetalks.protocols import (
    HonestParty,
    NegotiationSpace,
    NegotiationView,
    make_negotiator,
    negotiation_space,
    preferred_amendment,
    scenario_space,
    single_text,
)
from peacetalks.scenario import compile_scenario


def _random_tables(seed: int, n_actors: int = 3) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    counts = (4, 3, 5)
    return [rng.random((n_actors, c)) / len(counts) for c in counts]


def _random_space(seed: int, n_actors: int = 3) -> NegotiationSpace:
    return negotiation_space(_random_tables(seed, n_actors), reservations=np.full(n_actors, 0.4))


@pytest.mark.parametrize("amendments", [False, True])
@pytest.mark.parametrize(("mediator", "self_interest"), [(None, 0.0), (0, 0.5), (1, 1.0)])
def test_final_text_is_pareto_optimal(
    amendments: bool, mediator: int | None, self_interest: float
) -> None:
    """Check that with honest parties the agreed text is on the exact Pareto front."""
    agreed = 0
    for seed in range(25):
        tables = _random_tables(seed)
        space = negotiation_space(tables, reservations=np.full(3, 0.4))
        front = {tuple(deal) for deal in pareto_front(tables).deals}
        result = single_text(
            space, rng=seed, mediator=mediator, self_interest=self_interest, amendments=amendments
        )
        if result.agreement is not None:
            agreed += 1
            assert tuple(space.deals[result.agreement]) in front
            assert space.acceptable[:, result.agreement].all()
    assert agreed >= 20


@pytest.mark.parametrize("amendments", [False, True])
def test_small_scenario_agrees_on_the_front(small_path: Path, amendments: bool) -> None:
    """Check the small scenario: a Pareto-optimal agreement every party may accept."""
    compiled = compile_scenario(read_scenario(str(small_path)))
    space = scenario_space(compiled)
    front = {tuple(deal) for deal in pareto_front(compiled.tables()).deals}
    result = single_text(space, rng=0, amendments=amendments)
    assert result.agreement is not None
    assert tuple(space.deals[result.agreement]) in front
    assert space.deal_options(result.agreement) == {"border": "half", "trade": "open"}
    assert (result.utilities >= space.reservations - 1e-12).all()


def test_agreements_acceptable_with_strategies() -> None:
    """Check that strategic parties' agreements still meet every reservation and red line."""
    for seed in range(10):
        space = _random_space(seed)
        negotiators = [make_negotiator(name) for name in ("boulware", "conceder", "linear")]
        result = single_text(space, negotiators, rng=seed, rounds=30, amendments=True)
        if result.agreement is not None:
            assert space.acceptable[:, result.agreement].all()
        else:
            assert np.array_equal(result.utilities, space.reservations)


def test_same_seed_same_transcript() -> None:
    """Check that the same seed gives the same transcript, and the transcript's layout."""
    space = _random_space(3)
    first = single_text(space, rng=7, mediator=2, self_interest=0.3, amendments=True)
    second = single_text(space, rng=7, mediator=2, self_interest=0.3, amendments=True)
    assert first.transcript == second.transcript
    assert first.transcript[0].action == "offer"
    assert first.transcript[0].party == 2
    assert first.first == 2
    assert single_text(space, rng=7).first == -1
    texts = [t for t in first.transcript if t.action == "offer" and t.party == 2]
    assert len({t.deal for t in texts}) == len(texts)
    assert single_text(space, rng=7, record=False).transcript == ()


def test_self_interest_helps_the_mediator() -> None:
    """Check that a self-interested mediator does at least as well for itself on average."""
    neutral, partial, selfish = [], [], []
    for seed in range(40):
        space = _random_space(seed)
        neutral.append(single_text(space, rng=seed, mediator=0).utilities[0])
        partial.append(single_text(space, rng=seed, mediator=0, self_interest=0.5).utilities[0])
        fully = single_text(space, rng=seed, mediator=0, self_interest=1.0)
        selfish.append(fully.utilities[0])
        # Fully selfish, it tries texts in its own order, so it gets its best agreeable one.
        assert fully.utilities[0] >= neutral[-1] - 1e-12
    assert np.mean(partial) >= np.mean(neutral)
    assert np.mean(selfish) >= np.mean(partial)


def test_deadline_without_agreement_gives_reservations() -> None:
    """Check that no acceptable text before the deadline leaves each party its reservation."""
    tables = [np.array([[1.0, 0.0], [0.0, 1.0]])]
    space = negotiation_space(tables, reservations=[0.6, 0.6])
    result = single_text(space, rounds=5, rng=0)
    assert result.agreement is None
    assert result.rounds == 5
    assert np.array_equal(result.utilities, [0.6, 0.6])


def test_amendment_uses_own_preferences_only() -> None:
    """Check that the preferred amendment is the party's best single-issue change."""
    space = negotiation_space([np.array([[0.0, 0.5, 0.2]]), np.array([[0.0, 0.3]])])
    prefs = space.preferences(0)
    text = int(np.flatnonzero((space.deals == [0, 0]).all(axis=1))[0])
    amended = preferred_amendment(prefs, space.deals, text)
    assert amended is not None
    assert space.deals[amended].tolist() == [1, 0]
    best = int(np.flatnonzero((space.deals == [1, 1]).all(axis=1))[0])
    assert preferred_amendment(prefs, space.deals, best) is None


def test_parties_see_no_utilities() -> None:
    """Check that the view handed to a party holds no utilities."""
    seen: list[NegotiationView] = []

    class Spy(HonestParty):
        def accepts(self, view: NegotiationView, deal: int) -> bool:
            seen.append(view)
            return super().accepts(view, deal)

    space = _random_space(1)
    single_text(space, [Spy(), HonestParty(), HonestParty()], rng=0, rounds=3)
    assert seen
    for view in seen:
        for value in vars(view).values():
            assert not (isinstance(value, np.ndarray) and value.dtype.kind == "f")


def test_bad_amendment_raises() -> None:
    """Check that an amendment changing more than one issue is a protocol error."""

    class Greedy(HonestParty):
        def amend(self, view: NegotiationView, deal: int) -> int | None:
            return int(self.preferences.order[0]) if deal != self.preferences.order[0] else None

    tables = [np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])]
    space = negotiation_space(tables, reservations=[1.5, 1.5])
    with pytest.raises(ProtocolError, match="differing from the text on exactly one issue"):
        single_text(space, [Greedy(), Greedy()], rng=0, amendments=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"rounds": 0},
            "The 'rounds' parameter of single_text must be an int in [1, 100000]. Got 0 instead.",
        ),
        (
            {"self_interest": 1.5, "mediator": 0},
            "The 'self_interest' parameter of single_text must be a float in [0, 1]. Got 1.5 instead.",
        ),
        (
            {"self_interest": 0.5},
            "The 'self_interest' parameter of single_text needs a mediating party. Pass 'mediator' (an actor id or index) or set 'self_interest' to 0.",
        ),
        (
            {"mediator": "nobody"},
            "The 'mediator' parameter of single_text must be None, an actor id (0, 1, 2) or an index in [0, 2]. Got 'nobody' instead.",
        ),
        (
            {"negotiators": [HonestParty()]},
            "The 'negotiators' parameter of single_text must hold one negotiator per party (3) or be None. Got 1 instead.",
        ),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    """Check that bad parameters raise with the exact message."""
    with pytest.raises(ParameterError) as info:
        single_text(_random_space(0), **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message
