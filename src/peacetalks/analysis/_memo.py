"""Results kept by the content of their inputs, for the few a command asks for again.

A command asks the kernels the same question several times (``analyze`` wants four
compromises, the talks' Nash deal and the front listing from one set of half-fronts, and
the ZOPA's count, sample and option presence from one set of row counts). The arrays are
rebuilt by each caller, so results are kept by a digest of their bytes, not by identity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["Recent", "content_key"]

T = TypeVar("T")


def content_key(arrays: Iterable[npt.NDArray[np.generic]], extra: object = None) -> bytes:
    """Return a 16-byte digest of the arrays' shapes and bytes, and of ``repr(extra)``."""
    digest = hashlib.blake2b(repr(extra).encode(), digest_size=16)
    for array in arrays:
        digest.update(repr(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.digest()


class Recent(Generic[T]):
    """The last ``size`` results by key; the oldest is dropped first."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._items: dict[bytes, T] = {}

    def get(self, key: bytes, make: Callable[[], T]) -> T:
        """Return the result kept under ``key``, made by ``make()`` the first time."""
        if key not in self._items:
            if len(self._items) >= self.size:
                del self._items[next(iter(self._items))]
            self._items[key] = make()
        return self._items[key]

    def clear(self) -> None:
        """Forget every kept result."""
        self._items.clear()
