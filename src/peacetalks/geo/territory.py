"""What a territorial option gives and takes: area, people and the scale placed from the map.

A scenario's regions say who administers what at ``as_of`` (``Region.control``, the rest
being the country's own government) and its cities who holds them; an option's
``regions`` say what changes hands relative to that line. This module applies a deal's
changes and measures them (docs/territory.md). It reads records only: no I/O.

The population of a region outside its named cities is spread evenly over its area, so
a share of the area carries that share of it; a named city counts whole with whoever
holds it. Populations are pre-war figures (each region's date and source are kept).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peacetalks.errors import ParameterError
from peacetalks.scenario.models import Issue, Option, Region, RegionShare, Scenario

__all__ = [
    "ClaimedShares",
    "RegionOutcome",
    "ScalePlacement",
    "TerritoryOutcome",
    "government",
    "has_map",
    "place_scale",
    "referendum_weight",
    "territorial_issues",
    "territory_outcome",
]


@dataclass(frozen=True)
class RegionOutcome:
    """One region under a deal.

    Attributes
    ----------
    code, name : str
        ISO 3166-2 code and name.
    area_km2 : float
    population : int
        Pre-war population, of ``population_date`` from ``population_source``.
    population_date, population_source : str
    before, after : dict of str to float
        Share of the area each party administers at ``as_of`` and under the deal (the
        country's own government under its actor id, or the country code when no actor
        stands for it). A share put to a referendum is split by the scale's referendum
        weight in ``after``.
    status : str or None
        How the changing share is held after the deal (None when nothing changes).
    share, area_changing_km2, population_changing : float
        The part of the region that changes hands: share of its area, km2 and people.
    to : str or None
        Who administers the changing share after the deal.
    cities : tuple of str
        Named cities that change hands with it.
    """

    code: str
    name: str
    area_km2: float
    population: int
    population_date: str
    population_source: str
    before: dict[str, float]
    after: dict[str, float]
    status: str | None
    share: float
    area_changing_km2: float
    population_changing: float
    to: str | None
    cities: tuple[str, ...]

    @property
    def changes_hands(self) -> bool:
        """Return whether any part of the region changes administration."""
        return self.share > 0


@dataclass(frozen=True)
class ClaimedShares:
    """A territorial scale's regions: the share its actor administers before and after."""

    issue: str
    actor: str
    regions: tuple[str, ...]
    area_before: float
    area_after: float
    population_before: float
    population_after: float

    @property
    def position(self) -> float:
        """Return the scale position the map gives the deal (0-100, one decimal)."""
        return round(100 * (self.area_after + self.population_after) / 2, 1)


@dataclass(frozen=True)
class TerritoryOutcome:
    """A deal's territorial changes, region by region, with totals."""

    options: dict[str, str]
    regions: tuple[RegionOutcome, ...]
    claimed: tuple[ClaimedShares, ...]

    @property
    def area_changing_km2(self) -> float:
        """Return the area that changes hands, in km2."""
        return sum(r.area_changing_km2 for r in self.regions)

    @property
    def population_changing(self) -> float:
        """Return the pre-war population of the area that changes hands."""
        return sum(r.population_changing for r in self.regions)


@dataclass(frozen=True)
class ScalePlacement:
    """A territorial option's stated position beside the one its map gives."""

    issue: str
    option: str
    label: str
    stated: float
    from_map: float
    area_share: float
    population_share: float

    @property
    def difference(self) -> float:
        """Return the stated position minus the map's (points on the 0-100 scale)."""
        return round(self.stated - self.from_map, 1)


def territorial_issues(scenario: Scenario) -> list[Issue]:
    """Return the issues whose options change who administers a region."""
    return [
        i for i in scenario.issues if i.territory is not None or any(o.regions for o in i.options)
    ]


def government(scenario: Scenario, region: Region) -> str:
    """Return the party that administers a region's uncontrolled rest: its country's actor.

    The actor whose ``country`` is the region's country, else the country code itself.
    """
    for actor in scenario.actors:
        if actor.country == region.country:
            return actor.id
    return region.country


