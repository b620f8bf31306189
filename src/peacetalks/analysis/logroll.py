"""Logrolls: trades across two issues that leave both sides of the trade better off.

Starting from a base deal, actor A gets its way on issue i (it gains there and B loses)
and B gets its way on issue j (B gains, A loses); the trade is a logroll when each side's
gain outweighs its loss, which happens when each cares more about the issue it wins.
Trades are ranked by joint gain (A's net gain plus B's). The effect on every other actor
is reported too, since a trade between two parties can hurt a third with a veto.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.analysis._validation import (
    check_admissible,
    check_positive_int,
    check_tables,
    freeze,
)
from peacetalks.errors import ParameterError

__all__ = ["Logroll", "logrolls"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_CALLER = "logrolls"


@dataclass(frozen=True, eq=False)
class Logroll:
    """A two-issue trade between two actors.

    Attributes
    ----------
    actors : tuple of int
        ``(a, b)``: ``a`` wins on ``issues[0]``, ``b`` on ``issues[1]``.
    issues : tuple of int
    options : tuple of int
        The new option on each of the two issues.
    gains : ndarray of shape (n_actors,)
        Every actor's change in utility against the base deal.
    joint_gain : float
        ``gains[a] + gains[b]``.
    deal : ndarray of shape (n_issues,)
        The base deal with the two changes.
    """

    actors: tuple[int, int]
    issues: tuple[int, int]
    options: tuple[int, int]
    gains: FloatArray
    joint_gain: float
    deal: IntArray


def logrolls(
    tables: Sequence[npt.ArrayLike],
    deal: npt.ArrayLike,
    *,
    admissible: Sequence[npt.ArrayLike] | None = None,
    actors: Sequence[int] | None = None,
    protect: npt.ArrayLike | None = None,
    limit: int = 10,
    tol: float = 1e-12,
) -> list[Logroll]:
    """Find two-issue logrolls from a base deal, best joint gain first.

    Parameters
    ----------
    tables : sequence of ndarray of shape (n_actors, n_options_i)
        Weighted utility of each option of each issue.
    deal : array-like of shape (n_issues,)
        The base deal (a proposal, or the status quo).
    admissible : sequence of ndarray of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line; a trade may not cross a red
        line of either trading actor.
    actors : sequence of int, optional
        Only trades between these actors (default: every pair).
    protect : array-like of bool of shape (n_actors,), optional
        Actors (typically the veto holders) whose red lines no trade may cross and whom no
        trade may leave worse off; default: none beyond the two traders.
    limit : int
        Return at most this many trades.
    tol : float
        Gains and losses smaller than this count as none.

    Returns
    -------
    list of Logroll
        For each pair of actors and pair of issues, the single best trade, ranked by joint
        gain; at most ``limit``.
    """
    checked = check_tables(tables, caller=_CALLER)
    masks = check_admissible(admissible, checked, caller=_CALLER)
    limit = check_positive_int(limit, "limit", caller=_CALLER)
    n_actors, n_issues = checked[0].shape[0], len(checked)
    base = np.asarray(deal)
    counts = [t.shape[1] for t in checked]
    if (
        base.shape != (n_issues,)
        or not np.issubdtype(base.dtype, np.integer)
        or any(not 0 <= base[i] < counts[i] for i in range(n_issues))
    ):
        msg = (
            f"The 'deal' parameter of {_CALLER} must be {n_issues} option indices within "
            f"each issue's options {counts}. Got {base.tolist()!r} instead."
        )
        raise ParameterError(msg, parameter="deal", value=deal)
    who = list(range(n_actors)) if actors is None else [int(a) for a in actors]
    guarded = np.zeros(n_actors, dtype=bool) if protect is None else np.asarray(protect, bool)
    if guarded.shape != (n_actors,):
        msg = (
            f"The 'protect' parameter of {_CALLER} must be {n_actors} booleans. "
            f"Got shape {guarded.shape} instead."
        )
        raise ParameterError(msg, parameter="protect", value=protect)
    # Options no protected actor has a red line on.
    open_to = [m[guarded].all(axis=0) for m in masks]
    # deltas[i][a, o]: actor a's change in utility when issue i moves to option o.
    deltas = [t - t[:, [base[i]]] for i, t in enumerate(checked)]
    found: list[Logroll] = []
    for a, b in itertools.combinations(who, 2):
        for i, j in itertools.permutations(range(n_issues), 2):
            win_a = (
                (deltas[i][a] > tol)
                & (deltas[i][b] < -tol)
                & masks[i][a]
                & masks[i][b]
                & open_to[i]
            )
            win_b = (
                (deltas[j][b] > tol)
                & (deltas[j][a] < -tol)
                & masks[j][a]
                & masks[j][b]
                & open_to[j]
            )
            if not win_a.any() or not win_b.any():
                continue
            xs, ys = np.flatnonzero(win_a), np.flatnonzero(win_b)
            net_a = deltas[i][a, xs][:, None] + deltas[j][a, ys][None, :]
            net_b = deltas[i][b, xs][:, None] + deltas[j][b, ys][None, :]
            ok = (net_a > tol) & (net_b > tol)
            if guarded.any():
                net_guarded = (
                    deltas[i][guarded][:, xs][:, :, None] + deltas[j][guarded][:, ys][:, None, :]
                )
                ok &= (net_guarded >= -tol).all(axis=0)
            if not ok.any():
                continue
            joint = np.where(ok, net_a + net_b, -np.inf)
            x, y = np.unravel_index(int(np.argmax(joint)), joint.shape)
            gains = deltas[i][:, xs[x]] + deltas[j][:, ys[y]]
            new = base.astype(np.intp).copy()
            new[i], new[j] = xs[x], ys[y]
            found.append(
                Logroll(
                    actors=(a, b),
                    issues=(i, j),
                    options=(int(xs[x]), int(ys[y])),
                    gains=freeze(gains.astype(np.float64)),
                    joint_gain=float(joint[x, y]),
                    deal=freeze(new),
                )
            )
    found.sort(key=lambda r: (-round(r.joint_gain, 12), r.actors, r.issues))
    return found[:limit]
