"""The Python API for one question: load or build it, run it, read the answer.

>>> import forecast as fc
>>> q = fc.load("scenarios/kz-kg-2024-target.yaml")          # doctest: +SKIP
>>> r = fc.run(q)                                                # doctest: +SKIP
>>> r.probability, r.probability_se, r.method                    # doctest: +SKIP
(0.0919..., 0.0, 'closed-form')

A question is a validated scenario with its series; :func:`run` answers it exactly as
``tradecast run`` does (same defaults, seed and precision), so ``r.probability`` equals the
``probability`` of ``tradecast run FILE --json``. pandas is imported only when a frame is
asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forecast.analysis import loading, pipeline
from forecast.analysis.results import RunResult
from forecast.scenario import loader

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from forecast.models.prior import Prior


@dataclass(frozen=True, eq=False)
class Question:
    """A feasibility question ready to answer: a validated scenario and its series.

    Build one with :func:`load` (a scenario file) or :meth:`from_series` (figures in hand).
    """

    prepared: loading.Prepared

    @property
    def name(self) -> str:
        return self.prepared.scenario.name

    @property
    def scenario(self) -> Any:
        """The validated scenario (:class:`forecast.scenario.Scenario`)."""
        return self.prepared.scenario

    def __repr__(self) -> str:
        t = self.prepared.scenario.target
        s = self.prepared.series
        return (f"Question({self.name!r}: turnover >= US${t.value / 1e9:.3f}bn "
                f"{'in' if t.kind == 'level' else 'by'} {t.year}, "
                f"{len(s.years)} years {int(s.years[0])}-{s.last_year})")

    @classmethod
    def from_series(cls, series: Any, *, target: float, year: int, kind: str = "level",
                    name: str = "question", **settings: Any) -> Question:
        """A question about figures in hand.

        Parameters
        ----------
        series : mapping or pandas.Series
            Annual figures in US dollars by year (a Series indexed by year, or a dict);
            year-to-date figures may be given with keys like ``"2025-01..2025-08"``.
        target, year, kind
            The target in US dollars, its year, and ``level`` (in that year) or ``by`` (in
            any year up to it).
        name : str
            The question's name in outputs.
        **settings
            Any other scenario key (``model``, ``growth``, ``shocks``, ``simulation``...),
            as in a scenario file.

        Raises
        ------
        ScenarioError
            As for a scenario file, naming the key.
        """
        items = series.items() if hasattr(series, "items") else series
        history = {(int(k) if not isinstance(k, str) else k): float(v) for k, v in items}
        tree = {"name": name, "history": history,
                "target": {"value": float(target), "year": int(year), "kind": kind}, **settings}
        where = "<python>"
        sf = loader.ScenarioFile(where, tree, ((where, Path(where), tree),), "")
        return cls(loading.variant(sf, tree))


def load(path: str | Path) -> Question:
    """Read, validate and select the series of a scenario file (``extends`` resolved).

    Raises
    ------
    ScenarioError, DataError
        With the file and key, as the command line reports them.
    """
    return Question(loading.prepare(path))


def _prior(priors: Any) -> Prior | None:
    if priors is None or not isinstance(priors, (str, Path)):
        return priors
    from forecast.models import priors as priors_module

    return priors_module.read(Path(priors))[0]


def run(question: Question | str | Path, *, seed: int | None = None, paths: int | None = None,
        precision: float | None = None, priors: Any = None,
        progress: Callable[[int], None] | None = None, robustness: bool = True) -> Result:
    """Answer a question as ``tradecast run`` does.

    Parameters
    ----------
    question : Question or path
        From :func:`load` or :meth:`Question.from_series`, or a scenario file's path.
    seed, paths, precision
        Override the scenario's simulation settings (``--seed``, ``--paths``, ``--precision``).
    priors : path or Prior, optional
        Pooled priors learned by ``tradecast learn`` (default: the shipped ones).
    progress : callable, optional
        Told the paths simulated after each chunk of 100,000.
    robustness : bool
        Also answer under each reasonable alternative (:mod:`forecast.analysis.robustness`);
        the headline's range spans them.
    """
    q = question if isinstance(question, Question) else load(question)
    p = q.prepared
    r = pipeline.run(p.scenario, where=p.file.where, paths=paths, seed=seed,
                     scenario_sha256=p.file.sha256, data_sha256=p.data_sha256, series=p.series,
                     mirror=p.mirror, precision=precision, prior=_prior(priors), progress=progress)
    if robustness:
        import dataclasses

        from forecast.analysis.robustness import robustness as alternatives

        r = dataclasses.replace(r, robustness=alternatives(r, p, loading.bound(p)))
    return Result(r)


@dataclass(frozen=True, eq=False)
class Result:
    """One answer: the probability (decided here: exact where the model has a closed form,
    else simulated), its standard error, and everything behind it (``run``)."""

    run: RunResult

    @property
    def probability(self) -> float:
        return self.run.probability

    @property
    def probability_se(self) -> float:
        return self.run.probability_se

    @property
    def method(self) -> str:
        """``closed-form`` or ``monte-carlo``."""
        return self.run.probability_method

    def __repr__(self) -> str:
        t = self.run.scenario.target
        how = "exact" if self.method == "closed-form" else f"± {self.probability_se * 100:.2f} pp"
        return (f"Result({self.run.scenario.name!r}: P = {self.probability:.2%} {how}; "
                f"{'in' if t.kind == 'level' else 'by'} {t.year} >= US${t.value / 1e9:.3f}bn; "
                f"model {self.run.model.name}, {self.run.feasibility.paths:,} paths)")

    def summary(self) -> str:
        """The text ``tradecast run`` prints."""
        from forecast.present import render

        return render.summary(self.run)

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``tradecast run --json`` prints (the contract in docs/json.md)."""
        from forecast.present import render

        return render.as_dict(self.run)

    def figures(self) -> dict[str, Figure]:
        """The report's charts of this answer as matplotlib Figures, to place or restyle: the
        fan, the target-year distribution, the robustness choices, the growth record and (for
        ``by`` targets) P(reached) by year."""
        from forecast.present.charts import capture_figures
        from forecast.present.report.chart_set import charts_for, target_values

        with capture_figures() as figs:
            keys = list(charts_for(self.to_dict(), target_values(self.run)))
        return dict(zip(keys, figs))

    def quantiles_frame(self) -> pd.DataFrame:
        """Quantiles of each simulated year (rows: years; columns: levels), US dollars."""
        import pandas as pd

        q = self.run.feasibility.quantiles
        frame = pd.DataFrame({lvl: {y: v[lvl] for y, v in q.items()} for lvl in next(iter(q.values()))})
        frame.index.name, frame.columns.name = "year", "quantile"
        return frame

    def by_model_frame(self) -> pd.DataFrame:
        """Each model's probability, its standard error, paths and whether it is exact."""
        import pandas as pd

        rows = self.run.by_model_answers()
        frame = pd.DataFrame([{"model": a.model, "probability": a.probability,
                               "probability_se": a.probability_se, "paths": a.paths,
                               "exact": a.exact, "chosen": a.model == self.run.model.name}
                              for a in rows])
        return frame.set_index("model")

    def paths_frame(self) -> pd.DataFrame:
        """The kept sample of simulated paths (rows; columns: years), US dollars, with each
        path's weight where the run is weighted by later figures."""
        import numpy as np
        import pandas as pd

        sim = self.run.simulation
        frame = pd.DataFrame(np.exp(sim.sample), columns=[int(y) for y in sim.years])
        frame.columns.name = "year"
        if sim.weights is not None:
            frame["weight"] = sim.weights[:len(frame)] * len(sim.weights)
        return frame

    def reached_frame(self) -> pd.DataFrame:
        """P(the target is reached by each year)."""
        import pandas as pd

        f = self.run.feasibility
        frame = pd.DataFrame({"reached_by": f.reached_by_year})
        frame.index.name = "year"
        return frame


