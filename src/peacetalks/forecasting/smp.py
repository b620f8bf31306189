"""The spatial model of politics (SMP) of KTAB, the KAPSARC Toolkit for Behavioral Analysis.

Actors with a capability hold positions on several dimensions, with a salience on each.
Turn after turn, every actor challenges the actor whose challenge it expects to gain most
from, the two interpolate a bargain, and every actor adopts the bargain (or status quo)
most likely to win a probabilistic Condorcet election among the bargains it is party to;
the run stops when a turn moves the actors little compared with the first turn. See
:mod:`peacetalks.forecasting._smp_engine` for the turn and
:mod:`peacetalks.forecasting._smp_kernels` for utilities, votes, victory probabilities and
elections.

The model reproduces KTAB's ``smpc`` (from the KAPSARC/KTAB sources, 2017) number for
number: on ``SOE-Pol-Comp.csv`` and ``dummyData_3Dim.csv`` every position of every turn,
the number of turns, the "fractional change" of every turn and the win probabilities
agree with KTAB's reference logs to the printed precision (tests/forecasting/test_smp.py).
The sub-models are KTAB's, named as in its XML schema, with KTAB's defaults; two of
KTAB's quirks are kept so that the other bargaining models agree with it too (see
``bargain_model``).

The forecast of an issue is the expected outcome of the final state: the positions
weighted by their probability of winning the Condorcet election among the distinct final
positions.
"""

from __future__ import annotations

from typing import Any, ClassVar, get_args

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.forecasting._smp_engine import (
    SmpOptions,
    SmpState,
    SmpStep,
    SmpTrajectory,
    run_turns,
)
from peacetalks.forecasting._smp_kernels import (
    BargainModel,
    BigRAdjust,
    BigRRange,
    Interpolation,
    PceModel,
    ThirdPartyCommit,
    Transitions,
    VictoryModel,
    VotingRule,
)
from peacetalks.forecasting._smp_prng import KTAB_DEFAULT_SEED
from peacetalks.forecasting.base import Forecast, ForecastModel, Round
from peacetalks.forecasting.smp_views import smp_views
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["KTAB_DEFAULT_SEED", "SmpModel", "SmpTrajectory", "smp_data"]

FloatArray = npt.NDArray[np.float64]

_CHOICES: dict[str, tuple[str, ...]] = {
    "victory_model": get_args(VictoryModel),
    "voting_rule": get_args(VotingRule),
    "pce_model": get_args(PceModel),
    "transitions": get_args(Transitions),
    "big_r_range": get_args(BigRRange),
    "big_r_adjust": get_args(BigRAdjust),
    "third_party_commit": get_args(ThirdPartyCommit),
    "interpolation": get_args(Interpolation),
    "bargain_model": get_args(BargainModel),
}
_PARAMETERS = (*_CHOICES, "max_turns", "min_turns", "min_delta_ratio", "seed")
_MAX_TURNS = 10_000
_DECIMALS = 10


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not low <= value <= high
    ):
        msg = (
            f"The '{name}' parameter of SmpModel must be an int in [{low}, {high}]. "
            f"Got {value!r} instead."
        )
        raise ParameterError(msg, parameter=name, value=value)
    return int(value)


SMP_MAX_WORK = 200**3 * 50
"""Largest actors**3 x dimensions the SMP runs on: 200 actors x 50 dimensions take 55 s
and 1.06 GB on the project's 2-core machine (300 x 3 took 94 s); KTAB's own examples have
at most 160 actors, DEU III 30 actors x 353 issues."""


