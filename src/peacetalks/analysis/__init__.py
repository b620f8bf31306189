"""Analysis kernels: pure NumPy functions on the compiled arrays, no I/O, no models.

Deals are option indices, one per issue. Most kernels take ``tables``: one array per
issue of shape ``(n_actors, n_options_i)`` holding each actor's salience-weighted utility
of each option, so that a deal's utility is the sum over issues.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.analysis.amend import (
        Amendment,
        AmendmentSearch,
        RedLineConflict,
        amendments,
    )
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
    from peacetalks.analysis.logroll import (
        Logroll,
        logrolls,
    )
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

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "Amendment": "peacetalks.analysis.amend",
    "AmendmentSearch": "peacetalks.analysis.amend",
    "RedLineConflict": "peacetalks.analysis.amend",
    "amendments": "peacetalks.analysis.amend",
    "BargainingSolution": "peacetalks.analysis.bargaining",
    "egalitarian_deal": "peacetalks.analysis.bargaining",
    "kalai_smorodinsky_deal": "peacetalks.analysis.bargaining",
    "nash_deal": "peacetalks.analysis.bargaining",
    "utilitarian_deal": "peacetalks.analysis.bargaining",
    "DealEvaluation": "peacetalks.analysis.evaluate",
    "blocking_issues": "peacetalks.analysis.evaluate",
    "deal_utilities": "peacetalks.analysis.evaluate",
    "evaluate_deal": "peacetalks.analysis.evaluate",
    "red_lines_crossed": "peacetalks.analysis.evaluate",
    "Logroll": "peacetalks.analysis.logroll",
    "logrolls": "peacetalks.analysis.logroll",
    "ParetoFront": "peacetalks.analysis.pareto",
    "additive_utilities": "peacetalks.analysis.pareto",
    "brute_force_front": "peacetalks.analysis.pareto",
    "enumerate_deals": "peacetalks.analysis.pareto",
    "pareto_front": "peacetalks.analysis.pareto",
    "pareto_mask": "peacetalks.analysis.pareto",
    "OptionPresence": "peacetalks.analysis.zopa",
    "ZopaCount": "peacetalks.analysis.zopa",
    "zopa_count": "peacetalks.analysis.zopa",
    "zopa_option_presence": "peacetalks.analysis.zopa",
    "zopa_sample": "peacetalks.analysis.zopa",
}

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

__getattr__ = _lazy.exports(__name__, _WHERE)
