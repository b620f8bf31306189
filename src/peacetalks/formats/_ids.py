"""Ids made from names: distinct, at most 64 characters, in time linear in their number."""

from __future__ import annotations

__all__ = ["MAX_ID_LENGTH", "UniqueIds"]

MAX_ID_LENGTH = 64


class UniqueIds:
    """Hand out ids not yet used: ``slug``, else ``slug-2``, ``slug-3``...

    The suffix is kept and the slug shortened to make room for it, so two long names that
    share their first 64 characters still get different ids. Each slug remembers the
    next suffix to try, so thousands of equal names take linear time, not quadratic.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._next: dict[str, int] = {}

    def __contains__(self, candidate: object) -> bool:
        """Return whether an id is taken."""
        return candidate in self._used

    def __call__(self, slug: str) -> str:
        """Return an id for ``slug`` that no earlier call returned, and take it."""
        candidate, n = slug, self._next.get(slug, 2)
        while candidate in self._used:
            suffix = f"-{n}"
            candidate = slug[: MAX_ID_LENGTH - len(suffix)] + suffix
            n += 1
        self._next[slug] = n
        self._used.add(candidate)
        return candidate
