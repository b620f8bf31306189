"""The ``peacetalks`` command: list, show, validate and evaluate scenarios, and brief on them.

Start-up matters: a user runs a command, not a kernel. This module and the command
modules import only Typer and the standard library at the top; each command imports what
it computes with when it runs, so ``peacetalks --version`` and ``--help`` never load
NumPy, pydantic, the database or the web server. The application names its commands
without importing them: a command's module is imported, and its Click command built, when
that command is asked for (``--help`` asks for all of them), so ``peacetalks evaluate``
neither imports nor builds the others.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from peacetalks import __version__
from peacetalks.cli._helpers import (
    AcceptanceRunsOption,
    AcceptanceSeedOption,
    CsvOption,
    DealOption,
    DropOption,
    JsonOption,
    ProposalOption,
    SetOption,
    console,
    emit_json,
    escape,
    export_csv,
    export_xlsx,
    handles_errors,
    load,
    load_what_if,
    state,
    stderr,
    with_what_ifs,
)
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import ParameterError, ScenarioError

if TYPE_CHECKING:
    from typer._click import Command

__all__ = ["app", "main"]

# Every command: its name and the module and function that define it, in the order that
# --help lists them.
_COMMANDS = {
    "scenarios": ("peacetalks.cli.commands", "scenarios"),
    "show": ("peacetalks.cli.commands", "show"),
    "validate": ("peacetalks.cli.commands", "validate"),
    "schema": ("peacetalks.cli.commands", "schema"),
    "evaluate": ("peacetalks.cli.commands", "evaluate"),
    "analyze": ("peacetalks.cli.commands", "analyze"),
    "compare": ("peacetalks.cli.compare", "compare_command"),
    "timeline": ("peacetalks.cli.timeline", "timeline_command"),
    "lint": ("peacetalks.cli.lint", "lint_command"),
    "deals": ("peacetalks.cli.deals", "deals"),
    "forecast": ("peacetalks.cli.forecast", "forecast"),
    "backtest": ("peacetalks.cli.backtest", "backtest_command"),
    "sweep": ("peacetalks.cli.sweep", "sweep_command"),
    "stress": ("peacetalks.cli.agreements", "stress"),
    "track": ("peacetalks.cli.agreements", "track"),
    "power": ("peacetalks.cli.institutions", "power"),
    "ratify": ("peacetalks.cli.institutions", "ratify"),
    "negotiate": ("peacetalks.cli.negotiate", "negotiate"),
    "serve": ("peacetalks.cli.serve", "serve"),
    "report": ("peacetalks.cli.report", "report"),
    "territory": ("peacetalks.cli.territory", "territory_command"),
}


def _build_command(name: str) -> Command:
    """Import the command ``name`` and build its Click command, as Typer builds it."""
    module, function = _COMMANDS[name]
    single = typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
    )
    single.command(name=name)(getattr(importlib.import_module(module), function))
    return typer.main.get_command(single)


class _Commands(MutableMapping[str, "Command"]):
    """The commands of the group by name; each is built on first access (see _COMMANDS)."""

    def __init__(self, built: MutableMapping[str, Command]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in _COMMANDS:
                raise KeyError(name)
            self._built[name] = _build_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from _COMMANDS
        yield from (name for name in self._built if name not in _COMMANDS)

    def __len__(self) -> int:
        return len(_COMMANDS.keys() | self._built.keys())

    def __contains__(self, name: object) -> bool:
        return name in _COMMANDS or name in self._built


class _LazyGroup(TyperGroup):
    """The root group: knows every command's name, builds a command when it is asked for.

    It also words mistakes on the command line (an unknown option, a missing argument) as
    every other error is worded, ``error: ...`` on stderr, with the usage and where help
    is, instead of Click's own layout; the exit status stays 2.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(self.commands)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode, show usage errors in the house style."""
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except NoArgsIsHelpError as e:
            # 'peacetalks' alone: the help, as before.
            stderr.print(e.format_message(), markup=False)
            sys.exit(e.exit_code)
        except UsageError as e:
            _usage_error(e)
            sys.exit(e.exit_code)
        except ClickException as e:  # a bad file argument, for instance
            stderr.print(f"[bold red]error:[/] {escape(e.format_message())}")
            sys.exit(e.exit_code)
        sys.exit(result if isinstance(result, int) else 0)


