"""Scenarios through the API: list, read, create, update, versions, validation, sharing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.scenario import builtin_scenarios, resolve_scenario_path
from peacetalks.storage import open_store
from peacetalks.web import WebSettings
from peacetalks.web.app import seed_builtin_scenarios
from tests.conftest import DATA
from tests.web.conftest import MAX_BODY, Api, create, new_id, serving, small_text

runner = CliRunner()


def test_anonymous_list_shows_the_builtin_scenarios_only(api: Api) -> None:
    """Check that anonymous readers see every built-in scenario and no private one."""
    create(api, "ann", new_id("private"))
    with api.client() as client:
        listed = client.get("/api/scenarios").json()["scenarios"]
    assert [s["id"] for s in listed] == builtin_scenarios()
    first = listed[0]
    assert first["builtin"] is True
    assert first["owner"] is None
    assert first["can_edit"] is False
    assert first["url"] == f"/api/scenarios/{first['id']}"


def test_builtin_scenario_is_served_as_packaged(api: Api) -> None:
    """Check that a built-in scenario's YAML is the packaged file, byte for byte."""
    packaged = resolve_scenario_path("ukraine-2025").read_text(encoding="utf-8")
    with api.client() as client:
        document = client.get("/api/scenarios/ukraine-2025").json()
        raw = client.get("/api/scenarios/ukraine-2025/yaml")
    assert document["yaml"] == packaged
    assert document["scenario"]["id"] == "ukraine-2025"
    assert document["builtin"] is True
    assert raw.text == packaged
    assert raw.headers["content-type"].startswith("application/yaml")
    shown = runner.invoke(cli, ["show", "ukraine-2025", "--json"])
    assert document["scenario"] == json.loads(shown.stdout)


def test_create_makes_a_private_scenario(api: Api) -> None:
    """Check that a new scenario is its creator's, and 404 (not 403) for everyone else."""
    scenario_id = new_id("mine")
    text = small_text(scenario_id, "Ann's own")
    with api.client("ann") as ann, api.client("bob") as bob, api.client() as anonymous:
        created = ann.post("/api/scenarios", json={"yaml": text})
        assert created.status_code == 201
        assert created.json() == {
            "id": scenario_id,
            "name": scenario_id,
            "version": 1,
            "created": True,
            "title": "Ann's own",
            "owner": "ann",
            "url": f"/api/scenarios/{scenario_id}",
        }
        assert ann.get(f"/api/scenarios/{scenario_id}").json()["can_edit"] is True
        assert scenario_id in [s["id"] for s in ann.get("/api/scenarios").json()["scenarios"]]
        assert scenario_id not in [s["id"] for s in bob.get("/api/scenarios").json()["scenarios"]]
        hidden = bob.get(f"/api/scenarios/{scenario_id}")
        missing = bob.get("/api/scenarios/no-such-scenario")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["error"]["message"] == (
            f"No scenario {scenario_id!r} that you may read. List the scenarios you can read "
            "with GET /api/scenarios; sign in to see your own and those shared with you."
        )
        assert anonymous.get(f"/api/scenarios/{scenario_id}").status_code == 404
        for path in (
            "/versions",
            "/yaml",
            "/shares",
            "/agreements/a/events",
            "/agreements/a/track",
        ):
            assert bob.get(f"/api/scenarios/{scenario_id}{path}").status_code == 404, path
        put = bob.put(f"/api/scenarios/{scenario_id}", json={"yaml": text})
        assert put.status_code == 404
        share = bob.post(f"/api/scenarios/{scenario_id}/shares", json={"username": "bob"})
        assert share.status_code == 404
        run = bob.post(
            f"/api/scenarios/{scenario_id}/analyses/evaluate", json={"deal": {"border": "half"}}
        )
        assert run.status_code == 404


def test_admins_read_every_scenario(api: Api) -> None:
    """Check that an admin reads someone's private scenario and may change it."""
    scenario_id = new_id("admin-reads")
    create(api, "ann", scenario_id)
    with api.client("ada") as admin:
        document = admin.get(f"/api/scenarios/{scenario_id}").json()
    assert document["owner"] == "ann"
    assert document["can_edit"] is True


