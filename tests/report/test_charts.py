"""The chart builders: what each figure shows must equal what the analyses compute."""

from __future__ import annotations

import html
import itertools
import json
import re
from typing import Any

import numpy as np
import pytest

from peacetalks.analysis.pareto import pareto_mask
from peacetalks.briefing import (
    assess_deal,
    assess_proposal,
    bargaining_data,
    ratification_data,
    rational_front,
)
from peacetalks.errors import NotFoundError, ParameterError
from peacetalks.forecasting.montecarlo import monte_carlo
from peacetalks.forecasting.registry import make_model
from peacetalks.report.charts import (
    PALETTE,
    RULE_LABELS,
    default_pair,
    forecast_figure,
    pareto_figure,
    positions_figure,
    ratification_rows,
    survival_figure,
)
from peacetalks.report.charts.pareto import CLOUD_DEALS
from peacetalks.scenario.compile import compile_scenario
from peacetalks.scenario.models import Scenario


def _trace(figure: dict[str, Any], prefix: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [t for t in figure["data"] if t["name"].startswith(prefix)]
    assert len(found) == 1, [t["name"] for t in figure["data"]]
    return found[0]


def _points(trace: dict[str, Any]) -> list[tuple[float, float]]:
    return list(zip(trace["x"], trace["y"], strict=True))


@pytest.fixture(scope="module")
def ukraine_pareto(ukraine: Scenario) -> dict[str, Any]:
    return pareto_figure(ukraine)


def test_figures_are_json_ready(ukraine: Scenario, small: Scenario) -> None:
    """Check that every figure is plain JSON (no NaN), with data, layout and text alternatives."""
    figures = [
        pareto_figure(small),
        forecast_figure(small, runs=50),
        positions_figure(small),
        pareto_figure(ukraine),
        forecast_figure(ukraine, runs=50),
        positions_figure(ukraine, issue="sanctions"),
        survival_figure(ukraine, "monitored-phased-relief", runs=50),
    ]
    for figure in figures:
        json.dumps(figure, allow_nan=False)
        # No tag Plotly would style inline (a strict CSP refuses inline styles).
        drawn = json.dumps([figure["data"], figure["layout"]])
        assert set(re.findall(r"<(/?[a-zA-Z]+)", drawn)) <= {"br", "extra", "/extra"}
        assert figure["data"]
        layout = figure["layout"]
        assert figure["title"]
        assert "title" not in layout
        assert layout["xaxis"]["title"]["text"]
        assert figure["summary"]
        table = figure["table"]
        assert table["caption"]
        assert table["columns"]
        assert table["rows"]
        assert all(len(row) == len(table["columns"]) for row in table["rows"])


def test_default_pair_is_the_most_opposed_veto_holders(ukraine: Scenario, small: Scenario) -> None:
    """Check that the default pair is the veto holders whose ideal deals hurt each other most."""
    assert default_pair(compile_scenario(ukraine)) == ("russia", "ukraine")
    assert default_pair(compile_scenario(small)) == ("north", "south")


def test_default_pair_minimises_the_cross_utility(ukraine: Scenario) -> None:
    """Check the default pair against the utilities of each veto holder's ideal deal."""
    compiled = compile_scenario(ukraine)

    def ideal(actor: str) -> dict[str, str]:
        a = compiled.actor_ids.index(actor)
        deal = {}
        for i, (table, allowed) in enumerate(
            zip(compiled.tables(), compiled.admissible(), strict=True)
        ):
            best = int(np.argmax(np.where(allowed[a], table[a], -np.inf)))
            deal[compiled.issue_ids[i]] = compiled.option_ids[i][best]
        return deal

    vetoes = [a.id for a in ukraine.actors if a.veto]
    utility = {a: {v.id: v.utility for v in assess_deal(ukraine, ideal(a)).actors} for a in vetoes}
    scores = {(a, b): utility[a][b] + utility[b][a] for a, b in itertools.combinations(vetoes, 2)}
    assert min(scores, key=lambda pair: scores[pair]) == default_pair(compiled)


def test_pareto_front_trace_is_non_dominated(ukraine_pareto: dict[str, Any]) -> None:
    """Check that no point of the pair's front dominates another."""
    points = np.array(_points(_trace(ukraine_pareto, "Pareto front of")))
    assert len(points) > 10
    assert pareto_mask(points).all()
    # Drawn left to right, as a staircase.
    assert (np.diff(points[:, 0]) >= 0).all()


def test_pareto_front_of_small_equals_enumeration(small: Scenario) -> None:
    """Check the pair's front against every deal of the small scenario, enumerated by hand."""
    figure = pareto_figure(small, actors=("north", "south"))
    drawn = {(round(x, 9), round(y, 9)) for x, y in _points(_trace(figure, "Pareto front of"))}
    options = [[o.id for o in issue.options] for issue in small.issues]
    allowed = []
    for combination in itertools.product(*options):
        deal = dict(zip([i.id for i in small.issues], combination, strict=True))
        verdicts = {v.id: v for v in assess_deal(small, deal).actors}
        if verdicts["north"].red_lines_crossed or verdicts["south"].red_lines_crossed:
            continue
        allowed.append((verdicts["north"].utility, verdicts["south"].utility))
    front = {
        (round(x, 9), round(y, 9))
        for x, y in allowed
        if not any(u >= x and v >= y and (u > x or v > y) for u, v in allowed)
    }
    assert drawn == front


def test_no_proposal_dominates_the_pair_front(
    ukraine: Scenario, ukraine_pareto: dict[str, Any]
) -> None:
    """Check that a front point is at least as good for both as every admissible proposal."""
    front = _points(_trace(ukraine_pareto, "Pareto front of"))
    checked = 0
    for proposal in ukraine.proposals:
        verdicts = {v.id: v for v in assess_proposal(ukraine, proposal.id).actors}
        if verdicts["russia"].red_lines_crossed or verdicts["ukraine"].red_lines_crossed:
            continue
        x, y = verdicts["russia"].utility, verdicts["ukraine"].utility
        assert any(u >= x - 1e-9 and v >= y - 1e-9 for u, v in front), proposal.id
        checked += 1
    assert checked >= 2


def test_pareto_cloud_is_the_rational_front_projected(
    ukraine: Scenario, ukraine_pareto: dict[str, Any]
) -> None:
    """Check that the grey points are deals of the exact front above every reservation.

    Without the front at hand the chart draws its 5,000 deals of largest total utility;
    with it, the whole front.
    """
    compiled = compile_scenario(ukraine)
    front = rational_front(compiled)
    pair = [compiled.actor_ids.index("russia"), compiled.actor_ids.index("ukraine")]
    projected = {tuple(p) for p in np.round(front.utilities[:, pair], 9)}
    cloud = _trace(ukraine_pareto, "Pareto-optimal for all")
    drawn = {(round(x, 9), round(y, 9)) for x, y in _points(cloud)}
    assert drawn <= projected
    order = np.lexsort((*front.deals.T[::-1], -front.utilities.sum(axis=1)))[:CLOUD_DEALS]
    largest = {tuple(p) for p in np.round(front.utilities[order][:, pair], 9)}
    assert len(drawn) == min(2000, len(largest))
    assert drawn <= largest
    assert cloud["name"] == (
        f"Pareto-optimal for all, above reservations ({CLOUD_DEALS:,} of largest total utility)"
    )
    whole = pareto_figure(ukraine, actors=["russia", "ukraine"], front=front)
    assert _trace(whole, "Pareto-optimal for all")["name"] == (
        f"Pareto-optimal for all, above reservations ({len(front):,} deals)"
    )
    # Every such deal is above both reservations.
    assert min(cloud["x"]) >= compiled.reservations[pair[0]] - 1e-9
    assert min(cloud["y"]) >= compiled.reservations[pair[1]] - 1e-9


def test_proposals_sit_at_their_assessed_utilities(
    ukraine: Scenario, ukraine_pareto: dict[str, Any]
) -> None:
    """Check that each proposal is drawn at the utilities assess_proposal gives the pair."""
    drawn: dict[str, tuple[float, float]] = {}
    for trace in ukraine_pareto["data"]:
        if trace["name"].startswith("Proposals"):
            drawn |= dict(zip(trace["text"], _points(trace), strict=True))
    assert set(drawn) == {p.id for p in ukraine.proposals}
    for proposal in ukraine.proposals:
        verdicts = {v.id: v for v in assess_proposal(ukraine, proposal.id).actors}
        assert drawn[proposal.id] == (verdicts["russia"].utility, verdicts["ukraine"].utility)


def test_proposals_are_split_by_whether_every_veto_holder_accepts(small: Scenario) -> None:
    """Check that passing and blocked proposals are separate series."""
    figure = pareto_figure(small)
    assert _trace(figure, "Proposals every veto holder accepts")["customdata"] == ["split"]
    assert sorted(_trace(figure, "Proposals a veto holder rejects")["text"]) == [
        "grab",
        "trade-only",
    ]


def test_bargaining_solutions_are_marked(ukraine: Scenario, ukraine_pareto: dict[str, Any]) -> None:
    """Check that Nash, KS, egalitarian and utilitarian sit at bargaining_data's utilities."""
    compiled = compile_scenario(ukraine)
    solved = bargaining_data(compiled)
    pair = [compiled.actor_ids.index("russia"), compiled.actor_ids.index("ukraine")]
    for rule, label in (
        ("nash", "Nash"),
        ("ks", "Kalai-Smorodinsky"),
        ("egalitarian", "Egalitarian"),
        ("utilitarian", "Utilitarian"),
    ):
        # Each rule is in exactly one marker (several rules may share one, see below).
        found = [
            t for t in ukraine_pareto["data"] if rule in (t.get("meta") or {}).get("rules", ())
        ]
        assert len(found) == 1
        trace = found[0]
        assert label in trace["name"]
        expected = [solved[rule]["utilities"][k] for k in pair]
        assert [trace["x"][0], trace["y"][0]] == expected


def test_pareto_figure_takes_a_pair(ukraine: Scenario) -> None:
    """Check that a chosen pair changes the axes to those actors' utilities."""
    figure = pareto_figure(ukraine, actors=("ukraine", "united-states"))
    assert figure["layout"]["xaxis"]["title"]["text"] == "Utility to Ukraine (0-1)"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Utility to United States (0-1)"
    verdicts = {v.id: v for v in assess_proposal(ukraine, "us-28-point").actors}
    drawn: dict[str, tuple[float, float]] = {}
    for trace in figure["data"]:
        if trace["name"].startswith("Proposals"):
            drawn |= dict(zip(trace["text"], _points(trace), strict=True))
    assert drawn["us-28-point"] == (verdicts["ukraine"].utility, verdicts["united-states"].utility)


@pytest.mark.parametrize(
    "actors",
    [("russia", "russia"), ("russia", "atlantis"), ("russia",)],
)
def test_pareto_figure_rejects_a_bad_pair(ukraine: Scenario, actors: tuple[str, ...]) -> None:
    """Check the message for a pair that is not two different actors of the scenario."""
    with pytest.raises(ParameterError) as caught:
        pareto_figure(ukraine, actors=actors)
    assert str(caught.value) == (
        "The 'actors' parameter of pareto_figure must name two different actors of the "
        "scenario (russia, ukraine, united-states, eu, uk, france, china, turkey, brazil, "
        "african-mission). "
        f"Got {', '.join(actors)} instead."
    )


def test_scenario_text_is_escaped_for_plotly(small: Scenario) -> None:
    """Check that markup in names reaches Plotly as text, not as tags."""
    actors = list(small.actors)
    actors[0] = actors[0].model_copy(update={"name": "North <b>&</b>"})
    figure = pareto_figure(small.model_copy(update={"actors": tuple(actors)}))
    assert (
        figure["layout"]["xaxis"]["title"]["text"]
        == "Utility to North &lt;b&gt;&amp;&lt;/b&gt; (0-1)"
    )
    assert "North <b>" not in json.dumps(figure["data"]) + json.dumps(figure["layout"])
    # The text alternative is plain text: the page escapes it.
    assert figure["summary"].startswith("Utility to North <b>&</b> (x)")


def test_forecast_band_contains_the_median(ukraine: Scenario) -> None:
    """Check that each issue's 5-95% band contains its median, and matches the Monte Carlo."""
    figure = forecast_figure(ukraine, runs=300, seed=5)
    median = _trace(figure, "Median of 300 runs")
    errors = median["error_x"]
    assert median["y"] == [issue.name for issue in ukraine.issues]
    model = make_model("compromise").fit(ukraine)
    result = monte_carlo(model, 300, rng=5)
    for k, x in enumerate(median["x"]):
        low, high = x - errors["arrayminus"][k], x + errors["array"][k]
        assert errors["arrayminus"][k] >= 0
        assert errors["array"][k] >= 0
        assert low <= x <= high
        assert (low, x, high) == pytest.approx((result.p5[k], result.p50[k], result.p95[k]))
    point = _trace(figure, "Point forecast")
    assert point["x"] == pytest.approx(list(model.predict()))
    assert any(errors["array"][k] > 0 for k in range(len(median["x"])))


def test_forecast_figure_is_reproducible(ukraine: Scenario) -> None:
    """Check that the same seed draws the same figure and another seed another one."""
    first = forecast_figure(ukraine, runs=100, seed=1)
    assert forecast_figure(ukraine, runs=100, seed=1) == first
    assert forecast_figure(ukraine, runs=100, seed=2)["data"] != first["data"]


def test_forecast_without_ranges_has_point_bands(small: Scenario) -> None:
    """Check that a scenario without uncertainty ranges gets zero-width bands and says so."""
    figure = forecast_figure(small, runs=20)
    errors = _trace(figure, "Median of 20 runs")["error_x"]
    assert errors["array"] == [0.0, 0.0]
    assert errors["arrayminus"] == [0.0, 0.0]
    assert "every band is a single point" in figure["summary"]


def test_positions_start_at_the_stated_ideal_points(ukraine: Scenario) -> None:
    """Check that round 0 of every actor's line is its stated ideal point on the issue."""
    figure = positions_figure(ukraine, issue="sanctions")
    names = {a.name: a.id for a in ukraine.actors}
    ideals = {p.actor: p.ideal for p in ukraine.positions if p.issue == "sanctions"}
    lines = [t for t in figure["data"] if t["name"] in names]
    assert {names[t["name"]] for t in lines} == set(ideals)
    for trace in lines:
        assert trace["x"] == list(range(9))
        assert trace["y"][0] == ideals[names[trace["name"]]]
    median = _trace(figure, "Weighted median")
    forecast = make_model("bdm-scholz").fit(ukraine).forecast().to_dict()
    entry = next(e for e in forecast["issues"] if e["id"] == "sanctions")
    assert median["y"] == [r["median"] for r in entry["rounds"]]


def test_positions_figure_takes_rounds_and_skips_actors_without_a_position(
    small: Scenario,
) -> None:
    """Check the number of rounds drawn, and that an actor with no position has no line."""
    figure = positions_figure(small, issue="border", model="bdm", rounds=3)
    assert [t["name"] for t in figure["data"]] == [
        "North",
        "South",
        "Weighted median (capability x salience)",
    ]
    assert figure["data"][0]["x"] == [0, 1, 2, 3]
    assert figure["data"][0]["line"]["color"] == PALETTE[0]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"model": "compromise"},
            "The 'model' parameter of positions_figure must be a model with rounds "
            "(bdm, bdm-scholz, smp). Got 'compromise' instead.",
        ),
        (
            {"issue": "water"},
            "The 'issue' parameter of positions_figure must be an issue of scenario 'small' "
            "(border, trade). Got 'water' instead.",
        ),
    ],
)
def test_positions_figure_rejects_bad_options(
    small: Scenario, options: dict[str, str], message: str
) -> None:
    """Check the messages for a model without rounds and an unknown issue."""
    with pytest.raises(ParameterError) as caught:
        positions_figure(small, **options)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_survival_curve_starts_at_one_and_never_rises(ukraine: Scenario) -> None:
    """Check the survival curve and that its 95% band contains it."""
    figure = survival_figure(ukraine, "oil-first-un-peacekeepers", runs=400, seed=2)
    curve = _trace(figure, "Holds")
    band = _trace(figure, "95% band")
    y = curve["y"]
    assert y[0] == 1.0
    assert all(b <= a for a, b in itertools.pairwise(y))
    assert y[-1] < 1.0
    n = len(y)
    high, low = band["y"][:n], band["y"][n:][::-1]
    assert all(lo <= p <= hi for lo, p, hi in zip(low, y, high, strict=True))
    assert band["x"][:n] == curve["x"]
    assert curve["x"][1] == 7
    result = figure["results"][0]
    assert result["holds"] == y[-1]
    reach = [p["reach_probability"] for p in result["phases"]]
    assert reach[0] == 1.0
    assert all(b <= a for a, b in itertools.pairwise(reach))
    # One dotted line per phase after the first.
    assert len(figure["layout"]["shapes"]) == len(result["phases"]) - 1


