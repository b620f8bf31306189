"""Shared plumbing of the CLI commands: error handling, JSON output, loading."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar, cast

import typer

from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED, MODEL_NAMES
from peacetalks.errors import FrontTooLargeError, PeacetalksError, PeacetalksWarning

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from peacetalks.scenario.models import Scenario

__all__ = [
    "AcceptanceRunsOption",
    "AcceptanceSeedOption",
    "CsvOption",
    "DropOption",
    "JsonOption",
    "ModelOption",
    "SetOption",
    "TableSourceArg",
    "console",
    "emit_json",
    "export_csv",
    "export_xlsx",
    "handles_errors",
    "load",
    "load_what_if",
    "state",
    "stderr",
    "what_if",
    "with_what_ifs",
]

# Arguments shared by the commands that forecast from stakeholder tables.
TableSourceArg = Annotated[
    str,
    typer.Argument(
        help="A scenario (built-in id or YAML), a BDM CSV or a KTAB SMP CSV or XML file."
    ),
]
ModelOption = Annotated[
    str, typer.Option("--model", "-m", help=f"One of: {', '.join(MODEL_NAMES)}.")
]
# The acceptance Monte Carlo's draws and seed (the same defaults in every face).
AcceptanceRunsOption = Annotated[
    int,
    typer.Option(
        "--runs",
        help="Draws of the stated ranges for the acceptance probabilities "
        f"(default {ACCEPTANCE_RUNS}).",
    ),
]
AcceptanceSeedOption = Annotated[
    int, typer.Option("--seed", help=f"Seed of those draws (default {ACCEPTANCE_SEED}).")
]
# --json on every command that prints a document.
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
# --csv on every command that prints tables (peacetalks.briefing.tables says which).
CsvOption = Annotated[
    Path | None,
    typer.Option(
        "--csv",
        help="Also write the tables as CSV: FILE when there is one, else FILE lists them and "
        "each goes to FILE's name plus .TABLE.csv.",
        dir_okay=False,
    ),
]
# What-ifs (one parser and one set of messages: peacetalks.scenario.what_if).
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="What-if: ACTOR.reservation=V, ACTOR:ISSUE.salience=V or ACTOR:ISSUE.ideal=V "
        "(repeatable).",
    ),
]
DropOption = Annotated[
    list[str] | None, typer.Option("--drop", help="What-if: leave this actor out (repeatable).")
]
# A deal named by a proposal of the scenario or given in a file (evaluate, territory).
ProposalOption = Annotated[
    str | None, typer.Option("--proposal", "-p", help="Id of a proposal in the scenario.")
]
DealOption = Annotated[
    Path | None,
    typer.Option("--deal", "-d", help="YAML/JSON file mapping issue ids to option ids."),
]

P = ParamSpec("P")
R = TypeVar("R")


class _LazyConsole:
    """A Rich console made on first use: ``--help`` and ``--version`` never import Rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            options = dict(self._options)
            stream = sys.stderr if options.get("stderr") else sys.stdout
            if "width" not in options and not _is_terminal(stream) and "COLUMNS" not in os.environ:
                # Piped or redirected: Rich would assume 80 columns and fold tables and
                # cut ids; a file or a pipe has no width, so tables keep their own.
                options["width"] = PIPED_WIDTH
            self._console = _safe_console_class(Console)(**options)
        return getattr(self._console, name)


# Control characters a scenario's text may hold (an escape sequence in a name, a carriage
# return) are shown as escapes instead of reaching the terminal; newline and tab stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _safe_console_class(base: type[Console]) -> type[Console]:
    """Return a console class that prints the text of every segment with visible controls.

    Only the text is changed: the styles Rich renders (colours on a terminal) and its own
    control segments (cursor moves) are left alone.
    """
    from rich.segment import Segment

    class SafeConsole(base):  # type: ignore[valid-type,misc]
        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            cleaned = (
                Segment(_visible(text), style, control)
                if not control
                else Segment(text, style, control)
                for text, style, control in buffer
            )
            rendered: str = super()._render_buffer(cleaned)
            return rendered

    return SafeConsole


# Width of the output when it goes to a file or a pipe (set COLUMNS to choose another).
PIPED_WIDTH = 1000


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# Typed as consoles: every attribute is the real console's.
console = cast("Console", _LazyConsole(highlight=False, soft_wrap=True))
stderr = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))


def real_console(lazy: Console) -> Console:
    """Return the Rich console behind :data:`console` or :data:`stderr` (for progress bars)."""
    lazy.is_terminal  # noqa: B018  # makes it
    made: Console = getattr(lazy, "_console", lazy)
    return made


