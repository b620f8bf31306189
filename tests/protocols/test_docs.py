"""The examples of docs/protocols.md run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocols.md"


def test_docs_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Check that every Python block of docs/protocols.md runs and prints."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {"__name__": "docs_example"})
    assert "True" in capsys.readouterr().out
