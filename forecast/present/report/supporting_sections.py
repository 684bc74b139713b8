"""Sections 6–9 of the report, what the answer rests on: the partner's statistics, the
assumptions and models, the backtest, calibration and data, and how to reproduce it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forecast.present.formats import REPORTERS, money, percent_digits, probability_text
from forecast.present.report.blocks import Block, Chart, Code, Items, Para, Table
from forecast.present.report.formatting import (
    _at,
    _bn3,
    _growth,
    _lag_text,
    _pair,
    _pct,
    _target,
    basis,
    vintage,
)


def _partner_section(result: Mapping[str, Any]) -> list[Block]:
    partner = result.get("partner")
    note = _at(result, "partner", "note") or result.get("partner_note") or ""
    rep, par = _pair(result)
    if not partner:
        if "partner" not in result:
            why = "this result was produced without the partner comparison (it is part of the report run)"
        elif not _at(result, "data", "reporter"):
            why = "the scenario uses its own inline history, so there are no partner figures"
        else:
            why = f"there is no answer on {par}'s figures"
        return [Para(f"Not available: {note or why}.")]
    value, year, kind = _target(result)
    who = REPORTERS.get(str(partner.get("reporter")), str(partner.get("reporter")))
    lo = partner.get("last_observed") or {}
    paths = int(partner.get("paths") or result.get("paths") or 1)
    rows = (("Probability", probability_text(float(partner["probability"]), float(partner["probability_se"]),
                                             paths)
             if partner.get("probability_se") is not None else _pct(float(partner["probability"]))),
            ("Last observation",
             f"{lo.get('year')}: {money(float(lo['value']))}" if lo.get("value") else "–"),
            ("Required growth", _partner_growth(partner, year)),
            ("Data vintage", f"figures published by {partner['as_of']}" if partner.get("as_of") else
             "all figures in the file"))
    blocks: list[Block] = [
        Para(f"The same question ({money(value)} {'in' if kind == 'level' else 'by'} {year}) on {who} "
             f"statistics ({partner.get('reporter')}-reported): {_pct(float(partner['probability']))}, "
             f"against {_pct(float(result['probability']))} on {basis(result)}."),
        Table(("", f"On {partner.get('reporter')}'s figures"), rows)]
    if note:
        blocks.append(Para(f"Basis: {note}.", "note"))
    blocks.extend(_asymmetry_blocks(result, rep, par))
    return blocks


def _partner_growth(partner: Mapping[str, Any], year: int) -> str:
    g = partner.get("required_growth")
    if g is None:
        return "–"
    last = _at(partner, "last_observed", "year")
    h = year - int(last) if last is not None else 0
    return f"{_growth(float(g))} a year for {h} years" if h > 1 else f"{_growth(float(g))} in one year"


def _asymmetry_blocks(result: Mapping[str, Any], rep: str, par: str) -> list[Block]:
    rows = result.get("asymmetry") or []
    if not rows:
        return [Para("No year has figures from both countries to compare.", "note")]
    table = tuple((str(r["year"]), _bn3(r.get("reporter_value")), _bn3(r.get("partner_value")),
                   "–" if r.get("gap_pct") is None else f"{float(r['gap_pct']):+.1%}")
                  for r in sorted(rows, key=lambda r: int(r["year"])))
    return [Chart("asymmetry", f"{rep}- and {par}-reported figures by year, and the gap between them"),
            Para(f"Mirror statistics rarely agree: each country values its exports and imports its own way "
                 f"(FOB against CIF, timing, re-exports, informal trade). Gap = {rep} figure / {par} "
                 f"figure − 1."),
            Table(("Year", f"{rep}-reported, US$ bn", f"{par}-reported, US$ bn", "Gap"), table,
                  (False, True, True, True)),
            *_flow_blocks(result, rep, par)]


def _flow_blocks(result: Mapping[str, Any], rep: str, par: str) -> list[Block]:
    """By flow: the mean gap against the partner's mirror figure and its trend."""
    flows = result.get("asymmetry_flows") or []
    if not flows:
        return []
    mirror = {"exports": f"{par} imports", "imports": f"{par} exports", "turnover": f"{par} turnover"}
    rows = tuple((f"{rep} {f['flow']} against {mirror.get(f['flow'], f['flow'])}", str(f["words"]))
                 for f in flows)
    return [Table(("Flow", "Gap and trend (last ten years with both figures)"), rows,
                  caption="Trend: least-squares slope of log(1 + gap) by year, with its standard "
                          "error; `tradecast data asymmetry` lists every year and flow.")]


