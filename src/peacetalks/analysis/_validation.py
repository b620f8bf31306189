"""Argument checks shared by the deal-space kernels.

Every check returns the argument as a fresh, read-only-safe NumPy array of the expected
dtype, or raises :class:`~peacetalks.errors.ParameterError` with a message that says what
was expected, what was got and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from peacetalks.errors import ParameterError

__all__: list[str] = []

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def check_tables(tables: Sequence[npt.ArrayLike], *, caller: str) -> list[FloatArray]:
    """Return the utility tables as float64 arrays of shape ``(n_actors, n_options_i)``."""
    if isinstance(tables, np.ndarray) and tables.dtype != object and tables.ndim != 3:
        msg = (
            f"The 'tables' parameter of {caller} must be a sequence of 2-d arrays of shape "
            f"(n_actors, n_options_i), one per issue. Got an array of shape {tables.shape} "
            "instead. Pass a list with one table per issue."
        )
        raise ParameterError(msg, parameter="tables", value=tables)
    checked: list[FloatArray] = []
    for i, table in enumerate(tables):
        array = np.asarray(table, dtype=np.float64)
        if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
            msg = (
                f"The 'tables' parameter of {caller} must hold 2-d arrays of shape "
                f"(n_actors, n_options_i) with at least one actor and one option. "
                f"Got shape {array.shape} for issue {i} instead."
            )
            raise ParameterError(msg, parameter="tables", value=tables)
        if checked and array.shape[0] != checked[0].shape[0]:
            msg = (
                f"The 'tables' parameter of {caller} must have the same number of actors "
                f"(rows) in every issue. Got {checked[0].shape[0]} rows for issue 0 and "
                f"{array.shape[0]} for issue {i} instead."
            )
            raise ParameterError(msg, parameter="tables", value=tables)
        if not np.all(np.isfinite(array)):
            msg = (
                f"The 'tables' parameter of {caller} must hold finite utilities. Got NaN or "
                f"infinity in issue {i} instead."
            )
            raise ParameterError(msg, parameter="tables", value=tables)
        checked.append(np.array(array, dtype=np.float64, copy=True))
    if not checked:
        msg = (
            f"The 'tables' parameter of {caller} must hold at least one issue. Got an empty "
            "sequence instead."
        )
        raise ParameterError(msg, parameter="tables", value=tables)
    return checked


def check_reservations(
    reservations: npt.ArrayLike | None, n_actors: int, *, caller: str
) -> FloatArray:
    """Return reservations as float64 ``(n_actors,)``; ``None`` means minus infinity."""
    if reservations is None:
        return np.full(n_actors, -np.inf)
    array = np.asarray(reservations, dtype=np.float64)
    if array.shape != (n_actors,):
        msg = (
            f"The 'reservations' parameter of {caller} must have shape ({n_actors},), one "
            f"value per actor. Got shape {array.shape} instead."
        )
        raise ParameterError(msg, parameter="reservations", value=reservations)
    if np.any(np.isnan(array)):
        msg = f"The 'reservations' parameter of {caller} must not contain NaN. Got {array}."
        raise ParameterError(msg, parameter="reservations", value=reservations)
    return np.array(array, copy=True)


def check_admissible(
    admissible: Sequence[npt.ArrayLike] | None,
    tables: Sequence[FloatArray],
    *,
    caller: str,
) -> list[BoolArray]:
    """Return red-line masks as bool arrays shaped like ``tables``; ``None`` means all True."""
    if admissible is None:
        return [np.ones(table.shape, dtype=np.bool_) for table in tables]
    masks = list(admissible)
    if len(masks) != len(tables):
        msg = (
            f"The 'admissible' parameter of {caller} must hold one mask per issue "
            f"({len(tables)}). Got {len(masks)} instead."
        )
        raise ParameterError(msg, parameter="admissible", value=admissible)
    checked: list[BoolArray] = []
    for i, (mask, table) in enumerate(zip(masks, tables, strict=True)):
        array = np.asarray(mask)
        if array.dtype != np.bool_ or array.shape != table.shape:
            msg = (
                f"The 'admissible' parameter of {caller} must hold bool arrays shaped like "
                f"the tables. Got dtype {array.dtype} and shape {array.shape} for issue {i} "
                f"instead of bool and {table.shape}."
            )
            raise ParameterError(msg, parameter="admissible", value=admissible)
        checked.append(np.array(array, copy=True))
    return checked


def check_veto(veto: npt.ArrayLike | None, n_actors: int, *, caller: str) -> BoolArray:
    """Return the veto mask as bool ``(n_actors,)``; ``None`` means every actor holds one."""
    if veto is None:
        return np.ones(n_actors, dtype=np.bool_)
    array = np.asarray(veto)
    if array.dtype != np.bool_ or array.shape != (n_actors,):
        msg = (
            f"The 'veto' parameter of {caller} must be a bool array of shape ({n_actors},). "
            f"Got dtype {array.dtype} and shape {array.shape} instead."
        )
        raise ParameterError(msg, parameter="veto", value=veto)
    return np.array(array, copy=True)


def check_tol(tol: float, *, caller: str) -> float:
    """Return ``tol`` as a float after checking it is finite and non-negative."""
    if not (isinstance(tol, int | float) and np.isfinite(tol) and tol >= 0):
        msg = f"The 'tol' parameter of {caller} must be a finite float >= 0. Got {tol!r} instead."
        raise ParameterError(msg, parameter="tol", value=tol)
    return float(tol)


def check_positive_int(value: Any, name: str, *, caller: str, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        msg = (
            f"The '{name}' parameter of {caller} must be an int >= {minimum}. "
            f"Got {value!r} instead."
        )
        raise ParameterError(msg, parameter=name, value=value)
    return int(value)


def freeze(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Mark ``array`` read-only and return it, so frozen results stay frozen."""
    array.flags.writeable = False
    return array
