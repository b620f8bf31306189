"""The briefing's one-page summary: verdicts and how sure, the compromise, the forecast.

Everything here is read from what the sections already computed (the proposals'
assessments, the fair compromises, the compromise model's forecast from
:func:`peacetalks.briefing.forecast.forecast_data`, as ``analyze`` gives it) so that the
summary and the sections cannot disagree. The forecast's error is the stored out-of-sample
error of its model on DEU III (:mod:`peacetalks.forecasting.calibration`); the summary says
so, and that no error is measured on the scenario's own negotiations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from peacetalks.agreements.stress import wilson_interval
from peacetalks.briefing.robustness import FRAGILE_HIGH, FRAGILE_LOW, DecidingInput
from peacetalks.scenario.models import Scenario

__all__ = [
    "MAX_CHANGES",
    "MAX_MOVERS",
    "chance_interval",
    "deciding_input",
    "fragility_reason",
    "percent",
    "short_name",
    "summary_data",
]

MAX_CHANGES = 5
"""At most this many judgements that flip a verdict are named on the summary page."""
MAX_MOVERS = 3
"""At most this many actors whose absence moves the forecast most are named."""
# Words a cut name should not end on.
_DANGLING = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "-"})


def percent(share: float) -> str:
    """Return a share as a percentage that does not round a rare case away.

    Whole percents, one decimal below 1% and above 99%, and "under 0.1%" or "over 99.9%"
    for a share that the draws put near, but not at, 0 or 1 (exactly 0% and 100% are kept
    for what the stated ranges decide).
    """
    if share in (0.0, 1.0):
        return f"{share:.0%}"
    if share < 0.001:
        return "under 0.1%"
    if share > 0.999:
        return "over 99.9%"
    if share < 0.01 or share > 0.99:
        return f"{share:.1%}"
    return f"{share:.0%}"


def chance_interval(p_pass: float | None, runs: int) -> tuple[float, float] | None:
    """Return the 95% interval of a chance of passing estimated from ``runs`` draws.

    A Wilson score interval around the share of draws; a chance of exactly 0 or 1 is
    decided by the stated ranges themselves (see
    :func:`peacetalks.briefing.robustness.describe_chance`), so its interval is the point.

    Parameters
    ----------
    p_pass : float or None
        The share of draws in which every veto holder accepts; None without draws.
    runs : int
        The number of draws.

    Returns
    -------
    tuple of float or None
        ``(low, high)``, or None when ``p_pass`` is None.
    """
    if p_pass is None:
        return None
    if p_pass in (0.0, 1.0):
        return (p_pass, p_pass)
    successes = round(p_pass * runs)
    low, high = wilson_interval(successes, runs)
    # No draw (or every draw) passed: the interval reaches 0 (or 1) exactly.
    return (0.0 if successes == 0 else low, 1.0 if successes == runs else high)


def fragility_reason(p_pass: float | None, deciding: Sequence[DecidingInput]) -> str:
    """Return why a verdict is fragile, in words ("" when it is robust or not assessed).

    The two reasons of :mod:`peacetalks.briefing.robustness`: one stated range flips the
    verdict at its ends, or the chance of passing lies between 20% and 80%.
    """
    if p_pass is None:
        return ""
    if any(d.flips for d in deciding):
        return "one stated range flips it"
    if FRAGILE_LOW <= p_pass <= FRAGILE_HIGH:
        return f"it passes in {FRAGILE_LOW:.0%}-{FRAGILE_HIGH:.0%} of draws"
    return ""


def deciding_input(entry: Mapping[str, Any]) -> DecidingInput:
    """Return a deciding judgement from its JSON form (``DecidingInput.to_dict``)."""
    low, high = entry["range"]
    return DecidingInput(
        id=str(entry["id"]),
        input=str(entry["input"]),
        low=float(low),
        high=float(high),
        effect=float(entry["effect"]),
        flips=bool(entry["flips"]),
        passes_at_low=bool(entry["passes_at"]["low"]),
        passes_at_high=bool(entry["passes_at"]["high"]),
    )


def short_name(name: str, *, limit: int = 34) -> str:
    """Return an issue's name without its bracketed gloss, cut to ``limit`` characters."""
    head = name.split(" (", 1)[0].strip() or name
    if len(head) <= limit:
        return head
    cut = head[: limit - 1]
    # End on a whole word when there is one to end on.
    words = cut.split(" ")
    if len(words) > 1:
        words = words[:-1]
    while len(words) > 1 and words[-1].lower() in _DANGLING:
        words = words[:-1]
    return " ".join(words).rstrip(" ,;:-") + "\u2026"