def _growth_words(g: Mapping[str, Any]) -> str:
    span = _span(g.get("years"))
    dist = g.get("dist")
    if dist == "normal":
        what = f"normal, median {_growth(g.get('mean', 0.0))}, spread {g['sd']:.2f} (log growth)"
    elif dist == "student-t":
        what = (f"Student-t (heavier tails), median {_growth(g.get('mean', 0.0))}, scale {g['scale']:.2f}, "
                f"{g['df']:g} degrees of freedom")
    elif dist == "two-piece-normal":
        below = g["sd_below"] / (g["sd_below"] + g["sd_above"]) if g["sd_below"] + g["sd_above"] else 0.5
        what = (f"two-piece normal, mode {_growth(g['mode'])}, spread {g['sd_below']:.2f} below and "
                f"{g['sd_above']:.2f} above it ({below:.0%} of the mass below the mode)")
    elif dist == "historical":
        what = "resampled from the series' own historical one-year growth rates"
    else:
        what = (f"the model's growth, shifted by {_growth(g.get('shift', 0.0))} and its spread scaled "
                f"×{g.get('scale', 1.0):g}")
        return f"{span}: {what}."
    return f"{span}: growth each year drawn from a {what}, replacing the model's growth."


def _span(years: Any) -> str:
    if not years:
        return "Every simulated year"
    a, b = (years, years) if isinstance(years, int) else (years[0], years[-1])
    return f"{a}" if a == b else f"{a}–{b}"


def _impact_words(impact: Any) -> str:
    if isinstance(impact, (int, float)):
        return f"trade changes by {float(impact):+.0%}"
    dist = impact.get("dist")
    if dist == "uniform":
        return f"trade changes by between {impact['low']:+.0%} and {impact['high']:+.0%} (uniform)"
    if dist == "normal":
        return (f"trade changes by a normal draw, median {impact.get('mean', 0.0):+.0%}, "
                f"spread {impact['sd']:.2f}")
    if dist == "student-t":
        return (f"trade changes by a Student-t draw, median {impact.get('mean', 0.0):+.0%}, scale "
                f"{impact['scale']:.2f}, {impact['df']:g} df")
    if dist == "two-piece-normal":
        return (f"trade changes by a two-piece normal draw, mode {impact['mode']:+.0%}, spread "
                f"{impact['sd_below']:.2f} below and {impact['sd_above']:.2f} above")
    return f"impact {impact}"


def _shock_words(s: Mapping[str, Any]) -> str:
    rec = float(s.get("recovery") or 0.0)
    after = ("the hit lasts (no recovery)" if rec == 0 else "the hit is gone the next year" if rec == 1 else
             f"{rec:.0%} of the hit recovers the next year")
    return (f"{s.get('name')}: in each year {_span(s.get('years')).lower()} with probability "
            f"{float(s['probability']):.0%}, independently, {_impact_words(s['impact'])}; {after}.")


def _params(d: Mapping[str, Any], skip: tuple[str, ...]) -> str:
    return ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
                     for k, v in d.items() if k not in skip)


def _assumptions_section(result: Mapping[str, Any]) -> list[Block]:
    growth = _at(result, "assumptions", "growth", default=[])
    shocks = _at(result, "assumptions", "shocks", default=[])
    blocks: list[Block] = []
    if not growth and not shocks:
        blocks.append(Para("No growth assumptions or shocks: the simulated paths are the model's own."))
    if growth:
        blocks.append(Items(tuple(_growth_words(g) for g in growth)))
        blocks.append(Table(("Years", "Distribution", "Parameters"),
                            tuple((_span(g.get("years")), str(g.get("dist", "adjust")),
                                   _params(g, ("years", "dist"))) for g in growth),
                            caption="Growth assumptions (rates as growth, spreads of log growth)"))
    if shocks:
        blocks.append(Items(tuple(_shock_words(s) for s in shocks)))
        blocks.append(Table(("Shock", "Years", "Probability a year", "Impact", "Recovery next year"),
                            tuple((str(s.get("name")), _span(s.get("years")),
                                   f"{float(s['probability']):.0%}", _impact_words(s["impact"]),
                                   f"{float(s.get('recovery') or 0):.0%}") for s in shocks),
                            caption="Shocks"))
    blocks.extend(_model_blocks(result))
    return blocks


