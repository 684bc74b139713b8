"""The charts a result gets (:func:`charts_for`), with their titles and captions, and the
simulated values in the target year they are drawn from (:func:`target_values`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.present.report.formatting import (
    _at,
    _caption,
    _growth,
    _measure,
    _pair,
    _pct,
    _short_money,
    _sim_text,
    _target,
    first_years,
    vintage,
)

if TYPE_CHECKING:
    from forecast.analysis.results import RunResult


def charts_for(result: Mapping[str, Any], target_values: np.ndarray | None = None) -> dict[str, bytes]:
    """Draw the report's charts for a result.

    Parameters
    ----------
    result : mapping
        The result dict (:func:`forecast.render.as_dict`).
    target_values : ndarray, optional
        Simulated values (US dollars) in the target year, one per path; without them
        the target-year histogram is left out.

    Returns
    -------
    dict
        Chart key (:data:`CHART_KEYS`) to PNG bytes; only the charts the result supports.
    """
    from forecast.present import charts, history_charts
    from forecast.present.formats import headline_percent

    value, year, kind = _target(result)
    out: dict[str, bytes] = {}
    hist_years, hist_values = _history(result)
    q = result.get("quantiles") or {}
    if q:
        years = sorted(int(y) for y in q)
        h = year - int(result["last_observed"]["year"])
        keep = max(10, 3 * h)
        nc = result.get("nowcast")
        known = None
        if nc:
            from forecast.engine.nowcast import month_range

            known = (int(nc["year"]), float(nc["value"]),
                     f"known: {month_range(int(nc['month']))} {nc['year']}")
        out["fan"] = charts.fan_chart(hist_years[-keep:], hist_values[-keep:], years, q, value, year,
                                      _fan_title(result), _caption(result, _sim_text(result)),
                                      known=known)
    if target_values is not None and np.size(target_values):
        out["distribution"] = charts.target_distribution(
            np.asarray(target_values), value, year, _distribution_title(result, target_values),
            _caption(result, _sim_text(result)))
    rb = result.get("robustness") or {}
    if rb.get("choices"):
        ps = [float(c["probability"]) for c in rb["choices"]]
        span = f"{headline_percent(rb['min'])} to {headline_percent(rb['max'])}"
        out["choices"] = history_charts.choices(
            [str(c["choice"]) for c in rb["choices"]], ps, float(result["probability"]),
            f"Under reasonable choices the probability ranges from {span}",
            _caption(result, "Each choice is the scenario with one key changed, on the same seed."))
    if kind == "by" and len(result.get("reached_by_year") or {}) > 1:
        out["reach"] = history_charts.reach_by_year(result["reached_by_year"], first_years(result),
                                            _reach_title(result), _caption(result, _sim_text(result)))
    rec = result.get("required_growth_history") or {}
    if rec.get("growth_by_year"):
        years_g = sorted(int(y) for y in rec["growth_by_year"])
        out["growth"] = history_charts.growth_history(
            years_g, [rec["growth_by_year"][str(y)] for y in years_g], result["required_growth"],
            rec.get("break_years") or [], _growth_title(result),
            _caption(result, "Growth from one year's figure to the next; hatched: the two figures come "
                             "from different data sources."))
    rows = result.get("asymmetry") or []
    if len([r for r in rows if r.get("gap_pct") is not None]) >= 2:
        rep, par = _pair(result)
        out["asymmetry"] = history_charts.asymmetry(rows, rep, par, _asymmetry_title(result),
                                            _asymmetry_caption(result))
    return out


def target_values(result: RunResult) -> np.ndarray:
    """The simulated values (US dollars) in the target year of a run, one per kept path.

    A weighted run (year-to-date figure, the other country's later figures) is turned into
    an equally weighted sample of the same size by systematic resampling (fixed offsets, so
    the same run gives the same sample): histograms, medians and shares drawn from it are
    then the weighted ones the rest of the report states.
    """
    from forecast.analysis.feasibility import sample_weights

    sim, year = result.simulation, result.scenario.target.year
    idx = int(np.flatnonzero(np.asarray(sim.years) == year)[0])
    x = np.asarray(sim.sample)[:, idx]
    w = sample_weights(sim)
    if w is not None:
        cw = np.cumsum(w)
        x = x[np.minimum(np.searchsorted(cw, (np.arange(len(x)) + 0.5) / len(x) * cw[-1]), len(x) - 1)]
    with np.errstate(over="ignore", under="ignore"):
        return np.exp(x)


def _history(result: Mapping[str, Any]) -> tuple[list[int], list[float]]:
    """The series used: ``history``, else the annual figures listed under ``data``."""
    hist = result.get("history") or {}
    if hist.get("years") and hist.get("values"):
        return [int(y) for y in hist["years"]], [float(v) for v in hist["values"]]
    pairs = [(int(f["period"]), float(f["value"])) for f in _at(result, "data", "figures", default=[])
             if str(f.get("period", "")).isdigit() and f.get("value") is not None]
    if not pairs and result.get("last_observed"):
        lo = result["last_observed"]
        pairs = [(int(lo["year"]), float(lo["value"]))]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _fan_title(result: Mapping[str, Any]) -> str:
    value, year, kind = _target(result)
    when = f"in {year}" if kind == "level" else f"by {year}"
    return (f"{_measure(result).capitalize()} reaches {_short_money(value)} {when} in "
            f"{_pct(result['probability'])} of simulated paths")


def _distribution_title(result: Mapping[str, Any], values: np.ndarray) -> str:
    value, year, _ = _target(result)
    v = np.asarray(values, dtype=float)
    share = float(np.mean(v >= value))
    return (f"In {year}, the median path is at {_short_money(float(np.median(v)))}; "
            f"{_pct(share)} of paths are at or above the {_short_money(value)} target")


def _reach_title(result: Mapping[str, Any]) -> str:
    value, year, _ = _target(result)
    reach = result["reached_by_year"]
    first = min(reach, key=int)
    return (f"The chance of having reached {_short_money(value)} rises from {_pct(reach[first])} by "
            f"{first} to {_pct(reach[str(year)] if str(year) in reach else result['probability'])} "
            f"by {year}")


def _growth_title(result: Mapping[str, Any]) -> str:
    rec = result["required_growth_history"]
    g = result["required_growth"]
    h = _target(result)[1] - int(result["last_observed"]["year"])
    need = f"{_growth(g)} a year is needed for {h} years" if h > 1 else f"{_growth(g)} is needed in one year"
    without = ""
    if rec.get("years_without_breaks") is not None and rec.get("break_years"):
        without = (f" ({rec['years_at_least_without_breaks']} of {rec['years_without_breaks']} "
                   f"without source changes)")
    return (f"{need}; one-year growth was that large in {rec['years_at_least']} of {rec['years']} "
            f"years{without}")


def _asymmetry_title(result: Mapping[str, Any]) -> str:
    rep, par = _pair(result)
    rows = [r for r in result.get("asymmetry") or [] if r.get("gap_pct") is not None]
    last = max(rows, key=lambda r: int(r["year"]))
    gap = float(last["gap_pct"])
    gaps = [float(r["gap_pct"]) for r in rows]
    side = "above" if gap >= 0 else "below"
    return (f"{rep}-reported {_measure(result)} was {abs(gap):.0%} {side} {par}-reported in "
            f"{last['year']}; the gap ranged from {min(gaps):+.0%} to {max(gaps):+.0%} in {len(rows)} "
            f"years with both figures")


def _asymmetry_caption(result: Mapping[str, Any]) -> str:
    return (f"Goods trade between the two countries, {_measure(result)}, current US$, as each country's "
            f"statistics report it. Data: {_at(result, 'data', 'file', default='the data file')}, "
            f"{vintage(result)}.")
