"""Analysis kernels: pure NumPy functions on the compiled arrays, no I/O, no models.

Deals are option indices, one per issue. Most kernels take ``tables``: one array per
issue of shape ``(n_actors, n_options_i)`` holding each actor's salience-weighted utility
of each option, so that a deal's utility is the sum over issues.
"""

from peacetalks.analysis.amend import Amendment, AmendmentSearch, RedLineConflict, amendments
from peacetalks.analysis.bargaining import (
    BargainingSolution,
    egalitarian_deal,
    kalai_smorodinsky_deal,
    nash_deal,
    utilitarian_deal,
)
from peacetalks.analysis.evaluate import (
    DealEvaluation,
    blocking_issues,
    deal_utilities,
    evaluate_deal,
    red_lines_crossed,
)
from peacetalks.analysis.logroll import Logroll, logrolls
from peacetalks.analysis.pareto import (
    ParetoFront,
    additive_utilities,
    brute_force_front,
    enumerate_deals,
    pareto_front,
    pareto_mask,
)
from peacetalks.analysis.zopa import (
    OptionPresence,
    ZopaCount,
    zopa_count,
    zopa_option_presence,
    zopa_sample,
)

__all__ = [
    "Amendment",
    "AmendmentSearch",
    "BargainingSolution",
    "DealEvaluation",
    "Logroll",
    "OptionPresence",
    "ParetoFront",
    "RedLineConflict",
    "ZopaCount",
    "additive_utilities",
    "amendments",
    "blocking_issues",
    "brute_force_front",
    "deal_utilities",
    "egalitarian_deal",
    "enumerate_deals",
    "evaluate_deal",
    "kalai_smorodinsky_deal",
    "logrolls",
    "nash_deal",
    "pareto_front",
    "pareto_mask",
    "red_lines_crossed",
    "utilitarian_deal",
    "zopa_count",
    "zopa_option_presence",
    "zopa_sample",
]
