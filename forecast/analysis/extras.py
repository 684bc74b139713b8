"""What a report adds to a run: the same question on the partner's figures, the two
countries' figures side by side, and a backtest of the series."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forecast.analysis.pipeline import run
from forecast.analysis.results import RunResult
from forecast.data.table import TradeData


@dataclass(frozen=True, eq=False)
class Extras:
    """What a report adds to a run: the partner's statistics, and backtests of this series.

    Attributes
    ----------
    partner : RunResult or None
        The same question on the other country's figures (same vintage and model).
    partner_note : str
        Why there is no partner answer, or what it rests on.
    asymmetry : list of dict
        By year: each country's figure for the same trade, and the gap in %.
    backtest : dict or None
        Rolling-origin metrics of the scenario's model on this series, at the target's horizon.
    asymmetry_flows : list of dict
        By flow (exports, imports, turnover against the partner's mirror figures): the mean
        gap over the last years with both and its trend (:func:`forecast.asymmetry.trend`).
    """

    partner: RunResult | None
    partner_note: str
    asymmetry: list[dict[str, float | int | None]]
    backtest: dict[str, object] | None
    asymmetry_flows: list[dict[str, Any]] = field(default_factory=list)


def extras(result: RunResult, data: TradeData | None, *, backtest_paths: int = 1000,
           backtest_seed: int = 0) -> Extras:
    """Compute the report's extra sections for a finished run."""
    from forecast.analysis import backtest as bt
    from forecast.errors import ForecastError

    sc, s = result.scenario, result.series
    partner, note, rows = None, "the scenario uses an inline history: no partner figures", []
    trends: list[Any] = []
    if sc.data is not None and data is not None and s.partner:
        other = sc.model_copy(update={"data": sc.data.model_copy(
            update={"reporter": s.partner, "partner": s.reporter, "basis": None})})
        try:
            partner = run(other, data, where=result.where, paths=min(result.simulation.paths, 100_000),
                          seed=result.simulation.seed, per_model=False, prior=result.prior)
            ps = partner.series
            ahead = sc.target.year - ps.last_year
            note = ((f"{s.partner}-reported figures published by {sc.data.as_of}" if sc.data.as_of
                     else f"all {s.partner}-reported figures in the file")
                    + f"; the last is for {ps.last_year}, so this is a {ahead}-year-ahead question"
                    + (f" (on {s.reporter}'s figures: {sc.target.year - s.last_year})"
                       if ahead != sc.target.year - s.last_year else ""))
            hidden = [n for n in ps.notes if "not yet public" in n]
            if hidden:
                note += "; " + "; ".join(hidden)
            if sc.growth or sc.shocks:
                note += ("; the scenario's growth assumptions and shocks are applied unchanged to "
                         f"{s.partner}'s figures")
            if result.nowcast is not None and partner.nowcast is None:
                note += (f"; unlike the main answer, it has no year-to-date figure of "
                         f"{result.nowcast.year} to condition on ({s.reporter}'s "
                         f"{result.nowcast.period} is on {s.reporter}'s statistics)")
            if result.mirror is not None:
                note += (f"; it uses {s.partner}'s figures alone, while the main answer links the "
                         "two countries' figures through the reporter gap"
                         + (f" (its answer on {s.partner}'s figures is in section 1)"
                            if sc.target.kind == "level" else ""))
        except ForecastError as e:
            note = f"no answer on {s.partner}'s figures: {e.problems[0].message}"
        if partner is not None:
            from forecast.data import asymmetry

            flows = asymmetry.table(data, s.reporter, s.partner, as_of=sc.data.as_of,
                                    lag_months=sc.data.publication_lag_months)
            trends = [asymmetry.trend(flows, f) for f in asymmetry.MIRROR]
            mine = dict(zip(s.years.tolist(), s.values.tolist()))
            theirs = dict(zip(partner.series.years.tolist(), partner.series.values.tolist()))
            for y in sorted(set(mine) | set(theirs)):
                a, b = mine.get(y), theirs.get(y)
                rows.append({"year": int(y), "reporter_value": a, "partner_value": b,
                             "gap_pct": (a / b - 1.0) if a and b else None})
    horizon = sc.target.year - s.last_year
    tasks = list(bt.rolling_tasks(sc.name, s.years, s.values, horizon))
    summary = None
    if tasks:
        results = bt.run_tasks(tasks, [sc.model.name], paths=backtest_paths, seed=backtest_seed,
                               calibrate=sc.model.calibration == "panel", workers=1,
                               prior=result.prior)
        full = bt.summarise(tasks, results, sc.model.name)
        if "smape" in full:
            summary = {"model": sc.model.name, "origins": [t.origin for t in tasks], "horizon": horizon,
                       "coverage": full["coverage"], "smape": full["smape"], "crps": full["crps"],
                       "n_tasks": full["n_tasks"], "n_failed": full["n_failed"],
                       "paths": backtest_paths, "seed": backtest_seed}
    flow_rows = [{"flow": t.flow, "years": list(t.years), "n": t.n, "mean_gap": t.mean_gap,
                  "slope_log_per_year": t.slope, "slope_se": t.slope_se, "words": t.words}
                 for t in trends if t.n]
    return Extras(partner=partner, partner_note=note, asymmetry=rows, backtest=summary,
                  asymmetry_flows=flow_rows)
