"""The Monte Carlo engine: model paths, overlays, and what a feasibility answer needs.

Paths are generated in fixed-size chunks, each from its own stream of one
:class:`numpy.random.SeedSequence`, so the result depends only on (seed,
paths), memory stays flat up to :data:`~forecast.limits.MAX_PATHS`, and no
Python loop runs over paths. Every random stream has a fixed address
``(seed, chunk, role, index)`` (role 0 the model, 1 growth assumption
``index``, 2 shock ``index``), so two scenarios that share structure share
draws (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from forecast.engine.estimates import binomial_se, pairs_se, weighted_share
from forecast.engine.overlays import ShockLike, apply_growth, apply_shocks
from forecast.errors import ModelError
from forecast.models import Fitted, offers

CHUNK = 100_000
#: Hits and misses needed before ``precision`` may stop a run (see :func:`simulate`).
MIN_HITS = 10
#: Paths kept for quantiles: the first ``keep`` paths (whole chunks) are an i.i.d. sample of all.
KEEP_CELLS = 10_000_000


def stream(seed: int, chunk: int, role: int, index: int = 0) -> np.random.Generator:
    """The generator for one role in one chunk: SFC64, numpy's fastest bit generator (about
    13% more normals per second than PCG64 here) and of high statistical quality."""
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(
        seed, spawn_key=(chunk, role, index))))


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Counts over all paths, and a sample of paths for quantiles.

    Attributes
    ----------
    years : ndarray
        Simulated years, last observed + 1 .. target year.
    sample : ndarray
        Log levels of the first ``keep`` paths: ``KEEP_CELLS // h`` rounded down to whole chunks,
        at least one chunk, at most ``paths``.
    above : ndarray
        For each year, the number of paths whose level is >= the target (with ``weights``,
        the weighted share times ``paths``).
    reached : ndarray
        For each year, the number of paths whose level has been >= the target in that
        year or an earlier simulated year (weighted likewise).
    final_above, final_reached : ndarray
        Per path (bit-packed), whether it is >= the target in the last year, and whether
        it has been in any simulated year: what paired comparisons need.
    paths : int
    seed : int
    weights : ndarray or None
        Per path, normalised importance weights (summing to 1) when the run is conditioned
        on a year-to-date figure or the other country's later figures; None for plain sampling.
    final_other : ndarray or None
        Per path (bit-packed), whether the target is met on the other basis, when ``other``
        was given.
    antithetic : bool
        Paths come in antithetic pairs: in each chunk of ``n`` paths, path ``i + n/2``
        mirrors path ``i``. Standard errors then come from the pairs' means
        (:meth:`pair_means`), which are independent.
    """

    years: np.ndarray
    sample: np.ndarray
    above: np.ndarray
    reached: np.ndarray
    paths: int
    seed: int
    final_above: np.ndarray
    final_reached: np.ndarray
    weights: np.ndarray | None = None
    final_other: np.ndarray | None = None
    antithetic: bool = False
    precision_met: bool | None = None  # with a precision target: did the run stop on it?

    def __post_init__(self) -> None:
        for a in (self.years, self.sample, self.above, self.reached, self.final_above,
                  self.final_reached, self.weights, self.final_other):
            if a is not None:
                a.setflags(write=False)

    @property
    def effective_paths(self) -> float:
        """Kish's effective sample size :math:`(\\sum w)^2 / \\sum w^2`; ``paths`` unweighted."""
        if self.weights is None:
            return float(self.paths)
        return float(self.weights.sum() ** 2 / np.dot(self.weights, self.weights))

    def pair_means(self, values: np.ndarray) -> np.ndarray:
        """Per antithetic pair, the mean of a per-path ``values`` (chunk by chunk, path
        ``i`` with path ``i + n/2``)."""
        out = []
        for start in range(0, self.paths, CHUNK):
            n = min(CHUNK, self.paths - start)
            m = n // 2
            out.append(0.5 * (values[start:start + m] + values[start + m:start + n]))
        return np.concatenate(out)

    def share(self, hits: np.ndarray) -> tuple[float, float]:
        """The (weighted) share of paths with ``hits`` and its Monte Carlo standard error
        (antithetic runs: from the pairs' means)."""
        if self.weights is None:
            p = float(hits.mean())
            if self.antithetic:
                return p, pairs_se(self.pair_means(hits.astype(float)))
            return p, binomial_se(p, self.paths)
        return weighted_share(hits, self.weights)

    def other_hits(self) -> np.ndarray | None:
        """Per path, whether the level on the other basis reaches the target (or None)."""
        if self.final_other is None:
            return None
        return np.unpackbits(self.final_other, count=self.paths).astype(bool)

    def hits(self, kind: str) -> np.ndarray:
        """Per path, whether it meets a ``level`` or ``by`` target in the last simulated year
        (booleans, for paired comparisons of scenarios run with the same seed)."""
        packed = self.final_above if kind == "level" else self.final_reached
        return np.unpackbits(packed, count=self.paths).astype(bool)


