"""Deal-space answers for a scenario, checked by hand on the small scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetalks.analysis.pareto import additive_utilities, pareto_mask, unique_deals
from peacetalks.briefing import (
    amendment_data,
    bargaining_data,
    logroll_data,
    pareto_data,
    zopa_data,
)
from peacetalks.briefing import deals as deals_module
from peacetalks.briefing.deals import rational_front
from peacetalks.errors import NotFoundError, ParameterError
from peacetalks.scenario import (
    CompiledScenario,
    Scenario,
    compile_scenario,
    load_scenario,
    resolve_scenario_path,
)


@pytest.fixture
def small(small_path: Path) -> Scenario:
    """Return the small hand-checked scenario."""
    return load_scenario(small_path)


def test_full_front_of_small_is_every_deal(small: Scenario) -> None:
    """Check that all six deals of the small scenario are Pareto-optimal (worked by hand)."""
    data = pareto_data(compile_scenario(small))
    assert data["exact"] is True
    assert data["count"] == 6
    assert {tuple(d["options"]) for d in data["deals"]} == {
        (b, t) for b in ("status-quo", "half", "all") for t in ("open", "closed")
    }


def test_rational_front_and_limit(small: Scenario) -> None:
    """Check that only the split is above every reservation, and that limit cuts the list."""
    compiled = compile_scenario(small)
    data = pareto_data(compiled, rational=True)
    assert data["count"] == 1
    assert data["deals"][0]["deal"] == {"border": "half", "trade": "open"}
    assert data["deals"][0]["utilities"] == pytest.approx([0.625, 0.4, 1.0])
    assert pareto_data(compiled, limit=2)["count"] == 6
    assert len(pareto_data(compiled, limit=2)["deals"]) == 2


def test_bargaining_on_small(small: Scenario) -> None:
    """Check that every rule picks the only individually rational deal."""
    data = bargaining_data(compile_scenario(small))
    for rule in ("nash", "ks", "egalitarian", "utilitarian"):
        assert data[rule]["deal"] == {"border": "half", "trade": "open"}, rule
        assert data[rule]["ties"] == []


def test_bargaining_among_veto_holders(small: Scenario) -> None:
    """Check that among veto holders the utilities have one number per veto holder."""
    data = bargaining_data(compile_scenario(small), ["nash"], among="veto")
    assert data["actors"] == ["north", "south"]
    assert len(data["nash"]["utilities"]) == 2


def test_no_rational_deal_gives_none_with_reason(small: Scenario) -> None:
    """Check that a rule with no individually rational deal is None with a reason."""
    data = small.model_dump()
    data["actors"][2]["reservation"] = 1.0  # the broker now wants more than any deal gives
    data["actors"][0]["reservation"] = 0.9
    harsh = Scenario.model_validate(data)
    result = bargaining_data(compile_scenario(harsh), ["nash"])
    assert result["nash"] is None
    assert "no deal gives every actor" in result["nash_reason"]


def test_zopa_of_small(small: Scenario) -> None:
    """Check that exactly one of six deals is acceptable to both veto holders."""
    data = zopa_data(compile_scenario(small), rng=1)
    assert (data["count"], data["total"], data["exact"]) == (1, 6, True)
    assert data["veto_holders"] == ["north", "south"]
    assert data["options"] == {"border": ["half"], "trade": ["open"]}
    assert all(d["deal"] == {"border": "half", "trade": "open"} for d in data["sample"])


def test_amend_grab(small: Scenario) -> None:
    """Check that the grab needs both issues changed, to the split (worked by hand)."""
    data = amendment_data(small, compile_scenario(small), "grab")
    assert data["possible"] is True
    assert data["n_changes"] == 2
    assert data["amendments"][0]["changes"] == {
        "border": {"from": "all", "to": "half"},
        "trade": {"from": "closed", "to": "open"},
    }


def test_amend_passing_proposal(small: Scenario) -> None:
    """Check that a proposal that already passes needs no change."""
    data = amendment_data(small, compile_scenario(small), "split")
    assert data["n_changes"] == 0
    assert data["amendments"][0]["changed"] == []


def test_amend_unknown_proposal(small: Scenario) -> None:
    """Check that amending an unknown proposal names the known ones."""
    with pytest.raises(NotFoundError, match="Its proposals: split, grab, trade-only"):
        amendment_data(small, compile_scenario(small), "nope")


def test_logrolls_need_a_base_without_defaults(small: Scenario) -> None:
    """Check that logrolls say to name a base when an issue has no default option."""
    with pytest.raises(ParameterError) as info:
        logroll_data(small, compile_scenario(small))
    assert str(info.value) == (
        "Logrolls start from each issue's default option, but issue(s) trade have none. "
        "Name a proposal to start from (--base ID)."
    )
    assert logroll_data(small, compile_scenario(small), base="split")["trades"] == []


def test_logrolls_on_builtin_help_both_traders() -> None:
    """Check that every logroll between veto holders of ukraine-2025 helps both traders."""
    scenario = load_scenario("ukraine-2025")
    data = logroll_data(scenario, compile_scenario(scenario), among="veto", limit=20)
    assert data["trades"]
    for trade in data["trades"]:
        a, b = trade["actors"]
        assert trade["gains"][a] > 0
        assert trade["gains"][b] > 0
        assert set(trade["actors"]) <= {"russia", "ukraine", "united-states", "eu"}


def test_front_too_large_falls_back_to_a_sample(small: Scenario) -> None:
    """Check that a front above the memory bound is replaced by a sampled front, said so."""
    data = pareto_data(compile_scenario(small), max_points=2, sample=50, rng=3)
    assert data["exact"] is False
    assert "not the exact front" in data["reason"]
    assert "more than the 2 kept in memory (max_points=2)" in data["reason"]
    assert "--rational on the command line" in data["reason"]
    assert 1 <= data["count"] <= 6


def _builtin(scenario_id: str) -> CompiledScenario:
    return compile_scenario(load_scenario(resolve_scenario_path(scenario_id)))


@pytest.mark.parametrize(
    "scenario_id",
    [
        "ukraine-2022-03",
        "ukraine-2025-02",
        "ukraine-2025-06",
        "ukraine-2025-08",
        pytest.param("ukraine-2025", marks=pytest.mark.slow),
    ],
)
def test_uncounted_listing_is_the_counted_one(scenario_id: str) -> None:
    """Check that analyze's listing (no count) is the first deals of the counted front.

    The counted listing orders the whole acceptable front by total utility; the uncounted
    one finds the same first deals from the pairs of half-fronts (analysis.halves).
    """
    compiled = _builtin(scenario_id)
    counted = pareto_data(compiled, rational=True, limit=20)
    fast = pareto_data(compiled, rational=True, limit=20, count=False)
    assert fast["count"] is None
    assert counted["count"] >= len(counted["deals"])
    assert fast["deals"] == counted["deals"]
    totals = [sum(d["utilities"]) for d in fast["deals"]]
    assert totals == sorted(totals, reverse=True)
    # The compromises agree too, with the whole front given and without it.
    front = rational_front(compiled)
    assert bargaining_data(compiled, runs=0) == bargaining_data(compiled, runs=0, front=front)


def test_a_sampled_rational_front_holds_only_rational_deals() -> None:
    """Check the sampled front of --rational keeps to deals above every reservation."""
    compiled = _builtin("ukraine-2025-02")
    sampled = pareto_data(compiled, rational=True, max_points=50, sample=20_000, rng=3)
    assert sampled["exact"] is False
    assert sampled["deals"]
    admissible = compiled.admissible()
    for deal in sampled["deals"]:
        assert (np.asarray(deal["utilities"]) >= compiled.reservations - 1e-12).all()
        for i, option in enumerate(deal["options"]):
            column = compiled.option_ids[i].index(option)
            assert admissible[i][:, column].all(), (deal["options"], compiled.issue_ids[i])


@pytest.mark.parametrize("rational", [False, True])
def test_sampled_front_is_the_samples_front_however_it_is_chunked(
    rational: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check the sampled front against the sample's own front, in chunks and redrawn.

    One chunk gives the non-dominated deals of the sample drawn at once; small chunks
    give the same front of their own sample whether the survivors' deals are kept
    (a large budget) or drawn again from the saved generator state (a budget of one).
    """
    compiled = compile_scenario(load_scenario(resolve_scenario_path("ukraine-2025")))
    space = deals_module._Space(compiled, "all")
    counts = [t.shape[1] for t in space.tables]
    n = 4_000
    monkeypatch.setattr(deals_module, "_SAMPLE_CHUNK", n)
    whole = deals_module._sampled_front(space, n, np.random.default_rng(5), rational=rational)
    rng = np.random.default_rng(5)
    drawn = np.stack([rng.integers(c, size=n) for c in counts], axis=1).astype(np.intp)
    values = additive_utilities(space.tables, drawn)
    if rational:
        ok = (values >= space.reservations - 1e-12).all(axis=1)
        for i, allowed in enumerate(space.admissible):
            ok &= allowed[:, drawn[:, i]].all(axis=0)
        drawn, values = drawn[ok], values[ok]
    expected = unique_deals(drawn[pareto_mask(values)], counts)
    np.testing.assert_array_equal(whole.deals, expected)
    assert expected.shape[0] > 0
    monkeypatch.setattr(deals_module, "_SAMPLE_CHUNK", 333)
    kept = deals_module._sampled_front(space, n, np.random.default_rng(5), rational=rational)
    monkeypatch.setattr(deals_module, "_SAMPLE_DEAL_CELLS", 1)
    rng = np.random.default_rng(5)
    redrawn = deals_module._sampled_front(space, n, rng, rational=rational)
    np.testing.assert_array_equal(redrawn.deals, kept.deals)
    np.testing.assert_array_equal(redrawn.utilities, kept.utilities)
    # The generator ends where one pass of draws leaves it, as callers expect.
    again = np.random.default_rng(5)
    for start in range(0, n, 333):
        size = min(333, n - start)
        for c in counts:
            again.integers(c, size=size)
    assert rng.integers(1 << 30) == again.integers(1 << 30)
