"""Hypothesis strategies shared by the tests of the array kernels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

__all__ = ["DealSpace", "deal_spaces", "utility_points"]

# Quarter steps are exact in binary, so sums tie exactly and duplicates really occur.
_QUARTERS = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
# Arbitrary-looking values on a 1e-6 grid: differences are either 0 or far above the
# kernels' 1e-12 tie tolerance, so results never hinge on rounding at the tolerance.
_UNIT = st.integers(0, 10**6).map(lambda k: k / 10**6)


@dataclass(frozen=True)
class DealSpace:
    """A small additive deal space, as the compile step hands it to the kernels.

    Parameters
    ----------
    tables : list of ndarray of shape (n_actors, n_options_i)
    reservations : ndarray of shape (n_actors,)
    admissible : list of bool ndarray of shape (n_actors, n_options_i)
    veto : bool ndarray of shape (n_actors,)
    """

    tables: list[npt.NDArray[np.float64]]
    reservations: npt.NDArray[np.float64]
    admissible: list[npt.NDArray[np.bool_]]
    veto: npt.NDArray[np.bool_]

    @property
    def option_counts(self) -> list[int]:
        """Return the number of options of each issue."""
        return [table.shape[1] for table in self.tables]


@st.composite
def deal_spaces(
    draw: st.DrawFn,
    *,
    min_actors: int = 1,
    max_actors: int = 4,
    max_issues: int = 4,
    max_options: int = 4,
) -> DealSpace:
    """Draw a small deal space: tables, reservations, red lines and vetoes.

    Values are either quarter steps (many exact ties and duplicate deals) or arbitrary
    floats in [0, 1]; reservations are shares of each actor's best total.
    """
    n_actors = draw(st.integers(min_actors, max_actors))
    n_issues = draw(st.integers(1, max_issues))
    values = draw(st.sampled_from([_QUARTERS, _UNIT]))
    tables = [
        draw(arrays(np.float64, (n_actors, draw(st.integers(1, max_options))), elements=values))
        for _ in range(n_issues)
    ]
    # Each reservation is a share of the actor's best total, so ZOPAs are neither
    # always empty nor always everything.
    share = st.sampled_from([0.5, 0.25, 0.75, 0.0, 1.0])
    shares = draw(arrays(np.float64, n_actors, elements=share))
    reservations = shares * np.sum([table.max(axis=1) for table in tables], axis=0)
    allowed = st.sampled_from([True, True, True, False])
    admissible = [draw(arrays(np.bool_, table.shape, elements=allowed)) for table in tables]
    veto = draw(arrays(np.bool_, n_actors, elements=st.sampled_from([True, True, False])))
    return DealSpace(tables, reservations, admissible, veto)


def utility_points(
    *, max_points: int = 60, max_actors: int = 5
) -> st.SearchStrategy[npt.NDArray[np.float64]]:
    """Return a strategy of utility vectors ``(n_points, n_actors)`` with many ties."""
    shapes = st.tuples(st.integers(0, max_points), st.integers(1, max_actors))
    return shapes.flatmap(
        lambda shape: arrays(
            np.float64, shape, elements=st.one_of(_QUARTERS, _UNIT) if shape[0] % 2 else _QUARTERS
        )
    )
