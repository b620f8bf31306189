"""Build hook: compile the optional C kernel ``src/peacetalks/analysis/_skyline.c``.

The kernel is a plain C shared library (no Python headers) that
``peacetalks.analysis._skyline`` loads with ctypes. Without a C compiler the package
installs all the same and runs its NumPy filters, with the same results.

Environment:

- ``PEACETALKS_BUILD_NATIVE=0``: do not build the library;
- ``PEACETALKS_BUILD_NATIVE=1``: fail the install when it cannot be built;
- ``CC``: the compiler (default: the one Python was built with, else ``cc``).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("src/peacetalks/analysis/_skyline.c")
LIBRARY = "libpeacetalks_skyline" + (".dll" if sys.platform == "win32" else ".so")
TARGET = "peacetalks/analysis/" + LIBRARY


def _compiler() -> list[str]:
    configured = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    return shlex.split(str(configured))


def compile_library(source: Path, output: Path) -> str | None:
    """Compile ``source`` into the shared library ``output``; return why not, or None."""
    command = [*_compiler(), "-O3", "-shared", "-fPIC", "-o", str(output), str(source)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{shlex.join(command)}: {error}"
    if done.returncode != 0:
        return f"{shlex.join(command)} exited with {done.returncode}: {done.stderr.strip()}"
    return None


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the C kernel into the wheel (or beside the source, for editable installs)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Build the library; on failure warn and go on without it (unless required)."""
        wanted = os.environ.get("PEACETALKS_BUILD_NATIVE", "")
        if wanted == "0":
            return
        root = Path(self.root)
        if version == "editable":
            # The editable install imports from src/: the library goes beside _skyline.py.
            output = root / TARGET.replace("peacetalks/", "src/peacetalks/", 1)
        else:
            output = Path(tempfile.mkdtemp(prefix="peacetalks-build-")) / LIBRARY
        problem = compile_library(root / SOURCE, output)
        if problem is not None:
            message = (
                f"peacetalks: the optional C kernel was not built ({problem}). peacetalks "
                "works without it (NumPy filters, same results, slower Pareto fronts of "
                "four or more actors). Install a C compiler, or set CC, and reinstall."
            )
            if wanted == "1":
                raise RuntimeError(message)
            print(message, file=sys.stderr)
            return
        if version != "editable":
            build_data["force_include"][str(output)] = TARGET
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
