"""Growth assumptions and shocks as pure transforms of simulated log growth.

Everything works on an array ``inc`` of annual log growth, paths by years;
the engine turns the model's log levels into growth, applies the overlays in
the scenario's order, and sums back to levels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from forecast.scenario.assumptions import (
    GrowthAdjust,
    GrowthHistorical,
    Normal,
    Shock,
    StudentT,
    TwoPieceNormal,
    Uniform,
)


def draw(dist: object, size: tuple[int, ...], rng: np.random.Generator,
         history: np.ndarray | None = None) -> np.ndarray:
    """Draws of annual log growth (or log impact) from a scenario distribution.

    Notes
    -----
    Rates enter as ``log1p``: a normal with ``mean`` r has median growth exactly r.
    The two-piece normal with mode m and spreads s1 (below), s2 (above) is drawn
    as m - s1|Z| with probability s1/(s1+s2), else m + s2|Z| (Wallis 2014).
    """
    if isinstance(dist, (int, float)):
        return np.full(size, np.log1p(dist))
    if isinstance(dist, Normal):
        return np.asarray(np.log1p(dist.mean) + dist.sd * rng.standard_normal(size), dtype=float)
    if isinstance(dist, StudentT):
        return np.asarray(np.log1p(dist.mean) + dist.scale * rng.standard_t(dist.df, size),
                          dtype=float)
    if isinstance(dist, TwoPieceNormal):
        below = rng.random(size) * (dist.sd_below + dist.sd_above) < dist.sd_below
        z = np.abs(rng.standard_normal(size))
        return np.asarray(np.log1p(dist.mode) + np.where(below, -dist.sd_below * z, dist.sd_above * z),
                          dtype=float)
    if isinstance(dist, Uniform):
        return rng.uniform(np.log1p(dist.low), np.log1p(dist.high), size)
    if isinstance(dist, GrowthHistorical):
        if history is None or len(history) == 0:
            raise ValueError("no historical one-year growth rates to resample")
        return rng.choice(history, size=size)
    raise TypeError(f"not a distribution: {dist!r}")


def columns(years: np.ndarray, span: tuple[int, int] | None) -> np.ndarray:
    """Indices of the simulated years inside ``span`` (all if None)."""
    if span is None:
        return np.arange(len(years))
    return np.flatnonzero((years >= span[0]) & (years <= span[1]))


def apply_growth(inc: np.ndarray, years: np.ndarray, entries: Sequence[object],
                 mean_growth: np.ndarray, history: np.ndarray,
                 rngs: Sequence[np.random.Generator]) -> np.ndarray:
    """Replace or adjust the model's growth in the years each entry names (in place).

    Adjustment: g' = m + scale (g - m) + log(1 + shift), with m the model's mean log
    growth for that year.
    """
    for entry, rng in zip(entries, rngs):
        cols = columns(years, entry.years)  # type: ignore[attr-defined]
        if cols.size == 0:
            continue
        if isinstance(entry, GrowthAdjust):
            m = mean_growth[cols]
            inc[:, cols] = m + entry.scale * (inc[:, cols] - m) + np.log1p(entry.shift)
        else:
            inc[:, cols] = draw(entry, (inc.shape[0], cols.size), rng, history)
    return inc


def apply_shocks(inc: np.ndarray, years: np.ndarray, shocks: Sequence[Shock],
                 rngs: Sequence[np.random.Generator]) -> np.ndarray:
    """Add each shock's log impact in the years it strikes, and its recovery a year later."""
    n, h = inc.shape
    for shock, rng in zip(shocks, rngs):
        cols = columns(years, shock.years)
        if cols.size == 0:
            continue
        hit = rng.random((n, cols.size)) < shock.probability
        impact = np.where(hit, draw(shock.impact, (n, cols.size), rng), 0.0)
        inc[:, cols] += impact
        if shock.recovery:
            nxt = cols + 1
            keep = nxt < h
            inc[:, nxt[keep]] -= shock.recovery * impact[:, keep]
    return inc
