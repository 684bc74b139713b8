"""The scenario format: one pydantic schema, unknown keys forbidden.

A scenario file is read by :mod:`forecast.scenario.loader` (safe YAML, ``extends``
resolved) into a mapping; :func:`parse` turns it into a frozen
:class:`Scenario` or raises :class:`~forecast.errors.ScenarioError` listing
every problem with its key path, e.g. ``growth[1].sd: must be >= 0 (got -0.02)``
(:mod:`.messages`). Growth assumptions and shocks are in :mod:`.assumptions`.

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
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from forecast.data.table import Period, parse_period
from forecast.errors import ScenarioError
from forecast.limits import MAX_PATHS
from forecast.scenario.assumptions import (
    Growth,
    Shock,
    Strict,
    WholeNumber,
)
from forecast.scenario.messages import problems_from

# --- distributions (of annual log growth, or of a shock's log impact) ---------------------


MODEL_NAMES = ("auto", "pooled", "rw-drift", "ets", "arima", "theta", "llt", "bootstrap")


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
