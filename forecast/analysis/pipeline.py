"""Library entry points: from a scenario and its data to a feasibility answer. No I/O."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecast.analysis.feasibility import assess, probability_of
from forecast.analysis.question import (
    MAX_WEIGHTED_PATHS,
    StartError,
    check_years,
    closed_form,
    conditions,
    mirror_for,
    series_for,
    series_nowcast,
    start_error,
)
from forecast.analysis.record import window_record
from forecast.analysis.results import RunResult, fingerprint
from forecast.data.series import TradeSeries, years_text
from forecast.data.table import TradeData
from forecast.engine.nowcast import MONTHS, Nowcast
from forecast.engine.reporter_gap import Mirror
from forecast.engine.simulate import SimulationResult, antithetic_ok, simulate
from forecast.errors import ModelError, ScenarioError
from forecast.models import Fitted
from forecast.models.combination import Built, build, one_blas_thread
from forecast.models.pooled import Pooled
from forecast.models.prior import Prior
from forecast.scenario.assumptions import GrowthHistorical
from forecast.scenario.schema import Scenario

log = logging.getLogger(__name__)

#: Paths for each single model's probability beside ``auto``'s.
BY_MODEL_PATHS = 50_000


def fit(scenario: Scenario, series: TradeSeries, where: str, *, per_model: bool = True,
        fits: dict[str, Built] | None = None, prior: Prior | None = None) -> Built:
    """The scenario's model fitted to ``series``: from ``fits`` (this process), else from the
    on-disk cache (:mod:`forecast.fitcache`), else fitted now. Both caches use one key: the
    model settings, the pooled priors (``prior``, default the shipped ones) and the series.
    A fit with every comparison model also serves a run that needs only the chosen one."""
    from forecast.models import fitcache

    spec = scenario.model

    def key(every: bool) -> str:
        return fitcache.key((spec.name, spec.calibration, spec.parameter_uncertainty, every,
                             fingerprint(prior)), series.years, series.values)

    for every in (True, False) if per_model is False else (True,):
        k = key(every)
        built = fits.get(k) if fits is not None else None
        if built is None:
            built = fitcache.load(k)
        if built is not None:
            if fits is not None:
                fits[k] = built
            log.info("%s: models from the fit cache (%s)", spec.name, ", ".join(built.members))
            return built
    started = time.perf_counter()
    try:
        with one_blas_thread():
            built = build(spec.name, series.years, np.log(series.values),
                          calibrate=spec.calibration == "panel",
                          parameter_uncertainty=spec.parameter_uncertainty, every=per_model,
                          prior=prior)
    except ModelError as e:
        raise ModelError(where, "model", e.problems[0].message) from None
    if fits is not None:
        fits[key(per_model)] = built
    fitcache.save(key(per_model), built)
    log.info("%s: fitted %s in %.2f s", spec.name, ", ".join(built.members),
             time.perf_counter() - started)
    return built


def run(scenario: Scenario, data: TradeData | None = None, *, where: str = "<scenario>",
        paths: int | None = None, seed: int | None = None, scenario_sha256: str = "",
        data_sha256: str = "", series: TradeSeries | None = None, per_model: bool = True,
        fits: dict[str, Built] | None = None,
        mirror: Mirror | None = None, precision: float | None = None,
        antithetic: bool | None = None, prior: Prior | None = None,
        progress: Callable[[int], None] | None = None) -> RunResult:
    """Fit, simulate and assess one scenario.

    Parameters
    ----------
    scenario : Scenario
        A parsed scenario.
    data : TradeData, optional
        The scenario's data file, already read (required when it names one).
    where : str
        How to name the scenario in errors.
    paths, seed : int, optional
        Override the scenario's simulation settings.
    series : TradeSeries, optional
        The series :func:`series_for` already selected, to avoid selecting it twice.
    mirror : Mirror, optional
        With ``reporter: both``, :func:`mirror_for` already computed (else computed from
        ``data``).
    antithetic : bool, optional
        Draw antithetic pairs (default: the scenario's ``simulation.antithetic``); compare
        gives every scenario the first one's setting, so paths stay common random numbers.
    precision : float, optional
        Simulate until the standard error of P(target) is at most this (chunks of 100,000
        paths), up to ``paths`` if given, else the scenario's ``simulation.max_paths``.
    per_model : bool
        With ``auto``, also fit every single model and give each one's probability.
    prior : Prior, optional
        The pooled priors (``--priors FILE``); default the shipped ones.
    progress : callable, optional
        Told the paths done after each chunk of the answer's simulation.
    fits : dict, optional
        A cache of fitted models shared between runs (compare, sweeps, sensitivity): a
        fit is reused when the series and the model settings are the same, so varying
        growth assumptions, shocks or the target never refits.
    """
    series = series if series is not None else series_for(scenario, data, where)
    check_years(scenario, series, where)
    built = fit(scenario, series, where, per_model=per_model, fits=fits, prior=prior)
    model = built.model
    nowcast = series_nowcast(series)
    if mirror is None:
        mirror = mirror_for(scenario, data, series, where)
    plan = _plan(scenario, series, model, where, nowcast, mirror, paths, seed, precision, antithetic)
    started = time.perf_counter()
    sim = _simulate(plan, model, plan.paths, plan.precision, progress=progress)
    log.info("%s: simulated %s paths in %.2f s", model.name, f"{sim.paths:,}",
             time.perf_counter() - started)
    feas = assess(sim, scenario.target, series.last_year, series.last_value, series.years,
                  series.values)
    by_model = {model.name: (feas.probability, feas.probability_se, sim.paths)}
    dropped: list[str] = []
    if scenario.model.name == "auto" and per_model:
        dropped = _other_models(plan, built, min(sim.paths, BY_MODEL_PATHS), by_model)
    if not all(np.isfinite(v) and v > 0 for q in feas.quantiles.values() for v in q.values()):
        raise ModelError(where, "model", f"{model.name} forecasts overflow or vanish (growth in "
                         "this history is too extreme for it); check the history's values")
    closed = closed_form(model, plan.log_ratio, len(plan.years), plan.start) if plan.exact else None
    if plan.asked and not plan.pairs:
        dropped.append("simulation.antithetic asked for, but " + (
            "a run weighted by later figures" if plan.condition is not None else
            f"model {model.name}") + " draws no antithetic pairs: plain sampling")
    return RunResult(scenario=scenario, where=where, series=series, model=model, built=built,
                     by_model=by_model, simulation=sim, feasibility=feas, closed_form=closed,
                     notes=tuple(_notes(scenario, series, built, nowcast) + dropped),
                     scenario_sha256=scenario_sha256, data_sha256=data_sha256, nowcast=nowcast,
                     start=plan.start, mirror=mirror, precision=plan.precision, prior=prior,
                     record=window_record(series, len(plan.years), feas.required_growth))


@dataclass(frozen=True, eq=False)
class _Plan:
    """What every model's simulation of one run shares."""

    scenario: Scenario
    series: TradeSeries
    where: str
    years: np.ndarray
    one_year: np.ndarray
    condition: Callable[[np.ndarray], np.ndarray] | None
    other: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None
    start: StartError
    exact: bool
    paths: int
    seed: int
    precision: float | None
    asked: bool
    pairs: bool

    @property
    def log_ratio(self) -> float:
        return float(np.log(self.scenario.target.value / self.series.last_value))


def _plan(scenario: Scenario, series: TradeSeries, model: Fitted, where: str,
          nowcast: Nowcast | None, mirror: Mirror | None, paths: int | None, seed: int | None,
          precision: float | None, antithetic: bool | None) -> _Plan:
    """The years, conditions, precision and paths of a run (the scenario's settings unless
    overridden), checked."""
    years = np.arange(series.last_year + 1, scenario.target.year + 1)
    d, k = np.diff(np.log(series.values)), np.diff(series.years)
    one_year = d[k == 1]
    if any(isinstance(g, GrowthHistorical) for g in scenario.growth) and one_year.size == 0:
        raise ScenarioError(where, "growth", "dist: historical needs at least one pair of "
                            "consecutive years in the history")
    condition, other = conditions(nowcast, mirror, years, scenario.target)
    exact = (scenario.target.kind == "level" and not scenario.growth and not scenario.shocks
             and condition is None and closed_form(model, 0.0, len(years)) is not None)
    if precision is None and paths is None and not exact:
        # the scenario's own precision; a closed-form answer needs none (the simulation
        # only checks it and draws the charts, from the scenario's paths)
        precision = scenario.simulation.precision
    if precision is not None and paths is None:
        paths = scenario.simulation.max_paths
    n = paths if paths is not None else scenario.simulation.paths
    asked = scenario.simulation.antithetic if antithetic is None else antithetic
    pairs = asked and condition is None and antithetic_ok(model)
    n += n % 2 if pairs else 0
    if condition is not None and n > MAX_WEIGHTED_PATHS:
        raise ScenarioError(where, "simulation.paths", f"a run conditioned on later figures keeps a "
                            f"weight per path: at most {MAX_WEIGHTED_PATHS:,} paths (got {n:,})")
    return _Plan(scenario, series, where, years, one_year, condition, other, start_error(series),
                 exact, n, seed if seed is not None else scenario.simulation.seed, precision,
                 asked, pairs)


def _simulate(plan: _Plan, m: Fitted, paths: int, precision: float | None = None,
              pairs: bool | None = None, progress: Callable[[int], None] | None = None
              ) -> SimulationResult:
    """Simulate one model under the plan."""
    sc = plan.scenario
    try:
        return simulate(m, plan.years, sc.target.value, paths=paths, seed=plan.seed,
                        growth=sc.growth, shocks=sc.shocks, history_growth=plan.one_year,
                        condition=plan.condition, other=plan.other, precision=precision,
                        kind=sc.target.kind, antithetic=plan.pairs if pairs is None else pairs,
                        start_spread=plan.start.rounding, start_sd=plan.start.revision_sd,
                        progress=progress)
    except ModelError as e:
        raise ModelError(plan.where, "model", f"{m.name}: {e.problems[0].message}") from None


def _other_models(plan: _Plan, built: Built, per: int,
                  by_model: dict[str, tuple[float, float, int]]) -> list[str]:
    """Each comparison model's answer into ``by_model`` (exact where it has a closed form, else
    ``per`` simulated paths); the notes of those that failed (the answer stands)."""
    dropped = []
    for name, member in built.members.items():
        if member is built.model:
            continue
        exact_m = (closed_form(member, plan.log_ratio, len(plan.years), plan.start)
                   if plan.exact else None)
        if exact_m is not None:  # exact: nothing to simulate
            by_model[name] = (exact_m, 0.0, 0)
            continue
        try:
            sim_m = _simulate(plan, member, per, pairs=plan.pairs and per % 2 == 0)
        except ModelError as e:  # a comparison model only: say so, keep the answer
            dropped.append(f"model {name} left out of the comparison by model: "
                           f"{e.problems[0].message.split(': ', 1)[-1]}")
            continue
        by_model[name] = (*probability_of(sim_m, plan.scenario.target), per)
    return dropped


def _notes(scenario: Scenario, series: TradeSeries, built: Built,
           nowcast: Nowcast | None) -> list[str]:
    notes = list(series.notes)
    for a, b in series.gaps:
        notes.append(f"no figure for {years_text(list(range(a + 1, b)))}: the model uses the "
                     f"growth from {a} to {b} over {b - a} years, no value is filled in")
    if series.lag_rule_applied:
        notes.append(f"publication-lag rule applied to {series.lag_rule_applied} figure(s) with no "
                     f"known publication date: assumed public {series.lag_months} months after "
                     f"the period ended")
    later = [u for u in series.ytd if u.period.year > series.last_year
             and (nowcast is None or str(u.period) != nowcast.period)]
    if later:
        periods = ", ".join(str(u.period) for u in later)
        why = (f"only the latest figure of {nowcast.year} conditions the run" if nowcast is not None
               else f"only a figure of {series.last_year + 1}, the first year without an annual "
               f"figure, can condition the run, and at most to November")
        notes.append(f"year-to-date figure(s) {periods} not used: {why}")
    if nowcast is not None:
        notes.append(f"conditioned on {nowcast.period} ({nowcast.value / 1e6:,.1f}m): the share "
                     f"of {nowcast.year} reached by {MONTHS[nowcast.month - 1]} comes from "
                     f"{nowcast.source}")
        if nowcast.half_width > 0:
            lo, hi = nowcast.value - nowcast.half_width, nowcast.value + nowcast.half_width
            notes.append(f"{nowcast.period}: {nowcast.value / 1e6:,.1f}m is known only to its printed "
                         f"precision ({lo / 1e6:,.1f}m to {hi / 1e6:,.1f}m); the answer integrates "
                         "over that range")
    if built.outside_pool:
        notes.append(f"auto uses {built.used[0]}, not the pooled model: the pooled priors describe "
                     f"trade in US$ by calendar year, and this series is not that "
                     f"({built.outside_pool})")
    for name, reason in built.failures:
        notes.append(f"model {name} could not be fitted (left out of the comparison by model): "
                     f"{reason}")
    if isinstance(built.model, Pooled) and built.model.centre_years[-1] < series.last_year:
        used = built.model.centre_years
        notes.append(f"the pool's centre is all pairs' growth in {used[0]}–{used[-1]}: the priors' "
                     f"panel ends in {used[-1]}, {series.last_year - used[-1]} year(s) before the last "
                     "figure")
    for kind, entries in (("growth", scenario.growth), ("shocks", scenario.shocks)):
        for i, g in enumerate(entries):
            if g.years is not None and g.years[0] > scenario.target.year:
                notes.append(f"{kind}[{i}] ({g.years[0]}..{g.years[1]}) lies after the target "
                             "year and has no effect")
    t = scenario.target
    met = [int(y) for y, v in zip(series.years, series.values) if v >= t.value]
    if met:
        notes.append(f"observed values already reach the target value in {years_text(met)}"
                     + ("; a `by` target counts only simulated years" if t.kind == "by" else ""))
    return notes


