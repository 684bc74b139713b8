"""Forecast models: one adapter per model, one interface.

Every adapter is fitted once to annual log levels and returns a results object
(:class:`Fitted`) whose ``simulate(h, n, rng)`` gives log levels for the next
``h`` years, ``n`` paths by ``h`` years, anchored at the last observation and
drawn only from the explicit :class:`numpy.random.Generator` it is given.

Adapters are plain functions ``fit_<name>(years, logs) -> Fitted`` taking
integer years and finite log levels; they raise :class:`~forecast.errors.ModelError`
(``where`` = the model's name) when the model cannot be used: too few points,
no convergence, non-finite or explosive forecasts.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol

import numpy as np

from forecast.models.checks import MEMBER_LOG_GROWTH


class Fitted(Protocol):
    """What the simulation engine needs from a fitted model."""

    @property
    def name(self) -> str:
        """The model's name (``pooled``, ``rw-drift``...)."""
        ...

    @property
    def last_log(self) -> float:
        """Log of the last observed level, where every simulated path starts."""
        ...

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """Log levels for years last+1 .. last+h, shape (n, h)."""
        ...

    def mean_growth(self, h: int) -> np.ndarray:
        """Point forecast of annual log growth for each of the next ``h`` years, shape (h,).

        ``last_log + cumsum(mean_growth(h))`` is the model's point forecast of log levels.
        """
        ...

    def describe(self) -> str:
        """One line: the model and its estimates."""
        ...


def offers(model: object, method: str) -> bool:
    """Whether ``model`` can use ``method`` (``prob_at_least``, ``simulate_antithetic``):
    a wrapper (a calibrated model, its ``base``) can when what it wraps can; a single model
    when it defines the method."""
    if hasattr(model, "base"):
        return offers(model.base, method)
    return hasattr(model, method)


#: Every single model, in the order they are reported.
MEMBERS: tuple[str, ...] = ("pooled", "rw-drift", "ets", "arima", "theta", "llt", "bootstrap")
#: The model ``auto`` stands for: the one whose probabilities of target events score best
#: out of time on the panel's announced-style targets (README, *How far to trust it*).
AUTO = "pooled"
#: Models that need consecutive years; they are fitted to the years after the last gap.
CONSECUTIVE: frozenset[str] = frozenset({"ets", "arima", "theta"})


#: Where each adapter lives; imported when first used (statsmodels takes about a second).
_ADAPTERS: dict[str, tuple[str, str]] = {
    "pooled": ("forecast.models.pooled", "fit_pooled"),
    "rw-drift": ("forecast.models.rw", "fit_rw_drift"),
    "ets": ("forecast.models.ets", "fit_ets"),
    "arima": ("forecast.models.arima", "fit_arima"),
    "theta": ("forecast.models.theta", "fit_theta"),
    "llt": ("forecast.models.llt", "fit_llt"),
    "bootstrap": ("forecast.models.bootstrap", "fit_bootstrap"),
}


def _adapter(name: str) -> Callable[..., Fitted]:
    if name not in _ADAPTERS:
        raise ValueError(f"unknown model {name!r}")
    module, function = _ADAPTERS[name]
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def last_run(years: np.ndarray) -> int:
    """Index where the last run of consecutive years starts."""
    breaks = np.flatnonzero(np.diff(years) != 1)
    return int(breaks[-1] + 1) if breaks.size else 0


def fit_member(name: str, years: np.ndarray, logs: np.ndarray, horizon: int = 10,
               **options: object) -> Fitted:
    """Fit one model to annual log levels (``options`` go to its adapter) and check its
    forecasts are usable.

    Models in :data:`CONSECUTIVE` see only the years after the last gap. A fit
    is refused (:class:`~forecast.errors.ModelError`) when its point forecast of
    annual log growth over ``horizon`` years is not finite or exceeds
    :data:`forecast.models.checks.MEMBER_LOG_GROWTH` in absolute value.
    """
    from forecast.models.checks import check_point_forecast

    years = np.asarray(years)
    logs = np.asarray(logs, dtype=float)
    if name in CONSECUTIVE:
        start = last_run(years)
        years, logs = years[start:], logs[start:]
    fitted = _adapter(name)(years, logs, **options)
    if name == "pooled":
        check_point_forecast(name, fitted.mean_growth(horizon))
    else:
        check_point_forecast(name, fitted.mean_growth(horizon), MEMBER_LOG_GROWTH)
    return fitted


from forecast.models.rw import RandomWalkDrift, fit_rw_drift  # noqa: E402

__all__ = ["AUTO", "CONSECUTIVE", "MEMBERS", "Fitted", "RandomWalkDrift", "fit_member", "fit_rw_drift"]
