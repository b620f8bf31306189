"""The briefing: one self-contained HTML file with a scenario's analyses, charts and tables.

The file needs nothing but a browser: the stylesheet, the vendored plotly.js and the chart
renderer are inlined, each figure's data sits in a ``<script type="application/json">``
block, and the only addresses in it are the sources' links (citations). Every text that
comes from the scenario is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from peacetalks import __version__
from peacetalks.analysis.pareto import ParetoFront
from peacetalks.briefing.deals import (
    amendment_data,
    bargaining_data,
    logroll_data,
    zopa_data,
)
from peacetalks.briefing.forecast import forecast_data
from peacetalks.briefing.proposals import assess_proposal
from peacetalks.briefing.robustness import (
    ACCEPTANCE_RUNS,
    ACCEPTANCE_SEED,
    MAX_ACCEPTANCE_RUNS,
    acceptance_inputs,
)
from peacetalks.briefing.signature import signature
from peacetalks.briefing.timeline import timeline_data
from peacetalks.errors import FrontTooLargeError, ParameterError
from peacetalks.forecasting.calibration import deu_accuracy
from peacetalks.forecasting.compromise import CompromiseModel
from peacetalks.geo.territory import has_map, territorial_issues
from peacetalks.report.charts import (
    RULE_LABELS,
    default_pair,
    forecast_figure,
    pareto_figure,
    positions_figure,
    ratification_rows,
    survival_figure,
    timeline_figure,
)
from peacetalks.report.summary import (
    chance_interval,
    fragility_reason,
    percent,
    short_name,
    summary_data,
)
from peacetalks.scenario.compile import CompiledScenario, compile_scenario
from peacetalks.scenario.models import Scenario

__all__ = [
    "FORECAST_MODEL",
    "MAX_RUNS",
    "POSITIONS_MODEL",
    "SOURCE_KINDS",
    "Briefing",
    "Chart",
    "build_briefing",
    "render_briefing",
    "series_snapshots",
]

MAX_RUNS = 1_000_000
FORECAST_MODEL = "compromise"
POSITIONS_MODEL = "bdm-scholz"
SOURCE_KINDS = {
    "stated": "stated by the party",
    "reported": "reported, not published by the party",
    "analysis": "an analyst's view or proposal",
}
_Progress = Callable[[str], None]


@dataclass(frozen=True)
class Chart:
    """One chart of the briefing: its element id and figure."""

    id: str
    figure: dict[str, Any]

    @property
    def title(self) -> str:
        """Return the chart's title (plain text)."""
        title: str = self.figure["title"]
        return title

    @property
    def json(self) -> Markup:
        """Return the figure's data and layout as JSON safe inside a ``<script>`` block."""
        text = json.dumps(
            {"data": self.figure["data"], "layout": self.figure["layout"]},
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
        # Keep "</script>", "<!--" and entities from ending or changing the block.
        safe = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        return Markup(safe)  # escaped above: JSON in a script block


@dataclass(frozen=True)
class Briefing:
    """A rendered briefing: the HTML document and the charts in it."""

    html: str
    charts: tuple[Chart, ...]


@cache
def _asset(name: str) -> str:
    return resources.files("peacetalks.report").joinpath("assets", name).read_text("utf-8")


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("peacetalks.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["percent"] = percent
    return environment


def _plotly_version() -> str:
    head = _asset("vendor/plotly-basic.min.js")[:200]
    marker = "plotly.js (basic - minified) v"
    start = head.find(marker)
    return head[start + len(marker) :].split()[0] if start >= 0 else "unknown"


def _link(address: str) -> str | None:
    """Return the address when it is a web link (the only kind the report links to)."""
    return address if address.startswith(("https://", "http://")) else None


def _sources(scenario: Scenario) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "kind": s.kind,
            "kind_label": SOURCE_KINDS.get(s.kind, s.kind),
            "author": s.author,
            "title": s.title,
            "date": s.date,
            "address": s.address,
            "link": _link(s.address),
            "note": s.note,
        }
        for s in scenario.sources
    ]


