"""Field types shared by the scenario's records (ids, ranges, dates) and their base class."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr

__all__: list[str] = []

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
REGION_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

Id = Annotated[StrictStr, Field(pattern=ID_PATTERN, max_length=64)]
RegionCode = Annotated[StrictStr, Field(pattern=REGION_PATTERN)]
Text = Annotated[StrictStr, Field(max_length=20_000)]
Name = Annotated[StrictStr, Field(min_length=1, max_length=300)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Scale100 = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100)]
Unit = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1)]
# Relative clout, bounded so that sums and products over thousands of actors stay finite.
MAX_CAPABILITY = 1e9
Capability = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=MAX_CAPABILITY)]


def capability_too_large(value: float) -> str:
    """Return the message for a capability above :data:`MAX_CAPABILITY`."""
    return (
        f"capability {value:g} is above {MAX_CAPABILITY:g}, where sums over the actors stop "
        "being exact. Scale the capabilities down: only their ratios matter."
    )


CapabilityBound = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=MAX_CAPABILITY)]
Range100 = tuple[Scale100, Scale100]
RangeUnit = tuple[Unit, Unit]
SourceKind = Literal["stated", "reported", "analysis"]
Curve = Literal["linear", "quadratic"]


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


def date_text(value: object) -> object:
    # YAML reads 2025-02-12 as a date; a partial date ("2025-02") stays text.
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def calendar_date(value: str) -> str:
    """Return a partial date that names a real month and day (``2025-13`` does not)."""
    parts = value.split("-")
    try:
        if len(parts) == 3:
            dt.date.fromisoformat(value)
        elif len(parts) == 2:
            dt.date(int(parts[0]), int(parts[1]), 1)
    except ValueError:
        msg = (
            f"{value!r} is not a calendar date: expected YYYY, YYYY-MM or YYYY-MM-DD with a "
            "month from 01 to 12 and a day that month has"
        )
        raise ValueError(msg) from None
    return value


PartialDate = Annotated[StrictStr, Field(pattern=DATE_PATTERN), AfterValidator(calendar_date)]
