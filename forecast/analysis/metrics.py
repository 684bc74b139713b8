"""Forecast accuracy and calibration metrics for backtests.

Point accuracy (:func:`smape`, :func:`mase`), interval quality (:func:`coverage`,
:func:`msis`), distributional accuracy (:func:`crps_sample`, :func:`crps_normal`) and
probability calibration (:func:`brier`, :func:`reliability`). Arguments are array-likes
that broadcast against each other; scalar scores are the plain mean over all elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr

__all__ = ["brier", "coverage", "crps_normal", "crps_sample", "mase", "msis", "naive_scale",
           "reliability", "smape"]


def _arrays(**named: ArrayLike) -> list[np.ndarray]:
    """The arguments as float arrays broadcast to one non-empty shape."""
    arrays = [np.asarray(a, dtype=float) for a in named.values()]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(f"{k} {a.shape}" for k, a in zip(named, arrays))
        raise ValueError(f"shapes do not broadcast: {shapes}") from None
    if 0 in shape:
        raise ValueError(f"empty input: {', '.join(named)} broadcast to shape {shape}")
    return [np.broadcast_to(a, shape) for a in arrays]


def _positive(scale: np.ndarray) -> None:
    if not np.all(scale > 0):
        raise ValueError("scale must be > 0 everywhere (a constant training series has no MASE scale)")


def smape(y: ArrayLike, f: ArrayLike) -> float:
    """Symmetric mean absolute percentage error, on the 0-200 scale.

    Parameters
    ----------
    y, f : array_like
        Actuals and point forecasts (broadcast).

    Returns
    -------
    float

    Notes
    -----
    sMAPE = mean(200 |y - f| / (|y| + |f|)), the M3/M4 convention (Makridakis & Hibon
    2000, *IJF* 16(4):451-476). Undefined where y = f = 0.
    """
    y, f = _arrays(y=y, f=f)
    return float(np.mean(200.0 * np.abs(y - f) / (np.abs(y) + np.abs(f))))


def naive_scale(train: np.ndarray) -> float:
    """The MASE / MSIS scale of one training series: mean absolute first difference.

    Parameters
    ----------
    train : ndarray
        One 1-D training series, at least two values.

    Returns
    -------
    float

    Notes
    -----
    scale = 1/(n-1) sum_{t=2..n} |y_t - y_{t-1}|, the in-sample MAE of the naive
    (random-walk) one-step forecast (non-seasonal, m = 1; Hyndman & Koehler 2006).
    """
    train = np.asarray(train, dtype=float)
    if train.ndim != 1 or train.size < 2:
        raise ValueError(f"naive_scale needs one 1-D series of at least 2 values, got shape {train.shape}")
    return float(np.mean(np.abs(np.diff(train))))


def mase(y: ArrayLike, f: ArrayLike, scale: ArrayLike) -> float:
    """Mean absolute scaled error.

    Parameters
    ----------
    y, f : array_like
        Actuals and point forecasts (broadcast).
    scale : array_like
        Per-series scale, broadcastable to ``y`` (e.g. shape (series, 1) for a
        (series, horizon) ``y``); see :func:`naive_scale`.

    Returns
    -------
    float

    Notes
    -----
    MASE = mean(|y - f| / scale), scale = in-sample MAE of the naive one-step forecast
    (Hyndman & Koehler 2006, *IJF* 22(4):679-688).
    """
    y, f, scale = _arrays(y=y, f=f, scale=scale)
    _positive(scale)
    return float(np.mean(np.abs(y - f) / scale))


def coverage(y: ArrayLike, lo: ArrayLike, hi: ArrayLike) -> float:
    """Share of actuals inside their interval, bounds included.

    Parameters
    ----------
    y, lo, hi : array_like
        Actuals and interval bounds (broadcast).

    Returns
    -------
    float

    Notes
    -----
    coverage = mean(1{lo <= y <= hi}); compare with the nominal level 1 - alpha
    (Gneiting & Raftery 2007, *JASA* 102(477):359-378, section 6.2).
    """
    y, lo, hi = _arrays(y=y, lo=lo, hi=hi)
    return float(np.mean((lo <= y) & (y <= hi)))


def msis(y: ArrayLike, lo: ArrayLike, hi: ArrayLike, scale: ArrayLike, alpha: float = 0.05) -> float:
    """Mean scaled interval score of central (1 - alpha) intervals.

    Parameters
    ----------
    y, lo, hi : array_like
        Actuals and interval bounds (broadcast).
    scale : array_like
        Per-series scale broadcastable to ``y``; see :func:`naive_scale`.
    alpha : float
        The intervals' nominal miss rate, in (0, 1).

    Returns
    -------
    float

    Notes
    -----
    MSIS = mean([(u - l) + (2/alpha)(l - y) 1{y < l} + (2/alpha)(y - u) 1{y > u}] / scale):
    the interval score of Gneiting & Raftery (2007, *JASA* 102(477):359-378, eq. 43)
    scaled as in the M4 competition (Makridakis, Spiliotis & Assimakopoulos 2020,
    *IJF* 36(1):54-74).
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    y, lo, hi, scale = _arrays(y=y, lo=lo, hi=hi, scale=scale)
    _positive(scale)
    penalty = (2.0 / alpha) * (np.maximum(lo - y, 0.0) + np.maximum(y - hi, 0.0))
    return float(np.mean((hi - lo + penalty) / scale))


