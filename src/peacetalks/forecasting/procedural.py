"""A procedural model: the compromise, weighted by procedural power and held to the win-set.

The compromise model (Achen) ignores how an issue is decided. Procedural models of EU
legislation (Steunenberg, Tsebelis and Garrett; tested in Thomson et al. 2006, *The
European Union Decides*) start from it instead: the status quo stands unless the
coalition that the voting rule requires, and every veto player, prefers the new outcome.
This model keeps the compromise as the centre of the forecast and adds the procedure in
two places, each with a parameter that cross-validation sets:

1. **Procedural power.** An actor's weight in the compromise is its capability raised to
   an exponent that depends on the voting rule, times its salience. An exponent of 1 is
   the compromise model; below 1 flattens power. Voting power under weighted majority
   rules grows about as the square root of size (Penrose's law, which the Council's
   weights follow), hence ``exponent=0.5``; under unanimity every member holds a veto,
   so power is flatter still (``unanimity_exponent=0.25``).
2. **The win-set of the reference point.** On a single dimension with symmetric
   single-peaked preferences, an actor at ``p`` prefers ``x`` to the status quo ``q``
   when ``x`` lies between ``q`` and ``2p - q``. The win-set of ``q`` is the interval of
   points that a coalition holding at least the rule's quota of the voting weight, and
   every veto player, prefer to ``q``; it always contains ``q``. The forecast moves from
   the compromise ``c`` towards the nearest point of the win-set by the fraction
   ``pull``: ``c + pull * (clip(c, low, high) - c)``. ``pull=1`` is the strict
   procedural model (the outcome must be in the win-set); ``pull=0`` ignores it.

Voting weights for the quota are the same procedural powers. Voters who state no
position on an issue take no part in its vote (in the DEU data a member state without a
position did not raise the issue); when no voter has a position, or the reference point
is unknown, the vote puts no bound on the forecast.

On the DEU III data (353 issues), cross-validation keeps ``pull`` at 0: the outcomes lie
outside the qualified-majority win-set of the coded reference point more often than
inside it, and clipping into it raises the mean absolute error from 23.2 to 31.5
(``pull=1``), as the procedural models in Thomson et al. (2006) also fared worse than the
compromise. Procedural power helps a little: tuned by 10-fold cross-validation (seed 0)
the model scores 22.9 out of sample against the compromise model's 23.2, a paired gain of
0.3 with a standard error of 0.3, so within noise; with 5 folds the two tie. The defaults
are the parameters chosen on all issues and in most folds (in-sample error 22.8); see
:mod:`peacetalks.forecasting.backtest`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError
from peacetalks.forecasting.base import ForecastModel
from peacetalks.forecasting.weighted import weighted_mean
from peacetalks.formats.deu import DeuData
from peacetalks.scenario.stakeholders import StakeholderTable

__all__ = ["RULES", "ProceduralModel", "Procedure", "eu_procedures", "win_set"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

RULES = ("majority", "qualified", "unanimity")
"""The voting rules a procedure may use."""

_TOL = 1e-9


@dataclass(frozen=True)
class Procedure:
    """How one issue is decided.

    Attributes
    ----------
    rule : {"majority", "qualified", "unanimity"}
        The share of the voters' weight a coalition needs: more than half ("majority",
        at least half counted), the model's ``quota`` ("qualified"), or all of it.
    voters : tuple of str or None
        Actor ids of the voting body (the Council's member states); None for every
        actor.
    vetoes : tuple of str
        Actors whose consent is needed besides the vote (the Parliament under
        codecision). Actors marked ``veto`` in the table hold a veto on every issue.
    """

    rule: str = "majority"
    voters: tuple[str, ...] | None = None
    vetoes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            msg = (
                f"The 'rule' parameter of Procedure must be one of {', '.join(RULES)}. "
                f"Got {self.rule!r} instead."
            )
            raise ParameterError(msg, parameter="rule", value=self.rule)


def eu_procedures(data: DeuData) -> dict[str, Procedure]:
    """Return the procedure of each DEU issue, keyed by issue id.

    The member states vote in the Council under the issue's voting rule; under
    codecision (``"COD"``) the Parliament's consent is also needed, so it holds a veto;
    under consultation it holds none. The Commission proposes but does not vote: it
    enters through its weight in the compromise only.
    """
    actors = set(data.table.actor_ids)
    has_ep = "ep" in actors
    return {
        issue: Procedure(
            rule=rule,
            voters=data.council,
            vetoes=("ep",) if has_ep and procedure == "COD" else (),
        )
        for issue, rule, procedure in zip(
            data.table.issue_ids, data.voting_rules, data.procedures, strict=True
        )
    }


def _bound(values: FloatArray, weights: FloatArray, need: FloatArray, *, upper: bool) -> FloatArray:
    """Return, per run and issue, the farthest value that voters holding ``need`` reach.

    ``values`` of shape (n_runs, n_actors, n_issues) are the far ends ``2p - q`` of what
    each voter prefers to the status quo; NaN for voters without a position.
    """
    fill = -np.inf if upper else np.inf
    keys = np.where(np.isnan(values), fill, values)
    order = np.argsort(-keys if upper else keys, axis=1, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=1), axis=1)
    reached = cumulative >= need[:, None, :] - _TOL * np.maximum(need[:, None, :], 1.0)
    first = np.argmax(reached, axis=1)[:, None, :]
    bound: FloatArray = np.take_along_axis(ordered, first, axis=1)[:, 0, :]
    return bound


def win_set(
    positions: FloatArray,
    reference: FloatArray,
    voting_weights: FloatArray,
    quotas: FloatArray,
    is_voter: BoolArray,
    is_veto: BoolArray,
    scale: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Return the low and high end of the win-set of the reference point, per run and issue.

    Parameters
    ----------
    positions : ndarray of shape (n_runs, n_actors, n_issues)
        NaN where an actor takes no part.
    reference : ndarray of shape (n_issues,)
        The status quo; NaN when unknown (the win-set is then the whole scale).
    voting_weights : ndarray of shape (n_runs, n_actors, n_issues)
        Non-negative.
    quotas : ndarray of shape (n_issues,)
        Share of the voters' weight a coalition needs, in (0, 1].
    is_voter, is_veto : ndarray of shape (n_actors, n_issues)
    scale : ndarray of shape (n_issues, 2)

    Returns
    -------
    low, high : ndarray of shape (n_runs, n_issues)
        ``low <= reference <= high`` where the reference is known.
    """
    low = np.broadcast_to(scale[:, 0], positions[:, 0, :].shape).copy()
    high = np.broadcast_to(scale[:, 1], positions[:, 0, :].shape).copy()
    known = ~np.isnan(reference)
    if not known.any():
        return low, high
    far = 2.0 * positions - reference  # (n_runs, n_actors, n_issues); NaN where absent
    voting = is_voter[None] & ~np.isnan(positions)
    weights = np.where(voting, voting_weights, 0.0)
    total = weights.sum(axis=1)
    need = quotas[None, :] * total
    voter_far = np.where(voting, far, np.nan)
    high_vote = _bound(voter_far, weights, need, upper=True)
    low_vote = _bound(voter_far, weights, need, upper=False)
    has_vote = total > 0
    high = np.where(has_vote, np.minimum(high, high_vote), high)
    low = np.where(has_vote, np.maximum(low, low_vote), low)
    # Every veto player with a position must prefer the point too.
    vetoing = is_veto[None] & ~np.isnan(positions)
    high = np.minimum(high, np.where(vetoing, far, np.inf).min(axis=1))
    low = np.maximum(low, np.where(vetoing, far, -np.inf).max(axis=1))
    # The status quo is always in its own win-set.
    high = np.where(known, np.maximum(high, reference), scale[:, 1])
    low = np.where(known, np.minimum(low, reference), scale[:, 0])
    return low, high


def _power(capabilities: FloatArray, exponents: FloatArray) -> FloatArray:
    """Return procedural power, capability to each issue's exponent.

    Parameters
    ----------
    capabilities : ndarray of shape (n_runs, n_actors)
    exponents : ndarray of shape (n_issues,)

    Returns
    -------
    ndarray of shape (n_runs, n_actors, n_issues)
    """
    cap = np.maximum(capabilities, 0.0)[:, :, None]
    with np.errstate(divide="ignore"):
        power: FloatArray = np.where(cap > 0, cap ** exponents[None, None, :], 0.0)
    return power


def _check_unit(value: float, name: str, low: float, high: float, *, open_low: bool) -> float:
    ok = np.isfinite(value) and (value > low if open_low else value >= low) and value <= high
    if not ok:
        bracket = "(" if open_low else "["
        msg = (
            f"The '{name}' parameter of ProceduralModel must be a number in "
            f"{bracket}{low:g}, {high:g}]. Got {value!r} instead."
        )
        raise ParameterError(msg, parameter=name, value=value)
    return float(value)


class ProceduralModel(ForecastModel):
    """Forecast the procedural-power compromise, pulled into the win-set of the status quo.

    Parameters
    ----------
    procedures : mapping from issue id to Procedure, or None
        How each issue is decided; issues not listed use ``default``. For DEU data, pass
        :func:`eu_procedures`.
    default : Procedure
        The procedure of unlisted issues: simple majority of every actor.
    quota : float
        Share of the voting weight a qualified majority needs, in (0.5, 1]. The default
        0.74 is the Council's under the Nice treaty (255 of 345 votes).
    exponent : float
        Power of capability under majority and qualified-majority rules, >= 0.
    unanimity_exponent : float
        Power of capability under unanimity, >= 0.
    pull : float
        How far, in [0, 1], the forecast moves from the compromise into the win-set.

    Notes
    -----
    With ``exponent=1``, ``unanimity_exponent=1`` and ``pull=0`` the model is the
    compromise model. See the module docstring for the reasoning and the evidence.
    """

    name = "procedural"

    def __init__(
        self,
        procedures: Mapping[str, Procedure] | None = None,
        *,
        default: Procedure | None = None,
        quota: float = 0.74,
        exponent: float = 0.5,
        unanimity_exponent: float = 0.25,
        pull: float = 0.0,
    ) -> None:
        super().__init__()
        self.procedures: dict[str, Procedure] = dict(procedures or {})
        self.default = Procedure() if default is None else default
        self.quota = _check_unit(quota, "quota", 0.5, 1.0, open_low=True)
        self.exponent = _check_unit(exponent, "exponent", 0.0, np.inf, open_low=False)
        self.unanimity_exponent = _check_unit(
            unanimity_exponent, "unanimity_exponent", 0.0, np.inf, open_low=False
        )
        self.pull = _check_unit(pull, "pull", 0.0, 1.0, open_low=False)

    def _issue_arrays(
        self, table: StakeholderTable
    ) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray]:
        """Return per-issue quotas and exponents, and who votes and who vetoes."""
        index = {actor: a for a, actor in enumerate(table.actor_ids)}
        quotas = np.empty(table.n_issues)
        exponents = np.empty(table.n_issues)
        is_voter = np.zeros((table.n_actors, table.n_issues), dtype=np.bool_)
        is_veto = np.repeat(table.veto[:, None], table.n_issues, axis=1)
        quota_of = {"majority": 0.5, "qualified": self.quota, "unanimity": 1.0}
        for i, issue in enumerate(table.issue_ids):
            procedure = self.procedures.get(issue, self.default)
            quotas[i] = quota_of[procedure.rule]
            exponents[i] = (
                self.unanimity_exponent if procedure.rule == "unanimity" else self.exponent
            )
            for group, mask in ((procedure.voters, is_voter), (procedure.vetoes, is_veto)):
                names: Collection[str] = table.actor_ids if group is None else group
                unknown = [name for name in names if name not in index]
                if unknown:
                    msg = (
                        f"The procedure of issue {issue!r} names actor(s) "
                        f"{', '.join(map(repr, unknown))} that the table does not have. "
                        f"Known actors: {', '.join(table.actor_ids)}."
                    )
                    raise ParameterError(msg, parameter="procedures", value=unknown)
                mask[[index[name] for name in names], i] = True
        return quotas, exponents, is_voter, is_veto

    def simulate(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray:
        """Return the forecast per run and issue, of shape (n_runs, n_issues).

        Parameters
        ----------
        positions : ndarray of shape (n_runs, n_actors, n_issues)
        saliences : ndarray of shape (n_runs, n_actors, n_issues)
        capabilities : ndarray of shape (n_runs, n_actors)
        """
        table = self._table()
        quotas, exponents, is_voter, is_veto = self._issue_arrays(table)
        power = _power(capabilities, exponents)
        centre = weighted_mean(positions, power * saliences, axis=1)
        if self.pull == 0.0:
            return centre
        low, high = win_set(
            positions, table.reference, power, quotas, is_voter, is_veto, table.scale
        )
        forecast: FloatArray = centre + self.pull * (np.clip(centre, low, high) - centre)
        return forecast

    def mean_weights(
        self, positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
    ) -> FloatArray | None:
        """Return procedural power x salience when ``pull`` is 0, else None.

        With ``pull`` 0 the forecast is the weighted mean of positions with these
        weights; with a pull into the win-set it is not a weighted mean.
        """
        if self.pull != 0.0:
            return None
        _, exponents, _, _ = self._issue_arrays(self._table())
        weights: FloatArray = _power(capabilities[None], exponents)[0] * saliences
        return weights
