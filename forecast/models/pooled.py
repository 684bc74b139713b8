"""Pooled random walk: a pair's drift and volatility borrow strength from all pairs.

One model for short, gappy and long histories alike. A pair's log turnover is a random
walk with drift observed with transitory noise; its drift and volatility have priors
learned on a panel of country pairs (:mod:`forecast.learn`), so three figures are read
against what pairs like it did, and thirty figures mostly speak for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.errors import ModelError
from forecast.models.prior import Prior


@dataclass(frozen=True, eq=False)
class Sufficient:
    """What the posterior needs of a batch of histories for one noise ratio :math:`q`
    (arrays over the batch; :func:`sufficient`)."""

    XVX: np.ndarray   # (B, 2, 2) X' V^-1 X
    XVy: np.ndarray   # (B, 2)    X' V^-1 y
    yVy: np.ndarray   # (B,)      y' V^-1 y
    gX: np.ndarray    # (B, 2)    t' V^-1 X
    gy: np.ndarray    # (B,)      t' V^-1 y
    c0: np.ndarray    # (B,)      t' V^-1 t
    last_t: np.ndarray  # (B,)    years from the first figure to the last
    n: np.ndarray     # (B,)      figures
    size: np.ndarray  # (B,)      mean log level


def sufficient(t: np.ndarray, y: np.ndarray, mask: np.ndarray, q: float) -> Sufficient:
    """Sufficient statistics of histories padded to one length.

    Parameters
    ----------
    t : ndarray (B, N)
        Years since each history's first figure (padding anywhere after the last figure).
    y : ndarray (B, N)
        Log levels.
    mask : ndarray of bool (B, N)
        Which cells are figures; every row has at least one, the first cell among them.
    q : float
        The noise ratio.

    Notes
    -----
    With :math:`V = [\\min(t_i, t_k)] + qI` (the random walk from the first figure plus the
    transitory noise, in units of :math:`\\sigma^2`) and :math:`X = [1, t]`, padding cells
    get a unit diagonal and zero rows, so they contribute nothing.
    """
    t = np.where(mask, t, 0.0)
    y = np.where(mask, y, 0.0)
    both = mask[:, :, None] & mask[:, None, :]
    N = t.shape[1]
    V = np.where(both, np.minimum(t[:, :, None], t[:, None, :]), 0.0)
    V += np.eye(N) * np.where(mask, q, 1.0)[:, :, None]
    X = np.stack([mask.astype(float), t], axis=-1)
    rhs = np.concatenate([X, y[:, :, None]], axis=-1)
    sol = np.linalg.solve(V, rhs)           # V^-1 [X y]
    XVX = np.einsum("bni,bnj->bij", X, sol[:, :, :2])
    XVy = np.einsum("bni,bn->bi", X, sol[:, :, 2])
    yVy = np.einsum("bn,bn->b", y, sol[:, :, 2])
    gX = np.einsum("bn,bni->bi", t, sol[:, :, :2])
    gy = np.einsum("bn,bn->b", t, sol[:, :, 2])
    n = mask.sum(axis=1)
    last = np.max(np.where(mask, t, -np.inf), axis=1)
    # t is X's second column, so t' V^-1 t is already in gX
    return Sufficient(XVX=XVX, XVy=XVy, yVy=yVy, gX=gX, gy=gy, c0=gX[:, 1], last_t=last, n=n,
                      size=np.sum(y, axis=1) / n)


@dataclass(frozen=True, eq=False)
class Posterior:
    """The posterior of a batch of histories (arrays over the batch; :func:`posterior`).

    ``beta`` is (level at the first figure, drift), ``cov`` its posterior covariance in
    units of :math:`\\sigma^2`, ``shape, rate`` the inverse-gamma posterior of
    :math:`\\sigma^2`, ``resid`` the part of the last year's random walk the figures
    reveal (:math:`t'V^{-1}(y - X\\beta)`), ``centre`` the pool's centre."""

    beta: np.ndarray
    cov: np.ndarray
    shape: np.ndarray
    rate: np.ndarray
    resid: np.ndarray
    gX: np.ndarray
    c0: np.ndarray
    last_t: np.ndarray
    centre: np.ndarray
    own_weight: np.ndarray
    vol_weight: np.ndarray


