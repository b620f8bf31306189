"""The deals a negotiation runs over, and each party's private view of them.

A :class:`NegotiationSpace` holds the candidate deals, every party's utility of each and
which deals each party may accept. Only the mechanism holds it whole; each negotiator is
handed its own :class:`Preferences` (its row, pre-sorted once), never the others'.

Deal-space bound: when the product of the option counts is at most ``max_deals``
(default 1,000,000) every deal is enumerated. Above that the candidates are every deal
that some party could sensibly offer, whether or not the others accept it:

- the Pareto front of the whole deal space in the deciders' utilities (the veto holders,
  or every party when nobody holds a veto): a deal off it could be improved for every
  party whose acceptance an agreement needs;
- the same front among the deals every decider could accept (no red line crossed,
  reservation met), where any agreement must lie;
- each party's own best deal within its red lines (a hardliner's opening offer).

So offers are not limited to deals the others already accept, and talks can fail. When
every party decides, the first set is the exact Pareto front of the whole space. When only
some do, fronts in every party's utilities are not computed: in seven or more dimensions
they hold a hundred thousand deals and more and take seconds to find, where the deciders'
fronts (four dimensions on ``ukraine-2025``) take a tenth of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.pareto import (
    ParetoFront,
    additive_utilities,
    enumerate_deals,
    pareto_front,
    unique_deals,
)
from peacetalks.errors import ParameterError
from peacetalks.scenario.compile import CompiledScenario

__all__ = ["NegotiationSpace", "Preferences", "negotiation_space", "scenario_space"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

MAX_DEALS = 1_000_000
_TOL = 1e-12


def _read_only(array: npt.NDArray[np.generic]) -> None:
    array.setflags(write=False)


@dataclass(frozen=True, eq=False)
class Preferences:
    """One party's private preferences over the candidate deals, sorted once.

    Attributes
    ----------
    utilities : ndarray of shape (n_deals,)
        The party's utility of each candidate deal.
    acceptable : ndarray of shape (n_deals,)
        True where the deal crosses none of the party's red lines and gives it at least
        its reservation.
    reservation : float
        Utility of no deal.
    order : ndarray of shape (n_acceptable,)
        Acceptable deals from best to worst for the party; all deals when none is
        acceptable.
    sorted_utilities : ndarray of shape (n_acceptable,)
        ``utilities[order]``, non-increasing.
    best : float
        The party's highest utility among its candidate deals.
    """

    utilities: FloatArray
    acceptable: BoolArray
    reservation: float
    order: IntArray = field(init=False)
    sorted_utilities: FloatArray = field(init=False)
    best: float = field(init=False)
    _keys: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pool = np.flatnonzero(self.acceptable)
        if pool.size == 0:
            pool = np.arange(self.utilities.shape[0])
        order = pool[np.argsort(-self.utilities[pool], kind="stable")].astype(np.intp)
        sorted_utilities = self.utilities[order]
        for array in (self.utilities, self.acceptable, order, sorted_utilities):
            _read_only(array)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "sorted_utilities", sorted_utilities)
        object.__setattr__(self, "best", float(sorted_utilities[0]))
        # Negated once here so that at_least is a bare binary search.
        keys = -sorted_utilities
        _read_only(keys)
        object.__setattr__(self, "_keys", keys)

    def at_least(self, level: float) -> int:
        """Return how many of the sorted candidates give at least ``level``."""
        return int(self._keys.searchsorted(_TOL - level, side="right"))


@dataclass(frozen=True, eq=False)
class NegotiationSpace:
    """Candidate deals with every party's utility; held by the mechanism only.

    Attributes
    ----------
    deals : ndarray of shape (n_deals, n_issues)
        Option index per issue of each candidate deal.
    utilities : ndarray of shape (n_actors, n_deals)
    acceptable : ndarray of shape (n_actors, n_deals)
        True where the actor may accept the deal (no red line, reservation met).
    reservations : ndarray of shape (n_actors,)
    veto : ndarray of shape (n_actors,)
        True for the parties whose acceptance an agreement needs (see ``deciders``).
    option_counts : tuple of int
    actor_ids, issue_ids : tuple of str
    option_ids : tuple of tuple of str
    is_exhaustive : bool
        True when ``deals`` is the whole deal space.
    """

    deals: IntArray
    utilities: FloatArray
    acceptable: BoolArray
    reservations: FloatArray
    veto: BoolArray
    option_counts: tuple[int, ...]
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    is_exhaustive: bool
    _preferences: dict[int, Preferences] = field(default_factory=dict, repr=False)

    @property
    def deciders(self) -> BoolArray:
        """Return which parties must accept a deal for it to be agreed, shape (n_actors,).

        The veto holders; every party when nobody holds a veto.
        """
        return self.veto if bool(self.veto.any()) else np.ones_like(self.veto)

    @property
    def n_actors(self) -> int:
        """Return the number of parties."""
        return int(self.utilities.shape[0])

    @property
    def n_deals(self) -> int:
        """Return the number of candidate deals."""
        return int(self.deals.shape[0])

    def preferences(self, actor: int) -> Preferences:
        """Return actor ``actor``'s private preferences, sorted on first use and cached."""
        if not 0 <= actor < self.n_actors:
            msg = (
                "The 'actor' parameter of NegotiationSpace.preferences must be an int in "
                f"[0, {self.n_actors - 1}]. Got {actor!r} instead."
            )
            raise ParameterError(msg, parameter="actor", value=actor)
        if actor not in self._preferences:
            self._preferences[actor] = Preferences(
                self.utilities[actor].copy(),
                self.acceptable[actor].copy(),
                float(self.reservations[actor]),
            )
        return self._preferences[actor]

    def deal_options(self, deal: int) -> dict[str, str]:
        """Return candidate deal ``deal`` as a mapping of issue id to option id."""
        row = self.deals[deal]
        return {issue: self.option_ids[i][int(row[i])] for i, issue in enumerate(self.issue_ids)}


