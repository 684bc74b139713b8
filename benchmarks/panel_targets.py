"""Honest probabilities: learn the pooled priors on the IMF DOTS panel, then score P(target)
on the announced-style targets of ../shared/benchmarks/panel-targets, in-sample and out of
time, side by side; and the coverage of the priors' intervals on the panel out of time.

Run:  python benchmarks/panel_targets.py [--write] [--cli] [--panel-out FILE]

1. Priors learned with values up to 2010 (``learn --until 2010``): nothing from the test
   years' outcomes. A forecast from a year T reads all pairs' growth only up to T.
2. Priors learned with values up to 2020: the shipped table (``--write`` writes it to
   forecast/models/priors.json).
3. Targets scored (``backtest --targets``): test (last figure 2011-2018, outcomes to 2020)
   and train (last figure 1996-2009, outcomes to 2010), with each set of priors, the same
   priors without tail factors, and the plain random walk with drift.
4. Coverage of the 80% and 95% intervals, and the shares above the 90% and below the 10%
   quantiles, on the panel from origins 2011 on (histories shaped as in learning, seed 7).
With ``--cli``, also times ``tradecast learn --panel`` on the panel written in the panel
format (a temporary file), as a user would run it. ``--panel-out FILE`` only writes that
panel file (columns series_id, year, value) and stops, for ``tradecast learn`` and
``tradecast backtest --targets`` by hand.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import ROOT, need, trade_panel  # noqa: E402

from forecast.analysis import targets  # noqa: E402
from forecast.analysis.targets import read_registry  # noqa: E402
from forecast.models import learn, priors  # noqa: E402
from forecast.present import formats  # noqa: E402

PANEL_ABOUT = ("IMF DOTS panel, ../shared/data-sources/imf-dots-2022/panel.csv: annual turnover "
               "(exports + imports) of 300 country pairs on each reporter's figures, 1992-2020; "
               "a year is left out where a flow is missing, zero or an IMF estimate")


def write_panel(panel: dict, path: Path) -> None:
    """The panel in the panel format (series_id, year, value), exact values."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["series_id", "year", "value"])
        for sid, (years, values) in panel.items():
            w.writerows((sid, int(y), repr(float(v))) for y, v in zip(years, values))


def score_line(label: str, r: dict) -> str:
    bins = [b for b in r["reliability"] if b["count"] >= 100]
    worst = max((abs(b["mean_predicted"] - b["observed"]) for b in bins), default=float("nan"))
    return (f"{label:38s} {r['n']:5d} {r['brier']:.4f} {r['log_score']:.4f} {r['mean_probability']:.3f} "
            f"{r['base_rate']:.3f} {r['mean_minus_met']:+.3f} ({r['mean_minus_met_se_clustered']:.3f}) "
            f"{r['reliability_slope']:5.2f} {worst:6.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true",
                    help="write forecast/models/priors.json (values up to 2020)")
    ap.add_argument("--cli", action="store_true", help="also time 'tradecast learn' on the panel")
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--panel-out", type=Path, help="write the panel in the panel format and stop")
    args = ap.parse_args()
    folder = need("benchmarks", "panel-targets")
    panel = trade_panel()
    if args.panel_out:
        write_panel(panel, args.panel_out)
        print(f"wrote {args.panel_out}: {len(panel)} series")
        return
    learned = {}
    for until in (2010, 2020):
        start = time.perf_counter()
        prior, evidence = learn.learn(panel, until=until, progress=lambda s: print("  " + s, flush=True))
        learned[until] = (prior, evidence)
        print(f"learned with values up to {until}: {time.perf_counter() - start:.0f} s; lower/upper tail "
              f"factors {prior.lower[0]:.2f}/{prior.upper[0]:.2f}\n", flush=True)

    print(f"{'targets, priors':38s} {'n':>5s} {'Brier':>6s} {'log':>6s} {'meanP':>5s} {'met':>5s} "
          f"{'gap (s.e.)':>14s} {'slope':>5s} {'worst bin':>9s}")
    for name in ("test", "train"):
        rows = read_registry(folder / f"{name}.csv", need_met=True)
        base = targets.scores(targets.answer_all(rows, "rw-drift", paths=args.paths, calibrate=False))
        for until, (prior, _) in learned.items():
            for label, p in ((f"learned to {until}", prior),
                             (f"learned to {until}, no tail factors",
                              replace(prior, lower=(1.0,), upper=(1.0,)))):
                r = targets.scores(targets.answer_all(rows, "auto", prior=p, paths=args.paths))
                print(score_line(f"{name}: {label}", r), flush=True)
        print(score_line(f"{name}: plain rw-drift", base))
        print(f"{name}: base rate {r['base_rate']:.3f} (all {r['n']} targets): Brier "
              f"{r['base_rate_brier']:.4f}, log {r['base_rate_log_score']:.4f}\n", flush=True)

    prior10 = learned[2010][0]
    batches = learn.make_tasks(panel, until=2020, seed=7, first_origin=2011)
    z, df, h, _ = learn.standardised(batches, prior10)
    print("panel out of time: learned to 2010, origins 2011-2019, outcomes to 2020")
    print(" h      n   80%    95%   >q90   <q10   (no tail factors: 80% 95% >q90 <q10)")
    raw = {r["h"]: r for r in learn.coverage(z, df, h)}
    for r in learn.coverage(z, df, h, prior10.lower, prior10.upper):
        o = raw[r["h"]]
        print(f"{r['h']:2d} {r['n']:6d} {r['cover80']:.3f}  {r['cover95']:.3f}  {r['above90']:.3f}  "
              f"{r['below10']:.3f}   ({o['cover80']:.3f} {o['cover95']:.3f} {o['above90']:.3f} "
              f"{o['below10']:.3f})")

    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dots_panel.csv"
            write_panel(panel, path)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "forecast", "learn", "--panel", str(path), "--out",
                            str(Path(tmp) / "p.json")], check=True, stdout=subprocess.DEVNULL)
            print(f"\ntradecast learn --panel (DOTS, values to 2020): {time.perf_counter() - start:.0f} s")

    if args.write:
        prior, evidence = learned[2020]
        source = need("data-sources", "imf-dots-2022", "panel.csv")
        doc = priors.document(
            prior, about="Pooled priors shipped with tradecast, learned by benchmarks/panel_targets.py "
            "(forecast.learn.learn, seed 0) with values up to 2020.",
            panel={"file": PANEL_ABOUT, "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                   "series": len(panel), "until": 2020},
            evidence=evidence, counts={int(k): v for k, v in evidence["index_series"].items()})
        out = ROOT / "forecast" / "models" / priors.SHIPPED
        out.write_text(formats.to_json(doc), encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