def test_survival_comparison_draws_both_agreements(ukraine: Scenario) -> None:
    """Check that a comparison draws a curve and a band per agreement, on the same draws."""
    figure = survival_figure(
        ukraine, "monitored-phased-relief", runs=200, seed=4, compare="oil-first-un-peacekeepers"
    )
    assert len(figure["data"]) == 4
    assert [r["agreement"] for r in figure["results"]] == [
        "monitored-phased-relief",
        "oil-first-un-peacekeepers",
    ]
    alone = survival_figure(ukraine, "monitored-phased-relief", runs=200, seed=4)
    assert figure["data"][1]["y"] == alone["data"][1]["y"]


def test_survival_figure_names_unknown_agreements(ukraine: Scenario) -> None:
    """Check the message for an agreement the scenario does not have."""
    with pytest.raises(NotFoundError, match="has no agreement 'truce'"):
        survival_figure(ukraine, "truce", runs=10)


def test_ratification_rows_match_ratification_data(ukraine: Scenario) -> None:
    """Check every proposal's rows against ratification_data."""
    seen = 0
    for proposal in ukraine.proposals:
        rows = ratification_rows(ukraine, proposal.id)
        data = ratification_data(ukraine, proposal.id)
        assert [r["body"] for r in rows] == [b["id"] for b in data["bodies"]]
        for row, body in zip(rows, data["bodies"], strict=True):
            names = {v["id"]: v["name"] for v in body["votes"]}
            assert row["proposal"] == proposal.id
            assert row["passes"] is body["passes"]
            assert (row["yes"], row["no"], row["abstain"]) == (
                body["tally"]["yes"],
                body["tally"]["no"],
                body["tally"]["abstain"],
            )
            assert row["pivotal"] == [names[m] for m in body["pivotal"]]
            assert row["required_for"] == body["required_for"]
            assert row["rule"] == body["rule"]
            seen += 1
    assert seen > 5


