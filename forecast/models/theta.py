"""The standard Theta method on log levels (statsmodels ``ThetaModel``), simulated as SES with drift."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from forecast.errors import ModelError
from forecast.models.checks import CHECK_HORIZON, check_history, check_point_forecast

#: Fewest consecutive annual observations: the SES level needs a start and the
#: one-step errors (one fewer than the observations) lose two degrees of freedom
#: (alpha and the trend slope), so five years leave two.
MIN_OBS = 5


@dataclass(frozen=True)
class Theta:
    """The standard Theta method (theta = 2) on log levels, with normal SES-with-drift paths.

    Notes
    -----
    statsmodels fits a straight line :math:`y_t = a_0 + b_0 t` by least squares and
    simple exponential smoothing (SES) with parameter :math:`\\alpha` and initial level
    :math:`y_1` (levels :math:`\\ell_t = \\alpha y_t + (1-\\alpha)\\ell_{t-1}`) to the
    :math:`T` log levels, and forecasts

    .. math::
        \\hat y_{T+h} = \\ell_T + \\frac{b_0}{2}\\Big[h - 1 + \\frac{1 - (1-\\alpha)^T}{\\alpha}\\Big],

    which is SES with drift :math:`b_0/2` (Hyndman and Billah 2003): after the first
    year the point forecast grows by half the linear-trend slope a year. ThetaModel
    has no simulation, so paths follow the SES-with-drift model
    :math:`y_t = \\ell_{t-1} + b + \\varepsilon_t`,
    :math:`\\ell_t = \\ell_{t-1} + b + \\alpha\\varepsilon_t`, whose :math:`h`-step
    error is :math:`\\varepsilon_{T+h} + \\alpha\\sum_{j<h}\\varepsilon_{T+j}`:

    .. math::
        \\text{path}_h = \\hat y_{T+h} + e_h + \\alpha\\sum_{i<h} e_i, \\qquad
        e_i \\sim N(0, \\sigma^2) \\text{ i.i.d.},

    so the forecast variance is :math:`\\sigma^2[1 + (h-1)\\alpha^2]` (the ETS(A,N,N)
    variance; Hyndman et al. 2008, class 1 with :math:`\\beta = 0`).
    :math:`\\sigma^2` is estimated from the Theta method's own in-sample one-step errors
    :math:`u_t = y_t - \\hat y_{t|t-1}` (the forecast above from the first
    :math:`t-1` years, with the fitted :math:`\\alpha, b_0`) for :math:`t = 2, \\dots, T`:
    :math:`\\hat\\sigma^2 = \\sum u_t^2 / (T - 3)`, i.e. :math:`T-1` errors less two
    estimated parameters.

    Two statsmodels choices are not followed. ``ThetaModelResults.sigma2`` is not
    from the SES fit but from a separate ARIMA(0,1,1)-with-drift maximum-likelihood
    fit made on first access (slow, may warn, and its MA coefficient is not the SES
    :math:`\\alpha`). ``prediction_intervals`` uses the variance
    :math:`\\sigma^2[1 + (h-1)(1 + (\\alpha-1)^2)]`, which ignores the covariance of
    successive MA(1) differences; it agrees with :math:`\\sigma^2[1 + (h-1)\\alpha^2]`
    only at :math:`\\alpha = 1` and overstates it otherwise (at :math:`\\alpha = 0`
    the true error variance is :math:`\\sigma^2` at every horizon). Innovations are
    normal rather than resampled residuals: with the few years of a trade series the
    residuals hold too few values to describe tails, and the variance above is
    exact for normal innovations.

    References
    ----------
    Assimakopoulos, V. and Nikolopoulos, K. (2000). The theta model: a decomposition
    approach to forecasting. *International Journal of Forecasting*, 16(4), 521-530.
    Hyndman, R. J. and Billah, B. (2003). Unmasking the Theta method. *International
    Journal of Forecasting*, 19(2), 287-290.
    Hyndman, R. J., Koehler, A. B., Ord, J. K. and Snyder, R. D. (2008). *Forecasting
    with Exponential Smoothing: The State Space Approach*. Springer, chapter 6.
    """

    last_log: float
    #: SES forecast of the next log level (the SES level after the last year).
    ses_level: float
    #: Least-squares slope of log levels on time (the drift is half of it).
    b0: float
    alpha: float
    sigma: float
    nobs: int
    name: str = "theta"

    def point(self, h: int) -> np.ndarray:
        """Point forecast of log levels for the next ``h`` years (equals ``ThetaModelResults.forecast``)."""
        a = self.alpha
        steps = np.arange(h, dtype=float) + (1.0 - (1.0 - a) ** self.nobs) / a
        return self.ses_level + 0.5 * self.b0 * steps

    def forecast_variance(self, h: int) -> np.ndarray:
        """Variance of the log level ``1 .. h`` years ahead: :math:`\\sigma^2[1 + (h-1)\\alpha^2]`."""
        return self.sigma ** 2 * (1.0 + np.arange(h) * self.alpha ** 2)

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._paths(rng.standard_normal((h, n)))

    def simulate_antithetic(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` (even) paths in antithetic pairs: path ``i + n/2`` negates path ``i``'s errors."""
        z = rng.standard_normal((h, n // 2))
        return self._paths(np.concatenate([z, -z], axis=1))

    def _paths(self, e: np.ndarray) -> np.ndarray:
        # y_j = point_j + (1 - alpha) e_j + alpha (e_1 + ... + e_j), from standard normals
        # drawn year by year (h x n, contiguous per year); the (n x h) transposed view.
        h = len(e)
        e *= self.sigma
        out = e * (1.0 - self.alpha)
        for j in range(1, h):
            e[j] += e[j - 1]
        e *= self.alpha
        out += e
        out += self.point(h)[:, None]
        return out.T

    def mean_growth(self, h: int) -> np.ndarray:
        return np.diff(self.point(h), prepend=self.last_log)

    def predictive(self, h: int) -> tuple[float, float, float]:
        """(degrees of freedom, location, scale) of log(level[T+h] / level[T]): normal
        (``inf`` df), centred on the point forecast, variance :meth:`forecast_variance`."""
        return float("inf"), float(self.point(h)[-1] - self.last_log), \
            float(np.sqrt(self.forecast_variance(h)[-1]))

    def prob_at_least(self, log_ratio: float, h: int) -> float:
        """Closed-form P(log(level[T+h] / level[T]) >= log_ratio) (normal predictive)."""
        from forecast.models.tails import predictive_sf

        return predictive_sf(*self.predictive(h), log_ratio)

    def describe(self) -> str:
        return (f"Theta method (SES with drift half the trend slope) on log levels; alpha {self.alpha:.3f}, "
                f"drift {np.expm1(0.5 * self.b0):+.1%}/yr, sigma {self.sigma:.3f} (log); {self.nobs} years")


def fit_theta(years: np.ndarray, logs: np.ndarray) -> Theta:
    """Fit :class:`Theta` with statsmodels' ``ThetaModel`` and estimate its innovation variance.

    Parameters
    ----------
    years : ndarray
        Integer years, consecutive and ascending.
    logs : ndarray
        Finite log levels, one per year; at least :data:`MIN_OBS`.

    Raises
    ------
    ModelError
        Too few points, gaps, an SES fit that did not converge, or a non-finite or
        explosive point forecast. No statsmodels warning reaches the caller.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.forecasting.theta import ThetaModel

    name = Theta.name
    years, logs = check_history(name, years, logs, minimum=MIN_OBS, consecutive=True)
    t = len(logs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = ThetaModel(logs, period=1, deseasonalize=False).fit()
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            raise ModelError(name, "", f"statsmodels could not fit the model to {t} years: {exc}") from exc
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        raise ModelError(name, "", f"the SES maximum-likelihood fit did not converge on {t} years")
    b0, alpha = float(res.params["b0"]), float(res.params["alpha"])
    if not (np.isfinite(b0) and np.isfinite(alpha) and 0.0 < alpha <= 1.0):
        raise ModelError(name, "", f"unusable estimates (trend slope {b0}, alpha {alpha})")
    # SES levels with the initial level statsmodels uses (the first observation).
    level = np.empty(t)
    level[0] = logs[0]
    for i in range(1, t):
        level[i] = alpha * logs[i] + (1.0 - alpha) * level[i - 1]
    # One-step Theta forecasts of years 2..T from the years before each.
    seen = np.arange(1, t)
    one_step = level[:-1] + 0.5 * b0 * (1.0 - (1.0 - alpha) ** seen) / alpha
    u = logs[1:] - one_step
    sigma = float(np.sqrt(u @ u / (t - 3)))
    model = Theta(last_log=float(logs[-1]), ses_level=float(level[-1]), b0=b0, alpha=alpha,
                  sigma=sigma, nobs=t)
    if not np.isfinite(sigma):
        raise ModelError(name, "", f"non-finite innovation standard deviation ({sigma})")
    check_point_forecast(name, model.mean_growth(CHECK_HORIZON))
    return model
