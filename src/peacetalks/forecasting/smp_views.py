"""Multi-dimensional views of an SMP run, as JSON-ready data for reports and the web.

Three views, each ready to draw without further computation:

- ``positions_by_dimension``: one line chart per dimension, a series per actor with its
  position at every turn (turn 0 is the input).
- ``effective_power``: capability x salience per dimension (what an actor brings to bear
  on it), its share of the dimension's total, and the actor's total over dimensions
  (capability x total salience, KTAB's clout in a challenge).
- ``quadrant``: KTAB's expected-utility quadrant view. For each ordered pair of actors
  ``(i, j)``, as ``i`` sees them (with ``i``'s estimates of the risk attitudes): ``eu_i``,
  ``i``'s expected gain from challenging ``j``, and ``eu_j``, ``j``'s expected gain from
  challenging ``i``; SMP's challenge utility is the one that picks the targets of a turn
  (the challenger wins with the probability of the coalitions that third parties join,
  and ``j`` resists with its salience as probability). The quadrant names the outcome
  ``i`` expects: ``conflict`` (both gain from challenging), ``i_prevails`` (only ``i``
  does), ``j_prevails`` (only ``j`` does), ``status_quo`` (neither). The fields follow the
  ``eu`` entries of the expected-utility model's rounds, so both draw alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.forecasting._smp_engine import SmpOptions, SmpState, SmpTrajectory
from peacetalks.forecasting._smp_kernels import challenges, sequential_sum
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["effective_power", "positions_by_dimension", "quadrant", "smp_views"]

FloatArray = npt.NDArray[np.float64]


def positions_by_dimension(
    table: StakeholderTable, trajectory: SmpTrajectory
) -> dict[str, dict[str, list[float]]]:
    """Return ``{dimension: {actor: [position at turn 0, 1, ...]}}`` on the table's scales."""
    low, high = table.scale[:, 0], table.scale[:, 1]
    stacked = np.stack([state.positions for state in trajectory.states])  # (turns, actors, dims)
    scaled = np.round(low + stacked * (high - low), 10)
    return {
        issue: {actor: scaled[:, a, d].tolist() for a, actor in enumerate(table.actor_ids)}
        for d, issue in enumerate(table.issue_ids)
    }


def effective_power(table: StakeholderTable) -> dict[str, Any]:
    """Return capability x salience per dimension, its shares, and each actor's total.

    Returns
    -------
    dict
        ``by_dimension`` and ``shares``: ``{dimension: {actor: value}}``; ``total``:
        ``{actor: capability x sum of saliences}``.
    """
    power = table.capabilities[:, None] * table.saliences  # (n_actors, n_dims)
    totals = power.sum(axis=0)
    shares = np.divide(power, totals, out=np.zeros_like(power), where=totals > 0)
    actors, issues = table.actor_ids, table.issue_ids
    return {
        "by_dimension": {
            issue: {a: float(power[k, d]) for k, a in enumerate(actors)}
            for d, issue in enumerate(issues)
        },
        "shares": {
            issue: {a: float(shares[k, d]) for k, a in enumerate(actors)}
            for d, issue in enumerate(issues)
        },
        "total": {a: float(power[k].sum()) for k, a in enumerate(actors)},
    }


def _quadrant_name(eu_i: float, eu_j: float) -> str:
    if eu_i > 0 and eu_j > 0:
        return "conflict"
    if eu_i > 0:
        return "i_prevails"
    if eu_j > 0:
        return "j_prevails"
    return "status_quo"


def quadrant(table: StakeholderTable, state: SmpState, options: SmpOptions) -> list[dict[str, Any]]:
    """Return the expected-utility quadrant of one state, for every ordered pair of actors.

    Parameters
    ----------
    table : StakeholderTable
        The table of the run (names, saliences, capabilities).
    state : SmpState
        One state of the run.
    options : SmpOptions
        The run's sub-models (voting rule, third-party commitment).

    Returns
    -------
    list of dict
        One entry per ordered pair ``i != j``: ``actor``, ``other``, ``eu_i``, ``eu_j``,
        ``probability`` (``i``'s estimate that it beats ``j``) and ``quadrant``.
    """
    saliences = np.asarray(table.saliences, dtype=np.float64)
    total_salience = sequential_sum(saliences, axis=1)
    clout = total_salience * np.asarray(table.capabilities, dtype=np.float64)
    n = table.n_actors
    a = np.arange(n, dtype=np.intp)
    row, column = a[:, None], a[None, :]
    probability, eu_i = challenges(
        state.distances,
        state.risk_estimates,
        clout,
        total_salience,
        (row, row, row, column),
        rule=options.voting_rule,
        commit=options.third_party_commit,
    )
    _, eu_j = challenges(
        state.distances,
        state.risk_estimates,
        clout,
        total_salience,
        (row, column, column, row),
        rule=options.voting_rule,
        commit=options.third_party_commit,
    )
    actors = table.actor_ids
    return [
        {
            "actor": actors[i],
            "other": actors[j],
            "eu_i": float(eu_i[i, j]),
            "eu_j": float(eu_j[i, j]),
            "probability": float(probability[i, j]),
            "quadrant": _quadrant_name(float(eu_i[i, j]), float(eu_j[i, j])),
        }
        for i in range(n)
        for j in range(n)
        if i != j
    ]


def smp_views(
    table: StakeholderTable,
    trajectory: SmpTrajectory,
    options: SmpOptions,
    *,
    quadrant_turns: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Return the three views of a run as JSON-ready data.

    Parameters
    ----------
    table : StakeholderTable
    trajectory : SmpTrajectory
    options : SmpOptions
    quadrant_turns : sequence of int, optional
        Turns whose quadrant view is given; default the first and the last (the view has
        n_actors x (n_actors - 1) entries per turn). Negative turns count from the end.

    Returns
    -------
    dict
        ``positions_by_dimension``, ``effective_power`` and ``quadrant``: a list of
        ``{"turn": t, "pairs": [...]}``.
    """
    last = len(trajectory.states) - 1
    wanted = (0, last) if quadrant_turns is None else tuple(quadrant_turns)
    turns = sorted({t if t >= 0 else last + 1 + t for t in wanted})
    return {
        "positions_by_dimension": positions_by_dimension(table, trajectory),
        "effective_power": effective_power(table),
        "quadrant": [
            {"turn": t, "pairs": quadrant(table, trajectory.states[t], options)}
            for t in turns
            if 0 <= t <= last
        ],
    }