def test_ids_are_per_owner(api: Api) -> None:
    """Check that only the user's own id and built-in ids conflict; another's private id does not.

    Creating the id of someone else's private scenario answers exactly as a free id
    would (201, the creator's own scenario), so it tells nothing of the other one.
    """
    scenario_id = new_id("taken")
    free_id = new_id("free")
    anns = create(api, "ann", scenario_id)
    path = f"/api/scenarios/{scenario_id}"
    with api.client("ann") as ann, api.client("bob") as bob:
        again = ann.post("/api/scenarios", json={"yaml": anns})
        assert again.status_code == 409
        assert again.json()["error"]["type"] == "ConflictError"
        assert "You have a scenario with the id" in again.json()["error"]["message"]
        bobs = small_text(scenario_id, "Bob's own")
        over_private = bob.post("/api/scenarios", json={"yaml": bobs})
        free = bob.post("/api/scenarios", json={"yaml": small_text(free_id, "Bob's own")})
        assert over_private.status_code == free.status_code == 201
        shape = {k: v for k, v in over_private.json().items() if k not in {"id", "name", "url"}}
        assert shape == {k: v for k, v in free.json().items() if k not in {"id", "name", "url"}}
        assert over_private.json()["id"] == scenario_id
        assert over_private.json()["url"] == path
        # Each reads and changes their own under the same id.
        assert (
            ann.get(path).json()["scenario"]["title"] != bob.get(path).json()["scenario"]["title"]
        )
        assert bob.get(path).json()["owner"] == "bob"
        assert ann.get(path).json()["owner"] == "ann"
        changed = bob.put(path, json={"yaml": small_text(scenario_id, "Bob's second")})
        assert changed.json()["version"] == 2
        assert ann.get(f"{path}/versions").json()["versions"][-1]["version"] == 1
        # A share makes ann's readable to bob by its owner-qualified reference.
        ann.post(f"{path}/shares", json={"username": "bob"})
        qualified = bob.get(f"{path}~ann")
        assert qualified.status_code == 200
        assert qualified.json()["id"] == f"{scenario_id}~ann"
        assert qualified.json()["scenario"]["title"] != bob.get(path).json()["scenario"]["title"]
        listed = {s["id"]: s for s in bob.get("/api/scenarios").json()["scenarios"]}
        assert listed[scenario_id]["owner"] == "bob"
        assert listed[f"{scenario_id}~ann"]["owner"] == "ann"
        assert listed[f"{scenario_id}~ann"]["url"] == f"{path}~ann"
        builtin = bob.post(
            "/api/scenarios",
            json={"yaml": resolve_scenario_path("ukraine-2025").read_text(encoding="utf-8")},
        )
    assert builtin.status_code == 409
    assert "the id of a built-in scenario" in builtin.json()["error"]["message"]


def test_an_admin_names_each_owners_scenario(api: Api) -> None:
    """Check that an admin, who reads both users' scenarios of one id, is asked which."""
    scenario_id = new_id("twice")
    create(api, "ann", scenario_id)
    create(api, "bob", scenario_id)
    with api.client("ada") as admin:
        ambiguous = admin.get(f"/api/scenarios/{scenario_id}")
        assert ambiguous.status_code == 409
        message = ambiguous.json()["error"]["message"]
        assert f"{scenario_id}~ann" in message
        assert f"{scenario_id}~bob" in message
        assert admin.get(f"/api/scenarios/{scenario_id}~bob").json()["owner"] == "bob"
        ids = [s["id"] for s in admin.get("/api/scenarios").json()["scenarios"]]
    assert {f"{scenario_id}~ann", f"{scenario_id}~bob"} <= set(ids)
    assert scenario_id not in ids


def test_sharing_with_a_user_and_with_everyone(api: Api) -> None:
    """Check that shares grant reading (not writing) and can be withdrawn."""
    scenario_id = new_id("shared")
    text = create(api, "ann", scenario_id)
    path = f"/api/scenarios/{scenario_id}"
    with api.client("ann") as ann, api.client("bob") as bob, api.client("vic") as vic:
        shared = ann.post(f"{path}/shares", json={"username": "bob"})
        assert shared.json() == {"id": scenario_id, "everyone": False, "users": ["bob"]}
        assert bob.get(path).status_code == 200
        assert bob.get(path).json()["can_edit"] is False
        refused = bob.put(path, json={"yaml": text})
        assert refused.status_code == 403
        assert refused.json()["error"]["message"] == (
            f"You may not change scenario {scenario_id!r}: it belongs to 'ann'. Save a copy of "
            "your own with POST /api/scenarios."
        )
        assert bob.get(f"{path}/shares").status_code == 403
        assert vic.get(path).status_code == 404
        everyone = ann.post(f"{path}/shares", json={"username": None})
        assert everyone.json() == {"id": scenario_id, "everyone": True, "users": ["bob"]}
        assert vic.get(path).status_code == 200
        with httpx.Client(base_url=api.url) as anonymous:
            assert anonymous.get(path).status_code == 404  # everyone signed in, not the public
        withdrawn = ann.delete(f"{path}/shares/*")
        assert withdrawn.json()["everyone"] is False
        assert vic.get(path).status_code == 404
        ann.delete(f"{path}/shares/bob")
        assert bob.get(path).status_code == 404
        unknown = ann.post(f"{path}/shares", json={"username": "no-such-user"})
        assert unknown.status_code == 404


