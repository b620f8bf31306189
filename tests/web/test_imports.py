"""Importing scenarios from files: YAML, GENIUS (zip or files), KTAB SMP CSV and XML."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.formats import read_smp_csv
from peacetalks.scenario import parse_scenario
from peacetalks.web.imports import MAX_FILES, MAX_UNPACKED_BYTES
from tests.conftest import DATA
from tests.web.conftest import Api, new_id, small_text

runner = CliRunner()
HOLIDAY = DATA / "genius" / "holiday"
KTAB_XML = DATA / "ktab" / "smp" / "dummyData_3Dim.xml"

Files = list[tuple[str, tuple[str, bytes, str]]]


def _import(api: Api, files: Files, format: str = "auto", username: str = "ann") -> Any:
    with api.client(username) as client:
        return client.post("/api/scenarios/import", files=files, data={"format": format})


def _ktab_csv(name: str) -> str:
    return (
        f"{name},A test of the import, 3, 2,\n"
        "Actor,Description,Power,Policy Position,Policy Salience,Trade Position,Trade Salience,\n"
        "North,The north,100,20,50,80,40,\n"
        "South,The south,60,70,30,10,60,\n"
        "Broker Group,A broker,25,45,90,50,10,\n"
    )


def _genius_files() -> Files:
    return [
        ("files", (path.name, path.read_bytes(), "application/xml"))
        for path in sorted(HOLIDAY.glob("*.xml"))
    ]


def _without_dates(data: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if k not in ("as_of", "description")}
    data["sources"] = [{k: v for k, v in s.items() if k != "date"} for s in data["sources"]]
    return data


def test_yaml_upload_is_saved_as_sent(api: Api) -> None:
    """Check that a YAML file is saved byte for byte, owned by the uploader."""
    scenario_id = new_id("yaml")
    text = "# my notes\n" + small_text(scenario_id)
    response = _import(api, [("files", ("mine.yaml", text.encode(), "application/yaml"))])
    assert response.status_code == 201, response.text
    assert response.json()["owner"] == "ann"
    with api.client("ann") as ann:
        assert ann.get(f"/api/scenarios/{scenario_id}/yaml").text == text


def test_invalid_yaml_upload_names_the_file_and_line(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Check that an invalid file gives the CLI's message for a file of that name."""
    text = small_text(new_id("bad")).replace("salience: 0.6", "salience: 7", 1)
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    response = _import(api, [("files", ("../../bad.yaml", text.encode(), "text/yaml"))])
    assert response.status_code == 422
    monkeypatch.chdir(tmp_path)  # the CLI then labels the file 'bad.yaml' too
    expected = json.loads(runner.invoke(cli, ["validate", "bad.yaml", "--json"]).stdout)
    message = runner.invoke(cli, ["validate", "bad.yaml"]).stderr
    error = response.json()["error"]
    assert error["problems"] == expected["problems"]
    assert error["message"].startswith("bad.yaml, line ")
    assert " ".join(error["message"].split()) in " ".join(message.split())


def test_genius_files_are_imported_as_the_cli_reads_the_folder(api: Api) -> None:
    """Check that a GENIUS domain sent as files gives the scenario the CLI loads."""
    response = _import(api, _genius_files(), username="bob")
    assert response.status_code == 201, response.text
    assert response.json()["id"] == "holiday"
    with api.client("bob") as bob:
        saved = bob.get("/api/scenarios/holiday").json()
    shown = json.loads(runner.invoke(cli, ["show", str(HOLIDAY), "--json"]).stdout)
    assert _without_dates(saved["scenario"]) == _without_dates(shown)
    parse_scenario(saved["yaml"])  # the stored YAML is a valid scenario


