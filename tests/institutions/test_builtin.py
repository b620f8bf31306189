"""Built-in bodies and body files."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetalks.errors import NotFoundError, ScenarioError
from peacetalks.institutions import builtin_bodies, builtin_body, load_body, parse_body

ROOT = Path(__file__).resolve().parents[2]

BUILTINS = [
    "eu-council-qmv",
    "eu-council-unanimity",
    "russia-federal-assembly",
    "ukraine-referendum",
    "unsc",
    "us-senate",
    "verkhovna-rada",
]


def test_builtin_ids() -> None:
    """Check the list of built-in bodies."""
    assert builtin_bodies() == BUILTINS


@pytest.mark.parametrize("body_id", BUILTINS)
def test_builtin_body_cites_its_sources(body_id: str) -> None:
    """Check that every built-in is valid, names a source it carries, and has a note."""
    document = builtin_body(body_id)
    body = document.body
    assert body.id == body_id
    assert body.name
    assert body.note
    assert body.rule is not None
    assert body.source in {s.id for s in document.sources}
    assert all(s.note for s in document.sources)


def test_unsc_maps_the_permanent_members_to_actor_ids() -> None:
    """Check the Council's fifteen members, the five vetoes and their actor ids."""
    body = builtin_body("unsc").body
    assert len(body.members) == 15
    vetoes = {m.actor for m in body.members if m.veto}
    assert vetoes == {"united-states", "russia", "china", "uk", "france"}
    elected = {m.name for m in body.members if not m.veto}
    assert elected == {
        "Algeria",
        "Denmark",
        "Greece",
        "Guyana",
        "Pakistan",
        "Panama",
        "Republic of Korea",
        "Sierra Leone",
        "Slovenia",
        "Somalia",
    }


def test_eu_bodies_have_the_27_member_states() -> None:
    """Check both EU Council bodies: the same 27 states, populations for QMV, follow 'eu'."""
    qmv = builtin_body("eu-council-qmv").body
    unanimity = builtin_body("eu-council-unanimity").body
    assert [m.id for m in qmv.members] == [m.id for m in unanimity.members]
    assert len(qmv.members) == 27
    assert sum(m.population or 0 for m in qmv.members) == 449_206_200
    assert qmv.follow == unanimity.follow == "eu"
    assert all(m.actor == m.id for m in qmv.members)
    assert qmv.rule is not None
    assert (qmv.rule.members_share, qmv.rule.population_share) == (0.55, 0.65)
    assert qmv.rule.blocking_minority == 4


def test_parliaments_and_follow_actors() -> None:
    """Check the Rada (450 seats), the Senate (100) and whom they follow."""
    rada = builtin_body("verkhovna-rada").body
    assert sum(m.weight for m in rada.members) == 450
    assert rada.follow == "ukraine"
    senate = builtin_body("us-senate").body
    assert sum(m.weight for m in senate.members) == 100
    assert senate.follow == "united-states"
    assert builtin_body("russia-federal-assembly").body.follow == "russia"
    assert builtin_body("ukraine-referendum").body.follow == "ukraine"


def test_load_body_from_file_bare_and_wrapped(tmp_path: Path) -> None:
    """Check that a body file may hold the body alone or with its sources."""
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        "id: trio\nname: Trio\nrule: {kind: majority, basis: weight}\n"
        "members:\n  - {id: a, weight: 2}\n  - {id: b}\n  - {id: c}\n",
        encoding="utf-8",
    )
    document = load_body(bare)
    assert [m.id for m in document.body.members] == ["a", "b", "c"]
    assert document.sources == ()
    assert load_body("unsc").body.id == "unsc"


BODY_FILE = "id: trio\nname: Trio\nrule: {kind: majority, basis: weight}\nmembers:\n  - {id: a, weight: 2}\n  - {id: b}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BODY_FILE.replace("weight: 2", "weight: -2"),
            "t.yaml, line 5, members[0].weight: weight -2 is outside [0, 1e9]. Give a weight "
            "of 0 or more, such as a number of seats.",
        ),
        (
            BODY_FILE.replace("{id: b}", "{id: a}"),
            "t.yaml, line 6, members[1].id: duplicate member id 'a' (first at "
            "members[0].id). Give each member its own id.",
        ),
        (
            BODY_FILE.replace("name: Trio\n", "name: Trio\nchair: a\n"),
            "t.yaml, line 3, chair: unknown key 'chair'. Allowed keys here: id, name, "
            "builtin, members, rule, source, follow, default_vote, actors, votes, positions, "
            "electorate, note. "
            "Check the spelling or remove it.",
        ),
        (
            "sources: []\nbody:\n  id: x\n  name: X\n  source: nowhere\n  rule: unanimity\n"
            "  members: [a]\n",
            "t.yaml, line 5, body.source: unknown source 'nowhere': the scenario defines "
            "none. Add it.",
        ),
        ("- a\n", "t.yaml, line 1: expected a mapping with the keys of one body, got a list."),
    ],
)
def test_body_file_errors(text: str, message: str) -> None:
    """Check the messages for mistakes in a body file, with line and field."""
    with pytest.raises(ScenarioError) as info:
        parse_body(text, source="t.yaml")
    assert str(info.value) == message


def test_unknown_body_name() -> None:
    """Check that an unknown body names the built-in ones."""
    with pytest.raises(NotFoundError) as info:
        load_body("unsc-1946")
    assert str(info.value) == (
        "no body 'unsc-1946': no such file, and no built-in body has that id. Built-in "
        "bodies: " + ", ".join(BUILTINS) + "."
    )


def test_institutions_doc_names_every_body_field() -> None:
    """Check that docs/institutions.md mentions every field of the body records."""
    from peacetalks.institutions.ratification import BASES
    from peacetalks.scenario.bodies import Body, ElectorateCase, Member, MemberPosition, Rule

    doc = (ROOT / "docs" / "institutions.md").read_text(encoding="utf-8")
    missing = [
        f"{model.__name__}.{field}"
        for model in (Body, Member, Rule, MemberPosition, ElectorateCase)
        for field in model.model_fields
        if f"`{field}`" not in doc
    ]
    assert missing == []
    assert all(f"`{body_id}`" in doc for body_id in BUILTINS)
    assert [basis for basis in BASES if f"| `{basis}` |" not in doc] == []


def test_institutions_package_all_is_sorted_and_complete() -> None:
    """Check that peacetalks.institutions.__all__ is sorted and names real objects."""
    import peacetalks.institutions as package

    assert package.__all__ == sorted(package.__all__)
    assert all(hasattr(package, name) for name in package.__all__)


def test_institutions_doc_examples_run() -> None:
    """Check that every Python example of docs/institutions.md runs."""
    import contextlib
    import io
    import re

    doc = (ROOT / "docs" / "institutions.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.DOTALL)
    assert len(blocks) == 2
    for block in blocks:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, "institutions.md", "exec"), {})