def _usage_error(error: Any) -> None:
    """Print a command-line mistake: what is wrong, the usage, and where help is."""
    stderr.print(f"[bold red]error:[/] {escape(error.format_message())}")
    context = error.ctx
    if context is not None:
        stderr.print(f"  {escape(context.get_usage())}", markup=False)
        stderr.print(f"  Try '{context.command_path} --help' for help.", markup=False)


app = typer.Typer(
    name="peacetalks",
    help="Model multi-party peace negotiations and compute on them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=_LazyGroup,
)

ScenarioArg = Annotated[
    str, typer.Argument(help="A built-in scenario id, a YAML file or a GENIUS domain folder.")
]
DEFAULT_SCENARIO = "ukraine-2025"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"peacetalks {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Model multi-party peace negotiations and compute on them."""
    state["debug"] = debug


@handles_errors
def scenarios(json_output: JsonOption = False, csv_file: CsvOption = None) -> None:
    """List the built-in scenarios."""
    from peacetalks.scenario.index import builtin_headers

    rows = [
        {"id": h.id, "title": h.title, "as_of": h.as_of, "series": h.series}
        for h in builtin_headers()
    ]
    export_csv({"scenarios": rows}, csv_file)
    if json_output:
        emit_json({"scenarios": rows})
        return
    for row in rows:
        console.print(f"{row['id']:<20} {row['as_of']}  {row['title']}", markup=False)


@handles_errors
def show(
    scenario: ScenarioArg, json_output: JsonOption = False, csv_file: CsvOption = None
) -> None:
    """Show a scenario: sources, actors, issues and positions."""
    from peacetalks.cli.render import print_actors, print_issues, print_positions, print_sources
    from peacetalks.scenario.load import scenario_to_data

    model = load(scenario)
    export_csv(scenario_to_data(model), csv_file)
    if json_output:
        emit_json(scenario_to_data(model))
        return
    console.print(f"[bold]{escape(model.title)}[/] ({model.id}, as of {model.as_of.isoformat()})")
    if model.description:
        console.print(model.description.strip(), markup=False)
    print_sources(console, model)
    print_actors(console, model)
    print_issues(console, model)
    print_positions(console, model)


@handles_errors
def validate(scenario: ScenarioArg, json_output: JsonOption = False) -> None:
    """Check a scenario file and report every problem, with file and line."""
    try:
        model = load(scenario)
    except ScenarioError as e:
        if not json_output:
            raise
        problems = [{"path": p.path, "line": p.line, "message": p.message} for p in e.problems]
        emit_json({"valid": False, "source": e.source, "problems": problems})
        raise typer.Exit(1) from None
    if json_output:
        emit_json({"valid": True, "id": model.id, "problems": []})
    else:
        counts = (
            f"{len(model.actors)} actors, {len(model.issues)} issues, "
            f"{len(model.positions)} positions, {len(model.proposals)} proposals"
        )
        console.print(f"{scenario}: valid ({counts})", markup=False)


@handles_errors
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from peacetalks.scenario.models import Scenario

    document = Scenario.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "peacetalks scenario"
    if output is None:
        emit_json(document)
    else:
        output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        console.print(f"wrote {output}", markup=False)


@handles_errors
def evaluate(
    scenario: ScenarioArg,
    proposal: ProposalOption = None,
    deal: DealOption = None,
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: AcceptanceSeedOption = ACCEPTANCE_SEED,
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
    sets: SetOption = None,
    drops: DropOption = None,
) -> None:
    """Evaluate a proposal or a deal: each actor's utility, who accepts, who blocks and why.

    Each actor's margin (utility minus reservation) and probability of accepting, and the
    probability that the deal passes every veto, come from --runs draws of the stated
    ranges (seeded, so two runs print the same).
    """
    from peacetalks.briefing.evaluation import evaluation_data, source_kind
    from peacetalks.briefing.proposals import assess_deal, assess_proposal
    from peacetalks.briefing.robustness import check_runs
    from peacetalks.cli.render import print_assessment

    check_runs(runs)
    if (proposal is None) == (deal is None):
        msg = "Give exactly one of --proposal ID or --deal FILE. Got " + (
            "both." if proposal is not None else "neither."
        )
        raise ParameterError(msg, parameter="--proposal/--deal", value=(proposal, deal))
    model, applied = load_what_if(scenario, sets, drops, json_output=json_output)
    deal_map = None
    if deal is not None:
        from peacetalks.cli.deal_file import read_deal

        deal_map = read_deal(deal, model)
    if json_output or csv_file is not None:
        title = None if deal is None else str(deal)
        data = with_what_ifs(
            evaluation_data(
                model, proposal=proposal, deal=deal_map, title=title, runs=runs, seed=seed
            ),
            applied,
        )
        export_csv(data, csv_file)
        if json_output:
            emit_json(data)
            return
    if proposal is not None:
        result = assess_proposal(model, proposal, runs=runs, seed=seed)
        kind = source_kind(model, result.source)
    else:
        assert deal_map is not None  # narrowed by the check above
        result = assess_deal(
            model, deal_map, proposal_id=None, title=str(deal), runs=runs, seed=seed
        )
        kind = None
    print_assessment(console, result, kind=kind)
    if proposal is not None:
        from peacetalks.briefing.imputed import imputed_terms
        from peacetalks.cli.render import print_imputed

        print_imputed(console, imputed_terms(model, proposal))


