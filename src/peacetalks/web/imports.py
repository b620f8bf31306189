"""Scenarios from uploaded files: YAML, a GENIUS domain (zip or files), KTAB SMP CSV or XML.

Uploads are written into a private temporary folder under their base names only (never
a path from the client) and read with the same readers as the command line, so errors
carry the same messages, naming the uploaded file and line. A zip archive is bounded in
members and in unpacked size.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

import numpy as np

from peacetalks.errors import Problem, ScenarioError
from peacetalks.formats._ids import UniqueIds
from peacetalks.formats.genius import load_genius
from peacetalks.formats.smp_csv import read_smp_csv
from peacetalks.formats.smp_xml import is_smp_xml, read_smp_xml
from peacetalks.scenario.load import dump_scenario, parse_scenario, scenario_from_data
from peacetalks.scenario.models import Scenario
from peacetalks.scenario.stakeholders import StakeholderTable
from peacetalks.web.errors import MalformedRequestError

__all__ = [
    "FORMATS",
    "KTAB_OPTIONS",
    "MAX_FILES",
    "MAX_UNPACKED_BYTES",
    "ImportFormat",
    "Upload",
    "import_scenario",
    "safe_name",
    "scenario_from_table",
]

ImportFormat = Literal["auto", "yaml", "genius", "ktab-csv", "ktab-xml"]
FORMATS: tuple[str, ...] = ("auto", "yaml", "genius", "ktab-csv", "ktab-xml")
MAX_FILES = 100
MAX_UNPACKED_BYTES = 50_000_000
# The options of an issue imported from KTAB: every tenth point of its 0-100 scale.
KTAB_OPTIONS = tuple(range(0, 101, 10))
_NAME = re.compile(r"[^A-Za-z0-9_.() -]+")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as sent by the client, and its bytes."""

    filename: str
    content: bytes


def safe_name(filename: str, index: int = 1) -> str:
    """Return a safe base name: no folders, no odd characters, never empty or hidden."""
    base = PureWindowsPath(PurePosixPath(filename or "").name).name
    base = _NAME.sub("_", base).strip(" .")[:120]
    return base or f"upload-{index}"


def _fail(message: str, source: str | None = None) -> ScenarioError:
    return ScenarioError([Problem("", message)], source)


def _unzip(upload: Upload) -> list[Upload]:
    try:
        archive = zipfile.ZipFile(BytesIO(upload.content))
    except zipfile.BadZipFile:
        msg = "the file is not a readable zip archive. Zip the GENIUS domain folder again."
        raise _fail(msg, upload.filename) from None
    members: list[Upload] = []
    total = 0
    with archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if info.is_dir() or not name or name.startswith(".") or "__MACOSX" in info.filename:
                continue
            if len(members) >= MAX_FILES:
                msg = f"the archive has more than {MAX_FILES} files. Zip only the domain folder."
                raise _fail(msg, upload.filename)
            try:
                with archive.open(info) as member:
                    content = member.read(MAX_UNPACKED_BYTES - total + 1)
            except (RuntimeError, NotImplementedError, zipfile.BadZipFile, zlib.error) as e:
                # Encrypted members, unsupported compression, corrupt data.
                msg = f"cannot unpack {info.filename!r} from the archive: {e}. Zip it again."
                raise _fail(msg, upload.filename) from None
            total += len(content)
            if total > MAX_UNPACKED_BYTES:
                msg = (
                    f"the archive unpacks to more than {MAX_UNPACKED_BYTES:,} bytes. "
                    "Zip only the domain's XML files."
                )
                raise _fail(msg, upload.filename)
            members.append(Upload(name, content))
    if not members:
        raise _fail("the archive holds no files. Zip the GENIUS domain folder.", upload.filename)
    return members


def _write(folder: Path, uploads: Sequence[Upload]) -> list[Path]:
    paths: list[Path] = []
    for index, upload in enumerate(uploads, start=1):
        path = folder / safe_name(upload.filename, index)
        if path in paths:
            msg = (
                f"two uploaded files are named {path.name!r}. Give every file of a GENIUS "
                "domain its own name."
            )
            raise MalformedRequestError(msg)
        path.write_bytes(upload.content)
        paths.append(path)
    return paths


def _detect(uploads: Sequence[Upload], paths: list[Path]) -> ImportFormat:
    if len(uploads) > 1:
        return "genius"
    path = paths[0]
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".csv":
        return "ktab-csv"
    if suffix == ".xml":
        return "ktab-xml" if is_smp_xml(path) else "genius"
    msg = (
        f"cannot tell the format of {path.name!r} from its name. Name it .yaml (a scenario), "
        ".zip or several .xml files (a GENIUS domain), .csv or .xml (KTAB SMP), or give "
        "the format."
    )
    raise MalformedRequestError(msg)


def _slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_.-]+", "-", ascii_text.lower())
    slug = re.sub(r"^[^a-z0-9]+", "", slug)[:64].rstrip("-_.")
    return slug or fallback


