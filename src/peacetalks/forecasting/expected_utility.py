"""Bueno de Mesquita's expected-utility model, as formalised by Scholz, Calbert & Smith (2011).

Every round, on each issue on its own, every pair of actors ``i`` and ``j`` is weighed:
``i``'s expected utility of challenging ``j`` and ``j``'s of challenging ``i`` (the x and
y of the quadrant charts of Scholz et al., Figs 7-9) decide whether an offer is made, of
which kind, and where to; every actor then takes at most one of the offers it got, and
all actors move at once. The forecast of an issue is the median position after the last
round.

The pieces, with ``R`` the width of the issue's scale, ``d_ij = |x_i - x_j| / R``,
``w_k = c_k s_k`` (capability x salience), ``r_k`` the risk exponents and ``Q = q``:

- votes of actor ``k`` for ``x_i`` over ``x_j``:
  ``v_k(i, j) = w_k ((|x_k - x_j| / R)^e_k - (|x_k - x_i| / R)^e_k)``;
- probability that ``i`` succeeds against ``j``: ``P_ij = sum_k max(0, v_k(i, j))``
  divided by a denominator; 0 when ``x_i == x_j``;
- utilities, with an exponent ``rho``: success ``U_s = 2 - 4 (0.5 - 0.5 d_ij)^rho``,
  failure ``U_f = 2 - 4 (0.5 + 0.5 d_ij)^rho``, status quo ``U_sq = 2 - 4 (0.5)^rho``,
  better ``U_b = 2 - 4 (0.5 - 0.25 (d_iμ + d_ij))^rho`` and worse ``U_w`` with ``+``;
- expected utility of ``i`` challenging ``j``:
  ``s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - Q U_sq``, and for ``bdm``
  ``- (1 - Q) (T U_b + (1 - T) U_w)`` with ``T = 1`` when ``|x_i - μ| >= |x_i - x_j|``,
  else 0, and ``μ`` the weighted median;
- risk, at the start of every round from that round's positions: with every exponent 1
  (in votes and utilities), the danger ``S_k`` of actor ``k`` is the sum over the other
  actors ``m`` of the expected utility of ``m`` challenging ``k``;
  ``R_k = (2 S_k - max S - min S) / (max S - min S)`` over the actors of the issue and
  ``r_k = (1 - R_k / 3) / (1 + R_k / 3)``, in [0.5, 2] (1 when every ``S`` is equal);
- offers, from the expected utilities with the new exponents: with ``x`` the expected
  utility of the challenger and ``y`` that of the one challenged, conflict when
  ``x > y > 0`` (the challenged actor is to move to the challenger's position),
  compromise when ``x > 0 > y`` and ``x > |y|`` (it is to move ``|y / x|`` of the way),
  capitulation when ``x > 0 > y`` and ``x <= |y|`` (it is to move all the way), else
  none.

The two variants differ where the printed equations and the authors' code differ; ``bdm``
is :class:`ExpectedUtilityModel`, ``bdm-scholz`` is :class:`BdmScholzModel`:

=======================  ================================  ==================================
variant                  ``bdm`` (as printed)              ``bdm-scholz`` (as the code)
=======================  ================================  ==================================
width ``R``              the fitted table's scale,         the range of the run's initial
                         widened to the positions' range   positions
vote exponent ``e_k``    1                                 ``r_k``, the voter's own
denominator of ``P_ij``  ``sum_k |v_k(i, j)|``             ``sum_k sum_a sum_b |v_k(a, b)|``
                                                           over every actor ``k`` and every
                                                           ordered pair of actors ``(a, b)``:
                                                           one number per round
exponent ``rho``         the challenger's own: ``r_i``     the observer's: the offer to ``a``
                         for ``i``'s utility, ``r_j`` for  from ``b`` is weighed by ``a``,
                         ``j``'s                           both utilities with ``r_a``
``(1 - Q)`` term         included                          left out
who judges an offer      the challenger ``i``, from        the receiver ``a``, from its own
from ``i`` to ``j``      ``(EU_i, EU_j)``                  ``(EU_a(b, a), EU_a(a, b))``
capitulation             as above                          never
offer taken              the closest to the actor's        conflicts first, the closest; else
                         position                          compromises, the one from ``b``
                                                           that minimises ``(|EU_a(a, b)| x_a
                                                           + |EU_a(b, a)| x_b) / (|EU_a(a, b)|
                                                           + |EU_a(b, a)|)``
median                   capability x salience weighted    Condorcet median of the positions
                         median, the midpoint of an even   (pairwise votes with linear
                         split                             losses), the lower of an even split
=======================  ================================  ==================================

The ``bdm-scholz`` column follows the public re-implementation "faithful to Scholz'
original code" that reproduces Table 2 of Scholz et al. Its quirks are kept as in the
authors' code: the capitulation test compares an expected utility with its own absolute
value, so that no capitulation is ever offered; a compromise is chosen by the smallest
weighted position above, not the smallest move (the actor then moves to the compromise
position, ``x_a + (x_b - x_a) |EU_a(a, b) / EU_a(b, a)|``); ``Q`` only scales ``U_sq``.
The median is computed as in the code, going through the distinct positions in increasing
order and keeping a position when it wins the pairwise vote against the current one;
another order gives the same median except between exactly tied positions. On the
emission-standards example (``Q = 1``) the capitulation rule makes no difference (every
actor that would be offered a capitulation also has a conflict or compromise offer), and
the means of all eight rounds are within 0.07 of the table and the medians within 0.29.
Taking the compromise with the smallest move instead misses the medians of rounds 6-8.
Elsewhere the capitulation rule matters: on random issues of 10 actors, allowing
capitulations changes the forecast of about half of the runs. Ties between offers of one
kind go to the actor listed first.

References
----------
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
decision model. ICAART 2011, pp. 18-30.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.forecasting._bdm_kernels import (
    OfferKind,
    Variant,
    challenge_utilities,
    condorcet_median,
    expected_utilities,
    make_offers,
    risk_exponents,
    success_probabilities,
    take_offers,
)
from peacetalks.forecasting.base import ForecastModel, Round
from peacetalks.forecasting.weighted import weighted_mean, weighted_median

__all__ = [
    "BdmScholzModel",
    "ExpectedUtilityModel",
    "OfferKind",
    "Variant",
    "challenge_utilities",
    "condorcet_median",
    "expected_utilities",
    "make_offers",
    "risk_exponents",
    "success_probabilities",
    "take_offers",
]

FloatArray = npt.NDArray[np.float64]

MAX_PAIR_DETAILS = 1_000_000
"""Most pair entries (``details["eu"]``) kept over all rounds: 120 actors x 20 issues x
9 rounds would be 2.6 million (a 425 MB JSON document, 73 s to write)."""
_MAX_ROUNDS = 1000
BDM_MAX_WORK = 200**3 * 20 * 8
"""Largest work of one run, actors cubed x issues x rounds: 200 actors x 20 issues x 8
rounds, about a minute and a few hundred MB (300 actors x 20 issues took 4 minutes)."""
# Elements of one (runs, actors, actors, actors) vote array per chunk of runs (8 MB), so
# that a run over many actors stays within a few tens of megabytes.
_CHUNK_ELEMENTS = 1_000_000


class ExpectedUtilityModel(ForecastModel):
    """Bueno de Mesquita's expected-utility model with the equations as printed.

    The equations of Scholz, Calbert & Smith (2011); see the module documentation for
    them and for how :class:`BdmScholzModel` (compatible with the authors' code, which
    reproduces their Table 2) differs.

    Parameters
    ----------
    rounds : int
        Number of rounds of offers, in [1, 1000]; default 8, the rounds of Scholz et al.'s
        Table 2.
    q : float
        Probability ``Q`` that the status quo holds when an actor does not challenge, in
        [0, 1]; default 1.0, as in Table 2.

    Notes
    -----
    The width of an issue's scale is that of the fitted table (the positions' range for a
    BDM CSV file, 0-100 for a scenario), widened to the positions' range if they exceed
    it; without a fitted table, the positions' range.

    ``simulate_rounds`` returns ``rounds + 1`` rounds: round 0 is the initial state and
    round ``k`` the state after ``k`` rounds of offers, so that rounds 1-8 are those of
    Table 2. Each round's ``details["eu"]`` lists, for every issue and every ordered pair
    of actors taking part in it, ``i``'s expected utility of challenging ``j``
    (``eu_i``) and ``j``'s expected utility of challenging ``i`` (``eu_j``), at that
    round's positions and with that round's risk exponents: the x and y of Scholz et
    al.'s quadrant charts. Here ``eu_j`` is computed with ``j``'s exponent, so that it
    is the ``eu_i`` of the pair ``(j, i)``.
    """

    name: ClassVar[str] = "bdm"
    has_rounds: ClassVar[bool] = True
    variant: ClassVar[Variant] = "printed"

    def __init__(self, *, rounds: int = 8, q: float = 1.0) -> None:
        super().__init__()
        kind = type(self).__name__
        if (
            isinstance(rounds, bool)
            or not isinstance(rounds, int | np.integer)
            or not 1 <= rounds <= _MAX_ROUNDS
        ):
            msg = (
                f"The 'rounds' parameter of {kind} must be an int in [1, {_MAX_ROUNDS}]. "
                f"Got {rounds!r} instead."
            )
            raise ParameterError(msg, parameter="rounds", value=rounds)
        if (
            isinstance(q, bool)
            or not isinstance(q, int | float | np.integer | np.floating)
            or not 0.0 <= float(q) <= 1.0
        ):
            msg = f"The 'q' parameter of {kind} must be a float in [0, 1]. Got {q!r} instead."
            raise ParameterError(msg, parameter="q", value=q)
        self.rounds = int(rounds)
        self.q = float(q)

    def _check_work(self, n_actors: int, n_issues: int) -> None:
        """Refuse a run whose work (actors cubed x issues x rounds) passes BDM_MAX_WORK."""
        work = n_actors**3 * n_issues * self.rounds
        if work > BDM_MAX_WORK:
            table = self.table_
            where = table.name if table is not None and table.name else "this table"
            msg = (
                f"The {self.name} model's work grows with the cube of the actors times the "
                f"issues and rounds, and it runs up to {BDM_MAX_WORK:.1e} per run (200 "
                f"actors x 20 issues x 8 rounds, about a minute); {where} has {n_actors} "
                f"actors x {n_issues} issues x {self.rounds} rounds ({work:.1e}). Merge "
                "minor actors, split the issues into several tables, use fewer rounds, "
                "or use another model (--model compromise)."
            )
            raise ParameterError(msg, parameter="data", value=where)

    def _widths(self, issue: int, positions: FloatArray) -> FloatArray:
        """Return the width of issue ``issue``'s scale per run, of shape (n_runs,)."""
        present = ~np.isnan(positions)
        high = np.where(present, positions, -np.inf).max(axis=1)
        low = np.where(present, positions, np.inf).min(axis=1)
        spread = np.where(present.any(axis=1), high - low, 0.0)
        table = self.table_
        if table is not None and issue < table.n_issues:
            spread = np.maximum(spread, table.scale[issue, 1] - table.scale[issue, 0])
        result: FloatArray = np.where(spread > 0, spread, 1.0)
        return result

    def _run_issue(
        self,
        issue: int,
        positions: FloatArray,
        saliences: FloatArray,
        capabilities: FloatArray,
        *,
        keep: bool = False,
    ) -> tuple[FloatArray, list[tuple[FloatArray, FloatArray, FloatArray]]]:
        """Run every round on one issue for a chunk of runs.

        Returns the final positions (n_runs, n_actors), NaN for absent actors, and, when
        ``keep``, the positions and expected utilities of every round from round 0 on.
        """
        present = ~np.isnan(positions)
        x = np.where(present, positions, 0.0)
        s = np.where(present, saliences, 0.0)
        width = self._widths(issue, positions)
        history: list[tuple[FloatArray, FloatArray, FloatArray]] = []
        for k in range(self.rounds + 1):
            if k == self.rounds and not keep:
                break
            eu_i, eu_j, _ = expected_utilities(
                x, s, capabilities, present, width, q=self.q, variant=self.variant
            )
            if keep:
                history.append((x, eu_i, eu_j))
            if k < self.rounds:
                kind, proposal = make_offers(x, eu_i, eu_j, present, variant=self.variant)
                x = take_offers(x, kind, proposal, eu_i, eu_j, variant=self.variant)
        final: FloatArray = np.where(present, x, np.nan)
        return final, history

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the median voter position after the last round, per run and issue.

        Parameters
        ----------
        positions : ndarray of shape (n_runs, n_actors, n_issues)
            NaN where an actor takes no part in an issue.
        saliences : ndarray of shape (n_runs, n_actors, n_issues)
        capabilities : ndarray of shape (n_runs, n_actors)

        Returns
        -------
        ndarray of shape (n_runs, n_issues)
            The median of the final positions (see the module documentation).
        """
        positions = np.asarray(positions, dtype=np.float64)
        saliences = np.asarray(saliences, dtype=np.float64)
        capabilities = np.asarray(capabilities, dtype=np.float64)
        n_runs, n_actors, n_issues = positions.shape
        self._check_work(n_actors, n_issues)
        final = np.full(positions.shape, np.nan)
        chunk = max(1, _CHUNK_ELEMENTS // max(n_actors**3, 1))
        for i in range(n_issues):
            for start in range(0, n_runs, chunk):
                stop = min(start + chunk, n_runs)
                final[start:stop, :, i], _ = self._run_issue(
                    i,
                    positions[start:stop, :, i],
                    saliences[start:stop, :, i],
                    capabilities[start:stop],
                )
        return self._median(final, capabilities[:, :, None] * saliences)

    def _median(self, positions: FloatArray, weights: FloatArray) -> FloatArray:
        """Return the median of (n_runs, n_actors, n_issues) positions: (n_runs, n_issues)."""
        return weighted_median(positions, weights, axis=1)

    def simulate_rounds(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> tuple[Round, ...]:
        """Return the initial state and the state after every round of one run.

        Parameters
        ----------
        positions : ndarray of shape (n_actors, n_issues)
        saliences : ndarray of shape (n_actors, n_issues)
        capabilities : ndarray of shape (n_actors,)

        Returns
        -------
        tuple of Round
            ``rounds + 1`` rounds; ``details["eu"]`` of each holds the expected utilities
            of every ordered pair of actors on every issue, as
            ``{"issue", "i", "j", "eu_i", "eu_j"}`` entries.
        """
        positions = np.asarray(positions, dtype=np.float64)
        saliences = np.asarray(saliences, dtype=np.float64)
        capabilities = np.asarray(capabilities, dtype=np.float64)
        n_actors, n_issues = positions.shape
        self._check_work(n_actors, n_issues)
        actor_ids, issue_ids = self._ids(n_actors, n_issues)
        states = np.empty((self.rounds + 1, n_actors, n_issues))
        entries: list[list[dict[str, Any]]] = [[] for _ in range(self.rounds + 1)]
        n_pairs = n_actors * (n_actors - 1) * n_issues * (self.rounds + 1)
        keep_pairs = n_pairs <= MAX_PAIR_DETAILS
        left_out = (
            None
            if keep_pairs
            else (
                f"the expected utilities of every pair of actors are left out: "
                f"{n_pairs:,} entries over the rounds, more than {MAX_PAIR_DETAILS:,} "
                "(a JSON document of hundreds of MB). Run on fewer actors or issues to "
                "see them."
            )
        )
        for i in range(n_issues):
            _, history = self._run_issue(
                i, positions[None, :, i], saliences[None, :, i], capabilities[None], keep=True
            )
            present = ~np.isnan(positions[:, i])
            for k, (x, eu_i, eu_j) in enumerate(history):
                states[k, :, i] = np.where(present, x[0], np.nan)
                if not keep_pairs:
                    continue
                entries[k].extend(
                    {
                        "issue": issue_ids[i],
                        "i": actor_ids[a],
                        "j": actor_ids[b],
                        "eu_i": float(eu_i[0, a, b]),
                        "eu_j": float(eu_j[0, a, b]),
                    }
                    for a in range(n_actors)
                    for b in range(n_actors)
                    if a != b and present[a] and present[b]
                )
        weights = capabilities[:, None] * saliences
        medians = self._median(states, np.broadcast_to(weights, states.shape))
        return tuple(
            Round(
                positions=states[k],
                median=medians[k],
                mean=weighted_mean(states[k], weights),
                details={"eu": entries[k]}
                if left_out is None
                else {"eu": entries[k], "eu_left_out": left_out},
            )
            for k in range(self.rounds + 1)
        )

    def _ids(self, n_actors: int, n_issues: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the fitted table's actor and issue ids, or indices when they do not fit."""
        table = self.table_
        if table is not None and (table.n_actors, table.n_issues) == (n_actors, n_issues):
            return table.actor_ids, table.issue_ids
        return tuple(str(a) for a in range(n_actors)), tuple(str(i) for i in range(n_issues))


