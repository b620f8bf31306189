"""Voting power: Shapley-Shubik and Banzhaf indices of simple voting games.

A game here is a *multi-quota game with vetoes*: every player brings non-negative whole
quantities (a weight, a population); a coalition wins when it holds every veto player
and, for at least one *clause*, reaches each of the clause's thresholds on its number of
members and on each quantity. That covers weighted voting, the UN Security Council (nine
of fifteen with five vetoes) and the EU Council's double majority with its blocking-
minority clause (two clauses: 55% of members and 65% of population, or fewer than four
members not in favour).

:func:`power_indices` counts, exactly, the coalitions in which each player is a swing,
by coalition size, with a generating function over the states (members, quantities) of
the coalitions of the other players: the function of all non-veto players is built once
(one shift-and-add per player), and a player is taken out of it again by the inverse
recurrence, so the work grows with the number of distinct players times the number of
states, never with the 2^n coalitions. :func:`power_by_enumeration` enumerates every
coalition and is the reference the tests compare with. Pure NumPy and Python integers;
no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError

__all__ = [
    "MAX_STATES",
    "PowerIndices",
    "VotingGame",
    "power_by_enumeration",
    "power_indices",
    "weighted_game",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Grid = npt.NDArray[np.int64] | npt.NDArray[np.int32]

#: Largest number of (members, quantities) states the dynamic programme will hold.
MAX_STATES = 40_000_000
#: Up to this many players the counts are exact 64-bit integers (2^62 coalitions).
_MAX_EXACT_PLAYERS = 62
#: Up to this many players the counts fit 32-bit integers (2^30 coalitions).
_MAX_INT32_PLAYERS = 30
_MAX_ENUMERATED_PLAYERS = 24


@dataclass(frozen=True, eq=False)
class VotingGame:
    """A simple voting game given by quantities, quota clauses and veto players.

    A coalition ``S`` wins when it contains every veto player and, for some clause ``c``,
    ``len(S) >= clauses[c, 0]`` and ``quantities[d, S].sum() >= clauses[c, 1 + d]`` for
    every quantity ``d``.

    Attributes
    ----------
    quantities : ndarray of shape (n_quantities, n_players)
        Non-negative whole numbers (weights, populations in a chosen unit).
    clauses : ndarray of shape (n_clauses, 1 + n_quantities)
        Thresholds: on the number of members first, then on each quantity.
    vetoes : ndarray of shape (n_players,)
        True for the players without whom no coalition wins.
    """

    quantities: IntArray
    clauses: IntArray
    vetoes: BoolArray

    def __post_init__(self) -> None:
        q, c, v = self.quantities, self.clauses, self.vetoes
        if q.ndim != 2 or v.shape != (q.shape[1],) or c.ndim != 2 or c.shape[1] != q.shape[0] + 1:
            msg = (
                "The shapes of VotingGame must be quantities (n_quantities, n_players), "
                "clauses (n_clauses, 1 + n_quantities) and vetoes (n_players,). Got "
                f"{q.shape}, {c.shape} and {v.shape} instead."
            )
            raise ParameterError(msg, parameter="quantities", value=q.shape)
        if q.shape[1] == 0 or c.shape[0] == 0:
            msg = "A VotingGame needs at least one player and one clause. Got none."
            raise ParameterError(msg, parameter="clauses", value=c.shape)
        if (q < 0).any():
            msg = "The 'quantities' of a VotingGame must be non-negative. Got a negative one."
            raise ParameterError(msg, parameter="quantities", value=int(q.min()))

    @property
    def n_players(self) -> int:
        """Return the number of players."""
        return int(self.quantities.shape[1])

    def is_winning(self, coalitions: npt.ArrayLike) -> BoolArray:
        """Return whether each coalition wins.

        Parameters
        ----------
        coalitions : array_like of shape (..., n_players)
            Membership masks.

        Returns
        -------
        ndarray of shape (...)
        """
        members = np.asarray(coalitions, dtype=bool)
        sizes = members.sum(axis=-1)
        totals = members.astype(np.int64) @ self.quantities.T
        state = np.concatenate([sizes[..., None], totals], axis=-1)
        meets = (state[..., None, :] >= self.clauses).all(axis=-1).any(axis=-1)
        has_vetoes = (members | ~self.vetoes).all(axis=-1)
        return np.asarray(meets & has_vetoes)


def weighted_game(
    weights: npt.ArrayLike, quota: int, *, vetoes: npt.ArrayLike | None = None
) -> VotingGame:
    """Return the weighted voting game ``[quota; w_1, ..., w_n]``.

    Parameters
    ----------
    weights : array_like of shape (n_players,)
        Non-negative whole weights.
    quota : int
        Total weight a coalition needs to win.
    vetoes : array_like of shape (n_players,) or None
        Veto players, if any.
    """
    w = np.asarray(weights, dtype=np.int64).reshape(1, -1)
    v = np.zeros(w.shape[1], dtype=bool) if vetoes is None else np.asarray(vetoes, dtype=bool)
    return VotingGame(w, np.array([[0, quota]], dtype=np.int64), v)


@dataclass(frozen=True)
class PowerIndices:
    """The power of each player of a game.

    Attributes
    ----------
    shapley_shubik : ndarray of shape (n_players,)
        Share of the orderings of all players in which the player is pivotal; sums to 1
        (all zeros if no coalition wins).
    banzhaf : ndarray of shape (n_players,)
        Normalised Banzhaf index: swings over the sum of all players' swings.
    banzhaf_raw : ndarray of shape (n_players,)
        Swings over the 2^(n-1) coalitions of the other players.
    swings : tuple of int
        Number of coalitions of the other players that the player turns from losing to
        winning.
    method : str
        ``"generating function"`` or ``"enumeration"``.
    exact : bool
        False when the counts were too large for 64-bit integers and were summed as
        floating-point numbers (more than 62 players).
    """

    shapley_shubik: FloatArray
    banzhaf: FloatArray
    banzhaf_raw: FloatArray
    swings: tuple[int, ...]
    method: str
    exact: bool = True


def _indices(
    swings_by_size: list[list[int]] | list[list[float]], n: int, method: str, exact: bool
) -> PowerIndices:
    """Turn swing counts per coalition size (of the others) into the indices."""
    swings = [sum(row) for row in swings_by_size]
    if exact:
        factorial = math.factorial(n)
        shapley = [
            float(
                Fraction(
                    sum(
                        int(count) * math.factorial(k) * math.factorial(n - k - 1)
                        for k, count in enumerate(row)
                    ),
                    factorial,
                )
            )
            for row in swings_by_size
        ]
        raw = [float(Fraction(int(s), 2 ** (n - 1))) for s in swings]
        total = sum(int(s) for s in swings)
        banzhaf = [float(Fraction(int(s), total)) if total else 0.0 for s in swings]
    else:
        # Shapley weight of a coalition of k others: 1 / (n * C(n-1, k)), in floating point.
        weights = np.array([1.0 / (n * math.comb(n - 1, k)) for k in range(n)])
        shapley = [
            float(np.dot(np.asarray(row, dtype=np.float64), weights)) for row in swings_by_size
        ]
        raw = [float(s) / 2.0 ** (n - 1) for s in swings]
        total_f = float(sum(swings))
        banzhaf = [float(s) / total_f if total_f else 0.0 for s in swings]
    return PowerIndices(
        shapley_shubik=np.array(shapley, dtype=np.float64),
        banzhaf=np.array(banzhaf, dtype=np.float64),
        banzhaf_raw=np.array(raw, dtype=np.float64),
        swings=tuple(round(s) if not exact else int(s) for s in swings),
        method=method,
        exact=exact,
    )


def power_by_enumeration(game: VotingGame) -> PowerIndices:
    """Return the indices by enumerating every coalition (for small games and tests).

    Raises
    ------
    ParameterError
        If the game has more than 24 players.
    """
    n = game.n_players
    if n > _MAX_ENUMERATED_PLAYERS:
        msg = (
            f"The game passed to power_by_enumeration must have at most "
            f"{_MAX_ENUMERATED_PLAYERS} players. Got {n} instead. Use power_indices."
        )
        raise ParameterError(msg, parameter="game", value=n)
    codes = np.arange(2**n, dtype=np.int64)
    members = ((codes[:, None] >> np.arange(n)) & 1).astype(bool)
    wins = game.is_winning(members)
    sizes = members.sum(axis=1)
    rows: list[list[int]] = []
    for i in range(n):
        without = codes[~members[:, i]]
        swing = wins[without | (1 << i)] & ~wins[without]
        counts = np.bincount(sizes[without][swing], minlength=n)
        rows.append([int(c) for c in counts[:n]])
    return _indices(rows, n, "enumeration", exact=True)


def _shift(array: npt.NDArray[np.generic], offsets: tuple[int, ...]) -> tuple[slice, ...]:
    """Return the target slices of a shift by ``offsets`` (source is the complement)."""
    return tuple(slice(o, size) for o, size in zip(offsets, array.shape, strict=True))


def _source(array: npt.NDArray[np.generic], offsets: tuple[int, ...]) -> tuple[slice, ...]:
    return tuple(slice(0, size - o) for o, size in zip(offsets, array.shape, strict=True))


def _win_mask(clauses: IntArray, shape: tuple[int, ...], offset: IntArray) -> BoolArray:
    """Return whether the state ``index + offset`` of every grid cell meets some clause."""
    mask = np.zeros(shape, dtype=bool)
    for clause in clauses:
        meets = np.ones(shape, dtype=bool)
        for d, size in enumerate(shape):
            axis = np.arange(size) + offset[d] >= clause[d]
            view = [1] * len(shape)
            view[d] = size
            meets &= axis.reshape(view)
        mask |= meets
    return mask


def power_indices(game: VotingGame) -> PowerIndices:
    """Return the Shapley-Shubik and Banzhaf indices of a game, exactly.

    The generating function counts the coalitions of the non-veto players by state
    (number of members, then each quantity needed by a clause); veto players are added
    to every coalition considered, since without them nothing wins. Identical players
    (same quantities and veto) are computed once.

    Parameters
    ----------
    game : VotingGame

    Returns
    -------
    PowerIndices
        Exact: integer counts in 64-bit (or 32-bit) integers up to 62 players; beyond,
        the counts are computed modulo several primes below 2^31 and put together by the
        Chinese remainder theorem (as many primes as 2^n needs), so they stay exact.

    Raises
    ------
    ParameterError
        If the state space exceeds :data:`MAX_STATES` (express weights or populations in
        coarser units).
    """
    n = game.n_players
    used = [d for d in range(game.quantities.shape[0]) if (game.clauses[:, 1 + d] > 0).any()]
    quantities = game.quantities[used]
    clauses = game.clauses[:, [0, *(1 + d for d in used)]]
    # Each player's step in state space: one member, plus its quantities.
    steps = np.vstack([np.ones(n, dtype=np.int64), quantities]).T
    vetoes = game.vetoes
    free = np.flatnonzero(~vetoes)
    shape = (len(free) + 1, *(int(quantities[d, free].sum()) + 1 for d in range(len(used))))
    size = math.prod(shape)
    if size > MAX_STATES:
        msg = (
            f"The game has {size:,} states (members x quantities), more than the "
            f"{MAX_STATES:,} power_indices can hold. Express weights or populations in "
            "coarser units (thousands of people, for instance)."
        )
        raise ParameterError(msg, parameter="game", value=size)
    counter = _Counter(steps, vetoes, free, clauses, shape, n)
    if n <= _MAX_EXACT_PLAYERS:
        rows = counter.rows(None)
    else:
        primes = _primes_above(n)
        rows = _chinese_remainder([counter.rows(p) for p in primes], primes)
    return _indices(rows, n, "generating function", exact=True)


# Primes below 2^31: residues fit 32 bits, so a grid row's sum of up to MAX_STATES
# residues fits a signed 64-bit integer. Seven of them hold counts up to 2^216.
_PRIMES = (
    2_147_483_647,
    2_147_483_629,
    2_147_483_587,
    2_147_483_579,
    2_147_483_563,
    2_147_483_549,
    2_147_483_543,
    2_147_483_497,
    2_147_483_489,
    2_147_483_477,
    2_147_483_423,
    2_147_483_399,
)


def _primes_above(n: int) -> tuple[int, ...]:
    """Return the fewest primes of :data:`_PRIMES` whose product exceeds 2^n."""
    chosen: list[int] = []
    product = 1
    for prime in _PRIMES:
        chosen.append(prime)
        product *= prime
        if product > 2**n:
            return tuple(chosen)
    msg = (
        f"power_indices counts exactly up to {len(_PRIMES) * 30} players (the primes it "
        f"counts modulo). Got {n} players."
    )
    raise ParameterError(msg, parameter="game", value=n)


def _chinese_remainder(residues: list[list[list[int]]], primes: tuple[int, ...]) -> list[list[int]]:
    """Return the integers in [0, prod(primes)) with the given residues, entry by entry."""
    modulus = math.prod(primes)
    parts = [(modulus // p) * pow(modulus // p, -1, p) for p in primes]
    return [
        [
            sum(r * part for r, part in zip(entry, parts, strict=True)) % modulus
            for entry in zip(*rows_of_entry, strict=True)
        ]
        for rows_of_entry in (
            [rows[player] for rows in residues] for player in range(len(residues[0]))
        )
    ]


# With residues below 2^31 a grid cell at most doubles per player added, so 31 players can
# be added before a 64-bit cell could overflow: the grid is reduced every 30 players.
_REDUCE_EVERY = 30


@dataclass(frozen=True, eq=False)
class _Counter:
    """Swing counts by coalition size from the generating function, exact or modulo p."""

    steps: IntArray
    vetoes: BoolArray
    free: npt.NDArray[np.intp]
    clauses: IntArray
    shape: tuple[int, ...]
    n: int

    def rows(self, modulus: int | None) -> list[list[int]]:
        """Return each player's swings by number of others in the coalition.

        With ``modulus`` the counts are residues modulo that prime.
        """
        steps, vetoes = self.steps, self.vetoes
        base = steps[vetoes].sum(axis=0) if vetoes.any() else np.zeros(steps.shape[1], np.int64)
        everyone = self._build(modulus)
        if len(self.shape) <= 2:
            return _one_quantity_rows(steps, vetoes, base, self.clauses, everyone, self.n, modulus)
        rows: dict[tuple[int, ...], list[int]] = {}
        results: list[list[int]] = []
        for i in range(self.n):
            key = (*(int(x) for x in steps[i]), int(vetoes[i]))
            if key not in rows:
                rows[key] = self._swings_by_size(i, base, everyone, modulus)
            results.append(rows[key])
        return results

    def _build(self, modulus: int | None) -> Grid:
        # Counts of coalitions never exceed 2^n: 32-bit integers hold them up to 30 players
        # (the EU Council's 27), which halves the memory of the grid.
        small = modulus is None and self.n <= _MAX_INT32_PLAYERS
        grid: Grid = (
            np.zeros(self.shape, dtype=np.int32) if small else np.zeros(self.shape, dtype=np.int64)
        )
        grid[(0,) * len(self.shape)] = 1
        for added, j in enumerate(self.free):
            tail = tuple(int(x) for x in self.steps[j, 1:])
            # Row k (coalitions of k members) gains row k-1 shifted by the quantities;
            # going down from the highest filled row reads every row before it changes.
            for k in range(min(added + 1, self.shape[0] - 1), 0, -1):
                row = grid[k, ...]
                row[_shift(row, tail)] += grid[k - 1, ...][_source(row, tail)]
            if modulus is not None and added % _REDUCE_EVERY == _REDUCE_EVERY - 1:
                np.remainder(grid, modulus, out=grid)
        if modulus is not None:
            np.remainder(grid, modulus, out=grid)
        return grid

    def _swings_by_size(
        self, i: int, base: IntArray, everyone: Grid, modulus: int | None
    ) -> list[int]:
        """Count player ``i``'s swings by the number of other members in the coalition."""
        step, shape = self.steps[i], self.shape
        if self.vetoes[i]:
            # The others: every other veto player plus any set of non-veto players.
            # Without i the coalition loses (i is a veto player); with i it wins if the
            # state does.
            offset = base - step
            others = everyone
            swing = _win_mask(self.clauses, shape, base)
        else:
            offset = base
            others = np.empty_like(everyone)
            # Take i out again: G = H * (1 + z x^q) gives H[k] = G[k] - shift_q(H[k-1]).
            others[0, ...] = everyone[0, ...]
            tail = tuple(int(x) for x in step[1:])
            for k in range(1, shape[0]):
                others[k, ...] = everyone[k, ...]
                row = others[k, ...]
                target = row[_shift(row, tail)]
                target -= others[k - 1, ...][_source(row, tail)]
                if modulus is not None:
                    np.add(target, modulus, out=target, where=target < 0)
            swing = _win_mask(self.clauses, shape, base + step) & ~_win_mask(
                self.clauses, shape, base
            )
        # Coalition size of the others = state members + veto players other than i.
        counted = np.where(swing, others, 0).reshape(shape[0], -1).sum(axis=1, dtype=np.int64)
        shift = int(offset[0])
        by_size = [0] * self.n
        for k, count in enumerate(counted):
            value = int(count) % modulus if modulus is not None else int(count)
            if value and 0 <= k + shift < self.n:
                by_size[k + shift] = value
        return by_size


