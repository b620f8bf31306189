"""Write what the data tests need from the research sources, without the sources themselves.

Usage (from the repository root, with the project's shared sources beside it)::

    python scripts/fingerprint_sources.py ../shared/sources

The two opinion articles cannot be shipped (they are someone else's text), but a test must
still be able to check that the built-in scenarios paraphrase them and never copy them. This
script writes, per article, the SHA-256 of every run of ten words (lower-cased letters and
apostrophes, as the tests tokenise), from which the text cannot be read back; and, from the
research table ``territory.md``, each region's ISO code, area and population with the
table's own citations, so the regions' figures can be checked from a plain clone.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "sources"
ARTICLES = {
    "000_ae2f66c3d9985562.txt": "Geoffrey Roberts, 'Towards a New Grand Alliance? Trump, Putin "
    "and the Path to Peace in Ukraine' (February 2025)",
    "004_7a43525245254f90.txt": "Andrew Korybko, 'What's next after Vladimir Putin and Donald "
    "Trump just agreed to start peace talks' (12-13 February 2025)",
}


def ten_word_runs(text: str) -> set[str]:
    """Return every run of ten words in a text, lower-cased (the tests' tokenisation)."""
    words = re.findall(r"[a-z']+", text.lower())
    return {" ".join(words[k : k + 10]) for k in range(len(words) - 9)}


def digest(run: str) -> str:
    """Return the SHA-256 of a run of words, in hex."""
    return hashlib.sha256(run.encode("utf-8")).hexdigest()


def main() -> None:
    """Write the fingerprints and the region table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, help="the shared sources folder")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    for name, cite in ARTICLES.items():
        runs = ten_word_runs((args.sources / name).read_text(encoding="utf-8"))
        lines = [f"# SHA-256 of every run of ten words of {cite}; the text itself is not shipped."]
        lines += sorted(digest(run) for run in runs)
        (args.output / f"{Path(name).stem}.10grams").write_text("\n".join(lines) + "\n")
    rows = ["code,area_km2,population,population_date,sources"]
    text = (args.sources / "territory.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and re.fullmatch(r"(UA|RU)-[A-Z0-9]+", cells[1]):
            area = re.match(r"[\d,]+", cells[3])
            population = re.match(r"\**([\d,]+)", cells[4])
            if area:
                cite = cells[6].replace('"', "'")
                rows.append(
                    f"{cells[1]},{area.group(0).replace(',', '')},"
                    f"{population.group(1).replace(',', '') if population else ''},"
                    f'"{cells[5]}","{cite}"'
                )
    (args.output / "territory-regions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
