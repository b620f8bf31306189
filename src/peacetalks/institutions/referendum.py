"""Referendums: an electorate's share in favour with a range, and the chance it passes.

A referendum body may give, instead of members' votes, the electorate's expected share
of the votes cast in favour with a range (``electorate`` in the body; see
:class:`~peacetalks.scenario.bodies.ElectorateCase`), and the expected turnout with a
range when the rule has a turnout ``quorum``. The share (and the turnout) is taken to
follow a triangular distribution on its range with the expected value as its mode, the
distribution every Monte Carlo of peacetalks draws stated ranges from
(:func:`~peacetalks.analysis.sampling.draw_in_ranges`). The referendum passes when the
share is above one half and the turnout reaches the quorum; share and turnout are taken
to be independent. :meth:`ElectorateShare.p_pass` is the closed form of that probability;
:meth:`ElectorateShare.draws` draws it run by run, for Monte Carlos that need joint
outcomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.sampling import draw_in_ranges
from peacetalks.scenario.bodies import Body, ElectorateCase, case_applies

__all__ = ["ElectorateShare", "electorate_share", "p_above"]

BoolArray = npt.NDArray[np.bool_]

#: A referendum passes with more than this share of the votes cast in favour.
MAJORITY = 0.5


def p_above(value: float, low: float, high: float, threshold: float, *, strict: bool) -> float:
    """Return the probability that a triangular draw is above a threshold.

    Parameters
    ----------
    value : float
        The mode (the stated value).
    low, high : float
        The ends of the range, widened to contain ``value`` if needed.
    threshold : float
    strict : bool
        Whether the draw must exceed the threshold (``>``) or may equal it (``>=``); this
        matters only when the range is a single point.

    Returns
    -------
    float
        In [0, 1].
    """
    a, c, b = min(low, value), value, max(high, value)
    if b == a:
        return float(c > threshold if strict else c >= threshold)
    if threshold <= a:
        return 1.0
    if threshold >= b:
        return 0.0
    if threshold <= c:
        return 1.0 - (threshold - a) ** 2 / ((b - a) * (c - a))
    return (b - threshold) ** 2 / ((b - a) * (b - c))


@dataclass(frozen=True)
class ElectorateShare:
    """The electorate's share in favour that decides a referendum on one deal.

    Attributes
    ----------
    share : float
        Expected share of the votes cast in favour.
    low, high : float
        Its range (both ``share`` when no range is given).
    turnout : float or None
        Expected share of the electorate that votes.
    turnout_low, turnout_high : float or None
        Its range.
    quorum : float or None
        The turnout the rule needs, if any.
    case : ElectorateCase
        The case of the body that applies (with its source or judgement and note).
    """

    share: float
    low: float
    high: float
    turnout: float | None
    turnout_low: float | None
    turnout_high: float | None
    quorum: float | None
    case: ElectorateCase

    @property
    def passes(self) -> bool:
        """Return whether the referendum passes at the expected share and turnout."""
        return self.share > MAJORITY and self.reaches_quorum

    @property
    def reaches_quorum(self) -> bool:
        """Return whether the expected turnout reaches the quorum (True without one)."""
        return self.quorum is None or (self.turnout is not None and self.turnout >= self.quorum)

    @property
    def p_pass(self) -> float:
        """Return the probability that the referendum passes (closed form)."""
        p = p_above(self.share, self.low, self.high, MAJORITY, strict=True)
        if self.quorum is not None:
            if self.turnout is None:
                return 0.0
            low = self.turnout_low if self.turnout_low is not None else self.turnout
            high = self.turnout_high if self.turnout_high is not None else self.turnout
            p *= p_above(self.turnout, low, high, self.quorum, strict=False)
        return p

    def draws(self, n_runs: int, rng: np.random.Generator) -> BoolArray:
        """Return whether the referendum passes in each of ``n_runs`` draws.

        Parameters
        ----------
        n_runs : int
        rng : numpy.random.Generator

        Returns
        -------
        ndarray of bool, shape (n_runs,)
        """
        shares = draw_in_ranges(rng, np.array(self.share), np.array([self.low, self.high]), n_runs)
        passes: BoolArray = shares > MAJORITY
        if self.quorum is not None:
            if self.turnout is None:
                return np.zeros(n_runs, dtype=bool)
            low = self.turnout_low if self.turnout_low is not None else self.turnout
            high = self.turnout_high if self.turnout_high is not None else self.turnout
            turnouts = draw_in_ranges(rng, np.array(self.turnout), np.array([low, high]), n_runs)
            passes &= turnouts >= self.quorum
        return passes

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "share": self.share,
            "range": [self.low, self.high],
            "turnout": self.turnout,
            "turnout_range": (
                [self.turnout_low, self.turnout_high] if self.turnout_low is not None else None
            ),
            "quorum": self.quorum,
            "p_pass": self.p_pass,
            "when": {issue: list(options) for issue, options in self.case.when.items()},
            "source": self.case.source,
            "judgement": self.case.judgement,
            "note": self.case.note,
        }


def electorate_share(body: Body, deal: Mapping[str, str]) -> ElectorateShare | None:
    """Return the electorate's share that decides the body on this deal, if it has one.

    The first of the body's ``electorate`` cases whose ``when`` the deal meets applies;
    ``None`` when none does (the members then vote as members).

    Parameters
    ----------
    body : Body
        A complete body.
    deal : mapping of str to str
        Issue id to option id, for every issue.
    """
    for case in body.electorate:
        if case_applies(case.when, deal):
            low, high = case.range if case.range is not None else (case.share, case.share)
            turnout_low, turnout_high = (
                case.turnout_range
                if case.turnout_range is not None
                else (case.turnout, case.turnout)
            )
            return ElectorateShare(
                share=case.share,
                low=min(low, case.share),
                high=max(high, case.share),
                turnout=case.turnout,
                turnout_low=turnout_low,
                turnout_high=turnout_high,
                quorum=body.rule.quorum if body.rule is not None else None,
                case=case,
            )
    return None
