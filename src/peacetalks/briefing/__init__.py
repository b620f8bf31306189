"""Answers to an analyst's questions about a scenario, as plain records.

This layer joins the scenario records with the analysis kernels and names everything
by id, for the faces (CLI, web, report) to show. It does no I/O.
"""

from peacetalks.briefing.deal_space import RULES, deal_space
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
from peacetalks.briefing.evaluation import evaluation_data, source_kind
from peacetalks.briefing.forecast import forecast_data, nearest_options, scenario_forecast
from peacetalks.briefing.negotiation import (
    PROTOCOLS,
    check_negotiation,
    check_protocol,
    mediation_runs,
    negotiation_data,
    negotiation_document,
    parse_strategies,
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
from peacetalks.briefing.stress import run_stress, stress_data, stress_document

__all__ = [
    "PROTOCOLS",
    "RULES",
    "ActorVerdict",
    "Among",
    "Assessment",
    "IssueCost",
    "amendment_data",
    "assess_deal",
    "assess_proposal",
    "assess_proposals",
    "bargaining_data",
    "check_negotiation",
    "check_protocol",
    "deal_data",
    "deal_space",
    "evaluation_data",
    "find_proposal",
    "forecast_data",
    "logroll_data",
    "mediation_runs",
    "nearest_options",
    "negotiation_data",
    "negotiation_document",
    "pareto_data",
    "parse_strategies",
    "ratification_data",
    "ratification_summary",
    "ratify",
    "rational_front",
    "run_stress",
    "scenario_forecast",
    "source_kind",
    "stress_data",
    "stress_document",
    "zopa_data",
]