def _thresholds(clauses: IntArray, sizes: int) -> list[int | None]:
    """Return, per coalition size, the least quantity that wins (None: nothing wins)."""
    least: list[int | None] = []
    for k in range(sizes):
        met = [int(c[1]) if c.shape[0] > 1 else 0 for c in clauses if k >= c[0]]
        least.append(min(met) if met else None)
    return least


def _one_quantity_rows(
    steps: IntArray,
    vetoes: BoolArray,
    base: IntArray,
    clauses: IntArray,
    everyone: Grid,
    n: int,
    modulus: int | None,
) -> list[list[int]]:
    """Count swings with prefix sums when the clauses use at most one quantity.

    With one quantity a coalition of ``k`` members wins when its quantity reaches a
    threshold ``t(k)``, so a player's swings among coalitions of ``k`` others lie in one
    interval of the quantity: two prefix sums. Taking a player out of the generating
    function commutes with prefix sums, so the prefix sum of the others' function at
    ``y`` is ``sum_j (-1)^j C[k-j](y - j q)`` and never needs the others' whole grid.
    """
    # The grid is not needed after its prefix sums: take them in place (no second copy).
    # Residues below 2^31 summed over at most MAX_STATES cells fit 64 bits; they are
    # reduced once at the end.
    cumulative = everyone.reshape(everyone.shape[0], -1)
    np.cumsum(cumulative, axis=1, out=cumulative)
    if modulus is not None:
        np.remainder(cumulative, modulus, out=cumulative)
    top = cumulative.shape[1] - 1
    least = _thresholds(clauses, n + 1)
    b0 = int(base[0])
    bq = int(base[1]) if base.shape[0] > 1 else 0

    def prefix(k: int, y: int, q: int | None) -> int:
        # Number of coalitions of k others (from the grid) with quantity <= y; q is the
        # quantity of the player taken out, or None when nobody is.
        if y < 0:
            return 0
        if q is None:
            return int(cumulative[k, min(y, top)])
        total = 0
        for j in range(k + 1):
            at = y - j * q
            if at < 0:
                break
            total += (-1) ** j * int(cumulative[k - j, min(at, top)])
        return total

    def above(size: int, offset: int) -> int:
        # Least grid quantity x with x + offset winning at coalition size `size`.
        t = least[size] if 0 <= size <= n else None
        return top + 1 if t is None else max(t - offset, 0)

    cache: dict[tuple[int, ...], list[int]] = {}
    rows: list[list[int]] = []
    for i in range(n):
        q = int(steps[i, 1]) if steps.shape[1] > 1 else 0
        key = (q, int(vetoes[i]))
        if key not in cache and modulus is not None and not vetoes[i]:
            cache[key] = _modular_row(cumulative, q, b0, bq, above, n, modulus)
        if key not in cache:
            by_size = [0] * n
            for k in range(cumulative.shape[0]):
                if vetoes[i]:
                    size = k + b0 - 1
                    lo = above(k + b0, bq)
                    count = prefix(k, top, None) - prefix(k, lo - 1, None)
                else:
                    size = k + b0
                    lo = above(size + 1, bq + q)
                    hi = above(size, bq)
                    count = prefix(k, hi - 1, q) - prefix(k, lo - 1, q) if hi > lo else 0
                if modulus is not None:
                    count %= modulus
                if count and 0 <= size < n:
                    by_size[size] = count
            cache[key] = by_size
        rows.append(cache[key])
    return rows


