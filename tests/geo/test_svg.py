"""The choropleth: a self-contained, accessible SVG with legend, totals, hatching and cities."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TypedDict

import defusedxml.ElementTree as SafeET
import pytest

from peacetalks.errors import NotFoundError, ParameterError
from peacetalks.geo import LegendEntry, MapArea, MapCity, load_geometry, render_map
from peacetalks.scenario import load_scenario

NS = "{http://www.w3.org/2000/svg}"
LEGEND = (
    LegendEntry("ukraine", "Ukraine", "#4a7fb5"),
    LegendEntry("russia", "Russia", "#c0504d"),
)


class _Texts(TypedDict):
    title: str
    description: str
    caption: str


TEXTS: _Texts = {
    "title": "Administration by region, 6 January 2026",
    "description": "Share of each region's area administered by each party.",
    "caption": "Control shares: DeepState, 6 January 2026. Lines are approximate.",
}


def _scenario_map(**options: object) -> str:
    scenario = load_scenario("ukraine-2025")
    areas = []
    for region in scenario.regions:
        own = "ukraine" if region.country == "UA" else "russia"
        parts = dict(region.control)
        parts[own] = parts.get(own, 0.0) + 1 - sum(region.control.values())
        areas.append(MapArea(region.code, region.name, tuple(parts.items()), region.area_km2))
    cities = [
        MapCity(c.name, c.lon, c.lat, f"{c.name}, held by {c.held_by}") for c in scenario.cities
    ]
    return render_map(areas, cities, LEGEND, **TEXTS, **options)  # type: ignore[arg-type]


def _parse(svg: str) -> ET.Element:
    root: ET.Element = SafeET.fromstring(svg)
    return root


def _regions(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if "region" in g.get("class", "").split()]


def test_full_map_is_small_accessible_and_self_contained() -> None:
    """Check the scenario map: parses, has title/desc, one group per region, no links."""
    svg = _scenario_map()
    root = _parse(svg)
    assert len(svg.encode("utf-8")) < 200_000
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "map-title map-desc"
    assert root.find(f"{NS}title[@id='map-title']") is not None
    assert root.find(f"{NS}title[@id='map-title']").text == TEXTS["title"]  # type: ignore[union-attr]
    assert root.find(f"{NS}desc[@id='map-desc']").text == TEXTS["description"]  # type: ignore[union-attr]
    codes = [g.get("data-code", "") for g in _regions(root)]
    assert sorted(codes) == sorted(load_geometry())  # 12 in colour, 18 for context
    assert len(codes) == len(set(codes))
    assert svg.count("http") == 1  # the SVG namespace only
    for forbidden in ("<script", "<image", "<foreignObject", "href", "@import", "@font-face"):
        assert forbidden not in svg
    assert svg == _scenario_map()  # deterministic


def test_titles_state_the_shares_in_words() -> None:
    """Check a region's tooltip: its name and each party's share, largest first."""
    root = _parse(_scenario_map())
    titles = {g.get("data-code"): g.findtext(f"{NS}title") for g in _regions(root)}
    assert (
        titles["UA-14"] == "Donetsk Oblast: 78% administered by Russia, 22% administered by Ukraine"
    )
    assert titles["UA-43"] == "Autonomous Republic of Crimea: 100% administered by Russia"
    assert (
        titles["RU-KRS"] == "Kursk Oblast: >99% administered by Russia, <1% administered by Ukraine"
    )
    assert titles["UA-32"] == "Kyiv Oblast"  # context: name only


def test_hatch_only_where_a_minor_part_reaches_two_percent() -> None:
    """Check that a hatch overlay and its pattern appear exactly for parts of 2% or more."""
    root = _parse(_scenario_map())
    hatched = {
        g.get("data-code")
        for g in _regions(root)
        if any(p.get("class") == "hatch" for p in g.iter(f"{NS}path"))
    }
    # Donetsk 78/22, Zaporizhzhia 75/25, Kherson 72/28, Kharkiv 4.7% Russian; Luhansk
    # (0.4% Ukrainian), Sumy (1%), Dnipropetrovsk (0.6%) and Kursk (0.1%) are not hatched.
    assert hatched == {"UA-14", "UA-23", "UA-65", "UA-63"}
    patterns = {p.get("id") for p in root.iter(f"{NS}pattern")}
    # Ukrainian 22% of Donetsk is light, 25% of Zaporizhzhia and 28% of Kherson dense;
    # Russian 4.7% of Kharkiv light.
    assert patterns == {"map-hatch-0-light", "map-hatch-0", "map-hatch-1-light"}
    texts = {t.text for t in root.iter(f"{NS}text")}
    assert "Hatched: 2% to under 25% of the region administered by Ukraine" in texts
    assert "Hatched: 25% or more of the region administered by Ukraine" in texts
    assert "Hatched: 2% to under 25% of the region administered by Russia" in texts


def _toy(
    parts: tuple[tuple[str, float], ...], area_km2: float | None = None, **options: object
) -> str:
    area = MapArea("UA-14", "Donetsk Oblast", parts, area_km2)
    return render_map([area], [], LEGEND, context=(), **TEXTS, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("parts", "hatches"),
    [
        ((("ukraine", 1.0),), 0),
        ((("ukraine", 0.99), ("russia", 0.01)), 0),
        ((("ukraine", 0.98), ("russia", 0.02)), 1),
        ((("ukraine", 0.76), ("russia", 0.24)), 1),
        ((("ukraine", 0.5), ("russia", 0.5)), 1),
    ],
)
def test_hatch_threshold(parts: tuple[tuple[str, float], ...], hatches: int) -> None:
    """Check the 2% threshold, light under 25%, and that a tie fills with the first part."""
    root = _parse(_toy(parts))
    patterns = list(root.iter(f"{NS}pattern"))
    assert len(patterns) == hatches
    if patterns:
        light = parts[1][1] < 0.25
        assert patterns[0].get("id") == "map-hatch-1" + ("-light" if light else "")
        assert patterns[0][0].get("width") == ("1" if light else "2.5")
    assert len([p for p in root.iter(f"{NS}path") if p.get("class") == "hatch"]) == hatches
    fill = next(p for p in root.iter(f"{NS}path") if p.get("class") is None).get("fill")
    assert fill == "#4a7fb5"


def test_legend_shows_totals_and_the_caption_credits_the_outlines() -> None:
    """Check the legend's totals (official areas times shares) and the caption lines."""
    root = _parse(_toy((("ukraine", 0.25), ("russia", 0.75)), area_km2=26_517))
    texts = [t.text or "" for t in root.iter(f"{NS}text")]
    assert "Russia: 19,888 km² (75.0%)" in texts  # 0.75 x 26,517 km2
    assert "Ukraine: 6,629 km² (25.0%)" in texts
    assert "Hatched: 25% or more of the region administered by Ukraine" in texts
    assert "Total: 1 region, 26,517 km²" in texts
    assert TEXTS["caption"] in texts
    # Without an official area the outline's own (26,527 km2) is counted.
    texts = [t.text or "" for t in _parse(_toy((("russia", 1.0),))).iter(f"{NS}text")]
    assert "Russia: 26,527 km² (100.0%)" in texts
    assert TEXTS["caption"] in texts
    assert any("lines are approximate" in t for t in texts)
    assert any("Natural Earth" in t for t in texts)


