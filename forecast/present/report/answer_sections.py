"""Sections 1–5 of the report: the answer, the target stated exactly, the projected path,
the target-year distribution and the required growth against history."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forecast.present.formats import MEASURES, money, probability_text
from forecast.present.report.blocks import Block, Chart, Para, Table
from forecast.present.report.formatting import (
    _at,
    _bn3,
    _growth,
    _lag_text,
    _measure,
    _pct,
    _target,
    _years_text,
    basis,
    first_years,
    vintage,
)

LEVELS: tuple[str, ...] = ("0.025", "0.1", "0.25", "0.5", "0.75", "0.9", "0.975")


def _answer(result: Mapping[str, Any]) -> list[Block]:
    value, year, kind = _target(result)
    answer = result.get("answer")
    if not answer:
        when = f"in {year}" if kind == "level" else f"in some year up to {year}"
        answer = (f"About {_pct(result['probability'])} that {_measure(result)} reaches {money(value)} "
                  f"{when}, on {basis(result)}.")
    p, se, paths = result["probability"], result["probability_se"], result.get("paths") or 1
    label = ("P(target value in the target year)" if kind == "level" else
             "P(target reached by the target year)")
    nc = result.get("nowcast")
    both = result.get("reporters")
    eff = result.get("effective_paths")
    weighted = (f"{paths:,} simulated paths weighted by the later figures below, effectively "
                f"{eff:,.0f}" if eff else f"{paths:,} simulated paths")
    if result.get("probability_method") == "closed-form":
        mc = result["monte_carlo"]
        sim = probability_text(mc["probability"], mc["probability_se"], paths)
        exact = probability_text(p, se, paths, exact=True)
        how = (f"{label} = {exact}: the model's predictive distribution in "
               f"closed form. The simulation agrees: {sim} (Monte Carlo standard error; {weighted}, "
               f"seed {result.get('seed')}); the charts and quantiles come from it.")
    else:
        how = (f"{label} = {probability_text(p, se, paths)} (Monte Carlo standard error; "
               f"{weighted}, seed {result.get('seed')}).")
    blocks: list[Block] = [Para(answer, "lead"), Para(how)]
    if nc:
        blocks.append(Para(_ytd_words(result, nc)))
    if both:
        blocks.append(Para(_both_words(result, both)))
    by_model = result.get("probability_by_model") or {}
    if len(by_model) > 1:
        lo, hi = (_pct(f(float(m["probability"]) for m in by_model.values())) for f in (min, max))
        spread = f"is about {lo} under each" if lo == hi else f"ranges from {lo} to {hi}"
        blocks.append(Para(f"Across the {len(by_model)} models fitted to the same figures the probability "
                           f"{spread} (section 7).", "note"))
    rb = result.get("robustness") or {}
    if rb.get("choices"):
        blocks.append(Chart("choices", "Dot chart: the probability under each reasonable choice (the "
                                       "models, the start of the series, the other country's statistics, "
                                       "the data one publication earlier), with the answer as a line"))
    return blocks


def _ytd_words(result: Mapping[str, Any], nc: Mapping[str, Any]) -> str:
    """The year-to-date figure the run is conditioned on, and where it stands."""
    from forecast.engine.nowcast import MONTHS, month_range

    value, year, _ = _target(result)
    month = MONTHS[int(nc["month"]) - 1]
    share, track = nc["share"], nc["on_track"]
    text = (f"Known so far: {month_range(int(nc['month']))} {nc['year']}, {money(float(nc['value']))}. "
            f"By {month} a year usually has {share['median']:.0%} of its total (80% range "
            f"{share['p10']:.0%}–{share['p90']:.0%}; from {nc['share_source']}).")
    if int(nc["year"]) == year:
        text += (f" On course for {money(value)} means about {money(float(track['needed']))} by "
                 f"{month} ({money(float(track['needed_p10']))}–{money(float(track['needed_p90']))}); "
                 f"the year stands at {float(track['ratio']):.0%} of that. The forecast of {year} "
                 "is the model's, updated by this figure (Bayes' rule).")
    return text


def _both_words(result: Mapping[str, Any], both: Mapping[str, Any]) -> str:
    """What the other country's figures add, and the answer on its figures."""
    a, b = both["basis"], both["other"]
    later = both.get("later_figures") or {}
    if later:
        figs = ", ".join(f"{y}: {money(float(v))}" for y, v in later.items())
        text = (f"Both countries' statistics are used: {b} has published figures {a} has not yet "
                f"({figs}); they inform the forecast on {a}'s figures through the gap between the "
                f"two countries' statistics, modelled as {both['gap']['description']}.")
    else:
        text = (f"Both countries' statistics were asked for, but {b} has no year {a} lacks; the "
                f"gap between them is modelled as {both['gap']['description']}.")
    other = both.get("other_basis")
    if other:
        p = probability_text(other["probability"], other["probability_se"], result.get("paths") or 1)
        text += f" The same target on {b}'s figures: {p}."
    return text


