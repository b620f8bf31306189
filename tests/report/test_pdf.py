"""The printed briefing: a one-page summary, about ten pages of sections, then the appendix.

The PDF is the one ``peacetalks report --pdf`` makes with real Chromium; its pages are read
from the file itself (the page tree, and the page each linked element starts on).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from typer.testing import CliRunner

from peacetalks.cli import app
from peacetalks.report.pdf import CHROMIUM_NAMES
from tests.report._pdf import destination_pages, page_count

HAS_CHROMIUM = any(shutil.which(name) for name in CHROMIUM_NAMES)
needs_chromium = pytest.mark.skipif(
    not HAS_CHROMIUM and not os.environ.get("CI"),
    reason="Chromium is not installed (under CI this is a failure)",
)
# Pages before the appendix: the summary and about ten pages of sections.
MAX_MAIN_PAGES = 11
# The sections, in order, and the appendix's parts (ids the contents link to).
SECTIONS = ("proposals", "territory", "deal-space", "forecast", "ratification", "agreements")
APPENDIX = (
    "sources",
    "actors",
    "issues",
    "positions",
    "proposal-details",
    "territory-regions",
    "deal-space-details",
    "positions-by-round",
    "ratification-details",
    "agreement-phases",
    "timeline-issues",
)


@pytest.fixture(scope="module")
def ukraine_pdf(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> tuple[Path, bytes]:
    """Return the HTML and the PDF of the built-in scenario's briefing, printed by Chromium."""
    folder = tmp_path_factory.mktemp("pdf")
    html = folder / "ukraine-2025.html"
    pdf = folder / "ukraine-2025.pdf"
    for output, extra in ((html, []), (pdf, ["--pdf"])):
        result = CliRunner().invoke(
            app,
            ["report", "ukraine-2025", "-o", str(output), "--runs", "200", "--seed", "3", *extra],
        )
        assert result.exit_code == 0, result.output
    content = pdf.read_bytes()
    (artifacts / "report-ukraine-2025.pdf").write_bytes(content)
    return html, content


def test_pdf_reader_reads_the_page_tree() -> None:
    """Check the reader on a hand-made PDF: nested page tree and a named destination."""
    pdf = (
        b"%PDF-1.4\n1 0 obj\n<</Type /Catalog\n/Pages 2 0 R\n/Dests 6 0 R>>\nendobj\n"
        b"2 0 obj\n<</Type /Pages\n/Count 3\n/Kids [3 0 R 7 0 R]>>\nendobj\n"
        b"3 0 obj\n<</Type /Page\n/Parent 2 0 R>>\nendobj\n"
        b"7 0 obj\n<</Type /Pages\n/Kids [4 0 R 5 0 R]>>\nendobj\n"
        b"4 0 obj\n<</Type /Page>>\nendobj\n5 0 obj\n<</Type /Page>>\nendobj\n"
        b"6 0 obj\n<</intro [3 0 R /XYZ 0 10 0]\n/end#2Dnote [5 0 R /XYZ 0 0 0]>>\nendobj\n%%EOF"
    )
    assert page_count(pdf) == 3
    assert destination_pages(pdf) == {"intro": 1, "end-note": 3}


@needs_chromium
def test_summary_is_one_page_and_the_main_part_about_ten(ukraine_pdf: tuple[Path, bytes]) -> None:
    """Check the printed layout: summary alone on page 1, sections, then the appendix."""
    _, pdf = ukraine_pdf
    assert pdf.startswith(b"%PDF-")
    total = page_count(pdf)
    assert total == len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    pages = destination_pages(pdf)
    assert pages["summary"] == 1
    # The sections start on a new page; on page 2 only if the summary fits on page 1.
    assert pages["contents"] == 2
    assert pages["proposals"] == 2
    starts = [pages[s] for s in SECTIONS]
    assert starts == sorted(starts)
    appendix = pages["appendix"]
    assert pages["method"] < appendix
    assert appendix - 1 <= MAX_MAIN_PAGES, f"the main part runs to {appendix - 1} pages"
    # The appendix holds the long tables, after the break, and most of the pages.
    assert all(pages[part] >= appendix for part in APPENDIX)
    assert total - appendix > 3 * (appendix - 1)


@needs_chromium
def test_page_one_screenshot(
    browser: Browser, ukraine_pdf: tuple[Path, bytes], artifacts: Path
) -> None:
    """Check that the summary fits a printed page, and save how page 1 looks.

    The page is laid out as printed (print media, the width of a Letter page inside the
    briefing's margins) and photographed from the top to the contents, which start page 2.
    """
    html, _ = ukraine_pdf
    # Letter is 8.5 x 11 in at 96 px per inch; the @page margins are 11 mm a side, 22 mm
    # top and bottom together.
    mm = 96 / 25.4
    width, height = round(8.5 * 96 - 22 * mm), round(11 * 96 - 22 * mm)
    context = browser.new_context(offline=True, viewport={"width": width, "height": height})
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(html.as_uri())
    page.wait_for_function("() => [...document.querySelectorAll('.pt-chart')].length > 0")
    top = page.evaluate("() => document.querySelector('.pt-toc').getBoundingClientRect().top")
    assert top <= height
    page.screenshot(
        path=str(artifacts / "report-ukraine-2025-page1.png"),
        clip={"x": 0, "y": 0, "width": width, "height": top},
    )
    verdicts = page.locator("#summary-verdicts tbody tr")
    assert verdicts.count() == 10
    assert page.locator("#summary-error").is_visible()
    context.close()


@needs_chromium
def test_pdf_json_names_the_pdf(tmp_path: Path, small_path: Path) -> None:
    """Check that a small scenario prints to a short PDF whose summary is page 1."""
    output = tmp_path / "small.pdf"
    result = CliRunner().invoke(
        app, ["report", str(small_path), "-o", str(output), "--runs", "20", "--pdf", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "pdf"
    pages = destination_pages(output.read_bytes())
    assert pages["summary"] == 1
    assert pages["contents"] == 2
    assert pages["appendix"] > pages["method"]


def test_summary_fits_a_phone(browser: Browser, ukraine_report: Path, artifacts: Path) -> None:
    """Check that the summary's tables scroll inside their frame at 375 px, not the page."""
    context = browser.new_context(offline=True, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(ukraine_report.as_uri())
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    summary = page.locator("section.pt-summary")
    assert summary.locator("#summary-verdicts").is_visible()
    summary.screenshot(path=str(artifacts / "report-ukraine-2025-summary-375.png"))
    context.close()