def scenario_from_table(
    table: StakeholderTable,
    *,
    label: str,
    as_of: dt.date | None = None,
    note: str = "",
) -> Scenario:
    """Return a scenario made from a stakeholder table (a KTAB SMP input).

    Each dimension becomes an issue with an option at every tenth point of its scale;
    each actor keeps its capability, and its position (the ideal point) and salience on
    each dimension it takes part in. Nobody has a veto and every reservation is 0, as
    KTAB has neither; every figure names the file as its source.

    Parameters
    ----------
    table : StakeholderTable
    label : str
        The file name, named as the source.
    as_of : datetime.date, optional
        The scenario's date (default: today).
    note : str
        Added to the description.
    """
    today = as_of or dt.date.today()
    stem = Path(label).stem
    source = "ktab-input"
    actor_ids = UniqueIds()
    actors: list[dict[str, Any]] = []
    ids: list[str] = []
    for k, actor in enumerate(table.actor_ids):
        actor_id = actor_ids(_slug(actor, f"actor-{k + 1}"))
        ids.append(actor_id)
        name = table.notes[k].strip() if k < len(table.notes) and table.notes[k].strip() else actor
        actors.append(
            {
                "id": actor_id,
                "name": name[:200] or actor_id,
                "capability": float(table.capabilities[k]),
                "veto": bool(table.veto[k]),
                "source": source,
                "judgement": True,
                "note": (
                    f"Imported from KTAB ({actor}). The capability is KTAB's power; KTAB has "
                    "no veto and no reservation value, so there is none and it is 0."
                ),
            }
        )
    issue_ids = UniqueIds()
    issues: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    for i, dimension in enumerate(table.issue_ids):
        issue_id = issue_ids(_slug(dimension, f"dimension-{i + 1}"))
        low, high = (float(v) for v in table.scale[i])
        issues.append(
            {
                "id": issue_id,
                "name": dimension[:200] or issue_id,
                "scale": {
                    "low": f"{low:g} on the KTAB scale",
                    "high": f"{high:g} on the KTAB scale",
                },
                "options": [
                    {
                        "id": f"p{point}",
                        "label": f"{low + (high - low) * point / 100:g}",
                        "position": point,
                    }
                    for point in KTAB_OPTIONS
                ],
            }
        )
        span = high - low if high > low else 1.0
        for a, actor_id in enumerate(ids):
            value = float(table.positions[a, i])
            if np.isnan(value):
                continue
            positions.append(
                {
                    "actor": actor_id,
                    "issue": issue_id,
                    "ideal": min(100.0, max(0.0, 100.0 * (value - low) / span)),
                    "salience": min(1.0, max(0.0, float(table.saliences[a, i]))),
                    "source": source,
                }
            )
    title = table.name.strip() or stem
    data = {
        "id": _slug(stem, "ktab"),
        "title": title[:200],
        "as_of": today,
        "description": (
            f"Imported from the KTAB SMP input {label}: one issue per dimension (options at "
            "every tenth point of its scale), KTAB's power as capability. " + note
        ).strip(),
        "sources": [
            {
                "id": source,
                "author": "KTAB SMP input",
                "title": title[:200],
                "date": today.isoformat(),
                "address": label,
                "kind": "analysis",
            }
        ],
        "actors": actors,
        "issues": issues,
        "positions": positions,
    }
    return scenario_from_data(data, source=label)


def import_scenario(
    uploads: Sequence[Upload], format: ImportFormat = "auto"
) -> tuple[str, Scenario]:
    """Read uploaded files as a scenario; return its YAML text and the scenario.

    A YAML file is kept as sent; other formats are converted and dumped to YAML.

    Parameters
    ----------
    uploads : sequence of Upload
        One YAML, KTAB CSV or KTAB XML file; or a GENIUS domain as one zip archive or
        as its XML files (the domain file and one utility file per party).
    format : {"auto", "yaml", "genius", "ktab-csv", "ktab-xml"}
        ``auto`` tells the format by the files' names (and an XML file's root).

    Raises
    ------
    ScenarioError
        If the files are not a valid scenario; the message names the file and line.
    MalformedRequestError
        If no file is sent, too many, or the format cannot be told.
    """
    if not uploads:
        raise MalformedRequestError("No file was uploaded. Send the file as the 'files' field.")
    if len(uploads) > MAX_FILES:
        msg = f"{len(uploads)} files were uploaded; at most {MAX_FILES} are read."
        raise MalformedRequestError(msg)
    if len(uploads) == 1 and uploads[0].filename.lower().endswith(".zip"):
        uploads = _unzip(uploads[0])
        if format == "auto":
            format = "genius"
    with tempfile.TemporaryDirectory(prefix="peacetalks-import-") as tmp:
        folder = Path(tmp)
        paths = _write(folder, uploads)
        kind = _detect(uploads, paths) if format == "auto" else format
        if kind != "genius" and len(paths) > 1:
            msg = f"The {kind} format reads one file; {len(paths)} were uploaded."
            raise MalformedRequestError(msg)
        if kind == "yaml":
            try:
                text = uploads[0].content.decode("utf-8")
            except UnicodeDecodeError:
                raise _fail("the file is not UTF-8 text.", paths[0].name) from None
            return text, parse_scenario(text, source=paths[0].name)
        if kind == "genius":
            scenario = load_genius(folder, as_of=dt.date.today())
        elif kind == "ktab-csv":
            scenario = scenario_from_table(read_smp_csv(paths[0]), label=paths[0].name)
        else:
            smp = read_smp_xml(paths[0])
            note = (
                f"The file's SMP seed ({smp.seed}) and sub-models are not part of the "
                "scenario; forecast the file itself to run them."
            )
            scenario = scenario_from_table(smp.table, label=paths[0].name, note=note)
    return dump_scenario(scenario), scenario
