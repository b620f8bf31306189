"""Mutated files: every loader gives a valid result or a clean error, never a crash (issue 18).

Each case starts from a real file shipped with the tests, applies random edits (spans cut,
repeated or overwritten; tokens that broke loaders before, such as ``nan``, ``1e308``, a
tab, a NUL, a bare colon or comma, an alias), writes it, and reads it with the loader a
user's command uses. Anything but a result or a :class:`PeacetalksError` fails the test,
and each example has a generous deadline so that a loader that hangs or goes quadratic
on a mutated file is caught too.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetalks.errors import FileFormatWarning, PeacetalksError
from peacetalks.formats.bdm_csv import read_bdm_csv
from peacetalks.formats.deu import read_deu
from peacetalks.formats.events import read_events
from peacetalks.formats.genius import load_genius
from peacetalks.formats.smp_csv import read_smp_csv
from peacetalks.formats.smp_xml import read_smp_xml
from peacetalks.scenario import load_scenario

DATA = Path(__file__).resolve().parents[1] / "data"

TOKENS = [
    b"nan",
    b"inf",
    b"-1",
    b"1e308",
    b"9" * 40,
    b"\t",
    b"\x00",
    b": ",
    b", ",
    b"{",
    b"]",
    b"&a ",
    b"*a",
    b'"',
    b"<",
    b"/>",
    b"&amp;",
    b"\xff",
    b"\r",
    b"\n- ",
    b"2025-13-45",
    b"",
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """Return ``original`` with one to four random edits."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        n = len(data)
        start = draw(st.integers(0, n))
        end = draw(st.integers(start, min(n, start + 200)))
        kind = draw(st.sampled_from(["cut", "repeat", "token", "bytes"]))
        if kind == "cut":
            del data[start:end]
        elif kind == "repeat":
            data[end:end] = data[start:end] * draw(st.integers(1, 5))
        elif kind == "token":
            data[start:end] = draw(st.sampled_from(TOKENS))
        else:
            data[start:end] = draw(st.binary(min_size=0, max_size=12))
    return bytes(data)


def _events(path: Path) -> Any:
    return read_events(path, actors=[("russia", "Russia"), ("ukraine", "Ukraine")])


def _genius(path: Path) -> Any:
    return load_genius(path, as_of=dt.date(2025, 1, 1))


# (case, the file mutated, the loader on the mutated copy, other files copied beside it)
CASES: list[tuple[str, Path, Callable[[Path], Any], list[Path]]] = [
    ("scenario-yaml", DATA / "small.yaml", load_scenario, []),
    ("ktab-csv", DATA / "ktab/smp/SOE-Policy.csv", read_smp_csv, []),
    ("ktab-xml", DATA / "ktab/smp/dummyData_3Dim.xml", read_smp_xml, []),
    ("bdm-csv", DATA / "bdm/Sultan_BDM1997_jmckib.csv", read_bdm_csv, []),
    ("deu-csv", DATA / "deu/deu3_blksv.csv", read_deu, []),
    (
        "genius-domain",
        DATA / "genius/fruit/fruit-domain.xml",
        _genius,
        [DATA / "genius/fruit/party-a.xml", DATA / "genius/fruit/party-b.xml"],
    ),
    (
        "genius-utility",
        DATA / "genius/fruit/party-a.xml",
        lambda path: _genius(path.parent / "fruit-domain.xml"),
        [DATA / "genius/fruit/fruit-domain.xml", DATA / "genius/fruit/party-b.xml"],
    ),
]

EVENTS_CSV = (
    b"date,provision,party,kind,level,count,source,note\n"
    b"2026-01-10,p1,russia,violation,,3,monitors,shelling reported\n"
    b"2026-01-11,p1,ukraine,step,2,1,monitors,withdrawal completed\n"
)
ACLED_CSV = (
    b"event_date,event_type,sub_event_type,actor1,actor2,admin1,fatalities\n"
    b"2026-01-10,Battles,Armed clash,Military Forces of Russia,Military Forces of Ukraine,"
    b"Donetsk,4\n"
)


def _check(load: Callable[[Path], Any], path: Path) -> None:
    message = None
    try:
        with warnings.catch_warnings():
            # Read leniently as GENIUS or KTAB would, with a warning: a valid result.
            warnings.simplefilter("ignore", FileFormatWarning)
            load(path)
    except PeacetalksError as e:
        message = str(e)
    assert message is None or message.strip(), "an error must say something"


FUZZ = settings(
    max_examples=int(os.environ.get("PEACETALKS_FUZZ_EXAMPLES", "200")),
    derandomize="PEACETALKS_FUZZ_EXAMPLES" not in os.environ,
    deadline=dt.timedelta(seconds=20),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize(("name", "source", "load", "beside"), CASES, ids=[c[0] for c in CASES])
def test_mutated_file_reads_or_fails_cleanly(
    name: str, source: Path, load: Callable[[Path], Any], beside: list[Path]
) -> None:
    """Check each mutated file gives a result or a PeacetalksError."""

    @FUZZ
    @given(mutated(source.read_bytes()))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for other in beside:
                shutil.copy(other, folder / other.name)
            path = folder / source.name
            path.write_bytes(data)
            _check(load, path)

    check()


@pytest.mark.parametrize("original", [EVENTS_CSV, ACLED_CSV], ids=["events-csv", "acled-csv"])
def test_mutated_events_read_or_fail_cleanly(original: bytes) -> None:
    """Check mutated event files give events or a PeacetalksError."""

    @FUZZ
    @given(mutated(original))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "events.csv"
            path.write_bytes(data)
            _check(_events, path)

    check()


def test_the_loaders_read_their_unmutated_files() -> None:
    """Check every seed file reads as it is (the mutations start from valid files)."""
    for _, source, load, beside in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for other in [source, *beside]:
                shutil.copy(other, folder / other.name)
            assert load(folder / source.name) is not None
