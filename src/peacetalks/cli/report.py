"""The ``peacetalks report`` command: the briefing as one self-contained HTML (or PDF) file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from peacetalks.cli._helpers import console, emit_json, handles_errors, load, stderr
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import ParameterError

# The report (Jinja2, Plotly figures) is imported when the command runs.
if TYPE_CHECKING:
    from peacetalks.report.briefing import Briefing

__all__ = ["report"]


def _check_output(output: Path) -> None:
    if output.is_dir():
        msg = (
            f"The '--output' option must name a file, but {str(output)!r} is a directory. "
            "Give a file name, such as briefing.html."
        )
        raise ParameterError(msg, parameter="--output", value=str(output))
    folder = output.parent
    if not folder.is_dir():
        msg = (
            f"The '--output' option names a file in {str(folder)!r}, which does not exist. "
            "Create the folder first or write somewhere else."
        )
        raise ParameterError(msg, parameter="--output", value=str(output))


def _write(output: Path, text: str) -> None:
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        msg = f"Cannot write {str(output)!r}: {e.strerror or e}. Choose another '--output' file."
        raise ParameterError(msg, parameter="--output", value=str(output)) from None


@handles_errors
def report(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id, a YAML file or a GENIUS domain folder.")
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The file to write: HTML, or PDF with --pdf."),
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of every random draw (as analyze's).")
    ] = ACCEPTANCE_SEED,
    runs: Annotated[
        int,
        typer.Option(
            "--runs", help="Monte Carlo runs of the forecast and stress tests (as analyze's)."
        ),
    ] = ACCEPTANCE_RUNS,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Print the briefing to PDF with headless Chromium.")
    ] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON document: output, bytes, charts.")
    ] = False,
) -> None:
    """Write a briefing on a scenario: one self-contained HTML file with charts and tables.

    Proposals with who accepts and why, amendments, the deal space, forecasts, ratification
    and the survival of phased agreements. The file loads nothing from the network.
    """
    from peacetalks.report.briefing import MAX_RUNS, build_briefing
    from peacetalks.report.pdf import find_chromium, print_pdf

    if not 1 <= runs <= MAX_RUNS:
        msg = f"The '--runs' option must be an int in [1, {MAX_RUNS:,}]. Got {runs} instead."
        raise ParameterError(msg, parameter="--runs", value=runs)
    if seed < 0:
        msg = f"The '--seed' option must be an int >= 0. Got {seed} instead."
        raise ParameterError(msg, parameter="--seed", value=seed)
    _check_output(output)
    chromium = find_chromium() if pdf else None
    model = load(scenario)
    briefing: Briefing
    if json_output:
        briefing = build_briefing(model, seed=seed, runs=runs)
    else:
        with stderr.status("building the briefing...") as status:
            briefing = build_briefing(
                model, seed=seed, runs=runs, progress=lambda step: status.update(f"{step}...")
            )
    if pdf:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="peacetalks-report-") as folder:
            page = Path(folder) / "briefing.html"
            _write(page, briefing.html)
            if json_output:
                print_pdf(page, output, chromium=chromium)
            else:
                with stderr.status("printing to PDF..."):
                    print_pdf(page, output, chromium=chromium)
    else:
        _write(output, briefing.html)
    size = output.stat().st_size
    if json_output:
        emit_json(
            {
                "output": str(output),
                "format": "pdf" if pdf else "html",
                "bytes": size,
                "charts": [{"id": c.id, "title": c.title} for c in briefing.charts],
            }
        )
        return
    console.print(f"wrote {output} ({size:,} bytes, {len(briefing.charts)} charts)", markup=False)
