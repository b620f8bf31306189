"""The compiled sort-filter skyline (``_skyline.c``), loaded with :mod:`ctypes` when built.

``pip install`` builds the C file into a shared library beside this module
(``hatch_build.py``); a machine without a C compiler installs without it, and
:func:`~peacetalks.analysis._dominance.nondominated` then runs its NumPy filters alone,
with the same results. ``PEACETALKS_NO_NATIVE=1`` turns the library off (to compare the
two, or to rule it out).

:func:`skyline` answers only when the quadratic filter is cheap and exact: it gives up
(returns None) when the front is too large for the pair budget, or when a dominance
relies on the tie tolerance (where chains of near ties make the sort-filter inexact),
and the caller then runs the tree walk.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

import numpy as np

from peacetalks.analysis._validation import BoolArray, FloatArray

__all__ = ["LIBRARY_NAME", "available", "skyline"]

_VERSION = 1
LIBRARY_NAME = "libpeacetalks_skyline" + (".dll" if sys.platform == "win32" else ".so")
_DONE, _TOLERANCE_CHAIN, _OVER_BUDGET = 0, 1, 2
# Point pairs work counts, as in _dominance.work.
work = {"pairs": 0, "calls": 0, "gave_up": 0}


def _load() -> ctypes.CDLL | None:
    if os.environ.get("PEACETALKS_NO_NATIVE", "") not in ("", "0"):
        return None
    path = Path(__file__).with_name(LIBRARY_NAME)
    if not path.is_file():
        return None
    try:
        library = ctypes.CDLL(str(path))
        library.pt_version.restype = ctypes.c_int64
        if library.pt_version() != _VERSION:
            # Built from another version of _skyline.c (a stale editable build).
            return None
    except (OSError, AttributeError):
        return None
    function = library.pt_skyline
    double_p = ctypes.POINTER(ctypes.c_double)
    function.argtypes = [
        double_p,
        double_p,
        ctypes.c_int64,
        ctypes.c_int64,
        ctypes.c_double,
        ctypes.c_double,
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_ubyte),
        ctypes.POINTER(ctypes.c_int64),
    ]
    function.restype = ctypes.c_int
    return library


_LIBRARY = _load()


def available() -> bool:
    """Return whether the compiled filter is loaded."""
    return _LIBRARY is not None


def skyline(points: FloatArray, tol: float, max_pairs: int) -> BoolArray | None:
    """Return which rows no other row dominates, or None when the filter gives up.

    Parameters
    ----------
    points : ndarray of shape (n_points, n_actors)
        Finite utility vectors.
    tol : float
        Tie tolerance, >= 0.
    max_pairs : int
        Work bound: point pairs compared before giving up.

    Returns
    -------
    ndarray of shape (n_points,) or None
        None without the library, past the work bound, or when a dominance found needs
        the tolerance (see ``_skyline.c``).
    """
    if _LIBRARY is None:
        return None
    n_points, n_actors = points.shape
    if n_actors > 64:
        return None
    sums = points.sum(axis=1)
    order = np.argsort(-sums, kind="stable")
    columns = np.ascontiguousarray(points[order].T, dtype=np.float64)
    sorted_sums = np.ascontiguousarray(sums[order])
    # A dominator of p has sum >= sum(p) - (n_actors - 2) * tol in exact arithmetic; the
    # margin also covers rounding of the sums (as in _dominance._mask_sweep).
    scale = float(np.abs(points).max(initial=0.0)) * n_actors
    margin = n_actors * tol + 4 * n_actors * float(np.finfo(np.float64).eps) * scale
    keep = np.zeros(n_points, dtype=np.uint8)
    pairs = ctypes.c_int64(0)
    double_p = ctypes.POINTER(ctypes.c_double)
    status = _LIBRARY.pt_skyline(
        columns.ctypes.data_as(double_p),
        sorted_sums.ctypes.data_as(double_p),
        n_points,
        n_actors,
        tol,
        margin,
        max_pairs,
        keep.ctypes.data_as(ctypes.POINTER(ctypes.c_ubyte)),
        ctypes.byref(pairs),
    )
    work["calls"] += 1
    work["pairs"] += pairs.value
    if status != _DONE:
        work["gave_up"] += 1
        return None
    mask = np.empty(n_points, dtype=np.bool_)
    mask[order] = keep.view(np.bool_)
    return mask
