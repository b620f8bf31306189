"""How sure a verdict is: acceptance probabilities, fragility and the deciding judgements.

Every place that shows whether a deal passes (``evaluate``, ``analyze``, ``deals``,
``stress``, the API, the pages and the report) calls :func:`deal_robustness` with the same
defaults, so they give the same numbers for the same inputs.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.acceptance import (
    AcceptanceInputs,
    InputEffect,
    acceptance_draws,
    draw_acceptance_inputs,
    input_effects,
    utility_bounds,
)

# The acceptance Monte Carlo's defaults, the same for every command and face.
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED, MAX_ACCEPTANCE_RUNS
from peacetalks.errors import ParameterError
from peacetalks.scenario.compile import CompiledScenario

__all__ = [
    "ACCEPTANCE_RUNS",
    "ACCEPTANCE_SEED",
    "FRAGILE_HIGH",
    "FRAGILE_LOW",
    "MAX_ACCEPTANCE_RUNS",
    "DecidingInput",
    "Robustness",
    "acceptance_inputs",
    "check_runs",
    "deal_acceptance",
    "deal_robustness",
    "describe_chance",
]

# A verdict is fragile when p_pass lies in [FRAGILE_LOW, FRAGILE_HIGH] or a range flips it.
FRAGILE_LOW = 0.2
FRAGILE_HIGH = 0.8
# An input decides a verdict when a range flips it or it moves p_pass by at least this.
_MIN_EFFECT = 0.05
_MAX_DECIDING = 3


@dataclass(frozen=True)
class DecidingInput:
    """A judgement whose change within its stated range decides a verdict."""

    id: str
    input: str
    low: float
    high: float
    effect: float
    flips: bool
    passes_at_low: bool
    passes_at_high: bool

    def describe(self, subject: str) -> str:
        """Return the finding in words, e.g. "russia's reservation (0.55-0.65) decides X"."""
        span = f"{_fmt(self.low)}-{_fmt(self.high)}"
        if self.flips:
            ends = (
                f"it passes at {_fmt(self.low)} and fails at {_fmt(self.high)}"
                if self.passes_at_low and not self.passes_at_high
                else f"it fails at {_fmt(self.low)} and passes at {_fmt(self.high)}"
                if self.passes_at_high and not self.passes_at_low
                else "one end of the range changes the verdict"
            )
            return f"{self.input} ({span}) decides {subject}: {ends}"
        direction = "raises" if self.effect > 0 else "lowers"
        return (
            f"{self.input} ({span}) moves {subject} most: its upper half {direction} the "
            f"chance of passing by {abs(self.effect):.2f}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "id": self.id,
            "input": self.input,
            "range": [self.low, self.high],
            "effect": round(self.effect, 4),
            "flips": self.flips,
            "passes_at": {"low": self.passes_at_low, "high": self.passes_at_high},
        }


@dataclass(frozen=True)
class Robustness:
    """A deal's verdict under the stated uncertainty.

    Attributes
    ----------
    p_accept : tuple of float
        Per actor (scenario order), the share of runs in which it accepts.
    p_pass : float
        Share of runs in which every veto holder accepts.
    fragile : bool
    deciding : tuple of DecidingInput
    runs, seed : int
    """

    p_accept: tuple[float, ...]
    p_pass: float
    fragile: bool
    deciding: tuple[DecidingInput, ...]
    runs: int
    seed: int

    def settings(self) -> dict[str, Any]:
        """Return the Monte Carlo's settings as JSON-ready data."""
        return {"runs": self.runs, "seed": self.seed, "distribution": "triangular"}


_TOL = 1e-12


def _share(share: float, n: int, *, certain: bool, impossible: bool) -> float:
    """Return a Monte Carlo share, exactly 0 or 1 only when the ranges decide it.

    When every draw agrees but the stated ranges allow the other outcome (the exact
    bounds say so), the share is kept half a draw away from 0 or 1: the draws missed a
    rare case, they did not rule it out.
    """
    if impossible:
        return 0.0
    if certain:
        return 1.0
    return min(max(share, 0.5 / n), 1.0 - 0.5 / n)


def describe_chance(p_pass: float, runs: int, seed: int) -> str:
    """Return the chance of passing every veto in words, e.g. "passes every veto in 96% ..."."""
    draws = f"{runs:,} draws of the stated ranges (seed {seed})"
    if p_pass == 0.0:
        return (
            "never passes every veto: no values within the stated ranges make it pass "
            "(a red line, or a margin no range can close)"
        )
    if p_pass == 1.0:
        return "passes every veto whatever the values within the stated ranges"
    if p_pass < 1.0 / runs:
        return f"passes every veto in none of {draws}, though the ranges do not rule it out"
    if p_pass > 1.0 - 1.0 / runs:
        return f"passes every veto in all {draws}, though the ranges do not guarantee it"
    return f"passes every veto in {p_pass:.0%} of {draws}"


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 else f"{value:.2f}"


