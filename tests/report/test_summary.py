"""The summary page's helpers: shares, their intervals, fragility and short issue names."""

from __future__ import annotations

import pytest

from peacetalks.briefing.robustness import DecidingInput
from peacetalks.report.summary import (
    chance_interval,
    deciding_input,
    fragility_reason,
    percent,
    short_name,
)


def _deciding(*, flips: bool) -> DecidingInput:
    return DecidingInput(
        id="russia.reservation",
        input="russia's reservation",
        low=0.55,
        high=0.65,
        effect=-0.2,
        flips=flips,
        passes_at_low=True,
        passes_at_high=not flips,
    )


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.00025, "under 0.1%"),
        (0.99975, "over 99.9%"),
        (0.004, "0.4%"),
        (0.995, "99.5%"),
        (0.87, "87%"),
        (0.2, "20%"),
    ],
)
def test_percent_keeps_rare_cases_apart_from_none(share: float, text: str) -> None:
    """Check that a share the draws put near 0 or 1 is never printed as 0% or 100%."""
    assert percent(share) == text


def test_chance_interval() -> None:
    """Check the Wilson interval around a share, and the point for a decided verdict."""
    assert chance_interval(None, 2000) is None
    assert chance_interval(0.0, 2000) == (0.0, 0.0)
    assert chance_interval(1.0, 2000) == (1.0, 1.0)
    interval = chance_interval(0.8725, 2000)
    assert interval is not None
    low, high = interval
    assert low < 0.8725 < high
    assert low == pytest.approx(0.857, abs=0.001)
    assert high == pytest.approx(0.887, abs=0.001)
    # The draws missed a case the ranges allow: from 0, or up to 1, exactly.
    rare = chance_interval(0.5 / 2000, 2000)
    assert rare is not None
    assert rare[0] == 0.0
    assert 0.0 < rare[1] < 0.003
    common = chance_interval(1 - 0.5 / 2000, 2000)
    assert common is not None
    assert common[1] == 1.0
    # Fewer draws, a wider interval.
    few = chance_interval(0.8725, 200)
    assert few is not None
    assert few[1] - few[0] > high - low


def test_fragility_reason() -> None:
    """Check the two reasons a verdict is fragile, and none for a robust one."""
    assert fragility_reason(None, []) == ""
    assert fragility_reason(0.9, [_deciding(flips=True)]) == "one stated range flips it"
    assert fragility_reason(0.5, [_deciding(flips=False)]) == "it passes in 20%-80% of draws"
    assert fragility_reason(0.95, [_deciding(flips=False)]) == ""
    assert fragility_reason(0.0, []) == ""


def test_deciding_input_reads_its_json() -> None:
    """Check the round trip through DecidingInput.to_dict, and the sentence it gives."""
    original = _deciding(flips=True)
    again = deciding_input(original.to_dict())
    assert again == original
    assert again.describe("the fair compromise") == (
        "russia's reservation (0.55-0.65) decides the fair compromise: it passes at 0.55 and "
        "fails at 0.65"
    )


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Territory (Crimea and the four contested oblasts)", "Territory"),
        ("Neutrality and NATO membership", "Neutrality and NATO membership"),
        (
            "Kursk/Sumy exchange and Russian-held areas outside the four oblasts",
            "Kursk/Sumy exchange…",
        ),
        ("Limits on the size of Ukraine's armed forces", "Limits on the size of Ukraine's…"),
        ("A" + "very" * 10 + "longword", "A" + "very" * 8 + "…"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    """Check that a cut name drops its gloss and ends on a whole word, never on "and"."""
    assert short_name(name) == short
    assert len(short_name(name)) <= 34
