"""Place a line of contact on the data-placed territory scale of the ukraine series.

The rule is the one in ``docs/ukraine-2025.md`` (territory, placement rule): a map's position
is 100 x the mean of two shares of the claimed regions (Crimea, Sevastopol, Donetsk,
Luhansk, Zaporizhzhia, Kherson) under Russian control, the share of their area and the
share of their pre-war population. Population by side applies an oblast's area share to
its population outside the cities named in the talks and places those cities by who
holds them.

Control shares are DeepState's (research brief, territory data, section 3). Where the
brief has no DeepState figure for a file's date, the share is interpolated linearly in
time between the nearest DeepState figures; that is a modelling judgement, and the
table printed says which figures are interpolated.

Run ``python scripts/territory_positions.py`` to print the line of every snapshot date of
the series; the figures go into the ``ceasefire-line-YYYY-MM`` options' notes.
"""

from __future__ import annotations

import datetime as dt

# Area (km2) and pre-war population of the claimed regions: the four oblasts on
# 1 January 2022 (Ukrstat), Crimea and Sevastopol on 1 January 2014 (Ukrstat).
REGIONS = {
    "crimea": (26_081, 1_967_200),
    "sevastopol": (864, 385_900),
    "donetsk": (26_517, 4_059_372),
    "luhansk": (26_684, 2_102_921),
    "zaporizhzhia": (27_180, 1_638_462),
    "kherson": (28_461, 1_001_598),
}
# Cities named in the talks, by oblast, with their 1 January 2022 population.
CITIES = {
    "donetsk": {
        "Donetsk": 901_645,
        "Mariupol": 425_681,
        "Sloviansk": 105_141,
        "Kramatorsk": 147_145,
        "Kostiantynivka": 67_350,
    },
    "luhansk": {"Luhansk": 397_677},
    "zaporizhzhia": {"Melitopol": 148_851, "Zaporizhzhia": 710_052},
    "kherson": {"Kherson": 279_131},
}
RUSSIAN_HELD_2025 = {"Donetsk", "Mariupol", "Luhansk", "Melitopol"}

# DeepState area shares under Russian control (percent), by date.
DEEPSTATE = {
    # [DS-2025d]: DeepState's 1 January 2026 figures minus its stated change over 2025.
    dt.date(2025, 1, 1): {"donetsk": 67.5, "luhansk": 99.0, "zaporizhzhia": 72.7, "kherson": 72.0},
    # [DS-2026]: DeepState annual summary, as of 1 January 2026.
    dt.date(2026, 1, 1): {"donetsk": 78.1, "luhansk": 99.6, "zaporizhzhia": 74.8, "kherson": 72.0},
}
# Reuters, 30 June 2025, citing DeepState: "over 70%" of Donetsk (taken as 70.0).
DEEPSTATE_DONETSK_2025_06_30 = 70.0


def _interpolate(points: dict[dt.date, float], day: dt.date) -> tuple[float, bool]:
    """Return the share on ``day`` and whether it was interpolated."""
    if day in points:
        return points[day], False
    dates = sorted(points)
    if day <= dates[0]:
        return points[dates[0]], True
    if day >= dates[-1]:
        return points[dates[-1]], True
    after = next(d for d in dates if d > day)
    before = max(d for d in dates if d < day)
    weight = (day - before).days / (after - before).days
    return points[before] + weight * (points[after] - points[before]), True


def shares_on(day: dt.date) -> dict[str, tuple[float, bool]]:
    """Return each oblast's Russian-controlled area share (percent) on ``day``."""
    found: dict[str, tuple[float, bool]] = {}
    for oblast in ("donetsk", "luhansk", "zaporizhzhia", "kherson"):
        points = {d: s[oblast] for d, s in DEEPSTATE.items()}
        if oblast == "donetsk":
            points[dt.date(2025, 6, 30)] = DEEPSTATE_DONETSK_2025_06_30
        found[oblast] = _interpolate(points, day)
    return found


def position(shares: dict[str, float], russian_held: set[str]) -> tuple[float, float, float]:
    """Return (position, area share, population share), shares in percent.

    Parameters
    ----------
    shares : dict
        Russian-controlled area share (percent) of each of the four oblasts.
    russian_held : set of str
        The named cities under Russian control; the others are Ukrainian-held.
    """
    area_total = sum(a for a, _ in REGIONS.values())
    pop_total = sum(p for _, p in REGIONS.values())
    area = REGIONS["crimea"][0] + REGIONS["sevastopol"][0]
    pop = REGIONS["crimea"][1] + REGIONS["sevastopol"][1]
    for oblast, share in shares.items():
        oblast_area, oblast_pop = REGIONS[oblast]
        area += oblast_area * share / 100
        cities = CITIES.get(oblast, {})
        rest = oblast_pop - sum(cities.values())
        pop += rest * share / 100
        pop += sum(n for c, n in cities.items() if c in russian_held)
    area_share = 100 * area / area_total
    pop_share = 100 * pop / pop_total
    return round((area_share + pop_share) / 2, 1), area_share, pop_share


def main() -> None:
    """Print the line of contact of each snapshot date on the territory scale."""
    dates = [
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
        dt.date(2025, 6, 30),
        dt.date(2025, 8, 31),
        dt.date(2025, 11, 30),
        dt.date(2026, 1, 1),
    ]
    print("date        position  area%  pop%  shares (* interpolated)")
    for day in dates:
        found = shares_on(day)
        value, area, pop = position({k: v for k, (v, _) in found.items()}, RUSSIAN_HELD_2025)
        text = ", ".join(f"{k} {v:.1f}{'*' if i else ''}" for k, (v, i) in found.items())
        print(f"{day}  {value:8.1f}  {area:5.1f}  {pop:4.1f}  {text}")


if __name__ == "__main__":
    main()
