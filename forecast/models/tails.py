"""Upper tails of the normal and Student-t distributions, in pure Python.

A run's closed-form probability needs two numbers; importing ``scipy.special`` for them
costs about 0.2-0.3 s of start-up (its array-API layer imports much of numpy), more than
the rest of a cached rerun. Both functions are tested against ``scipy.special`` to 1e-12.
"""

from __future__ import annotations

import math
from typing import Any


def t_logpdf(x: Any, df: Any, loc: Any, scale: Any) -> Any:
    """Log density of the Student-t with ``df`` degrees of freedom, location and scale, for
    arrays that broadcast (math.lgamma per degree of freedom: no scipy)."""
    import numpy as np

    df = np.asarray(df, dtype=float)
    lgamma = np.vectorize(math.lgamma, otypes=[float])
    u, inv = np.unique(df, return_inverse=True)  # one lgamma per distinct df
    const = (lgamma((u + 1) / 2) - lgamma(u / 2) - 0.5 * np.log(u * math.pi))[inv].reshape(df.shape)
    z = (np.asarray(x, dtype=float) - loc) / scale
    return const - np.log(scale) - (df + 1) / 2 * np.log1p(z * z / df)


def normal_sf(z: float) -> float:
    """:math:`P(Z \\ge z)` for a standard normal, :math:`\\tfrac12\\operatorname{erfc}(z/\\sqrt2)`."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz's method;
    Press et al., *Numerical Recipes*, 3rd ed., section 6.4)."""
    tiny, eps = 1e-300, 1e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def betainc(a: float, b: float, x: float, y: float | None = None) -> float:
    """Regularised incomplete beta function :math:`I_x(a, b)`; ``y`` is :math:`1 - x` when
    the caller knows it more exactly than ``1 - x`` would give."""
    y = 1.0 - x if y is None else y
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    ln_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                + a * math.log(x) + b * math.log(y))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(ln_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(ln_front) * _betacf(b, a, y) / b


def t_sf(df: float, t: float) -> float:
    """:math:`P(T \\ge t)` for Student's t with ``df`` degrees of freedom (``inf``: normal):
    :math:`\\tfrac12 I_{\\nu/(\\nu+t^2)}(\\nu/2, 1/2)` for :math:`t \\ge 0`, by symmetry below."""
    if math.isinf(df):
        return normal_sf(t)
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t), t * t / (df + t * t))
    return tail if t >= 0 else 1.0 - tail


def t_quantile(df: float, p: float) -> float:
    """The ``p`` quantile of the standard Student-t with ``df`` degrees of freedom (0 < p < 1),
    by bisection on :func:`t_sf` to double precision (pure Python: no ``scipy.special``)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1) (got {p})")
    if p < 0.5:
        return -t_quantile(df, 1.0 - p)
    lo, hi = 0.0, 1.0
    while t_sf(df, hi) > 1.0 - p:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if t_sf(df, mid) > 1.0 - p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def predictive_sf(df: float, loc: float, scale: float, x: float) -> float:
    """:math:`P(X \\ge x)` for :math:`X = \\ell + s T`, :math:`T` Student-t with ``df`` (``inf``:
    normal); a point mass at ``loc`` when ``scale`` is 0."""
    if scale <= 0.0:
        return float(loc >= x)
    return t_sf(df, (x - loc) / scale)