@handles_errors
def analyze(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id or a path to a YAML file.")
    ] = DEFAULT_SCENARIO,
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: AcceptanceSeedOption = ACCEPTANCE_SEED,
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
    xlsx_file: Annotated[
        Path | None,
        typer.Option(
            "--xlsx",
            help="Also write the analysis as an Excel workbook: one sheet per table, with "
            "the scenario's sources and positions (their judgement flags as columns).",
            dir_okay=False,
        ),
    ] = None,
    sets: SetOption = None,
    drops: DropOption = None,
) -> None:
    """Brief on a scenario: actors, issues, proposals, amendments and the deal space.

    For every proposal: who accepts, who blocks and why, and the smallest amendment every
    veto holder would accept. Then the Pareto front of deals every actor prefers to no
    deal, the fair compromises on it, the zone of possible agreement and logrolls.
    """
    from peacetalks.briefing.evaluation import source_kind
    from peacetalks.briefing.overview import overview_data
    from peacetalks.briefing.ratification import ratification_summary
    from peacetalks.briefing.robustness import check_runs
    from peacetalks.cli.deals import print_amendment_line, print_deal_space
    from peacetalks.cli.forecast import print_forecast
    from peacetalks.cli.negotiate import print_talks
    from peacetalks.cli.render import print_actors, print_assessment

    check_runs(runs)
    model, applied = load_what_if(scenario, sets, drops, json_output=json_output)
    with stderr.status("analysing..."):
        data, assessments = overview_data(model, runs=runs, seed=seed)
    export_csv(with_what_ifs(data, applied), csv_file)
    if xlsx_file is not None:
        export_xlsx(with_what_ifs(data, applied), xlsx_file, model)
    if json_output:
        emit_json(with_what_ifs(data, applied))
        return
    console.print(f"[bold]{escape(model.title)}[/] ({model.id}, as of {model.as_of.isoformat()})")
    if model.description:
        console.print(model.description.strip(), markup=False)
    print_actors(console, model)
    console.print(
        "\nIssues: " + ", ".join(f"{i.id} ({len(i.options)} options)" for i in model.issues),
        markup=False,
    )
    console.print(
        "\n[bold]Proposals[/]: utility is the salience-weighted mean of option utilities (0-1); "
        "an actor accepts when no red line is crossed and utility >= its reservation; the "
        "margin is utility minus reservation. P(accept) and the chance of passing every veto "
        f"come from {runs:,} draws of the stated ranges (seed {seed}); a verdict is fragile "
        "when that chance is between 20% and 80% or one stated range flips it. "
        "\\[analysis] marks an analyst's proposal, \\[stated]/\\[reported] a party's own."
    )
    for assessment, entry in zip(assessments, data["proposals"], strict=True):
        print_assessment(console, assessment, kind=source_kind(model, assessment.source))
        print_amendment_line(console, entry["amendment"])
        console.print("  " + ratification_summary(entry["ratification"]), markup=False)
    console.print(
        "\n[bold]Forecast[/]: where each issue would settle by the compromise model (capability "
        "x salience weighted mean of positions), with the 5-95% band of 2,000 Monte Carlo runs "
        "over the stated uncertainty ranges, and the option nearest to it."
    )
    print_forecast(data["forecast"])
    print_talks(data["negotiation"])
    console.print(
        "\n[bold]Deal space[/]: the Pareto front of the deals every actor prefers to no deal, "
        "the fair compromises on it, the zone of possible agreement of the veto holders, and "
        "trades between veto holders from each issue's default option."
    )
    print_deal_space(
        console, {"actors": data["deal_space"]["bargaining_actors"], **data["deal_space"]}, shown=10
    )


def main() -> None:
    """Run the command line (the installed script calls :func:`peacetalks.cli.main`)."""
    app()