def crps_sample(y: ArrayLike, samples: ArrayLike) -> np.ndarray:
    """CRPS of the empirical distribution of ``samples`` at ``y``, exactly.

    Parameters
    ----------
    y : array_like
        Actuals, shape (...).
    samples : array_like
        Draws, shape (..., n): the last axis holds the n draws for each element of ``y``
        (leading axes broadcast with ``y``).

    Returns
    -------
    ndarray
        The CRPS of each element, shape (...) (average it yourself).

    Notes
    -----
    CRPS(F, y) = E|X - y| - 1/2 E|X - X'| (Gneiting & Raftery 2007, *JASA*
    102(477):359-378, eq. 21), with X, X' independent draws of the empirical CDF. With
    the draws sorted, x_(1) <= ... <= x_(n), E|X - X'| = (2/n^2) sum_i (2i - n - 1) x_(i),
    so the cost is O(n log n) per element instead of O(n^2).
    """
    samples = np.asarray(samples, dtype=float)
    if samples.ndim == 0 or samples.shape[-1] == 0:
        raise ValueError(f"samples need a non-empty last axis of draws, got shape {samples.shape}")
    y, first = _arrays(y=y, samples=samples[..., 0])
    samples = np.broadcast_to(samples, (*first.shape, samples.shape[-1]))
    n = samples.shape[-1]
    to_y = np.mean(np.abs(samples - y[..., None]), axis=-1)
    weights = 2.0 * np.arange(1, n + 1) - n - 1
    spread = 2.0 / n**2 * (np.sort(samples, axis=-1) @ weights)
    return np.asarray(to_y - 0.5 * spread, dtype=float)


def crps_weighted(y: float, samples: ArrayLike, weights: ArrayLike) -> float:
    """CRPS at ``y`` of a weighted sample (importance-weighted paths), exactly.

    Notes
    -----
    As :func:`crps_sample`, with the empirical CDF putting mass :math:`w_i / \\sum w` on
    draw :math:`x_i`: sorted, with cumulative normalised weights :math:`W_i`,
    :math:`E|X - X'| = 2 \\sum_i w_i x_{(i)} (2 W_i - w_i - 1)`; equal weights give
    :func:`crps_sample`'s formula.
    """
    x = np.asarray(samples, dtype=float)
    order = np.argsort(x)
    xs = x[order]
    ws = np.asarray(weights, dtype=float)[order]
    ws = ws / ws.sum()
    cw = np.cumsum(ws)
    spread = 2.0 * np.sum(ws * xs * (2.0 * cw - ws - 1.0))
    return float(np.sum(ws * np.abs(xs - y)) - 0.5 * spread)


