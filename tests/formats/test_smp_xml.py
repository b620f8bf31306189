from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import peacetalks.forecasting._smp_engine as engine
from peacetalks.errors import ScenarioError
from peacetalks.forecasting._smp_kernels import coalitions, condorcet
from peacetalks.forecasting._smp_prng import KtabRandom
from peacetalks.forecasting.smp import SmpModel
from peacetalks.formats.readers import (
    forecast_input_options,
    read_forecast_input,
    read_scenario,
    table_kind,
)
from peacetalks.formats.smp_csv import read_smp_csv
from peacetalks.formats.smp_xml import read_smp_xml
from tests.conftest import DATA

KTAB = DATA / "ktab"
SMP = KTAB / "smp"
REFERENCE = KTAB / "smp-reference-outputs" / "20170530_ref-smpExample.txt"
EXAMPLE = SMP / "smpExample_at_06542ee.xml"
GOOD = (SMP / "dummyData_3Dim.xml").read_text(encoding="utf-8-sig")


def test_xml_reads_like_the_csv() -> None:
    """Check that dummyData_3Dim.xml gives the CSV's table and the same SMP run."""
    xml = read_smp_xml(SMP / "dummyData_3Dim.xml")
    csv = read_smp_csv(SMP / "dummyData_3Dim.csv")
    assert xml.table.actor_ids == csv.actor_ids
    assert xml.table.issue_ids == csv.issue_ids
    np.testing.assert_array_equal(xml.table.positions, csv.positions)
    np.testing.assert_array_equal(xml.table.saliences, csv.saliences)
    np.testing.assert_array_equal(xml.table.capabilities, csv.capabilities)
    assert xml.parameters == {}
    assert not xml.has_accommodation
    assert xml.seed == 3707583219545544125
    from_xml = SmpModel(**xml.model_options()).fit(xml.table).run()
    from_csv = SmpModel().fit(csv).run()
    assert len(from_xml.states) == len(from_csv.states) == 11
    for a, b in zip(from_xml.states, from_csv.states, strict=True):
        np.testing.assert_array_equal(a.positions, b.positions)
        np.testing.assert_array_equal(a.win_probabilities, b.win_probabilities)


def test_example_parameters_and_ideal_adjustment() -> None:
    """Check the model parameters, seed and ideal adjustment of KTAB's smpExample."""
    xml = read_smp_xml(EXAMPLE)
    assert xml.table.actor_ids == ("Alice", "Bob", "Carol", "David", "Ellie")
    assert xml.table.issue_ids == ("FirstDim", "SecondDim", "YADN")
    assert xml.seed == 3507583219545544127
    assert xml.parameters == {
        "victory_model": "Linear",
        "pce_model": "MarkovIncentive",
        "transitions": "Stochastic",
        "voting_rule": "PropCbc",
        "big_r_adjust": "OneThird",
        "big_r_range": "Mid",
        "third_party_commit": "SemiCommit",
        "interpolation": "S2P2",
        "bargain_model": "InitOnlyInterp",
    }
    expected = np.eye(5)
    expected[0, 0], expected[1, 1], expected[1, 0] = 0.87, 0.75, 0.07
    expected[2, 2], expected[2, 3], expected[3, 3] = 0.65, 0.13, 0.57
    np.testing.assert_array_equal(xml.accommodation, expected)
    model = SmpModel(**xml.model_options())
    assert model.options.voting_rule == "PropCbc"
    assert model.options.seed == 3507583219545544127
    assert model.accommodation is not None


def _ktab_thread_order() -> tuple[list[dict[int, list[tuple[int, int]]]], list[list[int]]]:
    """Return, per turn, each actor's bargains and the actors' elections in KTAB's log order."""
    bargains: list[dict[int, list[tuple[int, int]]]] = []
    elections: list[list[int]] = []
    for line in REFERENCE.read_text().splitlines():
        if m := re.match(r"Bargains involving actor +(\d+): (.*)$", line):
            if m.group(1) == "0":
                bargains.append({})
                elections.append([])
            pairs = re.findall(r"\[\d+, (\d+):(\d+)\]", m.group(2))
            bargains[-1][int(m.group(1))] = [(int(i), int(j)) for i, j in pairs]
        elif (m := re.match(r"Doing scalarPCE for the \d+ bargains of actor (\d+)", line)) and (
            elections
        ):
            elections[-1].append(int(m.group(1)))
    return bargains, elections


