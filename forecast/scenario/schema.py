"""The scenario format: one pydantic schema, unknown keys forbidden.

A scenario file is read by :mod:`forecast.files` (safe YAML, ``extends``
resolved) into a mapping; :func:`parse` turns it into a frozen
:class:`Scenario` or raises :class:`~forecast.errors.ScenarioError` listing
every problem with its key path, e.g. ``growth[1].sd: must be >= 0 (got -0.02)``.

Growth and shock conventions
----------------------------
Trade is modelled in log levels; a year's *growth* is the difference of log
levels. Assumptions are written as growth rates, the way analysts quote them:

* ``mean`` / ``mode`` / ``low`` / ``high`` / ``shift`` and fixed impacts are
  growth rates (``0.08`` is +8 %); they enter the log scale as ``log(1 + r)``,
  so ``mean: 0.08`` makes the median growth exactly +8 %.
* ``sd``, ``scale``, ``sd_below`` and ``sd_above`` are spreads of log growth
  (close to spreads of the growth rate when small).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from forecast.data.series import Period, parse_period
from forecast.errors import Problem, ScenarioError
from forecast.limits import MAX_PATHS

MODEL_NAMES = ("auto", "pooled", "rw-drift", "ets", "arima", "theta", "llt", "bootstrap")


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


# --- distributions (of annual log growth, or of a shock's log impact) ---------------------

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


class Target(Strict):
    """``level``: the value in ``year`` reaches ``value``; ``by``: in any year up to it."""

    value: float = Field(gt=0.0, description="US dollars")
    year: int = Field(ge=1900, le=2200)
    kind: Literal["level", "by"] = "level"


class DataSpec(Strict):
    """Which figures of a data file a run uses."""

    file: str = Field(min_length=1)
    reporter: str = Field(pattern=r"^([A-Z]{3}|both)$",
                          description="whose statistics (ISO3), or 'both' (then give basis)")
    basis: str | None = Field(default=None, pattern=r"^[A-Z]{3}$",
                              description="with reporter: both, whose statistics the target is on")
    partner: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    measure: Literal["turnover", "exports", "imports"] = "turnover"
    as_of: dt.date | None = Field(default=None, description="figures published after it are not used")
    start: int | None = Field(default=None, ge=1900, le=2200, description="first year used")
    publication_lag_months: int = Field(default=12, ge=0, le=120)
    exclude_flags: tuple[str, ...] = Field(
        default=("lower-bound", "basis-unclear"),
        description="figures carrying any of these flags are not used")

    @model_validator(mode="after")
    def _basis(self) -> DataSpec:
        if self.reporter == "both" and self.basis is None:
            raise ValueError("reporter: both needs basis: the country whose statistics the target "
                             "is stated in (e.g. basis: KGZ)")
        if self.reporter != "both" and self.basis not in (None, self.reporter):
            raise ValueError(f"basis goes with reporter: both (got reporter {self.reporter}, "
                             f"basis {self.basis})")
        return self

    @property
    def target_reporter(self) -> str:
        """The country whose statistics the target is stated in."""
        return self.basis if self.reporter == "both" else self.reporter  # type: ignore[return-value]


class ModelSpec(Strict):
    """A model by name, with its options."""

    name: Literal["auto", "pooled", "rw-drift", "ets", "arima", "theta", "llt", "bootstrap"]
    parameter_uncertainty: bool = Field(
        default=True, description="rw-drift only: draw drift and volatility from their posterior")
    calibration: Literal["panel", "none"] = Field(
        default="panel", description="widen intervals by the factors learned on the trade panel")


class Simulation(Strict):
    """How many paths, from which seed; with ``precision``, ``tradecast run`` and ``report``
    simulate chunks of 100,000 paths until the standard error of P(target) is at most
    ``precision`` (up to ``max_paths``). Comparisons, sweeps and sensitivity runs use
    ``paths``: their points share their paths."""

    paths: WholeNumber = Field(default=100_000, ge=1, le=MAX_PATHS)
    seed: WholeNumber = Field(default=0, ge=0, le=2**63 - 1)
    precision: float | None = Field(default=None, gt=0, le=0.1, description=(
        "Stop once the standard error of P(target) is at most this (0.0005 = 0.05 pp)."))
    max_paths: WholeNumber = Field(default=10_000_000, ge=1, le=MAX_PATHS, description=(
        "With precision: the most paths a run simulates."))
    antithetic: bool = Field(default=False, description=(
        "Draw paths in antithetic pairs (each with its normal draws negated) where the model "
        "allows (rw-drift, theta, auto) and no later figures weight the paths; an odd number "
        "of paths is rounded up by one."))


def _history_key(v: Any) -> Period:
    if isinstance(v, bool):
        raise ValueError(f"expected a year like 2023 or a period like '2025-01..2025-08' (got {v!r})")
    text = str(v)
    try:
        p = parse_period(text)
    except ValueError:
        raise ValueError(
            f"expected a year like 2023 or a period like '2025-01..2025-08' (got {text!r})"
        ) from None
    if p.kind == "month":
        raise ValueError(f"a single month is not supported; use a year-to-date range (got {text!r})")
    if p.kind == "ytd" and p.last_month == 12:
        raise ValueError(f"a January–December figure is the year's total: write it as {p.year} "
                         f"(got {text!r})")
    return p


HistoryKey = Annotated[Period, BeforeValidator(_history_key), WithJsonSchema(
    {"type": "string", "pattern": r"^\d{4}(-01\.\.\d{4}-\d{2})?$"})]


#: Pseudo-keys of a ``sensitivity`` block for what every scenario assumes implicitly: a
#: shift of the model's growth (a rate) and a scale of its spread, in the years no
#: ``growth`` entry covers.
IMPLICIT = ("model-growth", "model-spread")


def _variable_key(v: Any, implicit: bool = False) -> str:
    from forecast.scenario.keypaths import parts

    if not isinstance(v, str):
        raise ValueError(f"expected a key path like growth[0].mean (got {v!r})")
    if implicit and v in IMPLICIT:
        return v
    parts(v)
    return v


def _sweep_values(v: Any) -> list[Any]:
    from forecast.scenario.keypaths import parse_values

    if isinstance(v, str):
        return parse_values(v)
    if isinstance(v, list) and v:
        return v
    raise ValueError(f"expected a list of values or 'FROM..TO/N' (got {v!r})")


def _low_high(v: Any) -> Any:
    if not isinstance(v, (list, tuple)) or len(v) != 2:
        raise ValueError(f"expected [low, high] (got {v!r})")
    if v[0] == v[1]:
        raise ValueError(f"low and high are the same value (got {list(v)!r})")
    return tuple(v)


SweepKey = Annotated[str, BeforeValidator(_variable_key)]
SensitivityKey = Annotated[str, BeforeValidator(lambda v: _variable_key(v, implicit=True))]
SweepValues = Annotated[list[Any], BeforeValidator(_sweep_values), WithJsonSchema({
    "anyOf": [{"type": "array", "minItems": 1}, {"type": "string", "examples": ["0..0.2/11"]}]})]


class Scenario(Strict):
    """A feasibility question and the assumptions to answer it with."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=100)
    title: str | None = None
    description: str | None = None
    extends: str | None = Field(default=None, description="file to inherit from, then override")
    data: DataSpec | None = None
    history: dict[HistoryKey, Annotated[float, Field(gt=0.0)]] | None = Field(
        default=None, description="US dollars by year or year-to-date period"
    )
    target: Target
    model: Annotated[
        ModelSpec,
        BeforeValidator(lambda v: {"name": v} if isinstance(v, str) else v),
        WithJsonSchema({"anyOf": [{"enum": list(MODEL_NAMES)}, ModelSpec.model_json_schema()]}),
    ] = ModelSpec(name="auto")
    growth: tuple[Growth, ...] = ()
    shocks: tuple[Shock, ...] = ()
    simulation: Simulation = Simulation()
    sweep: dict[SweepKey, SweepValues] | None = Field(
        default=None, description="tradecast run: key path -> values to run the scenario with "
        "(a grid over every key)")
    sensitivity: dict[SensitivityKey, Annotated[tuple[Any, Any], BeforeValidator(_low_high), WithJsonSchema(
        {"type": "array", "minItems": 2, "maxItems": 2})]] | None = Field(
        default=None, description="tradecast sensitivity: key path (or model-growth, "
        "model-spread) -> [low, high]")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        for key, ends in (self.sensitivity or {}).items():
            if key in IMPLICIT:
                low = 0.0 if key == "model-spread" else -1.0
                if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > low
                           or (key == "model-spread" and x == 0) for x in ends):
                    what = "scales >= 0" if key == "model-spread" else "growth rates > -1"
                    raise ValueError(f"sensitivity.{key}: expected two {what} (got {list(ends)!r})")
        if (self.data is None) == (self.history is None):
            raise ValueError("give exactly one of 'data' (a data file) or 'history' (inline figures)")
        if self.history is not None:
            n = sum(1 for p in self.history if p.kind == "year")
            if n < 3:
                raise ValueError(f"history: at least 3 annual observations needed (got {n})")
        spans = [(i, g.years) for i, g in enumerate(self.growth)]
        for i, (a0, a1) in spans:
            for j, (b0, b1) in spans[:i]:
                if a0 <= b1 and b0 <= a1:
                    raise ValueError(f"growth[{i}].years {a0}..{a1} overlaps growth[{j}].years "
                                     f"{b0}..{b1}; give each year one assumption")
        return self



