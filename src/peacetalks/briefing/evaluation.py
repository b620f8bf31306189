"""A proposal's or a deal's evaluation as one JSON-ready document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peacetalks.briefing.imputed import imputed_terms
from peacetalks.briefing.proposals import assess_deal, assess_proposal
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import ParameterError
from peacetalks.scenario.models import Scenario

__all__ = ["evaluation_data", "source_kind"]


def source_kind(scenario: Scenario, source_id: str | None) -> str | None:
    """Return the kind (stated, reported, analysis) of one of the scenario's sources."""
    for source in scenario.sources:
        if source.id == source_id:
            return source.kind
    return None


def evaluation_data(
    scenario: Scenario,
    *,
    proposal: str | None = None,
    deal: Mapping[str, str] | None = None,
    title: str | None = None,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
) -> dict[str, Any]:
    """Return what ``evaluate --json`` prints for a proposal or a deal.

    For a proposal, ``imputed`` lists the options its source does not state (imputed,
    unmarked or defaulted; see :mod:`peacetalks.briefing.imputed`) and each actor gains
    ``rests_on_imputed``: whether some choice of those options would turn its verdict.

    Parameters
    ----------
    scenario : Scenario
    proposal : str or None
        Id of one of the scenario's proposals.
    deal : mapping or None
        Issue id to option id; left-out issues take their default option.
    title : str or None
        A label for the deal.
    runs, seed : int
        Draws and seed of the acceptance Monte Carlo (``p_accept``, ``p_pass``).

    Raises
    ------
    ParameterError
        Unless exactly one of ``proposal`` and ``deal`` is given.
    NotFoundError
        If the scenario has no such proposal.
    ScenarioError
        If the deal names unknown issues or options.
    """
    if (proposal is None) == (deal is None):
        msg = "Give exactly one of --proposal ID or --deal FILE. Got " + (
            "both." if proposal is not None else "neither."
        )
        raise ParameterError(msg, parameter="--proposal/--deal", value=(proposal, deal))
    if proposal is not None:
        result = assess_proposal(scenario, proposal, runs=runs, seed=seed)
        kind = source_kind(scenario, result.source)
    else:
        assert deal is not None  # narrowed by the check above
        result = assess_deal(scenario, deal, proposal_id=None, title=title, runs=runs, seed=seed)
        kind = None
    data = {"scenario": scenario.id, **result.to_dict(), "source_kind": kind}
    if proposal is not None:
        imputed = imputed_terms(scenario, proposal)
        data["imputed"] = imputed["imputed"]
        for actor in data["actors"]:
            actor["rests_on_imputed"] = imputed["rests_on_imputed"][actor["id"]]
    return data
