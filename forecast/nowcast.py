"""Year-to-date nowcasts: the annual total given the total of its first k months.

The model forecasts annual totals from annual history; a year-to-date figure
``Y_k`` (January to month ``k``) of the first unobserved year then tells us about
that year's total ``A``. We write ``Y_k = s_k A`` with ``s_k`` the *share of the
year reached by month k*, ``0 < s_k < 1``, and model its logit as Student-t:

.. math::

    \\operatorname{logit} s_k \\sim t_{\\nu}(m, c), \\qquad
    p(Y_k \\mid A) = f_t(\\operatorname{logit}(Y_k/A)) \\, \\frac{1}{Y_k (1 - Y_k/A)}
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
the prior's, ``t_nu(mu, s2 (1 + 1/kappa))``; each earlier year with both a
year-to-date figure at month k and the annual total updates it (Gelman et al.,
*Bayesian Data Analysis*, 3rd ed., section 3.6). The hyperparameters are learned
by empirical Bayes on the 1,428 M3 monthly series; the predictive's scale is then
multiplied by a per-month factor ``widen`` (1 to 2) chosen out of sample, because a
year's share is correlated with its growth surprise, which this model of shares alone
misses (``benchmarks/m3_monthly_nowcast.py``, shipped as ``forecast/ytd_prior.json``).
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

#: Fewest degrees of freedom of a share's predictive. The empirical-Bayes prior alone has
#: fewer than 1 (series differ a lot), and with such tails a surprisingly large
#: year-to-date figure reads as an outlier share near 100% rather than as evidence of a
#: bigger year, so the probability could fall as the figure rises. Where the floor binds,
#: the scale is stretched so the central 80% interval stays the model's.
MIN_DF = 4.0

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
    def df(self) -> float:
        """Degrees of freedom of the predictive: ``nu``, at least :data:`MIN_DF`."""
        return max(self.nu, MIN_DF)

    @property
    def scale(self) -> float:
        """Scale of the Student-t predictive of a new year's logit share (times ``widen``, and
        stretched where :data:`MIN_DF` binds so the 80% interval is unchanged)."""
        base = self.widen * math.sqrt(self.s2 * (1.0 + 1.0 / self.kappa))
        if self.nu >= MIN_DF:
            return base
        from scipy.stats import t as student_t

        return base * float(student_t.ppf(0.9, self.nu) / student_t.ppf(0.9, MIN_DF))

    def log_density(self, x: np.ndarray) -> np.ndarray:
        """Log density of the Student-t predictive at logit shares ``x``."""
        nu, c = self.df, self.scale
        z = (np.asarray(x, dtype=float) - self.mu) / c
        const = (math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
                 - math.log(c))
        return const - (nu + 1) / 2 * np.log1p(z * z / nu)

    def share_quantiles(self, levels: Sequence[float]) -> list[float]:
        """Quantiles of the share itself (the logistic of the t quantiles)."""
        from scipy.stats import t as student_t

        q = self.mu + self.scale * student_t.ppf(np.asarray(levels, dtype=float), self.df)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-q))]


@cache
def prior_table() -> dict[str, Any]:
    """The shipped prior (``forecast/ytd_prior.json``)."""
    text = resources.files("forecast").joinpath("ytd_prior.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def prior(k: int) -> ShareModel:
    """The shipped share model for month ``k`` (1..11)."""
    row = prior_table()["months"][str(k)]
    return ShareModel(row["mu"], row["kappa"], row["nu"], row["s2"], row.get("widen", 1.0))


def logit(s: np.ndarray | float) -> np.ndarray:
    """log(s / (1 - s)); +-inf at 1 and 0."""
    s = np.asarray(s, dtype=float)
    with np.errstate(divide="ignore"):
        return np.log(s) - np.log1p(-s)


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
        Earlier years whose own share at this month updated the prior.
    inconsistent : tuple of int
        Earlier years whose figure to this month is not below their annual total (not used).
    """

    year: int
    month: int
    value: float
    period: str
    model: ShareModel
    own_years: tuple[int, ...]
    inconsistent: tuple[int, ...] = ()

    def log_weights(self, annual: np.ndarray) -> np.ndarray:
        """Log-likelihood of the year-to-date figure for each simulated annual total (US$),
        up to a constant; ``-inf`` where the total does not exceed the figure."""
        a = np.asarray(annual, dtype=float)
        out = np.full(a.shape, -np.inf)
        ok = a > self.value
        s = self.value / a[ok]
        out[ok] = self.model.log_density(logit(s)) - np.log1p(-s)
        return out

    @property
    def source(self) -> str:
        """Where the share's distribution comes from, in words."""
        n = len(self.own_years)
        base = (f"a prior learned on {prior_table()['evidence']['series']:,} M3 monthly series")
        bad = (f"; the figures to month {self.month} of {', '.join(map(str, self.inconsistent))} are "
               "not below those years' totals and were not used" if self.inconsistent else "")
        if n == 0:
            return (f"{base} (no earlier year of this series has a usable figure to month "
                    f"{self.month}{bad})")
        years = ", ".join(map(str, self.own_years))
        return f"{base}, updated with this series' own share in {years}{bad}"

    def on_track(self, target: float) -> dict[str, float]:
        """The year-to-date value by this month that is on course for ``target``: the target
        times the median share, with the 80% range of the share."""
        lo, mid, hi = self.model.share_quantiles([0.1, 0.5, 0.9])
        return {"median_share": mid, "share_10": lo, "share_90": hi, "needed": target * mid,
                "needed_low": target * lo, "needed_high": target * hi,
                "ratio": self.value / (target * mid)}


def nowcast_for(year: int, ytd: Sequence[tuple[int, int, float, str]],
                annual: dict[int, float]) -> Nowcast | None:
    """The nowcast of ``year`` from the latest year-to-date figure of it.

    Parameters
    ----------
    year : int
        The first year without an annual figure.
    ytd : sequence of (year, month, value, period)
        Year-to-date figures (January..month), any years.
    annual : dict
        Annual totals by year (the series' own), for its own history of shares.
    """
    mine = [x for x in ytd if x[0] == year and 1 <= x[1] <= 11]
    if not mine:
        return None
    y, k, value, period = max(mine, key=lambda x: x[1])
    earlier = [(py, v) for py, pk, v, _ in ytd if pk == k and py < year and py in annual]
    own = sorted((py, v / annual[py]) for py, v in earlier if 0 < v < annual[py])
    bad = tuple(sorted(py for py, v in earlier if v >= annual[py]))
    model = prior(k).update([float(logit(s)) for _, s in own])
    return Nowcast(y, k, float(value), period, model, tuple(py for py, _ in own), bad)


def month_range(k: int) -> str:
    """``January–August``."""
    return MONTHS[0] if k == 1 else f"{MONTHS[0]}–{MONTHS[k - 1]}"
