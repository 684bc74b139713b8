"""Learn the calibration table (forecast/models/calibration.json) from the IMF trade panel.

Run:  python benchmarks/learn_calibration.py [--write] [--paths 400] [--origin-step 1] [--cache FILE]

1. Rolling-origin backtests of every single model, uncalibrated, on annual turnover
   (exports + imports) of the 300 country pairs in ../shared/data-sources/imf-dots-2022,
   each reporter's own figures: every origin 2002-2017 (or every ``origin-step`` years),
   at least 8 years fitted, horizons 1-8 (as far as 2020 allows). Every origin matters:
   world trade shocks (2009, 2015, 2020) are few, and a sparser grid that happens to
   catch them over-weights them (an every-third-year grid gave factors that over-covered
   by 6 points at h=1 on every-year origins).
2. For each model and horizon h, the widening factor k_h (deviations of simulated log
   levels from the point forecast multiplied by k_h) that minimises the mean interval
   score of the central 80% and 95% intervals (a proper score, so it rewards intervals
   whose coverage is right, not merely wide).
3. An honest check: factors learned on half of the country pairs, scored on the other
   half (2-fold by pair), printed beside the in-sample figures.

The pooled model (``auto``) is not calibrated here: its tail factors are learned with its
priors (``tradecast learn``, ``benchmarks/panel_targets.py``).

Prints every figure; with --write, writes forecast/models/calibration.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import ROOT, trade_panel  # noqa: E402

from forecast.analysis.backtest import Task, rolling_tasks, run_tasks  # noqa: E402
from forecast.models import MEMBERS  # noqa: E402

#: Every single model but the pooled one (whose tails are learned with its priors).
MODELS = tuple(m for m in MEMBERS if m != "pooled")

H = 8
GRID = np.round(np.arange(0.5, 4.0001, 0.01), 2)


def interval_score(y, c, lo, hi, k, alpha):
    """Mean interval score (log scale) of c + k (lo - c), c + k (hi - c), for each k in GRID."""
    lo_k = c[None] + k[:, None] * (lo - c)[None]
    hi_k = c[None] + k[:, None] * (hi - c)[None]
    return np.mean((hi_k - lo_k) + 2 / alpha * np.maximum(lo_k - y[None], 0)
                   + 2 / alpha * np.maximum(y[None] - hi_k, 0), axis=1)


def collect(tasks: list[Task], results, model: str, h: int):
    """(log actual, center, q10, q90, q2.5, q97.5) at horizon h over tasks the model forecast."""
    rows = []
    for t, r in zip(tasks, results):
        s = r[model]
        if isinstance(s, str) or len(t.actual) < h or not np.isfinite(t.actual[h - 1]):
            continue
        q = s.quantiles[:, h - 1]
        rows.append((np.log(t.actual[h - 1]), s.center[h - 1], q[2], q[6], q[0], q[8]))
    return np.array(rows).T if rows else np.empty((6, 0))


def learn_factor(data) -> float:
    y, c, l80, h80, l95, h95 = data
    if y.size < 30:
        return float("nan")
    score = interval_score(y, c, l80, h80, GRID, 0.2) + interval_score(y, c, l95, h95, GRID, 0.05)
    return float(GRID[np.argmin(score)])


def coverage(data, k: float) -> tuple[float, float]:
    y, c, l80, h80, l95, h95 = data
    inside = lambda lo, hi: np.mean((c + k * (lo - c) <= y) & (y <= c + k * (hi - c)))  # noqa: E731
    return float(inside(l80, h80)), float(inside(l95, h95))


def factors_for(tasks, results, model) -> list[float]:
    out = [learn_factor(collect(tasks, results, model, h)) for h in range(1, H + 1)]
    for i in range(1, H):  # too few outcomes at a long horizon: keep the previous factor
        if not np.isfinite(out[i]):
            out[i] = out[i - 1]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write forecast/models/calibration.json")
    ap.add_argument("--paths", type=int, default=400)
    ap.add_argument("--origin-step", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, help="pickle of the backtests: read if present, else written")
    args = ap.parse_args()
    start = time.perf_counter()
    panel = trade_panel()
    origins = list(range(2002, 2018, args.origin_step))
    tasks = [t for sid, (y, v) in panel.items() for t in rolling_tasks(sid, y, v, H, origins=origins)]
    print(f"trade panel: {len(panel)} series, {len(tasks)} tasks (origins {origins}), "
          f"{args.paths} paths per model per task")
    if args.cache and args.cache.exists():
        results = pickle.loads(args.cache.read_bytes())
    else:
        results = run_tasks(tasks, MODELS, paths=args.paths, seed=args.seed, calibrate=False, keep=True)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(results))
    print(f"backtests: {time.perf_counter() - start:.0f} s")

    factors = {m: factors_for(tasks, results, m) for m in MODELS}
    print("\nraw coverage (80% / 95%) -> learned factor -> calibrated coverage, in-sample")
    evidence: dict[str, dict] = {}
    for m in MODELS:
        failed = sum(isinstance(r[m], str) for r in results)
        cells = []
        evidence[m] = {"failed_tasks": failed, "by_horizon": {}}
        for h in range(1, H + 1):
            d = collect(tasks, results, m, h)
            raw, cal = coverage(d, 1.0), coverage(d, factors[m][h - 1])
            evidence[m]["by_horizon"][h] = {"n": int(d.shape[1]), "raw80": raw[0], "raw95": raw[1],
                                            "factor": factors[m][h - 1], "cal80": cal[0], "cal95": cal[1]}
            if h <= 4 or h == H:
                cells.append(f"h{h} {raw[0]:.2f}/{raw[1]:.2f}->x{factors[m][h - 1]:.2f}->"
                             f"{cal[0]:.2f}/{cal[1]:.2f}")
        print(f"  {m:9s} failed {failed:4d}  " + "  ".join(cells))

    # Honest check: 2-fold by pair.
    pair = [hashlib.sha256("-".join(sorted(t.series_id.split("-"))).encode()).digest()[0] % 2
            for t in tasks]
    print("\nout-of-fold (factors learned on the other half of the pairs):")
    for m in MODELS:
        for h in (1, 2, 3):
            cov = []
            for fold in (0, 1):
                train = [i for i, p in enumerate(pair) if p != fold]
                test = [i for i, p in enumerate(pair) if p == fold]
                k = learn_factor(collect([tasks[i] for i in train], [results[i] for i in train], m, h))
                d = collect([tasks[i] for i in test], [results[i] for i in test], m, h)
                cov.append((coverage(d, k), d.shape[1]))
            n = sum(c[1] for c in cov)
            c80 = sum(c[0][0] * c[1] for c in cov) / n
            c95 = sum(c[0][1] * c[1] for c in cov) / n
            evidence[m]["by_horizon"][h].update({"out_of_fold80": c80, "out_of_fold95": c95})
            print(f"  {m:9s} h{h}: 80% covers {c80:.3f}, 95% covers {c95:.3f} (n={n})")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")

    if args.write:
        table = {
            "about": "Scale factors per model and horizon, learned by "
                     "benchmarks/learn_calibration.py on rolling-origin backtests of the IMF DOTS "
                     "trade panel (../shared/data-sources/imf-dots-2022/panel.csv, 300 pairs, "
                     "turnover on each reporter's figures).",
            "method": "deviations of simulated log levels from the point forecast are multiplied by "
                      "factors[model][h-1]; the factor minimises the mean interval score of the "
                      "central 80% and 95% intervals; beyond the last horizon the last factor holds",
            "settings": {"origins": origins, "paths": args.paths, "seed": args.seed, "tasks": len(tasks),
                         "series": len(panel)},
            "factors": {m: [round(k, 2) for k in v] for m, v in factors.items()},
            "evidence": evidence,
        }
        path = ROOT / "forecast" / "models" / "calibration.json"
        path.write_text(json.dumps(table, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
