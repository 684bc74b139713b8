"""Both countries' statistics in one run: the reporter gap, estimated with its uncertainty.

With ``reporter: both`` a run answers on one country's figures (the *basis*, A) and uses
the other's (B) where they add information: the years B has published and A has not
yet. The two series share their movement and differ by the log gap

.. math:: g_t = \\log B_t - \\log A_t,

observed in every year both have a figure. Two models of the gap are fitted to those
years and the one with the better one-step-ahead predictive log score over them is
used (a proper score, so the choice follows the evidence rather than an assumption):

* ``level``: independent years around a constant mean, Student-t predictive
  :math:`t_{n-1}(\\bar g, s\\sqrt{1 + 1/n})`;
* ``random-walk``: the gap drifts, :math:`g_t = g_{t-1} + e_t`, with
  :math:`e_t \\sim t_{m}(0, s_d\\sqrt{1 + 1/m})` estimated from the m one-year changes.

Each simulated path of A's series is then weighted by the likelihood of B's later
figures given the path (importance sampling, as for year-to-date figures), and B's
view of the target year is the path's level plus a gap drawn from the model, so the
run also says what the target means on B's figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from forecast.tails import t_logpdf

#: Joint years before the predictive score compares the two gap models.
MIN_SCORED = 4


@dataclass(frozen=True)
class GapModel:
    """The fitted gap model: its kind, the last observed gap and the predictive spread.

    Attributes
    ----------
    kind : str
        ``level`` or ``random-walk``.
    last_year, last_gap : int, float
        The last year with both figures and its log gap.
    loc, scale, df : float
        ``level``: the predictive of any later year's gap; ``random-walk``: of one
        year's change (``loc`` 0).
    n : int
        Years with both figures.
    score : dict
        Mean one-step log score of each model over the scored years.
    """

    kind: str
    last_year: int
    last_gap: float
    loc: float
    scale: float
    df: float
    n: int
    score: dict[str, float]

    def log_likelihood(self, gaps: np.ndarray, years: list[int]) -> np.ndarray:
        """Log density of a path's gaps (paths x years) in ``years`` (after ``last_year``,
        increasing)."""
        if self.kind == "level":
            return t_logpdf(gaps, self.df, self.loc, self.scale).sum(axis=1)
        out = np.zeros(len(gaps))
        prev, prev_year = np.full(len(gaps), self.last_gap), self.last_year
        for j, y in enumerate(years):
            step = self.scale * math.sqrt(y - prev_year)
            out += t_logpdf(gaps[:, j] - prev, self.df, 0.0, step)
            prev, prev_year = gaps[:, j], y
        return out

    def draw(self, n: int, start: np.ndarray | None, start_year: int, year: int,
             rng: np.random.Generator) -> np.ndarray:
        """Gaps in ``year`` for n paths, given each path's gap in ``start_year`` (``start``;
        None: the last observed gap)."""
        t = rng.standard_t(self.df, n)
        if self.kind == "level":
            return self.loc + self.scale * t
        base = np.full(n, self.last_gap) if start is None else start
        return base + self.scale * math.sqrt(year - start_year) * t

    def describe(self) -> str:
        what = ("independent years around a mean gap" if self.kind == "level"
                else "a random walk (the gap drifts from year to year)")
        scores = ", ".join(f"{k} {v:.2f}" for k, v in self.score.items())
        return (f"{what}, chosen by one-step-ahead log score over {self.n} years with both "
                f"figures ({scores}); last gap {math.expm1(self.last_gap):+.1%} in {self.last_year}")


def fit_gap(years: np.ndarray, gaps: np.ndarray) -> GapModel:
    """Fit both gap models to the years with both figures and keep the better-scoring one.

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

    def level(g: np.ndarray) -> tuple[float, float, float]:
        m = len(g)
        s = float(np.std(g, ddof=1)) if m > 1 else 0.0
        return float(g.mean()), max(s, 1e-3) * math.sqrt(1 + 1 / m), float(max(m - 1, 1))

    def walk(y: np.ndarray, g: np.ndarray) -> tuple[float, float, float] | None:
        d = np.diff(g) / np.sqrt(np.diff(y))
        if len(d) < 2:
            return None
        s = float(np.sqrt(np.mean(d * d)))
        return 0.0, max(s, 1e-3) * math.sqrt(1 + 1 / len(d)), float(len(d))

    score = {"level": 0.0, "random-walk": 0.0}
    scored = 0
    for i in range(MIN_SCORED, n):
        lv, rw = level(gaps[:i]), walk(years[:i], gaps[:i])
        if rw is None:
            continue
        score["level"] += float(t_logpdf(gaps[i], lv[2], lv[0], lv[1]))
        step = rw[1] * math.sqrt(years[i] - years[i - 1])
        score["random-walk"] += float(t_logpdf(gaps[i] - gaps[i - 1], rw[2], 0.0, step))
        scored += 1
    mean = {k: v / scored for k, v in score.items()} if scored else {"level": 0.0}
    kind = "random-walk" if scored and score["random-walk"] > score["level"] else "level"
    loc, scale, df = level(gaps) if kind == "level" else walk(years, gaps)  # type: ignore[misc]
    return GapModel(kind, int(years[-1]), float(gaps[-1]), loc, scale, df, n, mean)


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
    """

    reporter: str
    years: tuple[int, ...]
    values: tuple[float, ...]
    gap: GapModel

    def log_weights(self, levels: np.ndarray, sim_years: np.ndarray) -> np.ndarray:
        """Log-likelihood of B's later figures for each path of log levels (paths x years)."""
        cols = [int(np.flatnonzero(sim_years == y)[0]) for y in self.years]
        gaps = np.log(np.asarray(self.values))[None, :] - levels[:, cols]
        return self.gap.log_likelihood(gaps, list(self.years))

    def other_levels(self, levels: np.ndarray, sim_years: np.ndarray, year: int,
                     rng: np.random.Generator) -> np.ndarray:
        """Log levels in ``year`` on B's figures: each path's level plus a drawn gap (after
        B's last later figure, implied by the path, for a random-walk gap)."""
        if year in self.years:  # B has published that year: its figure is known
            return np.full(len(levels), math.log(self.values[self.years.index(year)]))
        j = int(np.flatnonzero(sim_years == year)[0])
        if self.years and self.gap.kind == "random-walk":
            k = int(np.flatnonzero(sim_years == self.years[-1])[0])
            start = math.log(self.values[-1]) - levels[:, k]
            g = self.gap.draw(len(levels), start, self.years[-1], year, rng)
        else:
            g = self.gap.draw(len(levels), None, self.gap.last_year, year, rng)
        return levels[:, j] + g
