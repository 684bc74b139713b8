"""Library entry points: from a scenario and its data to a feasibility answer. No I/O."""

from __future__ import annotations

import math
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecast.analysis.feasibility import Feasibility, assess, probability_of
from forecast.data.series import TradeData, TradeSeries, Used, from_history, select, years_text
from forecast.engine.nowcast import MONTHS, Nowcast, nowcast_for, rounding_half_width
from forecast.engine.reporter_gap import SAME_BASIS, Mirror, fit_gap
from forecast.engine.simulate import SimulationResult, antithetic_ok, simulate
from forecast.errors import DataError, ModelError, ScenarioError
from forecast.limits import MAX_HORIZON
from forecast.models import Fitted, offers
from forecast.models.combination import Built, build, one_blas_thread
from forecast.models.pooled import Pooled, Prior
from forecast.scenario.schema import GrowthHistorical, Scenario, Target

#: Paths for each single model's probability beside ``auto``'s.
BY_MODEL_PATHS = 50_000


#: Gauss-Legendre nodes and weights on [-1, 1] for integrating over a rounded last figure.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(32)


#: Gauss-Legendre (uniform) and Gauss-Hermite (normal) nodes for integrating over the last
#: figure's rounding and revision.
_LEG = np.polynomial.legendre.leggauss(24)
_HERM = np.polynomial.hermite_e.hermegauss(16)


@dataclass(frozen=True)
class StartError:
    """How precisely the last observed figure is known.

    Attributes
    ----------
    rounding : float
        Half-width of its rounding as a fraction of it (figures flagged ``rounded`` or from a
        statement: half the place of the last nonzero digit), summed over its figures.
    revision_sd : float
        Log s.d. of its revision: the root mean square of the data file's first-release to
        later-release revisions, times the first releases' share of the figure.
    revisions : int
        First-release/later pairs in the data file behind ``revision_sd``.
    first_release : bool
        Whether the figure is (partly) a first release.
    """

    rounding: float = 0.0
    revision_sd: float = 0.0
    revisions: int = 0
    first_release: bool = False

    def __bool__(self) -> bool:
        """Whether the figure is known less than exactly (or is a first release)."""
        return bool(self.rounding or self.revision_sd or self.first_release)

    @property
    def log_sd(self) -> float:
        """S.d. of the log error: uniform rounding (about r / sqrt(3)) and the revision."""
        return math.sqrt(self.rounding ** 2 / 3 + self.revision_sd ** 2)


def closed_form(model: Fitted, log_ratio: float, h: int, start: StartError = StartError()
                ) -> float | None:
    """P(log(level[T+h] / level[T]) >= log_ratio) in closed form, where the model has one;
    with a :class:`StartError`, averaged over the last figure's true value
    level[T] (1 + U r) exp(s Z), U ~ U(-1, 1), Z ~ N(0, 1) (Gauss-Legendre x Gauss-Hermite)."""
    if not offers(model, "prob_at_least"):
        return None
    f = model.prob_at_least  # type: ignore[attr-defined]
    if not (start.rounding or start.revision_sd):
        return float(f(log_ratio, h))
    (xu, wu), (xz, wz) = _LEG, _HERM
    if not start.rounding:
        xu, wu = np.zeros(1), np.array([2.0])
    if not start.revision_sd:
        xz, wz = np.zeros(1), np.array([math.sqrt(2 * math.pi)])
    total = sum(a * b * f(log_ratio - math.log1p(u * start.rounding) - start.revision_sd * z, h)
                for u, a in zip(xu, wu) for z, b in zip(xz, wz))
    return float(total / (2.0 * math.sqrt(2 * math.pi)))


def _rounding(used: Used) -> float:
    """Rounding half-width of an observation as a fraction of it: half the place of the last
    nonzero digit of each of its figures flagged ``rounded`` or from a statement, summed."""
    hw = sum(rounding_half_width(f.value) for f in used.figures
             if "rounded" in f.flags or f.basis == "official-statement")
    return min(hw / used.value, 0.5)


