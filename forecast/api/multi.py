"""The Python API for several runs: assumption sets compared, a sweep over values, a
sensitivity analysis and a backtest, each a typed result with ``summary()``, ``to_dict()``
(the command's JSON) and ``to_frame()`` (pandas, imported only then)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forecast.analysis import loading, pipeline
from forecast.analysis.results import RunResult
from forecast.api.core import Question, _prior, load

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

    from forecast.analysis.variants import Sensitivity, Sweep


def _one_figure(files: Callable[[Any], object]) -> Figure | None:
    """The first figure a report's files draw (``files(multi)``), captured, not rendered."""
    from forecast.present.charts import capture_figures
    from forecast.present.report import multi

    with capture_figures() as figs:
        files(multi)
    return figs[0] if figs else None


def _question(q: Question | str | Path) -> Question:
    return q if isinstance(q, Question) else load(q)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Assumption sets compared on common random numbers: each run, and each one's
    difference from the first with its paired standard error."""

    runs: tuple[RunResult, ...]
    differences: tuple[Any, ...]
    notes: tuple[str, ...]

    def __repr__(self) -> str:
        parts = ", ".join(f"{r.scenario.name} {r.feasibility.probability:.2%}" for r in self.runs)
        return f"Comparison({parts}; {self.runs[0].feasibility.paths:,} paths each)"

    def summary(self) -> str:
        """The text ``tradecast compare`` prints."""
        from forecast.present import render_multi

        return render_multi.compare_text(list(self.runs), list(self.differences), list(self.notes))

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``tradecast compare --json`` prints."""
        from forecast.present import render_multi

        return render_multi.compare_dict(list(self.runs), list(self.differences), list(self.notes))

    def figures(self) -> dict[str, Figure]:
        """The comparison report's charts as matplotlib Figures, to place or restyle:
        ``probabilities``, ``distributions`` and ``fans``."""
        from forecast.present.charts import capture_figures
        from forecast.present.report import multi

        with capture_figures() as figs:
            keys = list(multi.comparison_charts(self.to_dict(), list(self.runs)))
        return dict(zip(keys, figs))

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario: its probability (simulated, on the shared paths), s.e., and
        its difference from the first with the paired and unpaired standard errors."""
        import pandas as pd

        diffs = {d.scenario: d for d in self.differences}
        rows = []
        for r in self.runs:
            d = diffs.get(r.scenario.name)
            rows.append({"scenario": r.scenario.name, "probability": r.feasibility.probability,
                         "probability_se": r.feasibility.probability_se,
                         "diff_vs_first": None if d is None else d.probability_diff,
                         "diff_se_paired": None if d is None else d.probability_diff_se,
                         "diff_se_unpaired": None if d is None else d.probability_diff_se_unpaired})
        return pd.DataFrame(rows).set_index("scenario")


def compare(questions: Sequence[Question | str | Path], *, paths: int | None = None,
            seed: int | None = None, priors: Any = None) -> Comparison:
    """Run every question on the first one's paths, seed and antithetic setting (common random
    numbers), and each one's difference from the first, as ``tradecast compare`` does.

    Raises
    ------
    ScenarioError
        With fewer than two questions, or two with the same name.
    """
    from forecast.analysis import comparison as cmp
    from forecast.errors import ScenarioError

    qs = [_question(q) for q in questions]
    if len(qs) < 2:
        raise ScenarioError("<python>", "questions", f"give at least two (got {len(qs)})")
    seen: dict[str, str] = {}  # rows and files are named by the scenarios' names
    for q in qs:
        if q.name in seen:
            raise ScenarioError(q.prepared.file.where, "name", f"{q.name!r} is also the name of "
                                f"{seen[q.name]}; give each scenario compared its own name")
        seen[q.name] = q.prepared.file.where
    prior = _prior(priors)
    first = qs[0].prepared.scenario.simulation
    n = paths if paths is not None else first.paths
    s = seed if seed is not None else first.seed
    fits: dict[str, Any] = {}
    runs = [pipeline.run(p.scenario, where=p.file.where, paths=n, seed=s,
                         scenario_sha256=p.file.sha256, data_sha256=p.data_sha256,
                         series=p.series, fits=fits, mirror=p.mirror,
                         antithetic=first.antithetic, prior=prior)
            for p in (q.prepared for q in qs)]
    notes = cmp.caveats(runs)
    if any(q.prepared.scenario.simulation.antithetic != first.antithetic for q in qs[1:]):
        notes.append(f"every scenario runs with the first one's simulation.antithetic "
                     f"({str(first.antithetic).lower()}), as with its seed and paths, so "
                     "that their paths are common random numbers")
    return Comparison(tuple(runs), tuple(cmp.compare(runs)), tuple(notes))


@dataclass(frozen=True, eq=False)
class SweepResult:
    """A question run at every point of a grid of values, on common random numbers."""

    sweep: Sweep
    where: str

    def __repr__(self) -> str:
        ps = [pt.result.feasibility.probability for pt in self.sweep.points]
        return (f"SweepResult({', '.join(self.sweep.keys)}: {len(ps)} points, P from "
                f"{min(ps):.2%} to {max(ps):.2%})")

    def summary(self) -> str:
        """The table ``tradecast run --set`` prints."""
        from forecast.present import render_multi

        return render_multi.sweep_text(self.sweep)

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``tradecast run --set ... --json`` prints."""
        from forecast.present import render_multi

        return render_multi.sweep_dict(self.sweep, where=self.where)

    def figure(self) -> Figure | None:
        """The sweep report's chart (P against the swept value) as a matplotlib Figure; None
        where the report draws none (more than eight lines, or one point)."""
        return _one_figure(lambda m: m.sweep_files(self.to_dict(), self.sweep, ("md",)))

    def to_frame(self) -> pd.DataFrame:
        """One row per grid point: the values set, P(target) and its s.e., and the target
        year's median and 5-95% range (US$)."""
        import pandas as pd

        rows = []
        for pt in self.sweep.points:
            f = pt.result.feasibility
            q = f.quantiles[pt.result.scenario.target.year]
            rows.append({**dict(pt.values), "probability": f.probability,
                         "probability_se": f.probability_se, "median": q[0.5], "p05": q[0.05],
                         "p95": q[0.95]})
        return pd.DataFrame(rows)


