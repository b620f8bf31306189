"""The HTML briefing: self-contained, escaped, complete, and consistent with the analyses."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from peacetalks.briefing import assess_proposal
from peacetalks.errors import ParameterError
from peacetalks.report import assets_path
from peacetalks.report.briefing import Briefing, build_briefing, render_briefing
from peacetalks.report.charts import ratification_rows
from peacetalks.scenario.models import Scenario

SECTIONS = (
    "summary",
    "sources",
    "actors",
    "issues",
    "positions",
    "proposals",
    "territory",
    "deal-space",
    "forecast",
    "ratification",
    "agreements",
    "method",
    "appendix",
    "proposal-details",
    "territory-regions",
    "deal-space-details",
    "positions-by-round",
    "ratification-details",
    "agreement-phases",
)


class _Document(HTMLParser):
    """Every start tag with its attributes, and the text of each script element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self._text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag == "script":
            self._script, self._text = found, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}


@pytest.fixture(scope="module")
def document(ukraine_briefing: Briefing) -> _Document:
    return _Document(ukraine_briefing.html)


def test_report_loads_nothing_from_the_network(document: _Document) -> None:
    """Check that no element has a source or stylesheet address; only <a> cites the web."""
    for tag, attrs in document.tags:
        assert "src" not in attrs, (tag, attrs)
        assert "srcset" not in attrs, (tag, attrs)
        assert tag not in ("link", "iframe", "object", "embed", "img", "base"), (tag, attrs)
        for name, value in attrs.items():
            if re.match(r"\s*(https?:)?//", value):
                assert (tag, name) == ("a", "href"), (tag, attrs)
            assert not value.strip().lower().startswith(("javascript:", "data:")), (tag, attrs)


def test_report_inlines_plotly_styles_and_the_renderer(
    ukraine_briefing: Briefing, document: _Document
) -> None:
    """Check that plotly.js, charts.js and the stylesheet are inside the file."""
    code = [text for attrs, text in document.scripts if "type" not in attrs]
    plotly = (assets_path() / "vendor" / "plotly-basic.min.js").read_text(encoding="utf-8")
    charts = (assets_path() / "charts.js").read_text(encoding="utf-8")
    assert [c.strip() for c in code] == [plotly.strip(), charts.strip()]
    css = (assets_path() / "briefing.css").read_text(encoding="utf-8")
    assert css.strip() in ukraine_briefing.html
    assert "@import" not in ukraine_briefing.html
    assert "url(" not in css


