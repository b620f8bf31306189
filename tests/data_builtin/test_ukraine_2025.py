"""The built-in scenario ukraine-2025: coverage, provenance, neutrality, reference figures."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from peacetalks.briefing import assess_proposals
from peacetalks.scenario import Scenario, load_scenario
from tests.data_builtin._sources import ARTICLES, copied_runs, territory_table


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """Return the built-in scenario."""
    return load_scenario("ukraine-2025")


def _text() -> str:
    path = resources.files("peacetalks.data") / "scenarios" / "ukraine-2025.yaml"
    return path.read_text(encoding="utf-8")


def test_issues_cover_the_articles_and_the_brief(scenario: Scenario) -> None:
    """Check the five issues of Korybko's article plus neutrality, guarantees, elections, Kursk."""
    ids = {issue.id for issue in scenario.issues}
    assert {
        "territory",
        "dmz-peacekeepers",
        "demilitarisation",
        "sanctions",
        "security-architecture",
        "neutrality",
        "security-guarantees",
        "elections",
        "kursk-sumy",
    } <= ids
    assert "domestic-law" in ids  # the demands Russia calls "denazification"


def test_actors_and_vetoes(scenario: Scenario) -> None:
    """Check the required actors and that both belligerents hold a veto."""
    ids = {a.id for a in scenario.actors}
    assert {"russia", "ukraine", "united-states", "eu", "china", "turkey"} <= ids
    assert scenario.actor("russia").veto
    assert scenario.actor("ukraine").veto


def test_every_position_is_sourced_or_flagged(scenario: Scenario) -> None:
    """Check that every position names a source or is a flagged judgement with a note."""
    for position in scenario.positions:
        assert position.source is not None or (position.judgement and position.note)
    for actor in scenario.actors:
        assert actor.source is not None or (actor.judgement and actor.note)


def test_istanbul_force_figures(scenario: Scenario) -> None:
    """Check the 2022 Istanbul troop figures of each side (85,000 and 250,000) are options."""
    issue = scenario.issue("demilitarisation")
    assert issue.unit == "troops"
    values = {option.value for option in issue.options}
    assert {85_000, 250_000} <= values


def test_required_proposals_and_their_kinds(scenario: Scenario) -> None:
    """Check that the articles' proposals are analysis and the parties' own are not."""
    kinds = {s.id: s.kind for s in scenario.sources}
    proposals = {p.id: kinds[p.source] for p in scenario.proposals}
    assert proposals["roberts-2025"] == "analysis"
    assert proposals["korybko-2025"] == "analysis"
    for own in (
        "russia-2024-06",
        "ukraine-peace-formula",
        "us-28-point",
        "european-counter-proposal",
        "framework-2025-12",
    ):
        assert proposals[own] in {"stated", "reported"}, own


def test_analysts_proposals_shown_beside_parties(scenario: Scenario) -> None:
    """Check that the briefing assesses both the articles' and the parties' proposals."""
    ids = [a.id for a in assess_proposals(scenario)]
    assert {"roberts-2025", "korybko-2025", "us-28-point", "russia-2024-06"} <= set(ids)
    assert len(ids) == len(scenario.proposals)


def test_territorial_options_name_regions(scenario: Scenario) -> None:
    """Check that territorial options name ISO 3166-2 regions that the scenario defines."""
    codes = {r.code for r in scenario.regions}
    named = {
        share.code
        for issue in (scenario.issue("territory"), scenario.issue("kursk-sumy"))
        for option in issue.options
        for share in option.regions
    }
    assert {"UA-14", "UA-09", "UA-23", "UA-65", "UA-43"} <= named
    assert "RU-KRS" in named
    assert named <= codes


def test_region_figures_match_the_research_table(scenario: Scenario) -> None:
    """Check each region's area (and Ukrstat 2022 population) against the research table."""
    table = territory_table()
    assert len(table) >= 27
    for region in scenario.regions:
        area, population = table[region.code]
        assert region.area_km2 == pytest.approx(area, rel=0.005), region.code
        if population is not None and region.population_date.startswith("2022"):
            assert region.population == population, region.code


def test_articles_are_paraphrased_not_copied() -> None:
    """Check that no run of ten words from either article appears in the scenario.

    Titles are left out: citing a source by its title is not copying it.
    """
    cited = "\n".join(
        line for line in _text().splitlines() if not line.strip().startswith("title:")
    )
    for article in ARTICLES:
        assert copied_runs(cited, article) == [], article