def simulate(fitted: Fitted, years: np.ndarray, target: float, *, paths: int, seed: int,
             growth: Sequence[object] = (), shocks: Sequence[ShockLike] = (),
             history_growth: np.ndarray | None = None,
             condition: Callable[[np.ndarray], np.ndarray] | None = None,
             other: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
             precision: float | None = None, kind: str = "level",
             antithetic: bool = False, start_spread: float = 0.0,
             start_sd: float = 0.0, progress: Callable[[int], None] | None = None
             ) -> SimulationResult:
    """Simulate ``paths`` futures of the fitted model with the scenario's overlays.

    Parameters
    ----------
    fitted : Fitted
        A fitted model.
    years : ndarray
        The years to simulate, consecutive, starting the year after the last observation.
    target : float
        Target level in US dollars; counts of paths at or above it are kept per year.
    paths, seed : int
        Number of paths, and the seed every random stream derives from.
    growth, shocks : sequence
        The scenario's growth assumptions and shocks, applied in order.
    history_growth : ndarray, optional
        One-year historical log growth, for ``dist: historical``.
    condition : callable, optional
        Log-likelihood of what is known about the simulated years (a year-to-date figure,
        the other country's later figures) given each path's log levels (paths x years):
        paths are weighted by it (importance sampling with the model as the prior).
    other : callable, optional
        ``other(levels, rng)``: per path, whether the target is met on another basis (the
        other country's figures), kept bit-packed (``final_other``) for the probability on
        that basis. Its draws come from role 3.
    precision : float, optional
        Stop after the first chunk at which the standard error of P(target) (``kind``:
        ``level`` or ``by``, in the last year) is at most ``precision``; ``paths`` is then
        the most that will be simulated. To avoid stopping on a lucky early zero, at least
        :data:`MIN_HITS` paths must meet the target and as many miss it (weighted runs:
        effective paths). The result depends only on (seed, precision, paths).

    start_spread : float
        The last observed figure is known only to within this fraction (a rounded figure:
        "US$1.34bn" is 1.335-1.345bn, 0.0037): every path is shifted by
        :math:`\\log(1 + U r)`, :math:`U \\sim U(-1, 1)` from role 4 (antithetic: U and -U),
        so the answer integrates over the figure's true value.
    progress : callable, optional
        Told the paths done after each chunk.
    start_sd : float
        A first release is revised: every path is also shifted by :math:`s Z`,
        :math:`Z \\sim N(0, 1)` from role 4 after U (antithetic: Z and -Z).
    antithetic : bool
        Draw the model's paths in antithetic pairs (:func:`antithetic_ok`; unweighted runs
        only, an even ``paths``); the standard errors come from the pairs.

    Raises
    ------
    ModelError
        If ``condition`` gives every path zero weight.
    """
    antithetic = antithetic and condition is None and antithetic_ok(fitted)
    if antithetic and paths % 2:
        raise ValueError("antithetic pairs need an even number of paths")
    h = len(years)
    log_target = float(np.log(target))
    keep = min(paths, max(CHUNK, KEEP_CELLS // h // CHUNK * CHUNK))  # whole chunks
    sample = np.empty((keep, h), order="F")  # by year: quantiles are taken per year
    tally = _Tally(h, paths, condition is not None, antithetic, kind)
    draw = _Draw(fitted, years, growth, shocks, history_growth, antithetic, start_spread, start_sd,
                 fitted.mean_growth(h))
    done, met, packed = _chunks(draw, tally, sample, seed, paths, log_target, kind, condition, other,
                                precision, progress)
    above, reached, weights = tally.finish(done, int(years[0]))
    return SimulationResult(years=np.asarray(years, dtype=np.int64),
                            sample=sample[:min(len(sample), done)], above=above,
                            reached=reached, paths=done, seed=seed,
                            final_above=np.concatenate(packed[0]),
                            final_reached=np.concatenate(packed[1]), weights=weights,
                            final_other=np.concatenate(packed[2]) if packed[2] else None,
                            antithetic=antithetic, precision_met=met)


def _chunks(draw: _Draw, tally: _Tally, sample: np.ndarray, seed: int, paths: int,
            log_target: float, kind: str, condition: Callable[[np.ndarray], np.ndarray] | None,
            other: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None,
            precision: float | None, progress: Callable[[int], None] | None = None
            ) -> tuple[int, bool | None, tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]]:
    """Simulate chunk by chunk into ``tally`` and ``sample`` until ``paths`` or the precision;
    the paths done, whether the precision was met (None: not asked) and, bit-packed per
    chunk, the last year's hits: at or above the target, reached, met on the other basis."""
    last_above: list[np.ndarray] = []  # bit-packed per chunk (CHUNK is a multiple of 8)
    last_reached: list[np.ndarray] = []
    last_other: list[np.ndarray] = []
    met = False if precision is not None else None
    for c, start in enumerate(range(0, paths, CHUNK)):
        n = min(CHUNK, paths - start)
        levels = draw.chunk(seed, c, n)
        w, rescale = (tally.weigh(np.asarray(condition(levels), dtype=float), start, n)
                      if condition is not None else (None, 1.0))
        hit_j, ever_j = tally.count(levels, log_target, w)
        last_above.append(np.packbits(hit_j))
        if other is not None:
            last_other.append(np.packbits(other(levels, stream(seed, c, 3))))
        last_reached.append(np.packbits(ever_j))
        if start < len(sample):
            m = min(n, len(sample) - start)
            sample[start:start + m] = levels[:m]
        if progress is not None:
            progress(start + n)
        if precision is not None:
            est = tally.estimate(hit_j if kind == "level" else ever_j, start, n, rescale)
            if est is not None and _precise(*est, precision):
                return start + n, True, (last_above, last_reached, last_other)
    return paths, met, (last_above, last_reached, last_other)


def _precise(p: float, se: float, eff: float, precision: float) -> bool:
    """Whether the s.e. is at most ``precision`` with at least :data:`MIN_HITS` (effective)
    paths on each side of the target."""
    return se <= precision and p * eff >= MIN_HITS and (1 - p) * eff >= MIN_HITS


@dataclass(eq=False)
class _Draw:
    """One chunk's paths of log levels: the model's draws (role 0), the scenario's growth
    assumptions and shocks (roles 1, 2), and the last figure's error (role 4)."""

    fitted: Fitted
    years: np.ndarray
    growth: Sequence[object]
    shocks: Sequence[ShockLike]
    history_growth: np.ndarray | None
    antithetic: bool
    start_spread: float
    start_sd: float
    mean_growth: np.ndarray

    def chunk(self, seed: int, c: int, n: int) -> np.ndarray:
        f, h = self.fitted, len(self.years)
        levels: np.ndarray = (f.simulate_antithetic(h, n, stream(seed, c, 0))  # type: ignore[attr-defined]
                              if self.antithetic else f.simulate(h, n, stream(seed, c, 0)))
        if self.growth or self.shocks:
            inc = np.diff(levels, axis=1, prepend=f.last_log)
            apply_growth(inc, self.years, self.growth, self.mean_growth, self.history_growth
                         if self.history_growth is not None else np.empty(0),
                         [stream(seed, c, 1, i) for i in range(len(self.growth))])
            apply_shocks(inc, self.years, self.shocks,
                         [stream(seed, c, 2, i) for i in range(len(self.shocks))])
            levels = np.cumsum(inc, axis=1, out=inc)
            levels += f.last_log
        if self.start_spread or self.start_sd:
            g, m = stream(seed, c, 4), (n + 1) // 2 if self.antithetic else n
            u, z = g.uniform(-1.0, 1.0, m), g.standard_normal(m)
            shift = np.log1p(u * self.start_spread) + self.start_sd * z
            shift = np.concatenate([shift, np.log1p(-u * self.start_spread) - self.start_sd * z])[:n] \
                if self.antithetic else shift
            levels = levels + shift[:, None]
        return levels


class _Tally:
    """Per year, the paths at or above the target and those that reached it so far (counts,
    or importance-weighted sums kept relative to the running maximum log-weight), and the
    running standard error of the last year's answer (plain, antithetic pairs or weighted)."""

    def __init__(self, h: int, paths: int, weighted: bool, antithetic: bool, kind: str) -> None:
        self.kind, self.antithetic = kind, antithetic
        self.above = np.zeros(h, dtype=np.int64)
        self.reached = np.zeros(h, dtype=np.int64)
        self.logw = np.empty(paths) if weighted else None
        self.ref = -np.inf  # running maximum of the log-weights
        self.above_w = np.zeros(h)
        self.reached_w = np.zeros(h)
        self.sw = self.sw2 = self.sw2h = 0.0  # weighted sums for the running s.e.
        self.s1 = self.s2 = 0.0  # antithetic: sums of the pairs' means and squared means
        self.pairs = 0

    def weigh(self, lw: np.ndarray, start: int, n: int) -> tuple[np.ndarray | None, float]:
        """Store a chunk's log-weights; its weights relative to the running maximum (None
        while every weight so far is zero) and the factor earlier sums were rescaled by."""
        assert self.logw is not None
        self.logw[start:start + n] = lw
        top = float(lw.max())
        rescale = 1.0
        if top > self.ref:
            scale = np.exp(self.ref - top) if np.isfinite(self.ref) else 0.0
            self.above_w *= scale
            self.reached_w *= scale
            rescale = float(scale)
            self.ref = top
        return (np.exp(lw - self.ref) if np.isfinite(self.ref) else None), rescale

    def count(self, levels: np.ndarray, log_target: float, w: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray]:
        """Add a chunk year by year on columns (no paths x years temporaries): at or above the
        target in the year, and in some year so far (the running maximum). Returns the last
        year's two indicators."""
        running = levels[:, 0].copy()
        for j in range(levels.shape[1]):
            col = levels[:, j]
            if j:
                np.maximum(running, col, out=running)
            hit_j = col >= log_target
            ever_j = running >= log_target
            if self.logw is None:
                self.above[j] += np.count_nonzero(hit_j)
                self.reached[j] += np.count_nonzero(ever_j)
            elif w is not None:
                self.above_w[j] += w @ hit_j
                self.reached_w[j] += w @ ever_j
        return hit_j, ever_j

    def estimate(self, last: np.ndarray, start: int, n: int, rescale: float
                 ) -> tuple[float, float, float] | None:
        """P(target) so far, its s.e. and the (effective) paths behind it; None while every
        weight is zero."""
        if self.logw is None and self.antithetic:
            m = n // 2
            pm = 0.5 * (last[:m].astype(float) + last[m:])
            self.s1, self.s2, self.pairs = (self.s1 + float(pm.sum()), self.s2 + float(pm @ pm),
                                            self.pairs + m)
            p_ = self.s1 / self.pairs
            return (p_, math.sqrt(max(self.s2 / self.pairs - p_ * p_, 0.0) / max(self.pairs - 1, 1)),
                    float(start + n))
        if self.logw is None:
            k, total_n = int((self.reached if self.kind == "by" else self.above)[-1]), start + n
            return k / total_n, math.sqrt(k * (total_n - k) / total_n) / total_n, float(total_n)
        if not np.isfinite(self.ref):
            return None
        w = np.exp(self.logw[start:start + n] - self.ref)
        self.sw = self.sw * rescale + float(w.sum())
        self.sw2 = self.sw2 * rescale ** 2 + float(w @ w)
        self.sw2h = self.sw2h * rescale ** 2 + float((w * w) @ last)
        p_ = float((self.reached_w if self.kind == "by" else self.above_w)[-1] / self.sw)
        se_ = math.sqrt(max(self.sw2h * (1 - 2 * p_) + p_ * p_ * self.sw2, 0.0)) / self.sw
        return p_, se_, self.sw * self.sw / self.sw2

    def finish(self, done: int, first_year: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Counts per year (weighted: scaled to ``done`` paths) and the normalised weights."""
        if self.logw is None:
            return self.above, self.reached, None
        if not np.isfinite(self.ref):
            raise ModelError("", "", "no simulated path is consistent with what is known of "
                             f"{first_year} (every simulated total is at or below it)")
        weights = np.exp(self.logw[:done] - self.ref)
        total = weights.sum()
        weights /= total
        return self.above_w * (done / total), self.reached_w * (done / total), weights


def antithetic_ok(model: object) -> bool:
    """Whether a model draws antithetic pairs: the pooled model, the random walk with drift
    and Theta, and calibrated versions of them."""
    return offers(model, "simulate_antithetic")
