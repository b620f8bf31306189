"""Phased agreements: stress tests of their implementation, and tracking of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.agreements.simulation import (
        Design,
        RunOutcomes,
        StressParameters,
        compile_design,
        simulate,
    )
    from peacetalks.agreements.stress import (
        Comparison,
        PhaseReach,
        StressResult,
        compare_designs,
        find_agreement,
        stress_test,
        wilson_interval,
    )
    from peacetalks.agreements.tracking import (
        ProvisionScore,
        TrackingResult,
        event_targets,
        track_agreement,
    )

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "Design": "peacetalks.agreements.simulation",
    "RunOutcomes": "peacetalks.agreements.simulation",
    "StressParameters": "peacetalks.agreements.simulation",
    "compile_design": "peacetalks.agreements.simulation",
    "simulate": "peacetalks.agreements.simulation",
    "Comparison": "peacetalks.agreements.stress",
    "PhaseReach": "peacetalks.agreements.stress",
    "StressResult": "peacetalks.agreements.stress",
    "compare_designs": "peacetalks.agreements.stress",
    "find_agreement": "peacetalks.agreements.stress",
    "stress_test": "peacetalks.agreements.stress",
    "wilson_interval": "peacetalks.agreements.stress",
    "ProvisionScore": "peacetalks.agreements.tracking",
    "TrackingResult": "peacetalks.agreements.tracking",
    "event_targets": "peacetalks.agreements.tracking",
    "track_agreement": "peacetalks.agreements.tracking",
}

__all__ = [
    "Comparison",
    "Design",
    "PhaseReach",
    "ProvisionScore",
    "RunOutcomes",
    "StressParameters",
    "StressResult",
    "TrackingResult",
    "compare_designs",
    "compile_design",
    "event_targets",
    "find_agreement",
    "simulate",
    "stress_test",
    "track_agreement",
    "wilson_interval",
]

__getattr__ = _lazy.exports(__name__, _WHERE)