def start_error(series: TradeSeries) -> StartError:
    """The :class:`StartError` of a series' last figure (none for an inline history)."""
    if not series.used:
        return StartError()
    last = series.used[-1]
    first = sum(f.value for f in last.figures if "first-release" in f.flags)
    record = series.revisions if first else ()
    sd = math.sqrt(sum(r * r for r in record) / len(record)) * first / last.value if record else 0.0
    return StartError(_rounding(last), sd, len(record), first > 0)


@dataclass(frozen=True)
class ModelAnswer:
    """One model's answer to the question.

    Attributes
    ----------
    model : str
    probability, probability_se : float
        The answer and its Monte Carlo standard error (0 when exact).
    paths : int
        Paths simulated for it (0: not simulated, a closed form).
    exact : bool
        Whether ``probability`` is the model's closed form.
    """

    model: str
    probability: float
    probability_se: float
    paths: int
    exact: bool


@dataclass(frozen=True, eq=False)
class RunResult:
    """Everything one run produced. The answer (:attr:`probability`) is decided here: the
    chosen model's closed form where it has one, else the simulation's estimate."""

    scenario: Scenario
    where: str
    series: TradeSeries
    model: Fitted
    built: Built
    by_model: dict[str, tuple[float, float, int]]
    simulation: SimulationResult
    feasibility: Feasibility
    closed_form: float | None
    notes: tuple[str, ...]
    scenario_sha256: str = ""
    data_sha256: str = ""
    nowcast: Nowcast | None = None
    mirror: Mirror | None = None
    precision: float | None = None
    prior: Prior | None = None
    start: StartError = StartError()

    @property
    def probability(self) -> float:
        """P(target): exact where the model has a closed form, else simulated."""
        return self.feasibility.probability if self.closed_form is None else self.closed_form

    @property
    def probability_se(self) -> float:
        """Its Monte Carlo standard error (0 when exact)."""
        return self.feasibility.probability_se if self.closed_form is None else 0.0

    @property
    def probability_method(self) -> str:
        """``closed-form`` or ``monte-carlo``."""
        return "monte-carlo" if self.closed_form is None else "closed-form"

    def by_model_answers(self, exact: bool = True) -> list[ModelAnswer]:
        """Each model's answer; a comparison model with a closed form was not simulated
        (0 paths), and the chosen model's closed form replaces its estimate where the answer
        is exact (``exact=False``: the simulation's, for paired differences)."""
        closed = self.closed_form if exact else None
        out = []
        for name, (p, se, n) in self.by_model.items():
            is_exact = n == 0 or (name == self.model.name and closed is not None)
            out.append(ModelAnswer(name, closed if is_exact and n else p,  # type: ignore[arg-type]
                                   0.0 if is_exact else se, n, is_exact))
        return out


def series_for(scenario: Scenario, data: TradeData | None, where: str) -> TradeSeries:
    """The series a scenario asks for: its inline history, or a selection from its data."""
    if scenario.history is not None:
        return from_history(scenario.history, where)
    assert scenario.data is not None and data is not None
    spec = scenario.data
    if spec.reporter == "both" and spec.basis not in data.reporters:
        raise DataError(data.file, "basis", f"no figures reported by {spec.basis!r} (the file has: "
                        f"{', '.join(data.reporters)})")
    series = select(data, spec.target_reporter, spec.measure, partner=spec.partner, as_of=spec.as_of,
                    lag_months=spec.publication_lag_months, start=spec.start,
                    exclude_flags=spec.exclude_flags)
    if len(series.years) < 3:
        raise ScenarioError(where, "data", f"at least 3 annual observations needed; "
                            f"{spec.target_reporter} {spec.measure} has {len(series.years)}"
                            + (f" published by {spec.as_of}" if spec.as_of else ""))
    return series


#: Paths at most in a run conditioned on a year-to-date figure (8 bytes of weight per path).
MAX_WEIGHTED_PATHS = 20_000_000


