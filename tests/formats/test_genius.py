"""GENIUS import and export, checked against NegMAS's reading of the same files.

The reference numbers in ``tests/data/genius/*/negmas_reference.json`` were made by
``benchmarks/make_genius_fixtures.py`` with NegMAS; NegMAS itself is never imported here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings

from peacetalks.errors import FileFormatWarning, ParameterError, ScenarioError
from peacetalks.formats import _genius_xml
from peacetalks.formats.genius import dump_genius, load_genius
from peacetalks.scenario import compile_scenario, load_scenario, scenario_from_data
from peacetalks.scenario.models import Scenario
from tests.scenario_strategies import scenario_data

FloatArray = npt.NDArray[np.float64]

GENIUS = Path(__file__).parents[1] / "data" / "genius"
HANDWRITTEN = GENIUS / "handwritten"
REFERENCE_DOMAINS = sorted(
    p.name for p in GENIUS.iterdir() if (p / "negmas_reference.json").exists()
)
AS_OF = dt.date(2025, 1, 1)


def _reference(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GENIUS / name / "negmas_reference.json").read_text())
    return data


def _all_deals(scenario: Scenario) -> FloatArray:
    """Return the utility of every deal for every actor, shape (n_deals, n_actors)."""
    tables = compile_scenario(scenario).tables()
    deals = np.array(list(itertools.product(*(range(t.shape[1]) for t in tables))), dtype=np.intp)
    utilities = sum(table.T[deals[:, i]] for i, table in enumerate(tables))
    return np.asarray(utilities, dtype=np.float64)


def _front(points: FloatArray) -> FloatArray:
    """Return the non-dominated rows of ``points`` (maximisation), by brute force."""
    keep = [not np.any(np.all(points >= p, axis=1) & np.any(points > p, axis=1)) for p in points]
    front: FloatArray = points[np.array(keep, dtype=bool)]
    return front


def _same_points(ours: npt.ArrayLike, theirs: npt.ArrayLike, tol: float = 1e-9) -> bool:
    """Return whether two point sets are equal within ``tol``, ignoring order and repeats."""
    a = np.atleast_2d(np.asarray(ours, dtype=np.float64))
    b = np.atleast_2d(np.asarray(theirs, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        return a.size == b.size

    def covered(x: FloatArray, y: FloatArray) -> bool:
        return all(np.any(np.all(np.abs(y - p) <= tol, axis=1)) for p in x)

    return covered(a, b) and covered(b, a)


def _aligned_weighted(scenario: Scenario, actor_ids: list[str]) -> FloatArray:
    compiled = compile_scenario(scenario)
    order = [compiled.actor_ids.index(a) for a in actor_ids]
    return compiled.weighted_utilities[order]


# ---------------------------------------------------------------------------------------
# The hand-written domain


def test_handwritten_domain_maps_every_field() -> None:
    """Check that the classic hand-written domain maps to the documented records."""
    scenario = load_genius(HANDWRITTEN, as_of=AS_OF)
    assert (scenario.id, scenario.title, scenario.as_of) == ("job", "Job", AS_OF)
    salary, workdays = scenario.issues
    assert [o.id for o in salary.options] == ["2000-eur", "2500-eur", "3000-eur", "3500-eur"]
    assert [o.label for o in salary.options] == ["2000 EUR", "2500 EUR", "3000 EUR", "3500 EUR"]
    assert [o.position for o in salary.options] == pytest.approx([0, 100 / 3, 200 / 3, 100])
    assert (salary.scale.low, salary.scale.high) == ("2000 EUR", "3500 EUR")
    assert [(o.id, o.label, o.position) for o in workdays.options] == [
        ("3", "3", 0.0),
        ("4", "4", 50.0),
        ("5", "5", 100.0),
    ]
    assert [a.id for a in scenario.actors] == ["candidate", "employer"]
    candidate, employer = scenario.actors
    assert (employer.reservation, candidate.reservation) == (0.3, 0.4)
    assert all(a.veto and a.capability == 1 and a.judgement for a in scenario.actors)
    assert employer.note is not None
    assert "discount factor 0.9 is dropped" in employer.note
    source = scenario.sources[1]
    assert (source.id, source.kind, source.author, source.title, source.address) == (
        "genius-employer",
        "analysis",
        "GENIUS domain",
        "Job",
        "employer.xml",
    )
    positions = {(p.actor, p.issue): p for p in scenario.positions}
    # Evaluations divided by their issue's maximum; the integer issue uses GENIUS's
    # linear evaluator offset + slope * (x - lowerbound).
    expected = {
        ("employer", "salary"): (0.6, [1.0, 0.75, 0.5, 0.125], 0.0),
        ("employer", "workdays"): (0.4, [0.2, 0.6, 1.0], 100.0),
        ("candidate", "salary"): (0.7, [0.1, 0.3, 0.6, 1.0], 100.0),
        ("candidate", "workdays"): (0.3, [1.0, 0.7, 0.2], 0.0),
    }
    for key, (salience, utilities, ideal) in expected.items():
        position = positions[key]
        assert position.utilities is not None
        assert position.salience == pytest.approx(salience, abs=1e-15)
        assert list(position.utilities.values()) == pytest.approx(utilities, abs=1e-15)
        assert position.ideal == ideal
        assert position.source == f"genius-{key[0]}"


def test_handwritten_deal_utilities_by_hand() -> None:
    """Check one deal's utilities against arithmetic done by hand."""
    scenario = load_genius(HANDWRITTEN / "job-domain.xml", as_of=AS_OF)
    compiled = compile_scenario(scenario)
    indices, _ = compiled.deal_indices({"salary": "3000-eur", "workdays": "4"})
    utilities = sum(compiled.tables()[i][:, k] for i, k in enumerate(indices))
    # The candidate gets 0.7 * 0.6 + 0.3 * 0.7, the employer 0.6 * 0.5 + 0.4 * 0.6.
    np.testing.assert_allclose(utilities, [0.63, 0.54], atol=1e-15)


