"""Out-of-sample evaluation: rolling origins on one series, and held-out years on a panel.

A *task* is one series cut at one origin: the years up to the origin are
fitted, the next ``h`` actual values are scored. Every model scores every task
from the same number of simulated paths, each task and model with its own
random stream ``(seed, task, model)``, so a result depends only on the seed.

Metrics (see :mod:`forecast.metrics`): sMAPE (0-200) and MASE of the median
forecast; coverage of the central 80% and 95% intervals; MSIS (95%); CRPS of
the simulated distribution of log values at the log outcome (scale-free: about
a relative error, and not dominated by a few series with heavy right tails);
and the Brier score of P(y[T+1] >= (1+g) y[T]).
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.analysis import metrics
from forecast.errors import ForecastError, ModelError, ScenarioError
from forecast.models.prior import Prior

#: Growth thresholds g of the Brier scores, P(y[T+1] >= (1 + g) y[T]).
GROWTH_THRESHOLDS: tuple[float, ...] = (-0.10, 0.0, 0.05, 0.10, 0.25)
#: Quantile levels kept per task for learning calibration.
LEVELS = np.array([0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975])
#: Minimum number of years fitted at a rolling origin.
MIN_HISTORY = 8


@dataclass(frozen=True, eq=False)
class Task:
    """One series cut at one origin."""

    series_id: str
    years: np.ndarray
    logs: np.ndarray
    actual: np.ndarray
    scale: float

    @property
    def origin(self) -> int:
        return int(self.years[-1])


@dataclass(frozen=True, eq=False)
class Scores:
    """One model's forecasts of one task, per horizon (arrays of length h)."""

    median: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray
    crps: np.ndarray
    p_up: np.ndarray
    center: np.ndarray
    quantiles: np.ndarray
    sample: np.ndarray | None = None


def task(series_id: str, years: np.ndarray, values: np.ndarray, origin_index: int, h: int) -> Task:
    """Cut a series after position ``origin_index``; the values of the next ``h`` years are
    the actuals (NaN for a year the series lacks)."""
    train = np.asarray(values[: origin_index + 1], dtype=float)
    origin = int(years[origin_index])
    by_year = dict(zip(np.asarray(years[origin_index + 1:]).tolist(), values[origin_index + 1:]))
    actual = np.array([by_year.get(origin + k, np.nan) for k in range(1, h + 1)], dtype=float)
    last = int(np.max(np.flatnonzero(np.isfinite(actual)))) + 1 if np.isfinite(actual).any() else 0
    return Task(series_id=series_id, years=np.asarray(years[: origin_index + 1]), logs=np.log(train),
                actual=actual[:last],
                scale=metrics.naive_scale(train) if train.size >= 2 else float("nan"))


def score(paths: np.ndarray, center: np.ndarray, t: Task, keep: bool = False) -> Scores:
    """Score simulated log levels (paths x h) against the task's actuals; ``keep`` keeps
    the paths (as float32) for learning calibration and combinations."""
    h = len(t.actual)
    paths = paths[:, :h]
    q = np.quantile(paths, LEVELS, axis=0)  # (levels, h)
    lv = np.exp(q)
    crps = metrics.crps_sample(np.log(t.actual), paths.T)
    last = t.logs[-1]
    p_up = np.array([np.mean(paths[:, 0] >= last + np.log1p(g)) for g in GROWTH_THRESHOLDS])
    return Scores(median=lv[4], lo80=lv[2], hi80=lv[6], lo95=lv[0], hi95=lv[8], crps=crps, p_up=p_up,
                  center=center[:h], quantiles=q, sample=paths.astype(np.float32) if keep else None)


def stream(seed: int, task_index: int, model: str) -> np.random.Generator:
    """The generator of one model on one task: keyed by the model's name, so a model's scores
    do not depend on which other models run beside it."""
    key = zlib.crc32(model.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(task_index, key))))


def evaluate(t: Task, index: int, models: Sequence[str], paths: int, seed: int,
             calibrate: bool, keep: bool = False, prior: Prior | None = None) -> dict[str, Scores | str]:
    """Every model's scores on one task, or the reason it failed."""
    from forecast.models.combination import build

    out: dict[str, Scores | str] = {}
    h = len(t.actual)
    for name in models:
        try:
            built = build(name, t.years, t.logs, calibrate=calibrate, prior=prior)
            sim = built.model.simulate(h, paths, stream(seed, index, name))
        except ModelError as e:
            out[name] = e.problems[0].message
            continue
        if not np.all(np.isfinite(sim)):
            out[name] = "non-finite simulated values"
            continue
        center = built.model.last_log + np.cumsum(built.model.mean_growth(h))
        out[name] = score(sim, center, t, keep)
    return out


