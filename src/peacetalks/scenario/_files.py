"""Reading user files with a size bound and a clear error for every way it can fail."""

from __future__ import annotations

from pathlib import Path

from peacetalks.errors import Problem, ScenarioError

__all__ = ["read_bounded", "read_bounded_text"]


def read_bounded(path: Path, *, limit: int, label: str, hint: str) -> bytes:
    """Return a file's bytes, refusing it unread when it is larger than ``limit``.

    Parameters
    ----------
    path : Path
    limit : int
        Largest size accepted, in bytes.
    label : str
        The file's name in messages.
    hint : str
        Sentence added to the size message (what such files usually weigh, how to fix).

    Raises
    ------
    ScenarioError
        If the file cannot be read or is too large.
    """
    try:
        size = path.stat().st_size
        data = b""
        if size <= limit:
            with path.open("rb") as file:
                data = file.read(limit + 1)
    except OSError as e:
        msg = f"cannot read the file: {e.strerror}."
        raise ScenarioError([Problem("", msg)], label) from None
    size = max(size, len(data))  # a file may grow between the two looks
    if size > limit:
        msg = f"the file is {size:,} bytes; the limit is {limit:,}. {hint}"
        raise ScenarioError([Problem("", msg)], label)
    return data


def read_bounded_text(
    path: Path, *, limit: int, label: str, hint: str, encoding: str = "utf-8-sig"
) -> str:
    """Return a file's text (UTF-8, a byte-order mark allowed), bounded like :func:`read_bounded`.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is too large, or is not UTF-8.
    """
    data = read_bounded(path, limit=limit, label=label, hint=hint)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        msg = f"the file is not UTF-8 text (byte {e.start}). Save it as UTF-8."
        raise ScenarioError([Problem("", msg)], label) from None
