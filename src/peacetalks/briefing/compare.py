"""Proposals side by side: their options, verdicts, what separates them and what would fix them.

Every number here is :func:`~peacetalks.briefing.proposals.assess_proposal`'s (what
``evaluate`` prints) for the same proposal, runs and seed, so ``compare`` and ``evaluate``
never disagree. A proposal
may also be taken from another snapshot of a series (``at``): the same proposal id
evaluated against that file's positions, to see what changed between two dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from peacetalks.briefing.deals import amendment_data
from peacetalks.briefing.proposals import assess_proposal, find_proposal
from peacetalks.briefing.robustness import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import ParameterError
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = ["MAX_COMPARED", "compare_data"]

# More columns than this no longer fit a reader's table (or a terminal).
MAX_COMPARED = 8
# Issues listed per veto holder as separating the proposals, largest spread first.
_SEPARATING = 3


def _label(pid: str, snapshot: Scenario, base: Scenario) -> str:
    return pid if snapshot is base else f"{pid}@{snapshot.id}"


def compare_data(
    scenario: Scenario,
    proposal_ids: Sequence[str],
    *,
    at: Sequence[Scenario] = (),
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
) -> dict[str, Any]:
    """Return what ``peacetalks compare --json`` prints.

    Parameters
    ----------
    scenario : Scenario
    proposal_ids : sequence of str
        Proposals of ``scenario``; with ``at``, one is enough.
    at : sequence of Scenario
        Other snapshots (for example earlier files of the same series) in which each
        proposal is evaluated as well; an entry's id is then ``PROPOSAL@SNAPSHOT``.
    runs, seed : int
        The acceptance Monte Carlo, as for ``evaluate``.

    Returns
    -------
    dict
        ``scenario``; ``compared`` (the entry ids in order); ``proposals``, each ``{id,
        proposal, snapshot, title, source, p_pass, passes, blockers, fragile, actors:
        [{id, utility, margin, p_accept, acceptable, veto, red_lines_crossed}]}``
        with the numbers of
        ``evaluate``; ``differences``, each ``{issue, options: {ENTRY: option}}`` for
        the issues whose options differ; ``same`` (issue ids with one option in every
        entry); ``separating``, per veto holder the issues whose utility differs most
        between the entries, each ``{issue, utility: {ENTRY: contribution}, spread}``;
        and ``amendments``: per entry that does not pass, its smallest amendment that
        every veto holder accepts (``None`` when there is none).

    Raises
    ------
    ParameterError
        With fewer than two entries, more than :data:`MAX_COMPARED`, or a repeated id.
    NotFoundError
        If a proposal is missing from a scenario it is asked of.
    """
    snapshots = [scenario, *at]
    entries = [(pid, snap) for pid in proposal_ids for snap in snapshots]
    labels = [_label(pid, snap, scenario) for pid, snap in entries]
    if len(proposal_ids) != len(set(proposal_ids)) or len({s.id for s in snapshots}) != len(
        snapshots
    ):
        msg = (
            "compare needs distinct proposals and snapshots. Got proposals "
            f"{', '.join(proposal_ids)} and snapshots {', '.join(s.id for s in snapshots)}."
        )
        raise ParameterError(msg, parameter="PROPOSALS", value=list(proposal_ids))
    if not 2 <= len(entries) <= MAX_COMPARED:
        msg = (
            f"compare needs between 2 and {MAX_COMPARED} proposals side by side (proposals "
            f"times snapshots). Got {len(entries)}: {', '.join(labels) or 'none'}. Name at "
            "least two proposals, or one with --at SNAPSHOT."
        )
        raise ParameterError(msg, parameter="PROPOSALS", value=list(proposal_ids))
    for pid, snap in entries:
        find_proposal(snap, pid)  # one message for a missing id, as evaluate gives it
    compiled = {snap.id: compile_scenario(snap) for snap in snapshots}
    # evaluate's judgement (assess_proposal, whose to_dict evaluate prints), on one compiled
    # scenario and one set of draws per snapshot.
    evaluated = [
        assess_proposal(snap, pid, compiled=compiled[snap.id], runs=runs, seed=seed).to_dict()
        for pid, snap in entries
    ]
    proposals = [
        {
            "id": label,
            "proposal": pid,
            "snapshot": snap.id,
            "title": data["title"],
            "source": data["source"],
            "p_pass": data["p_pass"],
            "passes": data["passes"],
            "blockers": data["blockers"],
            "fragile": data["fragile"],
            "actors": [
                {
                    key: actor[key]
                    for key in (
                        "id",
                        "utility",
                        "margin",
                        "p_accept",
                        "acceptable",
                        "veto",
                        "red_lines_crossed",
                    )
                }
                for actor in data["actors"]
            ],
        }
        for label, (pid, snap), data in zip(labels, entries, evaluated, strict=True)
    ]
    issues = list(dict.fromkeys(i for data in evaluated for i in data["deal"]))
    differences, same = [], []
    for issue in issues:
        options = {
            label: data["deal"].get(issue) for label, data in zip(labels, evaluated, strict=True)
        }
        if len(set(options.values())) > 1:
            differences.append({"issue": issue, "options": options})
        else:
            same.append(issue)
    return {
        "scenario": scenario.id,
        "compared": labels,
        "monte_carlo": evaluated[0]["monte_carlo"],
        "proposals": proposals,
        "differences": differences,
        "same": same,
        "separating": _separating(entries, labels, compiled, differences),
        "amendments": {
            label: _smallest_amendment(snap, compiled[snap.id], pid, runs=runs, seed=seed)
            for label, (pid, snap), data in zip(labels, entries, evaluated, strict=True)
            if not data["passes"]
        },
    }


def _separating(
    entries: list[tuple[str, Scenario]],
    labels: list[str],
    compiled: dict[str, CompiledScenario],
    differences: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Return, per veto holder of the first snapshot, the issues that separate the entries.

    An issue's contribution to an actor's utility is its weighted utility of the option
    the entry takes (utilities are additive, so the contributions sum to the utility).
    """
    first = compiled[entries[0][1].id]
    tables = {sid: comp.tables() for sid, comp in compiled.items()}
    result: dict[str, list[dict[str, Any]]] = {}
    for a, actor in enumerate(first.actor_ids):
        if not first.veto[a]:
            continue
        rows = []
        for difference in differences:
            issue = difference["issue"]
            utility = {}
            for label, (_, snap) in zip(labels, entries, strict=True):
                comp = compiled[snap.id]
                option = difference["options"][label]
                if actor not in comp.actor_ids or issue not in comp.issue_ids or option is None:
                    continue
                i = comp.issue_ids.index(issue)
                k = comp.actor_ids.index(actor)
                table = tables[snap.id][i]
                utility[label] = round(float(table[k, comp.option_ids[i].index(option)]), 6)
            if len(utility) > 1:
                spread = max(utility.values()) - min(utility.values())
                rows.append({"issue": issue, "utility": utility, "spread": round(spread, 6)})
        rows.sort(key=lambda row: -row["spread"])
        result[actor] = [row for row in rows if row["spread"] > 0][:_SEPARATING]
    return result


def _smallest_amendment(
    scenario: Scenario, compiled: CompiledScenario, pid: str, *, runs: int, seed: int
) -> dict[str, Any] | None:
    found = amendment_data(scenario, compiled, pid, limit=1, runs=runs, seed=seed)
    if not found["amendments"]:
        return None
    best = found["amendments"][0]
    return {"changes": best["changes"], "p_pass": best["p_pass"]}