def test_utility_files_keep_the_given_order() -> None:
    """Check that explicit utility files give the actors in that order."""
    scenario = load_genius(
        HANDWRITTEN / "job-domain.xml",
        utility_files=[HANDWRITTEN / "employer.xml", HANDWRITTEN / "candidate.xml"],
        as_of=AS_OF,
    )
    assert [a.id for a in scenario.actors] == ["employer", "candidate"]


def test_as_of_defaults_to_the_domain_file_date(tmp_path: Path) -> None:
    """Check that the scenario's date is the domain file's modification day by default."""
    folder = shutil.copytree(HANDWRITTEN, tmp_path / "job")
    scenario = load_genius(folder)
    stamp = (folder / "job-domain.xml").stat().st_mtime
    assert scenario.as_of == dt.date.fromtimestamp(stamp)


# ---------------------------------------------------------------------------------------
# Against NegMAS


@pytest.mark.parametrize("name", REFERENCE_DOMAINS)
def test_reference_domain_shape(name: str) -> None:
    """Check that issues, items and parties match what NegMAS read from the same files."""
    reference = _reference(name)
    scenario = load_genius(GENIUS / name, as_of=AS_OF)
    assert [i.name for i in scenario.issues] == [i["name"] for i in reference["issues"]]
    assert [[o.label for o in i.options] for i in scenario.issues] == [
        i["values"] for i in reference["issues"]
    ]
    assert [a.id for a in scenario.actors] == [Path(f).stem for f in reference["party_files"]]
    assert [a.reservation for a in scenario.actors] == reference["reservations"]
    assert len(scenario.positions) == len(scenario.actors) * len(scenario.issues)


@pytest.mark.parametrize("name", REFERENCE_DOMAINS)
def test_reference_outcome_utilities(name: str) -> None:
    """Check our utility of each of NegMAS's front deals against NegMAS's to 1e-12."""
    reference = _reference(name)
    scenario = load_genius(GENIUS / name, as_of=AS_OF)
    compiled = compile_scenario(scenario)
    labels = [[o.label for o in issue.options] for issue in scenario.issues]
    tables = compiled.tables()
    front = reference["pareto_front"]
    assert front["outcomes"]
    for outcome, expected in zip(front["outcomes"], front["utilities"], strict=True):
        deal = [labels[i].index(value) for i, value in enumerate(outcome)]
        ours = sum(tables[i][:, k] for i, k in enumerate(deal))
        np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", REFERENCE_DOMAINS)