def _model_blocks(result: Mapping[str, Any]) -> list[Block]:
    m = result.get("model") or {}
    blocks: list[Block] = []
    chosen = m.get("name", "?")
    requested = m.get("requested")
    how = f" (requested: {requested})" if requested and requested != chosen else ""
    blocks.append(Para(f"Model of this answer: {chosen}{how}. {m.get('description', '')}".strip()))
    by_model = result.get("probability_by_model") or {}
    if by_model:
        rows = tuple(_model_row(name, v, name == chosen) for name, v in by_model.items())
        blocks.append(Table(("Model", "Probability", "Monte Carlo s.e.", "Paths"), rows,
                            (False, True, True, True), "The same question under each model"))
    if result.get("probability_closed_form") is not None:
        blocks.append(Para("A standard error of 0 marks an exact probability: the model's predictive "
                           "distribution in closed form (the simulation only checks it).", "note"))
    for f in m.get("failed") or []:
        blocks.append(Para(f"Model {f.get('name')} could not be used: {f.get('reason')}.", "note"))
    return blocks


def _model_row(name: str, v: Mapping[str, Any], chosen: bool) -> tuple[str, ...]:
    p, se, n = float(v["probability"]), float(v["probability_se"]), int(v["paths"])
    exact = se == 0 and (n == 0 or bool(v.get("exact")))
    d = percent_digits(se) if se > 0 else 4
    return (name + (" (this answer)" if chosen else ""), f"{p * 100:.{d}f}%",
            "0 (exact)" if exact else f"± {se * 100:.{d}f} pp", f"{n:,}" if n else "– (closed form)")


def _trust_section(result: Mapping[str, Any]) -> list[Block]:
    blocks: list[Block] = [*_backtest_blocks(result), *_calibration_blocks(result)]
    lag = _lag_text(result)
    blocks.append(Para(f"Data vintage: {vintage(result)}" + (f"; {lag}." if lag else ".")))
    notes = result.get("notes") or []
    if notes:
        blocks.append(Items(tuple(notes)))
    blocks.extend(_figure_blocks(result))
    return blocks


def _backtest_blocks(result: Mapping[str, Any]) -> list[Block]:
    bt = result.get("backtest")
    if not bt:
        why = ("this result was produced without the backtest (it is part of the report run)"
               if "backtest" not in result else
               "the series is too short for rolling-origin forecasts at this horizon, or every one failed")
        return [Para(f"No backtest of this series: {why}. Run tradecast backtest on the scenario to "
                     f"measure it.")]
    origins = bt.get("origins") or []
    cov = bt.get("coverage") or {}
    span = f"from origins {origins[0]}–{origins[-1]}" if origins else ""
    rows = tuple((f"central {lv}%", _share(_at(cov, lv, "h1")), _share(_at(cov, lv, "all")), f"{lv}%")
                 for lv in ("80", "95") if lv in cov)
    text = (f"Rolling-origin backtest of {bt.get('model')} on this series: {bt.get('n_tasks')} forecasts "
            f"{span}, each up to {bt.get('horizon')} year(s) ahead, fitted only on the years up to and "
            f"including its origin ({int(bt.get('paths', 1000)):,} paths each, seed {bt.get('seed', 0)}, "
            f"whatever the run's own settings). An "
            f"interval that is right about its uncertainty contains the outcome as often as it "
            f"claims; fewer means the intervals are too narrow. Growth assumptions and shocks are "
            f"not part of the backtest: it judges the model alone.")
    out: list[Block] = [Para(text), Table(("Interval", "Outcomes inside, 1 year ahead", "All horizons",
                                           "Nominal"), rows, (False, True, True, True),
                                          "Coverage of the backtest intervals")]
    extra = []
    if bt.get("smape") is not None:
        extra.append(f"sMAPE of the median {float(bt['smape']):.1f} (0–200)")
    if bt.get("crps") is not None:
        extra.append(f"CRPS of log values {float(bt['crps']):.3f}")
    if extra:
        out.append(Para("; ".join(extra) + f". With {bt.get('n_tasks')} overlapping forecasts of one series, "
                        "these are rough.", "note"))
    return out


