"""Evaluate deals: each actor's utility, acceptability, and who blocks and why.

Pure functions on the compiled arrays; a deal is an array of option indices, one per
issue. An actor's utility of a deal is the salience-weighted sum over issues of its
option utilities (weights sum to 1 per actor, so utilities stay in [0, 1]). A deal is
acceptable to an actor when it crosses none of the actor's red lines and its utility is
at least the actor's reservation value (its utility of no deal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError

__all__ = [
    "DealEvaluation",
    "blocking_issues",
    "deal_utilities",
    "evaluate_deal",
    "red_lines_crossed",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def _as_deals(deals: npt.ArrayLike, n_issues: int, counts: IntArray | None) -> IntArray:
    array = np.asarray(deals)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != n_issues:
        msg = (
            f"The 'deals' parameter must have shape (n_deals, {n_issues}) or ({n_issues},). "
            f"Got shape {np.shape(deals)} instead."
        )
        raise ParameterError(msg, parameter="deals", value=np.shape(deals))
    if not np.issubdtype(array.dtype, np.integer):
        msg = f"The 'deals' parameter must hold option indices (integers). Got {array.dtype}."
        raise ParameterError(msg, parameter="deals", value=array.dtype)
    if counts is not None and ((array < 0).any() or (array >= counts[None, :]).any()):
        msg = (
            "The 'deals' parameter holds an option index outside its issue's options "
            f"(counts {counts.tolist()}). Got {array.tolist()[:3]} instead."
        )
        raise ParameterError(msg, parameter="deals", value=array)
    return array.astype(np.int64, copy=False)


def deal_utilities(
    weighted_utilities: FloatArray, deals: npt.ArrayLike, *, option_counts: IntArray | None = None
) -> FloatArray:
    """Return each actor's utility of each deal.

    Parameters
    ----------
    weighted_utilities : ndarray of shape (n_actors, n_issues, max_options)
        Salience weight times option utility.
    deals : array-like of shape (n_deals, n_issues) or (n_issues,)
        Option index per issue.
    option_counts : ndarray of shape (n_issues,), optional
        Number of options per issue, to check the indices.

    Returns
    -------
    ndarray of shape (n_actors, n_deals)
    """
    n_issues = weighted_utilities.shape[1]
    indices = _as_deals(deals, n_issues, option_counts)
    gathered = weighted_utilities[:, np.arange(n_issues)[None, :], indices]
    result: FloatArray = gathered.sum(axis=2)
    return result


def red_lines_crossed(red_lines: BoolArray, deals: npt.ArrayLike) -> BoolArray:
    """Return which red lines each deal crosses.

    Parameters
    ----------
    red_lines : ndarray of shape (n_actors, n_issues, max_options)
    deals : array-like of shape (n_deals, n_issues) or (n_issues,)

    Returns
    -------
    ndarray of shape (n_actors, n_deals, n_issues)
    """
    n_issues = red_lines.shape[1]
    indices = _as_deals(deals, n_issues, None)
    crossed: BoolArray = red_lines[:, np.arange(n_issues)[None, :], indices]
    return crossed


@dataclass(frozen=True, eq=False)
class DealEvaluation:
    """How one deal fares with every actor.

    Attributes
    ----------
    deal : ndarray of shape (n_issues,)
        Option index per issue.
    utilities : ndarray of shape (n_actors,)
    reservations : ndarray of shape (n_actors,)
    issue_losses : ndarray of shape (n_actors, n_issues)
        Utility each actor gives up on each issue against its best option there.
    red_lines : ndarray of shape (n_actors, n_issues)
        True where the deal crosses the actor's red line on the issue.
    acceptable : ndarray of shape (n_actors,)
    veto : ndarray of shape (n_actors,)
    """

    deal: IntArray
    utilities: FloatArray
    reservations: FloatArray
    issue_losses: FloatArray
    red_lines: BoolArray
    acceptable: BoolArray
    veto: BoolArray

    @property
    def blockers(self) -> IntArray:
        """Return the indices of the veto holders that do not accept the deal."""
        blocking: IntArray = np.flatnonzero(self.veto & ~self.acceptable)
        return blocking

    @property
    def passes(self) -> bool:
        """Return whether every veto holder accepts the deal."""
        return bool(self.blockers.size == 0)

    @property
    def shortfalls(self) -> FloatArray:
        """Return how far each actor's utility falls below its reservation (0 if not)."""
        short: FloatArray = np.maximum(self.reservations - self.utilities, 0.0)
        return short


def evaluate_deal(
    weighted_utilities: FloatArray,
    red_lines: BoolArray,
    reservations: FloatArray,
    veto: BoolArray,
    deal: npt.ArrayLike,
    *,
    option_mask: BoolArray,
    tol: float = 1e-12,
) -> DealEvaluation:
    """Evaluate one deal for every actor.

    Parameters
    ----------
    weighted_utilities : ndarray of shape (n_actors, n_issues, max_options)
    red_lines : ndarray of shape (n_actors, n_issues, max_options)
    reservations : ndarray of shape (n_actors,)
    veto : ndarray of shape (n_actors,)
    deal : array-like of shape (n_issues,)
    option_mask : ndarray of shape (n_issues, max_options)
        True where an option exists.
    tol : float
        Utilities within ``tol`` below the reservation still count as acceptable, so that
        a deal worth exactly the reservation is accepted despite rounding.

    Returns
    -------
    DealEvaluation
    """
    counts = option_mask.sum(axis=1).astype(np.int64)
    indices = _as_deals(deal, weighted_utilities.shape[1], counts)
    if indices.shape[0] != 1:
        msg = f"The 'deal' parameter must be one deal. Got {indices.shape[0]} deals instead."
        raise ParameterError(msg, parameter="deal", value=indices.shape)
    utilities = deal_utilities(weighted_utilities, indices)[:, 0]
    best = np.where(option_mask[None, :, :], weighted_utilities, -np.inf).max(axis=2)
    chosen = weighted_utilities[:, np.arange(indices.shape[1]), indices[0]]
    crossed = red_lines_crossed(red_lines, indices)[:, 0, :]
    acceptable = ~crossed.any(axis=1) & (utilities >= reservations - tol)
    return DealEvaluation(
        deal=indices[0],
        utilities=utilities,
        reservations=np.asarray(reservations, dtype=np.float64),
        issue_losses=best - chosen,
        red_lines=crossed,
        acceptable=acceptable,
        veto=np.asarray(veto, dtype=bool),
    )


def blocking_issues(evaluation: DealEvaluation, actor: int, *, limit: int = 3) -> IntArray:
    """Return the issues that hurt an actor most in a deal, worst first.

    Issues whose red line the deal crosses come first; then issues by the utility the
    actor gives up there, largest first. Issues where it gives up nothing are left out.

    Parameters
    ----------
    evaluation : DealEvaluation
    actor : int
        Index of the actor.
    limit : int
        At most this many issues.

    Returns
    -------
    ndarray of shape (k,)
        Issue indices, ``k <= limit``.
    """
    crossed = evaluation.red_lines[actor]
    losses = evaluation.issue_losses[actor]
    # Rounded so that equal losses up to float noise keep the issues' order.
    order = np.lexsort((-np.round(losses, 12), ~crossed))
    keep = order[crossed[order] | (losses[order] > 1e-12)]
    result: IntArray = keep[:limit].astype(np.int64)
    return result
