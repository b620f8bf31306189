"""The ``peacetalks lint`` command: provenance and consistency of scenario files."""

from __future__ import annotations

from typing import Annotated

import typer

from peacetalks.cli._helpers import (
    CsvOption,
    console,
    emit_json,
    export_csv,
    handles_errors,
)

# The checks are imported when the command runs (see peacetalks.cli.commands).

__all__ = ["lint_command"]


@handles_errors
def lint_command(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenario files, built-in ids, or a built-in series (ukraine: every "
            "snapshot of it)."
        ),
    ],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv_file: CsvOption = None,
) -> None:
    """Check where every option, position and red line comes from, and that a series agrees.

    Exit status 1 when there is an error, 0 when there are only warnings or none. The
    codes are listed in docs/lint.md.
    """
    from peacetalks.scenario.lint import lint

    problems = lint(scenarios)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    data = {
        "problems": [p.to_dict() for p in problems],
        "errors": errors,
        "warnings": warnings,
    }
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
    else:
        for problem in problems:
            console.print(problem.render(), markup=False, soft_wrap=True)
        verdict = "clean" if not problems else f"{errors} error(s), {warnings} warning(s)"
        console.print(f"lint: {', '.join(scenarios)}: {verdict}", markup=False)
    if errors:
        raise typer.Exit(1)
