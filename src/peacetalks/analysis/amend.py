"""Amendments: the smallest changes to a proposal that every veto holder would accept.

"Smallest" means fewest issues changed. The search goes up in the number of changed
issues and stops at the first size that has a solution, so the answer is minimal by
construction; within a size every subset of issues and every combination of their other
options is evaluated at once with NumPy broadcasting. Among the amendments of that size,
one that another amendment of the same size beats for every actor (as good for all, better
for one) is dropped: it is never worth proposing. The rest are ranked by the loss of the
proposal's own authors (the largest among them; so that the author can still call it its
proposal), then by the largest loss to any actor, then by the utility moved (the sum over
all actors of the absolute change in utility).
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
    check_reservations,
    check_tables,
    check_veto,
    freeze,
)
from peacetalks.analysis.pareto import pareto_mask
from peacetalks.errors import ParameterError

__all__ = ["Amendment", "AmendmentSearch", "RedLineConflict", "amendments"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

_CALLER = "amendments"


@dataclass(frozen=True, eq=False)
class Amendment:
    """One way to amend a deal.

    Attributes
    ----------
    deal : ndarray of shape (n_issues,)
        The amended deal (option index per issue).
    changed : ndarray of shape (n_changed,)
        Indices of the issues that changed.
    utilities : ndarray of shape (n_actors,)
        Every actor's utility of the amended deal.
    moved : float
        Sum over actors of the absolute change in utility.
    author_loss : float
        The largest utility loss of the proposal's authors (0 without authors; negative
        when every author gains).
    worst_loss : float
        The largest utility loss of any actor (negative when every actor gains).
    """

    deal: IntArray
    changed: IntArray
    utilities: FloatArray
    moved: float
    author_loss: float = 0.0
    worst_loss: float = 0.0


@dataclass(frozen=True)
class RedLineConflict:
    """An issue on which the veto holders' red lines together exclude every option."""

    issue: int
    actors_by_option: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, eq=False)
class AmendmentSearch:
    """Result of :func:`amendments`.

    Attributes
    ----------
    amendments : tuple of Amendment
        The minimal amendments, least utility moved first (empty when none exists).
    n_changes : int or None
        Number of issues changed by each of them; 0 when the deal already passes; None
        when no amendment exists within the search.
    conflicts : tuple of RedLineConflict
        Issues whose red lines make every deal unacceptable to some veto holder.
    unreachable : ndarray of shape (k,)
        Veto holders whose reservation exceeds the best they could get from any deal that
        respects their own red lines.
    complete : bool
        False when ``max_changes`` stopped the search before every size was tried.
    dominated : int
        Amendments of the minimal size dropped because another beats them for every actor.
    found : int
        Amendments of the minimal size found (before dropping the dominated ones).
    """

    amendments: tuple[Amendment, ...]
    n_changes: int | None
    conflicts: tuple[RedLineConflict, ...]
    unreachable: IntArray
    complete: bool
    dominated: int = 0
    found: int = 0

    @property
    def possible(self) -> bool:
        """Return whether some amendment makes the deal acceptable to every veto holder."""
        return self.n_changes is not None


