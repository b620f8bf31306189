"""The charts page's copy of plotly.js's style rules matches the vendored plotly.js.

Under the pages' CSP plotly.js may not inject its ``<style>`` element, so the page links
``static/vendor/plotly/plotly-styles.css`` instead. This test draws a chart with the
vendored plotly.js on a page without a CSP, reads the rules plotly.js injected, and
compares. To regenerate the file after updating plotly.js, run this module as a script:
``python -m tests.web.browser.test_plotly_css``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route, sync_playwright

from peacetalks.report import assets_path
from tests.web.browser.harness import CHROMIUM, CHROMIUM_ARGS, ROOT

pytestmark = pytest.mark.slow

STYLES = ROOT / "src" / "peacetalks" / "web" / "static" / "vendor" / "plotly" / "plotly-styles.css"
HEADER = """\
/* The style rules plotly.js (plotly.js-basic-dist-min, MIT License, see LICENSE beside
   this file) would inject into a <style> element at run time. Under the pages' CSP
   (style-src 'self') it may not, so the charts page links this file with
   id="plotly.js-style-global" and class "no-inline-styles", which tells plotly.js to skip
   the injection. Extracted from the browser, in the order plotly.js leaves them;
   tests/web/browser/test_plotly_css.py checks that it matches the vendored plotly.js
   and regenerates it when run as a script. */
"""
_PAGE = """<!doctype html><html><head><script src="/plotly.js"></script></head>
<body><div id="chart"></div><script src="/draw.js"></script></body></html>"""
_DRAW = """Plotly.newPlot(document.getElementById("chart"), [{x: [1, 2, 3], y: [1, 3, 2]}], {},
  {responsive: true, displaylogo: false}).then(() => { document.body.dataset.drawn = "1"; });"""


def injected_rules(browser: Browser, *, vendored: str = "") -> tuple[list[str], list[str]]:
    """Return the CSS rules plotly.js injects when it draws a chart without a CSP.

    Also returns the rules of ``vendored`` (CSS text) as the same browser reads them, so
    that the two lists compare alike whatever the browser's way of writing rules out.
    """
    plotly = (assets_path() / "vendor" / "plotly-basic.min.js").read_bytes()
    page = browser.new_page()

    def serve(route: Route) -> None:
        url = route.request.url
        if url.endswith("/plotly.js"):
            route.fulfill(body=plotly, content_type="text/javascript")
        elif url.endswith("/draw.js"):
            route.fulfill(body=_DRAW, content_type="text/javascript")
        else:
            route.fulfill(body=_PAGE, content_type="text/html")

    try:
        page.route("**/*", serve)
        page.goto("http://plotly.test/")
        page.wait_for_selector("body[data-drawn='1']")
        rules: list[str] = page.evaluate(
            "() => Array.from(document.getElementById('plotly.js-style-global').sheet.cssRules)"
            ".map(rule => rule.cssText)"
        )
        read: list[str] = page.evaluate(
            "css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
            " return Array.from(sheet.cssRules).map(rule => rule.cssText); }",
            vendored,
        )
    finally:
        page.close()
    return rules, read


def test_vendored_plotly_styles_match_plotly(browser: Browser) -> None:
    """Check that the vendored style rules are those the vendored plotly.js injects."""
    text = STYLES.read_text(encoding="utf-8")
    assert text.startswith(HEADER), f"{STYLES} lost its header"
    injected, vendored = injected_rules(browser, vendored=text)
    assert len(injected) > 10
    assert vendored == injected, (
        "plotly-styles.css is out of date; run 'python -m tests.web.browser.test_plotly_css'"
    )


def test_license_is_vendored_beside_the_styles() -> None:
    """Check that plotly.js's license travels with the extracted rules."""
    license_text = (STYLES.parent / "LICENSE").read_text(encoding="utf-8")
    assert license_text == (assets_path() / "vendor" / "LICENSE").read_text(encoding="utf-8")


def main() -> None:
    """Write the vendored style rules from the vendored plotly.js."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            rules, _ = injected_rules(browser)
        finally:
            browser.close()
    STYLES.write_text(HEADER + "\n".join(rules) + "\n", encoding="utf-8")
    print(f"wrote {len(rules)} rules to {Path(STYLES).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