def conditions(nowcast: Nowcast | None, mirror: Mirror | None, years: np.ndarray, target: Target
               ) -> tuple[Callable[[np.ndarray], np.ndarray] | None,
                          Callable[[np.ndarray, np.random.Generator], np.ndarray] | None]:
    """What the simulation conditions on (log-likelihood of paths of log levels) and, with a
    mirror, each path's level on the other basis in the target year."""
    parts: list[Callable[[np.ndarray], np.ndarray]] = []
    if nowcast is not None:
        def ytd(levels: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):
                return nowcast.log_weights(np.exp(levels[:, 0]))
        parts.append(ytd)
    if mirror is not None and mirror.years:
        parts.append(lambda levels: mirror.log_weights(levels, years))
    condition = None
    if parts:
        def condition(levels: np.ndarray) -> np.ndarray:
            return np.asarray(np.sum([f(levels) for f in parts], axis=0), dtype=float)
    other = None
    if mirror is not None:
        log_target = float(np.log(target.value))

        def other(levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
            theirs = mirror.other_levels(levels, years, target.year, rng)
            return (theirs[:, -1] if target.kind == "level" else theirs.max(axis=1)) >= log_target
    return condition, other


def series_nowcast(series: TradeSeries) -> Nowcast | None:
    """The nowcast of the first year without an annual figure, from its latest year-to-date
    figure (January..month k, k <= 11) in the series, or None. A figure flagged ``rounded``
    or from an official's statement is known only to its printed precision."""
    ytd = [(u.period.year, u.period.last_month, u.value, str(u.period)) for u in series.ytd]
    annual = {int(y): float(v) for y, v in zip(series.years, series.values)}
    rounded = {str(u.period): rounding_half_width(u.value) for u in series.ytd
               if any("rounded" in f.flags or f.basis == "official-statement" for f in u.figures)}
    return nowcast_for(series.last_year + 1, ytd, annual, rounded)


def basis_of(series: TradeSeries, year: int) -> str:
    """The basis of a series' figure(s) in ``year`` for the gap model's segments (a
    statement continues its bureau's series, an IMF estimate the IMF's)."""
    for u in series.used:
        if u.period.year == year:
            return "+".join(sorted({SAME_BASIS.get(f.basis, f.basis) for f in u.figures}))
    return "?"


def mirror_for(scenario: Scenario, data: TradeData | None, series: TradeSeries,
               where: str) -> Mirror | None:
    """With ``reporter: both``, the other country's figures for the same trade (same vintage
    and rules) and the gap model fitted to the years both have; else None.

    Raises
    ------
    ScenarioError
        If the other country has too few years in common with the basis.
    """
    spec = scenario.data
    if spec is None or spec.reporter != "both" or data is None:
        return None
    other = select(data, series.partner, spec.measure, partner=series.reporter, as_of=spec.as_of,
                   lag_months=spec.publication_lag_months, start=spec.start,
                   exclude_flags=spec.exclude_flags)
    mine = dict(zip(series.years.tolist(), series.values.tolist()))
    theirs = dict(zip(other.years.tolist(), other.values.tolist()))
    joint = sorted(set(mine) & set(theirs))
    labels = [f"{series.reporter} {basis_of(series, y)}, {other.reporter} {basis_of(other, y)}"
              for y in joint]
    try:
        gap = fit_gap(np.array(joint), np.log([theirs[y] / mine[y] for y in joint]), labels)
    except ValueError as e:
        raise ScenarioError(where, "data.reporter", f"both: {e} ({series.reporter} and "
                            f"{series.partner})") from None
    later = [y for y in sorted(theirs) if series.last_year < y <= scenario.target.year]
    rounding = tuple(_rounding(u) for u in other.used if u.period.year in later)
    return Mirror(series.partner, tuple(later), tuple(theirs[y] for y in later), gap, rounding)


def check_years(scenario: Scenario, series: TradeSeries, where: str) -> None:
    last, year = series.last_year, scenario.target.year
    if year <= last:
        raise ScenarioError(where, "target.year", f"must be after the last observed year {last} "
                            f"(got {year})")
    if year - last > MAX_HORIZON:
        raise ScenarioError(where, "target.year", f"at most {MAX_HORIZON} years after the last "
                            f"observed year {last} (got {year})")
    for kind, entries in (("growth", scenario.growth), ("shocks", scenario.shocks)):
        for i, e in enumerate(entries):
            span = e.years
            if span is not None and span[0] <= last:
                raise ScenarioError(where, f"{kind}[{i}].years", f"must be after the last observed "
                                    f"year {last} (got {span[0]}..{span[1]})")


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
            return built
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
    return built


def run(scenario: Scenario, data: TradeData | None = None, *, where: str = "<scenario>",
        paths: int | None = None, seed: int | None = None, scenario_sha256: str = "",
        data_sha256: str = "", series: TradeSeries | None = None, per_model: bool = True,
        fits: dict[str, Built] | None = None,
        mirror: Mirror | None = None, precision: float | None = None,
        antithetic: bool | None = None, prior: Prior | None = None) -> RunResult:
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
    fits : dict, optional
        A cache of fitted models shared between runs (compare, sweeps, sensitivity): a
        fit is reused when the series and the model settings are the same, so varying
        growth assumptions, shocks or the target never refits.
    """
    series = series if series is not None else series_for(scenario, data, where)
    check_years(scenario, series, where)
    built = fit(scenario, series, where, per_model=per_model, fits=fits, prior=prior)
    model = built.model
    years = np.arange(series.last_year + 1, scenario.target.year + 1)
    d, k = np.diff(np.log(series.values)), np.diff(series.years)
    one_year = d[k == 1]
    if any(isinstance(g, GrowthHistorical) for g in scenario.growth) and one_year.size == 0:
        raise ScenarioError(where, "growth", "dist: historical needs at least one pair of "
                            "consecutive years in the history")
    nowcast = series_nowcast(series)
    if mirror is None:
        mirror = mirror_for(scenario, data, series, where)
    condition, other = conditions(nowcast, mirror, years, scenario.target)
    spread = start_error(series)
    exact = (scenario.target.kind == "level" and not scenario.growth and not scenario.shocks
             and condition is None and closed_form(model, 0.0, len(years)) is not None)
    if precision is None and paths is None and not exact:
        # the scenario's own precision; a closed-form answer needs none (the simulation
        # only checks it and draws the charts, from the scenario's paths)
        precision = scenario.simulation.precision
    if precision is not None and paths is None:
        paths = scenario.simulation.max_paths
    n = paths if paths is not None else scenario.simulation.paths
    s = seed if seed is not None else scenario.simulation.seed
    asked = scenario.simulation.antithetic if antithetic is None else antithetic
    pairs = asked and condition is None and antithetic_ok(model)
    n += n % 2 if pairs else 0
    if condition is not None and n > MAX_WEIGHTED_PATHS:
        raise ScenarioError(where, "simulation.paths", f"a run conditioned on later figures keeps a "
                            f"weight per path: at most {MAX_WEIGHTED_PATHS:,} paths (got {n:,})")

    def answer(m: Fitted, paths: int, precision: float | None = None
               ) -> tuple[SimulationResult, Feasibility]:
        try:
            sim = simulate(m, years, scenario.target.value, paths=paths, seed=s,
                           growth=scenario.growth, shocks=scenario.shocks, history_growth=one_year,
                           condition=condition, other=other, precision=precision,
                           kind=scenario.target.kind, antithetic=pairs,
                           start_spread=spread.rounding, start_sd=spread.revision_sd)
        except ModelError as e:
            raise ModelError(where, "model", f"{m.name}: {e.problems[0].message}") from None
        return sim, assess(sim, scenario.target, series.last_year, series.last_value, series.years,
                           series.values)

    sim, feas = answer(model, n, precision)
    by_model = {model.name: (feas.probability, feas.probability_se, sim.paths)}
    dropped: list[str] = []
    log_ratio = float(np.log(scenario.target.value / series.last_value))
    if scenario.model.name == "auto" and per_model:
        per = min(sim.paths, BY_MODEL_PATHS)
        for name, member in built.members.items():
            if member is model:
                continue
            exact_m = closed_form(member, log_ratio, len(years), spread) if exact else None
            if exact_m is not None:  # exact: nothing to simulate
                by_model[name] = (exact_m, 0.0, 0)
                continue
            try:
                sim_m = simulate(member, years, scenario.target.value, paths=per, seed=s,
                                 growth=scenario.growth, shocks=scenario.shocks,
                                 history_growth=one_year, condition=condition, other=other,
                                 kind=scenario.target.kind, antithetic=pairs and per % 2 == 0,
                                 start_spread=spread.rounding, start_sd=spread.revision_sd)
            except ModelError as e:  # a comparison model only: say so, keep the answer
                dropped.append(f"model {name} left out of the comparison by model: "
                               f"{e.problems[0].message.split(': ', 1)[-1]}")
                continue
            by_model[name] = (*probability_of(sim_m, scenario.target), per)
    if not all(np.isfinite(v) and v > 0 for q in feas.quantiles.values() for v in q.values()):
        raise ModelError(where, "model", f"{model.name} forecasts overflow or vanish (growth in "
                         "this history is too extreme for it); check the history's values")
    closed = closed_form(model, log_ratio, len(years), spread) if exact else None
    return RunResult(scenario=scenario, where=where, series=series, model=model, built=built,
                     by_model=by_model, simulation=sim,
                     feasibility=feas, closed_form=closed,
                     notes=tuple(_notes(scenario, series, built, nowcast) + dropped + ([
                         "simulation.antithetic asked for, but " + (
                             "a run weighted by later figures" if condition is not None else
                             f"model {model.name}") + " draws no antithetic pairs: plain sampling"]
                         if asked and not pairs else [])),
                     scenario_sha256=scenario_sha256, data_sha256=data_sha256, nowcast=nowcast,
                     start=spread,
                     mirror=mirror, precision=precision, prior=prior)


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


def fingerprint(prior: Prior | None) -> str:
    """A short hash of a prior's values ('shipped' for the default), for cache keys and the
    JSON result (``model.priors``)."""
    if prior is None:
        return "shipped"
    import dataclasses
    import hashlib

    return hashlib.sha256(repr(dataclasses.astuple(prior)).encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    """Versions of what produced a result (from the installed packages' metadata: nothing
    is imported for it)."""
    from forecast.models.fitcache import library_versions

    return {"python": platform.python_version(), **library_versions()}


@dataclass(frozen=True, eq=False)
class Extras:
    """What a report adds to a run: the partner's statistics, and backtests of this series.

    Attributes
    ----------
    partner : RunResult or None
        The same question on the other country's figures (same vintage and model).
    partner_note : str
        Why there is no partner answer, or what it rests on.
    asymmetry : list of dict
        By year: each country's figure for the same trade, and the gap in %.
    backtest : dict or None
        Rolling-origin metrics of the scenario's model on this series, at the target's horizon.
    asymmetry_flows : list of dict
        By flow (exports, imports, turnover against the partner's mirror figures): the mean
        gap over the last years with both and its trend (:func:`forecast.asymmetry.trend`).
    """

    partner: RunResult | None
    partner_note: str
    asymmetry: list[dict[str, float | int | None]]
    backtest: dict[str, object] | None
    asymmetry_flows: list[dict[str, Any]] = field(default_factory=list)


def extras(result: RunResult, data: TradeData | None, *, backtest_paths: int = 1000,
           backtest_seed: int = 0) -> Extras:
    """Compute the report's extra sections for a finished run."""
    from forecast.analysis import backtest as bt
    from forecast.errors import ForecastError

    sc, s = result.scenario, result.series
    partner, note, rows = None, "the scenario uses an inline history: no partner figures", []
    trends: list[Any] = []
    if sc.data is not None and data is not None and s.partner:
        other = sc.model_copy(update={"data": sc.data.model_copy(
            update={"reporter": s.partner, "partner": s.reporter, "basis": None})})
        try:
            partner = run(other, data, where=result.where, paths=min(result.simulation.paths, 100_000),
                          seed=result.simulation.seed, per_model=False, prior=result.prior)
            ps = partner.series
            ahead = sc.target.year - ps.last_year
            note = ((f"{s.partner}-reported figures published by {sc.data.as_of}" if sc.data.as_of
                     else f"all {s.partner}-reported figures in the file")
                    + f"; the last is for {ps.last_year}, so this is a {ahead}-year-ahead question"
                    + (f" (on {s.reporter}'s figures: {sc.target.year - s.last_year})"
                       if ahead != sc.target.year - s.last_year else ""))
            hidden = [n for n in ps.notes if "not yet public" in n]
            if hidden:
                note += "; " + "; ".join(hidden)
            if sc.growth or sc.shocks:
                note += ("; the scenario's growth assumptions and shocks are applied unchanged to "
                         f"{s.partner}'s figures")
            if result.nowcast is not None and partner.nowcast is None:
                note += (f"; unlike the main answer, it has no year-to-date figure of "
                         f"{result.nowcast.year} to condition on ({s.reporter}'s "
                         f"{result.nowcast.period} is on {s.reporter}'s statistics)")
            if result.mirror is not None:
                note += (f"; it uses {s.partner}'s figures alone, while the main answer links the "
                         "two countries' figures through the reporter gap"
                         + (f" (its answer on {s.partner}'s figures is in section 1)"
                            if sc.target.kind == "level" else ""))
        except ForecastError as e:
            note = f"no answer on {s.partner}'s figures: {e.problems[0].message}"
        if partner is not None:
            from forecast.data import asymmetry

            flows = asymmetry.table(data, s.reporter, s.partner, as_of=sc.data.as_of,
                                    lag_months=sc.data.publication_lag_months)
            trends = [asymmetry.trend(flows, f) for f in asymmetry.MIRROR]
            mine = dict(zip(s.years.tolist(), s.values.tolist()))
            theirs = dict(zip(partner.series.years.tolist(), partner.series.values.tolist()))
            for y in sorted(set(mine) | set(theirs)):
                a, b = mine.get(y), theirs.get(y)
                rows.append({"year": int(y), "reporter_value": a, "partner_value": b,
                             "gap_pct": (a / b - 1.0) if a and b else None})
    horizon = sc.target.year - s.last_year
    tasks = list(bt.rolling_tasks(sc.name, s.years, s.values, horizon))
    summary = None
    if tasks:
        results = bt.run_tasks(tasks, [sc.model.name], paths=backtest_paths, seed=backtest_seed,
                               calibrate=sc.model.calibration == "panel", workers=1,
                               prior=result.prior)
        full = bt.summarise(tasks, results, sc.model.name)
        if "smape" in full:
            summary = {"model": sc.model.name, "origins": [t.origin for t in tasks], "horizon": horizon,
                       "coverage": full["coverage"], "smape": full["smape"], "crps": full["crps"],
                       "n_tasks": full["n_tasks"], "n_failed": full["n_failed"],
                       "paths": backtest_paths, "seed": backtest_seed}
    flow_rows = [{"flow": t.flow, "years": list(t.years), "n": t.n, "mean_gap": t.mean_gap,
                  "slope_log_per_year": t.slope, "slope_se": t.slope_se, "words": t.words}
                 for t in trends if t.n]
    return Extras(partner=partner, partner_note=note, asymmetry=rows, backtest=summary,
                  asymmetry_flows=flow_rows)