def _movers(scenario: Scenario, outlook: Mapping[str, Any]) -> list[str]:
    """Return the largest moves of the forecast when one actor is left out, in words.

    The ``MAX_MOVERS`` largest leave-one-out effects, grouped by actor: "without
    Russia: Kursk/Sumy: 44 -> 6, ...".
    """
    names = {a.id: a.name for a in scenario.actors}
    issues = {i.id: short_name(i.name) for i in scenario.issues}
    found = [
        (abs(p["effect"]), entry, p)
        for entry in outlook["issues"]
        for p in entry["pull"]
        if p.get("effect") is not None and p.get("without") is not None
    ]
    found.sort(key=lambda item: -item[0])
    by_actor: dict[str, list[str]] = {}
    for _, entry, p in found[:MAX_MOVERS]:
        by_actor.setdefault(p["actor"], []).append(
            f"{issues[entry['id']]}: {entry['forecast']:.0f} \u2192 {p['without']:.0f}"
        )
    return [
        f"without {names.get(actor, actor)}: {', '.join(moves)}"
        for actor, moves in by_actor.items()
    ]


def summary_data(
    scenario: Scenario,
    *,
    proposals: Sequence[Mapping[str, Any]],
    compromise: Mapping[str, Any] | None,
    outlook: Mapping[str, Any],
    runs: int,
) -> dict[str, Any]:
    """Return what the summary page shows, from what the sections computed.

    Parameters
    ----------
    scenario : Scenario
    proposals : sequence of dict
        The briefing's proposal entries (each with ``flipped_by``).
    compromise : dict or None
        The Nash deal's entry of :func:`peacetalks.briefing.deals.bargaining_data`
        (``deal``, ``p_pass``, ``deciding``), or None when there is none.
    outlook : dict
        The compromise model's forecast, as :func:`~peacetalks.briefing.forecast.forecast_data`
        returns it for the scenario (with ``pull`` and ``out_of_sample``).
    runs : int
        The acceptance draws behind every chance of passing.

    Returns
    -------
    dict
        ``compromise`` (``deal`` as option ids, ``p_pass``, ``interval``, ``fragile``,
        ``why``); ``forecast`` (one row per issue: ``id``, ``issue``, ``short``,
        ``value``, ``band80``, ``option``, ``same_as_compromise``); ``bundle`` (whether
        the options nearest the forecast pass as one deal: ``passes``, ``blockers`` by
        name); ``accuracy`` (the stored error with how it was measured, or None);
        ``changes`` (the judgements that flip a verdict, in sentences, at most
        ``MAX_CHANGES``); ``more_changes`` (how many more); ``movers`` (the actors whose
        absence moves the forecast most, in sentences).
    """
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    issue_names = {i.id: i.name for i in scenario.issues}
    fair: dict[str, Any] | None = None
    changes: list[str] = []
    for p in proposals:
        changes.extend(p["flipped_by"])
    if compromise is not None:
        deciding = [deciding_input(d) for d in compromise.get("deciding", [])]
        p_pass = compromise.get("p_pass")
        fair = {
            "deal": compromise["deal"],
            "p_pass": p_pass,
            "interval": chance_interval(p_pass, runs),
            "fragile": compromise.get("fragile"),
            "why": fragility_reason(p_pass, deciding),
        }
        changes.extend(d.describe("the fair compromise") for d in deciding if d.flips)
    shown = changes[:MAX_CHANGES]
    bundle = outlook.get("bundle")
    names = {a.id: a.name for a in scenario.actors}
    rows = []
    for entry in outlook["issues"]:
        option = entry.get("nearest_option")
        rows.append(
            {
                "id": entry["id"],
                "issue": issue_names[entry["id"]],
                "short": short_name(issue_names[entry["id"]]),
                "value": entry["forecast"],
                "band80": entry.get("band80"),
                "option": labels[entry["id"]][option] if option else None,
                "same_as_compromise": fair is not None
                and option is not None
                and fair["deal"].get(entry["id"]) == option,
            }
        )
    return {
        "compromise": fair,
        "forecast": rows,
        "bundle": None
        if bundle is None
        else {
            "passes": bool(bundle["passes"]),
            "blockers": [names.get(a, a) for a in bundle["blockers"]],
        },
        "accuracy": outlook.get("out_of_sample"),
        "changes": shown,
        "more_changes": len(changes) - len(shown),
        "movers": _movers(scenario, outlook),
    }