def test_vendored_plotly_is_safe_to_inline() -> None:
    """Check that the vendored plotly.js cannot end or confuse its <script> element."""
    text = (assets_path() / "vendor" / "plotly-basic.min.js").read_text(encoding="utf-8")
    assert text.lstrip().startswith("/**\n* plotly.js (basic - minified) v")
    for marker in ("</script", "<!--", "<script"):
        assert marker not in text.lower()
    assert (
        (assets_path() / "vendor" / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    )


def test_every_chart_has_its_data_and_text_alternative(
    ukraine: Scenario, ukraine_briefing: Briefing, document: _Document
) -> None:
    """Check each chart element: its JSON block, its figure, a caption and a data table."""
    blocks = {
        attrs["id"]: json.loads(text)
        for attrs, text in document.scripts
        if attrs.get("type") == "application/json"
    }
    charts = [a for _, a in document.tags if "pt-chart" in a.get("class", "").split()]
    assert [c["id"] for c in charts] == [c.id for c in ukraine_briefing.charts]
    ids = document.ids()
    for element, chart in zip(charts, ukraine_briefing.charts, strict=True):
        figure = blocks[element["data-figure"]]
        assert figure == {"data": chart.figure["data"], "layout": chart.figure["layout"]}
        assert element["role"] == "img"
        assert chart.figure["summary"] in element["aria-label"]
        assert f"{chart.id}-caption" in ids
    kinds = {c.id.split("-")[1] for c in ukraine_briefing.charts}
    # ukraine-2025 is the latest snapshot of a series: one timeline chart per issue too.
    assert kinds == {"pareto", "forecast", "positions", "survival", "timeline"}
    # One positions chart per issue of the scenario (thirteen in ukraine-2025 since issue 13).
    positions = [c.id for c in ukraine_briefing.charts if c.id.startswith("chart-positions-")]
    assert len(positions) == len(ukraine.issues) == 13
    assert sum(c.id.startswith("chart-survival-") for c in ukraine_briefing.charts) == 2


def test_report_has_every_section(document: _Document) -> None:
    """Check the sections the briefing promises, unique ids, and that internal links resolve."""
    ids = document.ids()
    assert len(ids) == sum(1 for _, a in document.tags if "id" in a)
    for section in SECTIONS:
        assert section in ids
    for _, attrs in document.tags:
        href = attrs.get("href", "")
        if href.startswith("#"):
            assert href[1:] in ids, href


def test_sources_are_cited_with_links(ukraine: Scenario, document: _Document) -> None:
    """Check that every source with a web address is linked, and positions link to sources."""
    links = {a["href"] for t, a in document.tags if t == "a"}
    for source in ukraine.sources:
        if source.address.startswith(("https://", "http://")):
            assert source.address in links
    cited = {p.source for p in ukraine.positions if p.source}
    assert {f"#source-{s}" for s in cited} <= links


def test_proposal_verdicts_name_who_does_not_accept(
    ukraine: Scenario, ukraine_briefing: Briefing
) -> None:
    """Check each proposal's section against assess_proposal."""
    names = {a.id: a.name for a in ukraine.actors}
    text = ukraine_briefing.html
    for proposal in ukraine.proposals:
        assessment = assess_proposal(ukraine, proposal.id)
        start = text.index(f'<article class="pt-proposal" aria-labelledby="proposal-{proposal.id}"')
        section = text[start : text.index("</article>", start)]
        if assessment.passes:
            assert "Every veto holder accepts this proposal." in section
        else:
            blockers = ", ".join(names[b] for b in assessment.blockers)
            assert f"Not accepted by veto holder(s): {blockers}." in section
        for verdict in assessment.actors:
            assert f"{verdict.utility:.2f}" in section


def test_ratification_table_has_a_row_per_body_and_proposal(
    ukraine: Scenario, ukraine_briefing: Briefing
) -> None:
    """Check that the ratification table lists every proposal's bodies."""
    text = ukraine_briefing.html
    table = text[
        text.index('<h2 id="ratification-details">') : text.index('<h2 id="agreement-phases">')
    ]
    rows = [r for p in ukraine.proposals for r in ratification_rows(ukraine, p.id)]
    assert table.count('<td><a href="#proposal-') == len(rows)
    assert table.count(">does not approve<") == sum(not r["passes"] for r in rows)
    # The section lists the same verdicts, one line per proposal with bodies.
    short = text[text.index('<h2 id="ratification">') : text.index('<h2 id="agreements">')]
    assert short.count(">does not approve<") == sum(not r["passes"] for r in rows)
    assert short.count("<li>") == sum(
        1 for p in ukraine.proposals if ratification_rows(ukraine, p.id)
    )


def test_scenario_text_is_escaped(small: Scenario) -> None:
    """Check that markup and hostile addresses in a scenario come out as text."""
    sources = [
        small.sources[0].model_copy(
            update={"title": "Memo <script>alert(1)</script>", "address": "javascript:alert(1)"}
        )
    ]
    actors = list(small.actors)
    actors[0] = actors[0].model_copy(update={"name": "North</script><script>alert(2)//"})
    hostile = small.model_copy(
        update={
            "title": "<img src=x onerror=alert(3)>",
            "sources": tuple(sources),
            "actors": tuple(actors),
        }
    )
    text = render_briefing(hostile, runs=20)
    assert "<script>alert" not in text
    assert "<img" not in text
    assert 'href="javascript:' not in text
    assert "&lt;img src=x onerror=alert(3)&gt;" in text
    assert "Memo &lt;script&gt;alert(1)&lt;/script&gt;" in text
    parsed = _Document(text)
    # The hostile name stays inside the JSON blocks, still valid JSON.
    for attrs, block in parsed.scripts:
        if attrs.get("type") == "application/json":
            assert "</script" not in block.lower()
            json.loads(block)
    assert sum(1 for attrs, _ in parsed.scripts if "type" not in attrs) == 2


def test_small_scenario_says_what_it_lacks(small: Scenario) -> None:
    """Check the sections of a scenario without bodies or agreements."""
    text = render_briefing(small, runs=20)
    assert "The scenario defines no phased agreement." in text
    assert "No proposal of the scenario needs a body's approval." in text
    assert "1 of 3 proposals are accepted by every veto holder: Split the border, open trade." in (
        text
    )


def test_report_is_reproducible(small: Scenario) -> None:
    """Check that the same seed gives the same file, byte for byte."""
    assert render_briefing(small, seed=7, runs=30) == render_briefing(small, seed=7, runs=30)


def test_progress_names_each_step(small: Scenario) -> None:
    """Check that the progress callback hears every step, in order."""
    steps: list[str] = []
    build_briefing(small, runs=10, progress=steps.append)
    assert steps == [
        "assessing the proposals",
        "computing the deal space",
        "forecasting",
        "stress-testing the agreements",
        "writing the report",
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"runs": 0},
            "The 'runs' parameter of build_briefing must be an int in [1, 1000000]. Got 0 instead.",
        ),
        (
            {"seed": -1},
            "The 'seed' parameter of build_briefing must be an int >= 0. Got -1 instead.",
        ),
    ],
)
def test_bad_parameters_are_refused(small: Scenario, options: dict[str, int], message: str) -> None:
    """Check the messages for runs and seeds out of range."""
    with pytest.raises(ParameterError) as caught:
        build_briefing(small, **options)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_assets_path_holds_the_shared_assets() -> None:
    """Check the folder the web app serves at /assets."""
    folder = assets_path()
    assert isinstance(folder, Path)
    for name in (
        "charts.js",
        "briefing.css",
        "vendor/plotly-basic.min.js",
        "vendor/plotly.css",
        "vendor/LICENSE",
    ):
        assert (folder / name).is_file(), name


