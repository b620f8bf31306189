"""docs/web.md documents every endpoint of the API and every option of ``peacetalks serve``."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from typer.testing import CliRunner

from peacetalks.cli import app as cli
from peacetalks.web import api
from peacetalks.web.runners import KINDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_endpoint_is_documented() -> None:
    """Check that each method and path of the schema appears in docs/web.md."""
    application = FastAPI()
    application.include_router(api.router, prefix="/api")
    documented = {
        (method, _normal(path))
        for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s\[?]+)", DOC)
    }
    missing = []
    for path, operations in application.openapi()["paths"].items():
        for method in operations:
            key = (method.upper(), _normal(path))
            kind = path.rsplit("/", 1)[1]
            generic = (method.upper(), _normal(path.rsplit("/", 1)[0]) + "/{}")
            if key in documented or (kind in KINDS and generic in documented):
                continue
            missing.append(f"{method.upper()} {path}")
    assert missing == []
    for kind in KINDS:
        assert f"| `{kind}` | `peacetalks " in DOC


def test_every_serve_option_is_documented() -> None:
    """Check that each option of 'peacetalks serve --help' is in the options table."""
    help_text = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=200).stdout
    options = set(re.findall(r"(--[a-z-]+)", help_text)) - {"--help"}
    assert options
    assert sorted(o for o in options if f"| `{o}` |" not in DOC) == []
