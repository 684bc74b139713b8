"""Growth assumptions and shocks of the scenario format (pydantic, unknown keys forbidden):
the distributions of a year's growth, the years they cover, and shocks with their impacts.
Conventions (rates and log spreads) in :mod:`.schema`."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)


class Strict(BaseModel):
    """Frozen, unknown keys forbidden, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _whole_number(v: Any) -> Any:
    """Accept 100000, 1e5 and 1.0e5 for an integer; reject booleans and fractions."""
    if isinstance(v, bool):
        raise ValueError(f"expected a whole number (got {v!r})")
    if isinstance(v, float):
        if not v.is_integer():
            raise ValueError(f"expected a whole number (got {v!r})")
        return int(v)
    return v


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


Rate = Annotated[float, Field(gt=-1.0, le=10.0, description="growth rate, 0.08 = +8 %")]


Spread = Annotated[float, Field(ge=0.0, le=5.0, description="spread of annual log growth")]


def _year_range(v: Any) -> tuple[int, int]:
    if isinstance(v, bool):
        raise ValueError(f"expected a year like 2025 or a range like '2025..2030' (got {v!r})")
    if isinstance(v, int):
        first = last = v
    elif isinstance(v, (list, tuple)) and len(v) == 2 and all(
            isinstance(x, int) and not isinstance(x, bool) for x in v):
        first, last = v
    elif isinstance(v, str) and re.fullmatch(r"\s*\d{4}\s*(\.\.\s*\d{4}\s*)?", v):
        a, _, b = v.partition("..")
        first, last = int(a), int(b or a)
    else:
        raise ValueError(f"expected a year like 2025 or a range like '2025..2030' (got {v!r})")
    if not (1900 <= first <= last <= 2200):
        raise ValueError(f"expected years between 1900 and 2200, first <= last (got {v!r})")
    return (first, last)


YearRange = Annotated[tuple[int, int], BeforeValidator(_year_range), WithJsonSchema({
    "anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\s*\d{4}\s*(\.\.\s*\d{4}\s*)?$"},
              {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}],
    "examples": [2025, "2025..2030"]})]


class Normal(Strict):
    """Log growth ~ Normal(log(1 + mean), sd)."""

    dist: Literal["normal"]
    mean: Rate = 0.0
    sd: Spread


class StudentT(Strict):
    """Log growth ~ log(1 + mean) + scale * t(df): heavier tails than the normal."""

    dist: Literal["student-t"]
    mean: Rate = 0.0
    scale: Spread
    df: float = Field(gt=0.0, le=1000.0)


class TwoPieceNormal(Strict):
    """Two halves of normals joined at the mode, as in central banks' fan charts.

    Below ``log(1 + mode)`` the spread is ``sd_below``, above it ``sd_above``;
    the probability of falling below the mode is sd_below / (sd_below + sd_above)
    (Wallis 2014, "The two-piece normal, binormal, or double Gaussian distribution").
    """

    dist: Literal["two-piece-normal"]
    mode: Rate
    sd_below: Spread
    sd_above: Spread


class Uniform(Strict):
    """Log impact uniform between log(1 + low) and log(1 + high)."""

    dist: Literal["uniform"]
    low: Rate
    high: Rate

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low must be <= high (got low={self.low}, high={self.high})")
        return self


class Historical(Strict):
    """Resample the series' own one-year log growth rates, independently each year."""

    dist: Literal["historical"]


def _tag(v: Any) -> str:
    if isinstance(v, dict):
        d = v.get("dist")
        return str(d) if d is not None else "adjust"
    if isinstance(v, BaseModel):  # when serialising a parsed scenario
        return str(getattr(v, "dist", "adjust"))
    return "number" if isinstance(v, (int, float)) and not isinstance(v, bool) else "other"


class _Years(Strict):
    years: YearRange


class GrowthNormal(Normal, _Years):
    """Replace the model's growth in these years by a normal."""


class GrowthStudentT(StudentT, _Years):
    """Replace the model's growth in these years by a Student-t."""


class GrowthTwoPiece(TwoPieceNormal, _Years):
    """Replace the model's growth in these years by a two-piece normal."""


class GrowthHistorical(Historical, _Years):
    """Replace the model's growth in these years by resampled historical growth."""


class GrowthAdjust(_Years):
    """Adjust the model's growth in these years: g' = m + scale * (g - m) + log(1 + shift).

    ``m`` is the model's mean log growth for the year, so ``scale`` widens or narrows
    the spread around it and ``shift`` moves it (``0.05`` multiplies each year's
    growth factor by 1.05).
    """

    shift: Rate = 0.0
    scale: Spread = 1.0


Growth = Annotated[
    Union[
        Annotated[GrowthNormal, Tag("normal")],
        Annotated[GrowthStudentT, Tag("student-t")],
        Annotated[GrowthTwoPiece, Tag("two-piece-normal")],
        Annotated[GrowthHistorical, Tag("historical")],
        Annotated[GrowthAdjust, Tag("adjust")],
    ],
    Discriminator(_tag, custom_error_type="growth_kind",
                  custom_error_message="expected a mapping with 'dist' (normal, student-t, "
                  "two-piece-normal, historical) or with 'shift'/'scale'"),
]


Impact = Annotated[
    Union[
        Annotated[Rate, Tag("number")],
        Annotated[Normal, Tag("normal")],
        Annotated[StudentT, Tag("student-t")],
        Annotated[TwoPieceNormal, Tag("two-piece-normal")],
        Annotated[Uniform, Tag("uniform")],
    ],
    Discriminator(_tag, custom_error_type="impact_kind",
                  custom_error_message="expected a growth rate (e.g. -0.2) or a mapping with "
                  "'dist' (normal, student-t, two-piece-normal, uniform)"),
]


class Shock(Strict):
    """A discrete event: in each year it happens with ``probability``, independently.

    When it happens, the level that year is multiplied by exp(impact) (a number
    ``r`` means a factor 1 + r); the next year a share ``recovery`` of the log
    impact is undone (0: a lasting level shift, 1: gone the next year).
    """

    name: str = Field(min_length=1)
    probability: float = Field(ge=0.0, le=1.0)
    impact: Impact
    years: YearRange | None = None
    recovery: float = Field(default=0.0, ge=0.0, le=1.0)
