"""A real ``peacetalks serve`` in a subprocess on a free loopback port, to start, kill and restart.

The durability and load tests (and ``benchmarks/bench_load.py``) need the server as users
run it: its own process, its own event loop and job processes, killable with SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

__all__ = ["ServerProcess", "free_port", "serve_command", "serving_process", "start_server"]

# Generous: a cold start imports the analysis stack and migrates the store (~2 s here).
STARTUP_SECONDS = 60.0
_PORT_ATTEMPTS = 3


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_command(port: int, db: str | Path, extra: Sequence[str] = ()) -> list[str]:
    """Return the command line of ``peacetalks serve`` (the console script beside this Python)."""
    script = shutil.which("peacetalks", path=str(Path(sys.executable).parent))
    if script is None:
        msg = (
            f"the console script 'peacetalks' is not installed beside {sys.executable}; "
            "install the project in this environment (pip install -e .)"
        )
        raise RuntimeError(msg)
    return [script, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db), *extra]


class ServerProcess:
    """A running ``peacetalks serve`` subprocess and where its output goes.

    Parameters
    ----------
    process : subprocess.Popen
        The server's process.
    port : int
        Its port on 127.0.0.1.
    log : Path
        The file that receives its stdout and stderr.
    """

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        self.log_start = 0

    def output(self) -> str:
        """Return what the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """Kill the server with SIGKILL (no shutdown code runs), and its job processes.

        The server runs in a process group of its own (with its forkserver and the
        analyses' processes), which is killed whole, so that no analysis outlives it.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self._kill_group()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # none left
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server with SIGTERM (a clean shutdown); kill it if it takes too long."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._kill_group()


def start_server(
    db: str | Path,
    log: Path,
    *,
    extra: Sequence[str] = (),
    timeout: float = STARTUP_SECONDS,
) -> ServerProcess:
    """Start ``peacetalks serve --db DB`` on a free port; return once it answers.

    Parameters
    ----------
    db : str or Path
        The store: a data directory, a SQLite file or a database URL.
    log : Path
        File for the server's output (appended to, so restarts keep the earlier output).
    extra : sequence of str
        More options of ``peacetalks serve`` (``--job-workers 3``...).
    timeout : float
        Seconds to wait for ``GET /api/health`` to answer 200.

    Raises
    ------
    RuntimeError
        If the server exits or does not answer in time (with its output).
    """
    for _ in range(_PORT_ATTEMPTS):
        server = _launch(db, log, extra)
        deadline = time.monotonic() + timeout
        while True:
            if server.process.poll() is not None:
                if b"is taken" in server.log.read_bytes()[server.log_start :]:
                    break  # another process took the free port first: try another
                msg = f"the server exited with {server.process.returncode}:\n{server.output()}"
                raise RuntimeError(msg)
            try:
                if httpx.get(f"{server.url}/api/health", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                server.kill()
                msg = f"the server did not answer within {timeout:g} s:\n{server.output()}"
                raise RuntimeError(msg)
            time.sleep(0.05)
    msg = f"no free port found in {_PORT_ATTEMPTS} attempts:\n{server.output()}"
    raise RuntimeError(msg)


def _launch(db: str | Path, log: Path, extra: Sequence[str]) -> ServerProcess:
    port = free_port()
    with log.open("ab") as out:
        start = out.tell()
        process = subprocess.Popen(
            serve_command(port, db, extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
    server = ServerProcess(process, port, log)
    server.log_start = start
    return server


@contextlib.contextmanager
def serving_process(
    db: str | Path, log: Path, *, extra: Sequence[str] = ()
) -> Iterator[ServerProcess]:
    """Run a server for the block; stop it cleanly afterwards (killed if it hangs)."""
    server = start_server(db, log, extra=extra)
    try:
        yield server
    finally:
        server.stop()
