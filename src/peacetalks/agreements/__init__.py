"""Phased agreements: stress tests of their implementation, and tracking of it."""

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
