"""Analysis kernels: pure NumPy functions on the compiled arrays, no I/O, no models."""

from peacetalks.analysis.evaluate import (
    DealEvaluation,
    blocking_issues,
    deal_utilities,
    evaluate_deal,
    red_lines_crossed,
)

__all__ = [
    "DealEvaluation",
    "blocking_issues",
    "deal_utilities",
    "evaluate_deal",
    "red_lines_crossed",
]
