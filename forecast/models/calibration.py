"""Calibration learned by backtest: per-horizon widening of a model's predictive.

The table ``forecast/models/calibration.json`` is derived by
``benchmarks/learn_calibration.py`` from rolling-origin backtests on the IMF
trade panel (300 country pairs); it holds, for each model but the pooled one
(whose tail factors come with its priors), a widening factor per forecast horizon.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from forecast.models import Fitted

TABLE = "calibration.json"


@cache
def table() -> dict[str, Any]:
    """The shipped calibration table (read once)."""
    text = resources.files("forecast.models").joinpath(TABLE).read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


@dataclass(frozen=True, eq=False)
class Calibrated:
    """A fitted model whose log-level deviations from its point forecast are widened.

    Notes
    -----
    With point forecast :math:`c_h = y_T + \\sum_{j \\le h} \\bar g_j` and factor
    :math:`k_h`, each simulated log level becomes :math:`c_h + k_h (x_h - c_h)`.
    The transform is affine per horizon, so it keeps the order of paths, the point
    forecast and every quantile's side; a quantile :math:`q` of the model becomes
    :math:`c_h + k_h (q - c_h)`. The factors are chosen on held-out outcomes so
    that central intervals cover what they claim (see ``benchmarks/learn_calibration.py``).

    References
    ----------
    Gneiting, T., Balabdaoui, F. and Raftery, A. E. (2007). Probabilistic forecasts,
    calibration and sharpness. *JRSS B* 69(2), 243-268.
    """

    base: Fitted
    learned: np.ndarray

    @property
    def name(self) -> str:
        return self.base.name

    @property
    def last_log(self) -> float:
        return self.base.last_log

    def factor(self, h: int) -> np.ndarray:
        return self.learned[np.minimum(np.arange(h), len(self.learned) - 1)]

    def center(self, h: int) -> np.ndarray:
        return self.last_log + np.cumsum(self.base.mean_growth(h))

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return self._widen(self.base.simulate(h, n, rng), h)

    def simulate_antithetic(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """Antithetic pairs of the base model, widened (the map keeps each pair's symmetry)."""
        return self._widen(self.base.simulate_antithetic(h, n, rng), h)  # type: ignore[attr-defined]

    def _widen(self, x: np.ndarray, h: int) -> np.ndarray:
        k = self.factor(h)
        x *= k
        x += self.center(h) * (1.0 - k)  # c + k (x - c), in two passes
        return x

    def mean_growth(self, h: int) -> np.ndarray:
        return self.base.mean_growth(h)

    def prob_at_least(self, log_ratio: float, h: int) -> float:
        """Closed form, where the base model has one."""
        c = float(np.sum(self.base.mean_growth(h)))
        k = float(self.factor(h)[-1])
        return float(self.base.prob_at_least(c + (log_ratio - c) / k, h))  # type: ignore[attr-defined]

    def describe(self) -> str:
        return self.base.describe()
