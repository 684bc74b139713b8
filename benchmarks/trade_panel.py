"""Trade panel benchmark: rolling origins 2005-2017, horizons 1-3, turnover on each
reporter's figures (IMF DOTS, 300 country pairs), every model and auto.

Run:  python benchmarks/trade_panel.py [--models auto,rw-drift,...] [--paths 1000] [--no-calibration]

The shipped calibration was learned on this panel (other origins overlap), so the
calibrated coverage here is in-sample for the widening factors; the out-of-fold check
(factors learned on half the pairs, scored on the other half) is printed by
benchmarks/learn_calibration.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import trade_panel  # noqa: E402

from forecast.analysis.backtest import rolling_tasks, run_tasks, summarise  # noqa: E402
from forecast.models import MEMBERS  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default=",".join([*MEMBERS, "auto"]))
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--origin-step", type=int, default=1)
    ap.add_argument("--no-calibration", action="store_true")
    args = ap.parse_args()
    models = args.models.split(",")
    panel = trade_panel()
    origins = list(range(2005, 2018, args.origin_step))
    tasks = [t for sid, (y, v) in panel.items() for t in rolling_tasks(sid, y, v, 3, origins=origins)]
    start = time.perf_counter()
    results = run_tasks(tasks, models, paths=args.paths, seed=args.seed, calibrate=not args.no_calibration)
    seconds = time.perf_counter() - start
    print(f"trade panel: {len(panel)} series, {len(tasks)} forecasts (origins {origins[0]}-{origins[-1]}, "
          f"horizons 1-3), {args.paths} paths, calibration "
          f"{'none' if args.no_calibration else 'panel'}; {seconds:.0f} s on {os.cpu_count()} cores")
    print(f"\n{'model':10s} {'sMAPE':>7s} {'MASE':>6s} {'cov80':>6s} {'cov95':>6s} {'MSIS':>7s} "
          f"{'c80 h1':>6s} {'c95 h1':>6s} {'Brier0':>6s} {'Brier5':>6s} {'Brier10':>7s} {'CRPS':>6s} failed")
    for m in models:
        s = summarise(tasks, results, m)
        c = s["coverage"]
        b = s["brier"]
        print(f"{m:10s} {s['smape']:7.3f} {s['mase']:6.3f} {c['80']['all']:6.3f} {c['95']['all']:6.3f} "
              f"{s['msis']:7.3f} {c['80']['h1']:6.3f} {c['95']['h1']:6.3f} {b['0.00']:6.3f} {b['0.05']:6.3f} "
              f"{b['0.10']:7.3f} {s['crps']:6.3f} {s['n_failed']}")


if __name__ == "__main__":
    main()