def test_ratification_rows_of_a_scenario_without_bodies(small: Scenario) -> None:
    """Check that a proposal needing no body has no rows, and unknown proposals are named."""
    assert ratification_rows(small, "split") == []
    with pytest.raises(NotFoundError, match="has no proposal 'peace'"):
        ratification_rows(small, "peace")


def test_forecast_marks_every_option_with_its_label(ukraine: Scenario) -> None:
    """Check that each issue's row marks its options at their positions, with their labels."""
    figure = forecast_figure(ukraine, runs=50)
    options = _trace(figure, "Options at their positions")
    rows: dict[str, list[tuple[float, str, str]]] = {}
    for x, y, text, (full, room) in zip(
        options["x"], options["y"], options["text"], options["customdata"], strict=True
    ):
        rows.setdefault(html.unescape(y), []).append((x, html.unescape(full), text))
        # The drawn label is the full one or its start with an ellipsis, never longer.
        shown = html.unescape(text)
        # (or nothing, when two options are too close for even three characters).
        assert shown in {"", html.unescape(full)} or (
            shown.endswith("\u2026") and html.unescape(full).startswith(shown[:-1])
        )
        assert room >= 0
    assert list(rows) == [issue.name for issue in ukraine.issues]
    for issue in ukraine.issues:
        assert [(x, full) for x, full, _ in rows[issue.name]] == [
            (o.position, o.label) for o in issue.options
        ]
    # Some labels are long enough to be cut, and every full label is in the table too.
    assert any(text.endswith("\u2026") for text in options["text"])
    table = json.dumps(figure["table"]["rows"], ensure_ascii=False)
    assert all(
        json.dumps(o.label, ensure_ascii=False)[1:-1] in table
        for i in ukraine.issues
        for o in i.options
    )


