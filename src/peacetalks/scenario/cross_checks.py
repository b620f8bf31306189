"""Checks of references across a whole scenario: deals, and agreements' phases.

A proposal's or an agreement's deal names issues and options; an agreement names
proposals, actors and sources. These checks need the whole :class:`Scenario`, so they
live here, above the records, which import only :mod:`peacetalks.scenario._checks`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from peacetalks.errors import Problem
from peacetalks.scenario._checks import check_provenance, check_source, unknown
from peacetalks.scenario.agreements import Agreement, Phase
from peacetalks.scenario.models import Scenario

__all__ = ["check_agreements", "check_deal"]


def check_deal(path: str, deal: Mapping[str, str], scenario: Scenario) -> list[Problem]:
    """Return the problems of a deal: unknown issues or options, issues left without default."""
    options = {issue.id: [o.id for o in issue.options] for issue in scenario.issues}
    problems: list[Problem] = []
    for issue_id, option_id in deal.items():
        if issue_id not in options:
            problems.append(unknown(f"{path}.deal.{issue_id}", "issue", issue_id, options))
        elif option_id not in options[issue_id]:
            problems.append(
                unknown(
                    f"{path}.deal.{issue_id}",
                    "option",
                    option_id,
                    options[issue_id],
                    issue=issue_id,
                )
            )
    for issue in scenario.issues:
        if issue.id not in deal and issue.default is None:
            msg = (
                f"the deal does not address issue {issue.id!r}, which has no default option. "
                f"Add '{issue.id}: <option id>' to the deal, or set a 'default' on the issue."
            )
            problems.append(Problem(f"{path}.deal", msg))
    return problems


def _provenance(
    path: str, source: str | None, judgement: bool, note: str | None, what: str, sources: set[str]
) -> list[Problem]:
    return check_source(f"{path}.source", source, sources) + check_provenance(
        path, source, judgement, note, what
    )


def _check_deal(path: str, agreement: Agreement, scenario: Scenario) -> list[Problem]:
    if (agreement.proposal is None) == (agreement.deal is None):
        got = "both" if agreement.proposal is not None else "neither"
        msg = (
            f"an agreement needs exactly one of 'proposal' (a proposal id) or 'deal' (issue ids "
            f"to option ids); got {got}. Keep one."
        )
        return [Problem(path, msg)]
    if agreement.proposal is not None:
        known = [p.id for p in scenario.proposals]
        if agreement.proposal not in known:
            return [unknown(f"{path}.proposal", "proposal", agreement.proposal, known)]
        return []
    assert agreement.deal is not None  # narrowed by the check above
    return check_deal(path, agreement.deal, scenario)


def _check_phase(path: str, phase: Phase, actors: set[str], sources: set[str]) -> list[Problem]:
    problems = _provenance(path, phase.source, phase.judgement, phase.note, "phase", sources)
    if (phase.temptation or phase.rewards) and not phase.judgement:
        msg = (
            "this phase gives 'temptation' or 'rewards', which are modelling judgements, but "
            "is not marked 'judgement: true'. Add 'judgement: true' and a 'note' with the "
            "reasoning (a 'source' may stay for the phase itself)."
        )
        problems.append(Problem(path, msg))
    own = [o.id for o in phase.obligations]
    for j, obligation in enumerate(phase.obligations):
        if obligation.party not in actors:
            problems.append(
                unknown(f"{path}.obligations[{j}].party", "actor", obligation.party, actors)
            )
    if phase.verification is not None:
        v = phase.verification
        problems += _provenance(
            f"{path}.verification", v.source, v.judgement, v.note, "verification", sources
        )
    if phase.advance.quiet_days > phase.days:
        msg = (
            f"quiet period of {phase.advance.quiet_days} days is longer than the phase "
            f"({phase.days} days). Shorten it or lengthen the phase."
        )
        problems.append(Problem(f"{path}.advance.quiet_days", msg))
    for j, step in enumerate(phase.advance.steps):
        if step not in own:
            problems.append(
                unknown(
                    f"{path}.advance.steps[{j}]",
                    "obligation",
                    step,
                    own,
                    among="an obligation of this phase",
                )
            )
    for j, consequence in enumerate(phase.consequences):
        cpath = f"{path}.consequences[{j}]"
        if consequence.party not in actors:
            problems.append(unknown(f"{cpath}.party", "actor", consequence.party, actors))
        problems += _provenance(
            cpath,
            consequence.source,
            consequence.judgement,
            consequence.note,
            "consequence",
            sources,
        )
    for key in ("temptation", "rewards"):
        values: dict[str, float] = getattr(phase, key)
        for actor in values:
            if actor not in actors:
                problems.append(unknown(f"{path}.{key}.{actor}", "actor", actor, actors))
    return problems


def check_agreements(
    agreements: Sequence[Agreement], scenario: Scenario, *, prefix: str = "agreements"
) -> list[Problem]:
    """Return every problem of agreements' references to a scenario.

    Parameters
    ----------
    agreements : sequence of Agreement
        Records that each passed their own validation.
    scenario : Scenario
        The scenario they belong to (its actors, issues, proposals and sources).
    prefix : str
        Path of the list in the document (``agreements``).

    Returns
    -------
    list of Problem
        Empty when every reference resolves.
    """
    actors = {a.id for a in scenario.actors}
    sources = {s.id for s in scenario.sources}
    problems: list[Problem] = []
    for k, agreement in enumerate(agreements):
        path = f"{prefix}[{k}]"
        problems += _provenance(
            path, agreement.source, agreement.judgement, agreement.note, "agreement", sources
        )
        problems += _check_deal(path, agreement, scenario)
        phases: dict[str, int] = {}
        obligations: dict[str, str] = {}
        for j, phase in enumerate(agreement.phases):
            ppath = f"{path}.phases[{j}]"
            if phase.id in phases:
                msg = (
                    f"duplicate phase id {phase.id!r} (first at {path}.phases[{phases[phase.id]}]"
                    "). Give each phase its own id."
                )
                problems.append(Problem(f"{ppath}.id", msg))
            phases.setdefault(phase.id, j)
            for m, obligation in enumerate(phase.obligations):
                opath = f"{ppath}.obligations[{m}].id"
                if obligation.id in obligations:
                    msg = (
                        f"duplicate obligation id {obligation.id!r} (first at "
                        f"{obligations[obligation.id]}). Give each obligation of the agreement "
                        "its own id: it names the provision in tracking."
                    )
                    problems.append(Problem(opath, msg))
                obligations.setdefault(obligation.id, opath)
            problems += _check_phase(ppath, phase, actors, sources)
        parties = set(agreement.parties)
        for j, phase in enumerate(agreement.phases):
            for key in ("temptation", "rewards"):
                for actor in getattr(phase, key):
                    if actor in actors and actor not in parties:
                        msg = (
                            f"actor {actor!r} has no obligation in this agreement, so its "
                            f"{key} would never count. Give it an obligation or remove it."
                        )
                        problems.append(Problem(f"{path}.phases[{j}].{key}.{actor}", msg))
    return problems