def _axes(ax: Axes | None) -> Axes:
    """``ax``, or the Axes of a new pyplot figure of the report's proportions."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig, new = plt.subplots(figsize=(8, 4.5))
    fig.subplots_adjust(right=0.84, top=0.84)  # room for labels right of the plot and a legend
    return new


def plot_fan(result: Result, ax: Axes | None = None) -> Axes:
    """The report's fan chart of a result, drawn on ``ax`` (a new figure if None): history,
    median path, central 50/80/95% bands and the target. Returns the Axes, to restyle or
    place; the report's PNG is this drawing in the report's frame."""
    from forecast.engine.nowcast import month_range
    from forecast.present import charts, render_later

    r = result.run
    ax = _axes(ax)
    t, f = r.scenario.target, r.feasibility
    keep = max(10, 3 * (t.year - f.last_year))
    nc = render_later.nowcast_dict(r)
    known = None if not nc else (int(nc["year"]), float(nc["value"]),
                                 f"known: {month_range(int(nc['month']))} {nc['year']}")
    charts.draw_fan(ax, [int(y) for y in r.series.years[-keep:]],
                    [float(v) for v in r.series.values[-keep:]], sorted(f.quantiles),
                    f.quantiles, t.value, t.year, known)
    return ax


def plot_distribution(result: Result, ax: Axes | None = None) -> Axes:
    """The report's histogram of the simulated values in the target year (log-spaced bins,
    the target and the median marked; weighted runs resampled to equal weights), drawn on
    ``ax`` (a new figure if None). Returns the Axes."""
    from forecast.present import charts
    from forecast.present.report.chart_set import target_values

    r = result.run
    ax = _axes(ax)
    t = r.scenario.target
    charts.draw_distribution(ax, target_values(r), t.value, t.year)
    return ax


def plot_growth(result: Result, ax: Axes | None = None) -> Axes:
    """History's one-year growth against the rate the target requires (years across a change
    of data source hatched), on ``ax`` (a new figure if None). Returns the Axes."""
    from forecast.present import history_charts, render

    f = result.run.feasibility
    target_ax = _axes(ax)
    history_charts.draw_growth_history(target_ax, list(f.history.years), list(f.history.rates),
                                       f.required_growth, render.break_years(result.run))
    return target_ax


def plot_reach(result: Result, ax: Axes | None = None) -> Axes:
    """P(reached by each year) and P(first reached in each year), on ``ax`` (a new figure if
    None). Returns the Axes."""
    from forecast.present import history_charts, render

    f = result.run.feasibility
    target_ax = _axes(ax)
    first = {int(y): p for y, p in render.first_year_reached(f.reached_by_year).items()}
    history_charts.draw_reach_by_year(target_ax, f.reached_by_year, first)
    return target_ax