def test_pareto_front_matches_negmas(name: str) -> None:
    """Check that the brute-force Pareto front equals NegMAS's, with and without reservations."""
    reference = _reference(name)
    scenario = load_genius(GENIUS / name, as_of=AS_OF)
    utilities = _all_deals(scenario)
    assert _same_points(_front(utilities), reference["pareto_front"]["utilities"])
    reservations = np.array(reference["reservations"])
    rational = utilities[np.all(utilities >= reservations, axis=1)]
    assert _same_points(_front(rational), reference["rational_pareto_front"]["utilities"])


@pytest.mark.parametrize("name", REFERENCE_DOMAINS)
def test_pareto_kernel_matches_negmas(name: str) -> None:
    """Check that the project's Pareto kernel gives NegMAS's front on the imported domain."""
    from peacetalks.analysis.pareto import pareto_front

    reference = _reference(name)
    compiled = compile_scenario(load_genius(GENIUS / name, as_of=AS_OF))
    full = pareto_front(compiled.tables())
    assert _same_points(full.utilities, reference["pareto_front"]["utilities"])
    rational = pareto_front(
        compiled.tables(), reservations=compiled.reservations, individually_rational=True
    )
    assert _same_points(rational.utilities, reference["rational_pareto_front"]["utilities"])


@pytest.mark.parametrize("name", REFERENCE_DOMAINS)
def test_nash_deal_matches_negmas(name: str) -> None:
    """Check that the deal maximising the product of gains over reservations is NegMAS's."""
    from peacetalks.analysis.bargaining import nash_deal

    reference = _reference(name)
    scenario = load_genius(GENIUS / name, as_of=AS_OF)
    utilities = _all_deals(scenario)
    reservations = np.array(reference["reservations"])
    # NegMAS measures gains from max(reservation, lowest utility); the fixtures keep
    # every reservation above the lowest utility, so both start from the reservation.
    assert np.all(reservations >= utilities.min(axis=0))
    acceptable = utilities[np.all(utilities >= reservations, axis=1)]
    products = np.prod(acceptable - reservations, axis=1)
    best = acceptable[products >= products.max() - 1e-12]
    expected = [point["utilities"] for point in reference["nash_points"]]
    assert _same_points(best, expected)
    compiled = compile_scenario(scenario)
    solution = nash_deal(compiled.tables(), compiled.reservations)
    assert _same_points(solution.utilities, expected)


# ---------------------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("name", [*REFERENCE_DOMAINS, "handwritten"])
def test_round_trip_of_genius_domains(name: str, tmp_path: Path) -> None:
    """Check that load -> dump -> load keeps the weighted utilities and reservations."""
    first = load_genius(GENIUS / name, as_of=AS_OF)
    paths = dump_genius(first, tmp_path / "out")
    second = load_genius(paths[0], utility_files=paths[1:], as_of=AS_OF)
    ids = [a.id for a in first.actors]
    assert [a.id for a in second.actors] == ids
    np.testing.assert_allclose(
        _aligned_weighted(second, ids), _aligned_weighted(first, ids), rtol=0, atol=1e-12
    )
    assert [a.reservation for a in second.actors] == [a.reservation for a in first.actors]
    assert [[o.label for o in i.options] for i in second.issues] == [
        [o.label for o in i.options] for i in first.issues
    ]


def test_round_trip_of_a_scenario_with_gaps(small_path: Path, tmp_path: Path) -> None:
    """Check the round trip of a scenario whose utilities peak below 1 and with gaps."""
    scenario = load_scenario(small_path)
    paths = dump_genius(scenario, tmp_path)
    assert [p.name for p in paths] == ["small-domain.xml", "north.xml", "south.xml", "broker.xml"]
    folder_order = load_genius(tmp_path, as_of=AS_OF)
    assert [a.id for a in folder_order.actors] == ["broker", "north", "south"]
    ids = [a.id for a in scenario.actors]
    np.testing.assert_allclose(
        _aligned_weighted(folder_order, ids),
        compile_scenario(scenario).weighted_utilities,
        rtol=0,
        atol=1e-12,
    )


