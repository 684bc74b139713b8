"""The pooled model's prior (:class:`Prior`): hyperparameters learned across country pairs by
:mod:`.learn`, the all-pairs growth index the drift is shrunk towards, and the tails."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: A series whose last year is further than this from the priors' panel is not read against it.
YEARS_OUTSIDE = 15


#: ... nor one whose mean log value is further than this (a factor of 100) from the panel's range.
SIZE_OUTSIDE = float(np.log(100.0))


@dataclass(frozen=True, eq=False)
class Prior:
    """The pooled priors: what all pairs say before a pair's own figures are read.

    Attributes
    ----------
    noise : float
        :math:`q`, variance of the transitory part of a published figure relative to the
        yearly random-walk variance :math:`\\sigma^2`.
    drift_strength : float
        :math:`\\kappa`, the prior's weight on the drift, in years of the pair's own growth.
    persistence : float
        :math:`\\phi`, how much of a pair's own drift (its distance from the pool's centre)
        is still there one year later; beyond the last figure, year :math:`j` grows by
        :math:`c + \\phi^j(\\mu - c)`.
    vol_strength : float
        :math:`a_0`, the inverse-gamma prior's shape (in half-years of figures).
    vol_intercept, vol_slope : float
        Prior volatility of a pair of log size :math:`s` (mean log US$ of its figures):
        :math:`\\log s_0 = v_0 + v_1 (\\mathrm{clip}(s) - 20)`; :math:`e^{20}` is about US$485m.
    size_range : tuple of float
        The log sizes the panel spans (the size is clipped to them).
    centre_error_year, centre_error_trend : float
        :math:`\\tau_1, \\tau_2`: how far all pairs' growth strays from the centre, a
        yearly part (variance :math:`\\tau_1^2 \\min(j, k)`) and a persistent one
        (:math:`\\tau_2^2 jk`), added to the predictive's scale matrix.
    centre_years : int
        The centre is the mean of all pairs' growth over this many years up to the origin.
    index : tuple of (int, float)
        By year, the mean log growth of all pairs in the panel (the pool's centre comes from it).
    lower, upper : tuple of float
        Tail factors per year ahead (the last holds beyond): the predictive's deviations
        below (above) its median are multiplied by them.
    """

    noise: float
    drift_strength: float
    persistence: float
    vol_strength: float
    vol_intercept: float
    vol_slope: float
    size_range: tuple[float, float]
    centre_error_year: float
    centre_error_trend: float
    centre_years: int
    index: tuple[tuple[int, float], ...]
    lower: tuple[float, ...] = (1.0,)
    upper: tuple[float, ...] = (1.0,)

    def centre(self, origin: int) -> tuple[float, tuple[int, ...]]:
        """The pool's centre for a forecast from ``origin``: the mean log growth of all pairs
        over the last :attr:`centre_years` years of the index up to ``origin`` (the years
        used are returned); before the index starts, over its first :attr:`centre_years`
        years (the nearest it has; never a later stretch chosen with hindsight)."""
        years = [y for y, _ in self.index if y <= origin][-self.centre_years:]
        if not years:
            years = [y for y, _ in self.index][:self.centre_years]
        values = dict(self.index)
        return float(np.mean([values[y] for y in years])), tuple(years)

    def vol_prior(self, size: np.ndarray | float) -> np.ndarray:
        """Prior volatility (log, per year) of a pair of log size ``size``."""
        lo, hi = self.size_range
        return np.exp(self.vol_intercept + self.vol_slope * (np.clip(size, lo, hi) - 20.0))

    def outside(self, years: np.ndarray, logs: np.ndarray) -> str | None:
        """Why a series cannot be read against this pool (its years or its values are not
        those of the panel's), or None when it can."""
        first, last = self.index[0][0], self.index[-1][0]
        end = int(years[-1])
        if not first - YEARS_OUTSIDE <= end <= last + YEARS_OUTSIDE:
            return (f"its last year {end} is not a calendar year near the priors' panel "
                    f"({first}–{last})")
        size = float(np.mean(logs))
        lo, hi = self.size_range
        if not lo - SIZE_OUTSIDE <= size <= hi + SIZE_OUTSIDE:
            return (f"its values (about {np.exp(size):,.4g}) are more than 100 times outside the "
                    f"panel's trade in US$ ({np.exp(lo):,.3g} to {np.exp(hi):,.3g})")
        return None

    def tails(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper tail factors for years 1..h ahead."""
        def upto(f: tuple[float, ...]) -> np.ndarray:
            a = np.asarray(f, dtype=float)
            return a[np.minimum(np.arange(h), len(a) - 1)]
        return upto(self.lower), upto(self.upper)
