"""One scenario run with some of its values changed: sweeps (a grid) and sensitivity (one
assumption at a time), all on common random numbers and one set of fitted models.

Every variant is the scenario's resolved tree with values replaced at key paths
(:mod:`forecast.keypaths`), validated exactly as a file would be, and run with the
same seed and paths as the scenario itself. Random streams are addressed by role
and index (:mod:`forecast.simulate`), so the variants draw the same numbers and
their differences are paired; fits are shared through
:func:`forecast.pipeline.fit`'s cache, so changing growth assumptions, shocks or
the target never refits a model.

Default sensitivity ranges (:data:`RULES`), used for every assumption a scenario's
``sensitivity`` block does not declare:

========================================  ==========================================
value                                     low / high
========================================  ==========================================
growth ``mean``, ``mode``, ``shift``      central − 0.05 / + 0.05 (5 percentage points)
spreads ``sd``, ``scale``, ``sd_below``,  central × 0.75 / × 1.25
``sd_above``
``df``                                    central × 0.5 / × 2 (at most 1000)
shock ``probability``                     central × 0.5 / × 1.5 (at most 1)
shock impact rates (a number, ``mean``,   central × 0.5 / × 1.5 (half and one and a
``mode``, ``low``, ``high``)              half times the hit)
shock ``recovery``                        central − 0.25 / + 0.25, within [0, 1]
``model-growth``: a shift of the model's  −0.05 / +0.05, in the years no growth
growth                                    entry covers
``model-spread``: a scale of the          × 0.75 / × 1.25, same years
model's spread around its mean
========================================  ==========================================
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.analysis.comparison import paired
from forecast.analysis.pipeline import run
from forecast.analysis.results import RunResult
from forecast.errors import ForecastError
from forecast.models.prior import Prior
from forecast.scenario import keypaths
from forecast.scenario.assumptions import GrowthAdjust, GrowthHistorical
from forecast.scenario.schema import IMPLICIT, Scenario

if TYPE_CHECKING:
    from forecast.analysis.loading import Prepared

#: ``prepare(tree, changes, verb=..., block=..., added=...)``: sets the changes, validates the
#: tree and selects its series (:func:`forecast.loading.variant` with the file bound).
Prepare = Callable[..., "Prepared"]

#: Kind of value -> (rule in words, low, high, smallest and largest allowed) of the default
#: sensitivity ranges; a value outside the bounds is clipped and the rule says so.
RULES: dict[str, tuple[str, Callable[[float], float], Callable[[float], float], float, float]] = {
    "rate": ("±5 pp", lambda c: c - 0.05, lambda c: c + 0.05, -0.99, 10.0),
    "spread": ("×0.75 / ×1.25", lambda c: c * 0.75, lambda c: c * 1.25, 0.0, 5.0),
    "df": ("×0.5 / ×2", lambda c: c * 0.5, lambda c: c * 2.0, 0.0, 1000.0),
    "probability": ("×0.5 / ×1.5", lambda c: c * 0.5, lambda c: c * 1.5, 0.0, 1.0),
    "impact": ("×0.5 / ×1.5", lambda c: c * 0.5, lambda c: c * 1.5, -0.99, 10.0),
    "recovery": ("±0.25", lambda c: c - 0.25, lambda c: c + 0.25, 0.0, 1.0),
}
_GROWTH_PARAMS = {"mean": "rate", "mode": "rate", "shift": "rate", "sd": "spread", "scale": "spread",
                  "sd_below": "spread", "sd_above": "spread", "df": "df"}
_IMPACT_PARAMS = {"mean": "impact", "mode": "impact", "low": "impact", "high": "impact",
                  "sd": "spread", "scale": "spread", "sd_below": "spread", "sd_above": "spread",
                  "df": "df"}


# --- sweeps ----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Point:
    """One grid point: the values set, and the run."""

    values: tuple[tuple[str, Any], ...]
    result: RunResult


@dataclass(frozen=True, eq=False)
class Sweep:
    """A scenario run over a grid of values (every combination, first key slowest), and each
    key's value as the file writes it (None where it leaves it to the default)."""

    keys: tuple[str, ...]
    points: tuple[Point, ...]
    as_written: dict[str, Any]