def sweep(question: Question | str | Path, values: Mapping[str, Sequence[Any]], *,
          paths: int | None = None, seed: int | None = None, priors: Any = None) -> SweepResult:
    """Run the question once per value of each key path (every combination for several keys,
    the first slowest), as ``tradecast run --set KEY=V1,V2`` does: each point validated like a
    file, every point on the same paths (common random numbers), each model fitted once.

    Parameters
    ----------
    values : mapping
        Key path (``growth[0].mean``, ``target.value``, ``model``) -> the values to set.
    """
    from forecast.analysis import variants

    q = _question(question)
    p = q.prepared
    sim = p.scenario.simulation
    sw = variants.sweep(p.file.tree, {k: list(v) for k, v in values.items()},
                        loading.bound(p), where=p.file.where,
                        paths=paths if paths is not None else sim.paths,
                        seed=seed if seed is not None else sim.seed, fits={}, prior=_prior(priors))
    return SweepResult(sw, p.file.where)


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Each assumption moved to its low and high value against the question as written."""

    sensitivity: Sensitivity

    def __repr__(self) -> str:
        c = self.sensitivity.central.feasibility.probability
        return f"SensitivityResult(P as written {c:.2%}; {len(self.sensitivity.effects)} assumptions)"

    def summary(self) -> str:
        """The text ``tradecast sensitivity`` prints."""
        from forecast.present import render_multi

        return render_multi.sensitivity_text(self.sensitivity)

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``tradecast sensitivity --json`` prints."""
        from forecast.present import render_multi

        return render_multi.sensitivity_dict(self.sensitivity)

    def figure(self) -> Figure | None:
        """The tornado of the sensitivity report as a matplotlib Figure (None without
        assumptions)."""
        return _one_figure(lambda m: m.sensitivity_files(self.to_dict(), ("md",)))

    def to_frame(self) -> pd.DataFrame:
        """One row per assumption, largest swing first: its values, P(target) at the low and
        the high value with paired standard errors of the change, and the swing."""
        import pandas as pd

        from forecast.analysis.variants import median

        c = self.sensitivity.central
        rows = [{"assumption": e.assumption.label, "key": e.assumption.key,
                 "low": e.assumption.low, "high": e.assumption.high,
                 "p_low": e.low.feasibility.probability, "p_low_diff_se": e.p_low_se,
                 "p_high": e.high.feasibility.probability, "p_high_diff_se": e.p_high_se,
                 "swing": abs(e.high.feasibility.probability - e.low.feasibility.probability),
                 "median_low": median(e.low), "median_high": median(e.high)}
                for e in self.sensitivity.effects]
        frame = pd.DataFrame(rows)
        frame.attrs["p_as_written"] = c.feasibility.probability
        return frame


def sensitivity(question: Question | str | Path, *, paths: int | None = None,
                seed: int | None = None) -> SensitivityResult:
    """Move each assumption to a low and a high value, one at a time on common random numbers,
    as ``tradecast sensitivity`` does (ranges from the scenario's ``sensitivity`` block, else
    the default rules)."""
    from forecast.analysis import variants

    q = _question(question)
    p = q.prepared
    sim = p.scenario.simulation
    s = variants.sensitivity(p, loading.bound(p),
                             paths=paths if paths is not None else sim.paths,
                             seed=seed if seed is not None else sim.seed)
    return SensitivityResult(s)


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Rolling-origin scores of models on a question's own series, at its target's horizon."""

    summaries: dict[str, dict[str, Any]]
    context: dict[str, object]

    def __repr__(self) -> str:
        return (f"BacktestResult({', '.join(self.summaries)}; horizon {self.context.get('horizon')}, "
                f"{len(self.context.get('origins') or [])} origins)")  # type: ignore[arg-type]

    def to_frame(self) -> pd.DataFrame:
        """One row per model: sMAPE, CRPS and interval coverage where it forecast, and the
        tasks it could not."""
        import pandas as pd

        rows = []
        for m, s in self.summaries.items():
            cov = s.get("coverage") or {}
            rows.append({"model": m, "smape": s.get("smape"), "crps": s.get("crps"),
                         **{f"coverage_{k}": v for k, v in cov.items()},
                         "n_tasks": s.get("n_tasks"), "n_failed": s.get("n_failed")})
        return pd.DataFrame(rows).set_index("model")


def backtest(question: Question | str | Path, *, models: Sequence[str] = ("auto",),
             paths: int = 1000, seed: int = 0, calibration: bool = True,
             priors: Any = None) -> BacktestResult:
    """Forecast the question's own series from every origin with at least 8 years of history,
    at its target's horizon, and score the forecasts, as ``tradecast backtest`` does."""
    from forecast.analysis import backtest as bt

    q = _question(question)
    p = q.prepared
    tasks, context = bt.scenario_tasks(p.file.where, p.scenario, p.series)
    calibrate = calibration and p.scenario.model.calibration == "panel"
    summaries, _ = bt.score_all(tasks, [], list(models), p.file.where, paths=paths, seed=seed,
                                calibrate=calibrate, prior=_prior(priors))
    return BacktestResult(summaries, context)