def posterior(s: Sufficient, prior: Prior, centre: np.ndarray) -> Posterior:
    """Normal-inverse-gamma posterior of each history (see :class:`Pooled`'s Notes)."""
    kappa, a0 = prior.drift_strength, prior.vol_strength
    B = len(s.n)
    A = s.XVX.copy()
    A[:, 1, 1] += kappa
    cov = np.linalg.inv(A)
    prior_term = np.zeros((B, 2))
    prior_term[:, 1] = kappa * centre
    beta = np.einsum("bij,bj->bi", cov, prior_term + s.XVy)
    rVr = s.yVy - 2 * np.einsum("bi,bi->b", beta, s.XVy) + np.einsum("bi,bij,bj->b", beta, s.XVX, beta)
    Q = np.maximum(rVr, 0.0) + kappa * (beta[:, 1] - centre) ** 2
    shape = a0 + (s.n - 1) / 2.0
    rate = a0 * prior.vol_prior(s.size) ** 2 + Q / 2.0
    return Posterior(beta=beta, cov=cov, shape=shape, rate=rate,
                     resid=s.gy - np.einsum("bi,bi->b", s.gX, beta), gX=s.gX, c0=s.c0,
                     last_t=s.last_t, centre=centre,
                     own_weight=1.0 - kappa * cov[:, 1, 1],
                     vol_weight=((s.n - 1) / 2.0) / shape)