def test_genius_zip_is_imported(api: Api) -> None:
    """Check that a zip of a domain folder (a folder inside, macOS litter) imports as read."""
    fruit = DATA / "genius" / "fruit"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(fruit.glob("*.xml")):
            archive.write(path, f"fruit/{path.name}")
        archive.writestr("__MACOSX/fruit/._party-a.xml", b"junk")
    response = _import(api, [("files", ("fruit.zip", buffer.getvalue(), "application/zip"))])
    assert response.status_code == 201, response.text
    assert response.json()["id"] == "fruit"
    with api.client("ann") as ann:
        saved = ann.get("/api/scenarios/fruit").json()["scenario"]
    shown = json.loads(runner.invoke(cli, ["show", str(fruit), "--json"]).stdout)
    assert _without_dates(saved) == _without_dates(shown)


def test_broken_genius_file_gives_the_clis_problem(api: Api, tmp_path: Path) -> None:
    """Check that a bad utility file is refused with the CLI's file, line and message."""
    folder = tmp_path / "domain"
    folder.mkdir()
    for path in HOLIDAY.glob("*.xml"):
        (folder / path.name).write_bytes(path.read_bytes())
    utility = folder / "party-a.xml"
    utility.write_text(
        utility.read_text(encoding="utf-8").replace('value="0.142"', 'value="abc"', 1),
        encoding="utf-8",
    )
    expected = json.loads(runner.invoke(cli, ["validate", str(folder), "--json"]).stdout)
    files: Files = [
        ("files", (p.name, p.read_bytes(), "application/xml")) for p in sorted(folder.glob("*"))
    ]
    response = _import(api, files, "genius")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["problems"] == expected["problems"]
    assert error["message"] == (
        "party-a.xml, line 18: the weight of issue 'Destination' is 'abc'; expected a finite "
        "number >= 0."
    )


def test_ktab_csv_becomes_a_scenario(api: Api) -> None:
    """Check that a KTAB SMP CSV becomes a scenario with the table's numbers."""
    name = new_id("ktab")
    text = _ktab_csv(name)
    response = _import(api, [("files", (f"{name}.csv", text.encode(), "text/csv"))])
    assert response.status_code == 201, response.text
    assert response.json()["id"] == name
    with api.client("ann") as ann:
        data = ann.get(f"/api/scenarios/{name}").json()["scenario"]
    assert [a["id"] for a in data["actors"]] == ["north", "south", "broker-group"]
    assert [a["capability"] for a in data["actors"]] == [100.0, 60.0, 25.0]
    assert [i["id"] for i in data["issues"]] == ["policy", "trade"]
    assert [o["position"] for o in data["issues"][0]["options"]] == list(range(0, 101, 10))
    broker = [p for p in data["positions"] if p["actor"] == "broker-group"]
    assert [(p["ideal"], p["salience"]) for p in broker] == [(45.0, 0.9), (50.0, 0.1)]


def test_ktab_scenario_forecasts_like_the_table(api: Api, tmp_path: Path) -> None:
    """Check that the imported scenario's compromise forecast equals the table's."""
    name = new_id("ktab-forecast")
    text = _ktab_csv(name)
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    table = read_smp_csv(path)
    assert table.n_actors == 3
    assert _import(api, [("files", (path.name, text.encode(), "text/csv"))]).status_code == 201
    with api.client("ann") as ann:
        run = ann.post(f"/api/scenarios/{name}/analyses/forecast?wait=true", json={})
    expected = json.loads(runner.invoke(cli, ["forecast", str(path), "--json"]).stdout)
    got = run.json()["results"]
    assert [round(i["forecast"], 9) for i in got["issues"]] == [
        round(i["forecast"], 9) for i in expected["issues"]
    ]


def test_ktab_xml_becomes_a_scenario(api: Api) -> None:
    """Check that a KTAB SMP XML file imports, naming its seed in the description."""
    content = KTAB_XML.read_bytes()
    response = _import(api, [("files", ("dummyData_3Dim.xml", content, "application/xml"))])
    assert response.status_code == 201, response.text
    with api.client("ada") as admin:
        data = admin.get("/api/scenarios/dummydata_3dim").json()["scenario"]
    assert len(data["issues"]) == 3
    assert "3707583219545544125" in data["description"]


