"""The typed result of a run: the answer (decided here, exact or simulated), each model's
answer, and what produced it."""

from __future__ import annotations

import platform
from dataclasses import dataclass

from forecast.analysis.feasibility import Feasibility
from forecast.analysis.question import StartError
from forecast.analysis.record import WindowRecord
from forecast.data.series import TradeSeries
from forecast.engine.nowcast import Nowcast
from forecast.engine.reporter_gap import Mirror
from forecast.engine.simulate import SimulationResult
from forecast.models import Fitted
from forecast.models.combination import Built
from forecast.models.prior import Prior
from forecast.scenario.schema import Scenario


@dataclass(frozen=True)
class ModelAnswer:
    """One model's answer to the question.

    Attributes
    ----------
    model : str
    probability, probability_se : float
        The answer and its Monte Carlo standard error (0 when exact).
    paths : int
        Paths simulated for it (0: not simulated, a closed form).
    exact : bool
        Whether ``probability`` is the model's closed form.
    """

    model: str
    probability: float
    probability_se: float
    paths: int
    exact: bool


@dataclass(frozen=True)
class Choice:
    """One reasonable alternative and the answer under it."""

    name: str
    probability: float
    probability_se: float
    exact: bool


@dataclass(frozen=True)
class Robustness:
    """The answer's alternatives, and those that could not be run (with why)."""

    choices: tuple[Choice, ...]
    skipped: tuple[str, ...] = ()

    def span(self, answer: float) -> tuple[float, float]:
        """The lowest and highest probability of the answer and its alternatives."""
        ps = [answer, *(c.probability for c in self.choices)]
        return min(ps), max(ps)


@dataclass(frozen=True, eq=False)
class RunResult:
    """Everything one run produced. The answer (:attr:`probability`) is decided here: the
    chosen model's closed form where it has one, else the simulation's estimate."""

    scenario: Scenario
    where: str
    series: TradeSeries
    model: Fitted
    built: Built
    by_model: dict[str, tuple[float, float, int]]
    simulation: SimulationResult
    feasibility: Feasibility
    closed_form: float | None
    notes: tuple[str, ...]
    scenario_sha256: str = ""
    data_sha256: str = ""
    nowcast: Nowcast | None = None
    mirror: Mirror | None = None
    precision: float | None = None
    prior: Prior | None = None
    start: StartError = StartError()
    record: WindowRecord | None = None
    robustness: Robustness | None = None

    @property
    def probability(self) -> float:
        """P(target): exact where the model has a closed form, else simulated."""
        return self.feasibility.probability if self.closed_form is None else self.closed_form

    @property
    def probability_se(self) -> float:
        """Its Monte Carlo standard error (0 when exact)."""
        return self.feasibility.probability_se if self.closed_form is None else 0.0

    @property
    def probability_method(self) -> str:
        """``closed-form`` or ``monte-carlo``."""
        return "monte-carlo" if self.closed_form is None else "closed-form"

    def by_model_answers(self, exact: bool = True) -> list[ModelAnswer]:
        """Each model's answer; a comparison model with a closed form was not simulated
        (0 paths), and the chosen model's closed form replaces its estimate where the answer
        is exact (``exact=False``: the simulation's, for paired differences)."""
        closed = self.closed_form if exact else None
        out = []
        for name, (p, se, n) in self.by_model.items():
            is_exact = n == 0 or (name == self.model.name and closed is not None)
            out.append(ModelAnswer(name, closed if is_exact and n else p,  # type: ignore[arg-type]
                                   0.0 if is_exact else se, n, is_exact))
        return out


def fingerprint(prior: Prior | None) -> str:
    """A short hash of a prior's values ('shipped' for the default), for cache keys and the
    JSON result (``model.priors``)."""
    if prior is None:
        return "shipped"
    import dataclasses
    import hashlib

    return hashlib.sha256(repr(dataclasses.astuple(prior)).encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    """Versions of what produced a result (from the installed packages' metadata: nothing
    is imported for it)."""
    from forecast.models.fitcache import library_versions

    return {"python": platform.python_version(), **library_versions()}
