"""The readable summary of a finished run: a few sentences and the main figures as tables.

Each analysis' JSON document (what the matching command prints with ``--json``) is
summarised by its own function: the sentences say the result, the tables hold the main
figures (per actor, issue, phase, proposal or snapshot). The whole document stays
downloadable beside it; this is a reading aid, not a second format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KIND_TITLES", "Summary", "Table", "summarise"]

# What each analysis is called on the pages, and the command it matches.
KIND_TITLES: dict[str, str] = {
    "evaluate": "Evaluate a proposal",
    "deals": "Deal space",
    "forecast": "Forecast",
    "ratify": "Ratification",
    "stress": "Stress test",
    "negotiate": "Simulated negotiation",
    "compare": "Compare proposals",
    "timeline": "Timeline of the series",
}

_MAX_ROWS = 50


@dataclass(frozen=True)
class Table:
    """One table of a summary: its caption, column headings and rows of text."""

    id: str
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    more: int = 0


@dataclass
class Summary:
    """What the run page shows of a result: sentences, then tables."""

    sentences: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "\N{EN DASH}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _signed(value: Any) -> str:
    return "\N{EN DASH}" if value is None else f"{float(value):+.2f}"


def _share(value: Any) -> str:
    return "\N{EN DASH}" if value is None else f"{float(value):.0%}"


def _names(items: Any) -> str:
    return ", ".join(str(item) for item in items or []) or "nobody"


def _table(
    table_id: str, caption: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]
) -> Table:
    kept = list(rows[:_MAX_ROWS])
    return Table(table_id, caption, columns, kept, max(0, len(rows) - _MAX_ROWS))


def _actors_table(actors: list[dict[str, Any]], table_id: str) -> Table:
    rows = [
        (
            str(a.get("name") or a["id"]),
            "yes" if a.get("veto") else "no",
            _num(a.get("utility")),
            _num(a.get("reservation")),
            _signed(a.get("margin")),
            _num(a.get("p_accept")),
            "accepts" if a.get("acceptable") else "rejects",
        )
        for a in actors
    ]
    columns = ("Actor", "Veto", "Utility", "Reservation", "Margin", "P(accept)", "Verdict")
    return _table(table_id, "Each actor's utility against its reservation", columns, rows)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _evaluate(doc: dict[str, Any]) -> Summary:
    names = {a["id"]: a.get("name") or a["id"] for a in doc.get("actors", [])}
    blockers = [names.get(b, b) for b in doc.get("blockers") or []]
    verdict = "passes every veto" if doc.get("passes") else f"is blocked by {_names(blockers)}"
    summary = Summary([f"“{doc.get('title') or doc.get('id')}” {verdict}."])
    if doc.get("robustness"):
        summary.sentences.append(_sentence(f"It {doc['robustness']}"))
    summary.tables.append(_actors_table(doc.get("actors", []), "summary-actors"))
    return summary


def _deal_row(rule: str, item: dict[str, Any]) -> tuple[str, ...]:
    deal = item.get("deal") or {}
    options = ", ".join(f"{issue}: {option}" for issue, option in deal.items())
    return (rule, options, _num(item.get("p_pass")))


def _deals(doc: dict[str, Any]) -> Summary:
    summary = Summary()
    info = doc.get("pareto_info")
    if isinstance(info, dict):
        summary.sentences.append(f"The Pareto front has {_num(info.get('count'))} deals.")
    zopa = doc.get("zopa")
    if isinstance(zopa, dict):
        summary.sentences.append(
            f"{_num(zopa.get('count'))} of {_num(zopa.get('total'))} deals are accepted by "
            f"every veto holder ({_share(zopa.get('fraction'))}): the zone of possible agreement."
        )
    rules = {"nash": "Nash", "ks": "Kalai-Smorodinsky", "egalitarian": "Egalitarian"}
    rules["utilitarian"] = "Utilitarian"
    rows = [
        _deal_row(name, doc[key]) for key, name in rules.items() if isinstance(doc.get(key), dict)
    ]
    if rows:
        columns = ("Rule", "Deal", "P(passes every veto)")
        summary.tables.append(_table("summary-compromises", "Fair compromises", columns, rows))
    logrolls = doc.get("logrolls")
    if isinstance(logrolls, list):
        summary.sentences.append(f"{len(logrolls)} two-issue trades (logrolls) found.")
    return summary


def _forecast(doc: dict[str, Any]) -> Summary:
    summary = Summary([f"Forecast by the {doc.get('model', '')} model."])
    rows = [
        (
            str(issue.get("id")),
            _num(issue.get("forecast"), 1),
            _num(issue.get("p5"), 1),
            _num(issue.get("p95"), 1),
            str(issue.get("nearest_option") or "\N{EN DASH}"),
        )
        for issue in doc.get("issues", [])
    ]
    columns = ("Issue", "Forecast (0-100)", "5%", "95%", "Nearest option")
    summary.tables.append(_table("summary-issues", "Where each issue settles", columns, rows))
    return summary


def _ratify(doc: dict[str, Any]) -> Summary:
    verdict = (
        "is ratified" if doc.get("passes") else f"is blocked by {_names(doc.get('blocked_by'))}"
    )
    summary = Summary(
        [f"{doc.get('proposal')} {verdict}; P(passes every veto) {_num(doc.get('p_pass'))}."]
    )
    rows = [
        (
            str(body.get("name") or body.get("body") or body.get("id")),
            str(body.get("rule", "")),
            "passes" if body.get("passes") else "fails",
            _names(body.get("pivotal")),
            _num(body.get("p_pass")),
        )
        for body in doc.get("bodies", [])
    ]
    if rows:
        columns = ("Body", "Rule", "Result", "Pivotal members", "P(passes)")
        summary.tables.append(
            _table("summary-bodies", "The bodies that must approve", columns, rows)
        )
    else:
        summary.sentences.append("No body must approve it in this scenario.")
    return summary


def _stress(doc: dict[str, Any]) -> Summary:
    summary = Summary(
        [
            f"{doc.get('title') or doc.get('agreement')}: completed in "
            f"{_share(doc.get('completion_probability'))} of {_num(doc.get('runs'))} runs once "
            "signed."
        ]
    )
    rows = [
        (
            str(phase.get("name") or phase.get("id")),
            _num(phase.get("start_day")),
            _num(phase.get("reach_probability")),
            f"{_num(phase.get('low'))}-{_num(phase.get('high'))}",
        )
        for phase in doc.get("phases", [])
    ]
    columns = ("Phase", "Starts on day", "P(reached)", "95% interval")
    summary.tables.append(
        _table("summary-phases", "The chance of reaching each phase", columns, rows)
    )
    return summary


def _negotiate(doc: dict[str, Any]) -> Summary:
    totals = doc.get("summary") or {}
    summary = Summary(
        [
            f"{_num(totals.get('runs'))} {doc.get('protocol')} negotiation(s): agreement in "
            f"{_share(totals.get('agreement_rate'))}."
        ]
    )
    rows = [
        (str(actor), _num(value)) for actor, value in (totals.get("mean_utilities") or {}).items()
    ]
    summary.tables.append(
        _table("summary-utilities", "Mean utility per actor", ("Actor", "Mean utility"), rows)
    )
    return summary


def _compare(doc: dict[str, Any]) -> Summary:
    compared = [str(entry) for entry in doc.get("compared", [])]
    passing = sum(1 for p in doc.get("proposals", []) if p.get("passes"))
    summary = Summary(
        [f"{', '.join(compared)} side by side: {passing} of {len(compared)} pass every veto."]
    )
    rows = [
        (
            str(p.get("id")),
            str(p.get("title") or ""),
            _num(p.get("p_pass")),
            _names(p.get("blockers")),
        )
        for p in doc.get("proposals", [])
    ]
    columns = ("Entry", "Title", "P(passes every veto)", "Blocked by")
    summary.tables.append(_table("summary-proposals", "The proposals compared", columns, rows))
    return summary


def _timeline(doc: dict[str, Any]) -> Summary:
    summary = Summary([str(sentence) for sentence in doc.get("summary", [])])
    rows = [
        (
            str(s.get("date")),
            str(s.get("id")),
            _num(s.get("zopa_count"))
            if s.get("zopa_exact")
            else f"~{_num(s.get('zopa_estimate'), 0)}",
            _share(s.get("zopa_share")),
            _num(len(s.get("proposals") or [])),
        )
        for s in doc.get("snapshots", [])
    ]
    columns = ("Date", "Snapshot", "ZOPA deals", "Of all", "Proposals")
    caption = "Snapshots: the zone of possible agreement (deals every veto holder accepts)"
    summary.tables.append(_table("summary-snapshots", caption, columns, rows))
    return summary


_SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
    "evaluate": _evaluate,
    "deals": _deals,
    "forecast": _forecast,
    "ratify": _ratify,
    "stress": _stress,
    "negotiate": _negotiate,
    "compare": _compare,
    "timeline": _timeline,
}


def summarise(kind: str, results: Any) -> Summary:
    """Return the summary of a run's results (empty for an unknown kind or shape)."""
    if not isinstance(results, dict) or kind not in _SUMMARIES:
        return Summary()
    return _SUMMARIES[kind](results)
