"""The deal builder's full labels, option ids and amendment; the charts page's model picker."""

from __future__ import annotations

import html
import json
import re

from peacetalks.briefing import assess_deal
from peacetalks.briefing.deals import deal_amendment
from peacetalks.defaults import MODEL_NAMES
from peacetalks.report.charts import forecast_figure
from peacetalks.scenario import load_scenario
from peacetalks.scenario.compile import compile_scenario
from tests.web.pages.conftest import TestClient

SCENARIO = "ukraine-2025"
DEAL = f"/scenarios/{SCENARIO}/deal"
CHARTS = f"/scenarios/{SCENARIO}/charts"


def _block(page: str, element_id: str) -> str:
    """Return the HTML of the element with this id, up to its closing </p> or </select>."""
    start = page.index(f'id="{element_id}"')
    end = min(i for i in (page.find("</p>", start), page.find("</select>", start)) if i > 0)
    return page[start:end]


def test_deal_builder_shows_each_picks_full_label(anonymous: TestClient) -> None:
    """Check that every issue shows its chosen option's whole label under the select."""
    scenario = load_scenario(SCENARIO)
    deal = assess_deal(scenario, scenario.proposal("us-28-point").deal).deal
    page = anonymous.get(DEAL, params={"proposal": "us-28-point"}).text
    longest = max((o.label for i in scenario.issues for o in i.options), key=len)
    assert len(longest) > 60, "the scenario should have labels a select cuts off"
    for issue in scenario.issues:
        chosen = next(o for o in issue.options if o.id == deal[issue.id])
        full = _block(page, f"deal-{issue.id}-full")
        label = re.search(r'<span class="option-label">(.*?)</span>', full)
        assert label is not None
        assert html.unescape(label.group(1)) == chosen.label
        assert f'aria-describedby="deal-{issue.id}-full"' in page
        # Without ?ids=1 the ids stay hidden, and the options carry only their labels.
        assert 'class="option-id" hidden' in full
        select = html.unescape(_block(page, f"deal-{issue.id}"))
        assert f"[{chosen.id}]" not in select
    assert '<input type="checkbox" id="show-ids" name="ids" value="1">' in page


def test_ids_in_the_address_show_every_options_id(anonymous: TestClient) -> None:
    """Check that ?ids=1 shows each option's id beside its label, and keeps the choice."""
    scenario = load_scenario(SCENARIO)
    page = anonymous.get(DEAL, params={"ids": "1", "proposal": "roberts-2025"}).text
    assert 'id="show-ids" name="ids" value="1" checked' in page
    # The proposal form carries the choice on.
    assert '<input type="hidden" id="start-ids" name="ids" value="1">' in page
    for issue in scenario.issues:
        select = html.unescape(_block(page, f"deal-{issue.id}"))
        for option in issue.options:
            assert f">{option.label} [{option.id}]<" in select.replace("</option", "<")
        full = _block(page, f"deal-{issue.id}-full")
        assert 'class="option-id" hidden' not in full
        assert re.search(r"\(id: <code>[^<]+</code>\)", full)
    plain = anonymous.get(DEAL, params={"ids": "0"}).text
    assert 'id="start-ids" name="ids" value="1" disabled' in plain or "start-ids" not in plain
    assert 'class="option-id" hidden' in plain


def test_blocked_deal_shows_its_smallest_amendment(anonymous: TestClient) -> None:
    """Check that a blocked deal's page names the changes deal_amendment finds."""
    scenario = load_scenario(SCENARIO)
    deal = scenario.proposal("us-28-point").deal
    assessment = assess_deal(scenario, deal)
    assert not assessment.passes
    amendment = deal_amendment(compile_scenario(scenario), assessment.deal)
    assert amendment is not None
    assert amendment["changes"]
    page = html.unescape(anonymous.get(DEAL, params={"proposal": "us-28-point"}).text)
    line = page.split('id="amendment"', 1)[1].split("</p>", 1)[0]
    assert "hidden" not in line.split(">", 1)[0]
    assert f"({amendment['n_changes']} issue" in line
    for issue, change in amendment["changes"].items():
        record = scenario.issue(issue)
        labels = {o.id: o.label for o in record.options}
        assert f"{record.name}: {labels[change['from']]} → {labels[change['to']]}" in line
    passing = deal | {issue: c["to"] for issue, c in amendment["changes"].items()}
    query = {f"issue.{k}": v for k, v in passing.items()}
    fixed = anonymous.get(DEAL, params=query).text
    assert 'id="amendment" class="amendment" hidden' in fixed


def _forecast_summary(page: str) -> str:
    block = page.split('<script type="application/json" id="figure-forecast-data">', 1)[1]
    figure = json.loads(html.unescape(block.split("</script>", 1)[0]))
    assert figure["data"][0]["meta"]["role"] == "option-labels"
    return html.unescape(page.split('id="figure-forecast-summary">', 1)[1].split("</p>", 1)[0])


def test_model_picker_lists_every_cli_model_and_changes_the_forecast(
    anonymous: TestClient,
) -> None:
    """Check the forecast model picker: every `forecast --model` model, the default, a pick."""
    scenario = load_scenario(SCENARIO)
    page = anonymous.get(CHARTS).text
    picker = _block(page, "chart-model")
    assert re.findall(r'<option value="([^"]+)"', picker) == list(MODEL_NAMES)
    assert '<option value="compromise" selected>' in picker
    assert '<label for="chart-model">' in page
    default = _forecast_summary(page)
    assert default == forecast_figure(scenario)["summary"]
    median = anonymous.get(CHARTS, params={"model": "median"}).text
    assert '<option value="median" selected>' in _block(median, "chart-model")
    assert _forecast_summary(median) == forecast_figure(scenario, model="median")["summary"]
    assert _forecast_summary(median) != default
    assert "(median model)" in median
    unknown = anonymous.get(CHARTS, params={"model": "astrology"})
    assert unknown.status_code == 200
    assert '<option value="compromise" selected>' in _block(unknown.text, "chart-model")