# --- errors ----------------------------------------------------------------------------

_TAGS = {"normal", "student-t", "two-piece-normal", "historical", "adjust", "uniform", "number"}


def _all_fields() -> set[str]:
    names: set[str] = set()
    for cls in (Scenario, DataSpec, Target, ModelSpec, Simulation, Shock, Normal, StudentT,
                TwoPieceNormal, Uniform, GrowthAdjust):
        names.update(cls.model_fields)
    return names


def key_path(loc: tuple[Any, ...]) -> str:
    """``('growth', 1, 'sd')`` as ``growth[1].sd``."""
    out = ""
    for prev, part in zip((None, *loc), loc):
        if isinstance(part, int) and prev == "history":
            out += f".{part}"
        elif isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS or str(part).startswith(("function-", "literal[", "union[")):
            continue
        elif part == "[key]":
            out += " (key)"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        if name in _all_fields():  # a real key, of another kind of entry
            return (f"'{name}' is not a key of this kind of entry ('tradecast schema' lists the "
                    "keys of each kind)")
        close = difflib.get_close_matches(name, sorted(_all_fields()), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key{hint} ('tradecast schema' lists every key)"
    if kind == "missing":
        return "required key is missing"
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
              "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(ctx.values()))
        return f"must be {bounds[kind]} {limit} (got {got!r})"
    if kind in ("finite_number",):
        return f"must be a finite number (got {got!r})"
    if kind in ("growth_kind", "impact_kind") and isinstance(got, dict) and "dist" in got:
        return f"{err['msg']} (got dist {got['dist']!r})"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if msg and not msg[:2].isupper():  # "Input should..." -> "input should...", not "FROM.." -> "fROM.."
        msg = msg[0].lower() + msg[1:]
    if "(got" not in msg and kind not in ("growth_kind", "impact_kind") and got is not None \
            and not isinstance(got, (dict, list)):
        msg += f" (got {got!r})"
    elif kind in ("model_type", "dict_type") and isinstance(got, list):
        msg += " (got a list)"
    return msg


def problems_from(exc: ValidationError, where: str) -> list[Problem]:
    """One :class:`Problem` per pydantic error, with key paths users can find in their file."""
    out: list[Problem] = []
    for err in exc.errors():
        out.append(Problem(where, key_path(tuple(err["loc"])), _message(dict(err))))
    return out


def parse(raw: Any, where: str) -> Scenario:
    """Validate a mapping read from a scenario file.

    Raises
    ------
    ScenarioError
        Listing every problem, each with its key path.
    """
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else type(raw).__name__
        raise ScenarioError(where, "", f"expected a mapping of keys (name, target, ...) at the "
                            f"top level (got {kind})")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(where, problems=problems_from(exc, where)) from None


def json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format, for editors' YAML plugins."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tradecast scenario"
    # A file that extends another may leave out anything its base gives: editors see
    # required keys only where there is no `extends` (tradecast validate checks the rest).
    schema["if"] = {"required": ["extends"]}
    schema["else"] = {"required": schema.pop("required")}
    for sub in schema.get("$defs", {}).values():
        sub.pop("required", None) if sub.get("title") in ("DataSpec", "Target") else None
    return schema
