"""Learn the pooled priors (:class:`~forecast.models.pooled.Prior`) from a panel of series.

The priors say what a pair's figures should be read against: how much of a published
figure is transitory, how strongly a pair's own drift is believed and how long it
lasts, the volatility of pairs of its size, where all pairs' growth was heading and how
far that guess strays, and how the tails of the forecasts are to be widened or narrowed.
Everything is learned by the predictive log score of what series did next, using only
values up to ``until``:

1. *Tasks shaped like the questions users ask.* For every series and every year ``T``
   before ``until``, one history ending at ``T``: the last 3, 4, 5, 6, 8, 10 or 15
   figures or all of them (drawn at random), with each interior figure dropped with
   probability 0.3, as histories gathered from statements are; its outcomes are the
   series' values 1-8 years after ``T``, up to ``until``.
2. *The pool's centre follows time.* All pairs' mean log growth by year (the index), and
   for an origin ``T`` the mean over the last ``centre_years`` years up to ``T``. A
   constant learned on one decade is what a decade's boom teaches (see the README).
3. *Hyperparameters* by maximising the mean Student-t log density of the outcomes
   (each year ahead on its own): an outer search over the noise ratio, an inner
   L-BFGS-B over the other seven, whose sufficient statistics do not change with them.
4. *Tails.* The outcomes' standardised errors (each forecast's centre out of time: it
   reads all pairs' growth only up to its origin) give a lower and an upper factor,
   shared by every year ahead, that minimise the pinball loss of the 2.5-25% (75-97.5%)
   quantiles. A factor is kept only where it differs from 1 by more than two standard
   errors clustered by the outcome's year (a jackknife over years: world shocks hit
   every pair at once); each year ahead's own estimates are kept as evidence. Factors
   learned on the last few years alone are not used: on panels drawn from the model
   itself, five years' common shocks gave factors of 0.6 that two clustered standard
   errors did not catch.
5. *An honest check.* The same recipe on values up to ``until - validation_years``,
   scored on the later years, is kept as evidence (coverage in and out of time).

References
----------
Gneiting, T. and Raftery, A. E. (2007). Strictly proper scoring rules, prediction and
estimation. *JASA* 102(477), 359-378.
Carlin, B. P. and Louis, T. A. (2000). *Bayes and Empirical Bayes Methods for Data
Analysis*, 2nd ed., chapter 3 (empirical Bayes).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from forecast.models.pooled import Sufficient, marginals, posterior, sufficient
from forecast.models.prior import Prior
from forecast.models.tails import t_logpdf

#: History lengths of the learning tasks (0: every figure up to the origin).
LENGTHS: tuple[int, ...] = (3, 4, 5, 6, 8, 10, 15, 0)
#: Probability that an interior figure of a learning history is dropped.
GAP = 0.3
#: Years ahead scored.
HORIZON = 8
#: Padded history lengths (histories are batched by the smallest that holds them).
BUCKETS: tuple[int, ...] = (8, 16, 32, 64, 128)
#: Fewest series with two consecutive years for a year of the index.
MIN_INDEX_SERIES = 5
#: Quantile levels the tail factors are scored on.
LOWER_LEVELS = (0.025, 0.05, 0.1, 0.25)
UPPER_LEVELS = (0.75, 0.9, 0.95, 0.975)
#: Tail factors searched.
FACTOR_GRID = np.round(np.arange(0.5, 2.5001, 0.01), 2)
#: Fewest outcomes at a horizon for its own tail factors.
MIN_TAIL_OUTCOMES = 100

Panel = Mapping[str, tuple[np.ndarray, np.ndarray]]
Progress = Callable[[str], None]


def growth_index(panel: Panel, until: int) -> tuple[tuple[int, float, int], ...]:
    """(year, mean log growth of all series, series counted) for each year up to ``until``
    with at least :data:`MIN_INDEX_SERIES` series that have that year and the one before."""
    by_year: dict[int, list[float]] = {}
    for years, values in panel.values():
        logs = np.log(values)
        step = np.flatnonzero((np.diff(years) == 1) & (years[1:] <= until))
        for i in step:
            by_year.setdefault(int(years[i + 1]), []).append(float(logs[i + 1] - logs[i]))
    return tuple((y, float(np.mean(v)), len(v)) for y, v in sorted(by_year.items())
                 if len(v) >= MIN_INDEX_SERIES)


@dataclass(frozen=True, eq=False)
class Batch:
    """Histories padded to one length, with their outcomes (:func:`make_tasks`)."""

    t: np.ndarray        # (B, N) years since the first figure
    y: np.ndarray        # (B, N) log levels
    mask: np.ndarray     # (B, N) figures
    future: np.ndarray   # (B, HORIZON) log outcomes, NaN where none
    origin: np.ndarray   # (B,) last year of each history
    series: np.ndarray   # (B,) index of the series in the panel


def task_stream(seed: int, series_id: str, origin: int) -> np.random.Generator:
    """The random stream of one task: keyed by the seed, the series' name and the origin, so
    a task does not depend on which other series or origins are in the panel."""
    return np.random.default_rng([seed, zlib.crc32(series_id.encode("utf-8")), origin])


def make_tasks(panel: Panel, *, until: int, seed: int, first_origin: int | None = None) -> list[Batch]:
    """Learning tasks (see the module notes), batched by padded length."""
    rows: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray, int, int]]] = {}
    for k, (sid, (years, values)) in enumerate(panel.items()):
        logs = np.log(values)
        where = {int(y): i for i, y in enumerate(years)}
        for i, T in enumerate(years.tolist()):
            if i < 2 or T >= until or (first_origin is not None and T < first_origin):
                continue
            rng = task_stream(seed, sid, T)
            n = LENGTHS[rng.integers(len(LENGTHS))]
            start = 0 if n == 0 else max(0, i + 1 - n)
            drop = rng.random(i + 1 - start) < GAP
            idx = [j for j in range(start, i + 1) if j in (start, i) or not drop[j - start]]
            if len(idx) < 3:
                continue
            future = np.full(HORIZON, np.nan)
            for h in range(1, HORIZON + 1):
                if T + h <= until and T + h in where:
                    future[h - 1] = logs[where[T + h]]
            if np.isnan(future).all():
                continue
            ys = years[idx]
            rows.setdefault(_bucket(len(idx)), []).append((ys - ys[0], logs[idx], future, T, k))
    out = []
    for N, rs in sorted(rows.items()):
        B = len(rs)
        t, y, mask = np.zeros((B, N)), np.zeros((B, N)), np.zeros((B, N), dtype=bool)
        for b, (tt, yy, _, _, _) in enumerate(rs):
            t[b, :len(tt)], y[b, :len(tt)], mask[b, :len(tt)] = tt, yy, True
        out.append(Batch(t=t, y=y, mask=mask, future=np.array([r[2] for r in rs]),
                         origin=np.array([r[3] for r in rs]), series=np.array([r[4] for r in rs])))
    return out


def _bucket(n: int) -> int:
    return next((b for b in BUCKETS if n <= b), n)


#: The seven hyperparameters searched for a given noise ratio, their start and bounds.
NAMES = ("drift_strength", "vol_strength", "persistence", "vol_intercept", "vol_slope",
         "centre_error_year", "centre_error_trend")
START = np.array([10.0, 4.0, 0.5, -1.6, -0.2, 0.1, 0.05])
BOUNDS = ((0.1, 1000.0), (0.5, 100.0), (0.0, 1.0), (-5.0, 1.0), (-1.0, 0.5), (0.0, 1.0), (0.0, 1.0))


def _with(base: Prior, x: np.ndarray) -> Prior:
    changes: dict[str, Any] = {k: float(v) for k, v in zip(NAMES, x)}
    return replace(base, **changes)


@dataclass(frozen=True, eq=False)
class _Prepared:
    """A batch's sufficient statistics for one noise ratio, its centres and outcomes."""

    suff: Sufficient
    centre: np.ndarray
    future: np.ndarray
    seen: np.ndarray