def _city_population(scenario: Scenario) -> dict[str, int]:
    totals: dict[str, int] = {}
    for city in scenario.cities:
        totals[city.region] = totals.get(city.region, 0) + city.population
    return totals


def _changes(scenario: Scenario, options: Mapping[str, str]) -> dict[str, list[RegionShare]]:
    """Return each region's changes under the chosen options of the territorial issues."""
    found: dict[str, list[RegionShare]] = {}
    for issue in territorial_issues(scenario):
        option = _option(issue, options[issue.id])
        for change in option.regions:
            if change.administered_by is not None:
                found.setdefault(change.code, []).append(change)
    return found


def _option(issue: Issue, option_id: str) -> Option:
    for option in issue.options:
        if option.id == option_id:
            return option
    known = ", ".join(o.id for o in issue.options)
    msg = f"issue {issue.id!r} has no option {option_id!r}. Expected one of: {known}."
    raise ParameterError(msg, parameter="option", value=option_id)


def referendum_weight(scenario: Scenario) -> float:
    """Return how much a share put to a referendum counts (the territorial scale's, or 0.5)."""
    weights = [i.territory.referendum_weight for i in scenario.issues if i.territory is not None]
    return weights[0] if weights else 0.5


def _apply(
    before: dict[str, float], changes: Sequence[RegionShare], weight: float
) -> tuple[dict[str, float], float]:
    """Move each change's share to its new administrator, from the others pro rata.

    Returns the shares after the deal and the share of the area that changes hands (a
    change can move only what others administer: returning a share its receiver already
    holds moves nothing). A share put to a referendum changes hands in full but counts
    ``weight`` towards its receiver in the shares.
    """
    after = dict(before)
    changing = 0.0
    for change in changes:
        to = change.administered_by
        assert to is not None
        others = {p: s for p, s in after.items() if p != to and s > 0}
        held = sum(others.values())
        if held <= 0:
            continue
        moved = min(change.share, held)
        changing += moved
        taken = moved * (weight if change.status == "referendum" else 1.0)
        for party, share in others.items():
            after[party] = share - taken * share / held
        after[to] = after.get(to, 0.0) + taken
    shares = {p: round(s, 12) for p, s in after.items() if round(s, 12) > 0}
    return shares, round(min(1.0, changing), 12)


def has_map(scenario: Scenario) -> bool:
    """Return whether the scenario's territory can be mapped.

    It needs a territorial issue and the control shares of its regions (the line at
    ``as_of``); the dated files of a series before the last have no control shares, so
    the pages and the report leave their map out instead of failing.
    """
    return bool(territorial_issues(scenario)) and any(r.control for r in scenario.regions)


def territory_outcome(scenario: Scenario, options: Mapping[str, str]) -> TerritoryOutcome:
    """Return what a deal changes on the map, region by region.

    Parameters
    ----------
    scenario : Scenario
    options : mapping of str to str
        The option of each territorial issue (issue id to option id); issues left out take
        their default (or their first option).

    Returns
    -------
    TerritoryOutcome

    Raises
    ------
    ParameterError
        If an option is not one of its issue's, the scenario has no territorial issue, or
        none of its regions states control shares.
    """
    issues = territorial_issues(scenario)
    if not issues:
        msg = (
            f"scenario {scenario.id!r} has no territorial issue: no issue has a "
            "'territory' scale or options with 'regions' (docs/territory.md)."
        )
        raise ParameterError(msg, parameter="scenario", value=scenario.id)
    if not any(region.control for region in scenario.regions):
        msg = (
            f"scenario {scenario.id!r} states no control shares (regions[].control), so the "
            "line at as_of is unknown and what an option changes cannot be measured. Add "
            "each region's control and control_source (docs/territory.md)."
        )
        raise ParameterError(msg, parameter="scenario", value=scenario.id)
    chosen = {i.id: options.get(i.id, i.default or i.options[0].id) for i in issues}
    changes = _changes(scenario, chosen)
    weight = referendum_weight(scenario)
    city_people = _city_population(scenario)
    outcomes: list[RegionOutcome] = []
    for region in scenario.regions:
        gov = government(scenario, region)
        before = {p: s for p, s in region.control.items() if s > 0}
        rest = 1.0 - sum(before.values())
        if rest > 1e-12:
            before[gov] = before.get(gov, 0.0) + rest
        here = changes.get(region.code, [])
        after, share = _apply(before, here, weight)
        moved_cities = tuple(name for c in here for name in c.cities) if share > 0 else ()
        rest_people = region.population - city_people.get(region.code, 0)
        people = rest_people * share + sum(
            c.population for c in scenario.cities if c.name in moved_cities
        )
        outcomes.append(
            RegionOutcome(
                code=region.code,
                name=region.name,
                area_km2=region.area_km2,
                population=region.population,
                population_date=region.population_date,
                population_source=region.source,
                before={p: round(s, 12) for p, s in before.items()},
                after=after,
                status=here[-1].status if share > 0 else None,
                share=share,
                area_changing_km2=region.area_km2 * share,
                population_changing=people,
                to=here[-1].administered_by if share > 0 else None,
                cities=moved_cities,
            )
        )
    claimed = tuple(
        _claimed(scenario, issue, outcomes, changes, weight, city_people)
        for issue in issues
        if issue.territory is not None
    )
    return TerritoryOutcome(options=chosen, regions=tuple(outcomes), claimed=claimed)