def amendments(
    tables: Sequence[npt.ArrayLike],
    deal: npt.ArrayLike,
    reservations: npt.ArrayLike,
    *,
    veto: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    authors: Sequence[int] = (),
    max_changes: int | None = None,
    limit: int = 5,
    tol: float = 1e-12,
    max_candidates: int = 20_000_000,
) -> AmendmentSearch:
    """Find the smallest changes that make a deal acceptable to every veto holder.

    Parameters
    ----------
    tables : sequence of ndarray of shape (n_actors, n_options_i)
        Weighted utility of each option of each issue; a deal's utility is their sum.
    deal : array-like of shape (n_issues,)
        The proposal, an option index per issue.
    reservations : array-like of shape (n_actors,)
    veto : array-like of shape (n_actors,), optional
        Who must accept; every actor when None.
    admissible : sequence of ndarray of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line.
    authors : sequence of int
        Indices of the actors whose proposal it is; their loss ranks the amendments first.
    max_changes : int, optional
        Change at most this many issues (default: all).
    limit : int
        Return at most this many amendments.
    tol : float
        A utility this far below a reservation still counts as meeting it.
    max_candidates : int
        Bound on the candidate deals evaluated; the search stops with ``complete=False``
        past it, so that it never runs away on large spaces.

    Returns
    -------
    AmendmentSearch
    """
    checked = check_tables(tables, caller=_CALLER)
    n_actors, n_issues = checked[0].shape[0], len(checked)
    base = np.asarray(deal)
    counts = np.array([t.shape[1] for t in checked])
    if base.shape != (n_issues,) or not np.issubdtype(base.dtype, np.integer):
        msg = (
            f"The 'deal' parameter of {_CALLER} must be {n_issues} option indices. "
            f"Got {base.tolist()!r} instead."
        )
        raise ParameterError(msg, parameter="deal", value=deal)
    if (base < 0).any() or (base >= counts).any():
        msg = (
            f"The 'deal' parameter of {_CALLER} holds an option index outside its issue "
            f"(options per issue {counts.tolist()}). Got {base.tolist()} instead."
        )
        raise ParameterError(msg, parameter="deal", value=deal)
    reserve = check_reservations(reservations, n_actors, caller=_CALLER)
    must = check_veto(veto, n_actors, caller=_CALLER)
    masks = check_admissible(admissible, checked, caller=_CALLER)
    limit = check_positive_int(limit, "limit", caller=_CALLER)
    top = (
        n_issues
        if max_changes is None
        else check_positive_int(max_changes, "max_changes", caller=_CALLER, minimum=0)
    )
    top = min(top, n_issues)
    author_rows = np.asarray(list(authors), dtype=np.intp)
    if author_rows.size and ((author_rows < 0).any() or (author_rows >= n_actors).any()):
        msg = (
            f"The 'authors' parameter of {_CALLER} must hold actor indices in [0, {n_actors}). "
            f"Got {list(authors)!r} instead."
        )
        raise ParameterError(msg, parameter="authors", value=authors)

    # An option is usable only if no veto holder has a red line on it.
    usable: list[BoolArray] = [np.asarray(mask[must].all(axis=0), dtype=np.bool_) for mask in masks]
    conflicts = tuple(
        RedLineConflict(
            issue=i,
            actors_by_option=tuple(
                tuple(int(a) for a in np.flatnonzero(must & ~masks[i][:, o]))
                for o in range(counts[i])
            ),
        )
        for i in range(n_issues)
        if not usable[i].any()
    )
    best = np.array(
        [
            sum(float(np.where(masks[i][a], checked[i][a], -np.inf).max()) for i in range(n_issues))
            for a in range(n_actors)
        ]
    )
    unreachable = freeze(np.flatnonzero(must & (best < reserve - tol)).astype(np.intp))
    if conflicts or unreachable.size:
        return AmendmentSearch((), None, conflicts, unreachable, True)

    base_utils = np.array(
        [sum(checked[i][a, base[i]] for i in range(n_issues)) for a in range(n_actors)]
    )
    forced = [i for i in range(n_issues) if not usable[i][base[i]]]
    free = [i for i in range(n_issues) if usable[i][base[i]]]
    if not forced and _passes(base_utils[:, None], reserve, must, tol)[0]:
        empty = Amendment(
            freeze(base.astype(np.intp)), freeze(np.empty(0, np.intp)), freeze(base_utils), 0.0
        )
        return AmendmentSearch((empty,), 0, (), unreachable, True, found=1)

    # The most each issue's change can add for each actor (every alternative option the
    # veto holders allow, never the proposal's own): a set of issues whose changes cannot
    # lift every veto holder to its reservation, even at their best, is skipped unseen.
    most = np.full((n_issues, n_actors), -np.inf)
    for i in range(n_issues):
        other = usable[i] & (np.arange(counts[i]) != base[i])
        if other.any():
            most[i] = checked[i][:, other].max(axis=1) - checked[i][:, base[i]]
    forced_most = base_utils + most[forced].sum(axis=0)
    # The bound is compared with a margin that covers the rounding of its sums.
    margin = tol + 1e-9 * (1.0 + float(np.abs(base_utils).max()))
    budget = max_candidates
    for size in range(len(forced), top + 1):
        found: list[tuple[float, IntArray, FloatArray]] = []
        combos = list(itertools.combinations(free, size - len(forced)))
        extras = np.array(combos, dtype=np.intp).reshape(len(combos), size - len(forced))
        reach = forced_most[None, :] + most[extras].sum(axis=1)
        viable = np.all(reach[:, must] >= reserve[must] - margin, axis=1)
        for extra in extras[viable].tolist():
            subset = sorted((*forced, *extra))
            alternatives = [
                np.flatnonzero(usable[i] & (np.arange(counts[i]) != base[i])) for i in subset
            ]
            n_candidates = int(np.prod([len(a) for a in alternatives])) if subset else 1
            if n_candidates == 0:
                continue
            budget -= n_candidates
            if budget < 0:
                return _result(
                    found, limit, size, base, base_utils, author_rows, unreachable, complete=False
                )
            grids = np.meshgrid(*alternatives, indexing="ij") if subset else []
            choices = (
                np.stack([g.ravel() for g in grids], axis=1)
                if subset
                else np.empty((1, 0), np.intp)
            )
            utils = np.repeat(base_utils[:, None], choices.shape[0], axis=1)
            for column, i in enumerate(subset):
                utils += checked[i][:, choices[:, column]] - checked[i][:, [base[i]]]
            ok = _passes(utils, reserve, must, tol)
            for row in np.flatnonzero(ok):
                new = base.astype(np.intp).copy()
                new[subset] = choices[row]
                moved = float(np.abs(utils[:, row] - base_utils).sum())
                found.append((moved, new, utils[:, row].copy()))
        if found:
            return _result(
                found, limit, size, base, base_utils, author_rows, unreachable, complete=True
            )
    return AmendmentSearch((), None, (), unreachable, top >= n_issues)