def grid(axes: Mapping[str, Sequence[Any]]) -> list[tuple[tuple[str, Any], ...]]:
    """Every combination of the axes' values, first key slowest."""
    keys = list(axes)
    return [tuple(zip(keys, combo)) for combo in itertools.product(*(axes[k] for k in keys))]


def _run(prep: Prepared, where: str, paths: int, seed: int,
         fits: dict[str, Any], prior: Prior | None = None) -> RunResult:
    return run(prep.scenario, where=where, paths=paths, seed=seed, series=prep.series,
               per_model=False, fits=fits, scenario_sha256=prep.file.sha256,
               data_sha256=prep.data_sha256, mirror=prep.mirror, prior=prior)


def sweep(tree: Mapping[str, Any], axes: Mapping[str, Sequence[Any]], prepare: Prepare, *,
          where: str, paths: int, seed: int, fits: dict[str, Any] | None = None,
          verb: str = "--set", prior: Prior | None = None) -> Sweep:
    """Run the scenario at every point of the grid, with common random numbers.

    Parameters
    ----------
    tree : mapping
        The scenario's resolved tree.
    axes : mapping
        Key path -> values.
    prepare : callable
        Sets the values, validates and selects the series (:data:`Prepare`).
    where : str
        The scenario file, for errors.
    verb : str
        ``--set`` (values from the command line) or ``sweep`` (the file's block).
    paths, seed : int
        Common to every point.
    fits : dict, optional
        Fit cache (:func:`forecast.pipeline.fit`); one is made if not given.
    prior : Prior, optional
        The pooled priors (``--priors``); default the shipped ones.
    """
    fits = {} if fits is None else fits
    points = []
    for changes in grid(axes):
        prep = prepare(tree, changes, verb=verb, block=None if verb == "--set" else "sweep")
        points.append(Point(changes, _run(prep, where, paths, seed, fits, prior)))
    written = {}
    for key in axes:
        try:
            written[key] = keypaths.get(tree, key)
        except KeyError:
            written[key] = None
    return Sweep(tuple(axes), tuple(points), written)


# --- sensitivity -----------------------------------------------------------------------

@dataclass(frozen=True)
class Assumption:
    """One assumption varied in a sensitivity analysis.

    Attributes
    ----------
    key : str
        Key path in the scenario (or ``model-growth`` / ``model-spread``).
    label : str
        What it is, in words.
    central, low, high : Any
        The scenario's value and the two it is moved to.
    rule : str
        ``declared`` (the scenario's ``sensitivity`` block) or the default rule applied.
    """

    key: str
    label: str
    central: Any
    low: Any
    high: Any
    rule: str


@dataclass(frozen=True, eq=False)
class Effect:
    """An assumption at its low and high value against the central run.

    ``p_low_se`` and ``p_high_se`` are paired standard errors of the differences
    from the central probability (common random numbers).
    """

    assumption: Assumption
    low: RunResult
    high: RunResult
    p_low_se: float
    p_high_se: float

    @property
    def swing(self) -> float:
        """|P(high) − P(low)|, by which the tornado is sorted."""
        return abs(self.high.feasibility.probability - self.low.feasibility.probability)


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """The central run and each assumption's effect, largest swing first."""

    central: RunResult
    effects: tuple[Effect, ...]
    notes: tuple[str, ...]


def _span_text(years: tuple[int, int] | None) -> str:
    if years is None:
        return "every year"
    return str(years[0]) if years[0] == years[1] else f"{years[0]}–{years[1]}"


