"""Year-to-date nowcasts: the annual total given the total of its first k months.

The model forecasts annual totals from annual history; a year-to-date figure
``Y_k`` (January to month ``k``) of the first unobserved year then tells us about
that year's total ``A``. We write ``Y_k = s_k A`` with ``s_k`` the *share of the
year reached by month k*, ``0 < s_k < 1``, and model its logit as normal:

.. math::

    \\operatorname{logit} s_k \\sim N(m, c^2), \\qquad
    p(Y_k \\mid A) = \\phi(\\operatorname{logit}(Y_k/A)) \\, \\frac{1}{Y_k (1 - Y_k/A)}
    \\quad (A > Y_k),

and zero for ``A <= Y_k``: trade is never negative, so the total is at least what
is already known. Each simulated path of the model is weighted by this likelihood
(Bayes' rule by importance sampling, the model's forecast as the prior), so
``P(A >= target | Y_k)`` is a weighted share; if ``Y_k >= target`` every path with
positive weight meets the target and the probability is exactly 1.

The share's distribution comes from a normal–inverse-gamma model of logit
shares, one per month k: prior mean ``mu``, prior strength ``kappa``, and an
inverse-gamma prior on the year-to-year variance with ``nu`` degrees of freedom
and scale ``s2``. With no history of the series' own shares the predictive is
the prior's, ``t_nu(mu, s2 (1 + 1/kappa))``; each earlier year with a year-to-date
figure and its annual total updates it (Gelman et al., *Bayesian Data Analysis*, 3rd
ed., section 3.6): the figure to month k itself, or else the year's figure to the
nearest other month j, moved to month k by the prior's seasonal pattern
(``logit s_j - mu_j + mu_k``). The hyperparameters are learned by empirical Bayes on
the 1,428 M3 monthly series; the predictive's scale is then multiplied by a per-month
factor ``widen`` chosen out of sample, because a year's share is correlated with its
growth surprise, which this model of shares alone misses
(``benchmarks/m3_monthly_nowcast.py``, shipped as ``forecast/engine/ytd_prior.json``).

Tails. The likelihood is the normal with the predictive's central 80% interval, not the
Student-t itself: series differ so much that the prior's t has about one degree of
freedom, and with tails that heavy a figure that conflicts with the annual forecast is
read as an odd share and the forecast wins (with eleven months at half the usual pace,
the year's total would stay where the annual model put it). With normal tails the
figure dominates as arithmetic demands when few months are left, and the annual model
still leads when few are known, where the share's spread is the wider of the two.

Rounding. A figure known only to its printed precision (flagged ``rounded``, or a
statement's) is integrated over: the likelihood is the mean over a grid of values
spread evenly over the rounding interval (``$1.4bn`` is 1.35-1.45bn), so a rounded
figure at the target is not read as certainty.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from forecast.models.tails import t_quantile

#: Standard normal quantile of 0.9: the likelihood's normal keeps the central 80% interval.
Z90 = 1.2815515655446004
#: Points of the grid a rounded figure is integrated over.
ROUNDING_POINTS = 9

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class ShareModel:
    """Normal–inverse-gamma hyperparameters of the logit share at one month."""

    mu: float
    kappa: float
    nu: float
    s2: float
    widen: float = 1.0

    def update(self, logits: Sequence[float]) -> ShareModel:
        """The posterior after observing ``logits`` (the series' own earlier years)."""
        x = np.asarray(logits, dtype=float)
        n = x.size
        if n == 0:
            return self
        mean = float(x.mean())
        ss = float(((x - mean) ** 2).sum())
        kappa = self.kappa + n
        mu = (self.kappa * self.mu + n * mean) / kappa
        nu = self.nu + n
        s2 = (self.nu * self.s2 + ss + self.kappa * n * (mean - self.mu) ** 2 / kappa) / nu
        return ShareModel(mu, kappa, nu, s2, self.widen)

    @property
    def t_scale(self) -> float:
        """Scale of the Student-t predictive of a new year's logit share (times ``widen``)."""
        return self.widen * math.sqrt(self.s2 * (1.0 + 1.0 / self.kappa))

    @property
    def sd(self) -> float:
        """Standard deviation of the normal the likelihood uses: the one whose central 80%
        interval is the Student-t predictive's."""
        return self.t_scale * t_quantile(self.nu, 0.9) / Z90

    def log_density(self, x: np.ndarray) -> np.ndarray:
        """Log density of the normal (module notes, *Tails*) at logit shares ``x``."""
        z = (np.asarray(x, dtype=float) - self.mu) / self.sd
        return -0.5 * z * z - math.log(self.sd) - 0.5 * math.log(2 * math.pi)

    def share_quantiles(self, levels: Sequence[float]) -> list[float]:
        """Quantiles of the share itself (the logistic of the normal's quantiles)."""
        from scipy.special import ndtri

        q = self.mu + self.sd * ndtri(np.asarray(levels, dtype=float))
        return [float(v) for v in 1.0 / (1.0 + np.exp(-q))]


@cache
def prior_table() -> dict[str, Any]:
    """The shipped prior (``forecast/engine/ytd_prior.json``)."""
    text = resources.files("forecast.engine").joinpath("ytd_prior.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def prior(k: int) -> ShareModel:
    """The shipped share model for month ``k`` (1..11)."""
    row = prior_table()["months"][str(k)]
    return ShareModel(row["mu"], row["kappa"], row["nu"], row["s2"], row.get("widen", 1.0))


def logit(s: np.ndarray | float) -> np.ndarray:
    """log(s / (1 - s)); +-inf at 1 and 0."""
    s = np.asarray(s, dtype=float)
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(s) - np.log1p(-s), dtype=float)


@dataclass(frozen=True)
class Nowcast:
    """What a year-to-date figure says about its year.

    Attributes
    ----------
    year, month : int
        The figure covers January..``month`` of ``year``.
    value : float
        The year-to-date total (US dollars).
    period : str
        As written in the data (``2025-01..2025-08``).
    model : ShareModel
        The share's predictive after the series' own history.
    own_years : tuple of int
        Earlier years whose own share updated the prior.
    inconsistent : tuple of int
        Earlier years whose figure to this month is not below their annual total (not used).
    own_months : tuple of int
        For each of ``own_years``, the month of the figure used (``month`` itself, or the
        nearest other month, moved to ``month`` by the prior's seasonal pattern).
    half_width : float
        Half the rounding interval of the figure (0: exact).
    """

    year: int
    month: int
    value: float
    period: str
    model: ShareModel
    own_years: tuple[int, ...]
    inconsistent: tuple[int, ...] = ()
    own_months: tuple[int, ...] = ()
    half_width: float = 0.0

    @property
    def lowest(self) -> float:
        """The least the figure can be (its rounding interval's bottom)."""
        return self.value - self.half_width

    def log_weights(self, annual: np.ndarray) -> np.ndarray:
        """Log-likelihood of the year-to-date figure for each simulated annual total (US$),
        up to a constant; ``-inf`` where the total does not exceed the figure (its lowest
        value, for a rounded figure, integrated over its interval)."""
        a = np.asarray(annual, dtype=float)
        if self.half_width <= 0:
            return self._exact(a, self.value)
        offsets = (np.arange(ROUNDING_POINTS) + 0.5) / ROUNDING_POINTS * 2 - 1
        parts = np.stack([self._exact(a, self.value + o * self.half_width) for o in offsets])
        top = parts.max(axis=0)
        out = np.full(a.shape, -np.inf)
        ok = np.isfinite(top)
        out[ok] = top[ok] + np.log(np.mean(np.exp(parts[:, ok] - top[ok]), axis=0))
        return out

    def _exact(self, a: np.ndarray, value: float) -> np.ndarray:
        out = np.full(a.shape, -np.inf)
        ok = a > value
        s = value / a[ok]
        out[ok] = self.model.log_density(logit(s)) - np.log1p(-s) - math.log(value)
        return out

    @property
    def source(self) -> str:
        """Where the share's distribution comes from, in words."""
        n = len(self.own_years)
        base = (f"a prior learned on {prior_table()['evidence']['series']:,} M3 monthly series")
        bad = (f"; the figures to month {self.month} of {', '.join(map(str, self.inconsistent))} are "
               "not below those years' totals and were not used" if self.inconsistent else "")
        if n == 0:
            return (f"{base} (no earlier year of this series has a usable year-to-date figure"
                    f"{bad})")
        months = self.own_months or (self.month,) * n
        same = [str(y) for y, m in zip(self.own_years, months) if m == self.month]
        moved = [f"{y} ({MONTHS[m - 1]})" for y, m in zip(self.own_years, months) if m != self.month]
        text = f"{base}, updated with this series' own shares"
        if same:
            text += f" in {', '.join(same)}"
        if moved:
            text += (f"{' and' if same else ''} in {', '.join(moved)}, moved to "
                     f"{MONTHS[self.month - 1]} by the prior's seasonal pattern")
        return text + bad

    def on_track(self, target: float) -> dict[str, float]:
        """The year-to-date value by this month that is on course for ``target``: the target
        times the median share, with the 80% range of the share."""
        lo, mid, hi = self.model.share_quantiles([0.1, 0.5, 0.9])
        return {"median_share": mid, "share_10": lo, "share_90": hi, "needed": target * mid,
                "needed_low": target * lo, "needed_high": target * hi,
                "ratio": self.value / (target * mid)}


def nowcast_for(year: int, ytd: Sequence[tuple[int, int, float, str]],
                annual: dict[int, float], half_widths: dict[str, float] | None = None) -> Nowcast | None:
    """The nowcast of ``year`` from the latest year-to-date figure of it.

    Parameters
    ----------
    year : int
        The first year without an annual figure.
    ytd : sequence of (year, month, value, period)
        Year-to-date figures (January..month), any years.
    annual : dict
        Annual totals by year (the series' own), for its own history of shares.
    half_widths : dict, optional
        Half the rounding interval of figures known only to their printed precision, by
        period (``2025-01..2025-08``).
    """
    mine = [x for x in ytd if x[0] == year and 1 <= x[1] <= 11]
    if not mine:
        return None
    y, k, value, period = max(mine, key=lambda x: x[1])
    here = prior(k)
    own, bad = [], []
    for py in sorted({x[0] for x in ytd if x[0] < year and x[0] in annual}):
        figures = [(pk, v) for yy, pk, v, _ in ytd if yy == py and 1 <= pk <= 11]
        usable = [(pk, v) for pk, v in figures if 0 < v < annual[py]]
        if any(pk == k and v >= annual[py] for pk, v in figures):
            bad.append(py)  # that year's figures contradict its total: none of them is used
            continue
        if not usable:
            continue
        pk, v = min(usable, key=lambda f: (abs(f[0] - k), -f[0]))
        x = float(logit(v / annual[py])) - prior(pk).mu + here.mu
        own.append((py, pk, x))
    model = here.update([x for _, _, x in own])
    half = (half_widths or {}).get(period, 0.0)
    return Nowcast(y, k, float(value), period, model, tuple(py for py, _, _ in own), tuple(bad),
                   tuple(pk for _, pk, _ in own), half)


def rounding_half_width(value: float) -> float:
    """Half the rounding interval a figure printed as ``value`` implies: half the place of its
    last nonzero digit (1.4e9: 5e7; 2e9: 5e8; 1,317,884,000: 500)."""
    v = int(round(abs(value)))
    if v == 0:
        return 0.0
    place = 1
    while v % (place * 10) == 0:
        place *= 10
    return place / 2.0


def month_range(k: int) -> str:
    """``January–August``."""
    return MONTHS[0] if k == 1 else f"{MONTHS[0]}–{MONTHS[k - 1]}"
