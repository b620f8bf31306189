"""The map of a deal's territorial outcome: one SVG for the command line, report and pages."""

from __future__ import annotations

from dataclasses import dataclass

from peacetalks.geo.svg import LegendEntry, MapArea, MapCity, render_map
from peacetalks.geo.territory import TerritoryOutcome, referendum_weight
from peacetalks.scenario.models import INTERNATIONAL, Scenario

__all__ = ["TerritoryMap", "territory_map"]

# Colour-blind-safe categorical colours (ColorBrewer Dark2), handed out in the order the
# scenario lists its actors, so that no side gets a flag's colour by design.
_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
_INTERNATIONAL_COLOUR = "#666666"


@dataclass(frozen=True)
class TerritoryMap:
    """A rendered map with its text alternative.

    Attributes
    ----------
    svg : str
        The self-contained SVG document.
    title : str
        Its accessible name.
    summary : str
        What it shows in words (also the SVG's description): the totals that change hands.
    """

    svg: str
    title: str
    summary: str


def _name(scenario: Scenario, party: str) -> str:
    if party == INTERNATIONAL:
        return "International administration"
    for actor in scenario.actors:
        if actor.id == party:
            return actor.name
    return party


def territory_map(
    scenario: Scenario,
    outcome: TerritoryOutcome,
    *,
    name: str | None = None,
    id_prefix: str = "map",
    width: int = 800,
) -> TerritoryMap:
    """Return the map of who administers each region under a deal.

    ``name`` names the deal in the title (a proposal's or option's id); the chosen
    options' labels when None.

    Regions are filled by their largest administrator and hatched for a second one;
    the legend totals each administrator's area over the scenario's regions. The caption
    gives the date and sources of the control shares and says that outlines are
    approximate and that no front line is drawn.
    """
    order = [a.id for a in scenario.actors]
    parties: list[str] = []
    for region in outcome.regions:
        for party in region.after:
            if party not in parties:
                parties.append(party)
    parties.sort(key=lambda p: (p == INTERNATIONAL, order.index(p) if p in order else len(order)))
    legend = [
        LegendEntry(
            key=party,
            label=_name(scenario, party),
            colour=_INTERNATIONAL_COLOUR if party == INTERNATIONAL else _PALETTE[k % len(_PALETTE)],
        )
        for k, party in enumerate(parties)
    ]
    areas = []
    for region in outcome.regions:
        total = sum(region.after.values())
        parts = tuple((party, share / total) for party, share in region.after.items())
        areas.append(
            MapArea(code=region.code, label=region.name, parts=parts, area_km2=region.area_km2)
        )
    holders = {c.name: c.held_by for c in scenario.cities}
    for region in outcome.regions:
        for city in region.cities:
            if region.to is not None and region.status != "referendum":
                holders[city] = region.to
    cities = [
        MapCity(
            name=c.name,
            lon=c.lon,
            lat=c.lat,
            label=(
                f"{c.name}: {c.population:,} people ({c.population_date}), "
                + ("put to a referendum, " if _in_referendum(outcome, c.name) else "")
                + f"administered by {_name(scenario, holders[c.name])}"
            ),
        )
        for c in scenario.cities
    ]
    labels = []
    for issue_id, option_id in outcome.options.items():
        issue = scenario.issue(issue_id)
        option = next(o for o in issue.options if o.id == option_id)
        labels.append(option.label)
    title = f"Who administers what under {name}" if name else "; ".join(labels)
    moving = [r for r in outcome.regions if r.changes_hands]
    summary = (
        f"Under this deal {outcome.area_changing_km2:,.0f} km2 and "
        f"{outcome.population_changing:,.0f} people (pre-war) change administration or status "
        "relative "
        f"to the line of {scenario.as_of.isoformat()}"
        + (
            ": "
            + "; ".join(
                f"{r.name} {_percent(r.share)} "
                + (
                    f"put to a referendum (could go to {_name(scenario, r.to or '')})"
                    if r.status == "referendum"
                    else f"to {_name(scenario, r.to or '')}"
                )
                for r in moving
            )
            if moving
            else ""
        )
        + "."
    )
    for claimed in outcome.claimed:
        summary += (
            f" {_name(scenario, claimed.actor)} would administer {100 * claimed.area_after:.1f}% "
            f"of the area and {100 * claimed.population_after:.1f}% of the pre-war population "
            f"of {', '.join(claimed.regions)} (at {scenario.as_of.isoformat()}: "
            f"{100 * claimed.area_before:.1f}% and {100 * claimed.population_before:.1f}%)."
        )
    if any(r.status == "referendum" for r in moving):
        weight = referendum_weight(scenario)
        summary += (
            f" In these shares an area put to a referendum counts {weight:g} towards the party "
            "it could go to (its outcome is open)."
        )
    sources = sorted({r.control_source for r in scenario.regions if r.control_source})
    cited = []
    for source in scenario.sources:
        if source.id in sources:
            cited.append(f"{source.author}, {source.date}")
    caption = (
        f"Control shares at {scenario.as_of.isoformat()}"
        + (f" ({'; '.join(cited)})" if cited else "")
        + "; after the deal, as the option states them. A share put to a referendum is "
        "hatched at the weight the scale gives it. Colours mark who administers, not who "
        "should."
    )
    svg = render_map(
        areas,
        cities,
        legend,
        title=title,
        description=summary,
        caption=caption,
        id_prefix=id_prefix,
        width=width,
    )
    return TerritoryMap(svg=svg, title=title, summary=summary)


def _in_referendum(outcome: TerritoryOutcome, city: str) -> bool:
    return any(city in r.cities and r.status == "referendum" for r in outcome.regions)


def _percent(share: float) -> str:
    """Return a share as a percentage, with a decimal below 10%."""
    return f"{100 * share:.1f}%" if share < 0.1 else f"{100 * share:.0f}%"