def test_territory_section_has_the_map_and_the_regions_that_change_hands(
    ukraine: Scenario, ukraine_briefing: Briefing, small: Scenario
) -> None:
    """Check the map at the line (titled, described) and the table of each proposal's regions."""
    from peacetalks.geo.territory import territorial_issues, territory_outcome
    from peacetalks.geo.territory_map import territory_map

    section = ukraine_briefing.html.split('<section aria-labelledby="territory"', 1)[1]
    section = section.split("</section>", 1)[0]
    # The regions' table is in the appendix, after the break.
    regions = ukraine_briefing.html.split('<section aria-labelledby="territory-regions"', 1)[1]
    assert ukraine_briefing.html.index('id="appendix"') < ukraine_briefing.html.index(
        'id="territory-regions"'
    )
    line = territory_map(
        ukraine,
        territory_outcome(ukraine, {}),
        name=f"the line of {ukraine.as_of.isoformat()}",
        id_prefix="territory-line",
    )
    assert section.count("<svg ") == 1
    assert line.svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1) in section
    assert 'role="img" aria-labelledby="territory-line-title territory-line-desc"' in section
    assert f"<p>{line.summary}</p></figcaption>" in section
    assert '<table id="territory-changes">' not in section
    table = regions.split('<table id="territory-changes">', 1)[1].split("</table>", 1)[0]
    issues = {i.id for i in territorial_issues(ukraine)}
    territorial = [p for p in ukraine.proposals if issues & set(p.deal)]
    assert re.findall(r'<tbody data-proposal="([^"]+)">', table) == [p.id for p in territorial]
    body = table.split('<tbody data-proposal="ukraine-peace-formula">', 1)[1].split("</tbody>")[0]
    terms = {i: o for i, o in ukraine.proposal("ukraine-peace-formula").deal.items() if i in issues}
    outcome = territory_outcome(ukraine, terms)
    moved = [r for r in outcome.regions if r.changes_hands]
    assert moved
    for region in moved:
        assert f"<td>{region.name} <code>{region.code}</code></td>" in body
        assert f'<td class="num">{region.area_changing_km2:,.0f}</td>' in body
        assert f'<td class="num">{region.population_changing:,.0f}</td>' in body
    assert f'<td class="num">{outcome.area_changing_km2:,.0f}</td>' in body
    assert "nothing changes hands" in table.split('data-proposal="european-counter-proposal"')[1]
    # A scenario without a territorial issue has no such section.
    assert 'id="territory"' not in render_briefing(small, runs=10)