def test_example_reproduces_ktab_in_its_thread_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check smpExample against KTAB's log: every turn, given KTAB's thread order.

    The example uses stochastic transitions: each actor draws the bargain it adopts, in
    the order KTAB's threads list the bargains and hold the elections, which varies from
    run to run. Given the order of the reference log, every position of every turn, the
    fractional changes and the win probabilities agree to the printed precision.
    """
    orders, elections = _ktab_thread_order()
    propose, turn = engine._propose, [0]

    def ordered(*args: object, **kwargs: object) -> object:
        bargains = propose(*args, **kwargs)  # type: ignore[arg-type]
        wanted = orders[turn[0]]
        turn[0] += 1
        for actor, listed in enumerate(bargains.lists):
            index = {(int(bargains.init[b]), int(bargains.rcvr[b])): b for b in listed}
            listed[:] = [index[pair] for pair in wanted[actor]]
        return bargains

    def choose(
        utilities: np.ndarray,
        bargains: engine._Bargains,
        capabilities: np.ndarray,
        options: engine.SmpOptions,
        rng: KtabRandom | None,
    ) -> np.ndarray:
        assert rng is not None
        chosen = np.empty(len(bargains.lists), dtype=np.intp)
        for k in elections[turn[0] - 1]:
            listed = bargains.lists[k]
            strengths = coalitions(options.voting_rule, capabilities, utilities[:, listed])
            p, _ = condorcet(strengths, options.victory_model, options.pce_model)
            chosen[k] = listed[rng.select(p)]
        return chosen

    monkeypatch.setattr(engine, "_propose", ordered)
    monkeypatch.setattr(engine, "_choose", choose)
    xml = read_smp_xml(EXAMPLE)
    trajectory = SmpModel(**xml.model_options()).fit(xml.table).run()
    lines = REFERENCE.read_text().splitlines()
    rows = [lines[k + 1].split() for k, line in enumerate(lines) if re.match(r"postn +\d+ ,", line)]
    n = xml.table.n_actors
    assert len(trajectory.states) == 15 == len(rows) // n + 1
    for t in range(1, len(trajectory.states)):
        got = [[f"{v:.4f}" for v in row] for row in trajectory.states[t].positions * 100.0]
        assert got == rows[(t - 1) * n : t * n], f"turn {t}"
    changes = [line.split(":")[1].split()[0] for line in lines if line.startswith("Fractional")]
    assert [f"{step.change:.4f}" for step in trajectory.steps] == changes
    for a, actor in enumerate(xml.table.actor_ids):
        line = next(line for line in lines if line.startswith(f"{actor}, prob : "))
        expected = line.split(":")[1].split()
        assert [f"{s.win_probabilities[a]:.4f}" for s in trajectory.states] == expected


def test_example_runs_in_peacetalks_own_order() -> None:
    """Check that the example runs as is: KTAB's first turn, then its own stochastic path."""
    xml = read_smp_xml(EXAMPLE)
    trajectory = SmpModel(**xml.model_options()).fit(xml.table).run()
    again = SmpModel(**xml.model_options()).fit(xml.table).run()
    assert len(trajectory.states) == len(again.states)
    assert 2 <= len(trajectory.states) <= 101
    for state in trajectory.states:
        assert np.all((state.positions >= 0) & (state.positions <= 1))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _replace(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, count)


