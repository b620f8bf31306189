"""Bueno de Mesquita's expected-utility model, as formalised by Scholz, Calbert & Smith (2011).

Every round, on each issue on its own, every actor ``i`` weighs challenging every other
actor ``j``: it estimates its own expected utility of the challenge, ``EU_i`` (of ``i``
challenging ``j``), and ``j``'s expected utility of challenging ``i``, ``EU_j``. From the
pair ``(EU_i, EU_j)`` (the x and y of the quadrant charts of Scholz et al., Figs 7-9),
``i`` makes ``j`` an offer or none:

- conflict, ``EU_i > EU_j > 0``: ``j`` is to move to ``x_i``;
- compromise, ``EU_i > 0 > EU_j`` and ``EU_i > |EU_j|``: ``j`` is to move to
  ``x_j + (x_i - x_j) |EU_j / EU_i|``;
- capitulation, ``EU_i > 0 > EU_j`` and ``EU_i <= |EU_j|``: ``j`` is to move to ``x_i``;
- stalemate, otherwise: no offer.

Each actor then takes one of the offers it got, and the positions of all actors change at
once. After the last round, the forecast of an issue is the capability x salience weighted
median of the positions (the median voter position).

The pieces, with ``W`` the width of the issue's scale, ``d_ij = |x_i - x_j| / W``, ``w_k``
capability x salience and ``r`` the risk exponents:

- votes: ``v_k(i, j) = w_k (u_k(x_i) - u_k(x_j))`` with ``u_k(x) = -(|x_k - x| / W)^e_k``;
- probability of success: ``P_ij = sum of the positive v_k(i, j) / denominator``;
- utilities of ``i`` (exponent ``rho``): success ``U_s = 2 - 4 (0.5 - 0.5 d_ij)^rho``,
  failure ``U_f = 2 - 4 (0.5 + 0.5 d_ij)^rho``, status quo ``U_sq = 2 - 4 (0.5)^rho``,
  better ``U_b = 2 - 4 (0.5 - 0.25 (d_iμ + d_ij))^rho`` and worse ``U_w`` with ``+``;
- expected utility of ``i`` challenging ``j``:
  ``s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w)``
  with ``T = 1`` when ``|x_i - μ| >= |x_i - x_j|``, else 0, and ``μ`` the weighted median;
- risk: ``S_i`` is the sum of the others' expected utilities of challenging ``i``, computed
  with every exponent 1 (in votes and utilities);
  ``R_i = (2 S_i - max S - min S) / (max S - min S)`` over the actors of the issue, and
  ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``, in [0.5, 2]. They are computed at the start of
  every round, from that round's positions.

The two variants differ where the printed equations and the authors' code differ; ``bdm``
is :class:`ExpectedUtilityModel`, ``bdm-scholz`` is :class:`BdmScholzModel`:

========================  =================================  ==================================
variant                   ``bdm`` (as printed)               ``bdm-scholz`` (as the code)
========================  =================================  ==================================
vote exponent ``e_k``     1                                  ``r_k``
numerator of ``P_ij``     every actor's positive vote        the positive votes of third
                                                             parties ``k`` other than ``i, j``
denominator of ``P_ij``   ``sum_k |v_k(i, j)|``              ``sum_k sum_m |v_k(i, m)|`` over
                                                             every actor ``k`` and every
                                                             actor position ``x_m``
exponent ``rho`` of       the challenger's: ``r_i`` for      the challenged actor's: ``r_j``
``EU_i``, ``EU_j``        ``EU_i``, ``r_j`` for ``EU_j``     for ``EU_i``, ``r_i`` for ``EU_j``
offer taken               the one closest to the actor's     conflicts first, then compromises,
                          position                           then capitulations; within a kind
                                                             the offer of the actor with the
                                                             largest ``EU_i``
========================  =================================  ==================================

The ``bdm-scholz`` column was fitted to Table 2 of Scholz et al. (emission standards,
``Q = 1``). Four differences are documented for a public re-implementation "faithful to
Scholz' original code": risk-exponentiated votes, a denominator summed over actors and
pairs of positions, one risk exponent per dyad, and offers taken by kind. They leave open
which pairs the denominator sums, whose exponent "the receiving actor's" is, and how ties
within a kind are broken; the readings above are those that reproduce the table best,
and counting only third parties' votes in the numerator is a further fitted choice. Summing
the denominator over all pairs of positions instead misses the table's median in four
rounds. With these readings the means of all eight rounds are within 0.07 of the table
and the medians of seven rounds within 0.31; round 5's median is 7.0 where the table
has 9.9. The model is sensitive to such details: on this example its dynamics are driven
by three actors of small weight (Belgium, Luxembourg, Ireland) moving by a few points.

References
----------
Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group
decision model. ICAART 2011, pp. 18-30.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel, Round
from peacetalks.forecasting.weighted import weighted_median

__all__ = [
    "BdmScholzModel",
    "ExpectedUtilityModel",
    "OfferKind",
    "Variant",
    "challenge_utilities",
    "expected_utilities",
    "make_offers",
    "risk_exponents",
    "success_probabilities",
    "take_offers",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

Variant = Literal["printed", "scholz-code"]


class OfferKind(IntEnum):
    """Kinds of offer, in the order the ``scholz-code`` variant takes them."""

    CONFLICT = 0
    COMPROMISE = 1
    CAPITULATION = 2
    STALEMATE = 3


_MAX_ROUNDS = 1000
# Elements of one (runs, actors, actors, actors) vote array per chunk of runs (8 MB), so
# that a run over many actors stays within a few tens of megabytes.
_CHUNK_ELEMENTS = 1_000_000


def _pairs(present: BoolArray) -> BoolArray:
    """Return which ordered pairs (i, j), i != j, both take part: (n_runs, n_a, n_a)."""
    n = present.shape[1]
    pairs: BoolArray = present[:, :, None] & present[:, None, :] & ~np.eye(n, dtype=bool)[None]
    return pairs


def _utility(base: FloatArray, exponent: FloatArray | float) -> FloatArray:
    """Return ``2 - 4 base^exponent``, the utility scale of the model."""
    result: FloatArray = 2.0 - 4.0 * np.power(np.clip(base, 0.0, None), exponent)
    return result


def success_probabilities(
    positions: FloatArray,
    weights: FloatArray,
    present: BoolArray,
    width: FloatArray,
    exponents: FloatArray,
    *,
    variant: Variant = "printed",
) -> FloatArray:
    """Return every actor's probability of success against every other.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
    weights : ndarray of shape (n_runs, n_actors)
        Capability x salience: the weight of each actor's votes.
    present : ndarray of shape (n_runs, n_actors)
        Which actors take part in the issue; the others neither vote nor count.
    width : ndarray of shape (n_runs,)
        Width of the issue's scale, positive.
    exponents : ndarray of shape (n_runs, n_actors)
        Risk exponents of the voters; used by the ``scholz-code`` variant only.
    variant : {"printed", "scholz-code"}

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_actors)
        ``P[b, i, j]``: the positive votes for ``x_i`` over ``x_j`` divided by the
        denominator of the variant (see the module documentation); 0 where it is 0.
    """
    distance = np.abs(positions[:, :, None] - positions[:, None, :]) / width[:, None, None]
    # utility[b, k, i] of voter k for position x_i
    utility = -np.power(distance, exponents[:, :, None]) if variant == "scholz-code" else -distance
    votes = weights[:, :, None, None] * (utility[:, :, :, None] - utility[:, :, None, :])
    both = present[:, :, None] & present[:, None, :]
    votes = np.where(both[:, None] & present[:, :, None, None], votes, 0.0)  # [b, k, i, j]
    if variant == "scholz-code":
        eye = np.eye(positions.shape[1], dtype=bool)
        third = ~(eye[:, :, None] | eye[:, None, :])  # k is neither i nor j
        numerator = np.where(third[None], np.clip(votes, 0.0, None), 0.0).sum(axis=1)
        denominator = np.abs(votes).sum(axis=(1, 3))[:, :, None]
    else:
        numerator = np.clip(votes, 0.0, None).sum(axis=1)
        denominator = np.abs(votes).sum(axis=1)
    safe = np.where(denominator > 0, denominator, 1.0)
    result: FloatArray = np.where(denominator > 0, numerator / safe, 0.0)
    return result


def challenge_utilities(
    positions: FloatArray,
    saliences: FloatArray,
    present: BoolArray,
    width: FloatArray,
    median: FloatArray,
    probabilities: FloatArray,
    exponents: FloatArray | float,
    *,
    q: float = 1.0,
) -> FloatArray:
    """Return every actor's expected utility of challenging every other.

    Parameters
    ----------
    positions, saliences : ndarray of shape (n_runs, n_actors)
    present : ndarray of shape (n_runs, n_actors)
    width : ndarray of shape (n_runs,)
    median : ndarray of shape (n_runs,)
        The weighted median position, ``μ`` (used when ``q < 1``).
    probabilities : ndarray of shape (n_runs, n_actors, n_actors)
        ``P[b, a, c]``, from :func:`success_probabilities`.
    exponents : float or ndarray broadcastable to (n_runs, n_actors, n_actors)
        The risk exponent of the utilities in ``E[b, a, c]``.
    q : float
        Probability that the status quo holds when ``a`` does not challenge.

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_actors)
        ``E[b, a, c] = s_c (P U_s + (1 - P) U_f) + (1 - s_c) U_s - q U_sq
        - (1 - q) (T U_b + (1 - T) U_w)``, the utilities being ``a``'s; 0 on the diagonal
        and for absent actors.
    """
    d = np.clip(np.abs(positions[:, :, None] - positions[:, None, :]) / width[:, None, None], 0, 1)
    exponent = np.broadcast_to(exponents, d.shape)
    success = _utility(0.5 - 0.5 * d, exponent)
    failure = _utility(0.5 + 0.5 * d, exponent)
    status_quo = _utility(np.full_like(d, 0.5), exponent)
    resist = saliences[:, None, :]
    p = probabilities
    eu = resist * (p * success + (1 - p) * failure) + (1 - resist) * success - q * status_quo
    if q < 1.0:
        d_median = np.clip(np.abs(positions - median[:, None]) / width[:, None], 0, 1)[:, :, None]
        better = _utility(0.5 - 0.25 * (d_median + d), exponent)
        worse = _utility(0.5 + 0.25 * (d_median + d), exponent)
        t = (d_median >= d).astype(np.float64)
        eu = eu - (1 - q) * (t * better + (1 - t) * worse)
    result: FloatArray = np.where(_pairs(present), eu, 0.0)
    return result


def risk_exponents(security: FloatArray, present: BoolArray) -> FloatArray:
    """Return the risk exponents ``r`` from the security sums ``S``.

    Parameters
    ----------
    security : ndarray of shape (n_runs, n_actors)
        The sum of the others' expected utilities of challenging each actor.
    present : ndarray of shape (n_runs, n_actors)
        Which actors take part in the issue.

    Returns
    -------
    ndarray of shape (n_runs, n_actors)
        ``(1 - R/3) / (1 + R/3)`` with ``R = (2 S - max S - min S) / (max S - min S)``
        over the actors present, in [0.5, 2]; 1 where every ``S`` is equal, and for
        absent actors.
    """
    high = np.where(present, security, -np.inf).max(axis=1, keepdims=True)
    low = np.where(present, security, np.inf).min(axis=1, keepdims=True)
    spread = high - low
    spread_ok = np.isfinite(spread) & (spread > 0)
    centred = np.where(spread_ok, 2.0 * security - np.where(spread_ok, high + low, 0.0), 0.0)
    risk = np.where(present & spread_ok, centred / np.where(spread_ok, spread, 1.0), 0.0)
    result: FloatArray = (1.0 - risk / 3.0) / (1.0 + risk / 3.0)
    return result


def expected_utilities(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    present: BoolArray,
    width: FloatArray,
    *,
    q: float = 1.0,
    variant: Variant = "printed",
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the expected utilities of every dyad as its first actor sees them.

    Parameters
    ----------
    positions, saliences, capabilities : ndarray of shape (n_runs, n_actors)
        Values of absent actors are ignored.
    present : ndarray of shape (n_runs, n_actors)
    width : ndarray of shape (n_runs,)
    q : float
    variant : {"printed", "scholz-code"}

    Returns
    -------
    eu_i : ndarray of shape (n_runs, n_actors, n_actors)
        ``eu_i[b, i, j]``: ``i``'s expected utility of challenging ``j``.
    eu_j : ndarray of shape (n_runs, n_actors, n_actors)
        ``eu_j[b, i, j]``: ``i``'s estimate of ``j``'s expected utility of challenging
        ``i``.
    r : ndarray of shape (n_runs, n_actors)
        The risk exponents of the round.
    """
    weights = np.where(present, capabilities * saliences, 0.0)
    median = weighted_median(positions[:, :, None], weights[:, :, None], axis=1)[:, 0]
    median = np.where(np.isnan(median), 0.0, median)
    ones = np.ones_like(positions)
    p_neutral = success_probabilities(positions, weights, present, width, ones, variant=variant)
    neutral = challenge_utilities(positions, saliences, present, width, median, p_neutral, 1.0, q=q)
    r = risk_exponents(neutral.sum(axis=1), present)  # S_i: sum over challengers a of E[a, i]
    p = success_probabilities(positions, weights, present, width, r, variant=variant)
    # scholz-code: the challenged actor's exponent; printed: the challenger's.
    exponent = r[:, None, :] if variant == "scholz-code" else r[:, :, None]
    eu = challenge_utilities(positions, saliences, present, width, median, p, exponent, q=q)
    return eu, np.swapaxes(eu, 1, 2), r