@pytest.mark.parametrize(
    ("files", "format", "status", "message"),
    [
        ([], "auto", 422, "files: Field required"),
        ([("notes.txt", b"hello")], "auto", 400, "cannot tell the format of 'notes.txt'"),
        ([("a.yaml", b"id: a"), ("b.yaml", b"id: b")], "yaml", 400, "reads one file; 2 were"),
        ([("x.zip", b"not a zip")], "auto", 422, "not a readable zip archive"),
        ([("x.yaml", "é".encode("latin-1"))], "yaml", 422, "the file is not UTF-8 text."),
        ([("x.csv", b"a,b\n1,2\n")], "ktab-csv", 422, "x.csv"),
        ([("x.yaml", b"id: x")], "bogus", 422, "body.format"),
    ],
)
def test_bad_uploads(
    api: Api, files: list[tuple[str, bytes]], format: str, status: int, message: str
) -> None:
    """Check that unreadable uploads are refused with a message that says what is wrong."""
    sent: Files = [
        ("files", (name, content, "application/octet-stream")) for name, content in files
    ]
    if not sent:
        with api.client("ann") as ann:
            response = ann.post("/api/scenarios/import", data={"format": format})
    else:
        response = _import(api, sent, format)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]


def test_zip_bounds(api: Api) -> None:
    """Check that a zip with too many members or too many unpacked bytes is refused."""
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for k in range(MAX_FILES + 1):
            archive.writestr(f"f{k}.xml", b"<x/>")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    for content, message in (
        (many.getvalue(), f"the archive has more than {MAX_FILES} files"),
        (bomb.getvalue(), f"the archive unpacks to more than {MAX_UNPACKED_BYTES:,} bytes"),
    ):
        response = _import(api, [("files", ("d.zip", content, "application/zip"))])
        assert response.status_code == 422
        assert message in response.json()["error"]["message"]


def test_corrupt_zip_member_is_refused(api: Api) -> None:
    """Check that a member whose data is corrupt (bad CRC) is refused, not a server error."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("domain.xml", b"<negotiation_template>" + b"x" * 200)
    data = bytearray(buffer.getvalue())
    data[60] ^= 0xFF  # inside the stored data: the CRC no longer matches
    response = _import(api, [("files", ("d.zip", bytes(data), "application/zip"))])
    assert response.status_code == 422
    assert "cannot unpack 'domain.xml' from the archive" in response.json()["error"]["message"]


def test_imports_need_the_analyst_role(api: Api) -> None:
    """Check that viewers may not import and anonymous users must sign in."""
    files: Files = [("files", ("x.yaml", small_text(new_id()).encode(), "text/yaml"))]
    assert _import(api, files, username="vic").status_code == 403
    with api.client() as anonymous:
        assert anonymous.post("/api/scenarios/import", files=files).status_code == 401


def test_long_actor_names_sharing_64_characters_get_distinct_ids(tmp_path: Path) -> None:
    """Check the id-uniquing of an import ends when names share their first 64 characters."""
    from peacetalks.web.imports import scenario_from_table

    stem = "A" * 70
    path = tmp_path / "long-names.csv"
    path.write_text(
        'Long,"names",3,1,\n'
        "Actor,Description,Power,Pstn1,Sal1,\n"
        f"{stem}-one, x, 10, 10, 50,\n"
        f"{stem}-two, x, 10, 90, 50,\n"
        f"{stem}-three, x, 10, 50, 50,\n",
        encoding="utf-8",
    )
    scenario = scenario_from_table(read_smp_csv(path), label=path.name)
    ids = [a.id for a in scenario.actors]
    assert len(set(ids)) == 3
    assert all(len(i) <= 64 for i in ids)