def test_report_on_an_earlier_snapshot_leaves_the_map_out() -> None:
    """Check a series file without control shares gets a report, with no territory section."""
    from peacetalks.scenario import load_scenario

    earlier = load_scenario("ukraine-2025-06")
    html = build_briefing(earlier, runs=10).html
    assert "ukraine-2025-06" in html
    assert 'id="territory-line' not in html


def _text(html: str) -> str:
    """Return an HTML fragment's text, tags removed, entities and spaces normalised."""
    import html as html_module

    text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())
    # A closing tag before punctuation leaves a space the reader does not see.
    return re.sub(r" ([,.;:)])", r"\1", text)


def test_report_opens_with_a_one_page_summary(ukraine_briefing: Briefing) -> None:
    """Check the summary a reader starts with, against the computations analyze uses.

    The proposals' verdicts with their chance, its interval and fragile or robust; the
    fair compromise with its chance; the forecast's out-of-sample error with its source;
    and what would change the picture.
    """
    from peacetalks.briefing.deals import bargaining_data
    from peacetalks.forecasting.calibration import deu_accuracy
    from peacetalks.report.summary import chance_interval, percent
    from peacetalks.scenario import load_scenario
    from peacetalks.scenario.compile import compile_scenario

    page = ukraine_briefing.html
    start = page.index('<section aria-labelledby="summary"')
    assert start < page.index('id="contents"') < page.index('id="proposals"')
    text = _text(page[start : page.index("</section>", start)])
    scenario = load_scenario("ukraine-2025")
    names = {a.id: a.name for a in scenario.actors}
    assert "None of the 10 proposals is accepted by every veto holder" in text
    for proposal in scenario.proposals:
        assessed = assess_proposal(scenario, proposal.id, seed=3)  # the fixture's seed
        assert assessed.p_pass is not None
        row = text.split(proposal.title + " ", 1)[1][:200]
        assert row.startswith("blocked by " + ", ".join(names[b] for b in assessed.blockers))
        interval = chance_interval(assessed.p_pass, 2000)
        assert interval is not None
        shown = percent(assessed.p_pass)
        if percent(interval[0]) != percent(interval[1]):
            shown += f" ({percent(interval[0])}-{percent(interval[1])})"
        assert shown in row
        assert ("fragile" if assessed.fragile else "robust") in row
    # The Nash deal with its chance and the reason it is fragile.
    nash = bargaining_data(compile_scenario(scenario), seed=3)["nash"]
    assert nash is not None
    low, high = chance_interval(nash["p_pass"], 2000) or (0.0, 1.0)
    assert (
        f"The fair compromise (the Nash deal among the deals every actor prefers to no deal) "
        f"passes every veto in {percent(nash['p_pass'])} ({percent(low)}-{percent(high)}) of "
        "draws; "
        "fragile: one stated range flips it." in text
    )
    labels = {i.id: {o.id: o.label for o in i.options} for i in scenario.issues}
    for issue, option in nash["deal"].items():
        assert labels[issue][option][:30] in text
    # The forecast's error, measured out of sample, with its source and its limits.
    accuracy = deu_accuracy().get("compromise")
    assert accuracy is not None
    assert f"missed the outcome by {accuracy.mae:.1f} points on average" in text
    assert f"within ±{accuracy.band80:.1f} points" in text
    assert "DEU III: Arregui & Perarnaud (2021)" in text
    assert "Its error on peace talks, and on this scenario, is not measured" in text
    changes = text.split("What would change the picture", 1)[1]
    assert "russia's reservation (0.55-0.65) decides the fair compromise" in changes
    assert re.search(r"without Russian Federation: Kursk/Sumy exchange[^,;:]*: 44 → 6", changes)
    assert "it does not endorse any of them" in text