PAIR = (
    "<IdealAdjustment><iaPair><adjustingIdeal>SActor-00</adjustingIdeal>"
    "<referencePos>SActor-01</referencePos>{adjust}</iaPair></IdealAdjustment>\n</Scenario>"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _replace("<dCoord>6.37</dCoord>", "<dCoord></dCoord>"),
            "scenario.xml, line 18, Scenario.Actors.Actor[0].Position.dCoord[1]: the element "
            "is empty. Write a number between 0 and 100.",
        ),
        (
            _replace("<dCoord>6.37</dCoord>", "<dCoord>106.37</dCoord>"),
            "scenario.xml, line 18, Scenario.Actors.Actor[0].Position.dCoord[1]: 106.37 is "
            "outside the range. Write a number between 0 and 100.",
        ),
        (
            _replace("<dSal>49.53</dSal>", "<dSal>79.53</dSal>"),
            "scenario.xml, line 21, Scenario.Actors.Actor[0].Salience: the saliences sum to "
            "113.59, above 100. An actor splits at most 100 points of attention across the "
            "dimensions; scale them down.",
        ),
        (
            _replace("<capability>102.543</capability>", "<capability>-2</capability>"),
            "scenario.xml, line 15, Scenario.Actors.Actor[0].capability: -2 is outside the "
            "range. Write a positive number.",
        ),
        (
            _replace("<dCoord>70.45</dCoord>\n", ""),
            "scenario.xml, line 16, Scenario.Actors.Actor[0].Position: <Position> has 2 "
            "<dCoord>; <Dimensions> names 3. Give one per dimension, in the order of "
            "<Dimensions>.",
        ),
        (
            _replace("</Scenario>", PAIR.format(adjust="")),
            "scenario.xml, line 118, Scenario.IdealAdjustment.iaPair[0].adjust: <adjust> is "
            "missing. KTAB needs it; add it.",
        ),
        (
            _replace("</Scenario>", PAIR.format(adjust="<adjust>1.5</adjust>")),
            "scenario.xml: 2 problems\n"
            "  - scenario.xml, line 118, Scenario.IdealAdjustment.iaPair[0].adjust: 1.5 is "
            "outside the range. Write a rate between 0 and 1.\n"
            "  - scenario.xml, line 118, Scenario.IdealAdjustment: the adjustment rates of "
            "'SActor-00' sum to 2.5, above 1 (an actor's pairs without one of its own count 1 "
            "for itself). Lower them, or give the pair 'SActor-00' -> 'SActor-00' explicitly.",
        ),
        (
            _replace("<name>SActor-01</name>", "<name>SActor-00</name>"),
            "scenario.xml, line 28, Scenario.Actors.Actor[1].name: actor 'SActor-00' is listed "
            "again (first as Actor[0]). Give each actor its own name.",
        ),
        (
            _replace("<prngSeed>03707583219545544125</prngSeed>", "<prngSeed>-1</prngSeed>"),
            "scenario.xml, line 5, Scenario.prngSeed: the seed must be a whole number in "
            "[0, 2**64). Got '-1' instead (KTAB reads it with stoull).",
        ),
        (
            _replace(
                "<Dimensions>",
                "<ModelParameters><VictoryProbModel>Lin</VictoryProbModel></ModelParameters>"
                "<Dimensions>",
            ),
            "scenario.xml: 9 problems",
        ),
        (
            _replace("<Dimensions>", "<Dimension>").replace("</Dimensions>", "</Dimension>"),
            "scenario.xml: 2 problems",
        ),
        (
            "<Scenario><name>x</name>",
            "scenario.xml, line 1: the file is not well-formed XML: no element found (column 25). "
            "Fix the XML.",
        ),
        (
            '<!DOCTYPE x [<!ENTITY a "b">]><Scenario/>',
            "scenario.xml, line 1: the file uses a refused XML feature (EntitiesForbidden). "
            "KTAB SMP files need no <!DOCTYPE>, entities or external references; remove them.",
        ),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, message: str) -> None:
    """Check the message for each malformed file, those KTAB rejects and those it should."""
    with pytest.raises(ScenarioError) as info:
        read_smp_xml(_write(tmp_path, text))
    assert str(info.value).split("\n  - ")[0] == message.split("\n  - ")[0]
    if "\n" in message:
        assert str(info.value) == message


def test_shipped_example_with_empty_coordinate_is_refused() -> None:
    """Check that KTAB's current smpExample.xml, which has an empty coordinate, is refused."""
    with pytest.raises(ScenarioError, match=r"line 32, .*dCoord\[0\]: the element is empty"):
        read_smp_xml(SMP / "smpExample.xml")


def test_readers_dispatch_on_the_root_element(tmp_path: Path) -> None:
    """Check that .xml files are told apart by their root: KTAB SMP here, GENIUS elsewhere."""
    assert table_kind(EXAMPLE) == "smp-xml"
    assert table_kind(SMP / "dummyData_3Dim.csv") == "smp"
    genius = tmp_path / "domain.xml"
    genius.write_text('<?xml version="1.0"?>\n<negotiation_template/>', encoding="utf-8")
    assert table_kind(genius) == ""
    table, scenario = read_forecast_input(EXAMPLE)
    assert scenario is None
    assert table.actor_ids[0] == "Alice"
    assert forecast_input_options(EXAMPLE, "smp")["voting_rule"] == "PropCbc"
    assert forecast_input_options(EXAMPLE, "compromise") == {}
    assert forecast_input_options(SMP / "dummyData_3Dim.csv", "smp") == {}
    with pytest.raises(ScenarioError, match="is a KTAB SMP XML scenario"):
        read_scenario(EXAMPLE)
