"""The Monte Carlo estimators of a probability and their standard errors, in one place.

- plain sampling: :math:`\\hat p = \\bar h`, s.e. :math:`\\sqrt{\\hat p(1-\\hat p)/n}`;
- antithetic pairs: the pairs' means are independent, s.e. their standard deviation over
  :math:`\\sqrt{m}`;
- importance weights :math:`w_i` (self-normalised): :math:`\\hat p = \\sum w_i h_i / \\sum w_i`,
  s.e. :math:`\\sqrt{\\sum w_i^2 (h_i - \\hat p)^2} / \\sum w_i`, the delta-method error
  (Owen 2013, *Monte Carlo theory, methods and examples*, section 9.2);
- a paired difference of two estimates on common random numbers: the per-path influences
  :math:`d_i`, s.e. :math:`\\sqrt{\\overline{d^2}/n}` (over pairs' means with antithetic pairs;
  Glasserman 2004, section 4.2).

The simulation keeps running versions of the same sums chunk by chunk (for its precision
stop); these are the whole-sample forms the results use.
"""

from __future__ import annotations

import numpy as np


def binomial_se(p: float, n: int) -> float:
    """:math:`\\sqrt{p(1-p)/n}`."""
    return float(np.sqrt(p * (1.0 - p) / n))


def pairs_se(pair_means: np.ndarray) -> float:
    """Standard error of the mean of independent antithetic pairs' means (0 for one pair)."""
    m = len(pair_means)
    return float(pair_means.std(ddof=1) / np.sqrt(m)) if m > 1 else 0.0


def weighted_share(hits: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """The self-normalised weighted share of ``hits`` and its delta-method standard error."""
    p = float(np.where(hits, w, 0.0).sum() / w.sum())
    return p, float(np.sqrt(np.sum(w * w * (hits - p) ** 2)) / w.sum())


def paired_se(d: np.ndarray, pair_means: np.ndarray | None = None) -> float:
    """Standard error of a paired difference from per-path influences ``d`` (from the pairs'
    means of ``d`` where the paths are antithetic pairs)."""
    if pair_means is not None:
        return float(np.sqrt(np.mean(pair_means * pair_means) / len(pair_means)))
    return float(np.sqrt(np.mean(d * d) / len(d)))
