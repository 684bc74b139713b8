"""Both reporters on the IMF trade panel: does using the partner's figures help?

Run:  python benchmarks/both_reporters.py [--paths 2000] [--seed 0] [--pairs N]

For every country pair in ../shared/data-sources/imf-dots-2022 where both countries
report their trade with each other, each country in turn is the basis A and the other
B. At each origin T = 2005..2017, A's turnover is known up to T and B's up to T+1 (the
partner has published one more year, as Kazakhstan had in 2025). A's turnover in T+1
and T+2 is forecast

- *one reporter*: ``auto`` (calibrated as shipped) on A's figures alone;
- *both*: the same paths weighted by the likelihood of B's T+1 figure given each
  path, through the gap model of ``forecast.reporter_gap`` fitted to the years up to T.

Printed for each horizon: coverage of the central 80% and 95% intervals, the mean CRPS
of log values (lower is better) and the sMAPE of the median, with the number of
forecasts. When B has no later figure than A the two methods are the same by
construction (no weight), so equal information is not scored.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import trade_panel  # noqa: E402

from forecast.analysis.feasibility import weighted_quantiles  # noqa: E402
from forecast.analysis.metrics import crps_weighted  # noqa: E402
from forecast.engine.reporter_gap import HALF_LIFE  # noqa: E402

ORIGINS = range(2005, 2018)
H = 2


def score(pair: tuple[str, tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], int, int]
          ) -> list[dict]:
    from forecast.engine.reporter_gap import Mirror, fit_gap
    from forecast.errors import ModelError
    from forecast.models.combination import build

    sid, (ya, va), (yb, vb), paths, seed, half_life = pair
    a, b = dict(zip(ya.tolist(), va.tolist())), dict(zip(yb.tolist(), vb.tolist()))
    out = []
    for t in ORIGINS:
        if t not in a or t + 1 not in b or not any(t + h in a for h in range(1, H + 1)):
            continue
        years = np.array([y for y in sorted(a) if y <= t])
        if len(years) < 8:
            continue
        joint = [y for y in sorted(set(a) & set(b)) if y <= t]
        try:
            gap = fit_gap(np.array(joint), np.log([b[y] / a[y] for y in joint]),
                          half_life=half_life)
            built = build("auto", years, np.log([a[y] for y in years]), calibrate=True,
                          parameter_uncertainty=True, every=False)
        except (ValueError, ModelError):
            continue
        rng = np.random.default_rng([seed, t, zlib.crc32(sid.encode())])
        levels = built.model.simulate(H, paths, rng)
        sim_years = np.arange(t + 1, t + H + 1)
        mirror = Mirror(sid.split("-")[1], (t + 1,), (b[t + 1],), gap)
        lw = mirror.log_weights(levels, sim_years)
        w_both = np.exp(lw - lw.max())
        w_one = np.ones(paths)
        for h in range(1, H + 1):
            if t + h not in a:
                continue
            y = float(np.log(a[t + h]))
            x = levels[:, h - 1]
            row = {"h": h}
            for name, w in (("one", w_one), ("both", w_both)):
                q = weighted_quantiles(x, w, [0.025, 0.1, 0.5, 0.9, 0.975])
                med = float(np.exp(q[2]))
                row[name] = {"c80": bool(q[1] <= y <= q[3]), "c95": bool(q[0] <= y <= q[4]),
                             "crps": crps_weighted(y, x, w),
                             "smape": 200 * abs(med - a[t + h]) / (med + a[t + h])}
            out.append(row)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--paths", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--half-life", type=float, default=HALF_LIFE,
                    help="half-life of a joint year's weight in the gap model (inf: equal)")
    ap.add_argument("--origins", default="2005-2017", help="first-last origin year (default 2005-2017)")
    ap.add_argument("--pairs", type=int, default=0, help="only the first N directed pairs (0: all)")
    args = ap.parse_args()
    global ORIGINS
    first, last = (int(x) for x in args.origins.split("-"))
    ORIGINS = range(first, last + 1)
    start = time.perf_counter()
    panel = trade_panel()
    jobs = []
    for sid, series in panel.items():
        rep, par = sid.split("-")
        if f"{par}-{rep}" in panel:
            jobs.append((sid, series, panel[f"{par}-{rep}"], args.paths, args.seed,
                         args.half_life))
    if args.pairs:
        jobs = jobs[:args.pairs]
    with mp.get_context("fork").Pool(os.cpu_count()) as pool:
        rows = [r for part in pool.map(score, jobs, chunksize=4) for r in part]
    seconds = time.perf_counter() - start
    print(f"IMF DOTS panel: {len(jobs)} directed pairs where both countries report, origins "
          f"{ORIGINS[0]}-{ORIGINS[-1]}, the partner one year ahead; {args.paths} paths, seed "
          f"{args.seed}; gap half-life {args.half_life:g} years; {seconds:.0f} s on {os.cpu_count()} cores\n")
    print(f"{'h':>2s} {'forecasts':>9s} {'method':>7s} {'cov80':>6s} {'cov95':>6s} {'CRPS':>7s} "
          f"{'sMAPE':>7s}")
    for h in range(1, H + 1):
        sub = [r for r in rows if r["h"] == h]
        for name in ("one", "both"):
            m = [r[name] for r in sub]
            print(f"{h:2d} {len(sub):9d} {name:>7s} {np.mean([x['c80'] for x in m]):6.3f} "
                  f"{np.mean([x['c95'] for x in m]):6.3f} {np.mean([x['crps'] for x in m]):7.4f} "
                  f"{np.mean([x['smape'] for x in m]):7.2f}")
        d = np.array([r["both"]["crps"] - r["one"]["crps"] for r in sub])
        print(f"   CRPS both - one: {d.mean():+.4f} (s.e. {d.std(ddof=1) / np.sqrt(len(d)):.4f}; "
              f"negative favours both)")


if __name__ == "__main__":
    main()
