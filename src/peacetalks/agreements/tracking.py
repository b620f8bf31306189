"""Implementation tracking: score each provision of an agreement from recorded events.

Scores follow the Peace Accords Matrix (Kroc Institute, University of Notre Dame): each
provision is coded on a four-point scale, 0 not initiated, 1 minimal, 2 intermediate,
3 full implementation, and the aggregate score of an accord is the sum of its provision
scores divided by three times the number of provisions, times 100.

The rule that turns events into a provision's score (stated in ``docs/agreements.md``):

1. The provisions are the agreement's obligations. An event names an obligation id, or a
   phase id to apply to every obligation of that phase (only the named party's, when the
   event names a party that has obligations there).
2. The latest ``step`` or ``report`` event with a level sets the score (a ``step``
   without a level counts as full, 3). No such event: 0, not initiated.
3. A verified violation (``violation`` with a count above 0) dated after that latest
   assessment lowers the score by one level, but not below 1: the provision was initiated
   and is being breached. Several violations lower it by one level, not more, until the
   next assessment.
4. Reports without a level (media-sourced incidents from ACLED or UCDP exports) do not
   change scores; they are counted by month beside the verified violations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peacetalks.formats.events import Event
from peacetalks.scenario.agreements import Agreement

__all__ = [
    "PAM_LEVELS",
    "ProvisionScore",
    "TrackingResult",
    "event_targets",
    "track_agreement",
]

PAM_LEVELS = ("not initiated", "minimal", "intermediate", "full")
"""The Peace Accords Matrix's implementation levels, 0 to 3."""


@dataclass(frozen=True)
class ProvisionScore:
    """The implementation score of one provision (an obligation of the agreement)."""

    id: str
    phase: str
    party: str
    what: str
    score: int
    assessed: dt.date | None
    violations_after: int
    violations: int

    @property
    def label(self) -> str:
        """Return the PAM level's name."""
        return PAM_LEVELS[self.score]

    def to_dict(self) -> dict[str, Any]:
        """Return the score as JSON-ready data."""
        return {
            "id": self.id,
            "phase": self.phase,
            "party": self.party,
            "what": self.what,
            "score": self.score,
            "label": self.label,
            "assessed": self.assessed.isoformat() if self.assessed else None,
            "violations": self.violations,
            "violations_after_assessment": self.violations_after,
        }


@dataclass(frozen=True)
class TrackingResult:
    """Scores of every provision, the aggregate 0-100 score and monthly counts."""

    agreement: str
    as_of: dt.date | None
    provisions: tuple[ProvisionScore, ...]
    events: int
    months: tuple[dict[str, Any], ...]

    @property
    def aggregate(self) -> float:
        """Return the PAM aggregate: sum of scores / (3 x number of provisions) x 100."""
        if not self.provisions:
            return 0.0
        return 100.0 * sum(p.score for p in self.provisions) / (3 * len(self.provisions))

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "agreement": self.agreement,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "provisions": [p.to_dict() for p in self.provisions],
            "aggregate": self.aggregate,
            "events": self.events,
            "months": list(self.months),
        }


def event_targets(agreement: Agreement, event: Event) -> tuple[str, ...]:
    """Return the obligation ids an event applies to (none when it names no provision)."""
    if event.provision is None:
        return ()
    for phase in agreement.phases:
        if phase.id == event.provision:
            own = [o.id for o in phase.obligations if o.party == event.party]
            return tuple(own) if own else tuple(o.id for o in phase.obligations)
    return (event.provision,)


def track_agreement(
    agreement: Agreement, events: Sequence[Event], *, as_of: dt.date | None = None
) -> TrackingResult:
    """Score an agreement's provisions from events, on the Peace Accords Matrix scale.

    Parameters
    ----------
    agreement : Agreement
    events : sequence of Event
        In any order; ties on a date keep their given order.
    as_of : datetime.date or None
        Ignore events after this date.
    """
    kept = [e for e in events if as_of is None or e.date <= as_of]
    ordered = sorted(enumerate(kept), key=lambda pair: (pair[1].date, pair[0]))
    by_provision: dict[str, list[Event]] = defaultdict(list)
    months: dict[str, dict[str, int]] = defaultdict(
        lambda: {"verified_violations": 0, "reported_incidents": 0, "fatalities": 0}
    )
    for _, event in ordered:
        for target in event_targets(agreement, event):
            by_provision[target].append(event)
        month = months[event.date.strftime("%Y-%m")]
        if event.kind == "violation":
            month["verified_violations"] += event.count
        elif event.kind == "report" and event.level is None:
            month["reported_incidents"] += event.count
        month["fatalities"] += event.fatalities or 0
    scores = []
    for phase in agreement.phases:
        for obligation in phase.obligations:
            history = by_provision.get(obligation.id, [])
            score, assessed = 0, None
            for event in history:
                if event.kind == "step" or (event.kind == "report" and event.level is not None):
                    score = 3 if event.level is None else event.level
                    assessed = event.date
            breaches = [e for e in history if e.kind == "violation" and e.count > 0]
            after = [e for e in breaches if assessed is not None and e.date > assessed]
            if after and score >= 1:
                score = max(score - 1, 1)
            scores.append(
                ProvisionScore(
                    id=obligation.id,
                    phase=phase.id,
                    party=obligation.party,
                    what=obligation.what,
                    score=score,
                    assessed=assessed,
                    violations_after=sum(e.count for e in after),
                    violations=sum(e.count for e in breaches),
                )
            )
    return TrackingResult(
        agreement=agreement.id,
        as_of=as_of,
        provisions=tuple(scores),
        events=len(kept),
        months=tuple({"month": m, **months[m]} for m in sorted(months)),
    )