def _claimed(
    scenario: Scenario,
    issue: Issue,
    outcomes: Sequence[RegionOutcome],
    changes: Mapping[str, Sequence[RegionShare]],
    weight: float,
    city_people: Mapping[str, int],
) -> ClaimedShares:
    """Return the scale actor's shares of the scale's regions before and after."""
    assert issue.territory is not None
    actor = issue.territory.actor
    by_code = {o.code: o for o in outcomes}
    cities = [c for c in scenario.cities if c.region in issue.territory.regions]
    area_total = pop_total = 0.0
    area = {"before": 0.0, "after": 0.0}
    people = {"before": 0.0, "after": 0.0}
    for code in issue.territory.regions:
        region = by_code[code]
        rest = region.population - city_people.get(code, 0)
        area_total += region.area_km2
        pop_total += region.population
        for when, shares in (("before", region.before), ("after", region.after)):
            area[when] += region.area_km2 * shares.get(actor, 0.0)
            people[when] += rest * shares.get(actor, 0.0)
    for city in cities:
        people["before"] += city.population if city.held_by == actor else 0.0
        moved = [c for c in changes.get(city.region, []) if city.name in c.cities]
        if not moved:
            people["after"] += city.population if city.held_by == actor else 0.0
            continue
        last = moved[-1]
        counted = weight if last.status == "referendum" else 1.0
        if last.administered_by == actor:
            held_before = 1.0 if city.held_by == actor else 0.0
            people["after"] += city.population * (held_before + (1 - held_before) * counted)
        elif city.held_by == actor:
            people["after"] += city.population * (1 - counted)
    return ClaimedShares(
        issue=issue.id,
        actor=actor,
        regions=issue.territory.regions,
        area_before=area["before"] / area_total,
        area_after=area["after"] / area_total,
        population_before=people["before"] / pop_total,
        population_after=people["after"] / pop_total,
    )


def place_scale(scenario: Scenario) -> list[ScalePlacement]:
    """Return, for every option of every issue with a territorial scale, both positions.

    The map's position applies the option alone (the other territorial issues at their
    defaults) and measures the scale actor's shares of the scale's regions.
    """
    placements: list[ScalePlacement] = []
    for issue in scenario.issues:
        if issue.territory is None:
            continue
        for option in issue.options:
            outcome = territory_outcome(scenario, {issue.id: option.id})
            shares = next(c for c in outcome.claimed if c.issue == issue.id)
            placements.append(
                ScalePlacement(
                    issue=issue.id,
                    option=option.id,
                    label=option.label,
                    stated=option.position,
                    from_map=shares.position,
                    area_share=shares.area_after,
                    population_share=shares.population_after,
                )
            )
    return placements
