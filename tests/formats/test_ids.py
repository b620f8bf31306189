"""Ids made from names: distinct, at most 64 characters, linear in their number."""

from __future__ import annotations

from peacetalks.formats._ids import UniqueIds


def test_equal_slugs_get_numbered_suffixes() -> None:
    """Check slug, slug-2, slug-3 ... and that a taken suffixed id is skipped."""
    ids = UniqueIds()
    assert [ids("a"), ids("a-2"), ids("a"), ids("a"), ids("b")] == ["a", "a-2", "a-3", "a-4", "b"]
    assert "a-3" in ids
    assert "a-5" not in ids


def test_long_names_keep_their_suffix_within_64_characters() -> None:
    """Check names sharing their first 64 characters still get distinct ids of 64 or fewer."""
    ids = UniqueIds()
    made = [ids("x" * 64) for _ in range(12)]
    assert len(set(made)) == 12
    assert max(len(i) for i in made) == 64
    assert made[:3] == ["x" * 64, "x" * 62 + "-2", "x" * 62 + "-3"]


def test_sixty_thousand_equal_names() -> None:
    """Check 60,000 equal names get 60,000 distinct ids (each slug remembers its next suffix)."""
    ids = UniqueIds()
    made = [ids("same") for _ in range(60_000)]
    assert len(set(made)) == 60_000
    assert made[-1] == "same-60000"
