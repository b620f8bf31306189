"""Bounded work: a computation run in a process of its own, within time and memory limits.

The server never computes anything whose cost grows with a scenario in its own process:
analyses run as jobs (:mod:`peacetalks.web.jobs`), and the pages' heavy figures (the
charts page's Pareto chart of a large scenario, for one) run through :func:`run_bounded`,
which gives the computation a process of its own with an address-space limit, waits at
most a few seconds, and kills it past that. The page then shows why, and what to do.

:func:`limit_memory` is the address-space limit both use; :func:`configure` sets the
pages' limits from the server's settings.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from peacetalks.errors import PeacetalksError

__all__ = [
    "PageWorkError",
    "configure",
    "end_process",
    "limit_memory",
    "run_bounded",
]


class PageWorkError(PeacetalksError):
    """A page's computation failed, or went past the time or memory a page may use."""


@dataclass
class _Limits:
    seconds: float
    memory_bytes: int
    slots: threading.BoundedSemaphore


_limits = _Limits(seconds=20.0, memory_bytes=2 << 30, slots=threading.BoundedSemaphore(2))


def configure(*, seconds: float, memory_bytes: int, workers: int) -> None:
    """Set the pages' limits: seconds per computation, memory, computations at once."""
    global _limits
    _limits = _Limits(seconds, memory_bytes, threading.BoundedSemaphore(workers))


def limit_memory(memory_bytes: int) -> None:
    """Limit this process's address space, so that going past it raises MemoryError.

    Called first thing in a job's or a page computation's own process.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    bound = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (bound, hard))


def _child(
    connection: Connection,
    memory_bytes: int,
    function: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    try:
        limit_memory(memory_bytes)
        connection.send(("done", function(*args)))
    except PeacetalksError as e:
        connection.send(("error", str(e)))
    except MemoryError:
        connection.send(("memory", ""))
    except Exception as e:  # a bug: say so, with the traceback in the server's log
        traceback.print_exc()
        connection.send(("bug", f"{type(e).__name__}: {e}"))
    finally:
        connection.close()


def run_bounded(function: Callable[..., Any], *args: Any, what: str) -> Any:
    """Return ``function(*args)`` computed in a process of its own, within the limits.

    Parameters
    ----------
    function : callable
        A module-level function (it is pickled by reference); its arguments and result
        must pickle.
    *args
        Its arguments.
    what : str
        What is computed, for the messages ("the Pareto chart").

    Raises
    ------
    PageWorkError
        With the computation's own message if it raised a PeacetalksError; or saying
        that it went past the time or memory a page may use, or that the server is busy
        with other pages' computations, and what to do instead.
    """
    limits = _limits
    advice = (
        "Use the command line (for example peacetalks deals SCENARIO --pareto), or run it "
        "as an analysis from the scenario's Analyses page."
    )
    if not limits.slots.acquire(timeout=limits.seconds):
        msg = f"The server is busy computing other pages; {what} was not computed. Reload."
        raise PageWorkError(msg)
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, limits.memory_bytes, function, args), daemon=True
    )
    try:
        process.start()
        sender.close()
        if not receiver.poll(limits.seconds):
            msg = (
                f"{what[:1].upper()}{what[1:]} takes longer than the {limits.seconds:g} seconds "
                f"a page may compute, so it was stopped. {advice}"
            )
            raise PageWorkError(msg)
        try:
            kind, payload = receiver.recv()
        except EOFError:
            kind, payload = "memory", ""
        if kind == "done":
            return payload
        if kind == "error":
            raise PageWorkError(payload)
        if kind == "memory":
            megabytes = limits.memory_bytes // (1 << 20)
            msg = (
                f"{what[:1].upper()}{what[1:]} needs more than the {megabytes:,} MB a page may "
                f"use, so it was stopped. {advice}"
            )
            raise PageWorkError(msg)
        msg = f"Computing {what} failed unexpectedly ({payload}). This is a bug of peacetalks."
        raise PageWorkError(msg)
    finally:
        end_process(process, receiver, sender)
        limits.slots.release()


def end_process(process: BaseProcess, *connections: Connection) -> None:
    """Kill a computation's process if it still runs, reap it, and close its pipes."""
    if process.pid is not None:
        if process.is_alive():
            process.kill()
        process.join(timeout=10)
    for connection in connections:
        connection.close()
