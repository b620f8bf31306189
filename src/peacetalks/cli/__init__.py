"""The ``peacetalks`` command line (Typer).

``main`` answers ``--version`` without importing the commands; ``app`` (the Typer
application) is imported on first use.
"""

from __future__ import annotations

import atexit
import gc
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

# A command creates a few hundred thousand objects while it imports Typer, NumPy, pydantic
# and its own modules, and nearly all of them live until it exits. With Python's default
# thresholds (700, 10, 10) the cyclic garbage collector walks them again and again while
# they are made (about 50 ms of 'evaluate'), and once more, all of them, when the
# interpreter shuts down (about 45 ms more). The command line looks for cycles among young
# objects every 50,000 allocations instead, and once the command is done it freezes what
# is left (gc.freeze, after every other exit handler), so that exiting hands the memory
# back without walking it. Reference counting frees objects as before; only garbage
# cycles wait longer, and those still alive at exit are left to the operating system.
_YOUNG_THRESHOLD = 50_000


def _tune_garbage_collection() -> None:
    young, older, oldest = gc.get_threshold()
    if 0 < young < _YOUNG_THRESHOLD:  # 0: collection turned off, left so
        gc.set_threshold(_YOUNG_THRESHOLD, older, oldest)
    atexit.unregister(gc.freeze)  # once, however often main() runs in one process
    atexit.register(gc.freeze)


def main() -> None:
    """Run the command line."""
    if "numpy" not in sys.modules:
        for variable in _ONE_THREAD:
            os.environ.setdefault(variable, "1")
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"peacetalks {__version__}\n")
        return
    _tune_garbage_collection()
    from peacetalks.cli.commands import app as application

    application()


def __getattr__(name: str) -> Any:
    if name == "app":
        from peacetalks.cli.commands import app as application

        return application
    raise AttributeError(name)


app: typer.Typer
