"""Building a scenario's model: the one asked for (``auto`` is the pooled model), and every
single model beside it for per-model answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.models import Fitted
from forecast.models.prior import Prior


def one_blas_thread() -> Any:
    """A context in which BLAS uses one thread (threadpoolctl; entering costs about 1.5 ms)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


@dataclass(frozen=True, eq=False)
class Built:
    """A model ready to simulate, the single models fitted beside it, and those that failed.

    Attributes
    ----------
    model : Fitted
        What the scenario asked for (calibrated unless asked not to be).
    members : dict of str to Fitted
        Each single model that fitted, calibrated the same way, for per-model answers.
    used : tuple of str
        The single models inside ``model``.
    failures : tuple of (name, reason)
        Models that could not be fitted, and why; never part of ``model``.
    outside_pool : str
        With ``auto``: why the pooled model does not describe this series (then ``auto`` is
        another model), else empty.
    """

    model: Fitted
    members: dict[str, Fitted]
    used: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]
    outside_pool: str = ""


def build(name: str, years: np.ndarray, logs: np.ndarray, *, calibrate: bool = True,
          parameter_uncertainty: bool = True, every: bool = False,
          prior: Prior | None = None) -> Built:
    """Fit the model called ``name`` (a single model, or ``auto``: :data:`forecast.models.AUTO`)
    to annual log levels.

    With ``every``, every other single model is fitted too, for per-model answers; those
    that cannot be fitted are reported in :attr:`Built.failures`, never used. With
    ``calibrate``, each model carries its learned calibration: the pooled model its tail
    factors (from ``prior``, default the shipped priors), the others a
    :class:`~forecast.calibration.Calibrated` widening. ``prior`` also gives the pooled
    model its priors.

    Raises
    ------
    ModelError
        When the model asked for cannot be fitted.

    Callers fit under :func:`one_blas_thread` (the matrices are tiny: BLAS threads only
    add contention, up to 50x slower fits on a loaded machine).
    """
    from forecast.errors import ModelError
    from forecast.models import AUTO, MEMBERS, fit_member
    from forecast.models.calibration import Calibrated, table

    fitted: dict[str, Fitted] = {}
    failures: dict[str, str] = {}

    def attempt(m: str) -> Fitted:
        options: dict[str, Any] = {}
        if m == "rw-drift":
            options["parameter_uncertainty"] = parameter_uncertainty
        if m == "pooled":
            options.update(prior=prior, tails=calibrate)
        model = fit_member(m, years, logs, **options)
        if calibrate and m != "pooled":
            model = Calibrated(model, np.asarray(table()["factors"][m], dtype=float))
        return model

    order: tuple[str, ...] = (AUTO if name == "auto" else name,)
    why = ""
    if name == "auto":
        if prior is None:
            from forecast.models.priors import shipped

            prior = shipped()
        why = prior.outside(np.asarray(years), np.asarray(logs, dtype=float)) or ""
        if why:
            order = OUTSIDE_POOL
    chosen = order[-1]
    for m in order:
        try:
            fitted[m] = attempt(m)
            chosen = m
            break
        except ModelError as e:
            failures[m] = e.problems[0].message
            if m == order[-1]:
                if len(failures) == 1 and not why:
                    raise
                tried = ([f"{AUTO}: not used: {why}"] if why else []) + [f"{k}: {v}" for k, v in
                                                                         failures.items()]
                raise ModelError(m, "", "; ".join(tried)) from None
    for m in MEMBERS if every else ():
        if m not in fitted and m not in failures and not (why and m == AUTO):
            try:
                fitted[m] = attempt(m)
            except ModelError as e:
                failures[m] = e.problems[0].message
    members = {m: fitted[m] for m in MEMBERS if m in fitted}
    fails = tuple((m, failures[m]) for m in MEMBERS if m in failures)
    return Built(fitted[chosen], members, (chosen,), fails, why)


#: What ``auto`` uses for a series the pool does not describe (no calendar years, or not
#: trade in US$): Theta, the best method for annual series in the M3 competition
#: (Makridakis and Hibon 2000), else the random walk with drift.
OUTSIDE_POOL: tuple[str, ...] = ("theta", "rw-drift")