def _last_figure(result: Mapping[str, Any]) -> Mapping[str, Any] | None:
    year = str(_at(result, "last_observed", "year", default=""))
    for f in _at(result, "data", "figures", default=[]):
        if str(f.get("period")) == year:
            return f
    return None


def _provenance(figure: Mapping[str, Any] | None) -> str:
    if not figure or not figure.get("components"):
        return "inline history"
    parts = []
    comps = figure["components"]
    for b in sorted({c.get("basis") or "basis unknown" for c in comps}):
        dates = sorted({c["published"] for c in comps if (c.get("basis") or "basis unknown") == b
                        and c.get("published")})
        parts.append(b + (f", published {', '.join(dates)}" if dates else ", publication date assumed"))
    flags = sorted({fl for c in comps for fl in c.get("flags") or []})
    return "; ".join(parts) + (f"; flagged {', '.join(flags)}" if flags else "")


def _target_section(result: Mapping[str, Any]) -> list[Block]:
    value, year, kind = _target(result)
    last = result["last_observed"]
    h = year - int(last["year"])
    measure = _measure(result)
    what = f"{MEASURES.get(measure, measure)} ≥ {money(value)}"
    when = (f"in {year} itself (a “level” target)" if kind == "level" else
            f"in any year from {int(last['year']) + 1} to {year} (a “by” target: reached once is enough)")
    g = result["required_growth"]
    need = (f"{_growth(g)} a year for {h} years" if h > 1 else f"{_growth(g)} in one year")
    rows = [("Target", what), ("When", when), ("Whose statistics", basis(result)),
            ("What is counted", "goods trade (customs and trade statistics), current US dollars: "
                                "not adjusted for prices or exchange rates"),
            ("Last observation", f"{last['year']}: {money(float(last['value']))} "
                                 f"({_provenance(_last_figure(result))})"),
            ("Required growth", f"{need}, from {money(float(last['value']))} in {last['year']}"),
            ("Data", "; ".join(x for x in (_at(result, "data", "file", default="inline history"),
                                           vintage(result), _lag_text(result)) if x))]
    title = _at(result, "scenario", "title")
    blocks: list[Block] = []
    if title:
        blocks.append(Para(f"As the scenario states it: {title}"))
    blocks.append(Table(("", ""), tuple(rows)))
    return blocks


def _fan_section(result: Mapping[str, Any]) -> list[Block]:
    q = result.get("quantiles") or {}
    if not q:
        return [Para("No forecast quantiles in this result.")]
    value, year, _ = _target(result)
    years = sorted(q, key=int)
    t = q.get(str(year)) or q[years[-1]]
    rows = tuple((str(y), *(_bn3(_at(q, y, lv)) for lv in LEVELS)) for y in years)
    return [
        Chart("fan", "Fan chart: observed trade, the median simulated path and its central bands, "
                     "with the target"),
        Para(f"Median path: {money(float(t['0.5']))} in {year}; central 80% band "
             f"{money(float(t['0.1']))} to {money(float(t['0.9']))}. The bands are central: the 80% band "
             f"runs from the 10th to the 90th percentile of simulated paths, so 10% of paths lie above it "
             f"and 10% below it in each year."),
        Table(("Year", "2.5%", "10%", "25%", "50% (median)", "75%", "90%", "97.5%"), rows,
              (False,) + (True,) * 7, "Percentiles of simulated values, US$ bn"),
    ]