def escape(text: str) -> str:
    """Escape Rich markup in ``text`` (Rich is imported on first use)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def new_table(**options: Any) -> Table:
    """Return a Rich table (Rich is imported on first use)."""
    from rich.table import Table

    return Table(**options)


# Set by the root callback on every invocation.
state = {"debug": False}
# The warnings the running command has raised so far, innermost command last (see
# handles_errors and emit_json).
_live: list[list[warnings.WarningMessage]] = []


def _current_warnings() -> list[warnings.WarningMessage]:
    return _live[-1] if _live else []


def _debug() -> bool:
    return state["debug"]


def _relay(caught: list[warnings.WarningMessage]) -> None:
    """Print peacetalks's warnings on stderr; hand any other warning back to Python."""
    for warning in caught:
        if issubclass(warning.category, PeacetalksWarning):
            stderr.print(f"[yellow]warning:[/] {escape(str(warning.message))}", highlight=False)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a :class:`PeacetalksError` as one message on stderr and exit with 1.

    With the global ``--debug`` option the traceback is shown instead. Each
    :class:`PeacetalksWarning` (a file read leniently, as its own tool reads it) is
    printed on stderr as ``warning: ...`` (after the command's output, or before its
    error), so ``--json`` output on stdout stays one document.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        caught: list[warnings.WarningMessage] = []
        try:
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", PeacetalksWarning)
                    _live.append(caught)
                    try:
                        return command(*args, **kwargs)
                    finally:
                        _live.pop()
            finally:
                _relay(caught)
        except PeacetalksError as e:
            if _debug():
                raise
            stderr.print(f"[bold red]error:[/] {escape(_message(e))}", markup=True, highlight=False)
            raise typer.Exit(1) from None

    return wrapper


def _message(error: PeacetalksError) -> str:
    """Return an error's message, with the command line's words where the API's differ."""
    if isinstance(error, FrontTooLargeError):
        if error.estimate is not None:
            size = f"would grow to about {error.estimate:,} deals"
        else:
            size = f"passed {error.size:,} deals"
        return (
            f"the deal space is too large for its exact Pareto front, which {size} (more "
            f"than the {error.max_points:,} kept in memory). 'peacetalks deals SCENARIO "
            "--pareto' lists a front found from a random sample of deals; --rational (only "
            "deals above every reservation), or fewer issues or options, may make the "
            "exact front small enough."
        )
    return str(error)


def emit_json(data: Any) -> None:
    """Print one JSON document on stdout.

    When the command has read a file leniently (a :class:`PeacetalksWarning`, also
    printed on stderr), a document that is an object gains ``read_warnings``: the list
    of those messages, so that a script reading only stdout sees them too.
    """
    found = [
        str(w.message) for w in _current_warnings() if issubclass(w.category, PeacetalksWarning)
    ]
    if found and isinstance(data, dict) and "read_warnings" not in data:
        data = {**data, "read_warnings": found}
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def export_csv(data: dict[str, Any], path: Path | None) -> None:
    """Write the JSON document's tables as CSV when ``--csv`` was given; say where on stderr."""
    if path is None:
        return
    from peacetalks.formats.export import write_csv

    files = write_csv(data, path)
    shown = ", ".join(str(f) for f in files[:3]) + (" ..." if len(files) > 3 else "")
    stderr.print(f"wrote {len(files)} CSV file(s): {shown}", markup=False)


def export_xlsx(data: dict[str, Any], path: Path, scenario: Scenario) -> None:
    """Write the document's tables, and the scenario's sources and positions, as a workbook."""
    from peacetalks.briefing.tables import document_tables
    from peacetalks.formats.export import write_xlsx
    from peacetalks.scenario.load import scenario_to_data

    own = document_tables(scenario_to_data(scenario))
    extra = {f"scenario.{name}": own[name] for name in ("sources", "positions") if name in own}
    sheets = write_xlsx(data, path, extra=extra)
    stderr.print(f"wrote {path} ({len(sheets)} sheets)", markup=False)


def load(name: str) -> Scenario:
    """Load a scenario by built-in id, YAML path or GENIUS folder (errors are PeacetalksError)."""
    from peacetalks.formats.readers import read_scenario  # imported when a command needs it

    return read_scenario(name)


def load_what_if(
    name: str, sets: list[str] | None, drops: list[str] | None, *, json_output: bool
) -> tuple[Scenario, list[str]]:
    """Load a scenario and apply the ``--set``/``--drop`` what-ifs (see :func:`what_if`)."""
    return what_if(load(name), sets, drops, json_output=json_output)


def what_if(
    model: Scenario, sets: list[str] | None, drops: list[str] | None, *, json_output: bool
) -> tuple[Scenario, list[str]]:
    """Apply the ``--set``/``--drop`` what-ifs to a loaded scenario.

    In text mode the changes applied are printed first, one per line; ``--json`` output
    carries them as ``what_ifs`` (see :func:`with_what_ifs`).
    """
    if not sets and not drops:
        return model, []
    from peacetalks.scenario.what_if import apply_what_ifs

    changed, applied = apply_what_ifs(model, sets or (), drops or ())
    if not json_output:
        console.print("What-ifs applied:", markup=False)
        for line in applied:
            console.print(f"  {line}", markup=False)
    return changed, applied


def with_what_ifs(data: dict[str, Any], applied: list[str]) -> dict[str, Any]:
    """Return a JSON document with ``what_ifs`` first when any were applied."""
    return {"what_ifs": applied, **data} if applied else data


@contextlib.contextmanager
def progress_bar(
    label: str, unit: str, *, shown: bool = True
) -> Iterator[Callable[[int, int], None] | None]:
    """Show a progress bar on stderr (never on stdout, so --json stays one document).

    Yields a ``progress(done, total)`` callback for the computation, or None when
    ``shown`` is False (the work is too small to need one).
    """
    if not shown:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn(f"{{task.completed}}/{{task.total}} {unit}"),
        TimeRemainingColumn(),
        console=real_console(stderr),
        transient=True,
    ) as bar:
        task = bar.add_task(unit, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
