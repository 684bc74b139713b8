"""Damped-trend exponential smoothing, ETS(A,Ad,N), on log levels (statsmodels ``ETSModel``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecast.errors import ModelError
from forecast.models.checks import CHECK_HORIZON, check_history, check_point_forecast

#: Fewest consecutive annual observations: five estimated parameters (alpha, beta, phi,
#: initial level and trend) plus the innovation variance.
MIN_OBS = 6


@dataclass(frozen=True, eq=False)
class DampedETS:
    """ETS(A,Ad,N): additive errors, additive damped trend, no seasonality, on log levels.

    Notes
    -----
    With log levels :math:`y_t`, level :math:`\\ell_t` and trend :math:`b_t`,

    .. math::
        y_t = \\ell_{t-1} + \\phi b_{t-1} + \\varepsilon_t, \\qquad
        \\ell_t = \\ell_{t-1} + \\phi b_{t-1} + \\alpha\\varepsilon_t, \\qquad
        b_t = \\phi b_{t-1} + \\beta\\varepsilon_t,

    :math:`\\varepsilon_t \\sim N(0, \\sigma^2)` i.i.d. The point forecast is
    :math:`\\hat y_{T+h} = \\ell_T + (\\phi + \\dots + \\phi^h) b_T`, so annual growth
    decays geometrically towards zero, and the forecast variance is

    .. math::
        \\sigma_h^2 = \\sigma^2 \\Big[1 + \\sum_{j=1}^{h-1} c_j^2\\Big], \\qquad
        c_j = \\alpha + \\beta\\phi\\frac{1 - \\phi^j}{1 - \\phi}

    (Hyndman et al. 2008, class 1). statsmodels estimates :math:`\\alpha, \\beta, \\phi`
    and the initial states by maximum likelihood (L-BFGS-B, with
    :math:`10^{-4} \\le \\beta \\le \\alpha \\le 1 - 10^{-4}` and
    :math:`0.8 \\le \\phi \\le 0.98`) and :math:`\\sigma^2` as the mean squared one-step
    residual. :meth:`simulate` runs the recursions above from the fit's final state with
    normal innovations (tested against statsmodels' forecast and exact prediction
    variance); parameters are plug-in (no parameter uncertainty), so intervals from short
    series are too narrow.

    References
    ----------
    Gardner, E. S. and McKenzie, E. (1985). Forecasting trends in time series.
    *Management Science*, 31(10), 1237-1246.
    Hyndman, R. J., Koehler, A. B., Ord, J. K. and Snyder, R. D. (2008). *Forecasting
    with Exponential Smoothing: The State Space Approach*. Springer, chapter 6.
    Hyndman, R. J. and Athanasopoulos, G. (2021). *Forecasting: Principles and
    Practice*, 3rd ed., sections 8.5 and 8.7.
    """

    last_log: float
    alpha: float
    beta: float
    phi: float
    sigma: float
    nobs: int
    #: Final level and trend, :math:`\\ell_T` and :math:`b_T` (the fit's last state).
    level: float
    trend: float
    #: The statsmodels ``ETSResults`` of the fit (None when read back from the fit cache);
    #: forecasts and simulation use only the fields above.
    results: Any = field(default=None, repr=False)
    name: str = "ets"

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """Paths of log levels from the final state by the recursions in the Notes."""
        e = rng.standard_normal((n, h))
        e *= self.sigma
        out = np.empty((n, h))
        level = np.full(n, self.level)
        trend = np.full(n, self.trend)
        for j in range(h):
            trend *= self.phi
            level += trend
            np.add(level, e[:, j], out=out[:, j])
            level += self.alpha * e[:, j]
            trend += self.beta * e[:, j]
        return out

    def point(self, h: int) -> np.ndarray:
        """:math:`\\hat y_{T+j} = \\ell_T + (\\phi + \\dots + \\phi^j) b_T`, j = 1..h."""
        return self.level + np.cumsum(self.phi ** np.arange(1, h + 1)) * self.trend

    def mean_growth(self, h: int) -> np.ndarray:
        return np.diff(self.point(h), prepend=self.last_log)

    def describe(self) -> str:
        return (f"damped-trend exponential smoothing ETS(A,Ad,N) on log levels; alpha {self.alpha:.3f}, "
                f"beta {self.beta:.3f}, phi {self.phi:.3f}, sigma {self.sigma:.3f} (log); "
                f"{self.nobs} years")


def fit_ets(years: np.ndarray, logs: np.ndarray) -> DampedETS:
    """Fit :class:`DampedETS` by maximum likelihood with statsmodels.

    Parameters
    ----------
    years : ndarray
        Integer years, consecutive and ascending.
    logs : ndarray
        Finite log levels, one per year; at least :data:`MIN_OBS`.

    Raises
    ------
    ModelError
        Too few points, gaps, no convergence, or a non-finite or explosive point
        forecast (over the next :data:`~forecast.models.checks.CHECK_HORIZON` years).
        No statsmodels warning reaches the caller.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    name = DampedETS.name
    years, logs = check_history(name, years, logs, minimum=MIN_OBS, consecutive=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = ETSModel(logs, error="add", trend="add", damped_trend=True).fit(disp=False)
            point = np.asarray(res.forecast(CHECK_HORIZON), dtype=float)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            raise ModelError(name, "", f"statsmodels could not fit the model to {len(logs)} "
                             f"years: {exc}") from exc
    retvals = res.mle_retvals or {}
    if not retvals.get("converged", True) or any(issubclass(w.category, ConvergenceWarning)
                                                 for w in caught):
        raise ModelError(name, "", f"the maximum-likelihood fit did not converge on {len(logs)} years "
                         f"({retvals.get('iterations', '?')} iterations, "
                         f"L-BFGS warnflag {retvals.get('warnflag', '?')})")
    alpha, beta, phi = (float(res.smoothing_level), float(res.smoothing_trend),
                        float(res.damping_trend))
    sigma = float(np.sqrt(res.scale))
    if not np.all(np.isfinite([alpha, beta, phi, sigma])):
        raise ModelError(name, "", f"non-finite estimates (alpha {alpha}, beta {beta}, phi {phi}, "
                         f"sigma {sigma})")
    check_point_forecast(name, np.diff(point, prepend=logs[-1]))
    level, trend = (float(x) for x in np.asarray(res.states)[-1])
    return DampedETS(last_log=float(logs[-1]), alpha=alpha, beta=beta, phi=phi, sigma=sigma,
                     nobs=len(logs), level=level, trend=trend, results=res)
