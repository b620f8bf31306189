"""Defaults every face shares (command line, API, pages, report), with no heavy imports.

The command line reads these for its option help before it imports any computation, so
this module imports nothing but the standard library.
"""

from __future__ import annotations

__all__ = [
    "ACCEPTANCE_RUNS",
    "ACCEPTANCE_SEED",
    "EVENT_FORMATS",
    "MAX_ACCEPTANCE_RUNS",
    "MAX_FORECAST_RUNS",
    "MODEL_NAMES",
    "STRATEGY_NAMES",
]

# The acceptance Monte Carlo's draws and seed (p_accept, p_pass, p_sign).
ACCEPTANCE_RUNS = 2000
ACCEPTANCE_SEED = 0
# Each draw keeps every actor's ideal points, saliences and reservation for reuse by every
# proposal and amendment of a command: 50,000 draws of ukraine-2025 peak near 250 MB (and
# give p_pass to within 0.5 percentage points at two standard errors).
MAX_ACCEPTANCE_RUNS = 50_000
# The forecast Monte Carlo streams in chunks (memory does not grow with the runs); the
# CLI, the API and the report take the same cap.
MAX_FORECAST_RUNS = 10_000_000
# The forecasting models, in the order of peacetalks.forecasting.registry.MODELS (a test
# keeps the two in step).
MODEL_NAMES = ("compromise", "median", "nash", "bdm", "bdm-scholz", "procedural", "smp")
# The event formats of ``peacetalks track`` (peacetalks.formats.events.EVENT_FORMATS).
EVENT_FORMATS = ("auto", "events", "osce", "acled", "ucdp")
# The negotiators' strategies (peacetalks.protocols.negotiators.STRATEGIES), sorted.
STRATEGY_NAMES = ("boulware", "conceder", "hardliner", "learner", "linear", "tit-for-tat")