def _proposals(
    scenario: Scenario, compiled: CompiledScenario, kinds: dict[str, str], seed: int
) -> list[dict[str, Any]]:
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    names = {i.id: i.name for i in scenario.issues}
    inputs = acceptance_inputs(compiled, runs=ACCEPTANCE_RUNS, seed=seed)
    entries = []
    for proposal in scenario.proposals:
        assessment = assess_proposal(
            scenario, proposal.id, compiled=compiled, seed=seed, inputs=inputs
        )
        verdicts = []
        for v in assessment.actors:
            worst = ", ".join(
                f"{names[c.issue]}: {labels[c.issue][c.option]} (-{c.loss:.2f})"
                for c in v.worst_issues
            )
            verdicts.append(
                {
                    "id": v.id,
                    "name": v.name,
                    "utility": v.utility,
                    "reservation": v.reservation,
                    "margin": v.margin,
                    "p_accept": v.p_accept,
                    "acceptable": v.acceptable,
                    "veto": v.veto,
                    "reason": v.reason,
                    "worst": worst,
                }
            )
        entries.append(
            {
                "id": proposal.id,
                "title": proposal.title,
                "source": proposal.source,
                "kind": kinds.get(proposal.source),
                "kind_label": SOURCE_KINDS.get(kinds.get(proposal.source, ""), ""),
                "date": proposal.date,
                "note": proposal.note,
                "deal": [
                    {
                        "issue": names[issue],
                        "option": labels[issue][option],
                        "defaulted": issue in assessment.defaulted,
                    }
                    for issue, option in assessment.deal.items()
                ],
                "passes": assessment.passes,
                "p_pass": assessment.p_pass,
                "p_pass_interval": chance_interval(assessment.p_pass, ACCEPTANCE_RUNS),
                "fragile": assessment.fragile,
                "fragile_why": fragility_reason(assessment.p_pass, assessment.deciding),
                "robustness": assessment.robustness_summary(),
                # The judgements that flip the verdict within their stated ranges.
                "flipped_by": [d.describe(proposal.title) for d in assessment.deciding if d.flips],
                "blockers": [scenario.actor(a).name for a in assessment.blockers],
                "blocker_ids": list(assessment.blockers),
                "verdicts": verdicts,
                "amendment": amendment_data(
                    scenario, compiled, proposal.id, limit=3, seed=seed, inputs=inputs
                ),
                "ratification": ratification_rows(
                    scenario, proposal.id, compiled=compiled, seed=seed
                ),
            }
        )
    return entries


def _territory(scenario: Scenario) -> dict[str, Any]:
    """Return the map of the line and the regions each territorial proposal moves.

    One map (about 65 KB) keeps the file small: the line at ``as_of`` (every territorial
    issue at its default option); the table gives, for each proposal that names a
    territorial option, the regions that change hands with their area and pre-war people.
    """
    from peacetalks.geo.territory import territory_outcome
    from peacetalks.geo.territory_map import territory_map

    issues = {i.id for i in territorial_issues(scenario)}
    line = territory_map(
        scenario,
        territory_outcome(scenario, {}),
        name=f"the line of {scenario.as_of.isoformat()}",
        id_prefix="territory-line",
    )
    names = {a.id: a.name for a in scenario.actors}
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    proposals = []
    for proposal in scenario.proposals:
        terms = {i: o for i, o in proposal.deal.items() if i in issues}
        if not terms:
            continue
        outcome = territory_outcome(scenario, terms)
        proposals.append(
            {
                "id": proposal.id,
                "title": proposal.title,
                "options": [labels[i][o] for i, o in terms.items()],
                "area_km2": outcome.area_changing_km2,
                "population": outcome.population_changing,
                "regions": [
                    {
                        "code": r.code,
                        "name": r.name,
                        "share": r.share,
                        "area_km2": r.area_changing_km2,
                        "population": r.population_changing,
                        "to": names.get(r.to or "", r.to or ""),
                        "referendum": r.status == "referendum",
                        "cities": list(r.cities),
                    }
                    for r in outcome.regions
                    if r.changes_hands
                ],
            }
        )
    # Inline in HTML the SVG element needs no namespace declaration (the parser gives it
    # one), and the file then holds no address but the sources' links.
    svg = line.svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)
    return {
        "svg": Markup(svg),  # our own SVG: every scenario text in it is escaped
        "title": line.title,
        "summary": line.summary,
        "proposals": proposals,
    }


