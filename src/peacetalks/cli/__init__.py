"""The ``peacetalks`` command line (Typer).

``main`` answers ``--version`` without importing the commands; ``app`` (the Typer
application) is imported on first use.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from peacetalks import __version__

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line."""
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"peacetalks {__version__}\n")
        return
    from peacetalks.cli.commands import app as application

    application()


def __getattr__(name: str) -> Any:
    if name == "app":
        from peacetalks.cli.commands import app as application

        return application
    raise AttributeError(name)


app: typer.Typer
