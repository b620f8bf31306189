"""What the data tests know of the research sources, shipped as fingerprints and figures.

The articles are not in the repository; ``tests/data/sources/*.10grams`` holds the SHA-256
of each of their runs of ten words (``scripts/fingerprint_sources.py`` writes them), and
``territory-regions.csv`` the research table's areas and populations with its citations.
"""

from __future__ import annotations

import csv
import hashlib
import re
from functools import cache

from tests.conftest import DATA

SOURCES = DATA / "sources"
ARTICLES = ("000_ae2f66c3d9985562", "004_7a43525245254f90")


def ten_word_runs(text: str) -> set[str]:
    """Return every run of ten words in a text, lower-cased."""
    words = re.findall(r"[a-z']+", text.lower())
    return {" ".join(words[k : k + 10]) for k in range(len(words) - 9)}


@cache
def article_fingerprints(article: str) -> frozenset[str]:
    """Return the SHA-256 (hex) of every run of ten words of an article."""
    lines = (SOURCES / f"{article}.10grams").read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def copied_runs(text: str, article: str) -> list[str]:
    """Return the runs of ten words of ``text`` that also appear in the article."""
    prints = article_fingerprints(article)
    return sorted(
        run for run in ten_word_runs(text) if hashlib.sha256(run.encode()).hexdigest() in prints
    )


@cache
def territory_table() -> dict[str, tuple[int, int | None]]:
    """Return ISO code -> (area in km2, population or None) from the research table."""
    with (SOURCES / "territory-regions.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: (
                int(row["area_km2"]),
                int(row["population"]) if row["population"] else None,
            )
            for row in csv.DictReader(f)
        }