def test_versions(api: Api) -> None:
    """Check that an update makes version 2, an unchanged text none, and both are readable."""
    scenario_id = new_id("versions")
    first = create(api, "ann", scenario_id)
    second = small_text(scenario_id, "Second title")
    path = f"/api/scenarios/{scenario_id}"
    with api.client("ann") as ann:
        updated = ann.put(path, json={"yaml": second})
        assert updated.status_code == 200
        assert (updated.json()["version"], updated.json()["created"]) == (2, True)
        same = ann.put(path, json={"yaml": second})
        assert (same.json()["version"], same.json()["created"]) == (2, False)
        versions = ann.get(f"{path}/versions").json()["versions"]
        assert [v["version"] for v in versions] == [1, 2]
        assert versions[0]["url"] == f"{path}?version=1"
        assert ann.get(path, params={"version": 1}).json()["yaml"] == first
        assert ann.get(path).json()["yaml"] == second
        assert ann.get(f"{path}/yaml", params={"version": 1}).text == first
        missing = ann.get(path, params={"version": 9})
        assert missing.status_code == 404
        assert missing.json()["error"]["message"].startswith(
            f"Scenario {scenario_id!r} has no version 9; its versions are 1 to 2."
        )


def test_if_match_refuses_to_overwrite_an_unseen_version(api: Api) -> None:
    """Check that a PUT with If-Match saves only over the version it names (412 otherwise)."""
    scenario_id = new_id("ifmatch")
    create(api, "ann", scenario_id)
    path = f"/api/scenarios/{scenario_id}"
    with api.client("ann") as ann:
        seen = ann.get(path).json()["sha256"]
        second = ann.put(
            path,
            json={"yaml": small_text(scenario_id, "Second")},
            headers={"If-Match": f'"{seen}"'},
        )
        assert second.status_code == 200
        assert second.json()["version"] == 2
        stale = ann.put(
            path, json={"yaml": small_text(scenario_id, "Lost")}, headers={"If-Match": seen}
        )
        assert stale.status_code == 412
        assert stale.json()["error"]["type"] == "PreconditionFailedError"
        assert "got version 2" in stale.json()["error"]["message"]
        assert ann.get(path).json()["scenario"]["title"] == "Second"
        without = ann.put(path, json={"yaml": small_text(scenario_id, "Third")})
        assert without.json()["version"] == 3  # no If-Match: the newest is replaced


def test_update_must_keep_the_id(api: Api) -> None:
    """Check that a PUT whose text has another id is refused with the line of the id."""
    scenario_id = new_id("keep")
    create(api, "ann", scenario_id)
    with api.client("ann") as ann:
        response = ann.put(f"/api/scenarios/{scenario_id}", json={"yaml": small_text("other")})
    assert response.status_code == 422
    problem = response.json()["error"]["problems"][0]
    assert (problem["path"], problem["line"]) == ("id", 1)


def test_builtin_scenarios_are_changed_by_admins_only(api: Api) -> None:
    """Check that analysts get 403 on a built-in scenario and an admin may save it."""
    text = resolve_scenario_path("ukraine-2025-02").read_text(encoding="utf-8")
    with api.client("ann") as ann, api.client("ada") as admin:
        refused = ann.put("/api/scenarios/ukraine-2025-02", json={"yaml": text})
        saved = admin.put("/api/scenarios/ukraine-2025-02", json={"yaml": text})
    assert refused.status_code == 403
    assert "it is built in" in refused.json()["error"]["message"]
    assert saved.status_code == 200
    assert saved.json()["created"] is False