def test_forecast_option_labels_do_not_overlap(ukraine: Scenario) -> None:
    """Check that labels on one side of a row, at the assumed width, do not overlap."""
    from peacetalks.report.charts.forecasts import _OPTION_CHAR_PX, _OPTION_PLOT_PX

    figure = forecast_figure(ukraine, runs=20)
    options = _trace(figure, "Options at their positions")
    per_point = _OPTION_PLOT_PX / 104
    boxes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for x, y, text, place in zip(
        options["x"], options["y"], options["text"], options["textposition"], strict=True
    ):
        side, anchor = place.split()
        width = len(html.unescape(text)) * _OPTION_CHAR_PX / per_point
        left = {"center": x - width / 2, "right": x, "left": x - width}[anchor]
        boxes.setdefault((y, side), []).append((left, left + width))
    for spans in boxes.values():
        spans.sort()
        for (_, right), (left, _) in itertools.pairwise(spans):
            assert left >= right - 1e-9


def test_coinciding_compromises_are_one_labelled_marker(small: Scenario) -> None:
    """Check that rules at one point give one marker whose name and label list them all."""
    figure = pareto_figure(small, actors=("north", "south"))
    compiled = compile_scenario(small)
    solved = bargaining_data(compiled)
    pair = [compiled.actor_ids.index("north"), compiled.actor_ids.index("south")]
    points = {r: tuple(solved[r]["utilities"][k] for k in pair) for r in RULE_LABELS}
    assert len(set(points.values())) == 1, "small.yaml's four compromises coincide"
    marked = [t for t in figure["data"] if (t.get("meta") or {}).get("rules")]
    assert len(marked) == 1
    trace = marked[0]
    assert trace["meta"]["rules"] == list(RULE_LABELS)
    for label in RULE_LABELS.values():
        assert label in trace["name"]
        assert label in trace["text"][0]
    # The proposal at the same point is named on the marker, not labelled a second time.
    assert trace["meta"]["proposals"] == ["split"]
    assert "proposal split" in trace["text"][0]
    assert _trace(figure, "Proposals every veto holder accepts")["text"] == [""]
    rows = [r for r in figure["table"]["rows"] if r[0].endswith("deal (all actors)")]
    assert len(rows) == 1
    assert all(label in rows[0][0] for label in RULE_LABELS.values())


