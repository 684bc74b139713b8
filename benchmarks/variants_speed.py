"""Speed of comparing, sweeping and sensitivity runs, against the issue's budgets.

Run:  python benchmarks/variants_speed.py [--repeat 3]

Three jobs, each timed two ways, side by side in one run:

- **compare**: 10 scenarios (the shipped $3bn-by-2030 question with ten growth views)
  at 100,000 paths each; budget 10 s.
- **sweep**: 50 points of ``growth[0].mode`` on the shipped border-risk scenario, at its
  200,000 paths; budget 30 s.
- **sensitivity**: 8 assumptions (two growth entries and a shock) at 200,000 paths, i.e.
  17 runs; budget 15 s.

*command* is the wall time of the ``tradecast`` command in a fresh process (start-up,
imports, reading, fitting, simulating, printing JSON to a pipe). *no fit reuse* is the
same work in this process with every run fitting its model afresh (what the fit cache
saves); *with reuse* is the library path the command takes. The best of ``--repeat``
runs is shown. Needs nothing outside the repository.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import best  # noqa: E402

from forecast.analysis import loading, pipeline, variants  # noqa: E402
from forecast.scenario import keypaths  # noqa: E402

BORDER = ROOT / "scenarios" / "kz-kg-3bn-border-risk.yaml"
BY_2030 = ROOT / "scenarios" / "kz-kg-3bn-by-2030.yaml"
EIGHT = """\
name: eight-assumptions
extends: {base}
growth:
  - {{years: 2026..2027, dist: two-piece-normal, mode: 0.06, sd_below: 0.2, sd_above: 0.12}}
  - {{years: 2028..2030, dist: normal, mean: 0.08, sd: 0.15}}
shocks:
  - {{name: border disruption, probability: 0.1, years: 2026..2030, impact: -0.12, recovery: 0.5}}
"""


def _command(args: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "forecast", *args], check=True, stdout=subprocess.DEVNULL,
                   cwd=ROOT)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each job; the best is shown")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tradecast-bench-"))
    views = []
    for i, mode in enumerate([0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18]):
        p = tmp / f"view{i}.yaml"
        p.write_text(f"name: view-{i}\nextends: {BY_2030}\nsimulation: {{paths: 100000, seed: 1}}\n"
                     f"growth:\n  - {{years: 2026..2030, dist: two-piece-normal, mode: {mode}, "
                     f"sd_below: 0.2, sd_above: 0.12}}\n", encoding="utf-8")
        views.append(p)
    eight = tmp / "eight.yaml"
    eight.write_text(EIGHT.format(base=BORDER), encoding="utf-8")
    sweep_set = "growth[0].mode=0..0.2/50"

    def compare(reuse: bool) -> None:
        fits: dict | None = {} if reuse else None
        for v in views:
            p = loading.prepare(v)
            pipeline.run(p.scenario, where=p.file.where, series=p.series, paths=100_000, seed=1,
                         fits=fits)

    def sweep(reuse: bool) -> None:
        p = loading.prepare(BORDER)
        axes = {"growth[0].mode": keypaths.spaced(0.0, 0.2, 50)}
        prepare = functools.partial(loading.variant, p.file)
        if reuse:
            variants.sweep(p.file.tree, axes, prepare, where=p.file.where, paths=200_000, seed=0)
        else:
            for changes in variants.grid(axes):
                q = prepare(p.file.tree, changes)
                pipeline.run(q.scenario, series=q.series, paths=200_000, seed=0, per_model=False)

    def sensitivity(reuse: bool) -> None:
        p = loading.prepare(eight)
        prepare = functools.partial(loading.variant, p.file)
        if reuse:
            s = variants.sensitivity(p, prepare, paths=200_000, seed=0)
            assert len(s.effects) == 8, [e.assumption.key for e in s.effects]
        else:
            for a in variants.assumptions(p.scenario, p.file.tree, p.series.last_year):
                for value in (a.low, a.high):
                    q = prepare(p.file.tree, [(a.key, value)])
                    pipeline.run(q.scenario, series=q.series, paths=200_000, seed=0, per_model=False)

    compare(True)  # warm: imports, statsmodels, the data file
    jobs = [
        ("compare 10 scenarios x 100k paths", 10.0, compare,
         ["compare", *map(str, views), "--paths", "100000", "--json"]),
        ("sweep 50 points x 200k paths", 30.0, sweep,
         ["run", str(BORDER), "--set", sweep_set, "--json"]),
        ("sensitivity 8 assumptions (17 runs x 200k)", 15.0, sensitivity,
         ["sensitivity", str(eight), "--json"]),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; best of {args.repeat}")
    print(f"{'job':44s} {'command':>9s} {'budget':>7s} {'with reuse':>11s} {'no fit reuse':>13s} "
          f"{'ratio':>6s}")
    for name, budget, fn, cmd in jobs:
        wall = best(lambda c=cmd: _command(c), args.repeat)  # type: ignore[misc]
        reuse = best(lambda f=fn: f(True), args.repeat)  # type: ignore[misc]
        fresh = best(lambda f=fn: f(False), args.repeat)  # type: ignore[misc]
        ok = "ok" if wall < budget else "OVER"
        print(f"{name:44s} {wall:8.2f}s {budget:5.0f}s {ok:>4s} {reuse:8.2f}s {fresh:12.2f}s "
              f"{fresh / reuse:5.1f}x")


if __name__ == "__main__":
    main()
