from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peacetalks.forecasting.compromise import CompromiseModel, MedianModel
from peacetalks.forecasting.nash_point import NashPointModel
from peacetalks.forecasting.procedural import ProceduralModel, Procedure
from peacetalks.forecasting.pull import LEAVE_ONE_OUT_CELLS, actor_pull
from peacetalks.forecasting.sensitivity import what_if
from peacetalks.scenario.stakeholders import StakeholderTable

FloatArray = npt.NDArray[np.float64]


def _table() -> StakeholderTable:
    """Three actors on two issues; actor c takes no part in issue y."""
    return StakeholderTable.build(
        actor_ids=["a", "b", "c"],
        issue_ids=["x", "y"],
        positions=[[0.0, 20.0], [100.0, 80.0], [40.0, np.nan]],
        saliences=[[1.0, 0.5], [0.5, 1.0], [1.0, 0.0]],
        capabilities=[2.0, 4.0, 1.0],
        reference=[50.0, 50.0],
    )


@st.composite
def tables(draw: st.DrawFn) -> StakeholderTable:
    """Draw a small table with every actor taking part and some positive weight."""
    n_actors = draw(st.integers(1, 5))
    n_issues = draw(st.integers(1, 3))
    unit = st.floats(0.05, 1.0)
    positions = draw(
        st.lists(st.floats(0, 100), min_size=n_actors * n_issues, max_size=n_actors * n_issues)
    )
    saliences = draw(st.lists(unit, min_size=n_actors * n_issues, max_size=n_actors * n_issues))
    capabilities = draw(st.lists(st.floats(0.1, 10), min_size=n_actors, max_size=n_actors))
    return StakeholderTable.build(
        actor_ids=[f"a{k}" for k in range(n_actors)],
        issue_ids=[f"i{k}" for k in range(n_issues)],
        positions=np.reshape(positions, (n_actors, n_issues)),
        saliences=np.reshape(saliences, (n_actors, n_issues)),
        capabilities=capabilities,
    )


def test_compromise_pull_is_weight_share_times_distance() -> None:
    """Check the compromise's shares, pulls, forecast without each actor and effect by hand."""
    pull = actor_pull(CompromiseModel().fit(_table()))
    # Issue x: weights 2, 2, 1 -> shares 0.4, 0.4, 0.2; forecast 0.4*0 + 0.4*100 + 0.2*40 = 48.
    assert pull.forecast[0] == pytest.approx(48.0)
    np.testing.assert_allclose(pull.shares[:, 0], [0.4, 0.4, 0.2])
    assert pull.pulls is not None
    np.testing.assert_allclose(pull.pulls[:, 0], [-19.2, 20.8, -1.6])
    # Without a: weights 2 (at 100) and 1 (at 40) -> 80.
    np.testing.assert_allclose(pull.without[:, 0], [80.0, 40.0 / 3.0, 50.0])
    entries = pull.issue_data(0)
    assert [e["actor"] for e in entries] == ["b", "a", "c"]
    assert entries[0] == {
        "actor": "b",
        "position": 100.0,
        "share": pytest.approx(0.4),
        "pull": pytest.approx(20.8),
        "without": pytest.approx(40.0 / 3.0),
        "effect": pytest.approx(48.0 - 40.0 / 3.0),
    }


def test_actors_without_a_position_are_left_out() -> None:
    """Check that an issue's entries list only the actors with a position on it."""
    pull = actor_pull(CompromiseModel().fit(_table()))
    assert [e["actor"] for e in pull.issue_data(1)] == ["a", "b"]