def _labels(given: Sequence[str] | None, count: int) -> tuple[str, ...]:
    return tuple(given) if given is not None else tuple(str(k) for k in range(count))


def negotiation_space(
    tables: Sequence[npt.ArrayLike],
    *,
    reservations: npt.ArrayLike | None = None,
    admissible: Sequence[npt.ArrayLike] | None = None,
    veto: npt.ArrayLike | None = None,
    actor_ids: Sequence[str] | None = None,
    issue_ids: Sequence[str] | None = None,
    option_ids: Sequence[Sequence[str]] | None = None,
    max_deals: int = MAX_DEALS,
    front: ParetoFront | None = None,
) -> NegotiationSpace:
    """Build the candidate deals of a negotiation from per-issue utility tables.

    Parameters
    ----------
    tables : sequence of array-like of shape (n_actors, n_options_i)
        Weighted utility of each option for each actor, one per issue.
    reservations : array-like of shape (n_actors,), optional
        Utility of no deal; zeros when omitted.
    admissible : sequence of bool array-like of shape (n_actors, n_options_i), optional
        False where an option crosses an actor's red line; all True when omitted.
    veto : bool array-like of shape (n_actors,), optional
        True for the parties whose acceptance an agreement needs; all True when omitted.
        When no party holds a veto, every party's acceptance is needed.
    actor_ids, issue_ids, option_ids : sequences of str, optional
        Labels; numbered when omitted.
    max_deals : int, default=1_000_000
        Largest deal space that is enumerated; above it the candidates are the deals of
        the module notes.
    front : ParetoFront, optional
        Used only above ``max_deals``, in place of the deciders' front of the whole space
        (module notes), when the caller has a front already (``pareto_front(tables)``
        keeps the candidates a superset of the whole space's front).

    Returns
    -------
    NegotiationSpace
    """
    checked = [np.asarray(t, dtype=np.float64) for t in tables]
    if not checked or any(t.ndim != 2 or t.shape[1] < 1 for t in checked):
        msg = (
            "The 'tables' parameter of negotiation_space must be a non-empty sequence of "
            "2-d arrays of shape (n_actors, n_options_i) with n_options_i >= 1. "
            f"Got shapes {[t.shape for t in checked]} instead."
        )
        raise ParameterError(msg, parameter="tables", value=tables)
    if isinstance(max_deals, bool) or not isinstance(max_deals, int) or max_deals < 1:
        msg = (
            "The 'max_deals' parameter of negotiation_space must be an int >= 1. "
            f"Got {max_deals!r} instead."
        )
        raise ParameterError(msg, parameter="max_deals", value=max_deals)
    n_actors = checked[0].shape[0]
    counts = tuple(int(t.shape[1]) for t in checked)
    floor = (
        np.zeros(n_actors)
        if reservations is None
        else np.asarray(reservations, dtype=np.float64).reshape(n_actors)
    )
    allowed = (
        [np.ones(t.shape, dtype=bool) for t in checked]
        if admissible is None
        else [np.asarray(a, dtype=bool) for a in admissible]
    )
    vetoes = (
        np.ones(n_actors, dtype=bool)
        if veto is None
        else np.asarray(veto, dtype=bool).reshape(n_actors)
    )
    total = int(np.prod(counts, dtype=object))
    exhaustive = total <= max_deals
    if exhaustive:
        deals = enumerate_deals(counts)
    else:
        deals = _offerable_deals(checked, floor, allowed, vetoes, front)
    utilities = np.ascontiguousarray(additive_utilities(checked, deals).T)
    acceptable = utilities >= floor[:, None] - _TOL
    for i, mask in enumerate(allowed):
        acceptable &= mask[:, deals[:, i]]
    for array in (deals, utilities, acceptable, floor, vetoes):
        _read_only(array)
    return NegotiationSpace(
        deals=deals,
        utilities=utilities,
        acceptable=acceptable,
        reservations=floor,
        veto=vetoes,
        option_counts=counts,
        actor_ids=tuple(actor_ids) if actor_ids is not None else tuple(map(str, range(n_actors))),
        issue_ids=tuple(issue_ids)
        if issue_ids is not None
        else tuple(map(str, range(len(counts)))),
        option_ids=(
            tuple(tuple(o) for o in option_ids)
            if option_ids is not None
            else tuple(tuple(map(str, range(c))) for c in counts)
        ),
        is_exhaustive=exhaustive,
    )