class SmpModel(ForecastModel):
    """KTAB's spatial model of politics: challenges, bargains and Condorcet elections.

    Parameters
    ----------
    seed : int, optional
        KTAB's 64-bit seed, in [0, 2**64); default KTAB's own (15455440707583219804).
        Drawn from only when ``transitions`` is ``"Stochastic"``, with KTAB's generator so
        that a seed gives KTAB's draws (which is why this is not a NumPy generator).
    victory_model : {"Linear", "Square", "Quartic", "Octic", "Binary"}
        Probability that a coalition of strength ``a`` beats one of ``b``: ``a / (a + b)``,
        or with powers of the strengths, or certain beyond a 10 % advantage.
    voting_rule : {"Proportional", "Binary", "PropBin", "PropCbc", "Cubic", "ASymProsp"}
        Votes of an actor as a function of its utility difference between two options.
    pce_model : {"Conditional", "MarkovIncentive", "MarkovUniform"}
        The probabilistic Condorcet election.
    transitions : {"Deterministic", "Stochastic"}
        Each actor adopts its most likely bargain, or draws one.
    big_r_range : {"Mid", "Min", "Max"}
        Range of the inferred risk attitudes: [-0.5, 1], [0, 1] or [-1, 1].
    big_r_adjust : {"OneThird", "Full", "TwoThirds", "Half", "No"}
        How much of another actor's risk attitude an actor perceives (the rest is its own).
    third_party_commit : {"SemiCommit", "FullCommit", "NoCommit"}
        How committed third parties are to the side they join in a challenge.
    interpolation : {"S2P2", "S1P1", "S2PMax"}
        How the two sides of a bargain weigh their positions.
    bargain_model : {"InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"}
        Whose interpolated bargains are proposed: the initiator's, both sides', or their
        weighted compromise. As in KTAB, the receiver's interpolation takes its estimate
        of the initiator's expected gain as the initiator's probability, and the
        compromise weighs both sides with the initiator's capability.
    max_turns : int
        At most this many turns, in [1, 10000]; default 100.
    min_turns : int
        At least this many turns before the run may stop early; default 2.
    min_delta_ratio : float
        Stop when a turn moves the actors less than this fraction of the first turn's
        movement; default 0.02.
    accommodation : array-like of shape (n_actors, n_actors), optional
        KTAB's ideal adjustment: row ``i`` holds the rates at which actor ``i`` moves its
        ideal toward each actor's new position every turn (the rest of a row below 1
        keeps its old ideal). Default: the identity (ideals follow positions), as for
        KTAB's CSV scenarios; XML scenarios may carry one (``IdealAdjustment``).
    """

    name: ClassVar[str] = "smp"
    has_rounds: ClassVar[bool] = True

    def __init__(
        self,
        *,
        seed: int | None = None,
        victory_model: VictoryModel = "Linear",
        voting_rule: VotingRule = "Proportional",
        pce_model: PceModel = "Conditional",
        transitions: Transitions = "Deterministic",
        big_r_range: BigRRange = "Mid",
        big_r_adjust: BigRAdjust = "OneThird",
        third_party_commit: ThirdPartyCommit = "SemiCommit",
        interpolation: Interpolation = "S2P2",
        bargain_model: BargainModel = "InitOnlyInterp",
        max_turns: int = 100,
        min_turns: int = 2,
        min_delta_ratio: float = 0.02,
        accommodation: npt.ArrayLike | None = None,
    ) -> None:
        super().__init__()
        given: dict[str, str] = {
            "victory_model": victory_model,
            "voting_rule": voting_rule,
            "pce_model": pce_model,
            "transitions": transitions,
            "big_r_range": big_r_range,
            "big_r_adjust": big_r_adjust,
            "third_party_commit": third_party_commit,
            "interpolation": interpolation,
            "bargain_model": bargain_model,
        }
        for key, value in given.items():
            if value not in _CHOICES[key]:
                msg = (
                    f"The '{key}' parameter of SmpModel must be one of "
                    f"{', '.join(_CHOICES[key])}. Got {value!r} instead."
                )
                raise ParameterError(msg, parameter=key, value=value)
        seed = KTAB_DEFAULT_SEED if seed is None else _check_int("seed", seed, 0, 2**64 - 1)
        max_turns = _check_int("max_turns", max_turns, 1, _MAX_TURNS)
        min_turns = _check_int("min_turns", min_turns, 1, _MAX_TURNS)
        if not isinstance(min_delta_ratio, float | int) or not 0 <= min_delta_ratio < 1:
            msg = (
                "The 'min_delta_ratio' parameter of SmpModel must be a float in [0, 1). "
                f"Got {min_delta_ratio!r} instead."
            )
            raise ParameterError(msg, parameter="min_delta_ratio", value=min_delta_ratio)
        self.options = SmpOptions(
            victory_model=victory_model,
            voting_rule=voting_rule,
            pce_model=pce_model,
            transitions=transitions,
            big_r_range=big_r_range,
            big_r_adjust=big_r_adjust,
            third_party_commit=third_party_commit,
            interpolation=interpolation,
            bargain_model=bargain_model,
            max_turns=max_turns,
            min_turns=min_turns,
            min_delta_ratio=float(min_delta_ratio),
            seed=seed,
        )
        self.accommodation = None if accommodation is None else _check_accommodation(accommodation)

    def _unit(self, positions: FloatArray) -> FloatArray:
        scale = self._table().scale
        low, high = scale[:, 0], scale[:, 1]
        unit: FloatArray = (positions - low) / (high - low)
        return unit

    def _issue_scale(self, unit: FloatArray) -> FloatArray:
        return _on_scale(self._table(), unit)

    def _run_one(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> SmpTrajectory:
        return self._run_unit(self._unit(positions), saliences, capabilities)

    def _run_unit(
        self,
        unit: FloatArray,
        saliences: FloatArray,
        capabilities: FloatArray,
        present: npt.NDArray[np.bool_] | None = None,
    ) -> SmpTrajectory:
        table = self._table()
        work = table.n_actors**3 * table.n_issues
        if work > SMP_MAX_WORK:
            msg = (
                f"SmpModel's work grows with the cube of the actors times the dimensions, and "
                f"it runs up to {SMP_MAX_WORK:.1e} (200 actors x 50 dimensions, about a minute "
                f"and 1 GB); {table.name or 'this table'} has {table.n_actors} actors x "
                f"{table.n_issues} dimensions ({work:.1e}). Merge minor actors, split the "
                "dimensions, or use another model (--model compromise)."
            )
            raise ParameterError(msg, parameter="data", value=table.name)
        problems: list[str] = []
        if not np.all(np.isfinite(unit)) or np.any(unit < 0) or np.any(unit > 1):
            problems.append("every actor needs a position within the scale on every issue")
        totals = saliences.sum(axis=1)
        if np.any(~np.isfinite(saliences)) or np.any(saliences < 0) or np.any(totals <= 0):
            problems.append("every actor needs non-negative saliences with a positive sum")
        if np.any(~(capabilities > 0)):
            problems.append("every actor needs a positive capability")
        if problems:
            msg = (
                f"SmpModel cannot run on {table.name or 'this table'}: {'; '.join(problems)}. "
                "KTAB's SMP has every actor on every dimension; drop or fill in the others "
                "(forecasts of such tables run each issue on its own)."
            )
            raise ParameterError(msg, parameter="data", value=table.name)
        accommodation = self.accommodation
        if accommodation is not None:
            if accommodation.shape != (table.n_actors, table.n_actors):
                msg = (
                    f"The 'accommodation' parameter of SmpModel must have shape "
                    f"({table.n_actors}, {table.n_actors}) for the {table.n_actors} actors of "
                    f"{table.name or 'this table'}. Got {accommodation.shape} instead."
                )
                raise ParameterError(msg, parameter="accommodation", value=accommodation.shape)
            if present is not None:
                accommodation = accommodation[np.ix_(present, present)]
        return run_turns(unit, saliences, capabilities, self.options, accommodation=accommodation)

    def run(self) -> SmpTrajectory:
        """Return the run on the fitted table: every state and every turn."""
        table = self._table()
        return self._run_one(
            np.asarray(table.positions, dtype=np.float64),
            np.asarray(table.saliences, dtype=np.float64),
            np.asarray(table.capabilities, dtype=np.float64),
        )

    def _outcome(self, state: SmpState) -> FloatArray:
        return _on_scale(self._table(), _expected(state))

    def _is_complete(self, positions: FloatArray, saliences: FloatArray) -> bool:
        return bool(np.all(np.isfinite(positions)) and np.all(saliences.sum(axis=1) > 0))

    def _by_issue(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the expected outcome of each issue run on its own, over its actors.

        For tables where some actors take no part in some issues (NaN position or zero
        salience), such as DEU data: one-dimensional runs over the actors present; an
        issue with one actor stays at its position, one with none is NaN.
        """
        unit = self._unit(positions)
        result = np.full(unit.shape[1], np.nan)
        for d in range(unit.shape[1]):
            present = np.isfinite(unit[:, d]) & (saliences[:, d] > 0) & (capabilities > 0)
            if np.count_nonzero(present) == 1:
                result[d] = unit[present, d][0]
            elif np.count_nonzero(present) > 1:
                trajectory = self._run_unit(
                    unit[present, d : d + 1],
                    saliences[present, d : d + 1],
                    capabilities[present],
                    present,
                )
                result[d] = _expected(trajectory.states[-1])[0]
        return _on_scale(self._table(), result)

    def _forecast_one(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        if self._is_complete(positions, saliences):
            return self._outcome(self._run_one(positions, saliences, capabilities).states[-1])
        return self._by_issue(positions, saliences, capabilities)

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the expected final outcome per run and issue, of shape (n_runs, n_issues).

        Runs are simulated one after the other (each has its own number of turns and its
        own bargains); each run is vectorised over actors and bargains. A run in which
        some actors take no part in some issues runs each issue on its own.
        """
        results = [
            self._forecast_one(p, s, c)
            for p, s, c in zip(positions, saliences, capabilities, strict=True)
        ]
        return np.array(results, dtype=np.float64).reshape(positions.shape[0], -1)

    def _rounds(self, trajectory: SmpTrajectory) -> tuple[Round, ...]:
        table = self._table()
        weights = table.capabilities[:, None] * table.saliences
        rounds = []
        for t, state in enumerate(trajectory.states):
            step = trajectory.steps[t - 1] if t > 0 else None
            rounds.append(
                Round.summarise(
                    self._issue_scale(state.positions), weights, _turn_details(table, state, step)
                )
            )
        return tuple(rounds)

    def simulate_rounds(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> tuple[Round, ...]:
        """Return the states of one run as rounds, with win probabilities in ``details``."""
        return self._rounds(self._run_one(positions, saliences, capabilities))

    def forecast(self) -> Forecast:
        """Return the forecast with its rounds, and the data of :func:`smp_data` in ``extra``.

        A table in which some actors take no part in some issues is forecast issue by
        issue, without rounds (``extra`` says ``by_issue``).
        """
        table = self._table()
        if not self._is_complete(table.positions, table.saliences):
            values = self.predict()
            return Forecast(model=self.name, table=table, values=values, extra={"by_issue": True})
        trajectory = self.run()
        data = smp_data(table, trajectory, self)
        return Forecast(
            model=self.name,
            table=table,
            values=self._outcome(trajectory.states[-1]),
            rounds=self._rounds(trajectory),
            extra={
                key: data[key]
                for key in ("parameters", "effective_power", "turns", "final", "views")
            },
        )


def _check_accommodation(value: npt.ArrayLike) -> FloatArray:
    matrix: FloatArray = np.array(value, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        msg = (
            "The 'accommodation' parameter of SmpModel must be a square matrix, one row and "
            f"one column per actor. Got shape {matrix.shape} instead."
        )
        raise ParameterError(msg, parameter="accommodation", value=matrix.shape)
    bad = matrix[~(np.isfinite(matrix) & (matrix >= 0))]
    if bad.size:
        msg = (
            "The 'accommodation' parameter of SmpModel must hold non-negative rates. "
            f"Got {float(bad[0])!r} instead."
        )
        raise ParameterError(msg, parameter="accommodation", value=matrix.shape)
    matrix.setflags(write=False)
    return matrix


def _on_scale(table: StakeholderTable, unit: FloatArray) -> FloatArray:
    """Return positions on [0, 1] on the table's scales, to 10 decimals.

    KTAB's positions are multiples of 1e-4 on [0, 1]; rounding drops the binary noise of
    the rescaling (6.370000000000001 for 6.37) and keeps everything else.
    """
    result: FloatArray = table.scale[:, 0] + unit * (table.scale[:, 1] - table.scale[:, 0])
    return np.round(result, _DECIMALS)


def _expected(state: SmpState) -> FloatArray:
    """Return the positions weighted by their probability of winning, on [0, 1]."""
    expected = np.zeros(state.positions.shape[1])
    for m, holder in enumerate(state.unique.tolist()):
        expected = expected + state.unique_probabilities[m] * state.positions[holder]
    return expected


def _by_actor(table: StakeholderTable, values: FloatArray) -> dict[str, float]:
    return {a: float(values[i]) for i, a in enumerate(table.actor_ids)}


def _positions(table: StakeholderTable, positions: FloatArray) -> dict[str, dict[str, float]]:
    return {
        a: {d: float(positions[i, k]) for k, d in enumerate(table.issue_ids)}
        for i, a in enumerate(table.actor_ids)
    }


def _turn_details(table: StakeholderTable, state: SmpState, step: SmpStep | None) -> dict[str, Any]:
    details: dict[str, Any] = {
        "win_probabilities": _by_actor(table, state.win_probabilities),
        "risk_attitudes": _by_actor(table, state.risk),
    }
    if step is not None:
        actors = table.actor_ids
        details["challenges"] = [
            {
                "actor": actors[i],
                "target": actors[int(step.targets[i])],
                "probability": float(step.probabilities[i]),
                "gain": float(step.gains[i]),
            }
            for i in range(len(actors))
            if step.targets[i] >= 0
        ]
        details["adopted"] = {
            actors[k]: "status quo"
            if step.adopted[k, 0] == step.adopted[k, 1]
            else f"{actors[int(step.adopted[k, 0])]}:{actors[int(step.adopted[k, 1])]}"
            for k in range(len(actors))
        }
        details["fractional_change"] = float(step.change)
    return details


def smp_data(
    table: StakeholderTable, trajectory: SmpTrajectory, model: SmpModel | None = None
) -> dict[str, Any]:
    """Return a run as JSON-ready data.

    Parameters
    ----------
    table : StakeholderTable
        The table the run was made on (names, scale).
    trajectory : SmpTrajectory
        From :meth:`SmpModel.run`.
    model : SmpModel, optional
        The model that made the run, for its parameters; KTAB's defaults when omitted.

    Returns
    -------
    dict
        ``parameters``; ``effective_power`` (capability x salience per actor and
        dimension); ``turns``, one per state from 0, each with ``positions`` (actor ->
        dimension -> position on the table's scale), ``win_probabilities``,
        ``risk_attitudes`` and, after turn 0, ``challenges``, ``adopted`` and
        ``fractional_change``; ``final`` with the last turn's number, ``positions`` and
        ``win_probabilities``, the ``expected_outcome`` and the ``most_likely`` position
        per dimension, and whether the run ``converged`` (else it hit ``max_turns``);
        ``views``, the drawing-ready views of :func:`~peacetalks.forecasting.smp_views.smp_views`.
    """
    options = model.options if model is not None else SmpOptions()
    turns = []
    for t, state in enumerate(trajectory.states):
        step = trajectory.steps[t - 1] if t > 0 else None
        positions = _on_scale(table, state.positions)
        turns.append(
            {"turn": t, "positions": _positions(table, positions)}
            | _turn_details(table, state, step)
        )
    last = trajectory.states[-1]
    best = int(np.argmax(last.unique_probabilities))
    most_likely = _on_scale(table, last.positions[int(last.unique[best])])
    outcome = _on_scale(table, _expected(last))
    final = {
        "turn": len(trajectory.states) - 1,
        "positions": turns[-1]["positions"],
        "win_probabilities": turns[-1]["win_probabilities"],
        "expected_outcome": {d: float(outcome[k]) for k, d in enumerate(table.issue_ids)},
        "most_likely": {
            "position": {d: float(most_likely[k]) for k, d in enumerate(table.issue_ids)},
            "probability": float(last.unique_probabilities[best]),
        },
        "converged": trajectory.converged,
    }
    power = table.capabilities[:, None] * table.saliences
    return {
        "model": "smp",
        "source": table.name,
        "parameters": {key: getattr(options, key) for key in _PARAMETERS},
        "effective_power": _positions(table, power),
        "turns": turns,
        "final": final,
        "views": smp_views(table, trajectory, options),
    }