def test_cities_are_drawn_with_labels() -> None:
    """Check that every city has a dot, its name as text and its label as tooltip."""
    root = _parse(_scenario_map())
    cities = [g for g in root.iter(f"{NS}g") if g.get("class") == "city"]
    assert len(cities) == len(load_scenario("ukraine-2025").cities)
    names = {g.findtext(f"{NS}text") for g in cities}
    assert {"Kramatorsk", "Sevastopol", "Odesa"} <= names
    assert "Kramatorsk, held by ukraine" in {g.findtext(f"{NS}title") for g in cities}
    assert all(g.find(f"{NS}circle") is not None for g in cities)


def test_text_is_escaped() -> None:
    """Check that labels with <&> and quotes come through as text, not markup."""
    nasty = "A <b>&\"quoted' & more>"
    area = MapArea("UA-14", nasty, (("ukraine", 1.0),))
    city = MapCity(nasty, 37.5, 48.0, nasty)
    legend = (LegendEntry("ukraine", nasty, "#123456"),)
    svg = render_map(
        [area], [city], legend, title=nasty, description=nasty, caption=nasty, context=()
    )
    root = _parse(svg)
    assert "<b>" not in svg
    assert root.findtext(f"{NS}title") == nasty
    assert root.findtext(f"{NS}desc") == nasty
    assert any((t.text or "").startswith(nasty) for t in root.iter(f"{NS}text"))
    region = _regions(root)[0]
    assert region.findtext(f"{NS}title") == f"{nasty}: 100% administered by {nasty}"


