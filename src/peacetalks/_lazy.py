"""Lazy re-exports for package ``__init__`` modules (PEP 562).

A package lists what it re-exports and from where; each name is imported from its module
when first used, so importing one small module of a package (``peacetalks.scenario.load``)
does not import every sibling (the CSV readers, NumPy, the compiler). Type checkers read
the same names from the package's ``if TYPE_CHECKING:`` imports.

Some re-exported functions share their module's name (``briefing.deal_space``). Importing
such a module makes Python bind the module to the package's attribute of that name; the
package keeps the function there instead, as an eager ``from .x import x`` would.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["exports"]


class _Package(types.ModuleType):
    """A package whose re-exported names win over same-named submodules."""

    def __setattr__(self, name: str, value: Any) -> None:
        where: Mapping[str, str] = vars(self).get("_WHERE", {})
        if isinstance(value, types.ModuleType) and name in where:
            # The import system binding a submodule over a re-exported name: keep the
            # name lazy (or keep what it already holds).
            return
        super().__setattr__(name, value)


def exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that imports each name from its module on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    where : mapping from name to module
        The module each re-exported name lives in.
    """
    sys.modules[package].__class__ = _Package

    def lazy_getattr(name: str) -> Any:
        if name in where:
            value = getattr(importlib.import_module(where[name]), name)
            vars(sys.modules[package])[name] = value
            return value
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    return lazy_getattr
