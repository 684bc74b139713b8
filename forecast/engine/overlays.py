"""Growth assumptions and shocks as pure transforms of simulated log growth.

Everything works on an array ``inc`` of annual log growth, paths by years;
the engine turns the model's log levels into growth, applies the overlays in
the scenario's order, and sums back to levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np


class ShockLike(Protocol):
    """What the engine reads of a shock (the scenario's :class:`~forecast.scenario.assumptions.Shock`)."""

    @property
    def years(self) -> tuple[int, int] | None: ...
    @property
    def probability(self) -> float: ...
    @property
    def impact(self) -> Any: ...
    @property
    def recovery(self) -> float: ...


#: The engine reads the scenario's distributions by their ``dist`` tag and fields (no schema
#: import: the engine works on any object with those attributes); an entry with no tag
#: adjusts the model's growth (``scale``, ``shift``).
ADJUST = "adjust"


def _tag(entry: object) -> str:
    return str(getattr(entry, "dist", ADJUST))


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
    d: Any = dist
    tag = _tag(dist)
    if tag == "normal":
        return np.asarray(np.log1p(d.mean) + d.sd * rng.standard_normal(size), dtype=float)
    if tag == "student-t":
        return np.asarray(np.log1p(d.mean) + d.scale * rng.standard_t(d.df, size),
                          dtype=float)
    if tag == "two-piece-normal":
        below = rng.random(size) * (d.sd_below + d.sd_above) < d.sd_below
        z = np.abs(rng.standard_normal(size))
        return np.asarray(np.log1p(d.mode) + np.where(below, -d.sd_below * z, d.sd_above * z),
                          dtype=float)
    if tag == "uniform":
        return rng.uniform(np.log1p(d.low), np.log1p(d.high), size)
    if tag == "historical":
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
        if _tag(entry) == ADJUST:
            m = mean_growth[cols]
            e: Any = entry
            inc[:, cols] = m + e.scale * (inc[:, cols] - m) + np.log1p(e.shift)
        else:
            inc[:, cols] = draw(entry, (inc.shape[0], cols.size), rng, history)
    return inc


def apply_shocks(inc: np.ndarray, years: np.ndarray, shocks: Sequence[ShockLike],
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
