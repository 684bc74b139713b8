"""``auto``: a mixture of the models that fit, with weights learned by backtest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.models import Fitted


@dataclass(frozen=True, eq=False)
class Mixture:
    """Paths drawn from several fitted models in proportion to their weights.

    Notes
    -----
    Each path picks its model :math:`m` with probability :math:`w_m`, so the
    predictive is the mixture :math:`\\sum_m w_m F_m`: its spread includes the
    models' disagreement. The point forecast of log growth is the weighted mean
    :math:`\\sum_m w_m \\bar g_{m,h}`.

    References
    ----------
    Hall, S. G. and Mitchell, J. (2007). Combining density forecasts.
    *International Journal of Forecasting* 23(1), 1-13.
    """

    members: tuple[Fitted, ...]
    weights: np.ndarray
    name: str = "auto"

    @property
    def last_log(self) -> float:
        return self.members[0].last_log

    def simulate(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` paths of the mixture: how many come from each model is multinomial
        (n, weights), and they come in blocks, model by model. The paths are exchangeable
        i.i.d. draws from the mixture; only their order is not random, which no count
        or quantile sees (the engine keeps whole chunks for quantiles)."""
        return self._blocks(h, n, rng, pairs=False)

    def simulate_antithetic(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` (even) paths in antithetic pairs (path ``i + n/2`` mirrors path ``i``): the
        ``n/2`` pairs are split among the models by a multinomial draw, and each model's
        pairs come from its own antithetic simulation."""
        return self._blocks(h, n, rng, pairs=True)

    def _blocks(self, h: int, n: int, rng: np.random.Generator, *, pairs: bool) -> np.ndarray:
        # One child stream for the counts and one per member, so a scenario that changes
        # one member's fit leaves the others' draws (common random numbers) intact.
        m = n // 2 if pairs else n
        streams = rng.spawn(len(self.members) + 1)
        counts = streams[0].multinomial(m, self.weights)
        out = np.empty((h, n)).T  # by year, as the members return their paths
        start = 0
        for k, member in enumerate(self.members):
            c = int(counts[k])
            if not c:
                continue
            if pairs:
                both = member.simulate_antithetic(h, 2 * c, streams[k + 1])  # type: ignore[attr-defined]
                out[start:start + c] = both[:c]
                out[m + start:m + start + c] = both[c:]
            else:
                out[start:start + c] = member.simulate(h, c, streams[k + 1])
            start += c
        return out

    def mean_growth(self, h: int) -> np.ndarray:
        return np.sum([w * m.mean_growth(h) for w, m in zip(self.weights, self.members)], axis=0)

    def prob_at_least(self, log_ratio: float, h: int) -> float:
        """:math:`\\sum_m w_m P_m(\\log(y_{T+h}/y_T) \\ge r)`, where every member has a closed
        form (:func:`forecast.models.offers`)."""
        return float(sum(w * m.prob_at_least(log_ratio, h)  # type: ignore[attr-defined]
                         for w, m in zip(self.weights, self.members)))

    def describe(self) -> str:
        parts = ", ".join(f"{m.name} {w:.0%}" for m, w in zip(self.members, self.weights))
        return f"mixture of {parts}"


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
    """

    model: Fitted
    members: dict[str, Fitted]
    used: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]


def build(name: str, years: np.ndarray, logs: np.ndarray, *, calibrate: bool = True,
          parameter_uncertainty: bool = True, every: bool = False) -> Built:
    """Fit the model called ``name`` (a single model or ``auto``) to annual log levels.

    ``auto`` fits the members the calibration table weights, leaves out those
    that fail (reported in :attr:`Built.failures`), renormalises the weights
    over the rest and mixes them (:class:`Mixture`). If every member fails it
    uses, alone, the first model of the table's ``fallback`` list (single models
    ranked by backtest score) that fits. With ``every``, ``auto`` also fits every
    other single model, for per-model answers. With ``calibrate`` each model is
    wrapped in :class:`~forecast.calibration.Calibrated` with its own learned
    factors, and a mixture (of calibrated members) with ``auto``'s.

    Raises
    ------
    ModelError
        When the single model asked for fails, or no model ``auto`` may use fits.

    Callers fit under :func:`one_blas_thread` (the matrices are tiny: BLAS threads only
    add contention, up to 50x slower fits on a loaded machine).
    """
    from forecast.calibration import Calibrated, table
    from forecast.errors import ModelError
    from forecast.models import MEMBERS

    weights: dict[str, float] = table()["auto"]["weights"] if name == "auto" else {name: 1.0}
    others = [m for m in dict.fromkeys(table()["auto"]["fallback"]) if m not in weights] \
        if name == "auto" else []
    fitted: dict[str, Fitted] = {}
    failures: dict[str, str] = {}

    def attempt(m: str) -> None:
        try:
            fitted[m] = _fit_one(m, years, logs, parameter_uncertainty)
        except ModelError as e:
            failures[m] = e.problems[0].message

    for m in weights:
        attempt(m)
    chosen = [m for m in weights if m in fitted]
    for m in others:
        if not every and (chosen or any(o in fitted for o in others)):
            break
        attempt(m)
    fallback = next((m for m in others if m in fitted), None)
    if not chosen and fallback is None:
        why = "; ".join(f"{m}: {r}" for m, r in failures.items())
        raise ModelError("model", name, f"no model could be fitted ({why})")

    def wrap(m: Fitted, key: str) -> Fitted:
        return Calibrated(m, np.asarray(table()["factors"][key], dtype=float)) if calibrate else m

    members = {m: wrap(fitted[m], m) for m in MEMBERS if m in fitted}
    fails = tuple((m, failures[m]) for m in MEMBERS if m in failures)
    if name != "auto":
        return Built(members[name], members, (name,), fails)
    if not chosen:
        assert fallback is not None
        return Built(members[fallback], members, (fallback,), fails)
    if len(chosen) == 1:  # backtests chose one model: it is auto, with its own calibration
        return Built(members[chosen[0]], members, tuple(chosen), fails)
    w = np.array([weights[m] for m in chosen], dtype=float)
    mixture = Mixture(tuple(members[m] for m in chosen), w / w.sum())
    return Built(wrap(mixture, "auto"), members, tuple(chosen), fails)


def _fit_one(name: str, years: np.ndarray, logs: np.ndarray, parameter_uncertainty: bool) -> Fitted:
    from forecast.models import fit_member

    options = {"parameter_uncertainty": parameter_uncertainty} if name == "rw-drift" else {}
    return fit_member(name, years, logs, **options)
