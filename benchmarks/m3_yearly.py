"""M3 yearly benchmark: 645 series, last 6 values held out, every model and auto.

Run:  python benchmarks/m3_yearly.py [--models auto,rw-drift,...] [--paths 1000] [--no-calibration]

Prints accuracy (sMAPE, MASE), interval coverage at h=1 and pooled over h=1..6, MSIS,
the CRPS of log values, the Brier score of P(y[T+1] >= 1.05 y[T]) and the wall time, beside the
published and reproduced reference figures (copied from the reference tables in
../shared/benchmarks/m3-yearly), and checks
the bars of the models issue. The calibration applied was learned on the IMF trade panel,
never on M3, so these are out-of-sample figures for it.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import m3_yearly  # noqa: E402

from forecast.analysis.backtest import holdout_tasks, run_tasks, summarise  # noqa: E402
from forecast.models import MEMBERS  # noqa: E402

REFERENCES = [  # model, sMAPE, MASE, cov80 all, cov95 all, MSIS, cov80 h1, cov95 h1, Brier +5% h1
    ("Naive (statsforecast)", 17.880, 3.172, 0.624, 0.785, 39.976, 0.738, 0.893, 0.229),
    ("RWD (statsforecast)", 16.790, 2.632, 0.659, 0.803, 32.562, 0.761, 0.885, 0.193),
    ("AutoETS (statsforecast)", 16.190, 2.695, 0.705, 0.836, 28.706, 0.826, 0.932, 0.205),
    ("DOTM (statsforecast)", 15.787, 2.576, 0.619, 0.744, 38.079, 0.749, 0.851, 0.196),
    ("AutoARIMA (statsforecast)", 16.716, 2.882, 0.645, 0.793, 40.097, 0.736, 0.867, 0.198),
    ("THETA (original M3)", 16.974, 2.806, None, None, None, None, None, None),
    ("ETS+ARIMA+Theta mean", 15.568, 2.602, None, None, None, None, None, None),
]
BARS = {"smape": 16.0, "mase": 2.70, "cov80_h1": (0.77, 0.83), "cov95_h1": (0.92, 0.97),
        "cov95_all": 0.90, "brier05": 0.185, "seconds": 300}


def fmt(v, spec=".3f") -> str:
    return "   -  " if v is None else format(v, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join([*MEMBERS, "auto"]))
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-calibration", action="store_true")
    args = ap.parse_args()
    models = args.models.split(",")
    series = m3_yearly()
    tasks, short = holdout_tasks(series, 6)
    start = time.perf_counter()
    results = run_tasks(tasks, models, paths=args.paths, seed=args.seed,
                        calibrate=not args.no_calibration)
    seconds = time.perf_counter() - start
    print(f"M3 yearly: {len(series)} series, holdout 6, {args.paths} paths per forecast, calibration "
          f"{'none' if args.no_calibration else 'panel (learned on the IMF trade panel)'}; "
          f"{seconds:.0f} s for {len(models)} model(s) on {os.cpu_count()} cores "
          f"({platform.processor() or platform.machine()}, Python {platform.python_version()})")
    print(f"\n{'model':27s} {'sMAPE':>7s} {'MASE':>6s} {'cov80':>6s} {'cov95':>6s} {'MSIS':>7s} "
          f"{'c80 h1':>6s} {'c95 h1':>6s} {'Brier5':>6s} {'CRPS':>6s} failed")
    summaries = {}
    for m in models:
        s = summarise(tasks, results, m)
        summaries[m] = s
        c = s["coverage"]
        print(f"{m:27s} {s['smape']:7.3f} {s['mase']:6.3f} {c['80']['all']:6.3f} {c['95']['all']:6.3f} "
              f"{s['msis']:7.3f} {c['80']['h1']:6.3f} {c['95']['h1']:6.3f} {s['brier']['0.05']:6.3f} "
              f"{s['crps']:6.3f} {s['n_failed'] + len(short)}")
    for name, *v in REFERENCES:
        print(f"{name:27s} {fmt(v[0], '7.3f')} {fmt(v[1], '6.3f')} {fmt(v[2], '6.3f')} {fmt(v[3], '6.3f')} "
              f"{fmt(v[4], '7.3f')} {fmt(v[5], '6.3f')} {fmt(v[6], '6.3f')} {fmt(v[7], '6.3f')}")
    if "auto" in summaries:
        s = summaries["auto"]
        c = s["coverage"]
        lo80, hi80 = BARS["cov80_h1"]
        lo95, hi95 = BARS["cov95_h1"]
        checks = [
            (f"sMAPE <= {BARS['smape']}", s["smape"] <= BARS["smape"], f"{s['smape']:.3f}"),
            (f"MASE <= {BARS['mase']:.2f}", s["mase"] <= BARS["mase"], f"{s['mase']:.3f}"),
            (f"80% at h=1 in [{lo80}, {hi80}]", lo80 <= c["80"]["h1"] <= hi80, f"{c['80']['h1']:.3f}"),
            (f"95% at h=1 in [{lo95}, {hi95}]", lo95 <= c["95"]["h1"] <= hi95, f"{c['95']['h1']:.3f}"),
            (f"95% pooled h=1..6 >= {BARS['cov95_all']:.2f}", c["95"]["all"] >= BARS["cov95_all"],
             f"{c['95']['all']:.3f}"),
            (f"Brier(+5%) <= {BARS['brier05']}", s["brier"]["0.05"] <= BARS["brier05"],
             f"{s['brier']['0.05']:.3f}"),
            (f"whole run < {BARS['seconds']} s", seconds < BARS["seconds"], f"{seconds:.0f} s"),
        ]
        print("\nbars for auto (models issue):")
        for text, ok, value in checks:
            print(f"  {'met   ' if ok else 'MISSED'} {text:30s} {value}")


if __name__ == "__main__":
    main()
