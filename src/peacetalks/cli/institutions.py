"""The ``peacetalks power`` and ``peacetalks ratify`` commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetalks.cli._helpers import (
    AcceptanceRunsOption,
    AcceptanceSeedOption,
    CsvOption,
    console,
    emit_json,
    escape,
    export_csv,
    handles_errors,
    load,
    new_table,
)
from peacetalks.defaults import ACCEPTANCE_RUNS, ACCEPTANCE_SEED

# The computation is imported when a command runs (see peacetalks.cli.commands).
if TYPE_CHECKING:
    from peacetalks.institutions.builtin import BodyDocument

__all__ = ["power", "power_data", "print_ratification", "ratify"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]


def power_data(document: BodyDocument) -> dict[str, Any]:
    """Return a body's power indices as JSON-ready data."""
    from peacetalks.institutions.power import power_indices
    from peacetalks.institutions.voting import describe_rule, voting_game

    body = document.body
    game = voting_game(body)
    indices = power_indices(game.game)
    members = [
        {
            "id": member.id,
            "name": member.name or member.id,
            "weight": member.weight,
            "population": member.population,
            "veto": member.veto,
            "shapley_shubik": float(indices.shapley_shubik[k]),
            "banzhaf": float(indices.banzhaf[k]),
            "banzhaf_raw": float(indices.banzhaf_raw[k]),
            "swings": indices.swings[k],
        }
        for k, member in enumerate(body.members)
    ]
    return {
        "id": body.id,
        "name": body.name or body.id,
        "rule": describe_rule(body),
        "source": body.source,
        "sources": [s.model_dump(mode="json", exclude_none=True) for s in document.sources],
        "method": indices.method,
        "exact": indices.exact,
        "population_unit": game.population_unit,
        "members": members,
    }


@handles_errors
def power(
    body: Annotated[str, typer.Argument(help="A built-in body id or a YAML file with one body.")],
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
) -> None:
    """Voting power of each member of a body: Shapley-Shubik and Banzhaf indices."""
    from peacetalks.institutions.builtin import load_body

    data = power_data(load_body(body))
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
        return
    console.print(f"[bold]{escape(data['name'])}[/] ({escape(data['id'])})")
    console.print(f"rule: {escape(data['rule'])}")
    if data["population_unit"] != 1:
        console.print(
            f"populations counted in units of {data['population_unit']:,} people "
            "(indices exact for the rounded figures)"
        )
    table = new_table(show_edge=False, pad_edge=False)
    for column in ("member", "veto", "Shapley-Shubik", "Banzhaf", "Banzhaf (raw)"):
        table.add_column(column)
    for m in data["members"]:
        table.add_row(
            escape(m["name"]),
            "yes" if m["veto"] else "",
            f"{m['shapley_shubik']:.4f}",
            f"{m['banzhaf']:.4f}",
            f"{m['banzhaf_raw']:.4f}",
        )
    console.print(table)
    exact = "exact" if data["exact"] else "floating point"
    console.print(f"method: {data['method']} ({exact})")
    for source in data["sources"]:
        console.print(f"source {escape(source['id'])}: {escape(source['title'])}")


def _because(vote: dict[str, Any]) -> str:
    source = f" ({vote['source']})" if vote.get("source") else ""
    return {
        "proposal": "stated for this proposal",
        "stated": f"own stated position{source}",
        "assumed": f"own position, assumed{source}",
        "share": f"share in favour{source}",
        "actor": f"actor {vote['actor']}",
        "inherited": f"inherits {vote['from']}",
        "default": "body's default vote",
        "none": "no actor or stated vote",
    }[vote["basis"]]


def _electorate_line(electorate: dict[str, Any]) -> str:
    low, high = electorate["range"]
    line = (
        f"  electorate: share in favour {electorate['share']:.0%} "
        f"(range {low:.0%}-{high:.0%}), P(more than half) x P(quorum) = "
        f"{electorate['p_pass']:.3f}"
    )
    if electorate["quorum"] is not None:
        line += f"; quorum {electorate['quorum']:.0%}, turnout {electorate['turnout']:.0%}"
    if electorate["source"]:
        line += f"; source {electorate['source']}"
    if electorate["judgement"]:
        line += "; JUDGEMENT"
    return line


def print_ratification(data: dict[str, Any]) -> None:
    """Print which bodies a proposal needs, how their members vote and who is pivotal.

    A vote that is a modelling judgement (inherited from a group's actor, assumed, a
    default) is flagged in the ``judgement`` column.
    """
    if not data["bodies"]:
        console.print("No option of this deal requires a body's approval.")
        return
    for body in data["bodies"]:
        verdict = "[green]passes[/]" if body["passes"] else "[red]fails[/]"
        console.print(
            f"\n[bold]{escape(body['name'])}[/] ({escape(body['id'])}), needed for "
            f"{escape(', '.join(body['required_for']))}: {verdict} "
            f"(P(approves) = {body['p_pass']:.3f})"
        )
        console.print(f"  rule: {escape(body['rule'])}")
        if body.get("electorate") is not None:
            console.print(escape(_electorate_line(body["electorate"])))
        tally = body["tally"]
        console.print(f"  {tally['yes']} yes, {tally['no']} no, {tally['abstain']} abstain")
        judged = sum(v["judgement"] for v in body["votes"])
        if judged:
            console.print(
                f"  {judged} of {len(body['votes'])} votes are modelling judgements "
                "(flagged below), not sourced positions"
            )
        table = new_table(show_edge=False, pad_edge=False)
        for column in ("member", "vote", "because", "judgement", "pivotal"):
            table.add_column(column)
        for vote in body["votes"]:
            table.add_row(
                escape(vote["name"]),
                vote["vote"],
                escape(_because(vote)),
                "judgement" if vote["judgement"] else "",
                "yes" if vote["pivotal"] else "",
            )
        console.print(table)
    overall = (
        "[green]every required body approves[/]"
        if data["passes"]
        else f"[red]not ratified: {escape(', '.join(data['blocked_by']))} do(es) not approve[/]"
    )
    console.print("\n" + overall)
    console.print(
        f"probability that every required body approves: {data['p_pass']:.3f} "
        f"(over {escape(data['p_pass_from'])})"
    )


@handles_errors
def ratify(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario id or a YAML file.")],
    proposal: Annotated[str, typer.Option("--proposal", "-p", help="Id of a proposal.")],
    runs: AcceptanceRunsOption = ACCEPTANCE_RUNS,
    seed: AcceptanceSeedOption = ACCEPTANCE_SEED,
    json_output: JsonOption = False,
    csv_file: CsvOption = None,
) -> None:
    """Which bodies must approve a proposal, how each member votes, and who is pivotal.

    Votes and verdicts are those at the stated values; each body's probability of
    approving (and that all do) is over --runs draws of the stated ranges (the actors'
    acceptance, as in evaluate) and each referendum's share in favour.
    """
    from peacetalks.briefing.ratification import ratification_data
    from peacetalks.briefing.robustness import check_runs

    check_runs(runs)
    model = load(scenario)
    data = ratification_data(model, proposal, runs=runs, seed=seed)
    export_csv(data, csv_file)
    if json_output:
        emit_json(data)
        return
    console.print(f"[bold]Ratification of {escape(proposal)}[/] ({escape(model.id)})")
    print_ratification(data)