BROKEN = {
    "bad-salience": ("salience: 0.6", "salience: 1.6"),
    "unknown-actor": ("{actor: south, issue: trade", "{actor: nobody, issue: trade"),
    "bad-yaml": ("title: A small test negotiation", "title: [unclosed"),
    "unknown-key": ("as_of: 2025-06-01", "as_of: 2025-06-01\ncolour: blue"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validation_problems_are_the_clis(
    api: Api, tmp_path: Path, small_path: Path, case: str
) -> None:
    """Check that validate and create give the CLI's problems: path, line and message."""
    old, new = BROKEN[case]
    original = small_path.read_text(encoding="utf-8")
    assert old in original
    text = original.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path), "--json"])
    assert result.exit_code == 1
    expected: dict[str, Any] = json.loads(result.stdout)
    assert expected["valid"] is False
    assert expected["problems"]
    with api.client("ann") as ann:
        validated = ann.post("/api/scenarios/validate", json={"yaml": text, "filename": str(path)})
        created = ann.post("/api/scenarios", json={"yaml": text, "filename": str(path)})
    assert validated.status_code == 200
    assert validated.json() == expected
    assert created.status_code == 422
    error = created.json()["error"]
    assert error["type"] == "ScenarioError"
    assert error["problems"] == expected["problems"]
    message = runner.invoke(cli, ["validate", str(path)]).stderr
    assert " ".join(error["message"].split()) in " ".join(message.split())


def test_validate_accepts_a_valid_scenario(api: Api, small_text: str) -> None:
    """Check that a valid text answers valid with its id."""
    with api.client("vic") as vic:
        response = vic.post("/api/scenarios/validate", json={"yaml": small_text})
    assert response.json() == {"valid": True, "id": "small", "problems": []}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "type_name"),
    [
        (b"{not json", "application/json", 400, "MalformedRequestError"),
        (b"[1, 2]", "application/json", 422, "RequestValidationError"),
        (b'{"yaml": 3}', "application/json", 422, "RequestValidationError"),
        (b'{"yaml": "id: x", "colour": 1}', "application/json", 422, "RequestValidationError"),
        (b"id: x", "text/plain", 422, "RequestValidationError"),
    ],
)
def test_malformed_requests(
    api: Api, body: bytes, content_type: str, status: int, type_name: str
) -> None:
    """Check that malformed bodies answer 400/422 in the one error shape."""
    with api.client("ann") as ann:
        response = ann.post("/api/scenarios", content=body, headers={"content-type": content_type})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["type"] == type_name
    assert error["message"]


def test_malformed_json_names_the_position(api: Api) -> None:
    """Check the message of a malformed JSON body."""
    with api.client("ann") as ann:
        response = ann.post(
            "/api/scenarios", content=b'{"yaml": }', headers={"content-type": "application/json"}
        )
    assert response.json()["error"]["message"] == (
        "The request body is not valid JSON: Expecting value at character 9. Send a JSON "
        "document with Content-Type: application/json."
    )


def test_validation_error_lists_fields(api: Api) -> None:
    """Check that pydantic's problems become path/message entries."""
    with api.client("ann") as ann:
        response = ann.post("/api/scenarios", json={"filename": 3})
    error = response.json()["error"]
    assert response.status_code == 422
    assert [p["path"] for p in error["problems"]] == ["body.yaml", "body.filename"]
    assert error["message"].startswith("The request has 2 problems:\n  - body.yaml: Field required")


def test_too_large_body_is_refused_from_its_declared_length(api: Api) -> None:
    """Check that a Content-Length above the limit answers 413 before the body is read."""
    body = json.dumps({"yaml": "x" * MAX_BODY}).encode()
    with api.client("ann") as ann:
        response = ann.post(
            "/api/scenarios", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "type": "PayloadTooLargeError",
            "message": f"The request body is larger than the limit of {MAX_BODY:,} bytes. Send "
            "a smaller body (a smaller scenario or file), or ask the administrator to raise the "
            "limit.",
        }
    }
    assert response.headers["x-content-type-options"] == "nosniff"


