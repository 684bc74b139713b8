"""The local linear trend on log levels (level and slope random walks), fitted by statsmodels'
UnobservedComponents, its state space simulated by :mod:`.statespace`."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from forecast.errors import ModelError
from forecast.models.statespace import (
    StateSpaceForecast,
    _check_forecasts,
    _check_input,
    _fit_checked,
)

MIN_OBS_LLT = 6


@dataclass(frozen=True, eq=False)
class LocalLinearTrend:
    """Local linear trend on log levels (level and slope random walks plus noise), by statsmodels.

    Notes
    -----
    On log levels :math:`y_t`,

    .. math::
        y_t = \\ell_t + \\varepsilon_t, \\qquad
        \\ell_{t+1} = \\ell_t + b_t + \\xi_t, \\qquad
        b_{t+1} = b_t + \\zeta_t,

    with independent :math:`\\varepsilon_t \\sim N(0, \\sigma_\\varepsilon^2)`,
    :math:`\\xi_t \\sim N(0, \\sigma_\\xi^2)`, :math:`\\zeta_t \\sim N(0, \\sigma_\\zeta^2)`
    (statsmodels ``UnobservedComponents(y, "lltrend")``). The series runs over every year from the
    first to the last observation; a missing year is a missing observation, which the Kalman filter
    skips, so no value is invented. The three variances maximise the exact diffuse likelihood
    (``use_exact_diffuse=True``), by L-BFGS from :math:`v/3, v/3, v/30` with :math:`v` the variance of
    the yearly log growth, then Nelder-Mead from where L-BFGS stopped if L-BFGS did not report
    convergence (L-BFGS's line search often fails at a variance of zero, which is the maximum).

    The point forecast grows by the last filtered slope :math:`b_{T+1|T}` every year; the forecast
    variance grows like :math:`h^3 \\sigma_\\zeta^2/3` when the slope varies. Simulation is by
    :class:`StateSpaceForecast`; parameters are plugged in.

    References
    ----------
    Harvey, A. C. (1989). *Forecasting, Structural Time Series Models and the Kalman Filter*,
    section 2.3.
    Durbin, J. and Koopman, S. J. (2012). *Time Series Analysis by State Space Methods*, 2nd ed.,
    sections 3.2 and 5.2 (exact diffuse initialisation).
    """

    last_log: float
    level_sd: float
    slope_sd: float
    irregular_sd: float
    slope: float               # b_{T+1|T}, the yearly log growth of the point forecast
    llf: float
    nobs: int
    span: int
    ssm: StateSpaceForecast
    name: str = "llt"

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.ssm.simulate(h, n, rng)

    def mean_growth(self, h: int) -> np.ndarray:
        return np.diff(self.ssm.forecast(h)[0], prepend=self.last_log)

    def describe(self) -> str:
        return (f"local linear trend on log levels: slope {np.expm1(self.slope):+.1%}/yr at the end; "
                f"sd of level {self.level_sd:.3g}, slope {self.slope_sd:.3g}, irregular "
                f"{self.irregular_sd:.3g} (log), {self.nobs} observations over {self.span} years")


def fit_llt(years: np.ndarray, logs: np.ndarray) -> LocalLinearTrend:
    """Fit :class:`LocalLinearTrend`; years may have gaps. Needs at least :data:`MIN_OBS_LLT` observations."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    model = "llt"
    years, logs = _check_input(model, years, logs, MIN_OBS_LLT)
    span = int(years[-1] - years[0] + 1)
    y = np.full(span, np.nan)
    y[years - years[0]] = logs
    v = float(np.var(np.diff(logs) / np.diff(years)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mod = UnobservedComponents(y, "lltrend", use_exact_diffuse=True)
    res = _fit_checked(lambda p, method, maxiter: mod.fit(
        start_params=p, method=method, maxiter=maxiter, disp=False, cov_type="none"),
        np.array([v / 3, v / 3, v / 30]))
    if res is None:
        raise ModelError(model, "", f"the likelihood maximisation did not converge ({logs.size} "
                         f"observations over {span} years)")
    ssm = StateSpaceForecast.from_results(res)
    _check_forecasts(model, ssm, float(logs[-1]))
    s2 = dict(zip(mod.param_names, np.asarray(res.params, dtype=float)))
    return LocalLinearTrend(last_log=float(logs[-1]), level_sd=float(np.sqrt(s2["sigma2.level"])),
                            slope_sd=float(np.sqrt(s2["sigma2.trend"])),
                            irregular_sd=float(np.sqrt(s2["sigma2.irregular"])),
                            slope=float(ssm.state_mean[1]), llf=float(res.llf), nobs=int(logs.size),
                            span=span, ssm=ssm)
