"""What the answer depends on: the same question under a fixed set of reasonable choices.

Simulation error is the smallest uncertainty in a target's probability; the choices an analyst
could defend move it far more. Beside every answer the run gives the answer under each of:

- every model of the registry (already in the run: :meth:`RunResult.by_model_answers`);
- the series' start: its last 15 and last 10 years (where it is longer);
- the calibration of the tails off (where the model has one);
- the other country's statistics for the same trade (where the data file has them);
- the data one publication earlier (``as_of`` the day before the last figure became public).

Each alternative is the scenario with one key changed (validated like a file), run on the same
seed (common random numbers) with at most :data:`PATHS` paths, exact where the model has a
closed form. The range is the lowest and highest of the answer and its alternatives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from forecast.analysis import pipeline
from forecast.analysis.loading import Prepared
from forecast.analysis.results import Choice, Robustness, RunResult
from forecast.errors import ForecastError

#: Paths for each simulated alternative.
PATHS = 50_000


Prepare = Callable[..., Prepared]


def _alternatives(result: RunResult) -> list[tuple[str, list[tuple[str, Any]]]]:
    """(name, key changes) of each data and calibration alternative that applies."""
    sc, s = result.scenario, result.series
    out: list[tuple[str, list[tuple[str, Any]]]] = []
    years = [int(y) for y in s.years]
    for keep in (15, 10):
        if sc.data is not None and len(years) > keep:
            first = years[-keep]
            out.append((f"series from {first} (last {keep} years)", [("data.start", first)]))
    if sc.model.calibration == "panel" and result.model.name != "pooled":
        out.append(("calibration off", [("model", {"name": sc.model.name, "calibration": "none"})]))
    if sc.data is not None and sc.data.reporter != "both" and s.partner:
        out.append((f"{s.partner}'s statistics", [("data.reporter", s.partner),
                                                  ("data.partner", s.reporter)]))
    if sc.data is not None and s.used:
        public = max(f.public_from(s.lag_months) for f in s.used[-1].figures)
        earlier = public - dt.timedelta(days=1)
        out.append((f"data as of {earlier.isoformat()} (one publication earlier)",
                    [("data.as_of", earlier.isoformat())]))
    return out


def robustness(result: RunResult, prepared: Prepared, prepare: Prepare, *,
               fits: dict[str, Any] | None = None) -> Robustness:
    """The answer under each reasonable alternative (see the module notes).

    Parameters
    ----------
    result : RunResult
        The answer as the scenario asks.
    prepared : Prepared
        Its scenario file, read.
    prepare : callable
        :func:`forecast.analysis.loading.variant` bound to the file: sets values, validates and
        selects the series.
    """
    choices = [Choice(f"model {a.model}", a.probability, a.probability_se, a.exact)
               for a in result.by_model_answers() if a.model != result.model.name]
    skipped: list[str] = []
    tree = prepared.file.tree
    fits = fits if fits is not None else {}
    for name, changes in _alternatives(result):
        try:
            p = prepare(tree, changes, verb="robustness")
            r = pipeline.run(p.scenario, where=p.file.where, paths=min(result.simulation.paths, PATHS),
                             seed=result.simulation.seed, series=p.series, mirror=p.mirror,
                             per_model=False, fits=fits, prior=result.prior,
                             antithetic=result.simulation.antithetic)
        except ForecastError as e:
            skipped.append(f"{name}: {e.problems[0].message}")
            continue
        choices.append(Choice(name, r.probability, r.probability_se,
                              r.probability_method == "closed-form"))
    return Robustness(tuple(choices), tuple(skipped))