def test_dump_writes_genius_weights_and_evaluations(tmp_path: Path) -> None:
    """Check the written weights and evaluations of one actor, as GENIUS reads them."""
    scenario = load_scenario(Path(__file__).parents[1] / "data" / "small.yaml")
    dump_genius(scenario, tmp_path)
    text = (tmp_path / "broker.xml").read_text(encoding="utf-8")
    # The broker cares only about trade (open 1.0, closed 0.25); it has no border position.
    assert '<weight index="1" value="0.0" />' in text
    assert '<weight index="2" value="1.0" />' in text
    assert '<item index="2" value="Closed" evaluation="0.25" />' in text
    assert '<reservation value="0.0" />' in text


@settings(max_examples=60, deadline=None)
@given(data=scenario_data())
def test_round_trip_property(
    data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Check that dump_genius then load_genius keeps every weighted utility of a random scenario."""
    scenario = scenario_from_data(data)
    folder = tmp_path_factory.mktemp("genius")
    paths = dump_genius(scenario, folder)
    loaded = load_genius(paths[0], utility_files=paths[1:], as_of=AS_OF)
    assert [a.id for a in loaded.actors] == [a.id for a in scenario.actors]
    np.testing.assert_allclose(
        compile_scenario(loaded).weighted_utilities,
        compile_scenario(scenario).weighted_utilities,
        rtol=0,
        atol=1e-12,
    )
    np.testing.assert_array_equal(
        compile_scenario(loaded).reservations, compile_scenario(scenario).reservations
    )


# ---------------------------------------------------------------------------------------
# Conventions


def _job(tmp_path: Path) -> Path:
    return Path(shutil.copytree(HANDWRITTEN, tmp_path / "job"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_weights_below_one_keep_genius_utilities(tmp_path: Path) -> None:
    """Check that weights summing below 1 scale the utilities, so deal utilities match GENIUS."""
    folder = _job(tmp_path)
    _edit(folder / "candidate.xml", '"0.7"', '"0.35"')
    _edit(folder / "candidate.xml", '"0.3"></weight>', '"0.15"></weight>')
    scenario = load_genius(folder, as_of=AS_OF)
    position = scenario.positions[0]
    assert position.salience == pytest.approx(0.7)
    assert position.utilities is not None
    assert list(position.utilities.values()) == pytest.approx([0.05, 0.15, 0.3, 0.5])
    utilities = _all_deals(scenario)
    assert utilities[:, 0].max() == pytest.approx(0.5)


def test_issue_evaluated_all_zero_gives_zero_utilities(tmp_path: Path) -> None:
    """Check that an issue whose evaluations are all 0 gets utility 0, not a division by 0."""
    folder = _job(tmp_path)
    for value in ("1", "3", "6", "10"):
        _edit(folder / "candidate.xml", f'evaluation="{value}"></item>', 'evaluation="0"></item>')
    scenario = load_genius(folder, as_of=AS_OF)
    position = scenario.positions[0]
    assert position.utilities is not None
    assert set(position.utilities.values()) == {0.0}
    assert position.ideal == 0.0


def test_item_ids_are_slugs_made_unique(tmp_path: Path) -> None:
    """Check that item values become lower-case ids, numbered when two would clash."""
    folder = _job(tmp_path)
    _edit(folder / "job-domain.xml", 'value="2500 EUR"', 'value="2000-eur"')
    _edit(folder / "candidate.xml", 'value="2500 EUR"', 'value="2000-eur"')
    _edit(folder / "employer.xml", 'value="2500 EUR"', 'value="2000-eur"')
    scenario = load_genius(folder, as_of=AS_OF)
    assert [o.id for o in scenario.issues[0].options] == [
        "2000-eur",
        "2000-eur-2",
        "3000-eur",
        "3500-eur",
    ]


def test_pareto_files_and_other_xml_are_ignored(tmp_path: Path) -> None:
    """Check that a GENIUS pareto file and unrelated XML files in the folder are skipped."""
    folder = _job(tmp_path)
    (folder / "job_pareto.xml").write_text("<not xml", encoding="utf-8")
    (folder / "notes.xml").write_text("<notes/>", encoding="utf-8")
    scenario = load_genius(folder, as_of=AS_OF)
    assert [a.id for a in scenario.actors] == ["candidate", "employer"]


def test_dump_refuses_a_folder_with_other_xml_files(tmp_path: Path) -> None:
    """Check that dumping into a folder holding other XML files is refused."""
    (tmp_path / "other.xml").write_text("<x/>", encoding="utf-8")
    scenario = load_genius(HANDWRITTEN, as_of=AS_OF)
    with pytest.raises(ParameterError) as info:
        dump_genius(scenario, tmp_path)
    assert str(info.value) == (
        "The 'folder' parameter of dump_genius must name a folder without other XML files, "
        f"so that loading it finds only this domain. Got {tmp_path}, which holds other.xml. "
        "Use an empty folder."
    )


# ---------------------------------------------------------------------------------------
# Errors

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<utility_space>&lol3;</utility_space>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE utility_space [
 <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<utility_space><objective>&secret;</objective></utility_space>
"""


def _remove_utility_files(folder: Path) -> None:
    (folder / "candidate.xml").unlink()
    (folder / "employer.xml").unlink()


def _load_folder(folder: Path) -> Scenario:
    return load_genius(folder)


def _load_missing_utility_file(folder: Path) -> Scenario:
    return load_genius(folder / "job-domain.xml", utility_files=[folder / "nobody.xml"])


def _load_utility_file_as_domain(folder: Path) -> Scenario:
    return load_genius(folder / "employer.xml")


Setup = Callable[[Path], object]
Load = Callable[[Path], Scenario]

ERRORS: list[tuple[str, Setup, Load, str]] = [
    (
        "missing-utility-files",
        _remove_utility_files,
        _load_folder,
        "job-domain.xml: no utility files next to this domain file: expected one XML file per "
        "party, with root element <utility_space>. Add the parties' utility files to the "
        "folder, or pass them as 'utility_files'.",
    ),
    (
        "unknown-item-value",
        lambda f: _edit(f / "employer.xml", 'value="3000 EUR"', 'value="3000 USD"'),
        _load_folder,
        "employer.xml, line 7: unknown item value '3000 USD' of issue 'Salary'. Expected one "
        "of: '2000 EUR', '2500 EUR', '3000 EUR', '3500 EUR', as in the domain file "
        "job-domain.xml.",
    ),
    (
        "unknown-issue",
        lambda f: _edit(f / "candidate.xml", 'name="Workdays"', 'name="Holidays"'),
        _load_folder,
        "candidate.xml, line 10: the utility file evaluates issue 'Holidays', which the domain "
        "file job-domain.xml does not define. Expected one of: 'Salary', 'Workdays'.",
    ),
    (
        "malformed-xml",
        lambda f: _edit(f / "candidate.xml", "</issue>", "</isue>"),
        _load_folder,
        "candidate.xml, line 9: the file is not well-formed XML: mismatched tag (column 4). "
        "Fix the XML.",
    ),
    (
        "billion-laughs",
        lambda f: (f / "employer.xml").write_text(BILLION_LAUGHS, encoding="utf-8"),
        _load_folder,
        "employer.xml, line 3: the file declares the XML entity 'lol'. GENIUS files need no "
        "entities, and they are refused because they can expand without bound (billion "
        "laughs) or read other files (external entities). Remove the <!DOCTYPE> block.",
    ),
    (
        "external-entity",
        lambda f: (f / "employer.xml").write_text(XXE, encoding="utf-8"),
        _load_folder,
        "employer.xml, line 3: the file declares the XML entity 'secret'. GENIUS files need no "
        "entities, and they are refused because they can expand without bound (billion "
        "laughs) or read other files (external entities). Remove the <!DOCTYPE> block.",
    ),
    (
        "real-issue",
        lambda f: _edit(f / "job-domain.xml", 'type="integer" vtype', 'type="real" vtype'),
        _load_folder,
        "job-domain.xml, line 13: issue 'Workdays' is real-valued; peacetalks issues have a "
        "finite set of options. Discretise it into a discrete issue with items (in NegMAS: "
        "Scenario.discretize) and import again.",
    ),
    (
        "integer-range-too-large",
        lambda f: _edit(f / "job-domain.xml", 'upperbound="5"', 'upperbound="5000"'),
        _load_folder,
        "job-domain.xml, line 13: integer issue 'Workdays' has 4,998 values (3 to 5000); the "
        "limit is 1,000, one option each. Narrow the bounds, or make it a discrete issue with "
        "fewer items.",
    ),
    (
        "missing-evaluation",
        lambda f: _edit(
            f / "candidate.xml", '<item index="2" value="4" evaluation="7"></item>', ""
        ),
        _load_folder,
        "candidate.xml, line 10: issue 'Workdays' gives no evaluation for item(s) '4'. Expected "
        "one <item value=... evaluation=...> per item of the domain.",
    ),
    (
        "non-linear-space-named-first",
        lambda f: _edit(
            f / "candidate.xml",
            '<item index="1" value="2000 EUR" evaluation="1"></item>',
            '</issue><utility_function><ufun type="PLAIN" weight="1"></ufun>'
            '</utility_function><issue index="9" name="Other">',
        ),
        _load_folder,
        "candidate.xml, line 5: the file is a non-linear utility space (<utility_function>); "
        "peacetalks reads linear additive utility files only (a weight per issue and an "
        "evaluation per item). Use a linear utility file for this party.",
    ),
    (
        "weight-index-names-nothing",
        lambda f: _edit(f / "candidate.xml", '<weight index="2"', '<weight index="7"'),
        _load_folder,
        "candidate.xml, line 16: a <weight> has index '7', which names no issue of the domain "
        "(indices 1, 2). Fix the index.",
    ),
    (
        "reservation-out-of-range",
        lambda f: _edit(
            f / "candidate.xml", '<reservation value="0.4"/>', '<reservation value="4"/>'
        ),
        _load_folder,
        "candidate.xml, line 18: reservation value '4' is not a number in [0, 1]. GENIUS "
        "reservation values are utilities between 0 and 1.",
    ),
    (
        "no-domain-file",
        lambda f: (f / "job-domain.xml").unlink(),
        _load_folder,
        "{folder}: no GENIUS domain file in this folder: expected an XML file whose root "
        "element is <negotiation_template>, among 2 XML file(s). Add the domain file, or pass "
        "it directly.",
    ),
    (
        "missing-utility-file-argument",
        lambda f: None,
        _load_missing_utility_file,
        "{folder}/nobody.xml: no such utility file. Check the paths given in 'utility_files'.",
    ),
    (
        "utility-file-as-domain",
        lambda f: None,
        _load_utility_file_as_domain,
        "employer.xml, line 2: expected the root element <negotiation_template> of a GENIUS "
        "domain file, got <utility_space>. Pass the domain file, not a utility file.",
    ),
]


@pytest.mark.parametrize(
    ("setup", "load", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors(setup: Setup, load: Load, message: str, tmp_path: Path) -> None:
    """Check each refused input's exact message: file, line, what, expected and fix."""
    folder = _job(tmp_path)
    setup(folder)
    with pytest.raises(ScenarioError) as info:
        load(folder)
    assert str(info.value) == message.format(folder=folder)


def test_oversized_file_is_refused_unparsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check that a file above the size bound is refused before parsing."""
    folder = _job(tmp_path)
    size = (folder / "candidate.xml").stat().st_size
    monkeypatch.setattr(_genius_xml, "MAX_FILE_BYTES", 500)
    assert size > 500
    with pytest.raises(ScenarioError) as info:
        load_genius(folder)
    assert str(info.value) == (
        f"candidate.xml: the file is {size:,} bytes; the limit is 500. GENIUS domains are a "
        "few kilobytes: check that this is the right file."
    )


def test_missing_folder(tmp_path: Path) -> None:
    """Check that a path that does not exist gets a clear error."""
    with pytest.raises(ScenarioError) as info:
        load_genius(tmp_path / "nowhere")
    assert str(info.value) == (
        f"{tmp_path / 'nowhere'}: no such file or folder. Pass a GENIUS domain folder or its "
        "domain XML file."
    )


def test_errors_in_one_file_are_reported_together(tmp_path: Path) -> None:
    """Check that every problem of a utility file is reported at once."""
    folder = _job(tmp_path)
    _edit(folder / "employer.xml", 'value="3000 EUR"', 'value="3000 USD"')
    _edit(folder / "employer.xml", 'evaluation="8"', 'evaluation="-8"')
    with pytest.raises(ScenarioError) as info:
        load_genius(folder)
    assert [p.line for p in info.value.problems] == [5, 7]
    assert info.value.source == "employer.xml"


# ---------------------------------------------------------------------------------------
# Read as GENIUS reads them, with a warning


def _weighted(scenario: Scenario) -> FloatArray:
    return np.asarray(compile_scenario(scenario).weighted_utilities, dtype=np.float64)


LENIENT: list[tuple[str, str, str, str]] = [
    (
        "issue-name-with-spaces",
        'name="Salary"',
        'name=" Salary"',
        "candidate.xml, line 4: issue ' Salary' (index 1) is named 'Salary' in the domain "
        "file; read by its index, as GENIUS does. Remove the spaces from the name.",
    ),
    (
        "weight-of-the-objective",
        '<weight index="2" value="0.3"></weight>',
        '<weight index="2" value="0.3"></weight>\n\t<weight index="0" value="1"></weight>',
        "candidate.xml, line 17: a <weight> has index '0', the index of the objective, not of "
        "an issue; GENIUS ignores it, and so does peacetalks. Remove it.",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), [e[1:] for e in LENIENT], ids=[e[0] for e in LENIENT]
)
def test_read_as_genius_reads_it_with_a_warning(
    old: str, new: str, message: str, tmp_path: Path
) -> None:
    """Check that a file GENIUS loads is read as GENIUS reads it, with an exact warning."""
    folder = _job(tmp_path)
    plain = load_genius(folder, as_of=AS_OF)
    _edit(folder / "candidate.xml", old, new)
    with pytest.warns(FileFormatWarning) as caught:
        lenient = load_genius(folder, as_of=AS_OF)
    assert [str(w.message) for w in caught] == [message]
    np.testing.assert_array_equal(_weighted(lenient), _weighted(plain))
    assert [a.reservation for a in lenient.actors] == [a.reservation for a in plain.actors]


def test_weights_above_one_keep_genius_acceptance_and_order(tmp_path: Path) -> None:
    """Check weights summing above 1: GENIUS's order of deals and its reservation test."""
    folder = _job(tmp_path)
    _edit(folder / "candidate.xml", '"0.7"', '"0.9"')
    with pytest.warns(FileFormatWarning) as caught:
        scenario = load_genius(folder, as_of=AS_OF)
    assert [str(w.message) for w in caught] == [
        "candidate.xml, line 3: the weights sum to 1.2, above 1. GENIUS keeps them and caps a "
        "deal's utility at 1; peacetalks divides the weights by their sum and the reservation "
        "value 0.4 by it too (0.333333), so the same deals clear the reservation and deals "
        "rank as in GENIUS, except that deals GENIUS caps at 1 stay apart. Divide each weight "
        "by their sum to silence this."
    ]
    candidate = [a.id for a in scenario.actors].index("candidate")
    ours = _all_deals(scenario)[:, candidate]
    # GENIUS: min(1, 0.9 * salary / 10 + 0.3 * workdays / 10), deals in product order.
    salary, workdays = np.array([1.0, 3, 6, 10]) / 10, np.array([10.0, 7, 2]) / 10
    raw = (0.9 * salary[:, None] + 0.3 * workdays[None, :]).ravel()
    genius = np.minimum(raw, 1.0)
    np.testing.assert_allclose(ours, raw / 1.2, rtol=0, atol=1e-12)
    reservation = scenario.actors[candidate].reservation
    assert reservation == pytest.approx(0.4 / 1.2)
    np.testing.assert_array_equal(ours >= reservation - 1e-12, genius >= 0.4 - 1e-12)
    below_cap = genius < 1
    order = np.argsort(ours[below_cap], kind="stable")
    np.testing.assert_array_equal(np.diff(genius[below_cap][order]) >= -1e-12, True)


def test_genius_warnings_reach_the_command_line(tmp_path: Path) -> None:
    """Check that a lenient read prints its warning on stderr and keeps stdout JSON."""
    from typer.testing import CliRunner

    from peacetalks.cli import app

    folder = _job(tmp_path)
    _edit(folder / "candidate.xml", 'name="Salary"', 'name=" Salary"')
    result = CliRunner().invoke(app, ["show", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    message = (
        "candidate.xml, line 4: issue ' Salary' (index 1) is named 'Salary' in the "
        "domain file; read by its index, as GENIUS does. Remove the spaces from the name."
    )
    assert result.stderr.strip() == "warning: " + message
    # A script that reads only stdout sees the warning too.
    assert json.loads(result.stdout)["read_warnings"] == [message]
    clean = CliRunner().invoke(app, ["show", str(_job(tmp_path / "clean")), "--json"])
    assert clean.exit_code == 0, clean.output
    assert "read_warnings" not in json.loads(clean.stdout)