def _prepare(batches: list[Batch], prior: Prior) -> list[_Prepared]:
    """Each batch's sufficient statistics for ``prior.noise``, centres and outcomes."""
    out = []
    for b in batches:
        origins, where = np.unique(b.origin, return_inverse=True)
        centres = np.array([prior.centre(int(T))[0] for T in origins])[where]
        seen = np.isfinite(b.future)
        out.append(_Prepared(suff=sufficient(b.t, b.y, b.mask, prior.noise), centre=centres,
                             future=np.where(seen, b.future, 0.0), seen=seen))
    return out


def mean_log_score(prepared: list[_Prepared], prior: Prior) -> float:
    """Mean log density of the outcomes (each year ahead on its own), before tail factors."""
    total, count = 0.0, 0
    for p in prepared:
        post = posterior(p.suff, prior, p.centre)
        df, loc, scale = marginals(post, prior, HORIZON)
        lp = t_logpdf(p.future, df[:, None], loc, scale)
        total += float(np.sum(lp[p.seen]))
        count += int(p.seen.sum())
    return total / count


def fit_hyper(batches: list[Batch], base: Prior, progress: Progress | None = None) -> tuple[Prior, float]:
    """The hyperparameters of ``base`` that maximise the mean log score of ``batches``
    (module notes, step 3); returns the prior and its mean log score."""
    from scipy.optimize import minimize, minimize_scalar

    best: dict[str, Any] = {"score": -np.inf, "prior": base}
    x_start = START.copy()

    def inner(log_q: float) -> float:
        nonlocal x_start
        q_prior = replace(base, noise=float(np.exp(log_q)))
        prepared = _prepare(batches, q_prior)
        r = minimize(lambda x: -mean_log_score(prepared, _with(q_prior, x)), x_start,
                     method="L-BFGS-B", bounds=BOUNDS, options={"maxiter": 300})
        x_start = r.x
        score = -float(r.fun)
        if score > best["score"]:
            best.update(score=score, prior=_with(q_prior, r.x))
        if progress is not None:
            progress(f"noise ratio {np.exp(log_q):.3f}: mean log score {score:.4f}")
        return -score

    minimize_scalar(inner, bounds=(np.log(0.01), np.log(3.0)), method="bounded",
                    options={"xatol": 0.05})
    return best["prior"], float(best["score"])


