"""The ``peacetalks`` command line (Typer).

``main`` answers ``--version`` without importing the commands; ``app`` (the Typer
application) is imported on first use.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from peacetalks import __version__

if TYPE_CHECKING:
    import typer

__all__ = ["app", "main"]


# NumPy's BLAS starts a thread pool on import that costs about 65 ms of CPU per command
# on two cores; peacetalks does no BLAS-heavy algebra, so the command line asks for one
# thread unless the user has chosen otherwise (these variables are read at NumPy's import).
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main() -> None:
    """Run the command line."""
    if "numpy" not in sys.modules:
        for variable in _ONE_THREAD:
            os.environ.setdefault(variable, "1")
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