def crps_normal(y: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> np.ndarray:
    """CRPS of a normal forecast N(mu, sigma^2) at ``y``, closed form.

    Parameters
    ----------
    y, mu, sigma : array_like
        Actuals, means and standard deviations (> 0), broadcast.

    Returns
    -------
    ndarray
        The CRPS of each element (broadcast shape).

    Notes
    -----
    CRPS = sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu) / sigma
    (Gneiting, Raftery, Westveld & Goldman 2005, *MWR* 133:1098-1118, eq. 5; Gneiting &
    Raftery 2007).
    """
    y, mu, sigma = _arrays(y=y, mu=mu, sigma=sigma)
    if not np.all(sigma > 0):
        raise ValueError("sigma must be > 0 everywhere")
    z = (y - mu) / sigma
    pdf = np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
    return np.asarray(sigma * (z * (2.0 * ndtr(z) - 1.0) + 2.0 * pdf - 1.0 / np.sqrt(np.pi)),
                      dtype=float)


def _probabilities(p: ArrayLike, outcome: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities in [0, 1] and 0/1 outcomes, broadcast and flattened."""
    p, o = _arrays(p=p, outcome=outcome)
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError("probabilities must lie in [0, 1]")
    if not np.all((o == 0) | (o == 1)):
        raise ValueError("outcomes must be boolean or 0/1")
    return p.ravel(), o.ravel()


def brier(p: ArrayLike, outcome: ArrayLike) -> float:
    """Brier score of probability forecasts of binary events.

    Parameters
    ----------
    p : array_like
        Forecast probabilities in [0, 1].
    outcome : array_like
        What happened: boolean or 0/1 (broadcast with ``p``).

    Returns
    -------
    float

    Notes
    -----
    BS = mean((p - o)^2) (Brier 1950, *MWR* 78(1):1-3; a proper score, Gneiting &
    Raftery 2007, section 3.1).
    """
    p, o = _probabilities(p, outcome)
    return float(np.mean((p - o) ** 2))


def reliability(p: ArrayLike, outcome: ArrayLike, bins: int | Sequence[float] = 10) -> list[dict[str, Any]]:
    """Reliability table: mean forecast probability against observed frequency, by bin.

    Parameters
    ----------
    p : array_like
        Forecast probabilities in [0, 1].
    outcome : array_like
        What happened: boolean or 0/1 (broadcast with ``p``).
    bins : int or sequence of float
        Number of equal-width bins on [0, 1], or the bins' edges from 0 to 1; bin k is
        [edge k, edge k+1), the last one also holds 1.0.

    Returns
    -------
    list of dict
        One row per non-empty bin, in order: ``{"bin": [lo, hi], "mean_predicted": float,
        "observed": float, "count": int}``, plain Python numbers (JSON-ready).

    Notes
    -----
    For a calibrated forecaster P(o = 1 | p) = p, so in each bin ``observed`` ≈
    ``mean_predicted`` up to sampling error sqrt(p(1 - p)/count) (the reliability
    diagram of Murphy & Winkler 1977, *Applied Statistics* 26(1):41-47; Gneiting &
    Raftery 2007, section 3.1).
    """
    if isinstance(bins, (int, np.integer)) and not isinstance(bins, bool) and bins >= 1:
        edges = np.linspace(0.0, 1.0, int(bins) + 1)
    elif not isinstance(bins, (bool, int, np.integer)) and len(bins) >= 2 and bins[0] == 0.0 \
            and bins[-1] == 1.0 and bool(np.all(np.diff(bins) > 0)):
        edges = np.asarray(bins, dtype=float)
    else:
        raise ValueError(f"bins must be a positive integer or increasing edges from 0 to 1, got {bins!r}")
    p, o = _probabilities(p, outcome)
    k_bins = len(edges) - 1
    index = np.minimum(np.searchsorted(edges, p, side="right") - 1, k_bins - 1)
    count = np.bincount(index, minlength=k_bins)
    predicted = np.bincount(index, weights=p, minlength=k_bins)
    observed = np.bincount(index, weights=o, minlength=k_bins)
    return [{"bin": [float(edges[k]), float(edges[k + 1])],
             "mean_predicted": float(predicted[k] / count[k]),
             "observed": float(observed[k] / count[k]),
             "count": int(count[k])}
            for k in np.flatnonzero(count)]