def test_too_large_streamed_body_is_refused_as_it_arrives(api: Api) -> None:
    """Check that a chunked body (no Content-Length) is counted and refused past the limit."""
    chunk = b" " * 65_536

    def chunks() -> Iterator[bytes]:
        yield b'{"yaml": "'
        for _ in range(MAX_BODY // len(chunk) + 4):
            yield chunk
        yield b'"}'

    with api.client("ann") as ann:
        response = ann.post(
            "/api/scenarios", content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "PayloadTooLargeError"
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"


def test_restart_keeps_an_admins_version_of_a_builtin_scenario(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Check that seeding the built-in scenarios never undoes an admin's newer version."""
    data = str(tmp_path_factory.mktemp("seed"))
    packaged = resolve_scenario_path("ukraine-2025-02").read_text(encoding="utf-8")
    edited = packaged.replace("\ntitle: ", "\ntitle: Edited - ", 1)
    assert edited != packaged
    with serving(WebSettings(db=data)) as server:
        store = server.app.state.store
        assert [v.number for v in store.scenario_versions("ukraine-2025-02")] == [1]
        store.save_scenario(edited)
    with serving(WebSettings(db=data)) as server:
        store = server.app.state.store
        assert [v.number for v in store.scenario_versions("ukraine-2025-02")] == [1, 2]
        assert store.scenario_text("ukraine-2025-02") == edited
        assert store.scenario_owner("ukraine-2025-02") is None
        assert seed_builtin_scenarios(store) == []


def test_seeding_skips_a_builtin_id_a_user_owns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Check that a user's scenario with a built-in id is neither changed nor taken over."""
    with open_store(tmp_path) as store:
        store.accounts.create_user("ann", "correct horse battery staple", "analyst")
        store.save_scenario(small_text("ukraine-2025-06"), owner="ann")
        saved = seed_builtin_scenarios(store)
        assert saved == [i for i in builtin_scenarios() if i != "ukraine-2025-06"]
        assert store.scenario_owner("ukraine-2025-06") == "ann"
        assert len(store.scenario_versions("ukraine-2025-06")) == 1
    assert "the built-in scenario 'ukraine-2025-06' is not saved: 'ann' owns" in caplog.text


def test_lint_answers_what_the_cli_prints(api: Api, small_text: str) -> None:
    """Check POST /lint on a text and GET /{id}/lint on a built-in against peacetalks lint."""
    from peacetalks.scenario.lint import lint

    clean = (DATA / "lint" / "clean.yaml").read_text(encoding="utf-8")
    with api.client("vic") as vic:
        ok = vic.post("/api/scenarios/lint", json={"yaml": clean, "filename": "clean.yaml"})
        small = vic.post("/api/scenarios/lint", json={"yaml": small_text})
        builtin = vic.get("/api/scenarios/ukraine-2025/lint")
    assert ok.status_code == 200
    assert ok.json() == {"problems": [], "errors": 0, "warnings": 0}
    document = small.json()
    assert document["errors"] == 5
    assert {p["code"] for p in document["problems"]} == {"term-missing", "stated-source-no-actor"}
    assert document["problems"][0]["file"] == "scenario.yaml"
    assert builtin.status_code == 200
    expected = [p.to_dict() for p in lint(["ukraine-2025"])]
    assert builtin.json()["problems"] == expected


def test_lint_of_a_text_is_bounded_and_reports_what_does_not_load(api: Api) -> None:
    """Check POST /lint: an invalid text's load errors, and that it needs a sign-in."""
    from peacetalks.scenario.lint import lint_texts

    broken = (DATA / "lint" / "invalid.yaml").read_text(encoding="utf-8")
    later = (DATA / "lint" / "series-option-changed.yaml").read_text(encoding="utf-8")
    with api.client("vic") as vic:
        invalid = vic.post("/api/scenarios/lint", json={"yaml": broken, "filename": "x.yaml"})
        alone = vic.post("/api/scenarios/lint", json={"yaml": later})
    with api.client() as anonymous:
        refused = anonymous.post("/api/scenarios/lint", json={"yaml": broken})
    assert invalid.status_code == 200
    assert invalid.json() == {
        "problems": [
            {
                "file": "x.yaml",
                "line": 40,
                "field": "positions[0].salience",
                "code": "invalid",
                "severity": "error",
                "message": "salience 7 is outside [0, 1]. Use a weight between 0 and 1.",
            }
        ],
        "errors": 1,
        "warnings": 0,
    }
    # One text has no series to compare with: a changed option is found only beside its
    # predecessor (the CLI with both files).
    assert alone.json()["problems"] == [p.to_dict() for p in lint_texts([("scenario.yaml", later)])]
    assert alone.json()["problems"] == []
    assert refused.status_code == 401