def _work(args: tuple[Task, int, tuple[str, ...], int, int, bool, bool, Prior | None]
          ) -> dict[str, Scores | str]:
    import warnings

    from forecast.models.combination import one_blas_thread

    with warnings.catch_warnings(), one_blas_thread():
        warnings.simplefilter("ignore")
        return evaluate(*args)


def run_tasks(tasks: Sequence[Task], models: Sequence[str], *, paths: int = 1000, seed: int = 0,
              calibrate: bool = True, keep: bool = False,
              workers: int | None = None, prior: Prior | None = None,
              progress: Callable[[int], None] | None = None) -> list[dict[str, Scores | str]]:
    """Evaluate every task, in parallel processes when there are many (``prior``: the pooled
    model's priors, default the shipped ones; ``progress`` is told the tasks done)."""
    args = [(t, i, tuple(models), paths, seed, calibrate, keep, prior) for i, t in enumerate(tasks)]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    out: list[dict[str, Scores | str]] = []
    if workers <= 1 or len(tasks) < 20:
        for a in args:
            out.append(_work(a))
            if progress is not None:
                progress(len(out))
        return out
    import multiprocessing as mp

    with mp.get_context("fork").Pool(workers) as pool:  # imap keeps the order of the tasks
        for r in pool.imap(_work, args, chunksize=max(1, len(args) // (workers * 8))):
            out.append(r)
            if progress is not None:
                progress(len(out))
    return out


def summarise(tasks: Sequence[Task], results: Sequence[dict[str, Scores | str]], model: str,
              horizons: int | None = None) -> dict[str, Any]:
    """The metrics of one model over the tasks it could forecast (see module notes)."""
    ys, med, lo80, hi80, lo95, hi95, crps, scale, hs = ([] for _ in range(9))
    p_up, up = [], []
    failed = []
    for t, r in zip(tasks, results):
        s = r[model]
        if isinstance(s, str):
            failed.append({"series_id": t.series_id, "origin": t.origin, "reason": s})
            continue
        k = len(t.actual) if horizons is None else min(horizons, len(t.actual))
        ys.append(t.actual[:k])
        med.append(s.median[:k])
        lo80.append(s.lo80[:k])
        hi80.append(s.hi80[:k])
        lo95.append(s.lo95[:k])
        hi95.append(s.hi95[:k])
        crps.append(s.crps[:k])
        scale.append(np.full(k, t.scale))
        hs.append(np.arange(1, k + 1))
        if np.isfinite(t.actual[0]):
            p_up.append(s.p_up)
            up.append(t.actual[0] >= np.exp(t.logs[-1]) * (1 + np.array(GROWTH_THRESHOLDS)))
    out: dict[str, Any] = {"model": model, "n_tasks": len(tasks) - len(failed),
                           "n_series": len({t.series_id for t, r in zip(tasks, results)
                                            if not isinstance(r[model], str)}),
                           "n_failed": len(failed), "failed": failed}
    if not ys:
        return out
    y, f = np.concatenate(ys), np.concatenate(med)
    a80, b80, a95, b95 = (np.concatenate(v) for v in (lo80, hi80, lo95, hi95))
    sc, h, cr = np.concatenate(scale), np.concatenate(hs), np.concatenate(crps)
    seen = np.isfinite(y)
    y, f, a80, b80, a95, b95, sc, h, cr = (v[seen] for v in (y, f, a80, b80, a95, b95, sc, h, cr))
    if not y.size:
        return out
    first = h == 1
    ok = np.isfinite(sc) & (sc > 0)  # a constant training series has no MASE scale
    pu, o = np.array(p_up), np.array(up)
    g_keys = [f"{g:.2f}" for g in GROWTH_THRESHOLDS]

    def cover(lo: np.ndarray, hi: np.ndarray, sel: np.ndarray) -> float | None:
        return metrics.coverage(y[sel], lo[sel], hi[sel]) if sel.any() else None

    out.update({
        "smape": metrics.smape(y, f),
        "mase": metrics.mase(y[ok], f[ok], sc[ok]) if ok.any() else None,
        "coverage": {"80": {"h1": cover(a80, b80, first), "all": metrics.coverage(y, a80, b80)},
                     "95": {"h1": cover(a95, b95, first), "all": metrics.coverage(y, a95, b95)}},
        "msis": metrics.msis(y[ok], a95[ok], b95[ok], sc[ok], 0.05) if ok.any() else None,
        "crps": float(np.mean(cr)),
        "brier": {k: metrics.brier(pu[:, j], o[:, j]) if len(pu) else None
                  for j, k in enumerate(g_keys)},
        "reliability": {k: metrics.reliability(pu[:, j], o[:, j]) if len(pu) else []
                        for j, k in enumerate(g_keys)},
        "by_horizon": {int(k): {"smape": metrics.smape(y[h == k], f[h == k]),
                                "coverage80": metrics.coverage(y[h == k], a80[h == k], b80[h == k]),
                                "coverage95": metrics.coverage(y[h == k], a95[h == k], b95[h == k]),
                                "n": int(np.sum(h == k))} for k in np.unique(h)},
    })
    return out


def holdout_tasks(panel: dict[str, tuple[np.ndarray, np.ndarray]], holdout: int
                  ) -> tuple[list[Task], list[dict[str, str]]]:
    """One task per series: the last ``holdout`` values held out (M-competition style).

    Series too short to fit after holding out are returned as failures, not dropped.
    """
    tasks, failed = [], []
    for sid, (years, values) in panel.items():
        n = len(values) - holdout
        if n < 3:
            failed.append({"series_id": sid, "reason": f"{len(values)} values: at least "
                           f"{holdout + 3} needed to hold out {holdout}"})
            continue
        tasks.append(task(sid, years, values, n - 1, holdout))
    return tasks, failed


def rolling_tasks(series_id: str, years: np.ndarray, values: np.ndarray, horizon: int,
                  min_history: int = MIN_HISTORY, origins: Sequence[int] | None = None) -> Iterator[Task]:
    """Every origin with at least ``min_history`` years fitted and one year to score."""
    for i in range(min_history - 1, len(values) - 1):
        if origins is not None and int(years[i]) not in origins:
            continue
        t = task(series_id, years, values, i, horizon)
        if len(t.actual):
            yield t


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    return fn(*args, **kw), time.perf_counter() - start


def panel_tasks(series: dict[str, tuple[np.ndarray, np.ndarray]], holdout: int
                ) -> tuple[list[Task], list[dict[str, str]], dict[str, object]]:
    """A panel's hold-out tasks, the series too short for one, and the report's context."""
    tasks, short = holdout_tasks(series, holdout)
    return tasks, short, {"holdout": holdout}


def scenario_tasks(where: str, sc: Any, ts: Any) -> tuple[list[Task], dict[str, object]]:
    """Rolling-origin tasks on a scenario's own series at its target's horizon, and the
    report's context.

    Raises
    ------
    ScenarioError
        When the series is too short for one origin.
    """
    horizon = sc.target.year - ts.last_year
    tasks = list(rolling_tasks(sc.name, ts.years, ts.values, horizon))
    if not tasks:
        raise ScenarioError(where, "data", f"a backtest needs more than {MIN_HISTORY} "
                            f"years of history (got {len(ts.years)})")
    return tasks, {"series": f"{ts.reporter or 'inline'} {ts.measure}", "horizon": horizon,
                   "origins": [t.origin for t in tasks]}


def score_all(tasks: Sequence[Task], short: list[dict[str, str]], models: Sequence[str], where: str, *,
              paths: int, seed: int, calibrate: bool, prior: Prior | None,
              progress: Callable[[int], None] | None = None
              ) -> tuple[dict[str, dict[str, Any]], float]:
    """Run every task with every model and summarise each model's scores (the series too
    short for a task count as failed); the seconds it took.

    Raises
    ------
    ForecastError
        When no model produced a forecast with a held-out value.
    """
    results, seconds = timed(run_tasks, tasks, models, paths=paths, seed=seed,
                             calibrate=calibrate, prior=prior, progress=progress)
    summaries = {m: summarise(tasks, results, m) for m in models}
    if not any("smape" in s for s in summaries.values()):
        raise ForecastError(where, "", f"nothing to score: no model produced a forecast with a "
                            f"held-out value ({len(tasks)} task(s), {len(short)} series too short)")
    for s in summaries.values():
        s["n_failed"] += len(short)
        s["failed"] = short + s["failed"]
    return summaries, seconds