def _location(p: Posterior, prior: Prior, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Years ahead (h,), the location of log levels (B, h) and the drift's loadings
    :math:`R` (B, h, 2) of the predictive (see :class:`Pooled`'s Notes)."""
    j = np.arange(1, h + 1, dtype=float)
    D = np.cumsum(prior.persistence ** j)
    xf = np.stack([np.ones((len(p.last_t), h)), p.last_t[:, None] + D[None, :]], axis=-1)
    loc = np.einsum("bhi,bi->bh", xf, p.beta) + p.centre[:, None] * (j - D)[None, :] + p.resid[:, None]
    return j, loc, xf - p.gX[:, None, :]


def predictive(p: Posterior, prior: Prior, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Degrees of freedom (B,), location (B, h) and scale matrices (B, h, h) of the log
    levels 1..h years after each history's last figure (before the tail factors)."""
    j, loc, R = _location(p, prior, h)
    var = (p.last_t[:, None, None] + np.minimum.outer(j, j)[None] + prior.noise * np.eye(h)[None]
           - p.c0[:, None, None] + np.einsum("bhi,bij,bkj->bhk", R, p.cov, R))
    scale = (p.rate / p.shape)[:, None, None] * var
    scale += (prior.centre_error_year ** 2 * np.minimum.outer(j, j)
              + prior.centre_error_trend ** 2 * np.outer(j, j))
    return 2.0 * p.shape, loc, scale


def marginals(p: Posterior, prior: Prior, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The diagonal of :func:`predictive`: degrees of freedom (B,), location and scale (B, h)
    of each year's log level on its own (for learning and scoring many histories)."""
    j, loc, R = _location(p, prior, h)
    var = (p.last_t[:, None] + j[None] + prior.noise - p.c0[:, None]
           + np.einsum("bhi,bij,bhj->bh", R, p.cov, R))
    scale2 = (p.rate / p.shape)[:, None] * var + prior.centre_error_year ** 2 * j \
        + prior.centre_error_trend ** 2 * j * j
    return 2.0 * p.shape, loc, np.sqrt(scale2)


@dataclass(frozen=True, eq=False)
class Pooled:
    """A pair's pooled random walk with drift, fitted: the predictive in closed form.

    Notes
    -----
    Log levels :math:`y_i` at years :math:`t_i` (gaps allowed) are
    :math:`y_i = \\ell(t_i) + \\eta_i`, :math:`\\eta_i \\sim N(0, q\\sigma^2)` (the transitory
    part of a published figure), with :math:`\\ell` a random walk with drift :math:`\\mu`
    and yearly variance :math:`\\sigma^2`. Priors: a flat level, and the
    normal-inverse-gamma

    .. math::
        \\mu \\mid \\sigma^2 \\sim N(c_T, \\sigma^2/\\kappa), \\qquad
        \\sigma^2 \\sim \\mathrm{IG}(a_0, a_0 s_0^2),

    with :math:`c_T` the mean growth of all pairs in the years up to the origin
    :math:`T` and :math:`s_0` the volatility of pairs of this size
    (:class:`Prior`). Conditionally on :math:`\\sigma^2` everything is Gaussian (a
    generalised least-squares regression on :math:`X = [1, t]` with covariance
    :math:`\\sigma^2 V`, :math:`V = [\\min(t_i, t_k)] + qI`), so the posterior is
    normal-inverse-gamma: :math:`\\beta \\sim N(b, \\sigma^2 A^{-1})`,
    :math:`A = X'V^{-1}X + \\mathrm{diag}(0, \\kappa)`, and :math:`\\sigma^2 \\sim
    \\mathrm{IG}(a_0 + (n-1)/2, a_0 s_0^2 + Q/2)`, :math:`Q` the generalised residual
    sum of squares plus :math:`\\kappa(b_\\mu - c_T)^2`. The figures of years
    :math:`T+1..T+h` (year :math:`j` growing by :math:`c_T + \\phi^j(\\mu - c_T)`) are
    then jointly Student-t with :math:`2a_0 + n - 1` degrees of freedom: the best
    linear predictor and its error covariance scaled by :math:`b_n/a_n` (the
    inverse-gamma posterior's rate over shape), plus the pool's centre error
    :math:`\\tau_1^2\\min(j,k) + \\tau_2^2 jk`, which is added to the scale matrix and so
    shares the Student-t's mixing variable (an approximation: exactly, it would be an
    independent normal; simulation and closed form use the same one). The pair's own
    weight is the share of the drift's posterior precision that comes from its figures,
    :math:`1 - \\kappa (A^{-1})_{\\mu\\mu}`.
    Finally each year's deviations below and above the median are scaled by that
    year's lower and upper tail factors (monotone, so quantiles map exactly and
    :meth:`prob_at_least` stays in closed form).

    References
    ----------
    Gelman, A. et al. (2013). *Bayesian Data Analysis*, 3rd ed., sections 3.3 and 14.2
    (the normal-inverse-gamma regression).
    Harvey, A. C. (1989). *Forecasting, Structural Time Series Models and the Kalman
    Filter*, section 2.3 (local level with drift observed with noise).
    Efron, B. and Morris, C. (1975). Data analysis using Stein's estimator and its
    generalizations. *JASA* 70(350), 311-319 (borrowing strength across units).
    """

    last_log: float
    last_year: int
    prior: Prior
    post: Posterior
    centre_years: tuple[int, ...]
    tails_on: bool = True
    name: str = "pooled"

    @property
    def df(self) -> float:
        return float(2.0 * self.post.shape[0])

    @property
    def own_weight(self) -> float:
        """Share of the drift's posterior precision that comes from the pair's own figures."""
        return float(self.post.own_weight[0])

    @property
    def vol_weight(self) -> float:
        """Share of the volatility's posterior shape that comes from the pair's own figures."""
        return float(self.post.vol_weight[0])

    @property
    def centre(self) -> float:
        return float(self.post.centre[0])

    @property
    def sigma(self) -> float:
        """Scale of the yearly random walk, :math:`\\sqrt{b_n/a_n}` (rate over shape of the
        inverse-gamma posterior of :math:`\\sigma^2`)."""
        return float(np.sqrt(self.post.rate[0] / self.post.shape[0]))

    def joint(self, h: int) -> tuple[float, np.ndarray, np.ndarray]:
        """(degrees of freedom, location of log levels minus the last figure's (h,),
        scale matrix (h, h)) of the next ``h`` years, before the tail factors."""
        df, loc, scale = predictive(self.post, self.prior, h)
        return float(df[0]), loc[0] - self.last_log, scale[0]

    def factors(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.tails_on:
            return np.ones(h), np.ones(h)
        return self.prior.tails(h)

    def location_scale(self, h: int) -> tuple[float, float, float]:
        """(degrees of freedom, location, scale) of log(level[T+h] / level[T]) before the
        tail factors (with them, the predictive is a two-piece Student-t)."""
        df, loc, scale = self.joint(h)
        return df, float(loc[-1]), float(np.sqrt(scale[-1, -1]))

    def prob_at_least(self, log_ratio: float, h: int) -> float:
        """Closed-form P(log(level[T+h] / level[T]) >= log_ratio), tail factors included."""
        from forecast.models.tails import t_sf

        df, loc, scale = self.location_scale(h)
        lower, upper = self.factors(h)
        z = (log_ratio - loc) / scale
        z /= upper[-1] if z > 0 else lower[-1]
        return t_sf(df, z)

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._draw(h, n, rng, pairs=False)

    def simulate_antithetic(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` (even) paths in antithetic pairs: path ``i + n/2`` negates path ``i``'s normal
        draws and shares its chi-square."""
        return self._draw(h, n, rng, pairs=True)

    def _draw(self, h: int, n: int, rng: np.random.Generator, *, pairs: bool) -> np.ndarray:
        df, loc, scale = self.joint(h)
        chol = _cholesky(scale)
        mix, eps = rng.spawn(2)
        m = n // 2 if pairs else n
        w = np.sqrt(df / mix.chisquare(df, size=m))
        z = eps.standard_normal((h, m))
        if pairs:
            z, w = np.concatenate([z, -z], axis=1), np.concatenate([w, w])
        dev = chol @ z
        dev *= w
        lower, upper = self.factors(h)
        if np.any(lower != 1.0) or np.any(upper != 1.0):
            dev *= np.where(dev > 0, upper[:, None], lower[:, None])
        dev += (loc + self.last_log)[:, None]
        return dev.T

    def mean_growth(self, h: int) -> np.ndarray:
        _, loc, _ = self.joint(h)
        return np.diff(loc, prepend=0.0)

    def describe(self) -> str:
        y = self.centre_years
        span = f"{y[0]}–{y[-1]}" if len(y) > 1 else str(y[0])
        return (f"pooled random walk with drift on log levels (figures with transitory noise; drift "
                f"and volatility pooled across country pairs): own history weighs "
                f"{self.own_weight:.0%} for growth, the pool {1 - self.own_weight:.0%} (all pairs' "
                f"growth {span}: {np.expm1(self.centre):+.1%}/yr); volatility {self.sigma:.3f} (log), "
                f"{self.vol_weight:.0%} from own figures; Student-t with {self.df:.0f} df")


def _cholesky(scale: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.cholesky(scale)
    except np.linalg.LinAlgError:  # rounding at long horizons: a whisker of jitter
        return np.linalg.cholesky(scale + 1e-12 * np.trace(scale) * np.eye(len(scale)))


def fit_pooled(years: np.ndarray, logs: np.ndarray, prior: Prior | None = None,
               tails: bool = True) -> Pooled:
    """Fit :class:`Pooled` to annual log levels (any number of figures, gaps allowed) under
    ``prior`` (default: the shipped priors, :func:`forecast.priors.shipped`)."""
    from forecast.models.checks import check_history

    if prior is None:
        from forecast.models.priors import shipped

        prior = shipped()
    years, logs = check_history("pooled", years, logs, minimum=1, consecutive=False)
    if len(years) < 1:
        raise ModelError("pooled", "", "at least one annual observation needed")
    t = (years - years[0]).astype(float)[None, :]
    s = sufficient(t, logs[None, :], np.ones_like(t, dtype=bool), prior.noise)
    centre, used = prior.centre(int(years[-1]))
    post = posterior(s, prior, np.array([centre]))
    return Pooled(last_log=float(logs[-1]), last_year=int(years[-1]), prior=prior, post=post,
                  centre_years=used, tails_on=tails)