def test_method_states_the_assumptions_and_the_error(ukraine_briefing: Briefing) -> None:
    """Check the Method and caveats section: each assumption, and the error in plain words."""
    from peacetalks.forecasting.calibration import deu_accuracy

    page = ukraine_briefing.html
    start = page.index('<section aria-labelledby="method"')
    assert start < page.index('id="appendix"')
    method = _text(page[start : page.index("</section>", start)])
    for assumption in (
        "Additive utilities.",
        "Sourced or judged inputs.",
        "Acceptance and robustness.",
        "Monte Carlo over stated ranges.",
        "The forecast models.",
        "Out-of-sample error.",
        "Neutrality.",
    ):
        assert assumption in method
    accuracy = deu_accuracy().get("compromise")
    assert accuracy is not None
    assert f"Its mean absolute error was {accuracy.mae:.1f} points" in method
    assert (
        f"on average the forecast lands about {accuracy.mae:.0f} points from what is decided, "
        f"and one time in five more than {accuracy.band80:.0f} points away" in method
    )
    assert deu_accuracy().data in method
    assert "no error is measured on peace negotiations or on this scenario" in method


def test_the_appendix_holds_the_long_tables(ukraine: Scenario, ukraine_briefing: Briefing) -> None:
    """Check that every position, proposal table, body and chart of the detail is after the break."""
    page = ukraine_briefing.html
    appendix = page.index('<section aria-labelledby="appendix"')
    main, detail = page[:appendix], page[appendix:]
    # Every position: one row per position, in the appendix only.
    positions = detail.split('<h2 id="positions">', 1)[1].split("</table>", 1)[0]
    assert positions.count("<tr>") == len(ukraine.positions) + 1
    assert '<h2 id="positions">' not in main
    # Each proposal's per-actor table, and every actor's utility in it.
    for proposal in ukraine.proposals:
        marker = f'<article class="pt-proposal" aria-labelledby="proposal-{proposal.id}"'
        assert marker in detail
        assert marker not in main
    # The sources with author, title, date and address.
    sources = detail.split('<h2 id="sources">', 1)[1].split("</table>", 1)[0]
    for source in ukraine.sources:
        row = _text(sources.split(f'<tr id="source-{source.id}">', 1)[1].split("</tr>", 1)[0])
        for field in (source.author, source.title, source.date, source.address):
            assert _text(str(field)) in row
    # The fair compromises' terms, the positions by round and the series issue by issue.
    assert '<h3 id="compromises">' in detail
    assert all(f'id="chart-positions-{i.id}"' in detail for i in ukraine.issues)
    assert 'id="chart-positions-' not in main
    assert 'id="chart-timeline-' not in main
    # The sections keep their own charts, each with its summary and table.
    for chart in ("chart-pareto", "chart-forecast", "chart-survival-monitored-phased-relief"):
        assert f'id="{chart}"' in main
        assert f'id="{chart}-caption"' in main
