"""Answers to an analyst's questions about a scenario, as plain records.

This layer joins the scenario records with the analysis kernels and names everything
by id, for the faces (CLI, web, report) to show. It does no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.briefing.deal_space import (
        RULES,
        deal_space,
    )
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
    from peacetalks.briefing.evaluation import (
        evaluation_data,
        source_kind,
    )
    from peacetalks.briefing.forecast import (
        forecast_data,
        nearest_options,
        scenario_forecast,
    )
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
    from peacetalks.briefing.ratification import (
        ratification_data,
        ratification_summary,
        ratify,
    )
    from peacetalks.briefing.stress import (
        run_stress,
        stress_data,
        stress_document,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "RULES": "peacetalks.briefing.deal_space",
    "deal_space": "peacetalks.briefing.deal_space",
    "Among": "peacetalks.briefing.deals",
    "amendment_data": "peacetalks.briefing.deals",
    "bargaining_data": "peacetalks.briefing.deals",
    "deal_data": "peacetalks.briefing.deals",
    "logroll_data": "peacetalks.briefing.deals",
    "pareto_data": "peacetalks.briefing.deals",
    "rational_front": "peacetalks.briefing.deals",
    "zopa_data": "peacetalks.briefing.deals",
    "evaluation_data": "peacetalks.briefing.evaluation",
    "source_kind": "peacetalks.briefing.evaluation",
    "forecast_data": "peacetalks.briefing.forecast",
    "nearest_options": "peacetalks.briefing.forecast",
    "scenario_forecast": "peacetalks.briefing.forecast",
    "PROTOCOLS": "peacetalks.briefing.negotiation",
    "check_negotiation": "peacetalks.briefing.negotiation",
    "check_protocol": "peacetalks.briefing.negotiation",
    "mediation_runs": "peacetalks.briefing.negotiation",
    "negotiation_data": "peacetalks.briefing.negotiation",
    "negotiation_document": "peacetalks.briefing.negotiation",
    "parse_strategies": "peacetalks.briefing.negotiation",
    "ActorVerdict": "peacetalks.briefing.proposals",
    "Assessment": "peacetalks.briefing.proposals",
    "IssueCost": "peacetalks.briefing.proposals",
    "assess_deal": "peacetalks.briefing.proposals",
    "assess_proposal": "peacetalks.briefing.proposals",
    "assess_proposals": "peacetalks.briefing.proposals",
    "find_proposal": "peacetalks.briefing.proposals",
    "ratification_data": "peacetalks.briefing.ratification",
    "ratification_summary": "peacetalks.briefing.ratification",
    "ratify": "peacetalks.briefing.ratification",
    "run_stress": "peacetalks.briefing.stress",
    "stress_data": "peacetalks.briefing.stress",
    "stress_document": "peacetalks.briefing.stress",
}

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

__getattr__ = _lazy.exports(__name__, _WHERE)
