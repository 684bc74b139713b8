"""Estimators of P(target) with less variance than plain sampling, for predictives in closed form.

Research code, outside the package: these serve the benchmarks and tests, and show what
each method gains where the answer is known; ``tradecast run`` answers such questions
with the closed form itself. Simulated answers (``by`` targets, assumptions, shocks, later
figures) come from the engine (:mod:`forecast.engine.simulate`), whose variance reduction
is antithetic pairs.

The family: the log growth to the target year is :math:`X = \\ell + s\\,T`, where :math:`T`
is standard normal or Student-t with :math:`\\nu` degrees of freedom, written as a scale
mixture :math:`T = Z/\\sqrt{V/\\nu}`, :math:`Z \\sim N(0,1)`, :math:`V \\sim \\chi^2_\\nu`.
The random walk with drift (with parameter uncertainty: Student-t; plug-in: normal), the
Theta method (normal) and their calibrated versions are in it, and weighted mixtures of
such components (:func:`predictive_of`; the pooled model's two-piece tails are not). For
these, :func:`exact` gives :math:`P(X \\ge b)`, and every estimator here is tested against
it: each returns its own standard error.

Methods (each unbiased; standard errors as stated):

- ``plain``: :math:`\\hat p = \\bar{1}\\{X_i \\ge b\\}`, s.e. :math:`\\sqrt{\\hat p(1-\\hat p)/n}`.
- ``antithetic``: pairs :math:`(Z, -Z)` sharing :math:`V`; s.e. from the pair means.
- ``rqmc``: randomised quasi-Monte Carlo, a scrambled Sobol sequence in :math:`(u_Z, u_V)`
  (``scipy.stats.qmc.Sobol``), :math:`R` independent scramblings; s.e. from the spread of
  the :math:`R` estimates (Owen 1997; L'Ecuyer and Lemieux 2002).
- ``conditional``: conditional Monte Carlo, integrating :math:`Z` analytically:
  :math:`\\hat p = \\overline{\\bar\\Phi((b-\\ell)\\sqrt{V/\\nu}/s)}` (exact for a normal).
- ``importance``: for rare targets. Normal: exponential tilting of :math:`Z` to mean
  :math:`\\theta = (b-\\ell)/s` (weight :math:`e^{-\\theta Z + \\theta^2/2}`). Student-t: a
  mean shift of :math:`T` is weak in a heavy tail and fails for the heaviest (for a Cauchy,
  its effective sample size falls below 1% and it is refused). The estimator integrates
  :math:`Z` given the scale (conditional Monte Carlo; conditioning against heavy tails as
  in Asmussen and Kroese 2006) and tilts the gamma variable :math:`V` towards the small
  values that make the tail: it draws
  :math:`V \\sim \\text{Gamma}(\\nu/2, \\tau)` with :math:`\\tau` chosen on a pilot sample to
  minimise the terms' relative second moment (bounded below where it would be infinite),
  weight :math:`f_V(V)/g_\\tau(V)`. Every weighted
  run checks the effective sample size of its terms :math:`w_i g_i`,
  :math:`(\\sum w_i g_i)^2/\\sum (w_i g_i)^2`, and refuses a proposal that leaves less than
  :data:`MIN_ESS_SHARE` of the samples (:func:`mean_shift` shows one refused).

A mixture is stratified: :math:`\\hat p = \\sum_m w_m \\hat p_m` with :math:`n w_m` samples
for member :math:`m` and s.e. :math:`\\sqrt{\\sum_m w_m^2 \\mathrm{se}_m^2}`.

References
----------
Asmussen, S. and Kroese, D. P. (2006). Improved algorithms for rare event simulation with
heavy tails. *Advances in Applied Probability* 38(2), 545-558.
Owen, A. B. (1997). Scrambled net variance for integrals of smooth functions. *Annals of
Statistics* 25(4), 1541-1562.
L'Ecuyer, P. and Lemieux, C. (2002). Recent advances in randomized quasi-Monte Carlo methods.
Glasserman, P. (2004). *Monte Carlo Methods in Financial Engineering*, chapter 4.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecast.errors import ModelError

#: Weighted runs refuse a proposal whose effective sample size is below this share of n.
MIN_ESS_SHARE = 0.01
METHODS: tuple[str, ...] = ("plain", "antithetic", "rqmc", "conditional", "importance")


@dataclass(frozen=True)
class Component:
    """:math:`X = \\ell + s T`, :math:`T` Student-t with ``df`` (``inf``: normal), weight ``w``."""

    w: float
    df: float
    loc: float
    scale: float


@dataclass(frozen=True)
class Estimate:
    """An estimate of P(X >= b) with its standard error and the samples it used."""

    p: float
    se: float
    n: int
    method: str
    ess: float | None = None  # effective sample size (importance sampling)


def predictive_of(model: object, h: int) -> tuple[Component, ...] | None:
    """The closed-form predictive of log(level[T+h]/level[T]) as components, or None.

    Calibration maps each log level :math:`x` to :math:`c + k(x - c)` around the point
    forecast :math:`c`, so a component :math:`(\\ell, s)` becomes :math:`(c + k(\\ell - c), ks)`.
    """
    from forecast.models.calibration import Calibrated

    if isinstance(model, Calibrated):
        inner = predictive_of(model.base, h)
        if inner is None:
            return None
        k = float(model.factor(h)[-1])
        c = float(np.sum(model.base.mean_growth(h)))
        return tuple(Component(x.w, x.df, c + k * (x.loc - c), k * x.scale) for x in inner)
    if not hasattr(model, "predictive"):
        return None
    df, loc, scale = model.predictive(h)  # type: ignore[attr-defined]
    return (Component(1.0, float(df), float(loc), float(scale)),)


def exact(comps: tuple[Component, ...], b: float) -> float:
    """:math:`P(X \\ge b) = \\sum_m w_m \\bar F_{\\nu_m}((b-\\ell_m)/s_m)`."""
    from forecast.models.tails import predictive_sf

    return sum(c.w * predictive_sf(c.df, c.loc, c.scale, b) for c in comps)


# --- one component ----------------------------------------------------------------------------

def _scale_mix(df: float, v: np.ndarray | None) -> np.ndarray | float:
    """:math:`\\sqrt{V/\\nu}`: :math:`T \\ge z_0` exactly when :math:`Z \\ge z_0\\sqrt{V/\\nu}`."""
    return 1.0 if v is None else np.sqrt(v / df)


def _plain(c: Component, z0: float, n: int, rng: np.random.Generator) -> tuple[float, float]:
    z = rng.standard_normal(n)
    v = None if math.isinf(c.df) else rng.chisquare(c.df, n)
    hit = z >= z0 * _scale_mix(c.df, v)
    p = float(hit.mean())
    return p, math.sqrt(p * (1 - p) / n)


def _antithetic(c: Component, z0: float, n: int, rng: np.random.Generator) -> tuple[float, float]:
    m = max(n // 2, 1)
    z = rng.standard_normal(m)
    v = None if math.isinf(c.df) else rng.chisquare(c.df, m)
    cut = z0 * _scale_mix(c.df, v)
    pair = 0.5 * ((z >= cut).astype(float) + (-z >= cut))
    return float(pair.mean()), float(pair.std(ddof=1) / math.sqrt(m)) if m > 1 else 0.0


def _rqmc(c: Component, z0: float, n: int, rng: np.random.Generator,
          scrambles: int = 16) -> tuple[float, float]:
    from scipy.special import gammaincinv, ndtri
    from scipy.stats import qmc

    per = 1 << max(int(math.log2(max(n // scrambles, 2))), 1)
    est = np.empty(scrambles)
    for r in range(scrambles):
        u = qmc.Sobol(d=2, scramble=True, seed=rng).random_base2(int(math.log2(per)))
        z = ndtri(u[:, 0])
        if math.isinf(c.df):
            est[r] = float((z >= z0).mean())
        else:
            v = 2.0 * gammaincinv(c.df / 2.0, u[:, 1])  # the chi-square's quantile function
            est[r] = float((z >= z0 * np.sqrt(v / c.df)).mean())
    return float(est.mean()), float(est.std(ddof=1) / math.sqrt(scrambles))


def _conditional(c: Component, z0: float, n: int, rng: np.random.Generator) -> tuple[float, float]:
    from scipy.special import ndtr

    if math.isinf(c.df):
        return float(ndtr(-z0)), 0.0
    v = rng.chisquare(c.df, n)
    g = ndtr(-z0 * np.sqrt(v / c.df))
    return float(g.mean()), float(g.std(ddof=1) / math.sqrt(n))


def _weighted(log_terms: np.ndarray, method: str) -> tuple[float, float, float]:
    """Mean and s.e. of the weighted terms :math:`w_i g_i` (given as logs, so tiny
    probabilities and huge weights neither underflow nor overflow), and their effective
    sample size :math:`(\\sum w_i g_i)^2 / \\sum (w_i g_i)^2`: how many samples carry the
    estimate. A proposal whose few huge weights make the estimate is refused."""
    n = len(log_terms)
    top = float(log_terms.max()) if n else -math.inf
    if not math.isfinite(top):
        raise ModelError(method, "", "importance proposal refused: no sample reached the target")
    x = np.exp(log_terms - top)
    ess = float(x.sum() ** 2 / (x @ x))
    if ess < MIN_ESS_SHARE * n:
        raise ModelError(method, "", f"importance proposal refused: effective sample size "
                         f"{ess:,.0f} of {n:,} samples (below {MIN_ESS_SHARE:.0%})")
    scale = math.exp(top)
    return float(x.mean()) * scale, float(x.std(ddof=1) / math.sqrt(n)) * scale, ess


def _gamma_logpdf(x: np.ndarray, k: float, theta: float) -> np.ndarray:
    from scipy.special import gammaln

    return (k - 1) * np.log(x) - x / theta - gammaln(k) - k * math.log(theta)


def _importance(c: Component, z0: float, n: int, rng: np.random.Generator) -> tuple[float, float, float]:
    from scipy.special import gammaincinv, log_ndtr

    if math.isinf(c.df):
        theta = max(z0, 0.0)
        z = rng.standard_normal(n) + theta
        with np.errstate(divide="ignore"):
            return _weighted(-theta * z + 0.5 * theta * theta + np.log(z >= z0), "importance")
    k = c.df / 2.0
    if z0 <= 0:  # not a rare event: the conditional estimator is already good
        p, se = _conditional(c, z0, n, rng)
        return p, se, float(n)
    pilot_rng, main_rng = rng.spawn(2)
    pilot = pilot_rng.random(min(n, 2000))

    # The second moment is finite only for tau > 1 / (1 + z0^2/df): below, the weights
    # f/g grow along the right tail faster than the integrand falls. Keep a margin.
    lowest = 2.0 / (1.0 + z0 * z0 / c.df)
    base = gammaincinv(k, pilot)  # Gamma(k, 1) draws: the same pilot for every tau

    def relative_second_moment(log_tau: float) -> float:
        """log E[(wg)^2] / E[wg]^2 on the pilot: the squared coefficient of variation of the
        terms (scale-free, so a proposal that misses the target region scores badly)."""
        tau = math.exp(log_tau)
        v = base * tau
        log_g = log_ndtr(-z0 * np.sqrt(v / c.df)) + _gamma_logpdf(v, k, 2.0) - _gamma_logpdf(v, k, tau)
        x = np.exp(log_g - float(log_g.max()))
        return math.log(float(np.mean(x * x))) - 2 * math.log(float(np.mean(x)))

    from scipy.optimize import minimize_scalar

    lo = math.log(min(lowest, 2.0))
    found = minimize_scalar(relative_second_moment, bounds=(lo, math.log(2.0)), method="bounded",
                            options={"xatol": 1e-3})
    best_tau = math.exp(float(found.x))
    v = main_rng.gamma(k, best_tau, n)
    logw = _gamma_logpdf(v, k, 2.0) - _gamma_logpdf(v, k, best_tau)
    return _weighted(logw + log_ndtr(-z0 * np.sqrt(v / c.df)), "importance")


def mean_shift(c: Component, b: float, n: int, rng: np.random.Generator) -> Estimate:
    """Importance sampling by shifting a Student-t's location to the boundary: the proposal
    that fails for heavy tails (kept to show the effective-sample-size check refusing it)."""
    from scipy.stats import t as student

    z0 = (b - c.loc) / c.scale
    x = student.rvs(c.df, loc=z0, size=n, random_state=rng)
    with np.errstate(divide="ignore"):
        log_terms = student.logpdf(x, c.df) - student.logpdf(x, c.df, loc=z0) + np.log(x >= z0)
    p, se, ess = _weighted(log_terms, "mean-shift")
    return Estimate(p, se, n, "mean-shift", ess)


_ONE: dict[str, Callable[..., tuple[float, ...]]] = {
    "plain": _plain, "antithetic": _antithetic, "rqmc": _rqmc, "conditional": _conditional,
    "importance": _importance}


def estimate(comps: tuple[Component, ...], b: float, n: int, method: str,
             rng: np.random.Generator) -> Estimate:
    """P(X >= b) by ``method`` with about ``n`` samples, stratified over the components.

    Raises
    ------
    ModelError
        If an importance proposal leaves too small an effective sample size.
    """
    if method not in _ONE:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    p = var = 0.0
    used = 0
    ess_total = 0.0
    streams = rng.spawn(len(comps))
    for c, r in zip(comps, streams):
        m = max(int(round(n * c.w)), 16)
        out = _ONE[method](c, (b - c.loc) / c.scale, m, r)
        p += c.w * out[0]
        var += (c.w * out[1]) ** 2
        used += m
        ess_total += out[2] if len(out) > 2 else m
        used -= m - _drawn(method, c, m)
    return Estimate(p, math.sqrt(var), used, method, ess_total if method == "importance" else None)


def _drawn(method: str, c: Component, m: int) -> int:
    """Samples a method really draws when asked for ``m``: randomised QMC rounds each of its
    16 point sets down to a power of two, antithetic draws whole pairs, and conditional
    Monte Carlo of a normal component draws none (it is exact)."""
    if method == "rqmc":
        return 16 * (1 << max(int(math.log2(max(m // 16, 2))), 1))
    if method == "antithetic":
        return 2 * max(m // 2, 1)
    if method == "conditional" and math.isinf(c.df):
        return 0
    return m
