"""Random walk with drift on log levels, with parameter uncertainty (closed-form predictive)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.errors import ModelError


@dataclass(frozen=True)
class RandomWalkDrift:
    """Random walk with drift on log levels, with parameter uncertainty.

    Notes
    -----
    The model is :math:`y_t = y_{t-1} + \\mu + \\varepsilon_t`,
    :math:`\\varepsilon_t \\sim N(0, \\sigma^2)` on log levels. An interval of
    :math:`k_i` years (a gap in the data) gives a growth
    :math:`d_i \\sim N(k_i\\mu, k_i\\sigma^2)`, so no missing value is invented.
    With :math:`n` intervals spanning :math:`K = \\sum k_i` years,

    .. math::
        \\hat\\mu = \\sum d_i / K, \\qquad
        s^2 = \\frac{1}{n-1}\\sum_i \\frac{(d_i - k_i\\hat\\mu)^2}{k_i}.

    Under the non-informative prior :math:`p(\\mu, \\sigma^2) \\propto 1/\\sigma^2`
    the posterior is :math:`(n-1)s^2/\\sigma^2 \\sim \\chi^2_{n-1}` and
    :math:`\\mu \\mid \\sigma^2 \\sim N(\\hat\\mu, \\sigma^2/K)`, and the predictive of
    :math:`y_{T+h} - y_T` is Student-t with :math:`n-1` degrees of freedom,
    location :math:`h\\hat\\mu` and scale :math:`s\\sqrt{h + h^2/K}`
    (:meth:`predictive`). Simulation draws :math:`\\sigma^2` and :math:`\\mu` per
    path, then the innovations. Without parameter uncertainty the predictive is
    normal with mean :math:`h\\hat\\mu` and standard deviation :math:`s\\sqrt{h}`.

    References
    ----------
    Gelman, A. et al. (2013). *Bayesian Data Analysis*, 3rd ed., section 14.2
    (regression with the non-informative prior).
    Hyndman, R. J. and Athanasopoulos, G. (2021). *Forecasting: Principles and
    Practice*, 3rd ed., section 5.2 (the drift method).
    """

    last_log: float
    drift: float
    sigma: float
    n: int
    span: int
    parameter_uncertainty: bool = True
    name: str = "rw-drift"

    @property
    def df(self) -> int:
        return self.n - 1

    def predictive(self, h: int) -> tuple[float, float, float]:
        """(degrees of freedom, location, scale) of log(level[T+h] / level[T]).

        Degrees of freedom are ``inf`` without parameter uncertainty (normal).
        """
        if self.parameter_uncertainty:
            return float(self.df), h * self.drift, self.sigma * float(np.sqrt(h + h * h / self.span))
        return float("inf"), h * self.drift, self.sigma * float(np.sqrt(h))

    def prob_at_least(self, log_ratio: float, h: int) -> float:
        """Closed-form P(log(level[T+h] / level[T]) >= log_ratio)."""
        from forecast.models.tails import predictive_sf

        return predictive_sf(*self.predictive(h), log_ratio)

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._draw(h, n, rng, pairs=False)

    def simulate_antithetic(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` (even) paths in antithetic pairs: path ``i + n/2`` is path ``i`` with every
        normal draw negated (the drift's and the innovations'; the same chi-square), so
        each path has the model's distribution and the pair's two indicators are
        negatively correlated."""
        return self._draw(h, n, rng, pairs=True)

    def _draw(self, h: int, n: int, rng: np.random.Generator, *, pairs: bool) -> np.ndarray:
        # Parameters and innovations from separate child streams: the chi-square sampler
        # uses a varying number of draws, and two scenarios should share innovations.
        par, eps = rng.spawn(2)
        m = n // 2 if pairs else n
        if self.parameter_uncertainty:
            sigma = self.sigma * np.sqrt(self.df / par.chisquare(self.df, size=m))
            shift = sigma / np.sqrt(self.span) * par.standard_normal(m)
            if pairs:
                sigma, shift = np.concatenate([sigma, sigma]), np.concatenate([shift, -shift])
            mu = self.drift + shift
        elif not pairs:  # one pass: numpy draws mu + sigma z directly
            return self._levels(eps.normal(self.drift, self.sigma, (h, n)))
        else:
            sigma, mu = self.sigma, self.drift  # type: ignore[assignment]
        z = eps.standard_normal((h, m))
        steps = np.concatenate([z, -z], axis=1) if pairs else z
        steps *= sigma
        steps += mu
        return self._levels(steps)

    def _levels(self, steps: np.ndarray) -> np.ndarray:
        """Log levels from yearly steps drawn year by year (years x paths, each year
        contiguous), returned as the (paths x years) transposed view: a few passes over
        contiguous memory, faster than a cumsum along short rows."""
        steps[0] += self.last_log
        for j in range(1, len(steps)):
            steps[j] += steps[j - 1]
        return steps.T

    def mean_growth(self, h: int) -> np.ndarray:
        return np.full(h, self.drift)

    def describe(self) -> str:
        unc = "with parameter uncertainty (Student-t predictive, " \
              f"{self.df} df)" if self.parameter_uncertainty else "plug-in (normal predictive)"
        return (f"random walk with drift on log levels, {unc}; drift "
                f"{np.expm1(self.drift):+.1%}/yr, volatility {self.sigma:.3f} (log), "
                f"{self.n} growth intervals over {self.span} years")


def fit_rw_drift(years: np.ndarray, logs: np.ndarray,
                 parameter_uncertainty: bool = True) -> RandomWalkDrift:
    """Fit :class:`RandomWalkDrift` to log levels by the closed forms in its Notes."""
    d, k = np.diff(logs), np.diff(years).astype(float)
    n = len(d)
    if n < 2:
        raise ModelError("rw-drift", "", f"at least 3 annual observations needed (got {len(logs)})")
    span = float(k.sum())
    drift = float(d.sum() / span)
    resid = (d - k * drift) / np.sqrt(k)
    sigma = float(np.sqrt(resid @ resid / (n - 1)))
    return RandomWalkDrift(last_log=float(logs[-1]), drift=drift, sigma=sigma, n=n, span=int(span),
                           parameter_uncertainty=parameter_uncertainty)