def test_contested_terms_are_quoted() -> None:
    """Check that 'denazification' only appears in quotation marks, as Russia's term."""
    text = _text()
    for match in re.finditer(r"denazification", text, flags=re.IGNORECASE):
        before = text[max(0, match.start() - 1) : match.start()]
        assert before in {'"', "'", "“"}, text[match.start() - 60 : match.end() + 20]


def test_territory_positions_follow_the_map() -> None:
    """Check each territorial option's stated position against the map's (within 0.05).

    The scale is placed from data (docs/territory.md); this keeps the numbers in the
    file and the regions, control shares and cities it states from drifting apart.
    """
    from peacetalks.geo.territory import place_scale

    placements = place_scale(load_scenario("ukraine-2025"))
    assert {p.issue for p in placements} == {"territory"}
    assert len(placements) == len(load_scenario("ukraine-2025").issue("territory").options)
    off = [
        (p.option, p.stated, p.from_map) for p in placements if abs(p.stated - p.from_map) > 0.05
    ]
    assert off == []


def test_four_oblasts_totals_are_the_region_table_sums() -> None:
    """Check the four-oblasts option moves exactly the Ukrainian-held rest of each oblast.

    The totals are recomputed from the region table (area and control share) and the
    named cities, independently of the territory kernel's bookkeeping.
    """
    from peacetalks.geo.territory import territory_outcome

    scenario = load_scenario("ukraine-2025")
    outcome = territory_outcome(scenario, {"territory": "four-oblasts-recognised"})
    oblasts = ("UA-14", "UA-09", "UA-23", "UA-65")
    regions = {r.code: r for r in scenario.regions}
    area = sum(regions[c].area_km2 * (1 - regions[c].control.get("russia", 0.0)) for c in oblasts)
    assert outcome.area_changing_km2 == pytest.approx(area, rel=1e-9)
    ukrainian_cities = {
        c.name for c in scenario.cities if c.held_by == "ukraine" and c.region in oblasts
    }
    moved = {name for r in outcome.regions for name in r.cities}
    assert moved == ukrainian_cities
    (claimed,) = outcome.claimed
    assert claimed.area_after == pytest.approx(1.0)
    assert claimed.population_after == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("issue_id", "actors"),
    [
        ("humanitarian", ("russia", "ukraine", "united-states")),
        ("war-damage", ("russia", "ukraine", "united-states", "eu", "uk", "france")),
    ],
)
def test_humanitarian_and_war_damage_have_sourced_positions(
    scenario: Scenario, issue_id: str, actors: tuple[str, ...]
) -> None:
    """Check the two issues of issue 13 and the parties' sourced, unflagged positions on them.

    The EU has no position on ``humanitarian``: the sources give it no terms there (like
    Turkey on ``sequencing``), so it is left indifferent rather than given a guessed one.
    """
    issue = next(i for i in scenario.issues if i.id == issue_id)
    sources = {s.id: s for s in scenario.sources}
    options = {o.id for o in issue.options}
    assert issue.default in options
    for actor in actors:
        (position,) = [p for p in scenario.positions if p.actor == actor and p.issue == issue_id]
        assert position.source in sources, (actor, issue_id)
        assert not position.judgement, (actor, issue_id)
        assert position.note, (actor, issue_id)
        assert not position.red_lines, (actor, issue_id)
    eu = [p for p in scenario.positions if p.actor == "eu" and p.issue == "humanitarian"]
    assert issue_id != "humanitarian" or eu == []
    for proposal in scenario.proposals:
        assert proposal.deal[issue_id] in options, proposal.id
        assert issue_id in proposal.terms, proposal.id


def test_the_two_issues_separate_the_parties_texts(scenario: Scenario) -> None:
    """Check the options each party's own 2025 text takes on the two issues."""
    deals = {p.id: p.deal for p in scenario.proposals}
    assert (
        deals["russia-memorandum-2025-06"]["humanitarian"] == "exchanges-political-prisoner-amnesty"
    )
    assert deals["russia-memorandum-2025-06"]["war-damage"] == "mutual-renunciation"
    assert deals["ukraine-memorandum-2025-06"]["humanitarian"] == "all-for-all-children-returned"
    assert deals["us-28-point"]["humanitarian"] == "all-for-all-full-amnesty"
    assert deals["us-28-point"]["war-damage"] == "assets-to-us-led-reconstruction"
    assert deals["european-counter-proposal"]["war-damage"] == "frozen-until-compensation"
