"""Exceptions raised by peacetalks.

Hierarchy::

    PeacetalksError(Exception)
    ├── ScenarioError(PeacetalksError, ValueError)   a scenario file or model is invalid
    ├── ParameterError(PeacetalksError, ValueError)  a function or command got a bad argument
    ├── NotFoundError(PeacetalksError, LookupError)  an id (scenario, proposal, actor) is unknown
    ├── FrontTooLargeError(PeacetalksError, MemoryError)  a Pareto front outgrew its memory bound
    ├── NotFittedError(PeacetalksError, ValueError, AttributeError)  a model was used before fit
    └── ProtocolError(PeacetalksError, RuntimeError)  a negotiator broke a protocol's rules

    PeacetalksWarning(UserWarning)
    └── FileFormatWarning(PeacetalksWarning)  a file was read as its own tool reads it, leniently

Every error carries the data it speaks of as fields, and its message says what, where,
what was expected, what was got and, when known, how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FileFormatWarning",
    "FrontTooLargeError",
    "NotFittedError",
    "NotFoundError",
    "ParameterError",
    "PeacetalksError",
    "PeacetalksWarning",
    "Problem",
    "ProtocolError",
    "ScenarioError",
    "StorageError",
]


class PeacetalksError(Exception):
    """Base class of every error peacetalks raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario.

    Parameters
    ----------
    path : str
        Path of the field, as ``positions[12].salience``; empty for the whole document.
    message : str
        What is wrong, what was expected and got, and how to fix it.
    line : int or None
        1-based line in the source file, when the scenario came from a file.
    """

    path: str
    message: str
    line: int | None = None

    def render(self, source: str | None = None) -> str:
        """Return the problem as one line: ``file, line N, path: message``."""
        where = [
            part for part in (source, None if self.line is None else f"line {self.line}") if part
        ]
        if self.path:
            where.append(self.path)
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ScenarioError(PeacetalksError, ValueError):
    """A scenario is invalid; carries every problem found, one message each.

    Parameters
    ----------
    problems : sequence of Problem
        The problems, in document order.
    source : str or None
        The file name (or another label) the scenario came from.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], source: str | None = None):
        self.problems = tuple(problems)
        self.source = source
        lines = [problem.render(source) for problem in self.problems]
        if len(lines) == 1:
            msg = lines[0]
        else:
            head = f"{source}: {len(lines)} problems" if source else f"{len(lines)} problems"
            msg = head + "\n" + "\n".join(f"  - {line}" for line in lines)
        super().__init__(msg)

    @property
    def path(self) -> str | None:
        """Return the field path of the first problem."""
        return self.problems[0].path if self.problems else None

    @property
    def line(self) -> int | None:
        """Return the line of the first problem."""
        return self.problems[0].line if self.problems else None


class ParameterError(PeacetalksError, ValueError):
    """A parameter of a function, model or command is invalid.

    Parameters
    ----------
    message : str
        The full message.
    parameter : str or None
        Name of the parameter.
    value : object
        The value that was given.
    """

    def __init__(self, message: str, *, parameter: str | None = None, value: object = None):
        self.parameter = parameter
        self.value = value
        super().__init__(message)


class NotFoundError(PeacetalksError, LookupError):
    """An id does not name anything known (a scenario, a proposal, an actor).

    Parameters
    ----------
    message : str
        The full message, naming the known ids.
    kind : str
        What was looked up (``"scenario"``, ``"proposal"``).
    value : str
        The id that was not found.
    """

    def __init__(self, message: str, *, kind: str, value: str):
        self.kind = kind
        self.value = value
        super().__init__(message)

    def __str__(self) -> str:
        # LookupError would repr() the message; print it as written.
        return str(self.args[0])


class FrontTooLargeError(PeacetalksError, MemoryError):
    """The Pareto front outgrew the memory bound given by ``max_points``.

    Parameters
    ----------
    message : str
        The full message.
    size : int
        Number of (partial) deals the front reached.
    max_points : int
        The bound that was exceeded.
    estimate : int or None, default=None
        The final size the front's growth projected, when the front was refused early
        on that projection rather than on its size.
    issues_done : int or None, default=None
        Number of issues merged into the front when it was refused.
    """

    def __init__(
        self,
        message: str,
        *,
        size: int,
        max_points: int,
        estimate: int | None = None,
        issues_done: int | None = None,
    ):
        self.size = size
        self.max_points = max_points
        self.estimate = estimate
        self.issues_done = issues_done
        super().__init__(message)


class NotFittedError(PeacetalksError, ValueError, AttributeError):
    """A model was asked for a prediction before it was fitted."""


class ProtocolError(PeacetalksError, RuntimeError):
    """A negotiator broke the rules of a protocol (for example, offered an unknown deal).

    Parameters
    ----------
    message : str
    party : int
        Index of the party at fault.
    """

    def __init__(self, message: str, *, party: int) -> None:
        self.party = party
        super().__init__(message)


class StorageError(PeacetalksError, RuntimeError):
    """The store cannot do what was asked: an unknown id or version, or a failed write.

    Parameters
    ----------
    message : str
        What went wrong, what was expected and how to fix it.
    kind : str
        What the error is about: ``"scenario"``, ``"version"``, ``"run"``, ``"database"``.
    value : object
        The id, version or location the error speaks of.
    """

    def __init__(self, message: str, *, kind: str, value: object = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.value = value


class PeacetalksWarning(UserWarning):
    """Base class of the warnings peacetalks issues; the command line prints them on stderr."""


class FileFormatWarning(PeacetalksWarning):
    """A file was read as the tool that wrote it reads it, where that reading may surprise.

    For example a GENIUS utility file whose weights sum above 1: GENIUS loads it, so
    peacetalks does too, and says how it read it. The message names the file and line.
    """
