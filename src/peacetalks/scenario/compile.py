"""Compile a :class:`Scenario` into the arrays that every analysis works on.

Axes: actors in file order, issues in file order, options in each issue's order,
padded to the largest issue (``max_options``); padding is marked by ``option_mask``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.errors import Problem, ScenarioError
from peacetalks.scenario.models import Position, Scenario

__all__ = ["CompiledScenario", "compile_scenario", "option_utilities"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def option_utilities(
    option_positions: FloatArray, ideal: float, *, curve: str = "linear"
) -> FloatArray:
    """Return the utility of each option from its distance to the ideal point.

    Parameters
    ----------
    option_positions : ndarray of shape (n_options,)
        Options on the 0-100 scale.
    ideal : float
        The actor's ideal point on the same scale.
    curve : {"linear", "quadratic"}
        ``1 - d/100`` or ``1 - (d/100)**2`` for the distance ``d``.

    Returns
    -------
    ndarray of shape (n_options,)
        Utilities in [0, 1].
    """
    distance = np.abs(option_positions - ideal) / 100.0
    if curve == "quadratic":
        return 1.0 - distance**2
    return 1.0 - distance


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario as arrays.

    Attributes
    ----------
    actor_ids, issue_ids : tuple of str
    option_ids : tuple of tuple of str
        Option ids per issue.
    option_counts : ndarray of shape (n_issues,)
    option_mask : ndarray of shape (n_issues, max_options)
        True where an option exists.
    option_positions : ndarray of shape (n_issues, max_options)
        Positions on the 0-100 scale; NaN on padding.
    utilities : ndarray of shape (n_actors, n_issues, max_options)
        Each actor's utility (0-1) of each option; 0 where the actor has no position
        (its weight there is 0) and on padding.
    saliences : ndarray of shape (n_actors, n_issues)
        Saliences as given (0 where no position).
    weights : ndarray of shape (n_actors, n_issues)
        Saliences normalised to sum to 1 per actor.
    has_position : ndarray of shape (n_actors, n_issues)
    ideal_points : ndarray of shape (n_actors, n_issues)
        NaN where no position.
    position_ranges, salience_ranges : ndarray of shape (n_actors, n_issues, 2)
        Low and high of the uncertainty ranges (the point value at both ends when none).
    capabilities, reservations : ndarray of shape (n_actors,)
    capability_ranges, reservation_ranges : ndarray of shape (n_actors, 2)
        Low and high of the ranges (the point value at both ends when none).
    derived : ndarray of shape (n_actors, n_issues)
        True where the utilities follow from the distance to the ideal point (so that they
        move with it), False where the file gives them or there is no position.
    quadratic : ndarray of shape (n_actors, n_issues)
        True where a derived utility uses the quadratic curve.
    veto : ndarray of shape (n_actors,)
    red_lines : ndarray of shape (n_actors, n_issues, max_options)
        True where an option crosses the actor's red line.
    default_options : ndarray of shape (n_issues,)
        Index of each issue's default option, -1 when none.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    option_counts: IntArray
    option_mask: BoolArray
    option_positions: FloatArray
    utilities: FloatArray
    saliences: FloatArray
    weights: FloatArray
    has_position: BoolArray
    ideal_points: FloatArray
    position_ranges: FloatArray
    salience_ranges: FloatArray
    capabilities: FloatArray
    capability_ranges: FloatArray
    reservations: FloatArray
    reservation_ranges: FloatArray
    derived: BoolArray
    quadratic: BoolArray
    veto: BoolArray
    red_lines: BoolArray
    default_options: IntArray

    @property
    def n_actors(self) -> int:
        """Return the number of actors."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Return the number of issues."""
        return len(self.issue_ids)

    @property
    def weighted_utilities(self) -> FloatArray:
        """Return ``weights * utilities``, of shape (n_actors, n_issues, max_options).

        An actor's utility of a deal is the sum over issues of these entries.
        """
        return self.weights[:, :, None] * self.utilities

    def tables(self) -> list[FloatArray]:
        """Return per issue the weighted utilities, each of shape (n_actors, n_options_i)."""
        weighted = self.weighted_utilities
        return [weighted[:, i, :count].copy() for i, count in enumerate(self.option_counts)]

    def admissible(self) -> list[BoolArray]:
        """Return per issue which options cross no red line, each (n_actors, n_options_i)."""
        return [~self.red_lines[:, i, :count] for i, count in enumerate(self.option_counts)]

    def deal_indices(self, deal: Mapping[str, str]) -> tuple[IntArray, tuple[str, ...]]:
        """Return the option index per issue of a deal, filling gaps with defaults.

        Parameters
        ----------
        deal : mapping of str to str
            Issue id to option id, for the issues the deal addresses.

        Returns
        -------
        indices : ndarray of shape (n_issues,)
        defaulted : tuple of str
            Ids of the issues that fell back to their default option.

        Raises
        ------
        ScenarioError
            If the deal names an unknown issue or option, or leaves out an issue that has
            no default option.
        """
        problems: list[Problem] = []
        for issue_id, option_id in deal.items():
            if issue_id not in self.issue_ids:
                msg = f"unknown issue {issue_id!r}. Expected one of: {', '.join(self.issue_ids)}."
                problems.append(Problem(f"deal.{issue_id}", msg))
            else:
                known = self.option_ids[self.issue_ids.index(issue_id)]
                if option_id not in known:
                    msg = (
                        f"unknown option {option_id!r} of issue {issue_id!r}. "
                        f"Expected one of: {', '.join(known)}."
                    )
                    problems.append(Problem(f"deal.{issue_id}", msg))
        indices = np.empty(self.n_issues, dtype=np.int64)
        defaulted = []
        for i, issue_id in enumerate(self.issue_ids):
            if issue_id in deal:
                if deal[issue_id] in self.option_ids[i]:
                    indices[i] = self.option_ids[i].index(deal[issue_id])
            elif self.default_options[i] >= 0:
                indices[i] = self.default_options[i]
                defaulted.append(issue_id)
            else:
                msg = (
                    f"the deal does not address issue {issue_id!r}, which has no default "
                    f"option. Add '{issue_id}: <option id>' to the deal."
                )
                problems.append(Problem("deal", msg))
        if problems:
            raise ScenarioError(problems)
        return indices, tuple(defaulted)