def uncovered_years(sc: Scenario, last_year: int) -> list[tuple[int, int]]:
    """Runs of simulated years in which no growth entry replaces or adjusts the model."""
    covered = {y for g in sc.growth for y in range(g.years[0], g.years[1] + 1)}
    free = [y for y in range(last_year + 1, sc.target.year + 1) if y not in covered]
    runs: list[tuple[int, int]] = []
    for y in free:
        if runs and runs[-1][1] == y - 1:
            runs[-1] = (runs[-1][0], y)
        else:
            runs.append((y, y))
    return runs


def default_assumptions(sc: Scenario, last_year: int) -> list[Assumption]:
    """Every assumption of the scenario with its default low and high (:data:`RULES`)."""
    out: list[Assumption] = []

    def add(key: str, label: str, central: float, kind: str) -> None:
        rule, lo, hi, least, most = RULES[kind]
        raw = (keypaths.tidy(lo(central)), keypaths.tidy(hi(central)))
        low, high = (min(max(v, least), most) for v in raw)
        clipped = [f"{'low' if i == 0 else 'high'} clipped to {v:g}"
                   for i, (r, v) in enumerate(zip(raw, (low, high))) if r != v]
        if low != high:
            out.append(Assumption(key, label, central, low, high,
                                  f"default {rule}" + (f" ({', '.join(clipped)})" if clipped else "")))

    for i, g in enumerate(sc.growth):
        if isinstance(g, GrowthHistorical):
            continue
        what = f"growth {_span_text(g.years)}"
        kind = "adjustment" if isinstance(g, GrowthAdjust) else g.dist
        for name, rule in _GROWTH_PARAMS.items():
            if name in type(g).model_fields:
                add(f"growth[{i}].{name}", f"{what} ({kind}): {name}", float(getattr(g, name)), rule)
    for i, s in enumerate(sc.shocks):
        what = f"shock {s.name!r}"
        if s.probability > 0:
            add(f"shocks[{i}].probability", f"{what}: probability a year", s.probability, "probability")
        if isinstance(s.impact, (int, float)):
            add(f"shocks[{i}].impact", f"{what}: impact", float(s.impact), "impact")
        else:
            for name, rule in _IMPACT_PARAMS.items():
                if name in type(s.impact).model_fields:
                    add(f"shocks[{i}].impact.{name}", f"{what}: impact {name}",
                        float(getattr(s.impact, name)), rule)
        add(f"shocks[{i}].recovery", f"{what}: share recovered the next year", s.recovery, "recovery")
    free = uncovered_years(sc, last_year)
    if free:
        span = ", ".join(_span_text(r) for r in free)
        out.append(Assumption("model-growth", f"model's growth, {span}: shift", 0.0, -0.05, 0.05,
                              "default ±5 pp"))
        out.append(Assumption("model-spread", f"model's spread, {span}: scale", 1.0, 0.75, 1.25,
                              "default ×0.75 / ×1.25"))
    return out


def assumptions(sc: Scenario, tree: Mapping[str, Any], last_year: int) -> list[Assumption]:
    """The defaults, with the scenario's ``sensitivity`` block overriding or adding ranges."""
    found = {a.key: a for a in default_assumptions(sc, last_year)}
    for key, (low, high) in (sc.sensitivity or {}).items():
        if key in IMPLICIT:
            central: Any = 0.0 if key == "model-growth" else 1.0
        else:
            try:
                central = keypaths.get(tree, key)
            except KeyError:
                central = None  # a default the file does not write; the schema fills it
        label = found[key].label if key in found else key
        if key in found and central is None:
            central = found[key].central
        found[key] = Assumption(key, label, central, low, high, "declared")
    return list(found.values())


