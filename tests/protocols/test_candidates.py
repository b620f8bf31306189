"""The candidate deals of spaces too large to enumerate, and the front they measure against."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from peacetalks.analysis import pareto_front, pareto_mask
from peacetalks.briefing.negotiation import negotiation_setting
from peacetalks.protocols import benchmarks, negotiation_space
from peacetalks.protocols.tournament import Benchmarks, candidate_front
from peacetalks.scenario import load_scenario
from peacetalks.scenario.compile import compile_scenario


def _tables(seed: int, n_actors: int, n_issues: int, n_options: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(0, 1, (n_actors, n_options)) / n_issues for _ in range(n_issues)]


def _rows(points: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(np.round(row, 9)) for row in points}


def test_every_party_deciding_keeps_the_exact_front() -> None:
    """Check that without vetoes the candidates hold the whole front, marked exact."""
    tables = _tables(1, 3, 6, 6)  # 46,656 deals, enumerated only below max_deals
    space = negotiation_space(tables, reservations=[0.3] * 3, max_deals=1000)
    assert not space.is_exhaustive
    front, exact = candidate_front(space)
    assert exact
    assert _rows(front) == _rows(pareto_front(tables).utilities)


def test_veto_holders_front_is_an_estimate() -> None:
    """Check that with two of four parties deciding the candidates come from their front.

    Every deal of the deciders' front and of their zone of agreement is a candidate, the
    benchmark front is flagged inexact, and the candidates miss part of the whole front
    (which is why it is flagged).
    """
    tables = _tables(2, 4, 6, 6)
    reservations = np.array([0.45, 0.45, 0.3, 0.3])
    veto = np.array([True, True, False, False])
    space = negotiation_space(tables, reservations=reservations, veto=veto, max_deals=1000)
    candidates = {tuple(row) for row in space.deals}
    deciders = [t[:2] for t in tables]
    assert {tuple(row) for row in pareto_front(deciders).deals} <= candidates
    zopa = pareto_front(deciders, reservations=reservations[:2], individually_rational=True)
    assert len(zopa) > 0
    assert {tuple(row) for row in zopa.deals} <= candidates
    reference = benchmarks(tables, reservations, space=space)
    assert not reference.exact
    whole = pareto_front(tables)
    assert not {tuple(row) for row in whole.deals} <= candidates
    # Each candidate on the estimated front is on no worse footing than the true front:
    # none of them dominates a deal of the whole space's front.
    for point in reference.front:
        not_worse = np.all(point >= whole.utilities - 1e-9, axis=1)
        better = np.any(point > whole.utilities + 1e-9, axis=1)
        assert not np.any(not_worse & better)


def test_ukraine_setting_flags_its_estimate() -> None:
    """Check that ukraine-2025's talks run on the veto holders' fronts, flagged inexact."""
    compiled = compile_scenario(load_scenario("ukraine-2025"))
    space, reference = negotiation_setting(compiled)
    assert not space.is_exhaustive
    assert not reference.exact
    jointly = space.acceptable[space.deciders].all(axis=0)
    # The veto holders' zone of agreement is among the candidates, and so are deals some
    # veto holder refuses.
    assert 0 < jointly.sum() < space.n_deals
    assert reference.nash is not None


@pytest.mark.parametrize("seed", range(6))
def test_lazy_front_distances_equal_the_filtered_front(seed: int) -> None:
    """Check distances to unfiltered candidates against distances to their filtered front.

    Half the candidates are dominated copies pulled towards the measured points, so the
    nearest candidate is often dominated and skipped; with ``_NEAREST_TRIED`` at 1 the
    fallback to the whole front is taken too.
    """
    rng = np.random.default_rng(seed)
    front_like = rng.random((400, 5))
    dominated = front_like * rng.uniform(0.5, 0.99, size=(400, 1))
    candidates = np.concatenate((front_like, dominated))
    points = np.concatenate((dominated[:30] * 0.999, rng.random((30, 5))))
    expected = Benchmarks(points=candidates[pareto_mask(candidates)], nash=None)
    want = expected.nearest_front_distances(points)
    lazy = Benchmarks(points=candidates, nash=None, filtered=False)
    np.testing.assert_allclose(lazy.nearest_front_distances(points), want, rtol=1e-12)
    with pytest.MonkeyPatch.context() as patch:
        # The package exports the function `tournament`; patch the module's constant.
        module = importlib.import_module("peacetalks.protocols.tournament")
        patch.setattr(module, "_NEAREST_TRIED", 1)
        fresh = Benchmarks(points=candidates, nash=None, filtered=False)
        np.testing.assert_allclose(fresh.nearest_front_distances(points), want, rtol=1e-12)
    assert np.array_equal(lazy.front, expected.points)