def _position_utilities(
    position: Position, positions: FloatArray, ids: tuple[str, ...]
) -> FloatArray:
    if position.utilities is not None:
        return np.array([position.utilities[o] for o in ids], dtype=np.float64)
    return option_utilities(positions, position.ideal, curve=position.curve)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Compile a validated scenario into arrays.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    CompiledScenario
    """
    actor_ids = tuple(a.id for a in scenario.actors)
    issue_ids = tuple(i.id for i in scenario.issues)
    option_ids = tuple(tuple(o.id for o in issue.options) for issue in scenario.issues)
    counts = np.array([len(ids) for ids in option_ids], dtype=np.int64)
    n_actors, n_issues, width = len(actor_ids), len(issue_ids), int(counts.max())

    mask = np.arange(width)[None, :] < counts[:, None]
    option_positions = np.full((n_issues, width), np.nan)
    default_options = np.full(n_issues, -1, dtype=np.int64)
    for i, issue in enumerate(scenario.issues):
        option_positions[i, : counts[i]] = [o.position for o in issue.options]
        if issue.default is not None:
            default_options[i] = option_ids[i].index(issue.default)

    utilities = np.zeros((n_actors, n_issues, width))
    saliences = np.zeros((n_actors, n_issues))
    ideal_points = np.full((n_actors, n_issues), np.nan)
    position_ranges = np.full((n_actors, n_issues, 2), np.nan)
    salience_ranges = np.zeros((n_actors, n_issues, 2))
    red_lines = np.zeros((n_actors, n_issues, width), dtype=bool)
    has_position = np.zeros((n_actors, n_issues), dtype=bool)
    derived = np.zeros((n_actors, n_issues), dtype=bool)
    quadratic = np.zeros((n_actors, n_issues), dtype=bool)
    actor_index = {a: k for k, a in enumerate(actor_ids)}
    issue_index = {i: k for k, i in enumerate(issue_ids)}
    for position in scenario.positions:
        a, i = actor_index[position.actor], issue_index[position.issue]
        count = counts[i]
        has_position[a, i] = True
        derived[a, i] = position.utilities is None
        quadratic[a, i] = position.curve == "quadratic"
        utilities[a, i, :count] = _position_utilities(
            position, option_positions[i, :count], option_ids[i]
        )
        saliences[a, i] = position.salience
        ideal_points[a, i] = position.ideal
        unc = position.uncertainty
        position_ranges[a, i] = (
            unc.position if unc is not None and unc.position is not None else position.ideal
        )
        salience_ranges[a, i] = (
            unc.salience if unc is not None and unc.salience is not None else position.salience
        )
        for option_id in position.red_lines:
            red_lines[a, i, option_ids[i].index(option_id)] = True

    totals = saliences.sum(axis=1, keepdims=True)
    weights = np.divide(saliences, totals, out=np.zeros_like(saliences), where=totals > 0)
    capabilities = np.array([a.capability for a in scenario.actors], dtype=np.float64)
    capability_ranges = np.array(
        [
            a.uncertainty.capability
            if a.uncertainty is not None and a.uncertainty.capability is not None
            else (a.capability, a.capability)
            for a in scenario.actors
        ],
        dtype=np.float64,
    ).reshape(n_actors, 2)
    reservations = np.array([a.reservation for a in scenario.actors], dtype=np.float64)
    reservation_ranges = np.array(
        [
            a.uncertainty.reservation
            if a.uncertainty is not None and a.uncertainty.reservation is not None
            else (a.reservation, a.reservation)
            for a in scenario.actors
        ],
        dtype=np.float64,
    ).reshape(n_actors, 2)
    compiled = CompiledScenario(
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        option_ids=option_ids,
        option_counts=counts,
        option_mask=mask,
        option_positions=option_positions,
        utilities=utilities,
        saliences=saliences,
        weights=weights,
        has_position=has_position,
        ideal_points=ideal_points,
        position_ranges=position_ranges,
        salience_ranges=salience_ranges,
        capabilities=capabilities,
        capability_ranges=capability_ranges,
        reservations=reservations,
        reservation_ranges=reservation_ranges,
        derived=derived,
        quadratic=quadratic,
        veto=np.array([a.veto for a in scenario.actors], dtype=bool),
        red_lines=red_lines,
        default_options=default_options,
    )
    for array in vars(compiled).values():
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
    return compiled
