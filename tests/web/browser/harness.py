"""Helpers of the browser tests: the server under test, watched pages, signing in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts" / "browser"
USERNAME = "browser-analyst"
OTHER_USER = "browser-other"
PASSWORD = "correct horse battery staple"
PRIVATE_ID = "browser-private"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 667}

# Reports CSP violations through a binding Playwright adds (not subject to the page's CSP).
_VIOLATIONS_SCRIPT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile || document.location.href}:${event.lineNumber}:${event.columnNumber}` +
    ` ${event.sample}`);
});
"""
_FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of \d+")


@dataclass
class Server:
    """The running server: its address and data directory."""

    url: str
    data: Path


@dataclass
class Watched:
    """A page, and what went wrong on it: console errors, exceptions, CSP violations."""

    page: Page
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)

    def problems(self) -> list[str]:
        """Return what went wrong, leaving out error statuses of documents (tests check those)."""
        kept = []
        for message in self.errors:
            text, _, url = message.partition(" @ ")
            if _FAILED_LOAD.match(text) and url in self.documents:
                continue
            kept.append(message)
        return kept + [f"CSP violation: {v}" for v in self.violations]


def watch(page: Page) -> Watched:
    """Return the page with listeners that record errors and CSP violations."""
    watched = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(f"{message.text} @ {message.location.get('url', '')}")

    def on_document(url: str, resource_type: str) -> None:
        if resource_type == "document":
            watched.documents.add(url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(f"uncaught: {error}"))
    page.on("response", lambda r: on_document(r.url, r.request.resource_type))
    page.expose_binding("reportViolation", lambda _source, text: watched.violations.append(text))
    page.add_init_script(_VIOLATIONS_SCRIPT)
    return watched


def open_page(browser: Browser, server: Server, viewport: ViewportSize) -> Watched:
    """Return a watched page in a new context (no cookies) at the given viewport."""
    context = browser.new_context(base_url=server.url, viewport=viewport)
    context.set_default_timeout(15_000)
    return watch(context.new_page())


_CONTRAST_SCRIPT = """
() => {
  const parse = (text) => {
    const found = text.match(/rgba?\\(([^)]+)\\)/);
    if (!found) { return null; }
    const parts = found[1].split(",").map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const channel = (v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour.a > 0.99) { return colour; }
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (!text || element.closest(".pt-chart, script")) { continue; }
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === "hidden") { continue; }
    const lights = [luminance(parse(style.color)), luminance(background(element))];
    const ratio = (Math.max(...lights) + 0.05) / (Math.min(...lights) + 0.05);
    if (ratio < 4.5) { low.push(`${ratio.toFixed(2)}: ${element.tagName} "${text.slice(0, 40)}"`); }
  }
  return low;
}
"""


def low_contrast(page: Page) -> list[str]:
    """Return the visible texts (outside charts) with a contrast below 4.5:1."""
    found: list[str] = page.evaluate(_CONTRAST_SCRIPT)
    return found


def shown_deal(page: Page) -> dict[str, str]:
    """Return the deal builder's picks: the option shown for each issue."""
    found: dict[str, str] = page.locator("select[data-issue]").evaluate_all(
        "items => Object.fromEntries(items.map(s => [s.dataset.issue, s.value]))"
    )
    return found


def wait_for_verdict(page: Page, deal: dict[str, str]) -> None:
    """Wait until the deal builder's verdict shows the evaluation of exactly this deal."""
    page.wait_for_function(
        "deal => { const v = document.getElementById('verdict');"
        " return v.dataset.state === 'ready' && v.dataset.deal === deal; }",
        arg=json.dumps(deal, separators=(",", ":")),
    )


def blockers_shown(page: Page) -> list[str]:
    """Return the actor ids the deal builder lists as blocking."""
    shown: list[str] = page.locator("#blockers > li[data-actor]").evaluate_all(
        "items => items.map(item => item.dataset.actor)"
    )
    return shown


def check_fits_width(page: Page, what: str) -> None:
    """Check that the page does not scroll sideways (at a phone's 375 px, say)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{what} scrolls sideways: {widths}"


def check_accessible(page: Page, path: str = "", *, styled: bool = False) -> None:
    """Check what every page passes: landmarks, one h1, labelled controls, contrast.

    Also no inline script and, unless ``styled`` (a page whose charts set sizes inline),
    no ``style`` attribute or element: the CSP blocks them.
    """
    assert page.locator("header").count() == 1, path
    assert page.locator("main#main").count() == 1, path
    assert page.locator("footer").count() == 1, path
    assert page.locator("h1").count() == 1, path
    assert page.locator("script:not([src]):not([type='application/json'])").count() == 0, path
    if not styled:
        assert page.evaluate("() => document.querySelectorAll('[style], style').length") == 0, path
    unlabelled = page.evaluate(
        "() => Array.from(document.querySelectorAll('input:not([type=hidden]), select,"
        " textarea, progress')).filter(e => !(e.labels && e.labels.length)"
        " && !e.getAttribute('aria-label')).map(e => e.id || e.name)"
    )
    assert unlabelled == [], path
    assert low_contrast(page) == [], path


def sign_in(watched: Watched, username: str = USERNAME, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the signed-in header."""
    page = watched.page
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile(r"^Account")).wait_for()