def make_offers(
    positions: FloatArray, eu_i: FloatArray, eu_j: FloatArray, present: BoolArray
) -> tuple[IntArray, FloatArray]:
    """Return the kind of offer each actor makes each other, and the position offered.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
    eu_i, eu_j : ndarray of shape (n_runs, n_actors, n_actors)
        From :func:`expected_utilities`.
    present : ndarray of shape (n_runs, n_actors)

    Returns
    -------
    kind : ndarray of int of shape (n_runs, n_actors, n_actors)
        ``kind[b, i, j]``, an :class:`OfferKind`: conflict when ``eu_i > eu_j > 0``,
        compromise when ``eu_i > 0 > eu_j`` and ``eu_i > |eu_j|``, capitulation when
        ``eu_i > 0 > eu_j`` and ``eu_i <= |eu_j|``, else stalemate.
    proposal : ndarray of shape (n_runs, n_actors, n_actors)
        The position ``i`` offers ``j``: ``x_j + (x_i - x_j) |eu_j / eu_i|`` for a
        compromise, ``x_i`` otherwise.
    """
    gains = _pairs(present) & (eu_i > 0)
    loses = gains & (eu_j < 0)
    kind = np.full(eu_i.shape, OfferKind.STALEMATE, dtype=np.int64)
    kind[gains & (eu_j > 0) & (eu_i > eu_j)] = OfferKind.CONFLICT
    kind[loses & (eu_i > -eu_j)] = OfferKind.COMPROMISE
    kind[loses & (eu_i <= -eu_j)] = OfferKind.CAPITULATION
    x_i, x_j = positions[:, :, None], positions[:, None, :]
    share = np.abs(eu_j) / np.where(eu_i != 0, np.abs(eu_i), 1.0)
    proposal: FloatArray = np.where(kind == OfferKind.COMPROMISE, x_j + (x_i - x_j) * share, x_i)
    return kind, proposal


