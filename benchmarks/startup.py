"""Start-up and end-to-end times of the command, in fresh processes.

Run:  python benchmarks/startup.py [--repeat N]

Each command runs N times (default 5) in a new process, as a user types it, and the best
and median wall times are printed:

- ``tradecast --help`` and ``tradecast validate`` on the default scenario (goals: 0.3 s
  and 0.6 s; heavy libraries are imported only where used);
- the default scenario end to end, cold: an empty fit cache, so it imports statsmodels and
  fits every model (goal 2 s);
- the same run again, warm: the fits come from the on-disk cache (goal 0.5 s).

The fit cache goes to a temporary folder (``TRADECAST_CACHE_DIR``), so the user's cache is
untouched. Python may write its bytecode cache (``PYTHONDONTWRITEBYTECODE`` is unset for
these processes, and one untimed run comes first), as after ``pip install``: without it
every start recompiles the package's modules, about 0.05 s here.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "scenarios/kz-kg-2024-target.yaml"


def timed(args: list[str], env: dict[str, str], before: object = None) -> float:
    if callable(before):
        before()
    t = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    exe = shutil.which("tradecast") or str(Path(sys.executable).with_name("tradecast"))
    cache = Path(tempfile.mkdtemp(prefix="tradecast-cache-"))
    env = {**os.environ, "TRADECAST_CACHE_DIR": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timed([exe, "run", SCENARIO], env)  # untimed: bytecode written, as after an install
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"best and median of {args.repeat} fresh processes\n")
    rows = [
        ("tradecast --help", [exe, "--help"], None, 0.3),
        ("tradecast validate (default scenario)", [exe, "validate", SCENARIO], None, 0.6),
        ("tradecast run, cold (empty fit cache)", [exe, "run", SCENARIO],
         lambda: shutil.rmtree(cache / "fits", ignore_errors=True), 2.0),
        ("tradecast run, warm (fits from the cache)", [exe, "run", SCENARIO], None, 0.5),
    ]
    print(f"{'command':44s} {'best s':>7s} {'median s':>9s} {'goal s':>7s}")
    for name, cmd, before, goal in rows:
        times = [timed(cmd, env, before) for _ in range(args.repeat)]
        print(f"{name:44s} {min(times):7.2f} {statistics.median(times):9.2f} {goal:7.1f}")
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
