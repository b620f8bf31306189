"""KTAB's pseudo-random numbers, so that a seed gives the draws KTAB makes with it.

KTAB's ``KBase::PRNG`` draws 64-bit words from the standard 64-bit Mersenne Twister
(``std::mt19937_64``) seeded with the scenario's seed, passes each through a fixed
one-to-one quadratic map modulo 2^64 (``qTrans``: ``(x + a)(2x + 3)`` with ``a`` an odd
constant from the golden ratio), and turns a word into a uniform number on [0, 1] by
dividing by 2^64 - 1. The SMP draws only when state transitions are stochastic: the
bargain each actor adopts is drawn from the probabilities of its bargains.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["KTAB_DEFAULT_SEED", "KtabRandom"]

KTAB_DEFAULT_SEED = 0xD67CC16FE69C185C
"""KTAB's default seed (15455440707583219804), which ``smpc`` uses for CSV scenarios."""

_MASK = (1 << 64) - 1
_N, _M = 312, 156
_MATRIX_A = 0xB5026F5AA96619E9
_UPPER, _LOWER = 0xFFFFFFFF80000000, 0x7FFFFFFF
_Q64C = 0xE08C1D668B756F83  # KTAB's odd constant from the golden ratio


class KtabRandom:
    """KTAB's PRNG: ``uniform()`` and ``select(probabilities)`` for a 64-bit seed."""

    def __init__(self, seed: int = KTAB_DEFAULT_SEED) -> None:
        if not 0 <= seed <= _MASK:
            msg = f"The 'seed' parameter of KtabRandom must be in [0, 2**64). Got {seed} instead."
            raise ValueError(msg)
        state = [seed]
        for i in range(1, _N):
            previous = state[-1]
            state.append((6364136223846793005 * (previous ^ (previous >> 62)) + i) & _MASK)
        self._state = state
        self._index = _N

    def _twist(self) -> None:
        mt = self._state
        for i in range(_N):
            y = (mt[i] & _UPPER) | (mt[(i + 1) % _N] & _LOWER)
            mt[i] = mt[(i + _M) % _N] ^ (y >> 1) ^ (_MATRIX_A if y & 1 else 0)
        self._index = 0

    def word(self) -> int:
        """Return the next raw word of the Mersenne Twister."""
        if self._index >= _N:
            self._twist()
        y = self._state[self._index]
        self._index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _MASK

    def uniform(self) -> float:
        """Return KTAB's next uniform number on [0, 1]."""
        x = self.word()
        q = ((x + _Q64C) * (2 * x + 3)) & _MASK
        return float(q) / float(_MASK)

    def select(self, probabilities: npt.NDArray[np.float64]) -> int:
        """Return an index drawn with the given probabilities (KTAB's ``probSel``)."""
        draw = self.uniform()
        total = 0.0
        for index, p in enumerate(probabilities.tolist()):
            total = total + p
            if draw <= total:
                return index
        return len(probabilities) - 1