def _deal_space(
    scenario: Scenario, compiled: CompiledScenario, seed: int
) -> tuple[dict[str, Any], ParetoFront | None]:
    space: dict[str, Any] = {"front_error": None, "rules": [], "logrolls": None, "nash": None}
    # The compromises need no whole front (peacetalks.analysis.halves), so it is not built
    # or counted here (seconds on ukraine-2025); the chart draws its deals of largest total.
    front: ParetoFront | None = None
    try:
        solved = bargaining_data(compiled, seed=seed)
    except FrontTooLargeError as e:
        space["front_error"] = str(e)
    else:
        space["nash"] = solved.get("nash")
        for rule, label in RULE_LABELS.items():
            entry = solved[rule]
            space["rules"].append(
                {
                    "label": label,
                    "deal": entry["deal"] if entry else None,
                    "utilities": entry["utilities"] if entry else None,
                    "ties": len(entry["ties"]) if entry else 0,
                    "reason": solved.get(f"{rule}_reason"),
                    "p_pass": entry["p_pass"] if entry else None,
                    "robustness": entry["robustness"] if entry else None,
                }
            )
    space["zopa"] = zopa_data(compiled, sample=0, rng=seed)
    if (compiled.default_options >= 0).all() and compiled.veto.sum() >= 1:
        space["logrolls"] = logroll_data(scenario, compiled, among="veto", limit=5)
    return space, front


def _agreements(
    scenario: Scenario, compiled: CompiledScenario, *, runs: int, seed: int
) -> list[dict[str, Any]]:
    return [
        {
            "id": a.id,
            "title": a.title,
            "proposal": a.proposal,
            "source": a.source,
            "note": a.note,
            "phases": [
                {"id": p.id, "name": p.name, "kind": p.kind, "days": p.days} for p in a.phases
            ],
            "signature": signature(
                scenario, a, runs=min(runs, MAX_ACCEPTANCE_RUNS), seed=seed, compiled=compiled
            ).to_dict(),
        }
        for a in scenario.agreements
    ]


def series_snapshots(scenario: Scenario) -> list[Scenario]:
    """Return the snapshots of the scenario's built-in series up to its date, with it.

    The built-in files of the series (``scenario.series``) dated before the scenario's
    ``as_of`` come with the scenario itself (which takes the place of the built-in file
    of its id); only the scenario when its series is not built in.
    """
    from peacetalks.scenario.load import builtin_series, load_scenario

    found = [scenario]
    if scenario.series is None:
        return found
    for scenario_id in builtin_series().get(scenario.series, []):
        if scenario_id == scenario.id:
            continue
        snapshot = load_scenario(scenario_id)
        if snapshot.as_of < scenario.as_of:
            found.append(snapshot)
    return sorted(found, key=lambda s: s.as_of)


def _timeline(
    snapshots: Sequence[Scenario],
) -> tuple[dict[str, Any] | None, list[tuple[Chart, dict[str, Any]]]]:
    """Return the series' timeline and one chart per issue, or (None, []) for one snapshot."""
    if len(snapshots) < 2:
        return None, []
    timeline = timeline_data(snapshots)
    charts = [
        (
            Chart(f"chart-timeline-{entry['id']}", timeline_figure(timeline, issue=entry["id"])),
            entry,
        )
        for entry in timeline["issues"]
    ]
    return timeline, charts


