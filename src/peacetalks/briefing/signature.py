"""Would an agreement be signed at all: its deal's acceptance and ratification together.

A phased agreement is stress-tested as if it had been signed. Whether it would be signed
is the question ``evaluate`` and ``ratify`` answer for its deal: every veto holder must
accept it and every body its options require must approve it. This module asks them, on
the same draws of the stated ranges, so that ``stress`` can report survival both given
signature and overall (the chance of signing times the chance of holding once signed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from peacetalks.briefing.proposals import assess_deal
from peacetalks.briefing.robustness import (
    ACCEPTANCE_RUNS,
    ACCEPTANCE_SEED,
    acceptance_inputs,
    deal_acceptance,
    deal_robustness,
)
from peacetalks.institutions.ratification import ratification_probability, ratify_deal
from peacetalks.scenario.agreements import Agreement
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["Signature", "agreement_deal", "signature"]


@dataclass(frozen=True)
class Signature:
    """Whether an agreement's deal would be signed, at the stated values and under the ranges.

    Attributes
    ----------
    passes : bool
        Every veto holder accepts the deal at the stated values (``evaluate``'s verdict).
    blockers : tuple of str
        The veto holders that reject it.
    ratified : bool
        Every required body approves it at the stated values (``ratify``'s verdict).
    failing_bodies : tuple of str
    p_pass : float
        Share of draws in which every veto holder accepts (``evaluate``'s ``p_pass``).
    p_sign : float
        Probability that every veto holder accepts and every required body approves.
    p_sign_low, p_sign_high : float
        95% Wilson interval of ``p_sign`` over the draws.
    """

    agreement: str
    proposal: str | None
    deal: dict[str, str]
    passes: bool
    blockers: tuple[str, ...]
    ratified: bool
    failing_bodies: tuple[str, ...]
    p_pass: float
    p_sign: float
    p_sign_low: float
    p_sign_high: float
    runs: int
    seed: int

    @property
    def signed(self) -> bool:
        """Return whether the deal is signed at the stated values (accepted and ratified)."""
        return self.passes and self.ratified

    @property
    def warning(self) -> str | None:
        """Return, in words, why the deal is not signed as modelled (None when it is)."""
        if self.signed:
            return None
        reasons = []
        if self.blockers:
            verb = "rejects" if len(self.blockers) == 1 else "reject"
            reasons.append(f"{_names(self.blockers)} {verb} its deal (see evaluate)")
        if self.failing_bodies:
            verb = "does" if len(self.failing_bodies) == 1 else "do"
            reasons.append(f"{_names(self.failing_bodies)} {verb} not approve it (see ratify)")
        return (
            f"As modelled, {self.agreement} would not be signed: {'; '.join(reasons)}. "
            f"Its chance of being signed under the stated ranges is {self.p_sign:.1%}; the "
            "survival given signature assumes it was signed anyway."
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "agreement": self.agreement,
            "proposal": self.proposal,
            "deal": dict(self.deal),
            "passes": self.passes,
            "blockers": list(self.blockers),
            "ratified": self.ratified,
            "failing_bodies": list(self.failing_bodies),
            "signed": self.signed,
            "p_pass": self.p_pass,
            "p_sign": self.p_sign,
            "p_sign_interval": [self.p_sign_low, self.p_sign_high],
            "warning": self.warning,
            "monte_carlo": {"runs": self.runs, "seed": self.seed, "distribution": "triangular"},
        }


def _names(ids: tuple[str, ...]) -> str:
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def agreement_deal(scenario: Scenario, agreement: Agreement) -> Mapping[str, str]:
    """Return the deal an agreement implements (its proposal's, or its own)."""
    if agreement.proposal is not None:
        return scenario.proposal(agreement.proposal).deal
    return agreement.deal or {}


def _wilson(successes: float, n: int) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    z = 1.959963984540054
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # Rounding can leave the interval a hair off p when p is 0 or 1.
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def signature(
    scenario: Scenario,
    agreement: Agreement,
    *,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
    compiled: CompiledScenario | None = None,
) -> Signature:
    """Return whether an agreement's deal would be signed, with its probability.

    The acceptance draws are those of ``evaluate`` for the same ``runs`` and ``seed``; in
    each draw the required bodies vote as ``ratify`` has them vote (members that follow an
    actor vote by that draw's acceptance; referendums pass with their stated chance), so
    ``p_sign`` is the mean over draws of "every veto holder accepts" times "every body
    approves".
    """
    compiled = compiled if compiled is not None else compile_scenario(scenario)
    deal = agreement_deal(scenario, agreement)
    assessment = assess_deal(
        scenario, deal, compiled=compiled, proposal_id=agreement.proposal, runs=0
    )
    indices, _ = compiled.deal_indices(deal)
    inputs = acceptance_inputs(compiled, runs=runs, seed=seed)
    accepts = deal_acceptance(compiled, indices, inputs)
    vetoes_pass = accepts[:, compiled.veto].all(axis=1)
    ratification = ratify_deal(
        scenario, deal, compiled=compiled, proposal_id=agreement.proposal, accepts=accepts
    )
    approve = ratification_probability(
        scenario, deal, accepts, compiled=compiled, proposal_id=agreement.proposal
    )
    joint = vetoes_pass * approve
    # evaluate's p_pass: exactly 0 or 1 only when the ranges decide it.
    p_pass = deal_robustness(compiled, indices, runs=runs, seed=seed, inputs=inputs).p_pass
    n = inputs.n_runs
    p_sign = min(float(np.mean(joint)), p_pass)
    if p_sign == 0.0 and p_pass > 0.0 and float(approve.max()) > 0.0:
        # No draw signed, but acceptance is possible and some draw's bodies approve.
        p_sign = min(0.5 / n, p_pass, float(approve.mean()))
    if p_sign == 1.0 and p_pass < 1.0:
        p_sign = p_pass
    low, high = _wilson(float(joint.sum()), n)
    low, high = min(low, p_sign), max(high, p_sign)
    return Signature(
        agreement=agreement.id,
        proposal=agreement.proposal,
        deal=assessment.deal,
        passes=assessment.passes,
        blockers=assessment.blockers,
        ratified=ratification.passes,
        failing_bodies=ratification.blocked_by,
        p_pass=p_pass,
        p_sign=p_sign,
        p_sign_low=low,
        p_sign_high=high,
        runs=inputs.n_runs,
        seed=seed,
    )