def check_runs(runs: int, *, parameter: str = "--runs") -> int:
    """Return ``runs`` if it is a valid number of acceptance draws, else raise.

    Raises
    ------
    ParameterError
        Unless ``runs`` is an int in [1, MAX_ACCEPTANCE_RUNS].
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_ACCEPTANCE_RUNS:
        msg = (
            f"The {parameter!r} parameter of the acceptance Monte Carlo must be an int in "
            f"[1, {MAX_ACCEPTANCE_RUNS}]. Got {runs!r} instead."
        )
        raise ParameterError(msg, parameter=parameter, value=runs)
    return runs


# Draws made for a compiled scenario, kept while it lives: every proposal, amendment and
# body of one command is judged on the same draws without drawing them again.
_DRAWS: weakref.WeakKeyDictionary[CompiledScenario, dict[tuple[int, int], AcceptanceInputs]] = (
    weakref.WeakKeyDictionary()
)


def acceptance_inputs(compiled: CompiledScenario, *, runs: int, seed: int) -> AcceptanceInputs:
    """Draw the scenario's uncertain inputs (the same draws for the same runs and seed).

    The draws are made once per compiled scenario, runs and seed, and reused.
    """
    kept = _DRAWS.setdefault(compiled, {})
    key = (check_runs(runs), seed)
    if key not in kept:
        drawn = _draw(compiled, runs=runs, seed=seed)
        for array in (drawn.ideal_points, drawn.saliences, drawn.reservations):
            array.setflags(write=False)  # shared by every caller
        kept[key] = drawn
    return kept[key]


def _draw(compiled: CompiledScenario, *, runs: int, seed: int) -> AcceptanceInputs:
    return draw_acceptance_inputs(
        compiled.ideal_points,
        compiled.position_ranges,
        compiled.saliences,
        compiled.salience_ranges,
        compiled.reservations,
        compiled.reservation_ranges,
        check_runs(runs),
        rng=seed,
    )


def _input_name(compiled: CompiledScenario, effect: InputEffect) -> tuple[str, str]:
    actor = compiled.actor_ids[effect.actor]
    if effect.kind == "reservation":
        return f"{actor}.reservation", f"{actor}'s reservation"
    issue = compiled.issue_ids[effect.issue]
    if effect.kind == "ideal":
        return f"{actor}:{issue}.ideal", f"{actor}'s ideal point on {issue}"
    return f"{actor}:{issue}.salience", f"{actor}'s salience of {issue}"


def deal_acceptance(
    compiled: CompiledScenario, deal: npt.NDArray[np.int64], inputs: AcceptanceInputs
) -> npt.NDArray[np.bool_]:
    """Return whether each actor accepts the deal in each run of ``inputs``.

    Returns
    -------
    ndarray of shape (n_runs, n_actors)
    """
    accepted: npt.NDArray[np.bool_] = acceptance_draws(
        inputs,
        compiled.option_positions,
        compiled.utilities,
        compiled.derived,
        compiled.quadratic,
        compiled.red_lines,
        deal[None, :],
    )[:, :, 0]
    return accepted


def deal_robustness(
    compiled: CompiledScenario,
    deal: npt.NDArray[np.int64],
    *,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
    inputs: AcceptanceInputs | None = None,
) -> Robustness:
    """Return a deal's acceptance probabilities, fragility and deciding judgements.

    Parameters
    ----------
    compiled : CompiledScenario
    deal : ndarray of shape (n_issues,)
        Option index per issue.
    runs, seed : int
        The Monte Carlo's draws; the same seed gives the same draws for every deal.
    inputs : AcceptanceInputs, optional
        Draws already made with :func:`acceptance_inputs` for these ``runs`` and ``seed``.
    """
    draws = inputs if inputs is not None else acceptance_inputs(compiled, runs=runs, seed=seed)
    accepted = deal_acceptance(compiled, deal, draws)
    passes: npt.NDArray[np.bool_] = np.asarray(accepted[:, compiled.veto].all(axis=1))
    effects = input_effects(
        compiled.ideal_points,
        compiled.position_ranges,
        compiled.saliences,
        compiled.salience_ranges,
        compiled.reservations,
        compiled.reservation_ranges,
        compiled.option_positions,
        compiled.utilities,
        compiled.derived,
        compiled.quadratic,
        compiled.red_lines,
        compiled.veto,
        deal,
        draws=draws,
        passes=passes,
    )
    chosen = [e for e in effects if e.flips or abs(e.effect) >= _MIN_EFFECT]
    chosen.sort(key=lambda e: (not e.flips, -abs(e.effect)))
    deciding = []
    for effect in chosen[:_MAX_DECIDING]:
        ident, name = _input_name(compiled, effect)
        deciding.append(
            DecidingInput(
                id=ident,
                input=name,
                low=effect.low,
                high=effect.high,
                effect=effect.effect,
                flips=effect.flips,
                passes_at_low=effect.passes_at_low,
                passes_at_high=effect.passes_at_high,
            )
        )
    # Exact bounds tell a verdict the ranges cannot change from one the draws missed.
    low, high = utility_bounds(
        compiled.option_positions,
        compiled.utilities,
        compiled.derived,
        compiled.quadratic,
        compiled.position_ranges,
        compiled.salience_ranges,
        deal,
    )
    crossed = compiled.red_lines[:, np.arange(compiled.n_issues), deal].any(axis=1)
    certain = ~crossed & (low >= compiled.reservation_ranges[:, 1] - _TOL)
    impossible = crossed | (high < compiled.reservation_ranges[:, 0] - _TOL)
    n = draws.n_runs
    p_accept = [
        _share(float(share), n, certain=bool(c), impossible=bool(i))
        for share, c, i in zip(accepted.mean(axis=0), certain, impossible, strict=True)
    ]
    veto = compiled.veto
    p_pass = _share(
        float(passes.mean()),
        n,
        certain=bool(certain[veto].all()),
        impossible=bool(impossible[veto].any()),
    )
    fragile = FRAGILE_LOW <= p_pass <= FRAGILE_HIGH or any(e.flips for e in effects)
    return Robustness(
        p_accept=tuple(p_accept),
        p_pass=p_pass,
        fragile=fragile,
        deciding=tuple(deciding),
        runs=draws.n_runs,
        seed=seed,
    )
