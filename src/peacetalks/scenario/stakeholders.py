"""Stakeholder tables: actors' positions, saliences and capabilities per issue, as arrays.

The spatial forecasting models (compromise, median, expected utility, spatial model of
politics) need only this: where each actor stands on each issue's scale, how much it
cares, and how much clout it has. A table comes from a scenario (ideal points on the
0-100 scales) or from the files other tools use (BDM CSV, KTAB SMP CSV, DEU data).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["StakeholderTable", "stakeholders_from_scenario"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _check(result: npt.NDArray[np.generic], shape: tuple[int, ...], name: str) -> None:
    if result.shape != shape:
        msg = (
            f"The '{name}' field of StakeholderTable must have shape {shape}. "
            f"Got {result.shape} instead."
        )
        raise ParameterError(msg, parameter=name, value=result.shape)
    result.setflags(write=False)


def _floats(array: npt.ArrayLike, shape: tuple[int, ...], name: str) -> FloatArray:
    result: FloatArray = np.array(array, dtype=np.float64)
    _check(result, shape, name)
    return result


def _bools(array: npt.ArrayLike, shape: tuple[int, ...], name: str) -> BoolArray:
    result: BoolArray = np.array(array, dtype=np.bool_)
    _check(result, shape, name)
    return result


@dataclass(frozen=True, eq=False)
class StakeholderTable:
    """Positions, saliences and capabilities of actors on issues.

    Attributes
    ----------
    actor_ids : tuple of str
    issue_ids : tuple of str
    positions : ndarray of shape (n_actors, n_issues)
        Positions on each issue's scale; NaN where an actor takes no part in an issue.
    saliences : ndarray of shape (n_actors, n_issues)
        In [0, 1]; 0 where an actor takes no part.
    capabilities : ndarray of shape (n_actors,)
        Positive.
    scale : ndarray of shape (n_issues, 2)
        Low and high end of each issue's scale (0 and 100 for scenarios).
    reference : ndarray of shape (n_issues,)
        The status quo (reference point) per issue; NaN when unknown.
    outcome : ndarray of shape (n_issues,)
        The actual outcome, for backtests; NaN when unknown.
    veto : ndarray of shape (n_actors,)
        True for actors whose consent the outcome needs.
    position_ranges, salience_ranges : ndarray of shape (n_actors, n_issues, 2)
        Uncertainty ranges (low, high); equal to the point value where none is given.
    capability_ranges : ndarray of shape (n_actors, 2)
    name : str
        Label for messages and output.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    positions: FloatArray
    saliences: FloatArray
    capabilities: FloatArray
    scale: FloatArray
    reference: FloatArray
    outcome: FloatArray
    veto: BoolArray
    position_ranges: FloatArray
    salience_ranges: FloatArray
    capability_ranges: FloatArray
    name: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def n_actors(self) -> int:
        """Return the number of actors."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Return the number of issues."""
        return len(self.issue_ids)

    @property
    def takes_part(self) -> BoolArray:
        """Return which actor has a position on which issue, of shape (n_actors, n_issues)."""
        taking: BoolArray = ~np.isnan(self.positions)
        return taking

    @classmethod
    def build(
        cls,
        *,
        actor_ids: tuple[str, ...] | list[str],
        issue_ids: tuple[str, ...] | list[str],
        positions: npt.ArrayLike,
        saliences: npt.ArrayLike,
        capabilities: npt.ArrayLike,
        scale: npt.ArrayLike | None = None,
        reference: npt.ArrayLike | None = None,
        outcome: npt.ArrayLike | None = None,
        veto: npt.ArrayLike | None = None,
        position_ranges: npt.ArrayLike | None = None,
        salience_ranges: npt.ArrayLike | None = None,
        capability_ranges: npt.ArrayLike | None = None,
        name: str = "",
        notes: tuple[str, ...] = (),
    ) -> StakeholderTable:
        """Return a table, filling the optional fields with their neutral values.

        ``scale`` defaults to 0-100; ``reference`` and ``outcome`` to NaN; ``veto`` to
        False; the ranges to the point values.
        """
        n_a, n_i = len(actor_ids), len(issue_ids)
        pos = _floats(positions, (n_a, n_i), "positions")
        sal = _floats(saliences, (n_a, n_i), "saliences")
        cap = _floats(capabilities, (n_a,), "capabilities")
        nan_issues = np.full(n_i, np.nan)
        return cls(
            actor_ids=tuple(actor_ids),
            issue_ids=tuple(issue_ids),
            positions=pos,
            saliences=sal,
            capabilities=cap,
            scale=_floats(
                np.tile([0.0, 100.0], (n_i, 1)) if scale is None else scale,
                (n_i, 2),
                "scale",
            ),
            reference=_floats(nan_issues if reference is None else reference, (n_i,), "reference"),
            outcome=_floats(nan_issues if outcome is None else outcome, (n_i,), "outcome"),
            veto=_bools(np.zeros(n_a, bool) if veto is None else veto, (n_a,), "veto"),
            position_ranges=_floats(
                np.stack([pos, pos], axis=-1) if position_ranges is None else position_ranges,
                (n_a, n_i, 2),
                "position_ranges",
            ),
            salience_ranges=_floats(
                np.stack([sal, sal], axis=-1) if salience_ranges is None else salience_ranges,
                (n_a, n_i, 2),
                "salience_ranges",
            ),
            capability_ranges=_floats(
                np.stack([cap, cap], axis=-1) if capability_ranges is None else capability_ranges,
                (n_a, 2),
                "capability_ranges",
            ),
            name=name,
            notes=notes,
        )


def stakeholders_from_scenario(scenario: Scenario) -> StakeholderTable:
    """Return a scenario's ideal points, saliences and capabilities as a stakeholder table.

    Positions are the actors' ideal points on each issue's 0-100 scale (NaN where an actor
    has no position); the reference point of an issue is the position of its default
    option (the status quo), NaN when it has none.
    """
    compiled = compile_scenario(scenario)
    reference = np.array(
        [
            compiled.option_positions[i, d] if d >= 0 else np.nan
            for i, d in enumerate(compiled.default_options)
        ]
    )
    saliences = np.where(compiled.has_position, compiled.saliences, 0.0)
    return StakeholderTable.build(
        actor_ids=compiled.actor_ids,
        issue_ids=compiled.issue_ids,
        positions=compiled.ideal_points,
        saliences=saliences,
        capabilities=compiled.capabilities,
        reference=reference,
        veto=compiled.veto,
        position_ranges=compiled.position_ranges,
        salience_ranges=compiled.salience_ranges,
        capability_ranges=compiled.capability_ranges,
        name=scenario.id,
    )
