"""Which bodies must ratify a proposal, and do they: as JSON-ready data and one line."""

from __future__ import annotations

from typing import Any

import numpy.typing as npt

from peacetalks.briefing.proposals import find_proposal
from peacetalks.briefing.robustness import ACCEPTANCE_SEED, acceptance_inputs, deal_acceptance
from peacetalks.institutions.ratification import Ratification, ratify_proposal
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["ratification_data", "ratification_summary", "ratify"]


def ratify(
    scenario: Scenario,
    proposal_id: str,
    *,
    compiled: CompiledScenario | None = None,
    accepts: npt.ArrayLike | None = None,
) -> Ratification:
    """Return the ratification of a proposal.

    ``accepts`` (draws of each actor's acceptance, shape ``(n_runs, n_actors)``) is as for
    :func:`~peacetalks.institutions.ratify_deal`: ``p_pass`` is computed over it.

    Raises
    ------
    NotFoundError
        If the scenario has no such proposal; the message lists its proposals.
    """
    find_proposal(scenario, proposal_id)
    return ratify_proposal(scenario, proposal_id, compiled=compiled, accepts=accepts)


def ratification_data(
    scenario: Scenario,
    proposal_id: str,
    *,
    compiled: CompiledScenario | None = None,
    accepts: npt.ArrayLike | None = None,
    runs: int | None = None,
    seed: int = ACCEPTANCE_SEED,
) -> dict[str, Any]:
    """Return the ratification of a proposal as JSON-ready data.

    ``bodies`` lists every body the proposal needs, each with ``id``, ``name``, ``rule``,
    ``required_for`` (issue ids), ``passes`` (at the point values), ``p_pass`` (the
    probability it approves), ``tally``, ``votes`` (per member: ``id``, ``name``,
    ``vote``, ``basis``, ``actor``, ``from``, ``source``, ``judgement``, ``pivotal``),
    ``pivotal`` (member ids) and ``electorate`` (a referendum's share in favour with its
    range, ``p_pass``, source or judgement; otherwise null). ``passes`` is true when every
    body approves (or none is needed); ``p_pass`` is the probability that all do, over
    ``p_pass_from``. ``docs/institutions.md`` lists every ``basis``.

    Parameters
    ----------
    accepts : array-like of bool, shape (n_runs, n_actors), or None
        Draws of each actor's acceptance of the proposal, for ``p_pass``.
    runs : int or None
        Without ``accepts``: draw the acceptance from ``runs`` draws of the stated ranges
        with ``seed`` (the draws of ``evaluate``); ``None`` takes each actor's verdict at
        the stated values.
    seed : int
    """
    if accepts is None and runs is not None:
        compiled = compiled if compiled is not None else compile_scenario(scenario)
        proposal = find_proposal(scenario, proposal_id)
        indices, _ = compiled.deal_indices(proposal.deal)
        inputs = acceptance_inputs(compiled, runs=runs, seed=seed)
        accepts = deal_acceptance(compiled, indices, inputs)
    result = ratify(scenario, proposal_id, compiled=compiled, accepts=accepts)
    data = {"scenario": scenario.id, **result.to_dict()}
    if runs is not None:
        data["seed"] = seed
    return data


def ratification_summary(data: dict[str, Any]) -> str:
    """Return one line on a proposal's ratification, from :func:`ratification_data`."""
    bodies = data["bodies"]
    if not bodies:
        return "ratification: no body's approval required"
    parts = []
    for body in bodies:
        tally = body["tally"]
        verdict = "passes" if body["passes"] else "fails"
        counts = f"{tally['yes']} yes, {tally['no']} no"
        if tally["abstain"]:
            counts += f", {tally['abstain']} abstain"
        pivotal = body["pivotal"]
        shown = ", ".join(pivotal[:5]) + (", ..." if len(pivotal) > 5 else "")
        pivots = f"; pivotal: {shown}" if pivotal else ""
        chance = f"; P {body['p_pass']:.2f}" if 0 < body["p_pass"] < 1 else ""
        parts.append(
            f"{body['id']} (for {', '.join(body['required_for'])}) {verdict} "
            f"({counts}{pivots}{chance})"
        )
    overall = "all approve" if data["passes"] else "blocked by " + ", ".join(data["blocked_by"])
    if 0 < data["p_pass"] < 1:
        overall += f" (P all approve {data['p_pass']:.2f})"
    return f"ratification: {overall} - " + "; ".join(parts)
