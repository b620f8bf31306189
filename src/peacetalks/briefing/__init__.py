"""Answers to an analyst's questions about a scenario, as plain records.

This layer joins the scenario records with the analysis kernels and names everything
by id, for the faces (CLI, web, report) to show. It does no I/O.
"""

from peacetalks.briefing.proposals import (
    ActorVerdict,
    Assessment,
    IssueCost,
    assess_deal,
    assess_proposal,
    assess_proposals,
)

__all__ = [
    "ActorVerdict",
    "Assessment",
    "IssueCost",
    "assess_deal",
    "assess_proposal",
    "assess_proposals",
]
