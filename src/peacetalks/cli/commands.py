"""The ``peacetalks`` command: list, show, validate and evaluate scenarios, and brief on them.

Start-up matters: a user runs a command, not a kernel. This module and the command
modules it registers import only Typer and the standard library at the top; each command
imports what it computes with when it runs, so ``peacetalks --version`` and ``--help``
never load NumPy, pydantic, the database or the web server.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from peacetalks import __version__
from peacetalks.cli._helpers import (
    AcceptanceRunsOption,
    AcceptanceSeedOption,
    DealOption,
    ProposalOption,
    console,
    emit_json,
    handles_errors,
    load,
    state,
    stderr,
)
from peacetalks.cli.agreements import stress, track
from peacetalks.cli.backtest import backtest_command
from peacetalks.cli.deals import deals
from peacetalks.cli.forecast import forecast
from peacetalks.cli.institutions import power, ratify
from peacetalks.cli.lint import lint_command
from peacetalks.cli.negotiate import negotiate
from peacetalks.cli.report import report
from peacetalks.cli.serve import serve
from peacetalks.cli.sweep import sweep_command
from peacetalks.cli.territory import territory_command
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED
from peacetalks.errors import ParameterError, ScenarioError

__all__ = ["app", "main"]

app = typer.Typer(
    name="peacetalks",
    help="Model multi-party peace negotiations and compute on them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
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


@app.command()
@handles_errors
def scenarios(json_output: JsonOption = False) -> None:
    """List the built-in scenarios."""
    from peacetalks.scenario.index import builtin_headers

    rows = [
        {"id": h.id, "title": h.title, "as_of": h.as_of, "series": h.series}
        for h in builtin_headers()
    ]
    if json_output:
        emit_json({"scenarios": rows})
        return
    for row in rows:
        console.print(f"{row['id']:<20} {row['as_of']}  {row['title']}", markup=False)


@app.command()
@handles_errors
def show(scenario: ScenarioArg, json_output: JsonOption = False) -> None:
    """Show a scenario: sources, actors, issues and positions."""
    from peacetalks.cli.render import print_actors, print_issues, print_positions, print_sources
    from peacetalks.scenario.load import scenario_to_data

    model = load(scenario)
    if json_output:
        emit_json(scenario_to_data(model))
        return
    console.print(f"[bold]{model.title}[/] ({model.id}, as of {model.as_of.isoformat()})")
    if model.description:
        console.print(model.description.strip(), markup=False)
    print_sources(console, model)
    print_actors(console, model)
    print_issues(console, model)
    print_positions(console, model)


@app.command()
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


@app.command()
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


@app.command()
@handles_errors
def evaluate(
    scenario: ScenarioArg,
    proposal: ProposalOption = None,
    deal: DealOption = None,
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: AcceptanceSeedOption = ACCEPTANCE_SEED,
    json_output: JsonOption = False,
) -> None:
    """Evaluate a proposal or a deal: each actor's utility, who accepts, who blocks and why.

    Each actor's margin (utility minus reservation) and probability of accepting, and the
    probability that the deal passes every veto, come from --runs draws of the stated
    ranges (seeded, so two runs print the same).
    """
    from peacetalks.briefing.evaluation import evaluation_data, source_kind
    from peacetalks.briefing.proposals import assess_deal, assess_proposal
    from peacetalks.briefing.robustness import check_runs
    from peacetalks.cli.deal_file import read_deal
    from peacetalks.cli.render import print_assessment

    check_runs(runs)
    if (proposal is None) == (deal is None):
        msg = "Give exactly one of --proposal ID or --deal FILE. Got " + (
            "both." if proposal is not None else "neither."
        )
        raise ParameterError(msg, parameter="--proposal/--deal", value=(proposal, deal))
    model = load(scenario)
    deal_map = None if deal is None else read_deal(deal)
    if json_output:
        title = None if deal is None else str(deal)
        emit_json(
            evaluation_data(
                model, proposal=proposal, deal=deal_map, title=title, runs=runs, seed=seed
            )
        )
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


@app.command()
@handles_errors
def analyze(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario id or a path to a YAML file.")
    ] = DEFAULT_SCENARIO,
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: AcceptanceSeedOption = ACCEPTANCE_SEED,
    json_output: JsonOption = False,
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
    model = load(scenario)
    with stderr.status("analysing..."):
        data, assessments = overview_data(model, runs=runs, seed=seed)
    if json_output:
        emit_json(data)
        return
    console.print(f"[bold]{model.title}[/] ({model.id}, as of {model.as_of.isoformat()})")
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


app.command(name="lint")(lint_command)
app.command(name="deals")(deals)
app.command(name="forecast")(forecast)
app.command(name="backtest")(backtest_command)
app.command(name="sweep")(sweep_command)
app.command(name="stress")(stress)
app.command(name="track")(track)
app.command(name="power")(power)
app.command(name="ratify")(ratify)
app.command(name="negotiate")(negotiate)
app.command(name="serve")(serve)
app.command(name="report")(report)
app.command(name="territory")(territory_command)


def main() -> None:
    """Run the command line (the installed script calls :func:`peacetalks.cli.main`)."""
    app()