def test_id_prefix_and_width() -> None:
    """Check that ids carry the prefix and the drawing is as wide as asked."""
    root = _parse(_toy((("ukraine", 0.5), ("russia", 0.5)), id_prefix="m2", width=400))
    assert root.get("width") == "400"
    assert root.get("viewBox", "").startswith("0 0 400 ")
    assert root.get("aria-labelledby") == "m2-title m2-desc"
    assert {p.get("id") for p in root.iter(f"{NS}pattern")} == {"m2-hatch-1"}


def test_unknown_region_is_named() -> None:
    """Check that an unknown region code gives NotFoundError naming it."""
    area = MapArea("UA-99", "Nowhere", (("ukraine", 1.0),))
    with pytest.raises(NotFoundError, match=r"no region outline for 'UA-99'\. Known ISO"):
        render_map([area], [], LEGEND, **TEXTS)
    with pytest.raises(NotFoundError, match="'RU-MOW'"):
        render_map([], [], LEGEND, context=["RU-MOW"], **TEXTS)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: MapArea("UA-14", "D", (("ukraine", 0.5), ("russia", 0.4))),
            "The 'parts' of MapArea 'UA-14' must sum to 1. Got 0.9 instead; give the rest "
            "of the area to the region's own category.",
        ),
        (
            lambda: MapArea("UA-14", "D", (("ukraine", 1.5),)),
            "The 'parts' of MapArea 'UA-14' must have shares in [0, 1]. Got 1.5 for "
            "'ukraine' instead.",
        ),
        (
            lambda: MapArea("UA-14", "D", (("ukraine", 0.5), ("ukraine", 0.5))),
            "The 'parts' of MapArea 'UA-14' must name each key once. Got ['ukraine', "
            "'ukraine']. Add up the shares of a key.",
        ),
        (
            lambda: LegendEntry("x", "X", "url(#a)"),
            "The 'colour' of LegendEntry 'x' must be '#rgb', '#rrggbb' or an SVG colour "
            "name. Got 'url(#a)' instead.",
        ),
        (
            lambda: MapCity("X", 200.0, 48.0),
            "The position of MapCity 'X' must be lon in [-180, 180] and lat in [-90, 90]. "
            "Got (200.0, 48.0) instead.",
        ),
        (
            lambda: render_map([MapArea("UA-14", "D", (("nato", 1.0),))], [], LEGEND, **TEXTS),
            "The parts of MapArea 'UA-14' use the key 'nato', which is not in the legend. "
            "Legend keys: ukraine, russia. Add a LegendEntry for it.",
        ),
        (
            lambda: render_map([], [], LEGEND, title=" ", description="d", caption="c"),
            "The 'title' parameter of render_map must be a non-empty string. Got ' '.",
        ),
        (
            lambda: render_map([], [], LEGEND, width=50, **TEXTS),
            "The 'width' parameter of render_map must be an int in [200, 4000]. Got 50.",
        ),
        (
            lambda: render_map([], [], LEGEND, share_phrase="by {party}", **TEXTS),
            "The 'share_phrase' parameter of render_map must be a format string using only "
            "{label}, as 'administered by {label}'. Got 'by {party}' instead.",
        ),
        (
            lambda: render_map([], [], LEGEND, id_prefix="1 map", **TEXTS),
            "The 'id_prefix' parameter of render_map must start with a letter and hold only "
            "letters, digits, '-' and '_' (at most 41). Got '1 map' instead.",
        ),
        (
            lambda: render_map([], [], LEGEND, context=(), **TEXTS),
            "render_map needs at least one region in 'areas' or 'context'. Got none.",
        ),
    ],
)
def test_bad_arguments(build: object, message: str) -> None:
    """Check each bad argument's exact message."""
    assert callable(build)
    with pytest.raises(ParameterError) as info:
        build()
    assert str(info.value) == message