def _implicit(tree: Mapping[str, Any], sc: Scenario, last_year: int, key: str,
              value: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """``tree`` with the model's growth shifted or its spread scaled in the uncovered years,
    and the key paths of the entries added (named ``sensitivity.<key>`` in errors)."""
    param = "shift" if key == "model-growth" else "scale"
    extra = [{"years": f"{a}..{b}", param: value} for a, b in uncovered_years(sc, last_year)]
    first = len(tree.get("growth", []))
    added = {f"growth[{first + i}]": f"sensitivity.{key}" for i in range(len(extra))}
    return {**tree, "growth": [*tree.get("growth", []), *extra]}, added


def sensitivity(prepared: Prepared, prepare: Prepare, *, paths: int, seed: int,
                fits: dict[str, Any] | None = None) -> Sensitivity:
    """Move each assumption to its low and its high value, one at a time.

    Parameters
    ----------
    prepared : Prepared
        The scenario as written (:func:`forecast.loading.prepare`).
    prepare : callable
        Sets the values, validates and selects the series (:data:`Prepare`).
    paths, seed : int
        Common to every run.
    fits : dict, optional
        Fit cache shared by every run.

    Notes
    -----
    A declared value the schema rejects is an error; a default one (a rule applied to
    an unusual central value) is skipped with a note.
    """
    fits = {} if fits is None else fits
    sc, where, tree = prepared.scenario, prepared.file.where, prepared.file.tree
    last = prepared.series.last_year
    central = _run(prepared, where, paths, seed, fits)
    effects, notes = [], list(central.notes)
    if not sc.sensitivity and not default_assumptions(sc, last):
        notes.append("nothing to vary: every simulated year has a growth assumption without "
                     "parameters (historical) and there are no shocks")
    free = uncovered_years(sc, last)
    for a in assumptions(sc, tree, last):
        if a.key in IMPLICIT and not free:
            notes.append(f"{a.key} has no effect: every simulated year has a growth assumption, "
                         "so the model's own growth is not used")
            continue
        ends = []
        for value in (a.low, a.high):
            t, added = _implicit(tree, sc, last, a.key, value) if a.key in IMPLICIT else (tree, {})
            declared = a.rule == "declared"
            try:
                prep = prepare(t, [(a.key, value)], verb="sensitivity",
                               block="sensitivity" if declared else None, added=added)
            except ForecastError as e:
                if declared:
                    raise
                notes.append(f"{a.label} not varied: {e.problems[0].message}")
                break
            ends.append(_run(prep, where, paths, seed, fits))
        if len(ends) == 2:
            se = [paired(central, r)[1] for r in ends]
            effects.append(Effect(a, ends[0], ends[1], se[0], se[1]))
    effects.sort(key=lambda e: (-e.swing, -abs(median(e.high) - median(e.low))))
    return Sensitivity(central, tuple(effects), tuple(notes))


def check(prepared: Prepared, prepare: Prepare) -> int:
    """Validate every value of the scenario's ``sweep`` block and every declared
    ``sensitivity`` value, one at a time, without running anything.

    Returns
    -------
    int
        The number of values checked.

    Raises
    ------
    ScenarioError
        At the first value the schema or the data reject, naming the block and key.
    """
    sc, tree = prepared.scenario, prepared.file.tree
    n = 0
    for key, values in (sc.sweep or {}).items():
        for v in values:
            prepare(tree, [(key, v)], verb="sweep", block="sweep")
            n += 1
    for key, ends in (sc.sensitivity or {}).items():
        for v in ends:
            t, added = (_implicit(tree, sc, prepared.series.last_year, key, v) if key in IMPLICIT
                        else (tree, {}))
            prepare(t, [(key, v)], verb="sensitivity", block="sensitivity", added=added)
            n += 1
    return n


def median(r: RunResult) -> float:
    """The target-year median level of a run."""
    return float(r.feasibility.quantiles[r.scenario.target.year][0.5])


def is_numeric(values: Sequence[Any]) -> bool:
    """Whether every value is a number (a sweep chart can put it on an axis)."""
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v)
               for v in values)