def _distribution_section(result: Mapping[str, Any]) -> list[Block]:
    value, year, kind = _target(result)
    t = _at(result, "quantiles", str(year), default={})
    blocks: list[Block] = [Chart("distribution", f"Histogram of simulated values in {year}, with the "
                                                 f"target {money(value)} marked")]
    if t:
        blocks.append(Para(f"In {year}, half of the simulated paths lie between {money(float(t['0.25']))} "
                           f"and {money(float(t['0.75']))}, and 95% between {money(float(t['0.025']))} "
                           f"and {money(float(t['0.975']))}."))
    if kind == "level":
        blocks.append(Para(f"The target counts only the value in {year}: the probability in section 1 is "
                           f"the share of paths at or above {money(value)} in that year."))
        return blocks
    reach = result.get("reached_by_year") or {}
    first = first_years(result)
    blocks.append(Chart("reach", "Probability of having reached the target by each year, and of "
                                 "reaching it first in each year"))
    rows = tuple((str(y), _pct(float(reach[y])), _pct(first.get(str(y), 0.0)))
                 for y in sorted(reach, key=int))
    blocks.append(Table(("Year", "Reached by this year", "First reached in this year"), rows,
                        (False, True, True)))
    never = 1.0 - float(result["probability"])
    blocks.append(Para(f"Not reached in any year up to {year}: {_pct(never)} of paths. A “by” target "
                       f"counts a path once it touches {money(value)} in any simulated year, even if it "
                       f"falls back."))
    return blocks


def _growth_section(result: Mapping[str, Any]) -> list[Block]:
    rec = result.get("required_growth_history") or {}
    g = result["required_growth"]
    value, year, _ = _target(result)
    h = year - int(result["last_observed"]["year"])
    rates = {int(y): float(r) for y, r in (rec.get("growth_by_year") or {}).items()}
    blocks: list[Block] = [Chart("growth", "Bar chart of historical one-year growth rates, with the "
                                           "required rate as a line")]
    need = f"{_growth(g)} a year for {h} years" if h > 1 else f"{_growth(g)} in one year"
    n, k = rec.get("years", len(rates)), rec.get("years_at_least", sum(r >= g for r in rates.values()))
    text = f"The target needs {need}. One-year growth at least that large happened in {k} of {n} " \
           f"historical years" + (f" ({k / n:.0%})" if n else "")
    if rates:
        top = max(rates, key=lambda y: rates[y])
        text += f"; the largest was {_growth(rates[top])} in {top}"
    blocks.append(Para(text + "."))
    breaks = rec.get("break_years")
    if breaks is None or rec.get("years_without_breaks") is None:
        blocks.append(Para("Years whose growth crosses a change of data source are not identified in this "
                           "result, so no count without them is given.", "note"))
    elif breaks:
        blocks.append(Para(f"Leaving out the {len(breaks)} year(s) whose growth crosses a change of data "
                           f"source ({_years_text(breaks)}), where growth partly reflects the change of "
                           f"source: {rec['years_at_least_without_breaks']} of {rec['years_without_breaks']} "
                           f"years."))
    else:
        blocks.append(Para("No year's growth crosses a change of data source.", "note"))
    if rec.get("record_text") and h > 1:
        blocks.append(Para(f"Like with like: the target needs that growth on average over {h} years "
                           f"in a row, and history's {h}-year windows (overlapping) show "
                           f"{rec['record_text']}."))
    elif rec.get("record_text"):
        blocks.append(Para(f"Counted within one basis and without flagged figures: {rec['record_text']}."))
    elif h > 1:
        blocks.append(Para(f"The target needs that growth on average over {h} years in a row; single years "
                           f"that fast are more common than {h}-year runs averaging it.", "note"))
    return blocks