def _share(v: Any) -> str:
    return "–" if v is None else f"{float(v):.0%}"


def _calibration_blocks(result: Mapping[str, Any]) -> list[Block]:
    cal = result.get("calibration")
    if not cal:
        return [Para("Calibration applied: none; the intervals are the model's own.")]
    def joined(factors: Mapping[str, Any]) -> str:
        return "/".join(f"{float(v):.2f}" for _, v in sorted(factors.items(), key=lambda kv: int(kv[0])))

    if cal.get("method") == "priors":
        years = ", ".join(sorted(cal.get("lower") or {}, key=int))
        out: list[Block] = [Para(
            "Calibration applied: the pooled model's tail factors, learned with its priors on the "
            f"trade panel; deviations below the median scaled ×{joined(cal.get('lower') or {})} and "
            f"above it ×{joined(cal.get('upper') or {})} (per year ahead; below 1 narrows, above 1 "
            f"widens; {years}).")]
    else:
        factors = cal.get("factors") or {}
        out = [Para("Calibration applied: factors learned on the trade panel; deviations from "
                    f"the point forecast scaled ×{joined(factors)} (per year ahead; below 1 narrows, "
                    f"above 1 widens; {', '.join(sorted(factors, key=int))}).")]
    if cal.get("about"):
        out.append(Para(str(cal["about"]), "note"))
    if cal.get("rule"):
        out.append(Para(f"Rule: {cal['rule']}.", "note"))
    return out


def _figure_blocks(result: Mapping[str, Any]) -> list[Block]:
    figures = _at(result, "data", "figures", default=[])
    if not figures:
        return [Para("Figures: the scenario's inline history (no data file).")]
    sources: dict[str, int] = {}
    rows = []
    for f in figures:
        comps = f.get("components") or []
        if not comps:
            rows.append((str(f["period"]), _bn3(f.get("value")), "", "", "inline", "", "", ""))
            continue
        for i, c in enumerate(comps):
            ref = sources.setdefault(c.get("source") or "unknown", len(sources) + 1)
            published = c.get("published") or ("assumed" if c.get("publication_date_assumed") else "–")
            rows.append((str(f["period"]) if i == 0 else "", _bn3(f.get("value")) if i == 0 else "",
                         str(c.get("flow", "")), _bn3(c.get("value")), str(c.get("basis", "")), published,
                         ", ".join(c.get("flags") or []), f"[{ref}]"))
    return [Table(("Period", "Total, US$ bn", "Flow", "Value, US$ bn", "Basis", "Published", "Flags",
                   "Source"), tuple(rows), (False, True, False, True, False, False, False, False),
                  "Every figure used (published “assumed”: the publication-lag rule dated it)"),
            Items(tuple(f"[{n}] {s}" for s, n in sources.items()))]


def _reproduce_section(result: Mapping[str, Any]) -> list[Block]:
    rep = result.get("reproduce") or {}
    scenario = result.get("scenario") or {}
    command = rep.get("command")
    blocks: list[Block] = []
    if command:
        blocks.append(Code(str(command)))
    else:
        blocks.append(Para("The exact command was not recorded in this result; this one repeats the "
                           "simulation:", "note"))
        blocks.append(Code(f"tradecast run {scenario.get('file', '<scenario.yaml>')} --seed "
                           f"{rep.get('seed', result.get('seed'))} --paths {result.get('paths')}"))
    rows = [("Seed", str(rep.get("seed", result.get("seed")))),
            ("Paths", f"{int(rep.get('paths') or result.get('paths') or 0):,}"),
            ("Scenario file", str(scenario.get("file", "–"))),
            ("Scenario SHA-256", str(rep.get("scenario_sha256") or scenario.get("sha256") or "–")),
            ("Data file", str(_at(result, "data", "file", default="none (inline history)"))),
            ("Data SHA-256", str(rep.get("data_sha256") or _at(result, "data", "sha256", default="–")))]
    versions = rep.get("versions") or result.get("versions") or {}
    rows += [(f"{name} version", str(v)) for name, v in versions.items()]
    blocks.append(Table(("", ""), tuple(rows)))
    blocks.append(Para("The same scenario and data files (same SHA-256), seed and paths give the same "
                       "numbers with these package versions.", "note"))
    return blocks