def standardised(batches: list[Batch], prior: Prior) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardised errors of every outcome under ``prior`` (before tail factors):
    (z, degrees of freedom, years ahead, outcome year), one entry per outcome."""
    zs, dfs, hs, ys = [], [], [], []
    for b, p in zip(batches, _prepare(batches, prior)):
        post = posterior(p.suff, prior, p.centre)
        df, loc, scale = marginals(post, prior, HORIZON)
        z = (p.future - loc) / scale
        rows, cols = np.nonzero(p.seen)
        zs.append(z[rows, cols])
        dfs.append(df[rows])
        hs.append(cols + 1)
        ys.append(b.origin[rows] + cols + 1)
    return np.concatenate(zs), np.concatenate(dfs), np.concatenate(hs), np.concatenate(ys)


def _best_factor(z: np.ndarray, df: np.ndarray, levels: tuple[float, ...]) -> float:
    from scipy.special import stdtrit

    qs = np.stack([stdtrit(df, a) for a in levels])           # (levels, n)
    alphas = np.array(levels)[:, None]
    loss = []
    for k in FACTOR_GRID:
        e = z[None, :] - k * qs
        loss.append(np.mean(np.maximum(alphas * e, (alphas - 1) * e)))
    return float(FACTOR_GRID[int(np.argmin(loss))])


def tail_factors(z: np.ndarray, df: np.ndarray, h: np.ndarray, year: np.ndarray
                 ) -> tuple[float, float, dict[str, Any]]:
    """One lower and one upper tail factor for every year ahead (module notes, step 4), and
    the evidence, with each year ahead's own estimate beside them.

    Years ahead share their factors: each year ahead's own factor rests on fewer outcomes
    and fewer outcome years, and quantiles that jump from one year ahead to the next would
    follow, while the shared factor pools them."""

    def estimate(sel: np.ndarray, levels: tuple[float, ...]) -> tuple[float, float]:
        est = _best_factor(z[sel], df[sel], levels)
        groups = sorted(set(year[sel].tolist()))
        if len(groups) < 3:
            return est, float("inf")
        jack = np.array([_best_factor(z[sel & (year != g)], df[sel & (year != g)], levels)
                         for g in groups])
        return est, float(np.sqrt((len(groups) - 1) / len(groups) * np.sum((jack - jack.mean()) ** 2)))

    every = np.ones_like(h, dtype=bool)
    out: dict[str, Any] = {"n": int(len(z)), "years": sorted(set(year.tolist())), "by_horizon": []}
    kept = {}
    for side, levels in (("lower", LOWER_LEVELS), ("upper", UPPER_LEVELS)):
        est, se = estimate(every, levels)
        kept[side] = est if abs(est - 1.0) > 2 * se else 1.0
        out[side] = {"estimate": est, "se_clustered_by_year": se, "kept": kept[side]}
    for k in range(1, HORIZON + 1):
        s = h == k
        if s.sum() >= MIN_TAIL_OUTCOMES:
            out["by_horizon"].append({"h": k, "n": int(s.sum()),
                                      **{side: dict(zip(("estimate", "se_clustered_by_year"),
                                                        estimate(s, levels)))
                                         for side, levels in (("lower", LOWER_LEVELS),
                                                              ("upper", UPPER_LEVELS))}})
    return kept["lower"], kept["upper"], out


def coverage(z: np.ndarray, df: np.ndarray, h: np.ndarray, lower: tuple[float, ...] = (1.0,),
             upper: tuple[float, ...] = (1.0,), horizons: int = HORIZON) -> list[dict[str, float]]:
    """By year ahead: the share of outcomes inside the central 80% and 95% intervals, above
    the 90% and below the 10% quantile (tail factors applied)."""
    from scipy.special import stdtr

    lo = np.asarray(lower)[np.minimum(h - 1, len(lower) - 1)]
    hi = np.asarray(upper)[np.minimum(h - 1, len(upper) - 1)]
    u = stdtr(df, np.where(z > 0, z / hi, z / lo))
    out = []
    for k in range(1, horizons + 1):
        s = h == k
        if not s.any():
            continue
        v = u[s]
        out.append({"h": k, "n": int(s.sum()), "cover80": float(np.mean((v > 0.1) & (v < 0.9))),
                    "cover95": float(np.mean((v > 0.025) & (v < 0.975))),
                    "above90": float(np.mean(v > 0.9)), "below10": float(np.mean(v < 0.1))})
    return out


def learn(panel: Panel, *, until: int, centre_years: int = 5, validation_years: int = 5,
          seed: int = 0, progress: Progress | None = None) -> tuple[Prior, dict[str, Any]]:
    """Learn the pooled priors from ``panel`` using only values up to ``until`` (module notes).

    Returns the prior and the evidence (scores and coverage in-sample and out of time,
    the tail factors with their clustered standard errors, task counts, timings).
    """
    say = progress or (lambda _: None)
    start = time.perf_counter()
    index = growth_index(panel, max(int(y[-1]) for y, _ in panel.values()))
    known = len([y for y, _, _ in index if y <= until])
    if known < centre_years + validation_years:
        raise ValueError(f"the panel has {known} year(s) up to {until} with the growth of at least "
                         f"{MIN_INDEX_SERIES} series; at least {centre_years + validation_years} "
                         "(--centre-years plus --validation-years) needed")
    def start_from(upto: int) -> Prior:
        """Where the search starts, with the sizes the panel shows up to ``upto``."""
        sizes = np.concatenate([np.log(v[y <= upto]) for y, v in panel.values()])
        low, high = float(np.quantile(sizes, 0.01)), float(np.quantile(sizes, 0.99))
        if high - low < 1.0:  # one size only: a range around it
            low, high = low - 0.5, high + 0.5
        return Prior(noise=0.3, drift_strength=10.0, persistence=0.5, vol_strength=4.0,
                     vol_intercept=-1.6, vol_slope=-0.2, size_range=(low, high),
                     centre_error_year=0.1, centre_error_trend=0.05, centre_years=centre_years,
                     index=tuple((y, m) for y, m, _ in index))

    cut = until - validation_years
    every = make_tasks(panel, until=until, seed=seed)
    early = make_tasks(panel, until=cut, seed=seed)
    if not _count(early):
        raise ValueError(f"no history of at least 3 figures with a later value up to {cut} "
                         f"(--until minus --validation-years): nothing to learn from")
    say(f"1/2 learning on values up to {until} ({_count(every)} outcomes)")
    prior, score = fit_hyper(every, start_from(until), progress)
    zi, dfi, hi, yi = standardised(every, prior)
    low, up, tails = tail_factors(zi, dfi, hi, yi)
    prior = replace(prior, lower=(low,) * HORIZON, upper=(up,) * HORIZON)
    say(f"tail factors: lower {low:.2f} (estimate {tails['lower']['estimate']:.2f}, s.e. "
        f"{tails['lower']['se_clustered_by_year']:.2f}), upper {up:.2f} (estimate "
        f"{tails['upper']['estimate']:.2f}, s.e. {tails['upper']['se_clustered_by_year']:.2f})")
    # The same recipe learned on values up to `cut` only, scored on the later years.
    say(f"2/2 the same on values up to {cut}, scored on {cut + 1}-{until} (out of time)")
    early_prior, _ = fit_hyper(early, start_from(cut), progress)
    ze, dfe, he, ye = standardised(early, early_prior)
    low_e, up_e, _ = tail_factors(ze, dfe, he, ye)
    later = make_tasks(panel, until=until, seed=seed, first_origin=cut)
    zo, dfo, ho, _ = standardised(later, early_prior)
    evidence = {
        "until": until, "seed": seed, "seconds": round(time.perf_counter() - start, 1),
        "series": len(panel), "outcomes": _count(every), "mean_log_score": score,
        "index_series": {str(y): n for y, _, n in index},
        "tails": tails,
        "coverage_in_sample": coverage(zi, dfi, hi, prior.lower, prior.upper),
        "coverage_in_sample_raw": coverage(zi, dfi, hi),
        "coverage_out_of_time": {
            "learned_until": cut, "scored": f"{cut + 1}-{until}", "tail_factors": [low_e, up_e],
            "raw": coverage(zo, dfo, ho), "with_tail_factors": coverage(zo, dfo, ho, (low_e,), (up_e,))},
    }
    return prior, evidence


def _count(batches: list[Batch]) -> int:
    return int(sum(np.isfinite(b.future).sum() for b in batches))
