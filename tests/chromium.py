"""Debian's Chromium as the browser tests launch it (through Playwright, never downloaded)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Headless-friendly flags; the background-networking ones keep Chromium from calling out on
# a machine with a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