def _modular_row(
    cumulative: Grid,
    q: int,
    b0: int,
    bq: int,
    above: Callable[[int, int], int],
    n: int,
    modulus: int,
) -> list[int]:
    """Return a non-veto player's swings by size, modulo a prime, in one vectorised pass.

    The same counts as the loop of :func:`_one_quantity_rows`: for each coalition size
    ``k`` of the others, ``P(k, hi - 1) - P(k, lo - 1)`` with the alternating prefix sums
    ``P(k, y) = sum_j (-1)^j C[k - j](min(y - j q, top))``. Every term of every query is
    gathered at once; residues are below 2^31, so the sums of at most n + 1 of them are
    exact in float64 (below 2^53) and the bincount that adds them up loses nothing.
    """
    n_rows, top = cumulative.shape[0], cumulative.shape[1] - 1
    ks, ys, signs, sizes = [], [], [], []
    for k in range(n_rows):
        size = k + b0
        lo = above(size + 1, bq + q)
        hi = above(size, bq)
        if hi > lo and 0 <= size < n:
            ks += [k, k]
            ys += [hi - 1, lo - 1]
            signs += [1, -1]
            sizes += [size, size]
    by_size = [0] * n
    if not ks:
        return by_size
    k_arr, y_arr = np.asarray(ks, dtype=np.int64), np.asarray(ys, dtype=np.int64)
    # Terms of each query: j = 0 .. min(k, y // q) (all k + 1 when q is 0), none if y < 0.
    reach = k_arr if q == 0 else np.minimum(k_arr, np.maximum(y_arr, -1) // q)
    n_terms = np.where(y_arr >= 0, reach + 1, 0)
    query = np.repeat(np.arange(k_arr.size), n_terms)
    j = np.arange(query.size) - np.repeat(np.cumsum(n_terms) - n_terms, n_terms)
    values = cumulative[k_arr[query] - j, np.minimum(y_arr[query] - j * q, top)]
    signed = np.where(j % 2 == 1, -values.astype(np.float64), values.astype(np.float64))
    totals = np.bincount(query, weights=signed, minlength=k_arr.size)
    for total, sign, size in zip(totals, signs, sizes, strict=True):
        by_size[size] += sign * round(float(total))
    return [count % modulus for count in by_size]
