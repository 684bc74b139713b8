"""Both countries' statistics in one run: the reporter gap, estimated with its uncertainty.

With ``reporter: both`` a run answers on one country's figures (the *basis*, A) and uses
the other's (B) where they add information: the years B has published and A has not
yet. The two series share their movement and differ by the log gap

.. math:: g_t = \\log B_t - \\log A_t,

observed in every year both have a figure. The gap is a first-order autoregression around
a level that is constant within a *segment* (a run of years in which both countries
publish on one basis; a basis change, such as Kazakhstan's move from IMF estimates to its
own bureau's figures in 2018, starts a new segment and enters as a level shift):

.. math:: g_t - \\mu_{s(t)} = \\phi^{d}\\,(g_{t-d} - \\mu_{s(t-d)}) + e_t, \\qquad
          e_t \\sim N\\!\\left(0, \\sigma^2 \\textstyle\\sum_{k<d} \\phi^{2k}\\right)

for consecutive joint years :math:`t-d, t`. The persistence :math:`\\phi` runs over a grid
from 0 (independent years around the segment's mean gap) to 1 (a random walk: the gap
drifts); the answer averages over it with weights proportional to the profile likelihood
times a BIC penalty :math:`n_{\\rm eff}^{-k/2}` for the k segment levels it estimates, so
the two earlier models are the grid's end points and the data weigh every case between.
Years count with weight :math:`2^{-(T-t)/H}` (half-life :data:`HALF_LIFE` years), so recent
years weigh more. Given :math:`\\phi`, the levels and :math:`\\sigma` are weighted least
squares; a forecast :math:`d` years after the last gap has mean
:math:`\\mu + \\phi^d (g_T - \\mu)` and variance
:math:`\\sigma^2 \\sum_{k<d}\\phi^{2k} + (1-\\phi^d)^2 \\operatorname{Var}\\hat\\mu`, with
Student-t tails of :math:`n_{\\rm eff} - k` degrees of freedom.

Each simulated path of A's series is weighted by the likelihood of B's later figures
given the path (importance sampling, as for year-to-date figures), and B's view of the
simulated years is the path's level plus a gap path drawn from the model, so the run also
says what the target means on B's figures (``level`` and ``by`` targets). Paths are given
values of :math:`\\phi` in proportion to its weights by their position (stratified, no
random draw), so a path keeps one :math:`\\phi` throughout.

References
----------
Hamilton, J. D. (1994). *Time Series Analysis*, sections 5.2 (conditional likelihood of an
AR(1)) and 8.1 (least squares). Schwarz, G. (1978). Estimating the dimension of a model.
*Annals of Statistics* 6, 461-464.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from forecast.models.tails import t_logpdf

#: Persistence values the gap model averages over (0: a constant mean gap; 1: a random walk).
PHI_GRID = np.linspace(0.0, 1.0, 21)

#: Half-life, in years, of a joint year's weight in the gap model: the best of 1-8 years by
#: CRPS on the IMF panel's origins 2005-2010, and again on 2011-2017
#: (``benchmarks/both_reporters.py --half-life H --origins A-B``).
HALF_LIFE = 2.0

#: Bases that continue another for the gap model: a statement quotes the bureau's figure,
#: an IMF estimate fills the IMF's own series.
SAME_BASIS = {"official-statement": "national-statistics", "imf-estimate": "imf-dots"}


def _var_factor(phi: np.ndarray, d: np.ndarray | int) -> np.ndarray:
    """:math:`\\sum_{k<d}\\phi^{2k}` (d where phi is 1)."""
    phi = np.asarray(phi, dtype=float)
    p2 = phi * phi
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p2 < 1.0, (1.0 - p2 ** d) / (1.0 - p2), np.asarray(d, dtype=float))
    return np.asarray(out, dtype=float)


@dataclass(frozen=True, eq=False)
class GapModel:
    """The fitted gap model: a mixture over persistence values, each with its own fit.

    Attributes
    ----------
    last_year, last_gap : int, float
        The last year with both figures and its log gap.
    phi, weight : ndarray
        Persistence values with weight in the mixture and their weights (summing to 1).
    mu, mu_var, sigma, df : ndarray
        For each value of ``phi``: the last segment's level and its estimation variance,
        the innovation scale and the degrees of freedom.
    n : int
        Years with both figures.
    segments : tuple of (first, last, basis)
        The runs of years on one basis pair, oldest first.
    half_life : float
        Half-life of a year's weight.
    """

    last_year: int
    last_gap: float
    phi: np.ndarray
    weight: np.ndarray
    mu: np.ndarray
    mu_var: np.ndarray
    sigma: np.ndarray
    df: np.ndarray
    n: int
    segments: tuple[tuple[int, int, str], ...] = ()
    half_life: float = HALF_LIFE

    @property
    def phi_mean(self) -> float:
        """The mixture's mean persistence."""
        return float(self.weight @ self.phi)

    @property
    def level(self) -> float | None:
        """The last segment's level, averaged over the components with persistence below 1
        (a random walk has none); None if there are none."""
        keep = self.phi < 1.0
        if not keep.any():
            return None
        return float(self.weight[keep] @ self.mu[keep] / self.weight[keep].sum())

    def components(self, n: int) -> np.ndarray:
        """Index into ``phi`` of each of n paths, in proportion to the weights by position."""
        cdf = np.cumsum(self.weight)
        return np.minimum(np.searchsorted(cdf, (np.arange(n) + 0.5) / n), len(cdf) - 1)

    def step(self, prev: np.ndarray, d: int, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Location and scale of the gap d years after a gap ``prev`` (per path)."""
        phi, mu = self.phi[idx], self.mu[idx]
        pd = phi ** d
        var = self.sigma[idx] ** 2 * _var_factor(phi, d) + (1.0 - pd) ** 2 * self.mu_var[idx]
        return mu + pd * (prev - mu), np.sqrt(var)

    def log_likelihood(self, gaps: np.ndarray, years: Sequence[int],
                       extra_var: Sequence[float] | None = None) -> np.ndarray:
        """Log density of paths of gaps (paths x years) in ``years`` (after ``last_year``,
        increasing), each path with its own component; ``extra_var``: a measurement variance
        per year added to the gap's (a rounded figure)."""
        idx = self.components(len(gaps))
        out = np.zeros(len(gaps))
        prev, prev_year = np.full(len(gaps), self.last_gap), self.last_year
        for j, y in enumerate(years):
            loc, scale = self.step(prev, y - prev_year, idx)
            if extra_var is not None and extra_var[j]:
                scale = np.sqrt(scale * scale + extra_var[j])
            out += t_logpdf(gaps[:, j], self.df[idx], loc, scale)
            prev, prev_year = gaps[:, j], y
        return out

    def path(self, start: np.ndarray | None, start_year: int, years: Sequence[int],
             rng: np.random.Generator, n: int) -> np.ndarray:
        """Gaps (n x len(years)) in ``years`` (after ``start_year``, increasing), drawn from
        each path's gap in ``start_year`` (``start``; None: the last observed gap)."""
        idx = self.components(n)
        prev = np.full(n, self.last_gap) if start is None else np.asarray(start, dtype=float)
        out = np.empty((n, len(years)))
        prev_year = start_year
        for j, y in enumerate(years):
            loc, scale = self.step(prev, y - prev_year, idx)
            out[:, j] = prev = loc + scale * rng.standard_t(self.df[idx])
            prev_year = y
        return out

    def describe(self) -> str:
        segs = "; ".join(f"{a}–{b} {basis}" if a != b else f"{a} {basis}"
                         for a, b, basis in self.segments)
        last = self.segments[-1] if self.segments else (self.last_year, self.last_year, "")
        lv = self.level
        level = "" if lv is None else f"the {last[0]}–{last[1]} segment's level {math.expm1(lv):+.1%}, "
        return (f"an AR(1) around each basis segment's level, fitted on {self.n} years with both "
                f"figures ({segs}), recent years weighted (half-life {self.half_life:g} years); "
                f"persistence {self.phi_mean:.2f} on average (0: a constant mean gap, 1: a random "
                f"walk); {level}last gap {math.expm1(self.last_gap):+.1%} in {self.last_year}")


def segments_of(labels: Sequence[str]) -> np.ndarray:
    """Segment number of each year: a new segment wherever the label changes."""
    out = np.zeros(len(labels), dtype=int)
    for i in range(1, len(labels)):
        out[i] = out[i - 1] + (labels[i] != labels[i - 1])
    return out


def fit_gap(years: np.ndarray, gaps: np.ndarray, labels: Sequence[str] | None = None,
            half_life: float = HALF_LIFE) -> GapModel:
    """Fit the gap model to the years with both figures.

    Parameters
    ----------
    years, gaps : ndarray
        Joint years (increasing) and their log gaps.
    labels : sequence of str, optional
        Each year's basis pair; a change starts a new segment (default: one segment).
    half_life : float
        Half-life of a year's weight, in years (``inf``: equal weights).

    Raises
    ------
    ValueError
        With fewer than 3 years with both figures.
    """
    years = np.asarray(years, dtype=int)
    gaps = np.asarray(gaps, dtype=float)
    n = len(gaps)
    if n < 3:
        raise ValueError(f"at least 3 years with both countries' figures needed (got {n})")
    labels = list(labels) if labels is not None else [""] * n
    seg = segments_of(labels)
    n_seg = int(seg[-1]) + 1
    d = np.diff(years)
    w = 0.5 ** ((years[-1] - years[1:]) / half_life)
    sw = float(w.sum())
    n_eff = sw * sw / float(w @ w)
    onehot = np.eye(n_seg)
    fits = []
    for phi in PHI_GRID:
        pd = phi ** d
        z = gaps[1:] - pd * gaps[:-1]
        x = onehot[seg[1:]] - pd[:, None] * onehot[seg[:-1]]
        root = np.sqrt(w / _var_factor(phi, d))
        xw, zw = x * root[:, None], z * root
        beta, _, rank, _ = np.linalg.lstsq(xw, zw, rcond=1e-10)
        sse = float(np.sum((zw - xw @ beta) ** 2))
        k = int(rank)
        s2 = max(sse / max(sw - k, 1.0), 1e-6)
        loglik = (-0.5 * float(w @ np.log(_var_factor(phi, d)))
                  - 0.5 * sw * math.log(max(sse, 1e-12) / sw))
        cov = s2 * np.linalg.pinv(xw.T @ xw)
        fits.append((loglik - 0.5 * k * math.log(n_eff), float(beta[-1]) if k else 0.0,
                     float(cov[-1, -1]) if k else 0.0, math.sqrt(s2), max(n_eff - k, 1.0)))
    score = np.array([f[0] for f in fits])
    weight = np.exp(score - score.max())
    weight /= weight.sum()
    keep = weight > 1e-4
    weight = weight[keep] / weight[keep].sum()
    cols = [np.array([f[i] for f, k in zip(fits, keep) if k]) for i in range(1, 5)]
    bounds = [(int(years[seg == s][0]), int(years[seg == s][-1]), labels[int(np.flatnonzero(seg == s)[0])])
              for s in range(n_seg)]
    return GapModel(int(years[-1]), float(gaps[-1]), PHI_GRID[keep], weight, cols[0], cols[1],
                    cols[2], cols[3], n, tuple(bounds), half_life)


@dataclass(frozen=True)
class Mirror:
    """The other country's later figures and the gap model that links them to the basis.

    Attributes
    ----------
    reporter : str
        The other country (B).
    years, values : tuple
        B's annual figures in simulated years (after the basis series' last year), in
        increasing order; empty when B has no later year.
    gap : GapModel
    rounding : tuple of float
        Each later figure's rounding half-width as a fraction of it (0: given in full): its
        log error, uniform, enters the likelihood as a normal of the same variance
        (:math:`r^2/3`) added to the gap's.
    """

    reporter: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    gap: GapModel
    rounding: tuple[float, ...] = ()

    def log_weights(self, levels: np.ndarray, sim_years: np.ndarray) -> np.ndarray:
        """Log-likelihood of B's later figures for each path of log levels (paths x years)."""
        cols = [int(np.flatnonzero(sim_years == y)[0]) for y in self.years]
        gaps = np.log(np.asarray(self.values))[None, :] - levels[:, cols]
        extra = [r * r / 3 for r in self.rounding] if self.rounding else None
        return self.gap.log_likelihood(gaps, list(self.years), extra)

    def other_levels(self, levels: np.ndarray, sim_years: np.ndarray, last: int,
                     rng: np.random.Generator) -> np.ndarray:
        """Log levels on B's figures in the simulated years up to ``last`` (paths x years):
        B's figure where it has published, else each path's level plus a gap drawn from the
        model, continuing from the gap the path implies at B's last later figure."""
        n = len(levels)
        m = int(np.flatnonzero(sim_years == last)[0]) + 1
        out = np.empty((n, m))
        start, start_year = None, self.gap.last_year
        todo = []
        for j, y in enumerate(sim_years[:m].tolist()):
            if y in self.years:
                out[:, j] = math.log(self.values[self.years.index(y)])
                start, start_year = out[:, j] - levels[:, j], y
            else:
                todo.append(j)
        if todo:
            # Years after B's last figure continue from it; years before it (none in practice:
            # B publishes later than A) are drawn from the joint years.
            after = [j for j in todo if int(sim_years[j]) > start_year]
            before = [j for j in todo if int(sim_years[j]) <= start_year]
            if after:
                g = self.gap.path(start, start_year, [int(sim_years[j]) for j in after], rng, n)
                out[:, after] = levels[:, after] + g
            if before:
                g = self.gap.path(None, self.gap.last_year, [int(sim_years[j]) for j in before],
                                  rng, n)
                out[:, before] = levels[:, before] + g
        return out
