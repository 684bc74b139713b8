"""Time to P(target) at a given precision: the closed form, each estimator, the engine, and
the routes a user would otherwise take; and the rare-target case.

Run:  python benchmarks/probability_routes.py

Everything runs side by side in one process on the default question (scenarios/
kz-kg-2024-target.yaml: $2bn in 2024 from $1.318bn in 2023, Kyrgyz statistics, under the
calibrated random walk with drift, whose Student-t predictive the estimators sample; ``auto``'s
pooled model has tail factors, a two-piece Student-t, which they do not); compare ratios,
not seconds (the machine is shared).

1. **Time to s.e. <= 0.0005** (best of 3, fits excluded unless said): the closed form of
   the model's predictive; each estimator of ``benchmarks/estimators.py`` on the same predictive,
   at the samples a pilot run says it needs; the engine (``forecast.simulate`` with
   ``precision=0.0005``, which also gives quantiles and fan charts); and the statsmodels
   route: ``ETSModel`` (additive damped trend on logs, fitted) and
   ``ETSResults.simulate(repetitions=N)`` with N for s.e. <= 0.0005, counting paths at or
   above the target. The statsforecast and Prophet routes are not scripted yet: the
   benchmark says whether those packages are installed and skips them.
2. **Rare target**: the boundary with P = 1e-4 under the same predictive; samples plain
   sampling needs for a 10% relative error, (1-p)/(0.01 p), and what importance sampling
   reaches with 10,000 samples (over 20 seeds).
"""

from __future__ import annotations

import math
import os
import platform
import sys
import time
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import best  # noqa: E402
from estimators import METHODS, estimate, exact, predictive_of  # noqa: E402

from forecast.analysis import loading  # noqa: E402
from forecast.engine.simulate import simulate  # noqa: E402
from forecast.models.combination import build, one_blas_thread  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SE = 0.0005


def needed(method: str, comps, b: float) -> int:  # type: ignore[no-untyped-def]
    """Samples to ask for (s.e. <= SE), from a pilot asking for 20,000 (se scales as
    1/sqrt(n)); the table shows the samples each method really drew."""
    pilot = estimate(comps, b, 20_000, method, np.random.default_rng(1))
    if pilot.se == 0:
        return 20_000
    return max(int(math.ceil(20_000 * (pilot.se / SE) ** 2 * 1.1)), 1_000)


def statsmodels_route(years: np.ndarray, logs: np.ndarray, log_target: float,
                      p: float) -> tuple[float, float, int]:
    """(seconds, P, repetitions) for fit + simulate with statsmodels' ETS."""
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    reps = int(math.ceil(p * (1 - p) / SE ** 2))
    y = pd.Series(logs, index=pd.period_range(str(years[0]), periods=len(logs), freq="Y"))

    def run() -> float:
        with one_blas_thread():
            fit = ETSModel(y, error="add", trend="add", damped_trend=True).fit(disp=False)
            sims = fit.simulate(1, repetitions=reps, anchor="end", rng=np.random.default_rng(0))
        return float((np.asarray(sims).ravel() >= log_target).mean())

    t = best(run)
    return t, run(), reps


#: The model whose closed-form predictive the estimators sample.
MODEL = "rw-drift"


def main() -> None:
    prep = loading.prepare(ROOT / "scenarios" / "kz-kg-2024-target.yaml")
    s, sc = prep.series, prep.scenario
    logs = np.log(s.values)
    h = sc.target.year - s.last_year
    years = np.arange(s.last_year + 1, sc.target.year + 1)
    t_fit = best(lambda: build(MODEL, s.years, logs, every=False))
    model = build(MODEL, s.years, logs, every=False).model
    comps = predictive_of(model, h)
    assert comps is not None
    b = math.log(sc.target.value / s.last_value)
    p = exact(comps, b)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}")
    print(f"question: {sc.name}, P(level >= {sc.target.value:.3g} in {sc.target.year}) under {MODEL} "
          f"= {p:.6f} (closed form); fitting {MODEL} takes {t_fit * 1e3:.0f} ms (not in the times below)\n")

    print(f"1. Time to P with s.e. <= {SE} (best of 3)")
    print(f"{'route':46s} {'samples':>11s} {'seconds':>9s} {'P':>9s} {'s.e.':>9s} {'x closed-form':>14s} "
          f"{'x plain':>8s}")
    reps = 2000
    t_closed = min(timeit.repeat(lambda: exact(comps, b), number=reps, repeat=3)) / reps
    rows = [("closed form (benchmarks/estimators.py.exact)", 0, t_closed, p, 0.0)]
    for m in METHODS:
        n = needed(m, comps, b)
        e = estimate(comps, b, n, m, np.random.default_rng(2))
        rows.append((f"estimator: {m}", e.n, best(lambda m=m, n=n: estimate(comps, b, n, m,
                                                                             np.random.default_rng(2))),
                     e.p, e.se))
    res = simulate(model, years, sc.target.value, paths=10_000_000, seed=3, precision=SE)
    k = int(res.above[-1])
    rows.append(("engine: simulate(precision=0.0005), all paths", res.paths,
                 best(lambda: simulate(model, years, sc.target.value, paths=10_000_000, seed=3,
                                       precision=SE)),
                 k / res.paths, math.sqrt(k * (res.paths - k) / res.paths) / res.paths))
    t_sm, p_sm, n_sm = statsmodels_route(s.years, logs, math.log(sc.target.value), p)
    rows.append(("statsmodels ETSModel fit + simulate", n_sm, t_sm, p_sm,
                 math.sqrt(p_sm * (1 - p_sm) / n_sm)))
    plain_t = next(r[2] for r in rows if r[0] == "estimator: plain")
    for name, n, t, pp, se in rows:
        print(f"{name:46s} {n:11,d} {t:9.4f} {pp:9.5f} {se:9.5f} {t / t_closed:14,.0f} {t / plain_t:8.2f}")
    print(f"(statsmodels' ETS is a different model than {MODEL}, so its P differs; the time is the point)")
    for lib in ("statsforecast", "prophet"):
        try:
            __import__(lib)
        except ImportError:
            print(f"skipped: {lib} is not installed (optional; pip install {lib} to time its route)")
        else:
            print(f"skipped: {lib} is installed, but its route is not scripted here yet")

    print("\n2. Rare target: P = 1e-4 under the same predictive")
    from scipy.optimize import brentq

    rare = brentq(lambda x: exact(comps, x) - 1e-4, b, 20.0)
    plain_n = (1 - 1e-4) / (0.01 * 1e-4)
    print(f"boundary: {math.exp(rare) * s.last_value / 1e9:.3f}bn (x{math.exp(rare):.2f} the last year)")
    print(f"plain sampling: {plain_n:,.0f} samples for a 10% relative error")
    t = time.perf_counter()
    est = [estimate(comps, rare, 10_000, "importance", np.random.default_rng(i)) for i in range(20)]
    t = (time.perf_counter() - t) / 20
    ps = np.array([e.p for e in est])
    print(f"importance sampling, 10,000 samples, 20 seeds: mean {ps.mean():.4e}, relative error "
          f"(spread) {ps.std(ddof=1) / 1e-4:.2%}, reported {np.mean([e.se for e in est]) / 1e-4:.2%}, "
          f"{t * 1e3:.1f} ms each")
    plain = [estimate(comps, rare, 10_000, "plain", np.random.default_rng(i)).p for i in range(20)]
    print(f"plain sampling, 10,000 samples, 20 seeds: relative error (spread) "
          f"{np.std(plain, ddof=1) / 1e-4:.0%}")


if __name__ == "__main__":
    main()
