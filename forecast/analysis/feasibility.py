"""From simulated paths to a feasibility answer: probability, its error, quantiles,
and the growth the target requires set against history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from forecast.engine.estimates import binomial_se
from forecast.engine.simulate import SimulationResult
from forecast.scenario.schema import Target

QUANTILE_LEVELS: tuple[float, ...] = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)


def required_growth(target: float, last: float, h: int) -> float:
    """Annual growth needed to go from ``last`` to ``target`` in ``h`` years.

    Notes
    -----
    :math:`g^* = (\\text{target} / \\text{last})^{1/h} - 1`.
    """
    return float((target / last) ** (1.0 / h) - 1.0)


@dataclass(frozen=True)
class GrowthRecord:
    """Historical one-year growth rates, and how many reached the required rate."""

    years: tuple[int, ...]
    rates: tuple[float, ...]
    required: float

    @property
    def at_least(self) -> int:
        return sum(r >= self.required for r in self.rates)

    @property
    def rank(self) -> int:
        """1 if the required rate beats every historical year, n+1 if it beats none."""
        return self.at_least + 1

    @property
    def largest(self) -> tuple[int, float] | None:
        if not self.rates:
            return None
        i = int(np.argmax(self.rates))
        return self.years[i], self.rates[i]


def growth_record(years: np.ndarray, values: np.ndarray, required: float) -> GrowthRecord:
    """One-year growth rates (consecutive years only) against the required rate."""
    ok = np.diff(years) == 1
    rates = (values[1:] / values[:-1] - 1.0)[ok]
    return GrowthRecord(tuple(int(y) for y in years[1:][ok]),
                        tuple(float(r) for r in rates), required)


@dataclass(frozen=True, eq=False)
class Feasibility:
    """The answer to one target question."""

    target: Target
    last_year: int
    last_value: float
    required_growth: float
    history: GrowthRecord
    probability: float
    probability_se: float
    quantiles: dict[int, dict[float, float]]
    reached_by_year: dict[int, float]
    paths: int
    seed: int
    target_curve: dict[float, float]


#: Probabilities at which ``target_curve`` gives the target value.
CURVE_LEVELS: tuple[float, ...] = (0.9, 0.8, 0.5, 0.2, 0.1)


def weighted_quantiles(x: np.ndarray, w: np.ndarray | None, levels: tuple[float, ...] | list[float]
                       ) -> np.ndarray:
    """Quantiles of the columns of ``x`` (paths x columns, or paths) under weights ``w``.

    Unweighted (``w`` None), :func:`numpy.quantile` with linear interpolation; weighted,
    the smallest value whose cumulative normalised weight reaches each level.
    """
    if w is None:
        return np.asarray(np.quantile(x, levels, axis=0), dtype=float)
    x2 = x.reshape(len(x), -1)
    out = np.empty((len(levels), x2.shape[1]))
    for j in range(x2.shape[1]):
        order = np.argsort(x2[:, j], kind="stable")
        cw = np.cumsum(w[order])
        idx = np.minimum(np.searchsorted(cw, np.asarray(levels) * cw[-1]), len(order) - 1)
        out[:, j] = x2[order[idx], j]
    return out.reshape((len(levels), *x.shape[1:]))


def sample_weights(sim: SimulationResult) -> np.ndarray | None:
    """The weights of the kept sample of paths (the first ones), or None."""
    w = getattr(sim, "weights", None)  # results from before weighting have none
    return None if w is None else w[:len(sim.sample)]


def target_curve(sim: SimulationResult, kind: str) -> dict[float, float]:
    """The target value met with each probability in :data:`CURVE_LEVELS`.

    Notes
    -----
    P(level >= v) = p at :math:`v = F^{-1}(1 - p)`, the (1 - p)-quantile of the
    target-year level (``level`` targets) or of the highest level over the simulated
    years (``by`` targets), estimated from the kept sample of paths.
    """
    x = sim.sample[:, -1] if kind == "level" else sim.sample.max(axis=1)
    with np.errstate(over="ignore", under="ignore"):
        q = np.exp(weighted_quantiles(x, sample_weights(sim), [1 - p for p in CURVE_LEVELS]))
    return {p: float(v) for p, v in zip(CURVE_LEVELS, q)}


def probability_of(sim: SimulationResult, target: Target) -> tuple[float, float]:
    """P(target) and its Monte Carlo standard error (see :func:`assess`)."""
    idx = int(np.flatnonzero(sim.years == target.year)[0])
    counts = sim.reached if target.kind == "by" else sim.above
    if sim.weights is None and not sim.antithetic:
        p = float(counts[idx] / sim.paths)
        return p, binomial_se(p, sim.paths)
    return sim.share(sim.hits(target.kind))  # the target year is the last simulated year


def assess(sim: SimulationResult, target: Target, last_year: int, last_value: float,
           years: np.ndarray, values: np.ndarray) -> Feasibility:
    """Probability that the target is met, with its Monte Carlo error, and the quantiles.

    Notes
    -----
    With importance weights :math:`w_i` (normalised), :math:`\\hat p = \\sum w_i h_i` and
    its standard error is :math:`\\sqrt{\\sum w_i^2 (h_i - \\hat p)^2}`, the delta-method
    error of the self-normalised estimator (Owen 2013, *Monte Carlo theory, methods and
    examples*, section 9.2); unweighted, the binomial :math:`\\sqrt{p(1-p)/n}`.
    """
    p, se = probability_of(sim, target)
    with np.errstate(over="ignore", under="ignore"):  # the pipeline rejects non-finite results
        q = np.exp(weighted_quantiles(sim.sample, sample_weights(sim), QUANTILE_LEVELS))
    quantiles = {int(y): {lvl: float(q[i, j]) for i, lvl in enumerate(QUANTILE_LEVELS)}
                 for j, y in enumerate(sim.years)}
    g = required_growth(target.value, last_value, target.year - last_year)
    return Feasibility(
        target=target, last_year=last_year, last_value=last_value, required_growth=g,
        history=growth_record(years, values, g), probability=p,
        probability_se=se, quantiles=quantiles,
        reached_by_year={int(y): float(c / sim.paths) for y, c in zip(sim.years, sim.reached)},
        paths=sim.paths, seed=sim.seed, target_curve=target_curve(sim, target.kind),
    )
