"""Which parts of a proposal's verdict rest on options its source does not state.

A proposal's ``terms`` say, per issue, whether its source states the option or whether it
is imputed (see :class:`~peacetalks.scenario.models.Term`); an issue the proposal leaves
out takes its default option, which is imputed too, and an issue without a term is
unmarked. An actor's verdict **rests on imputed terms** when some choice of the imputed
options would turn it: a rejecting actor would accept if every imputed issue took the
option best for it (within its red lines), or an accepting actor would reject if every
imputed issue took the option worst for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from peacetalks.briefing.proposals import find_proposal
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["imputed_terms"]

_TOL = 1e-12


def imputed_terms(
    scenario: Scenario, proposal_id: str, *, compiled: CompiledScenario | None = None
) -> dict[str, Any]:
    """Return a proposal's imputed options and whose verdict rests on them.

    Returns
    -------
    dict
        ``imputed``: a list of ``{issue, option, basis, reason}`` (``basis`` is
        ``imputed``, ``default`` for an issue the proposal leaves out, or ``unmarked`` for
        an option without a term), and ``rests_on_imputed``: actor id to bool.

    Raises
    ------
    NotFoundError
        If the scenario has no such proposal.
    """
    proposal = find_proposal(scenario, proposal_id)
    compiled = compiled or compile_scenario(scenario)
    entries: list[dict[str, Any]] = []
    for issue in scenario.issues:
        option = proposal.deal.get(issue.id)
        term = proposal.terms.get(issue.id)
        if option is None:
            entries.append(
                {
                    "issue": issue.id,
                    "option": issue.default,
                    "basis": "default",
                    "reason": "the proposal leaves the issue out; its default option is kept",
                }
            )
        elif term is None:
            entries.append(
                {
                    "issue": issue.id,
                    "option": option,
                    "basis": "unmarked",
                    "reason": "the proposal's terms do not say whether its source states it",
                }
            )
        elif term.basis == "imputed":
            entries.append(
                {"issue": issue.id, "option": option, "basis": "imputed", "reason": term.reason}
            )
    tables = compiled.tables()
    allowed = compiled.admissible()
    index = {i: k for k, i in enumerate(compiled.issue_ids)}
    chosen = [
        compiled.option_ids[k].index(proposal.deal[i])
        if i in proposal.deal
        else int(compiled.default_options[k])
        for i, k in index.items()
    ]
    open_issues = [index[e["issue"]] for e in entries if e["option"] is not None]
    fixed = [k for k in range(len(tables)) if k not in open_issues]
    rests: dict[str, bool] = {}
    for a, actor in enumerate(compiled.actor_ids):
        base = sum(float(tables[k][a, chosen[k]]) for k in range(len(tables)))
        crossed = any(not allowed[k][a, chosen[k]] for k in range(len(tables)))
        accepts = not crossed and base >= compiled.reservations[a] - _TOL
        if not open_issues:
            rests[actor] = False
            continue
        settled = sum(float(tables[k][a, chosen[k]]) for k in fixed)
        if accepts:
            # Worst imputed options: any red line crossed, or the lowest utilities.
            turns = any(not allowed[k][a].all() for k in open_issues) or (
                settled + sum(float(tables[k][a].min()) for k in open_issues)
                < compiled.reservations[a] - _TOL
            )
        else:
            fixed_crossed = any(not allowed[k][a, chosen[k]] for k in fixed)
            best = 0.0
            possible = not fixed_crossed
            for k in open_issues:
                within = np.where(allowed[k][a], tables[k][a], -np.inf)
                if not np.isfinite(within.max()):
                    possible = False
                    break
                best += float(within.max())
            turns = possible and settled + best >= compiled.reservations[a] - _TOL
        rests[actor] = bool(turns)
    return {"imputed": entries, "rests_on_imputed": rests}