def _best_deals(tables: list[FloatArray], allowed: list[BoolArray]) -> IntArray:
    """Return each actor's best deal within its own red lines, shape (n_actors, n_issues).

    Utilities are additive, so that is the best admissible option of each issue; ties go
    to the option the others value most in sum.
    """
    n_actors = tables[0].shape[0]
    best = np.empty((n_actors, len(tables)), dtype=np.intp)
    for i, (table, mask) in enumerate(zip(tables, allowed, strict=True)):
        others = table.sum(axis=0)
        for k in range(n_actors):
            own = np.where(mask[k], table[k], -np.inf) if mask[k].any() else table[k]
            # lexsort sorts by its last key first: own utility, then the others'.
            best[k, i] = int(np.lexsort((-(others - table[k]), -own))[0])
    return best


def _offerable_deals(
    tables: list[FloatArray],
    reservations: FloatArray,
    allowed: list[BoolArray],
    veto: BoolArray,
    front: ParetoFront | None,
) -> IntArray:
    """Return the candidate deals of a space too large to enumerate (module notes)."""
    deciders = np.flatnonzero(veto if bool(veto.any()) else np.ones_like(veto))
    own = [t[deciders] for t in tables]
    whole = pareto_front(own) if front is None else front
    zopa = pareto_front(
        own,
        reservations=reservations[deciders],
        admissible=[mask[deciders] for mask in allowed],
        individually_rational=True,
    )
    parts = [whole.deals, zopa.deals, _best_deals(tables, allowed)]
    return unique_deals(np.concatenate(parts), [t.shape[1] for t in tables])


def scenario_space(
    compiled: CompiledScenario, *, max_deals: int = MAX_DEALS, front: ParetoFront | None = None
) -> NegotiationSpace:
    """Return the negotiation space of a compiled scenario (see :func:`negotiation_space`).

    The scenario's veto holders are the parties whose acceptance an agreement needs.
    """
    return negotiation_space(
        compiled.tables(),
        reservations=compiled.reservations,
        admissible=compiled.admissible(),
        veto=compiled.veto,
        actor_ids=compiled.actor_ids,
        issue_ids=compiled.issue_ids,
        option_ids=compiled.option_ids,
        max_deals=max_deals,
        front=front,
    )
