"""A scenario's overview in one document: what ``peacetalks analyze`` prints."""

from __future__ import annotations

from typing import Any

from peacetalks.briefing.deal_space import deal_space
from peacetalks.briefing.deals import amendment_data
from peacetalks.briefing.evaluation import source_kind
from peacetalks.briefing.forecast import OUTLOOK_RUNS, OUTLOOK_SEED, forecast_data
from peacetalks.briefing.imputed import imputed_terms
from peacetalks.briefing.negotiation import briefing_talks
from peacetalks.briefing.proposals import Assessment, assess_proposals
from peacetalks.briefing.ratification import ratification_data
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.forecasting.compromise import CompromiseModel
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["overview_data"]


def overview_data(
    model: Scenario, *, runs: int = ACCEPTANCE_RUNS, seed: int = ACCEPTANCE_SEED
) -> tuple[dict[str, Any], list[Assessment]]:
    """Return what ``analyze --json`` prints, and the proposals' assessments.

    Every proposal is judged (with its amendment and ratification), then the deal space,
    the compromise forecast and the simulated talks; the acceptance draws (``runs``,
    ``seed``) are made once and serve every proposal, amendment and body.
    """
    compiled = compile_scenario(model)
    proposals = []
    assessments = assess_proposals(model, compiled=compiled, runs=runs, seed=seed)
    for assessment in assessments:
        entry = assessment.to_dict()
        entry["source_kind"] = source_kind(model, assessment.source)
        # Which options the source does not state, and whose verdict rests on them (as
        # evaluate gives them).
        imputed = imputed_terms(model, str(assessment.id), compiled=compiled)
        entry["imputed"] = imputed["imputed"]
        for actor in entry["actors"]:
            actor["rests_on_imputed"] = imputed["rests_on_imputed"][actor["id"]]
        entry["amendment"] = amendment_data(
            model, compiled, str(assessment.id), limit=3, runs=runs, seed=seed
        )
        # Institutions: which bodies must approve the proposal, and do they.
        entry["ratification"] = ratification_data(
            model, str(assessment.id), compiled=compiled, runs=runs, seed=seed
        )
        proposals.append(entry)
    # Logrolls start from the default options; skip them when an issue has none.
    space = deal_space(
        model,
        compiled=compiled,
        rational=True,
        limit=20,
        count_front=False,
        logrolls=bool((compiled.default_options >= 0).all()),
        traders="veto",
        seed=seed,
        runs=runs,
    )
    space.pop("scenario")
    space.pop("actors")
    outlook = forecast_data(
        CompromiseModel().fit(model), scenario=model, runs=OUTLOOK_RUNS, seed=OUTLOOK_SEED
    )
    # A short linear run and contrasting strategy mixes.
    talks = briefing_talks(compiled)
    data = {
        "scenario": {
            "id": model.id,
            "title": model.title,
            "as_of": model.as_of.isoformat(),
            "description": model.description,
        },
        "monte_carlo": {"runs": runs, "seed": seed, "distribution": "triangular"},
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "capability": a.capability,
                "veto": a.veto,
                "reservation": a.reservation,
                "groups": list(a.groups),
            }
            for a in model.actors
        ],
        "issues": [
            {
                "id": i.id,
                "name": i.name,
                "default": i.default,
                "options": [o.id for o in i.options],
            }
            for i in model.issues
        ],
        "proposals": proposals,
        "forecast": outlook,
        "negotiation": talks,
        "deal_space": space,
    }
    return data, assessments
