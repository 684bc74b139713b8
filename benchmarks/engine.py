"""The simulation engine against the random-number floor, and how it scales.

Run:  python benchmarks/engine.py [--quick]

Side by side in one process (the machine is shared; compare ratios, not seconds):

1. **Throughput**: path-years per second of ``forecast.simulate.simulate`` for the
   random walk with drift (no parameter uncertainty: one normal draw per path-year, the
   simplest model) and for ``auto`` on the default scenario's series, against numpy's own
   generation of the same number of standard normals with PCG64 (numpy's default) and
   with SFC64 (the engine's generator: a simulation cannot draw its normals faster than
   its generator). Ratio = engine time / floor time.
2. **Scaling**: wall time and peak traced memory (``tracemalloc``: numpy's buffers are
   traced) of one run against paths (1e4 .. 1e7, 5 years) and horizon (1 .. 20 years,
   1e6 paths). Linear time and flat memory (chunks of 100,000 paths; quantiles from at
   most 10 million kept path-years) are the goals.

``--quick`` stops at 1e6 paths.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _shared import best  # noqa: E402

from forecast.analysis import loading  # noqa: E402
from forecast.engine.simulate import simulate  # noqa: E402
from forecast.models.combination import build  # noqa: E402
from forecast.models.rw import fit_rw_drift  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def floor(n: int, h: int, bit_generator: type = np.random.PCG64) -> None:
    """numpy drawing n x h standard normals, in the engine's chunk size."""
    rng = np.random.Generator(bit_generator(0))
    for start in range(0, n, 100_000):
        rng.standard_normal((min(100_000, n - start), h))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="paths up to 1e6 only")
    args = ap.parse_args()
    p = loading.prepare(ROOT / "scenarios" / "kz-kg-2024-target.yaml")
    s = p.series
    logs = np.log(s.values)
    rw = fit_rw_drift(s.years, logs, parameter_uncertainty=False)
    auto = build("auto", s.years, logs, calibrate=True, parameter_uncertainty=True, every=False).model
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}; series: {s.reporter} {s.measure} {s.years[0]}-{s.last_year}\n")

    print("1. Throughput: 1,000,000 paths x 5 years (best of 3)")
    n, h = 1_000_000, 5
    years = np.arange(s.last_year + 1, s.last_year + 1 + h)
    t_floor = best(lambda: floor(n, h))
    rows = [("numpy PCG64 standard normals (floor)", t_floor),
            ("numpy SFC64 standard normals (engine's generator)",
             best(lambda: floor(n, h, np.random.SFC64)))]
    for name, model in (("engine, rw-drift (plug-in)", rw), ("engine, auto (pooled)", auto)):
        rows.append((name, best(lambda m=model: simulate(m, years, 2e9, paths=n, seed=0))))
    print(f"{'':50s} {'seconds':>8s} {'path-years/s':>14s} {'x PCG64':>8s} {'x SFC64':>8s}")
    for name, t in rows:
        print(f"{name:50s} {t:8.3f} {n * h / t:14,.0f} {t / t_floor:8.2f} {t / rows[1][1]:8.2f}")

    print("\n2. Scaling (rw-drift, one run each)")
    print(f"{'paths':>11s} {'years':>5s} {'seconds':>8s} {'s per 1e6 path-years':>21s} {'peak MiB':>9s}")
    grid = [(int(x), 5) for x in (1e4, 1e5, 1e6, 1e7)] + [(1_000_000, y) for y in (1, 2, 10, 20)] \
        + [(10_000_000, 10)]
    for paths, h in grid:
        if args.quick and paths > 1_000_000:
            continue
        years = np.arange(s.last_year + 1, s.last_year + 1 + h)
        tracemalloc.start()
        t = time.perf_counter()
        simulate(rw, years, 2e9, paths=paths, seed=0)
        t = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{paths:11,d} {h:5d} {t:8.3f} {t / (paths * h) * 1e6:21.3f} {peak / 2**20:9.1f}")


if __name__ == "__main__":
    main()