class BdmScholzModel(ExpectedUtilityModel):
    """Bueno de Mesquita's expected-utility model, compatible with Scholz et al.'s code.

    On the emission-standards example it reproduces Table 2 of Scholz, Calbert & Smith
    (2011): the mean and the median of every round; see the module documentation for
    how it differs from the printed equations.

    Parameters
    ----------
    rounds : int
        Number of rounds of offers, in [1, 1000]; default 8.
    q : float
        Probability ``Q`` that the status quo holds, in [0, 1]; default 1.0. It scales
        the utility of the status quo only, as in the authors' code.

    Notes
    -----
    The width ``R`` of an issue's scale is the range of the run's initial positions on
    it (1 if they are all equal), kept for every round; the fitted table's scale is not
    used.

    Each round's ``details["eu"]`` lists, for every issue and every ordered pair of
    actors taking part in it, the two expected utilities as ``i`` sees them, both with
    ``i``'s risk exponent: ``eu_i``, of ``i`` challenging ``j``, and ``eu_j``, of ``j``
    challenging ``i``. The offer from ``j`` to ``i`` is judged on them.

    The median of every round, and the forecast, is the Condorcet median of
    :func:`condorcet_median`; the mean is weighted by capability x salience.
    """

    name: ClassVar[str] = "bdm-scholz"
    variant: ClassVar[Variant] = "scholz-code"

    def _widths(self, issue: int, positions: FloatArray) -> FloatArray:
        """Return the range of the initial positions per run, of shape (n_runs,)."""
        present = ~np.isnan(positions)
        high = np.where(present, positions, -np.inf).max(axis=1)
        low = np.where(present, positions, np.inf).min(axis=1)
        spread = np.where(present.any(axis=1), high - low, 0.0)
        result: FloatArray = np.where(spread > 0, spread, 1.0)
        return result

    def _median(self, positions: FloatArray, weights: FloatArray) -> FloatArray:
        """Return the Condorcet median of (n_runs, n_actors, n_issues) positions."""
        n_runs, n_actors, n_issues = positions.shape
        flat = np.moveaxis(positions, 2, 1).reshape(n_runs * n_issues, n_actors)
        flat_weights = np.moveaxis(np.broadcast_to(weights, positions.shape), 2, 1)
        medians = condorcet_median(flat, flat_weights.reshape(n_runs * n_issues, n_actors))
        return medians.reshape(n_runs, n_issues)