def test_distinct_compromises_keep_their_own_markers(ukraine_pareto: dict[str, Any]) -> None:
    """Check that compromises at different points are drawn apart, without a text label."""
    marked = [t for t in ukraine_pareto["data"] if (t.get("meta") or {}).get("rules")]
    points = {(t["x"][0], t["y"][0]) for t in marked}
    assert len(points) == len(marked)
    for trace in marked:
        if len(trace["meta"]["rules"]) == 1 and not trace["meta"]["proposals"]:
            assert trace["mode"] == "markers"


def test_survival_phase_labels_fit_inside_the_plot(ukraine: Scenario) -> None:
    """Check that upright phase labels fit the plot's height and point into the plot."""
    figure = survival_figure(ukraine, "monitored-phased-relief", runs=50)
    layout = figure["layout"]
    margin = layout["margin"]
    plot_height = layout["height"] - margin["t"] - margin["b"]
    notes = [a for a in layout["annotations"] if a.get("name") == "phase"]
    phases = [p for p in figure["results"][0]["phases"] if p["within_horizon"]]
    assert len(notes) == len([p for p in phases if p["start_day"] > 0]) > 0
    horizon = figure["results"][0]["days"]
    # 10-pixel text: at most 6.2 pixels a character, from 2% above the plot's bottom.
    for note in notes:
        assert note["textangle"] == -90
        assert note["y"] >= 0
        assert len(html.unescape(note["text"])) * 6.2 <= 0.98 * plot_height
        assert 0 < note["x"] < horizon
        assert note["xanchor"] == ("right" if note["x"] > 0.85 * horizon else "left")
        full = html.unescape(note["hovertext"])
        shown = html.unescape(note["text"])
        assert shown == full or full.startswith(shown[:-1])
    assert any(html.unescape(n["text"]) != html.unescape(n["hovertext"]) for n in notes)
