"""Print a briefing to PDF with a headless Chromium (Debian's ``chromium`` package).

Chromium is not a Python dependency: :func:`find_chromium` looks for it on ``PATH`` (or
takes ``PEACETALKS_CHROMIUM``), and :func:`print_pdf` runs it offline, with background
networking, updates and sync turned off, on a throw-away profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from peacetalks.errors import ParameterError, PeacetalksError

__all__ = [
    "CHROMIUM_FLAGS",
    "CHROMIUM_NAMES",
    "TIMEOUT_SECONDS",
    "PdfError",
    "find_chromium",
    "print_pdf",
]

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--disable-quic",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    # Let the page's scripts (the charts) finish before printing.
    "--virtual-time-budget=20000",
)
TIMEOUT_SECONDS = 180.0


class PdfError(PeacetalksError, RuntimeError):
    """Chromium could not print the report.

    Parameters
    ----------
    message : str
        What failed and how to fix it.
    command : tuple of str
        The command that was run.
    """

    def __init__(self, message: str, *, command: tuple[str, ...]) -> None:
        self.command = command
        super().__init__(message)


def find_chromium() -> str:
    """Return the path of a Chromium (or Chrome) executable.

    ``PEACETALKS_CHROMIUM`` names one explicitly; otherwise the first of
    :data:`CHROMIUM_NAMES` found on ``PATH``.

    Raises
    ------
    ParameterError
        If none is found; the message says how to install it.
    """
    chosen = os.environ.get("PEACETALKS_CHROMIUM")
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            msg = (
                f"PEACETALKS_CHROMIUM names {chosen!r}, which is not an executable. "
                "Set it to the path of chromium or chrome, or unset it."
            )
            raise ParameterError(msg, parameter="PEACETALKS_CHROMIUM", value=chosen)
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    msg = (
        "Printing to PDF needs Chromium, and none was found on PATH (looked for "
        f"{', '.join(CHROMIUM_NAMES)}). Install it (Debian/Ubuntu: sudo apt-get install "
        "chromium), or set PEACETALKS_CHROMIUM to its path, or leave out --pdf and print the "
        "HTML file from a browser."
    )
    raise ParameterError(msg, parameter="--pdf", value=None)


def print_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None) -> None:
    """Print an HTML file to PDF with headless Chromium.

    Parameters
    ----------
    html_path : Path
        The HTML file (opened as a ``file://`` address, offline).
    pdf_path : Path
        Where to write the PDF.
    chromium : str, optional
        The executable; by default :func:`find_chromium`.

    Raises
    ------
    ParameterError
        If no Chromium is found.
    PdfError
        If Chromium fails, times out or writes no PDF.
    """
    executable = chromium or find_chromium()
    target = pdf_path.resolve()
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="peacetalks-chromium-") as profile:
        command = (
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            html_path.resolve().as_uri(),
        )
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            msg = (
                f"Chromium did not finish printing {html_path} within {TIMEOUT_SECONDS:g} s. "
                "Try again with fewer --runs, or print the HTML file from a browser."
            )
            raise PdfError(msg, command=command) from None
        except OSError as e:
            msg = f"Chromium ({executable}) could not be started: {e}."
            raise PdfError(msg, command=command) from None
    if result.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        msg = (
            f"Chromium ({executable}) did not write {pdf_path} (exit status "
            f"{result.returncode}). Its last messages: {' | '.join(detail) or 'none'}."
        )
        raise PdfError(msg, command=command)