def build_briefing(
    scenario: Scenario,
    *,
    seed: int = ACCEPTANCE_SEED,
    runs: int = ACCEPTANCE_RUNS,
    progress: _Progress | None = None,
    series: Sequence[Scenario] | None = None,
) -> Briefing:
    """Return the briefing on a scenario as one self-contained HTML document and its charts.

    Parameters
    ----------
    scenario : Scenario
    seed : int
        Seed of every random draw (acceptance draws, Monte Carlo forecast, stress tests,
        ZOPA estimate); the default is the command line's.
    runs : int
        Monte Carlo runs of the forecast and of each stress test, 1 to 1,000,000 (the
        default is the command line's, so that the report and ``analyze`` agree); the
        acceptance probabilities always use ``ACCEPTANCE_RUNS`` draws, as ``evaluate``.
    progress : callable, optional
        Called with the name of each step as it starts (for a progress display).
    series : sequence of Scenario, optional
        The snapshots of the scenario's series for the Timeline section (the scenario
        among them); by default :func:`series_snapshots`. With fewer than two snapshots
        the section is left out. Its numbers are those of ``peacetalks timeline``.

    Raises
    ------
    ParameterError
        If ``runs`` or ``seed`` is out of range.
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= MAX_RUNS:
        msg = (
            f"The 'runs' parameter of build_briefing must be an int in [1, {MAX_RUNS}]. "
            f"Got {runs!r} instead."
        )
        raise ParameterError(msg, parameter="runs", value=runs)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        msg = f"The 'seed' parameter of build_briefing must be an int >= 0. Got {seed!r} instead."
        raise ParameterError(msg, parameter="seed", value=seed)

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("assessing the proposals")
    compiled = compile_scenario(scenario)
    kinds: dict[str, str] = {s.id: s.kind for s in scenario.sources}
    proposals = _proposals(scenario, compiled, kinds, seed)
    territory = None
    if has_map(scenario):
        step("drawing the territory")
        territory = _territory(scenario)
    step("computing the deal space")
    space, front = _deal_space(scenario, compiled, seed)
    charts: list[Chart] = []
    pareto_chart = None
    if compiled.n_actors >= 2:
        pair = default_pair(compiled)
        figure = pareto_figure(scenario, actors=pair, compiled=compiled, front=front)
        pareto_chart = Chart("chart-pareto", figure)
        charts.append(pareto_chart)
    step("forecasting")
    forecast_chart = Chart(
        "chart-forecast",
        forecast_figure(scenario, model=FORECAST_MODEL, runs=runs, seed=seed),
    )
    charts.append(forecast_chart)
    # The forecast as analyze gives it (with who moves it), for the summary page.
    outlook = forecast_data(
        CompromiseModel().fit(scenario), scenario=scenario, runs=runs, seed=seed
    )
    position_charts = []
    for issue in scenario.issues:
        chart = Chart(
            f"chart-positions-{issue.id}",
            positions_figure(scenario, issue=issue.id, model=POSITIONS_MODEL),
        )
        position_charts.append(chart)
    step("stress-testing the agreements")
    agreements = _agreements(scenario, compiled, runs=runs, seed=seed)
    for agreement in agreements:
        chart = Chart(
            f"chart-survival-{agreement['id']}",
            survival_figure(scenario, agreement["id"], runs=runs, seed=seed),
        )
        agreement["chart"] = chart
        charts.append(chart)
    snapshots = series_snapshots(scenario) if series is None else series
    timeline: dict[str, Any] | None = None
    timeline_charts: list[tuple[Chart, dict[str, Any]]] = []
    if len(snapshots) >= 2:
        step("following the series")
        timeline, timeline_charts = _timeline(snapshots)
    step("writing the report")
    summary = summary_data(
        scenario,
        proposals=proposals,
        compromise=space["nash"],
        outlook=outlook,
        runs=ACCEPTANCE_RUNS,
    )
    context = {
        "scenario": scenario,
        "version": __version__,
        "plotly_version": _plotly_version(),
        "seed": seed,
        "runs": runs,
        "acceptance_runs": ACCEPTANCE_RUNS,
        "forecast_model": FORECAST_MODEL,
        "accuracy": deu_accuracy().get(FORECAST_MODEL),
        "positions_model": POSITIONS_MODEL,
        "sources": _sources(scenario),
        "source_ids": {s.id for s in scenario.sources},
        "actor_names": {a.id: a.name for a in scenario.actors},
        "issue_names": {i.id: i.name for i in scenario.issues},
        "option_labels": {i.id: {o.id: o.label for o in i.options} for i in scenario.issues},
        "veto_names": [a.name for a in scenario.actors if a.veto],
        "proposals": proposals,
        "summary": summary,
        "short_name": short_name,
        # The timeline's summary ends with its largest moves, which go to the appendix.
        "LARGEST_MOVES": "The largest moves:",
        "territory": territory,
        "space": space,
        "pareto_chart": pareto_chart,
        "forecast_chart": forecast_chart,
        "position_charts": position_charts,
        "agreements": agreements,
        "timeline": timeline,
        "timeline_charts": timeline_charts,
        # Our own stylesheet and scripts, inlined as they are.
        "css": Markup(_asset("briefing.css")),
        "plotly_js": Markup(_asset("vendor/plotly-basic.min.js")),
        "charts_js": Markup(_asset("charts.js")),
    }
    document = _environment().get_template("briefing.html.j2").render(context)
    # In the document's order: the sections' charts, then the appendix's.
    charts.extend(position_charts)
    charts.extend(chart for chart, _ in timeline_charts)
    return Briefing(html=document, charts=tuple(charts))


def render_briefing(scenario: Scenario, *, seed: int = 0, runs: int = 1000) -> str:
    """Return the briefing on a scenario as one self-contained HTML document.

    See :func:`build_briefing` for the parameters.
    """
    return build_briefing(scenario, seed=seed, runs=runs).html
