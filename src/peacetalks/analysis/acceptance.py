"""Acceptance under uncertainty: how likely each actor accepts a deal, and what decides it.

The stated ranges of ideal points, saliences and reservation values are drawn together
(one draw of every input per run, the same draws for every actor and every deal, so that
joint acceptance and comparisons between deals are right). In each run an actor's utility
of a deal is recomputed from the drawn inputs (utilities that the file gives option by
option stay as given; only their weights move with the saliences), and the actor accepts
when the deal crosses none of its red lines (red lines are hard: they are never drawn)
and its utility is at least its drawn reservation. A deal passes in a run when every veto
holder accepts it there.

Which input decides a verdict is measured two ways: one at a time, each input is set to
the low and to the high end of its range with every other input at its stated value, and
the verdict is recomputed (does the range flip it?); and from the Monte Carlo itself, the
share of runs in which the deal passes when the input was drawn in the upper half of its
draws, minus the share when it was drawn in the lower half (how much it moves ``p_pass``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.sampling import Distribution, draw_in_ranges
from peacetalks.errors import ParameterError

__all__ = [
    "AcceptanceInputs",
    "InputEffect",
    "acceptance_draws",
    "draw_acceptance_inputs",
    "input_effects",
    "point_inputs",
    "utility_bounds",
    "utility_draws",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# Bound on runs x actors x deals held at once; larger batches of deals are chunked.
_MAX_CELLS = 4_000_000


@dataclass(frozen=True, eq=False)
class AcceptanceInputs:
    """One set of inputs per run.

    Attributes
    ----------
    ideal_points : ndarray of shape (n_runs, n_actors, n_issues)
        NaN where an actor has no position.
    saliences : ndarray of shape (n_runs, n_actors, n_issues)
        As drawn (0-1), 0 where no position.
    reservations : ndarray of shape (n_runs, n_actors)
    """

    ideal_points: FloatArray
    saliences: FloatArray
    reservations: FloatArray

    @property
    def n_runs(self) -> int:
        """Return the number of runs."""
        return int(self.reservations.shape[0])

    def upper_half(self, kind: str) -> BoolArray:
        """Return where each input was drawn above its median (computed once per kind).

        Parameters
        ----------
        kind : {"reservation", "ideal", "salience"}

        Returns
        -------
        ndarray of bool, shape (n_runs, n_actors) or (n_runs, n_actors, n_issues)
        """
        cache: dict[str, BoolArray] = self.__dict__.setdefault("_upper", {})
        if kind not in cache:
            values = {
                "reservation": self.reservations,
                "ideal": self.ideal_points,
                "salience": self.saliences,
            }[kind]
            with np.errstate(invalid="ignore"):
                cache[kind] = values > _median_of_runs(values)
        return cache[kind]

    @functools.cached_property
    def weights(self) -> FloatArray:
        """Return the saliences normalised to sum to 1 per actor and run."""
        totals = self.saliences.sum(axis=2, keepdims=True)
        result: FloatArray = np.divide(
            self.saliences, totals, out=np.zeros_like(self.saliences), where=totals > 0
        )
        return result


def _median_of_runs(values: FloatArray) -> FloatArray:
    """Return the median over axis 0 with that axis kept, as ``np.median`` gives it.

    Written with ``np.partition`` because ``np.median`` imports ``numpy.ma`` (10 ms of
    every command's start-up) to check for masked arrays. A column holding a NaN has a
    NaN median, as with ``np.median``.

    Parameters
    ----------
    values : ndarray of shape (n_runs, ...)

    Returns
    -------
    ndarray of shape (1, ...)
    """
    n = values.shape[0]
    low, high = (n - 1) // 2, n // 2
    part = np.partition(values, [low, high], axis=0)
    median: FloatArray = (part[low] + part[high]) / 2
    median[np.isnan(values).any(axis=0)] = np.nan
    return median[None]


def point_inputs(
    ideal_points: FloatArray, saliences: FloatArray, reservations: FloatArray
) -> AcceptanceInputs:
    """Return the stated values as a single run.

    Parameters
    ----------
    ideal_points, saliences : ndarray of shape (n_actors, n_issues)
    reservations : ndarray of shape (n_actors,)
    """
    return AcceptanceInputs(
        ideal_points=np.asarray(ideal_points, dtype=np.float64)[None],
        saliences=np.asarray(saliences, dtype=np.float64)[None],
        reservations=np.asarray(reservations, dtype=np.float64)[None],
    )


def draw_acceptance_inputs(
    ideal_points: FloatArray,
    position_ranges: FloatArray,
    saliences: FloatArray,
    salience_ranges: FloatArray,
    reservations: FloatArray,
    reservation_ranges: FloatArray,
    n_runs: int,
    *,
    rng: np.random.Generator | int | None = None,
    distribution: Distribution = "triangular",
) -> AcceptanceInputs:
    """Draw every uncertain input of every actor together, ``n_runs`` times.

    Parameters
    ----------
    ideal_points : ndarray of shape (n_actors, n_issues)
    position_ranges : ndarray of shape (n_actors, n_issues, 2)
    saliences : ndarray of shape (n_actors, n_issues)
    salience_ranges : ndarray of shape (n_actors, n_issues, 2)
    reservations : ndarray of shape (n_actors,)
    reservation_ranges : ndarray of shape (n_actors, 2)
    n_runs : int
        1 to 1,000,000.
    rng : numpy.random.Generator, int or None
        The seed; the same seed gives the same draws.
    distribution : {"triangular", "uniform"}

    Returns
    -------
    AcceptanceInputs
    """
    if isinstance(n_runs, bool) or not isinstance(n_runs, int) or not 1 <= n_runs <= 1_000_000:
        msg = (
            "The 'n_runs' parameter of draw_acceptance_inputs must be an int in [1, 1000000]. "
            f"Got {n_runs!r} instead."
        )
        raise ParameterError(msg, parameter="n_runs", value=n_runs)
    generator = np.random.default_rng(rng)
    ideals = draw_in_ranges(generator, ideal_points, position_ranges, n_runs, distribution)
    drawn_saliences = draw_in_ranges(generator, saliences, salience_ranges, n_runs, distribution)
    drawn_reservations = draw_in_ranges(
        generator, reservations, reservation_ranges, n_runs, distribution
    )
    return AcceptanceInputs(
        ideal_points=ideals,
        saliences=np.clip(drawn_saliences, 0.0, 1.0),
        reservations=np.clip(drawn_reservations, 0.0, 1.0),
    )


def utility_draws(
    inputs: AcceptanceInputs,
    option_positions: FloatArray,
    utilities: FloatArray,
    derived: BoolArray,
    quadratic: BoolArray,
    deals: IntArray,
) -> FloatArray:
    """Return each actor's utility of each deal in each run.

    Parameters
    ----------
    inputs : AcceptanceInputs
    option_positions : ndarray of shape (n_issues, max_options)
    utilities : ndarray of shape (n_actors, n_issues, max_options)
        The stated option utilities (used where ``derived`` is False).
    derived : ndarray of shape (n_actors, n_issues)
        True where utilities follow from the distance to the ideal point.
    quadratic : ndarray of shape (n_actors, n_issues)
    deals : ndarray of shape (n_deals, n_issues)
        Option indices.

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_deals)
    """
    weights = inputs.weights
    n_runs, n_actors, n_issues = weights.shape
    result = np.zeros((n_runs, n_actors, deals.shape[0]))
    for i in range(n_issues):
        chosen = deals[:, i]
        x = option_positions[i, chosen]  # (n_deals,)
        given = utilities[:, i, chosen]  # (n_actors, n_deals)
        if derived[:, i].any():
            distance = np.abs(x[None, None, :] - inputs.ideal_points[:, :, i, None]) / 100.0
            # The same numbers as the general form, skipping what no actor needs.
            if quadratic[:, i].any():
                curve = np.where(quadratic[None, :, i, None], 1.0 - distance**2, 1.0 - distance)
            else:
                curve = 1.0 - distance
            if derived[:, i].all():
                values = curve
            else:
                values = np.where(derived[None, :, i, None], curve, given[None])
        else:
            values = np.broadcast_to(given[None], (n_runs, n_actors, deals.shape[0]))
        # An actor with no position on the issue has weight 0 there (and a NaN ideal).
        result += np.where(weights[:, :, i, None] > 0, weights[:, :, i, None] * values, 0.0)
    return result


def acceptance_draws(
    inputs: AcceptanceInputs,
    option_positions: FloatArray,
    utilities: FloatArray,
    derived: BoolArray,
    quadratic: BoolArray,
    red_lines: BoolArray,
    deals: npt.ArrayLike,
    *,
    tol: float = 1e-12,
) -> BoolArray:
    """Return whether each actor accepts each deal in each run.

    Parameters
    ----------
    inputs : AcceptanceInputs
    option_positions : ndarray of shape (n_issues, max_options)
    utilities : ndarray of shape (n_actors, n_issues, max_options)
    derived, quadratic : ndarray of shape (n_actors, n_issues)
    red_lines : ndarray of shape (n_actors, n_issues, max_options)
    deals : array-like of shape (n_deals, n_issues) or (n_issues,)
    tol : float
        A utility this far below the reservation still counts as meeting it (as in
        :func:`peacetalks.analysis.evaluate.evaluate_deal`).

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_deals)
    """
    indices = np.atleast_2d(np.asarray(deals, dtype=np.int64))
    n_issues = option_positions.shape[0]
    if indices.ndim != 2 or indices.shape[1] != n_issues:
        msg = (
            f"The 'deals' parameter of acceptance_draws must have shape (n_deals, {n_issues}). "
            f"Got shape {indices.shape} instead."
        )
        raise ParameterError(msg, parameter="deals", value=indices.shape)
    crossed: BoolArray = np.asarray(
        red_lines[:, np.arange(n_issues)[None, :], indices].any(axis=2)
    )  # (n_actors, n_deals)
    n_runs, n_actors = inputs.reservations.shape
    per_chunk = max(1, _MAX_CELLS // max(1, n_runs * n_actors))
    out = np.empty((n_runs, n_actors, indices.shape[0]), dtype=bool)
    for start in range(0, indices.shape[0], per_chunk):
        stop = min(start + per_chunk, indices.shape[0])
        values = utility_draws(
            inputs, option_positions, utilities, derived, quadratic, indices[start:stop]
        )
        out[:, :, start:stop] = (values >= inputs.reservations[:, :, None] - tol) & ~crossed[
            None, :, start:stop
        ]
    return out


def _ratio_extreme(values: FloatArray, low: FloatArray, high: FloatArray, *, lowest: bool) -> float:
    """Return the min (or max) of sum(s * v) / sum(s) over s in the box [low, high].

    A linear-fractional function attains its extremes at a vertex where the weights of the
    values below the optimum (above it, for the max) are at their high end and the others
    at their low end; trying every split of the sorted values finds it exactly.
    """
    order = np.argsort(values if lowest else -values)
    v, lo, hi = values[order], low[order], high[order]
    best = np.inf if lowest else -np.inf
    for k in range(v.size + 1):
        s = np.concatenate([hi[:k], lo[k:]])
        total = s.sum()
        # Every weight can be 0 at this vertex: the actor's utility is 0 then.
        candidate = 0.0 if total <= 0 else float((s * v).sum() / total)
        best = min(best, candidate) if lowest else max(best, candidate)
    return float(best)


def utility_bounds(
    option_positions: FloatArray,
    utilities: FloatArray,
    derived: BoolArray,
    quadratic: BoolArray,
    position_ranges: FloatArray,
    salience_ranges: FloatArray,
    deal: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """Return each actor's lowest and highest utility of a deal over the stated ranges.

    Exact over every ideal point and salience within its range (saliences clipped to
    [0, 1], as drawn), so that a verdict the ranges cannot change is known to be certain.

    Parameters
    ----------
    option_positions : ndarray of shape (n_issues, max_options)
    utilities : ndarray of shape (n_actors, n_issues, max_options)
    derived, quadratic : ndarray of shape (n_actors, n_issues)
    position_ranges, salience_ranges : ndarray of shape (n_actors, n_issues, 2)
    deal : ndarray of shape (n_issues,)

    Returns
    -------
    low, high : ndarray of shape (n_actors,)
    """
    n_actors, n_issues = derived.shape
    x = option_positions[np.arange(n_issues), deal]  # (n_issues,)
    given = utilities[:, np.arange(n_issues), deal]  # (n_actors, n_issues)
    lo_ideal, hi_ideal = position_ranges[..., 0], position_ranges[..., 1]
    nearest = np.clip(x[None, :], lo_ideal, hi_ideal)
    near = np.abs(x[None, :] - nearest) / 100.0
    far = np.maximum(np.abs(x[None, :] - lo_ideal), np.abs(x[None, :] - hi_ideal)) / 100.0

    def curve(distance: FloatArray) -> FloatArray:
        result: FloatArray = np.where(quadratic, 1.0 - distance**2, 1.0 - distance)
        return result

    worst = np.where(derived, curve(far), given)
    best = np.where(derived, curve(near), given)
    s_lo = np.clip(salience_ranges[..., 0], 0.0, 1.0)
    s_hi = np.clip(salience_ranges[..., 1], 0.0, 1.0)
    low = np.empty(n_actors)
    high = np.empty(n_actors)
    for a in range(n_actors):
        keep = s_hi[a] > 0  # issues the actor has no weight on never count
        worst_a = np.nan_to_num(worst[a, keep])
        best_a = np.nan_to_num(best[a, keep])
        low[a] = _ratio_extreme(worst_a, s_lo[a, keep], s_hi[a, keep], lowest=True)
        high[a] = _ratio_extreme(best_a, s_lo[a, keep], s_hi[a, keep], lowest=False)
    return low, high


@dataclass(frozen=True)
class InputEffect:
    """How one uncertain input bears on whether a deal passes.

    Attributes
    ----------
    kind : str
        ``reservation``, ``ideal`` or ``salience``.
    actor : int
    issue : int
        The issue's index, -1 for a reservation.
    low, high : float
        The stated range.
    passes_at_low, passes_at_high : bool
        The verdict with this input at each end of its range and every other input at its
        stated value.
    flips : bool
        True when the two ends give different verdicts, or either differs from the verdict
        at the stated values.
    effect : float
        Share of runs that pass when the input was drawn in the upper half of its draws
        minus the share when drawn in the lower half (0 without Monte Carlo runs).
    """

    kind: str
    actor: int
    issue: int
    low: float
    high: float
    passes_at_low: bool
    passes_at_high: bool
    flips: bool
    effect: float


def _perturbed(
    ideal_points: FloatArray,
    saliences: FloatArray,
    reservations: FloatArray,
    candidates: list[tuple[str, int, int, float, float]],
) -> AcceptanceInputs:
    """Return the stated values, then each candidate at its low end and its high end."""
    n = 1 + 2 * len(candidates)
    ideals = np.repeat(ideal_points[None], n, axis=0)
    sals = np.repeat(saliences[None], n, axis=0)
    res = np.repeat(reservations[None], n, axis=0)
    kinds = np.array([c[0] for c in candidates])
    actors = np.array([c[1] for c in candidates], dtype=np.intp)
    issues = np.array([c[2] for c in candidates], dtype=np.intp)
    # Run 1 + 2k holds candidate k at its low end, run 2 + 2k at its high end.
    runs = np.concatenate((1 + 2 * np.arange(len(candidates)), 2 + 2 * np.arange(len(candidates))))
    values = np.array([c[3] for c in candidates] + [c[4] for c in candidates])
    kinds, actors, issues = (np.tile(x, 2) for x in (kinds, actors, issues))
    for kind, target in (("ideal", ideals), ("salience", sals)):
        at = kinds == kind
        target[runs[at], actors[at], issues[at]] = values[at]
    at = kinds == "reservation"
    res[runs[at], actors[at]] = values[at]
    return AcceptanceInputs(ideals, sals, res)


def input_effects(
    ideal_points: FloatArray,
    position_ranges: FloatArray,
    saliences: FloatArray,
    salience_ranges: FloatArray,
    reservations: FloatArray,
    reservation_ranges: FloatArray,
    option_positions: FloatArray,
    utilities: FloatArray,
    derived: BoolArray,
    quadratic: BoolArray,
    red_lines: BoolArray,
    veto: BoolArray,
    deal: IntArray,
    *,
    draws: AcceptanceInputs | None = None,
    passes: BoolArray | None = None,
    tol: float = 1e-12,
) -> list[InputEffect]:
    """Return the effect of every uncertain input of the veto holders on one deal's verdict.

    Parameters
    ----------
    ideal_points, saliences : ndarray of shape (n_actors, n_issues)
    position_ranges, salience_ranges : ndarray of shape (n_actors, n_issues, 2)
    reservations : ndarray of shape (n_actors,)
    reservation_ranges : ndarray of shape (n_actors, 2)
    option_positions : ndarray of shape (n_issues, max_options)
    utilities, red_lines : ndarray of shape (n_actors, n_issues, max_options)
    derived, quadratic : ndarray of shape (n_actors, n_issues)
    veto : ndarray of shape (n_actors,)
    deal : ndarray of shape (n_issues,)
    draws : AcceptanceInputs, optional
        The Monte Carlo's draws, for the ``effect`` of each input.
    passes : ndarray of shape (n_runs,), optional
        Whether the deal passed in each of those runs.
    tol : float

    Returns
    -------
    list of InputEffect
        In the order veto holders, then reservation, ideal points and saliences by issue;
        only inputs with a range of positive width (ideal points only where they move the
        utilities).
    """
    candidates: list[tuple[str, int, int, float, float]] = []
    for a in (int(k) for k in np.flatnonzero(veto)):
        low, high = reservation_ranges[a]
        if high > low:
            candidates.append(("reservation", int(a), -1, float(low), float(high)))
        for i in range(ideal_points.shape[1]):
            if saliences[a, i] <= 0 and salience_ranges[a, i, 1] <= 0:
                continue
            low, high = position_ranges[a, i]
            if derived[a, i] and high > low:
                candidates.append(("ideal", int(a), i, float(low), float(high)))
            low, high = salience_ranges[a, i]
            if high > low:
                candidates.append(("salience", int(a), i, float(low), float(high)))
    if not candidates:
        return []
    trial = _perturbed(ideal_points, saliences, reservations, candidates)
    accepted = acceptance_draws(
        trial, option_positions, utilities, derived, quadratic, red_lines, deal[None, :], tol=tol
    )[:, :, 0]
    verdicts: BoolArray = np.asarray(accepted[:, veto].all(axis=1))
    stated = bool(verdicts[0])
    shifts = np.zeros(len(candidates))
    if draws is not None and passes is not None:
        # Share passing among the runs that drew each input above its median, minus
        # the share among the others: one product over all inputs at once.
        upper = np.column_stack(
            [
                draws.upper_half(kind)[:, a]
                if kind == "reservation"
                else draws.upper_half(kind)[:, a, i]
                for kind, a, i, _, _ in candidates
            ]
        ).astype(np.float64)
        n_upper = upper.sum(axis=0)
        n_lower = upper.shape[0] - n_upper
        passed = passes.astype(np.float64)
        passed_upper = passed @ upper
        with np.errstate(invalid="ignore", divide="ignore"):
            split = (n_upper > 0) & (n_lower > 0)
            shifts = np.where(
                split, passed_upper / n_upper - (passed.sum() - passed_upper) / n_lower, 0.0
            )
    effects = []
    for k, (kind, a, i, low, high) in enumerate(candidates):
        at_low, at_high = bool(verdicts[1 + 2 * k]), bool(verdicts[2 + 2 * k])
        shift = float(shifts[k])
        effects.append(
            InputEffect(
                kind=kind,
                actor=a,
                issue=i,
                low=low,
                high=high,
                passes_at_low=at_low,
                passes_at_high=at_high,
                flips=at_low != at_high or at_low != stated,
                effect=shift,
            )
        )
    return effects
