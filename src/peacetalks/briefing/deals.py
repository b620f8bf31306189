"""The deal space of a scenario: Pareto front, fair compromises, ZOPA, amendments, logrolls.

Joins the scenario with the analysis kernels and names everything by id. Every function
returns JSON-ready data; deals are given as ``deal`` (issue id to option id), ``options``
(option ids in issue order) and ``utilities`` (one number per actor, in the scenario's
actor order, or in the order of ``actors`` when the analysis is among veto holders only).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from peacetalks.analysis.acceptance import AcceptanceInputs
from peacetalks.analysis.amend import Amendment, AmendmentSearch, amendments
from peacetalks.analysis.bargaining import (
    BargainingSolution,
    egalitarian_deal,
    kalai_smorodinsky_deal,
    nash_deal,
    utilitarian_deal,
)
from peacetalks.analysis.halves import largest_total_front
from peacetalks.analysis.logroll import logrolls
from peacetalks.analysis.pareto import (
    ParetoFront,
    additive_utilities,
    pareto_front,
    pareto_mask,
    total_order,
    unique_deals,
)
from peacetalks.analysis.zopa import zopa_count, zopa_option_presence, zopa_sample
from peacetalks.briefing.proposals import find_proposal
from peacetalks.briefing.robustness import (
    ACCEPTANCE_RUNS,
    ACCEPTANCE_SEED,
    acceptance_inputs,
    deal_robustness,
    describe_chance,
)
from peacetalks.errors import FrontTooLargeError, ParameterError
from peacetalks.scenario.compile import CompiledScenario
from peacetalks.scenario.models import Scenario

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

__all__ = [
    "Among",
    "amendment_data",
    "bargaining_data",
    "deal_amendment",
    "deal_data",
    "logroll_data",
    "pareto_data",
    "rational_front",
    "zopa_data",
]

Among = Literal["all", "veto"]
RULES = {
    "nash": nash_deal,
    "ks": kalai_smorodinsky_deal,
    "egalitarian": egalitarian_deal,
    "utilitarian": utilitarian_deal,
}


_RULE_SUBJECTS = {
    "nash": "the Nash deal",
    "ks": "the Kalai-Smorodinsky deal",
    "egalitarian": "the egalitarian deal",
    "utilitarian": "the utilitarian deal",
}


class _Space:
    """The tables of a scenario, restricted to the actors an analysis is among."""

    def __init__(self, compiled: CompiledScenario, among: Among):
        if among not in ("all", "veto"):
            msg = f"The 'among' parameter must be 'all' or 'veto'. Got {among!r} instead."
            raise ParameterError(msg, parameter="among", value=among)
        rows = np.arange(compiled.n_actors) if among == "all" else np.flatnonzero(compiled.veto)
        if rows.size == 0:
            msg = "The scenario has no veto holder, so an analysis among veto holders is empty."
            raise ParameterError(msg, parameter="among", value=among)
        self.compiled = compiled
        self.rows = rows
        self.actor_ids = [compiled.actor_ids[r] for r in rows]
        self.tables = [t[rows] for t in compiled.tables()]
        self.admissible = [a[rows] for a in compiled.admissible()]
        self.reservations = compiled.reservations[rows]


def deal_data(
    compiled: CompiledScenario, deal: npt.ArrayLike, utilities: npt.ArrayLike
) -> dict[str, Any]:
    """Return one deal as JSON-ready data: ``deal``, ``options`` and ``utilities``."""
    indices = [int(o) for o in np.asarray(deal)]
    options = [compiled.option_ids[i][o] for i, o in enumerate(indices)]
    return {
        "deal": dict(zip(compiled.issue_ids, options, strict=True)),
        "options": options,
        "utilities": [float(u) for u in np.asarray(utilities, dtype=np.float64)],
    }


# Random deals drawn and filtered at a time by the sampled front: memory stays near
# chunk x issues bytes (options fit one byte up to 256) whatever the sample's size (a
# million deals of 200 issues at once took 4.8 GB).
_SAMPLE_CHUNK = 50_000
# Sampled deals kept between the two filters, in issue cells (one to eight bytes each).
_SAMPLE_DEAL_CELLS = 20_000_000


def _sampled_front(
    space: _Space, n: int, rng: np.random.Generator, *, rational: bool = False
) -> ParetoFront:
    """Return the non-dominated deals of ``n`` uniform random deals, drawn in chunks.

    With ``rational``, only the sampled deals above every reservation that cross no red
    line count (as the exact front with ``individually_rational``).

    Each chunk is filtered on its own first (a deal dominated in its chunk is not on the
    sample's front), and the survivors' utilities are filtered together once at the end.
    The survivors' deals are kept while they fit :data:`_SAMPLE_DEAL_CELLS`; past that
    (most of the sample non-dominated, as with ten actors) only their utilities are, and
    a second pass draws the same chunks again from the generator's saved state to pick
    the deals out. (Filtering everything kept again after every chunk cost a quadratic
    amount of work in that case: 43 s for a sample of ten actors.)
    """
    counts = [t.shape[1] for t in space.tables]
    start_state = rng.bit_generator.state
    # The smallest integer type that holds an option index: a chunk of 400 issues is
    # 20 MB, not 160 MB (and the draws per issue, made one at a time, do not add up).
    cell = np.min_scalar_type(max(counts, default=1) - 1)

    def draws() -> Iterator[IntArray]:
        for start in range(0, n, _SAMPLE_CHUNK):
            size = min(_SAMPLE_CHUNK, n - start)
            drawn = np.empty((size, len(counts)), dtype=cell)
            for i, c in enumerate(counts):  # the same stream as drawing all at once
                drawn[:, i] = rng.integers(c, size=size)
            yield drawn

    survivors: list[IntArray] = []  # per chunk, the rows that survive its own filter
    parts: list[FloatArray] = []
    kept_deals: list[IntArray] | None = []
    cells = 0
    for drawn in draws():
        values = additive_utilities(space.tables, drawn)
        ok = np.ones(drawn.shape[0], dtype=np.bool_)
        if rational:
            ok &= (values >= space.reservations - 1e-12).all(axis=1)
            for i, allowed in enumerate(space.admissible):
                ok &= allowed[:, drawn[:, i]].all(axis=0)
        rows = np.flatnonzero(ok)
        rows = rows[pareto_mask(values[rows])]
        survivors.append(rows)
        parts.append(values[rows])
        cells += rows.size * len(counts)
        if kept_deals is not None and cells <= _SAMPLE_DEAL_CELLS:
            kept_deals.append(drawn[rows])
        else:
            kept_deals = None
    utilities = np.concatenate(parts) if parts else np.empty((0, space.reservations.shape[0]))
    keep = pareto_mask(utilities)
    del parts, utilities
    # Of each chunk's survivors, those the last filter keeps.
    ends = np.cumsum([rows.size for rows in survivors])
    on_front = [keep[end - rows.size : end] for rows, end in zip(survivors, ends, strict=True)]
    if kept_deals is None:
        # Only the front's rows of each chunk drawn again (its survivors may not fit).
        rng.bit_generator.state = start_state
        chunks = zip(draws(), survivors, on_front, strict=True)
        stored = [drawn[rows[mask]] for drawn, rows, mask in chunks]
    else:
        stored = [chunk[mask] for chunk, mask in zip(kept_deals, on_front, strict=True)]
    deals = np.concatenate(stored) if stored else np.empty((0, len(counts)), dtype=np.intp)
    deals = unique_deals(deals, counts)
    return ParetoFront(deals=deals, utilities=additive_utilities(space.tables, deals))


def _sampled_reason(error: FrontTooLargeError, sample: int, rational: bool) -> str:
    """Say, in the terms of the command and the API, why the front listed is sampled."""
    if error.estimate is not None:
        size = f"would grow to about {error.estimate:,} deals"
    else:
        size = f"passed {error.size:,} deals after {error.issues_done or 0} issue(s)"
    hint = (
        ""
        if rational
        else " Asking only for deals above every reservation ('rational', --rational on the "
        "command line) often makes it small enough to compute exactly."
    )
    return (
        f"The exact Pareto front {size}, more than the {error.max_points:,} kept in memory "
        f"(max_points={error.max_points:,}). The deals listed are the non-dominated deals of a "
        f"uniform sample of {sample:,} deals, not the exact front.{hint}"
    )


def pareto_data(
    compiled: CompiledScenario,
    *,
    among: Among = "all",
    rational: bool = False,
    limit: int | None = 1000,
    max_points: int = 1_000_000,
    sample: int = 1_000_000,
    rng: np.random.Generator | int | None = None,
    front: ParetoFront | None = None,
    count: bool = True,
) -> dict[str, Any]:
    """Return the Pareto-optimal deals (exact), or a sampled front when it is too large.

    The deals are listed by total utility over the actors, largest first (then in deal
    order), so the first ``limit`` are the same whichever way they were found.

    Parameters
    ----------
    compiled : CompiledScenario
    among : {"all", "veto"}
        Whose utilities count.
    rational : bool
        Keep only deals above every reservation that cross no red line.
    limit : int or None
        List at most this many deals.
    max_points : int
        Memory bound of the exact front; past it a front of ``sample`` random deals is
        returned instead, marked ``exact: false``.
    sample : int
        Number of random deals for the sampled front.
    rng : numpy.random.Generator, int or None
        Seed of the sample.
    front : ParetoFront, optional
        The exact front, when already computed (see :func:`rational_front`).
    count : bool
        Count the whole front. With ``rational`` and a ``limit``, False finds the listed
        deals without building the whole front (:func:`largest_total_front`, much faster
        on large spaces) and leaves ``count`` None.

    Returns
    -------
    dict
        ``actors``, ``rational``, ``exact``, ``count`` (None when not counted), ``order``,
        ``deals`` (at most ``limit``) and, when the exact front did not fit, ``reason``.
    """
    space = _Space(compiled, among)
    result: dict[str, Any] = {
        "actors": space.actor_ids,
        "rational": rational,
        "exact": True,
        "order": "total utility, largest first",
    }
    if front is None and not count and rational and limit is not None:
        top = largest_total_front(
            space.tables,
            space.reservations,
            space.admissible,
            limit,
            max_points=max_points,
        )
        if top is not None:
            result["count"] = None
            result["deals"] = [
                deal_data(compiled, d, u) for d, u in zip(top.deals, top.utilities, strict=True)
            ]
            return result
    try:
        if front is None:
            front = pareto_front(
                space.tables,
                reservations=space.reservations,
                admissible=space.admissible,
                individually_rational=rational,
                max_points=max_points,
            )
    except FrontTooLargeError as e:
        front = _sampled_front(space, sample, np.random.default_rng(rng), rational=rational)
        result["exact"] = False
        result["reason"] = _sampled_reason(e, sample, rational)
    shown = len(front) if limit is None else min(limit, len(front))
    result["count"] = len(front)
    order = total_order(front.deals, front.utilities)[:shown]
    result["deals"] = [deal_data(compiled, front.deals[k], front.utilities[k]) for k in order]
    return result


# The fronts computed for a compiled scenario, by (among, max_points): analyze, the report
# and the deal space ask for the same front several times in one command.
_FRONTS: weakref.WeakKeyDictionary[CompiledScenario, dict[tuple[str, int], ParetoFront]] = (
    weakref.WeakKeyDictionary()
)


def rational_front(
    compiled: CompiledScenario, *, among: Among = "all", max_points: int = 1_000_000
) -> ParetoFront:
    """Return the exact front of the deals above every reservation that cross no red line.

    Computed once per compiled scenario, ``among`` and ``max_points``, and shared.
    """
    cached = _FRONTS.setdefault(compiled, {})
    key = (among, max_points)
    if key not in cached:
        space = _Space(compiled, among)
        cached[key] = pareto_front(
            space.tables,
            reservations=space.reservations,
            admissible=space.admissible,
            individually_rational=True,
            max_points=max_points,
        )
    return cached[key]


def bargaining_data(
    compiled: CompiledScenario,
    rules: Sequence[str] = ("nash", "ks", "egalitarian", "utilitarian"),
    *,
    among: Among = "all",
    max_points: int = 1_000_000,
    front: ParetoFront | None = None,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
    inputs: AcceptanceInputs | None = None,
) -> dict[str, Any]:
    """Return the fair compromises (Nash, Kalai-Smorodinsky, egalitarian, utilitarian).

    Each is computed exactly over the deals above every reservation (among the chosen
    actors): on ``front`` when given (from :func:`rational_front`), else without building
    the whole front (see :mod:`peacetalks.analysis.halves`). An entry is
    None, with a ``reason``, when no deal gives every actor at least its reservation; ties
    are listed under ``ties``. Each compromise carries its robustness under the stated
    ranges, as ``evaluate`` gives it: ``p_accept`` per actor, ``p_pass``, ``fragile`` and
    ``deciding`` (``runs`` draws, ``seed``).
    """
    space = _Space(compiled, among)
    result: dict[str, Any] = {"actors": space.actor_ids}
    for rule in rules:
        if rule not in RULES:
            msg = f"Unknown bargaining rule {rule!r}. Expected one of: {', '.join(RULES)}."
            raise ParameterError(msg, parameter="rules", value=rule)
        # Without a front at hand, each rule searches the pairs of two half-spaces'
        # fronts, which hold the whole front (peacetalks.analysis.halves): same deals.
        kwargs: dict[str, Any] = {
            "admissible": space.admissible,
            "front": front,
            "max_points": max_points,
        }
        if rule == "utilitarian":
            kwargs["individually_rational"] = True
        solution: BargainingSolution = RULES[rule](space.tables, space.reservations, **kwargs)
        if solution.is_empty:
            result[rule] = None
            result[f"{rule}_reason"] = (
                "no deal gives every actor at least its reservation and crosses no red line"
            )
            continue
        entry = deal_data(compiled, solution.deals[0], solution.utilities[0])
        entry["value"] = solution.value
        if runs > 0:
            if inputs is None:
                inputs = acceptance_inputs(compiled, runs=runs, seed=seed)
            robust = deal_robustness(
                compiled, solution.deals[0].astype(np.int64), runs=runs, seed=seed, inputs=inputs
            )
            entry["p_accept"] = dict(zip(compiled.actor_ids, robust.p_accept, strict=True))
            entry["p_pass"] = robust.p_pass
            entry["fragile"] = robust.fragile
            entry["deciding"] = [d.to_dict() for d in robust.deciding]
            entry["robustness"] = describe_chance(robust.p_pass, robust.runs, robust.seed) + (
                f"; {robust.deciding[0].describe(_RULE_SUBJECTS[rule])}" if robust.deciding else ""
            )
        entry["ties"] = [
            deal_data(compiled, solution.deals[k], solution.utilities[k])
            for k in range(1, len(solution))
        ]
        result[rule] = entry
    return result


def zopa_data(
    compiled: CompiledScenario,
    *,
    sample: int = 5,
    rng: np.random.Generator | int | None = None,
) -> dict[str, Any]:
    """Return the zone of possible agreement: deals every veto holder accepts.

    ``count`` is exact when ``exact`` is true (else None, with ``estimate`` and its 95%
    ``interval``); ``options`` lists per issue the options that occur in the zone;
    ``sample`` holds deals drawn uniformly from it.
    """
    generator = np.random.default_rng(rng)
    tables, admissible = compiled.tables(), compiled.admissible()
    kwargs: dict[str, Any] = {"veto": compiled.veto, "admissible": admissible}
    counted = zopa_count(tables, compiled.reservations, rng=generator, **kwargs)
    presence = zopa_option_presence(tables, compiled.reservations, **kwargs)
    found = (counted.count or 0) > 0 or counted.estimate > 0
    drawn = (
        zopa_sample(tables, compiled.reservations, sample, rng=generator, **kwargs)
        if found and sample > 0
        else np.empty((0, compiled.n_issues), dtype=np.intp)
    )
    all_utilities = additive_utilities(tables, drawn) if len(drawn) else np.empty((0, 0))
    return {
        "veto_holders": [a for a, v in zip(compiled.actor_ids, compiled.veto, strict=True) if v],
        "count": counted.count,
        "estimate": counted.estimate,
        "interval": list(counted.interval),
        "total": counted.total,
        "fraction": counted.estimate / counted.total if counted.total else 0.0,
        "exact": counted.exact,
        "options": {
            issue: [compiled.option_ids[i][o] for o in np.flatnonzero(presence.present[i])]
            for i, issue in enumerate(compiled.issue_ids)
        },
        "options_exact": presence.exact,
        "sample": [deal_data(compiled, d, u) for d, u in zip(drawn, all_utilities, strict=True)],
    }


def _clean(value: float) -> float:
    """Return ``value`` rounded to 12 decimals, so that float noise prints as 0."""
    return round(value, 12) + 0.0


def _proposal_indices(
    scenario: Scenario, compiled: CompiledScenario, proposal_id: str
) -> npt.NDArray[np.int64]:
    indices, _ = compiled.deal_indices(find_proposal(scenario, proposal_id).deal)
    return indices


def amendment_data(
    scenario: Scenario,
    compiled: CompiledScenario,
    proposal_id: str,
    *,
    limit: int = 5,
    max_changes: int | None = None,
    runs: int = ACCEPTANCE_RUNS,
    seed: int = ACCEPTANCE_SEED,
    inputs: AcceptanceInputs | None = None,
) -> dict[str, Any]:
    """Return the smallest changes to a proposal that every veto holder would accept.

    Fewest issues changed first; amendments that another of the same size beats for every
    actor are dropped; the rest are ranked by the loss of the proposal's authors, then the
    largest loss to any actor, then the utility moved (see
    :mod:`peacetalks.analysis.amend`). Each amendment carries ``p_pass``, its probability
    of passing every veto under the stated ranges (``runs`` draws, ``seed``). When none
    exists, ``possible`` is false and ``conflicts`` names the issues whose veto holders'
    red lines exclude every option, ``unreachable`` the veto holders no deal can satisfy.
    """
    proposal = find_proposal(scenario, proposal_id)
    base, _ = compiled.deal_indices(proposal.deal)
    authors = [compiled.actor_ids.index(a) for a in proposal.authors]
    search = _search(compiled, base, authors=authors, limit=limit, max_changes=max_changes)
    if search.amendments and inputs is None:
        inputs = acceptance_inputs(compiled, runs=runs, seed=seed)
    found = []
    for amendment in search.amendments:
        entry = deal_data(compiled, amendment.deal, amendment.utilities)
        entry["changed"] = [compiled.issue_ids[i] for i in amendment.changed]
        entry["changes"] = _changes(compiled, base, amendment)
        entry["moved"] = amendment.moved
        entry["author_loss"] = _clean(amendment.author_loss)
        entry["worst_loss"] = _clean(amendment.worst_loss)
        robust = deal_robustness(
            compiled, amendment.deal.astype(np.int64), runs=runs, seed=seed, inputs=inputs
        )
        entry["p_pass"] = robust.p_pass
        entry["fragile"] = robust.fragile
        found.append(entry)
    return {
        "proposal": proposal_id,
        "authors": list(proposal.authors),
        "possible": search.possible,
        "n_changes": search.n_changes,
        "complete": search.complete,
        "ranking": (
            "fewest issues changed; amendments another of the same size beats for every "
            "actor dropped; then least loss to the proposal's authors, least loss to any "
            "actor, least utility moved"
        ),
        "found": search.found,
        "dominated": search.dominated,
        "monte_carlo": {"runs": runs, "seed": seed, "distribution": "triangular"},
        "amendments": found,
        "conflicts": [
            {
                "issue": compiled.issue_ids[c.issue],
                "red_lines": {
                    compiled.option_ids[c.issue][o]: [compiled.actor_ids[a] for a in actors]
                    for o, actors in enumerate(c.actors_by_option)
                },
            }
            for c in search.conflicts
        ],
        "unreachable": [compiled.actor_ids[a] for a in search.unreachable],
    }


def _search(
    compiled: CompiledScenario,
    base: npt.NDArray[np.int64],
    *,
    authors: Sequence[int],
    limit: int,
    max_changes: int | None,
) -> AmendmentSearch:
    """Run the amendment search on a compiled scenario's tables, vetoes and red lines."""
    return amendments(
        compiled.tables(),
        base,
        compiled.reservations,
        veto=compiled.veto,
        admissible=compiled.admissible(),
        authors=authors,
        limit=limit,
        max_changes=max_changes,
    )


def _changes(
    compiled: CompiledScenario, base: npt.NDArray[np.int64], amendment: Amendment
) -> dict[str, dict[str, str]]:
    """Return an amendment's changes as ``{issue: {"from": option, "to": option}}``."""
    return {
        compiled.issue_ids[i]: {
            "from": compiled.option_ids[i][int(base[i])],
            "to": compiled.option_ids[i][int(amendment.deal[i])],
        }
        for i in amendment.changed
    }


def deal_amendment(compiled: CompiledScenario, deal: Mapping[str, str]) -> dict[str, Any]:
    """Return the smallest change to a deal that every veto holder would accept.

    The same search as :func:`amendment_data` (fewest issues changed, dominated changes
    dropped), without authors to protect and without the Monte Carlo, so that the deal
    builder can ask on every pick.

    Returns
    -------
    dict
        ``possible``, ``n_changes`` (0 when the deal passes as it is), and ``changes``
        (``{issue: {"from", "to"}}``) of the best-ranked amendment, empty when none.
    """
    base, _ = compiled.deal_indices(deal)
    search = _search(compiled, base, authors=(), limit=1, max_changes=None)
    best = search.amendments[0] if search.amendments else None
    return {
        "possible": search.possible,
        "n_changes": search.n_changes,
        "changes": {} if best is None else _changes(compiled, base, best),
    }


def logroll_data(
    scenario: Scenario,
    compiled: CompiledScenario,
    *,
    base: str | None = None,
    among: Among = "all",
    limit: int = 10,
    worth_proposing: bool = True,
) -> dict[str, Any]:
    """Return two-issue logrolls from a base deal, best joint gain (of the traders) first.

    The base is a proposal (by id) or, when None, every issue's default option. Trades are
    between any two actors, or between veto holders only. With ``worth_proposing`` (the
    default) a trade that crosses a red line of any veto holder or leaves a veto holder
    worse off is dropped; without it, every trade is listed and ``hurts`` names the veto
    holders it leaves worse off. Each trade lists every actor's gain (rounded to 12
    decimals, so that float noise prints as 0).
    """
    if base is not None:
        indices = _proposal_indices(scenario, compiled, base)
    else:
        missing = [
            issue
            for issue, d in zip(compiled.issue_ids, compiled.default_options, strict=True)
            if d < 0
        ]
        if missing:
            msg = (
                "Logrolls start from each issue's default option, but issue(s) "
                f"{', '.join(missing)} have none. Name a proposal to start from (--base ID)."
            )
            raise ParameterError(msg, parameter="base", value=None)
        indices, _ = compiled.deal_indices({})
    traders = _Space(compiled, among).rows.tolist()
    found = logrolls(
        compiled.tables(),
        indices,
        admissible=compiled.admissible(),
        actors=traders,
        protect=compiled.veto if worth_proposing else None,
        limit=limit,
    )
    trades = []
    for roll in found:
        (a, b), (i, j), (x, y) = roll.actors, roll.issues, roll.options
        utilities = additive_utilities(compiled.tables(), roll.deal[None, :])[0]
        entry = deal_data(compiled, roll.deal, utilities)
        entry.update(
            {
                "actors": [compiled.actor_ids[a], compiled.actor_ids[b]],
                "issues": [compiled.issue_ids[i], compiled.issue_ids[j]],
                "trade": {
                    compiled.issue_ids[i]: compiled.option_ids[i][x],
                    compiled.issue_ids[j]: compiled.option_ids[j][y],
                },
                "gains": {
                    actor: _clean(float(g))
                    for actor, g in zip(compiled.actor_ids, roll.gains, strict=True)
                },
                "joint_gain": _clean(roll.joint_gain),
                "hurts": [
                    compiled.actor_ids[k]
                    for k in np.flatnonzero(compiled.veto & (roll.gains < -1e-12))
                ],
            }
        )
        trades.append(entry)
    base_deal = {
        issue: compiled.option_ids[i][int(indices[i])] for i, issue in enumerate(compiled.issue_ids)
    }
    return {
        "base": base or "defaults",
        "base_deal": base_deal,
        "worth_proposing": worth_proposing,
        "trades": trades,
    }
