"""Reading the shared benchmark data (../shared) for the benchmark scripts."""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def need(*parts: str) -> Path:
    """A path under ../shared, or exit with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"skipped: {path} is absent (this benchmark needs the shared data folder)")
    return path


def trade_panel() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Annual turnover (exports + imports) on each reporter's figures, IMF DOTS panel.

    One series per (reporter, partner): 300 pairs, both directions where reported,
    1992-2020. A year is left out (a gap, never filled) where either flow is
    missing, zero, or marked by the IMF as its own estimate
    (``panel_imf_estimates.csv``), so every value is a reported figure.
    """
    folder = need("data-sources", "imf-dots-2022")
    estimated = {(r["year"], r["reporter_iso3"], r["partner_iso3"])
                 for r in csv.DictReader(open(folder / "panel_imf_estimates.csv", encoding="utf-8"))}
    out: dict[str, dict[int, float]] = {}
    with open(folder / "panel.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["year"], r["reporter_iso3"], r["partner_iso3"])
            if key in estimated or not r["exports_usd"] or not r["imports_usd"]:
                continue
            v = float(r["exports_usd"]) + float(r["imports_usd"])
            if float(r["exports_usd"]) > 0 and float(r["imports_usd"]) > 0:
                out.setdefault(f"{r['reporter_iso3']}-{r['partner_iso3']}", {})[int(r["year"])] = v
    return {sid: (np.array(sorted(ys)), np.array([ys[y] for y in sorted(ys)]))
            for sid, ys in out.items() if len(ys) >= 3}


def m3_yearly() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The 645 M3 yearly series, training and test values joined (index t = 1..n)."""
    folder = need("benchmarks", "m3-yearly")
    rows: dict[str, dict[int, float]] = {}
    for name in ("m3_yearly_train.csv", "m3_yearly_test.csv"):
        with open(folder / name, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                rows.setdefault(r["series_id"], {})[int(r["t"])] = float(r["value"])
    return {sid: (np.array(sorted(ts)), np.array([ts[t] for t in sorted(ts)])) for sid, ts in rows.items()}


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    """The shortest wall time of ``repeat`` calls of ``fn`` (seconds)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
