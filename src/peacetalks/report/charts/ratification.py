"""The ratification table: which bodies a proposal needs and how they vote."""

from __future__ import annotations

from typing import Any

from peacetalks.briefing.ratification import ratification_data
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.scenario.compile import CompiledScenario
from peacetalks.scenario.models import Scenario

__all__ = ["ratification_rows"]


def ratification_rows(
    scenario: Scenario,
    proposal_id: str,
    *,
    compiled: CompiledScenario | None = None,
    seed: int = ACCEPTANCE_SEED,
) -> list[dict[str, Any]]:
    """Return one table row per body a proposal needs: rule, tally, result, pivotal members.

    Each row has ``proposal``, ``body``, ``name``, ``rule``, ``required_for`` (issue ids),
    ``passes``, ``yes``, ``no``, ``abstain`` and ``pivotal`` (member names, in the body's
    order), from :func:`~peacetalks.briefing.ratification_data`. A proposal that needs no
    body's approval has no rows.

    Raises
    ------
    NotFoundError
        If the scenario has no such proposal.
    """
    data = ratification_data(
        scenario, proposal_id, compiled=compiled, runs=ACCEPTANCE_RUNS, seed=seed
    )
    rows = []
    for body in data["bodies"]:
        names = {vote["id"]: vote["name"] for vote in body["votes"]}
        rows.append(
            {
                "proposal": proposal_id,
                "body": body["id"],
                "name": body["name"],
                "rule": body["rule"],
                "required_for": list(body["required_for"]),
                "passes": bool(body["passes"]),
                "yes": int(body["tally"]["yes"]),
                "no": int(body["tally"]["no"]),
                "abstain": int(body["tally"]["abstain"]),
                "pivotal": [names.get(m, m) for m in body["pivotal"]],
                "p_pass": float(body["p_pass"]),
                "judgements": sum(1 for vote in body["votes"] if vote.get("judgement")),
                "members": len(body["votes"]),
            }
        )
    return rows
