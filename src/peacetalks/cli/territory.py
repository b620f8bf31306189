"""The ``peacetalks territory`` command: what an option gives and takes on the map."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    DealOption,
    ProposalOption,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    load,
    new_table,
)
from peacetalks.errors import ParameterError

if TYPE_CHECKING:
    from peacetalks.geo.territory import ScalePlacement, TerritoryOutcome
    from peacetalks.scenario.models import Scenario

__all__ = ["territory_command", "territory_data"]


def _chosen(
    scenario: Scenario,
    option: str | None,
    issue: str | None,
    proposal: str | None,
    deal: Path | None,
) -> dict[str, str]:
    """Return the options of the territorial issues that the command line names."""
    from peacetalks.cli.deal_file import read_deal
    from peacetalks.geo.territory import territorial_issues

    given = [
        name
        for name, value in (("--option", option), ("--proposal", proposal), ("--deal", deal))
        if value is not None
    ]
    if len(given) > 1:
        msg = f"Give at most one of --option, --proposal or --deal. Got {', '.join(given)}."
        raise ParameterError(msg, parameter="--option/--proposal/--deal", value=given)
    issues = territorial_issues(scenario)
    if proposal is not None:
        try:
            return dict(scenario.proposal(proposal).deal)
        except KeyError:
            known = ", ".join(p.id for p in scenario.proposals)
            msg = (
                f"scenario {scenario.id!r} has no proposal {proposal!r}. Expected one of: {known}."
            )
            raise ParameterError(msg, parameter="--proposal", value=proposal) from None
    if deal is not None:
        return dict(read_deal(deal, scenario))
    if option is None:
        return {}
    candidates = [
        i
        for i in issues
        if (issue is None or i.id == issue) and any(o.id == option for o in i.options)
    ]
    if len(candidates) != 1:
        names = ", ".join(f"{i.id}: {', '.join(o.id for o in i.options)}" for i in issues)
        what = "no territorial issue has" if not candidates else "several territorial issues have"
        msg = (
            f"{what} the option {option!r}"
            + ("" if issue is None else f" (issue {issue!r})")
            + f". Expected one of ({names})"
            + ("; give --issue to choose." if candidates else ".")
        )
        raise ParameterError(msg, parameter="--option", value=option)
    return {candidates[0].id: option}


def territory_data(scenario: Scenario, outcome: TerritoryOutcome) -> dict[str, Any]:
    """Return the outcome as the JSON document of ``peacetalks territory``."""
    regions = []
    for r in outcome.regions:
        regions.append(
            {
                "iso": r.code,
                "name": r.name,
                "area_km2": r.area_km2,
                "population": r.population,
                "population_date": r.population_date,
                "population_source": r.population_source,
                "administered_by": r.after,
                "administered_by_at_as_of": r.before,
                "status": r.status,
                "changes_hands": (
                    {
                        "share": round(r.share, 6),
                        "area_km2": round(r.area_changing_km2, 1),
                        "population": round(r.population_changing),
                        "to": r.to,
                        "cities": list(r.cities),
                    }
                    if r.changes_hands
                    else None
                ),
            }
        )
    return {
        "scenario": scenario.id,
        "as_of": scenario.as_of.isoformat(),
        "options": outcome.options,
        "regions": regions,
        "totals": {
            "area_km2": round(outcome.area_changing_km2, 1),
            "population": round(outcome.population_changing),
            "claimed": [
                {
                    "issue": c.issue,
                    "actor": c.actor,
                    "regions": list(c.regions),
                    "area_share_at_as_of": round(c.area_before, 4),
                    "area_share": round(c.area_after, 4),
                    "population_share_at_as_of": round(c.population_before, 4),
                    "population_share": round(c.population_after, 4),
                    "position_from_map": c.position,
                }
                for c in outcome.claimed
            ],
        },
    }


def _scale_data(placements: list[ScalePlacement]) -> list[dict[str, Any]]:
    return [
        {
            "issue": p.issue,
            "option": p.option,
            "stated": p.stated,
            "from_map": p.from_map,
            "difference": p.difference,
            "area_share": round(p.area_share, 4),
            "population_share": round(p.population_share, 4),
        }
        for p in placements
    ]


@handles_errors
def territory_command(
    scenario: Annotated[str, typer.Argument(help="Built-in id or YAML file.")],
    option: Annotated[
        str | None, typer.Option("--option", help="An option of a territorial issue.")
    ] = None,
    issue: Annotated[
        str | None, typer.Option("--issue", help="The issue of --option, when several have it.")
    ] = None,
    proposal: ProposalOption = None,
    deal: DealOption = None,
    scale: Annotated[
        bool,
        typer.Option("--scale", help="Propose each territorial option's position from its map."),
    ] = False,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Write the map (a self-contained SVG) to this file."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
) -> None:
    """Area and pre-war population that change hands under an option, a proposal or a deal.

    Relative to the line at the scenario's as_of date, region by region, with the shares of
    the claimed regions each territorial scale measures. Without --option, --proposal or
    --deal, the territorial issues' defaults (the line itself). --scale lists every
    territorial option's stated position beside the one its map gives (docs/territory.md).
    """
    from peacetalks.geo.territory import place_scale, territory_outcome

    model = load(scenario)
    if scale:
        placements = place_scale(model)
        scale_data = {"scenario": model.id, "scale": _scale_data(placements)}
        export_csv(scale_data, csv_file)
        if json_output:
            emit_json(scale_data)
            return
        table = new_table(title=f"Territorial scale placed from the map ({model.id})")
        for column in ("issue", "option", "stated", "from map", "difference", "area", "people"):
            table.add_column(
                column, justify="right" if column not in ("issue", "option") else "left"
            )
        for p in placements:
            table.add_row(
                p.issue,
                p.option,
                f"{p.stated:g}",
                f"{p.from_map:.1f}",
                f"{p.difference:+.1f}",
                f"{100 * p.area_share:.1f}%",
                f"{100 * p.population_share:.1f}%",
            )
        console.print(table)
        console.print(
            "Position from the map = 100 x mean(area share, pre-war population share) of the "
            "scale's regions administered by its actor under the option (docs/territory.md).",
            soft_wrap=True,
        )
        return
    outcome = territory_outcome(model, _chosen(model, option, issue, proposal, deal))
    drawn = None
    if svg is not None:
        from peacetalks.geo.territory_map import territory_map

        name = proposal or option or (deal.name if deal is not None else "the line at as_of")
        drawn = territory_map(model, outcome, name=name)
        try:
            svg.write_text(drawn.svg, encoding="utf-8")
        except OSError as e:
            msg = f"cannot write the map to {str(svg)!r}: {e.strerror}. Check the folder exists."
            raise ParameterError(msg, parameter="--svg", value=str(svg)) from None
    if json_output or csv_file is not None:
        data = territory_data(model, outcome)
        if drawn is not None:
            data["map"] = {
                "file": str(svg),
                "bytes": len(drawn.svg.encode("utf-8")),
                "title": drawn.title,
                "summary": drawn.summary,
            }
        export_csv(data, csv_file)
        if json_output:
            emit_json(data)
            return
    _print(model, outcome)
    if drawn is not None:
        console.print(
            f"Map written to {escape(str(svg))} ({len(drawn.svg.encode('utf-8')):,} bytes)."
        )


def _print(scenario: Scenario, outcome: TerritoryOutcome) -> None:
    chosen = ", ".join(f"{i}: {o}" for i, o in outcome.options.items())
    console.print(
        f"{scenario.title} ({scenario.id}, as of {scenario.as_of}): {chosen}", soft_wrap=True
    )
    table = new_table(title="Regions (relative to the line at as_of; pre-war population)")
    for column in (
        "region",
        "area km2",
        "population",
        "at as_of",
        "under the deal",
        "changes hands",
    ):
        table.add_column(column)
    for r in outcome.regions:
        moved = (
            f"{100 * r.share:.1f}% ({r.area_changing_km2:,.0f} km2, {r.population_changing:,.0f} "
            f"people) to {r.to}"
            + (f", {r.status}" if r.status else "")
            + (f"; cities: {', '.join(r.cities)}" if r.cities else "")
            if r.changes_hands
            else "-"
        )
        table.add_row(
            f"{r.name} ({r.code})",
            f"{r.area_km2:,.0f}",
            f"{r.population:,} ({r.population_date})",
            _shares(r.before),
            _shares(r.after),
            moved,
        )
    console.print(table)
    console.print(
        f"Changes hands in total: {outcome.area_changing_km2:,.0f} km2 and "
        f"{outcome.population_changing:,.0f} people (pre-war).",
        soft_wrap=True,
    )
    for c in outcome.claimed:
        console.print(
            f"{c.issue}: {c.actor} administers {100 * c.area_after:.1f}% of the area and "
            f"{100 * c.population_after:.1f}% of the pre-war population of "
            f"{', '.join(c.regions)} (at as_of: {100 * c.area_before:.1f}% and "
            f"{100 * c.population_before:.1f}%); position from the map {c.position:.1f}.",
            soft_wrap=True,
        )


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(
        f"{party} {100 * share:.1f}%"
        for party, share in sorted(shares.items(), key=lambda kv: -kv[1])
    )
