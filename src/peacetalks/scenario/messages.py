"""Turn pydantic's validation errors into peacetalks' one-line problems.

Each message says what is wrong with the value, what was expected and how to fix it,
in the project's sentence shape; the path and line are added by the caller.
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

__all__ = ["describe_error", "model_at"]

# Ranges with their wording, keyed by the field name nearest to the value.
_RANGES: dict[str, tuple[str, str, str]] = {
    "salience": ("salience", "[0, 1]", "Use a weight between 0 and 1."),
    "ideal": ("ideal point", "[0, 100]", "Place it on the issue's 0-100 scale."),
    "position": ("position", "[0, 100]", "Place it on the issue's 0-100 scale."),
    "reservation": (
        "reservation",
        "[0, 1]",
        "Give the utility of no deal on the 0-1 utility scale.",
    ),
    "utilities": ("utility", "[0, 1]", "Give utilities between 0 and 1."),
    "capability": (
        "capability",
        "(0, 1e9]",
        "Give a positive relative clout (only ratios matter: 0-100 is usual).",
    ),
    "share": ("share", "(0, 1]", "Give the fraction of the region's area, above 0 and at most 1."),
    "area_km2": ("area", "(0, 1e9]", "Give the area in square kilometres."),
    "population": ("population", "[0, 1e11]", "Give a whole number of people."),
    # Bodies (institutions).
    "weight": ("weight", "[0, 1e9]", "Give a weight of 0 or more, such as a number of seats."),
    "members_share": (
        "members_share",
        "[0, 1]",
        "Give the share of members needed as a fraction, such as 0.55.",
    ),
    "weight_share": (
        "weight_share",
        "[0, 1]",
        "Give the share of the total weight needed as a fraction, such as 0.5.",
    ),
    "population_share": (
        "population_share",
        "[0, 1]",
        "Give the share of the population needed as a fraction, such as 0.65.",
    ),
    "count": ("count", "[1, inf)", "Give the number of members in favour needed, at least 1."),
    "blocking_minority": (
        "blocking_minority",
        "[1, inf)",
        "Give the smallest number of members that can block, at least 1.",
    ),
    "detection": (
        "detection probability",
        "[0, 1]",
        "Give the chance that a violation in a period is detected, between 0 and 1.",
    ),
    "temptation": (
        "temptation",
        "[0, 1]",
        "Give the gain from a period's violation on the 0-1 utility scale.",
    ),
    "rewards": ("reward", "[0, 1]", "Give what moving on is worth on the 0-1 utility scale."),
    "cost": ("cost", "[0, 1]", "Give what the consequence costs on the 0-1 utility scale."),
    "days": ("duration", "[1, 3650] days", "Give the phase's length in whole days."),
    "quiet_days": ("quiet period", "[0, 3650] days", "Give a whole number of days."),
    "level": (
        "level",
        "[0, 3]",
        "Give a Peace Accords Matrix level: 0 not initiated, 1 minimal, 2 intermediate, 3 full.",
    ),
}

_PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9_.-]*$": (
        "an id of lower-case letters, digits, '-', '_' and '.', starting with a letter or digit"
    ),
    r"^[A-Z]{2}-[A-Z0-9]{1,3}$": "an ISO 3166-2 code such as 'UA-14'",
    r"^[A-Z]{2}$": "a two-letter ISO 3166-1 country code such as 'UA'",
    r"^\d{4}(-\d{2}(-\d{2})?)?$": "a date as YYYY, YYYY-MM or YYYY-MM-DD",
}


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _unwrap(annotation: Any) -> list[Any]:
    """Return the types an annotation may hold, looking through Optional/Annotated."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        found: list[Any] = []
        for arg in get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    return [annotation]


def model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """Return the model class that holds the value at ``loc``, if the path leads to one."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        nxt: Any = None
        for candidate in _unwrap(field.annotation):
            origin = get_origin(candidate)
            if origin in (tuple, list):
                args = [a for a in get_args(candidate) if a is not Ellipsis]
                inner = [t for a in args for t in _unwrap(a)]
                candidate = next((t for t in inner if isinstance(t, type)), None)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                nxt = candidate
        current = nxt
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


# Fields whose name means something else in another record: (record class, field).
_RANGES_IN: dict[tuple[str, str], tuple[str, str, str]] = {
    ("Event", "count"): ("count", "[0, 1e9]", "Give how many times it happened."),
    ("Event", "fatalities"): ("fatalities", "[0, 1e9]", "Give the number of people killed."),
}


def _range(root: type[BaseModel], loc: tuple[str | int, ...], value: Any, bound: str) -> str:
    holder = model_at(root, loc[:-1]) if loc else None
    if holder is not None and (holder.__name__, loc[-1]) in _RANGES_IN:
        name, interval, hint = _RANGES_IN[holder.__name__, str(loc[-1])]
        return f"{name} {value!r} is outside {interval}. {hint}"
    for part in reversed(loc):
        if isinstance(part, str) and part in _RANGES:
            name, interval, hint = _RANGES[part]
            return f"{name} {value!r} is outside {interval}. {hint}"
    return f"{value!r} must be {bound}."


def describe_error(root: type[BaseModel], error: ErrorDetails) -> str:
    """Return the message for one pydantic error (without path or line)."""
    kind = error["type"]
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = loc[-1] if loc else "?"
        model = model_at(root, loc[:-1])
        allowed = ", ".join(model.model_fields) if model else ""
        tail = f" Allowed keys here: {allowed}." if allowed else ""
        comma = ""
        if value is None:
            # `{author: Smith, John, ...}`: inside braces a comma ends the value, so the
            # rest of it reads as a key without a value.
            comma = (
                f" If {key!r} is part of the value before it, quote that value: inside"
                ' braces a comma separates entries ({author: "Smith, John"}).'
            )
        return f"unknown key {key!r}.{tail} Check the spelling or remove it.{comma}"
    if kind == "missing":
        return f"the required key {loc[-1]!r} is missing. Add it."
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        words = {
            "greater_than_equal": f">= {ctx.get('ge')}",
            "less_than_equal": f"<= {ctx.get('le')}",
            "greater_than": f"> {ctx.get('gt')}",
            "less_than": f"< {ctx.get('lt')}",
        }[kind]
        return _range(root, loc, value, words)
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        expected = "a whole number" if kind.startswith("int") else "a number"
        return f"expected {expected}, got {_got(value)}."
    if kind == "finite_number":
        return f"expected a finite number, got {_got(value)}."
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_got(value)}."
    if kind in ("string_type", "string_sub_type"):
        return f"expected text, got {_got(value)}. Put it in quotes if it is meant as text."
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        expected = _PATTERN_HINTS.get(pattern, f"text matching {pattern}")
        return f"{value!r} is not {expected}."
    if kind == "string_too_short":
        return "expected non-empty text, got an empty string."
    if kind == "string_too_long":
        return f"the text is longer than {ctx.get('max_length')} characters. Shorten it."
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length')}."
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}."
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {_got(value)}."
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of keys to values, got {_got(value)}."
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {_got(value)}."
    if kind.startswith("date"):
        return f"expected a date as YYYY-MM-DD, got {_got(value)}."
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        # A validator of ours: its message already says what was expected and got.
        return f"{ctx['error']}."
    return f"{error['msg']}; got {_got(value)}."
