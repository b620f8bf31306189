"""Answers to an analyst's questions about a scenario, as plain records.

This layer joins the scenario records with the analysis kernels and names everything
by id, for the faces (CLI, web, report) to show. It does no I/O.
"""

from peacetalks.briefing.deals import (
    Among,
    amendment_data,
    bargaining_data,
    deal_data,
    logroll_data,
    pareto_data,
    rational_front,
    zopa_data,
)
from peacetalks.briefing.proposals import (
    ActorVerdict,
    Assessment,
    IssueCost,
    assess_deal,
    assess_proposal,
    assess_proposals,
    find_proposal,
)
from peacetalks.briefing.ratification import ratification_data, ratification_summary, ratify

__all__ = [
    "ActorVerdict",
    "Among",
    "Assessment",
    "IssueCost",
    "amendment_data",
    "assess_deal",
    "assess_proposal",
    "assess_proposals",
    "bargaining_data",
    "deal_data",
    "find_proposal",
    "logroll_data",
    "pareto_data",
    "ratification_data",
    "ratification_summary",
    "ratify",
    "rational_front",
    "zopa_data",
]
