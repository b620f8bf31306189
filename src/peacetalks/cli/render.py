"""Readable terminal output of scenarios and assessments (rich tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peacetalks.cli._helpers import escape, new_table

if TYPE_CHECKING:
    from rich.console import Console

    from peacetalks.briefing.proposals import Assessment
    from peacetalks.scenario.models import Scenario

__all__ = ["print_actors", "print_assessment", "print_issues", "print_positions", "print_sources"]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def print_actors(console: Console, scenario: Scenario) -> None:
    """Print the actors: capability, veto, reservation, groups, provenance."""
    table = new_table(title="Actors", title_justify="left")
    for column in ("id", "name", "capability", "veto", "reservation", "groups", "basis"):
        table.add_column(column)
    for actor in scenario.actors:
        basis = actor.source or ("judgement" if actor.judgement else "")
        table.add_row(
            actor.id,
            escape(actor.name),
            f"{actor.capability:g}",
            _yes(actor.veto),
            f"{actor.reservation:.2f}",
            ", ".join(actor.groups),
            basis,
        )
    console.print(table)


def print_issues(console: Console, scenario: Scenario) -> None:
    """Print the issues with their options on the 0-100 scale."""
    for issue in scenario.issues:
        unit = f" ({issue.unit})" if issue.unit else ""
        table = new_table(
            title=f"Issue {issue.id}: {escape(issue.name)}{escape(unit)}",
            title_justify="left",
            caption=escape(f"0 = {issue.scale.low}; 100 = {issue.scale.high}"),
            caption_justify="left",
        )
        for column in ("option", "label", "position", "value", "regions"):
            table.add_column(column)
        for option in issue.options:
            marker = " (default)" if option.id == issue.default else ""
            value = "" if option.value is None else f"{option.value:g}"
            regions = ", ".join(
                r.code if r.share == 1 else f"{r.code} ({r.share:.0%})" for r in option.regions
            )
            table.add_row(
                option.id + marker, escape(option.label), f"{option.position:g}", value, regions
            )
        console.print(table)


def _range(values: tuple[float, float] | None) -> str:
    return "" if values is None else f" (range {values[0]:g}-{values[1]:g})"


def print_positions(console: Console, scenario: Scenario) -> None:
    """Print every position with its reason: range, note, and source or judgement flag.

    Grouped by issue; for each actor its ideal point and salience with their stated
    ranges, its red lines, the source (author, title, date, address) and the note that
    says why it stands there. A judgement is marked as one.
    """
    sources = {s.id: s for s in scenario.sources}
    console.print("\n[bold]Positions[/]: why each actor stands where it does")
    by_issue: dict[str, list[Any]] = {issue.id: [] for issue in scenario.issues}
    for position in scenario.positions:
        by_issue.setdefault(position.issue, []).append(position)
    names = {issue.id: issue.name for issue in scenario.issues}
    for issue_id, positions in by_issue.items():
        if not positions:
            continue
        console.print(f"\n[bold]{escape(names.get(issue_id, issue_id))}[/] ({issue_id})")
        for p in positions:
            spread = p.uncertainty
            line = (
                f"  {p.actor}: ideal {p.ideal:g}{_range(spread.position if spread else None)}, "
                f"salience {p.salience:.2f}{_range(spread.salience if spread else None)}"
            )
            if p.red_lines:
                line += f"; red lines: {', '.join(p.red_lines)}"
            if p.judgement:
                line += " [judgement]"
            console.print(line, markup=False)
            for key, label in ((p.source, "source"), (p.salience_source, "salience source")):
                if key is None:
                    continue
                found = sources.get(key)
                cited = (
                    key
                    if found is None
                    else f'{key}: {found.author}, "{found.title}", {found.date}, {found.address}'
                )
                console.print(f"    {label}: {cited}", markup=False)
            if p.note:
                console.print(f"    why: {' '.join(p.note.split())}", markup=False)


def print_sources(console: Console, scenario: Scenario) -> None:
    """Print the sources: author, title, date, kind, address."""
    table = new_table(title="Sources", title_justify="left")
    for column in ("id", "kind", "author", "title", "date"):
        table.add_column(column)
    for s in scenario.sources:
        table.add_row(s.id, s.kind, escape(s.author), escape(s.title), s.date)
    console.print(table)


def print_assessment(console: Console, assessment: Assessment, *, kind: str | None = None) -> None:
    """Print who accepts a deal, who blocks it and why."""
    label = f"[{kind}] " if kind else ""
    head = assessment.title or assessment.id or "deal"
    ident = f" ({assessment.id})" if assessment.id and assessment.title else ""
    console.print(f"\n[bold]{escape(label + head + ident)}[/]")
    if assessment.source:
        console.print(f"  source: {escape(assessment.source)}")
    deal = ", ".join(f"{issue}={option}" for issue, option in assessment.deal.items())
    console.print(f"  deal: {escape(deal)}")
    if assessment.defaulted:
        console.print(
            "  not addressed, default option assumed: " + escape(", ".join(assessment.defaulted))
        )
    table = new_table(show_edge=False, pad_edge=False)
    columns = ["actor", "utility", "reservation", "margin", "accepts", "P(accept)", "veto"]
    if assessment.robustness is None:
        columns.remove("P(accept)")
    for column in columns:
        table.add_column(column)
    for verdict in assessment.actors:
        row = [
            verdict.id,
            f"{verdict.utility:.2f}",
            f"{verdict.reservation:.2f}",
            f"{verdict.margin:+.3f}",
            _yes(verdict.acceptable),
        ]
        if verdict.p_accept is not None:
            row.append(f"{verdict.p_accept:.2f}")
        row.append(_yes(verdict.veto))
        table.add_row(*row)
    console.print(table)
    for verdict in assessment.actors:
        if verdict.acceptable:
            continue
        why = verdict.reason
        if verdict.worst_issues:
            worst = ", ".join(f"{c.issue}={c.option} (-{c.loss:.2f})" for c in verdict.worst_issues)
            why = f"{why}; hurt most by {worst}"
        console.print(f"  {escape(verdict.id)} rejects: {escape(why)}")
    if assessment.passes:
        console.print("  [green]every veto holder accepts[/]")
    else:
        console.print(f"  [red]blocked by: {escape(', '.join(assessment.blockers))}[/]")
    summary = assessment.robustness_summary()
    if summary:
        console.print("  " + escape(summary))


def print_imputed(console: Console, data: dict[str, Any]) -> None:
    """Print which options the proposal's source does not state, and whose verdict they decide."""
    if not data["imputed"]:
        console.print("  every option is stated by the proposal's source")
        return
    words = {"imputed": "imputed", "default": "left out, default", "unmarked": "not marked"}
    parts = [f"{e['issue']}={e['option'] or '-'} ({words[e['basis']]})" for e in data["imputed"]]
    console.print("  options its source does not state: " + escape("; ".join(parts)))
    turned = [actor for actor, rests in data["rests_on_imputed"].items() if rests]
    if turned:
        console.print(
            "  the verdict of "
            + escape(", ".join(turned))
            + " rests on them: other choices on those issues would turn it"
        )
    else:
        console.print("  no actor's verdict rests on them")