@settings(max_examples=60, deadline=None)
@given(tables())
def test_compromise_pulls_balance_at_the_forecast(table: StakeholderTable) -> None:
    """Check that the pulls add up to 0 and the shares weigh the positions to the forecast."""
    pull = actor_pull(CompromiseModel().fit(table))
    assert pull.pulls is not None
    np.testing.assert_allclose(pull.pulls.sum(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(pull.shares.sum(axis=0), 1.0)
    # Positions are on a 0-100 scale: a subnormal such as 5e-324 against 0 is a match.
    np.testing.assert_allclose(
        (pull.shares * table.positions).sum(axis=0), pull.forecast, rtol=1e-7, atol=1e-9
    )


def test_procedural_decomposes_with_its_own_weights_only_without_pull() -> None:
    """Check that the procedural model's shares use procedural power, and pull > 0 has none."""
    table = _table()
    model = ProceduralModel(default=Procedure("majority"), exponent=0.5).fit(table)
    pull = actor_pull(model)
    assert pull.pulls is not None
    power = np.sqrt(table.capabilities)[:, None] * table.saliences
    np.testing.assert_allclose(pull.shares[:, 0], power[:, 0] / power[:, 0].sum())
    np.testing.assert_allclose((pull.shares[:, 0] * table.positions[:, 0]).sum(), pull.forecast[0])
    pulled = actor_pull(ProceduralModel(pull=0.5).fit(table))
    assert pulled.pulls is None
    assert not pulled.has_decomposition


@pytest.mark.parametrize("model", [MedianModel(), NashPointModel(grid=101)])
def test_other_models_give_clout_share_and_leave_one_out(
    model: MedianModel | NashPointModel,
) -> None:
    """Check that a model that is not a weighted mean has no pull, and 'without' is a what-if."""
    table = _table()
    pull = actor_pull(model.fit(table))
    assert pull.pulls is None
    clout = table.capabilities[:, None] * table.saliences
    np.testing.assert_allclose(pull.shares[:, 0], clout[:, 0] / clout[:, 0].sum())
    for a, actor in enumerate(table.actor_ids):
        changed = what_if(model, drop=(actor,))
        np.testing.assert_allclose(
            pull.without[a], [issue["changed"] for issue in changed["issues"]]
        )
    assert all(e["pull"] is None for e in pull.issue_data(0))
    np.testing.assert_allclose(pull.forecast, model.predict())


def test_leave_one_out_is_skipped_on_large_tables_unless_cheap() -> None:
    """Check the size limit: a median on a big table gets no 'without'; a compromise does."""
    n_issues = LEAVE_ONE_OUT_CELLS // 2 + 1
    table = StakeholderTable.build(
        actor_ids=["a", "b"],
        issue_ids=[f"i{k}" for k in range(n_issues)],
        positions=np.tile([[10.0], [90.0]], (1, n_issues)),
        saliences=np.ones((2, n_issues)),
        capabilities=[1.0, 3.0],
    )
    median = actor_pull(MedianModel().fit(table))
    assert np.isnan(median.without).all()
    assert median.issue_data(0)[0]["effect"] is None
    forced = actor_pull(MedianModel().fit(table), leave_one_out=True)
    np.testing.assert_allclose(forced.without[:, 0], [90.0, 10.0])
    compromise = actor_pull(CompromiseModel().fit(table))
    np.testing.assert_allclose(compromise.without[:, 0], [90.0, 10.0])


def test_models_with_rounds_rerun_without_each_actor_only_when_asked() -> None:
    """Check that bdm and smp (a whole run per actor) leave 'without' out unless asked."""
    from peacetalks.forecasting.registry import make_model

    table = StakeholderTable.build(
        actor_ids=["a", "b", "c"],
        issue_ids=["i"],
        positions=[[10.0], [50.0], [90.0]],
        saliences=np.ones((3, 1)),
        capabilities=[1.0, 2.0, 3.0],
    )
    for name in ("bdm", "bdm-scholz", "smp"):
        model = make_model(name).fit(table)
        assert np.isnan(actor_pull(model).without).all(), name
        asked = actor_pull(model, leave_one_out=True)
        assert not np.isnan(asked.without).all(), name
    assert not np.isnan(actor_pull(make_model("median").fit(table)).without).all()


@settings(max_examples=25, deadline=None)
@given(tables(), st.integers(1, 12))
def test_leave_one_out_in_chunks_is_the_same(table: StakeholderTable, cells: int) -> None:
    """Check the variants run a chunk at a time give what one run of all of them gives."""
    import peacetalks.forecasting.pull as pull_module

    model = CompromiseModel().fit(table)
    whole = actor_pull(model)
    saved = pull_module._VARIANT_CELLS
    pull_module._VARIANT_CELLS = cells  # a chunk of max(1, cells // table cells) variants
    try:
        chunked = actor_pull(model)
    finally:
        pull_module._VARIANT_CELLS = saved
    np.testing.assert_array_equal(chunked.forecast, whole.forecast)
    np.testing.assert_array_equal(chunked.without, whole.without)
