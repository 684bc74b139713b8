"""ARIMA with drift and the local linear trend on log levels, fitted by statsmodels, simulated here.

statsmodels estimates the parameters (exact Gaussian likelihood by the Kalman filter); the fitted
linear Gaussian state space (:class:`StateSpaceForecast`) is then copied into plain arrays and
simulated forward with vectorised numpy draws from the caller's :class:`numpy.random.Generator`
(``MLEResults.simulate(..., repetitions=n)`` is about 100 times slower for 100,000 paths).

Speed: a fit evaluates the likelihood a few hundred times on tiny matrices. With OpenBLAS's
default threads and other processes busy, statsmodels' stationary initialisation (a discrete
Lyapunov solve per evaluation) can take 20 ms instead of 0.05 ms; run many fits with
``OPENBLAS_NUM_THREADS=1`` (set before numpy is imported) or under ``threadpoolctl``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.errors import ModelError
from forecast.models.checks import check_point_forecast

#: Point forecasts of annual log growth are checked over this many years ahead (within
#: :data:`forecast.models.checks.MAX_LOG_GROWTH`).
CHECK_HORIZON = 50
#: Iteration limits: L-BFGS (first try), Nelder-Mead (second try, only if L-BFGS did not converge).
LBFGS_MAXITER = 200
NM_MAXITER = 2000
#: The forecast sd one year ahead must exceed this (log units): a model that sees no noise is unusable.
MIN_SD = 1e-6
#: ARMA starting values are clipped to +-START_CLIP (L-BFGS stalls when it starts near a unit root).
START_CLIP = 0.9


def _readonly(a: Any) -> np.ndarray:
    out = np.array(a, dtype=float)
    out.setflags(write=False)
    return out


def _factor(cov: np.ndarray) -> np.ndarray:
    """F with F F' = cov for a symmetric positive semi-definite ``cov`` (k x k), shape (k, r).

    Eigen-decomposition, so singular and zero covariances are fine: directions with eigenvalue
    <= 1e-12 times the largest (rounding noise, e.g. -4e-19 in ARIMA's predicted state
    covariance) are dropped, and r is the number kept (0 for a zero matrix).
    """
    cov = 0.5 * (cov + cov.T)
    w, v = np.linalg.eigh(cov)
    top = float(w.max()) if w.size else 0.0
    keep = w > 1e-12 * top if top > 0 else np.zeros(w.shape, bool)
    return np.asarray(v[:, keep] * np.sqrt(w[keep]), dtype=float)


@dataclass(frozen=True, eq=False)
class StateSpaceForecast:
    """A fitted univariate linear Gaussian state space, from the first out-of-sample year on.

    Notes
    -----
    With state :math:`x_j` (k), for :math:`j = 1, 2, \\dots` years after the last observation,

    .. math::
        x_1 \\sim N(a, P), \\qquad
        y_j = d + (j-1)\\,\\delta + Z x_j + \\varepsilon_j, \\quad \\varepsilon_j \\sim N(0, H),
        \\qquad x_{j+1} = c + T x_j + R \\eta_j, \\quad \\eta_j \\sim N(0, Q),

    where :math:`a, P` are the Kalman filter's prediction of the state for year :math:`T+1` given
    the data through year :math:`T`, and :math:`Z, H, T, c, R, Q` the (time-invariant) system
    matrices. The observation intercept may grow linearly, by :math:`\\delta` a year (ARIMA's drift
    enters as :math:`d_t = \\mu t`). Draws use factors :math:`F F' = P`, :math:`G G' = R Q R'`
    from the eigen-decomposition (:func:`_factor`), so singular covariances are allowed.

    The point forecast and its variance follow the same recursion without noise:
    :math:`E y_j = d + (j-1)\\delta + Z a_j`, :math:`\\operatorname{Var} y_j = Z P_j Z' + H`,
    :math:`a_{j+1} = c + T a_j`, :math:`P_{j+1} = T P_j T' + R Q R'`.

    References
    ----------
    Durbin, J. and Koopman, S. J. (2012). *Time Series Analysis by State Space Methods*, 2nd ed.,
    sections 4.3 (the Kalman filter) and 4.11 (forecasting).
    """

    state_mean: np.ndarray         # a, (k,)
    state_factor: np.ndarray       # F, (k, r0), F F' = P
    design: np.ndarray             # Z, (k,)
    obs_intercept: float           # d, at year T+1
    obs_intercept_step: float      # delta, the change of d per year
    obs_sd: float                  # sqrt(H)
    transition: np.ndarray         # T, (k, k)
    state_intercept: np.ndarray    # c, (k,)
    shock_factor: np.ndarray       # G, (k, r), G G' = R Q R'

    @classmethod
    def from_results(cls, res: Any, obs_intercept_step: float = 0.0) -> StateSpaceForecast:
        """Copy the system from a statsmodels ``MLEResults`` (univariate, time-invariant system).

        ``obs_intercept_step`` is the yearly change of the observation intercept, when the model's
        intercept is a linear time trend (``d`` at year T+1 is then the last in-sample ``d`` plus it).
        """
        fr = res.filter_results
        nobs = int(fr.nobs)
        if fr.predicted_state.shape[1] != nobs + 1 or fr.design.shape[0] != 1:
            raise RuntimeError("expected a univariate model with predictions for T+1")
        for name in ("design", "obs_cov", "transition", "selection", "state_cov", "state_intercept"):
            if getattr(fr, name).shape[-1] != 1:
                raise RuntimeError(f"time-varying {name} is not supported")
        d = np.asarray(fr.obs_intercept)[0]
        if obs_intercept_step != 0 and d.size != nobs:
            raise RuntimeError("a trend in the observation intercept needs its in-sample values")
        if d.size > 1 and not np.allclose(np.diff(d), obs_intercept_step, rtol=1e-9, atol=1e-12):
            raise RuntimeError("the observation intercept is not a linear trend with the given step")
        r = fr.selection[:, :, 0]
        return cls(
            state_mean=_readonly(fr.predicted_state[:, -1]),
            state_factor=_readonly(_factor(np.asarray(fr.predicted_state_cov[:, :, -1]))),
            design=_readonly(fr.design[0, :, 0]),
            obs_intercept=float(d[-1] + obs_intercept_step),
            obs_intercept_step=float(obs_intercept_step),
            obs_sd=float(np.sqrt(max(float(fr.obs_cov[0, 0, 0]), 0.0))),
            transition=_readonly(fr.transition[:, :, 0]),
            state_intercept=_readonly(fr.state_intercept[:, 0]),
            shock_factor=_readonly(_factor(r @ fr.state_cov[:, :, 0] @ r.T)),
        )

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` paths of the observations for years T+1 .. T+h, shape (n, h).

        Random numbers are drawn from ``rng`` only, in a fixed order: the initial state, then for
        each year the observation noise and the state shocks. The loop runs over years, not paths.
        """
        out = np.empty((n, h))
        if h == 0:
            return out
        x = np.broadcast_to(self.state_mean, (n, self.state_mean.size))
        if self.state_factor.shape[1]:
            x = x + rng.standard_normal((n, self.state_factor.shape[1])) @ self.state_factor.T
        tt = self.transition.T
        for j in range(h):
            y = out[:, j]
            np.matmul(x, self.design, out=y)
            y += self.obs_intercept + j * self.obs_intercept_step
            if self.obs_sd > 0:
                y += self.obs_sd * rng.standard_normal(n)
            if j + 1 < h:
                x = x @ tt + self.state_intercept
                if self.shock_factor.shape[1]:
                    x += rng.standard_normal((n, self.shock_factor.shape[1])) @ self.shock_factor.T
        return out

    def forecast(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and variance of the observations for years T+1 .. T+h (the Notes' recursion)."""
        a = self.state_mean.copy()
        p = self.state_factor @ self.state_factor.T
        rqr = self.shock_factor @ self.shock_factor.T
        mean, var = np.empty(h), np.empty(h)
        for j in range(h):
            mean[j] = self.obs_intercept + j * self.obs_intercept_step + self.design @ a
            var[j] = self.design @ p @ self.design + self.obs_sd ** 2
            a = self.state_intercept + self.transition @ a
            p = self.transition @ p @ self.transition.T + rqr
        return mean, var


def _check_forecasts(model: str, ssm: StateSpaceForecast, last_log: float) -> None:
    """ModelError unless the point forecast is finite and tame and the h=1 spread finite and > 0."""
    with np.errstate(all="ignore"):   # overflow shows up as non-finite values, reported below
        mean, var = ssm.forecast(CHECK_HORIZON)
        growth = np.diff(mean, prepend=last_log)
    if not (np.all(np.isfinite(growth)) and np.all(np.isfinite(var))):
        raise ModelError(model, "", f"non-finite forecasts within {CHECK_HORIZON} years")
    check_point_forecast(model, growth)
    if not var[0] > MIN_SD ** 2:
        raise ModelError(model, "", f"forecast sd one year ahead is {np.sqrt(max(var[0], 0.0)):.3g} "
                         f"(log; at most {MIN_SD:g}): the model sees no noise in the series")


def _check_input(model: str, years: np.ndarray, logs: np.ndarray, min_obs: int) -> tuple[np.ndarray,
                                                                                          np.ndarray]:
    years = np.asarray(years)
    logs = np.asarray(logs, dtype=float)
    if years.ndim != 1 or years.shape != logs.shape:
        raise ModelError(model, "", f"years and log levels must be 1-d of equal length "
                         f"(got shapes {years.shape} and {logs.shape})")
    if years.size and not np.all(years == np.round(years)):
        raise ModelError(model, "", "years must be whole numbers")
    years = years.astype(np.int64)
    if np.any(np.diff(years) <= 0):
        raise ModelError(model, "", "years must be strictly increasing")
    if not np.all(np.isfinite(logs)):
        raise ModelError(model, "", f"{int(np.sum(~np.isfinite(logs)))} log levels are not finite")
    if logs.size < min_obs:
        raise ModelError(model, "", f"at least {min_obs} annual observations needed (got {logs.size})")
    growth = np.diff(logs) / np.diff(years)
    if np.ptp(growth) <= MIN_SD:
        raise ModelError(model, "", f"yearly log growth is the same every year ({growth[0]:+.4g}): "
                         "no noise to model")
    return years, logs


def _fit_checked(fit: Callable[[np.ndarray, str, int], Any], start: np.ndarray) -> Any | None:
    """Maximum likelihood by L-BFGS from ``start``; Nelder-Mead from L-BFGS's end if that did not converge.

    ``fit(start_params, optimiser, maxiter)`` runs statsmodels' fit. Returns the results, or None
    when neither optimiser reports convergence (a ConvergenceWarning also counts as not converged)
    or the log-likelihood is not finite. Every warning is silenced.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    params = start
    for method, maxiter in (("lbfgs", LBFGS_MAXITER), ("nm", NM_MAXITER)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = fit(params, method, maxiter)
            except (np.linalg.LinAlgError, ValueError, OverflowError, ZeroDivisionError):
                return None
        warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
        if not np.isfinite(res.llf):
            return None
        if res.mle_retvals.get("converged", False) and not warned:
            return res
        params = res.params
    return None


# ------------------------------------------------------------------------------------------- ARIMA


# ---------------------------------------------------------------------------- local linear trend