def _passes(utils: FloatArray, reserve: FloatArray, must: BoolArray, tol: float) -> BoolArray:
    ok: BoolArray = np.asarray(
        (utils[must] >= reserve[must, None] - tol).all(axis=0), dtype=np.bool_
    )
    return ok


def _result(
    found: list[tuple[float, IntArray, FloatArray]],
    limit: int,
    size: int,
    base: npt.NDArray[np.integer[npt.NBitBase]],
    base_utils: FloatArray,
    authors: IntArray,
    unreachable: IntArray,
    *,
    complete: bool,
) -> AmendmentSearch:
    if not found:
        return AmendmentSearch((), None, (), unreachable, complete)
    utilities = np.stack([utils for _, _, utils in found])  # (n_found, n_actors)
    keep = pareto_mask(utilities)
    losses = base_utils[None, :] - utilities
    author_loss = losses[:, authors].max(axis=1) if authors.size else np.zeros(len(found))
    worst_loss = losses.max(axis=1)
    order = sorted(
        np.flatnonzero(keep).tolist(),
        key=lambda k: (
            round(float(author_loss[k]), 12),
            round(float(worst_loss[k]), 12),
            round(found[k][0], 12),
            found[k][1].tolist(),
        ),
    )
    chosen = tuple(
        Amendment(
            deal=freeze(found[k][1]),
            changed=freeze(np.flatnonzero(found[k][1] != base).astype(np.intp)),
            utilities=freeze(found[k][2]),
            moved=found[k][0],
            author_loss=float(author_loss[k]),
            worst_loss=float(worst_loss[k]),
        )
        for k in order[:limit]
    )
    return AmendmentSearch(
        chosen,
        size,
        (),
        unreachable,
        complete,
        dominated=int((~keep).sum()),
        found=len(found),
    )