def take_offers(
    positions: FloatArray,
    kind: IntArray,
    proposal: FloatArray,
    eu_i: FloatArray,
    *,
    variant: Variant = "printed",
) -> FloatArray:
    """Return each actor's position after it takes one of the offers it got.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors)
    kind, proposal, eu_i : ndarray of shape (n_runs, n_actors, n_actors)
        From :func:`make_offers` and :func:`expected_utilities`; column ``j`` holds the
        offers made to ``j``.
    variant : {"printed", "scholz-code"}
        ``printed`` takes the offer closest to the actor's position; ``scholz-code`` the
        offers of the first kind present in the order conflict, compromise, capitulation,
        and among them the one whose maker expects the most (largest ``eu_i``). Ties go to
        the lowest actor index.

    Returns
    -------
    ndarray of shape (n_runs, n_actors)
        The new positions; unchanged for actors with no offer.
    """
    has_offer = kind != OfferKind.STALEMATE
    if variant == "scholz-code":
        first = kind.min(axis=1, keepdims=True)
        chosen = np.argmax(np.where(has_offer & (kind == first), eu_i, -np.inf), axis=1)
    else:
        distance = np.abs(proposal - positions[:, None, :])
        chosen = np.argmin(np.where(has_offer, distance, np.inf), axis=1)
    taken = np.take_along_axis(proposal, chosen[:, None, :], axis=1)[:, 0, :]
    result: FloatArray = np.where(has_offer.any(axis=1), taken, positions)
    return result


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
    (``eu_i``) and ``i``'s estimate of ``j``'s expected utility of challenging ``i``
    (``eu_j``), at that round's positions: the x and y of Scholz et al.'s quadrant
    charts.
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
                kind, proposal = make_offers(x, eu_i, eu_j, present)
                x = take_offers(x, kind, proposal, eu_i, variant=self.variant)
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
            The capability x salience weighted median of the final positions.
        """
        positions = np.asarray(positions, dtype=np.float64)
        saliences = np.asarray(saliences, dtype=np.float64)
        capabilities = np.asarray(capabilities, dtype=np.float64)
        n_runs, n_actors, n_issues = positions.shape
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
        weights = capabilities[:, :, None] * saliences
        return weighted_median(final, weights, axis=1)

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
        actor_ids, issue_ids = self._ids(n_actors, n_issues)
        states = np.empty((self.rounds + 1, n_actors, n_issues))
        entries: list[list[dict[str, Any]]] = [[] for _ in range(self.rounds + 1)]
        for i in range(n_issues):
            _, history = self._run_issue(
                i, positions[None, :, i], saliences[None, :, i], capabilities[None], keep=True
            )
            present = ~np.isnan(positions[:, i])
            for k, (x, eu_i, eu_j) in enumerate(history):
                states[k, :, i] = np.where(present, x[0], np.nan)
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
        return tuple(
            Round.summarise(states[k], weights, {"eu": entries[k]}) for k in range(self.rounds + 1)
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
    (2011) in the mean of every round and the median of seven rounds of eight; see the
    module documentation for how it differs from the printed equations.

    Parameters
    ----------
    rounds : int
        Number of rounds of offers, in [1, 1000]; default 8.
    q : float
        Probability ``Q`` that the status quo holds, in [0, 1]; default 1.0.
    """

    name: ClassVar[str] = "bdm-scholz"
    variant: ClassVar[Variant] = "scholz-code"
