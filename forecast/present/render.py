"""Rendering of one run: terminal summary, JSON result, and backtest tables. Only the
bookkeeping a reader needs (break years, first year reached) is derived here; no models."""

from __future__ import annotations

from typing import Any

from forecast.analysis.extras import Extras
from forecast.analysis.feasibility import QUANTILE_LEVELS
from forecast.analysis.results import RunResult, fingerprint, versions
from forecast.data.series import Used
from forecast.present.formats import (
    REPORTERS,
    _bn,
    headline_percent,
    money,
    percent_digits,
    probability_text,
)
from forecast.present.render_later import (
    both_dict,
    both_text,
    nowcast_dict,
    precision_text,
    ytd_text,
)
from forecast.present.render_model import _calibration, calibration_text, model_text, pool_dict

#: Version of the JSON result's contract (docs/json.md): changes when a key changes meaning
#: or goes away; new keys may be added without it.
SCHEMA_VERSION = 1


def basis_of(result: RunResult) -> str:
    s = result.series
    if not s.reporter:
        return "inline history"
    who = REPORTERS.get(s.reporter, s.reporter)
    return f"{who} statistics ({s.reporter}-reported, partner {s.partner})"


def _probability_lines(result: RunResult) -> list[str]:
    """The summary's probability: the headline with its spread across models, then how it was
    obtained (closed form and its simulation check, or the simulation with its s.e.)."""
    f, t = result.feasibility, result.scenario.target
    sim = result.simulation
    weighted = (f"{f.paths:,} paths weighted by later figures, effective "
                f"{sim.effective_paths:,.0f}" if sim.weights is not None else
                f"{f.paths:,} paths in antithetic pairs" if sim.antithetic else f"{f.paths:,} paths")
    if already_reached(result):
        return [f"Probability    P({'level' if t.kind == 'level' else 'reached'}) = 100%, "
                "exactly: the year-to-date figure already reaches the target, and trade is "
                "never negative"]
    stop = ""
    if result.precision is not None:
        met = bool(result.simulation.precision_met)
        stop = (f"; stopped once s.e. <= {result.precision * 100:g} pp" if met else
                f"; s.e. {result.precision * 100:g} pp not reached within {f.paths:,} paths")
    mc = (f"{probability_text(f.probability, f.probability_se, f.paths)} "
          f"(Monte Carlo s.e.; {weighted}, seed {f.seed}{stop})")
    spread = _spread(result)
    lines = [f"Probability    {headline_percent(result.probability)}" + (f" ({spread})" if spread else "")]
    if result.closed_form is None:
        lines.append(f"               P({'level' if t.kind == 'level' else 'reached'}) "
                     f"simulated: {mc}")
    else:
        z = (f.probability - result.closed_form) / f.probability_se if f.probability_se else 0.0
        lines.append(f"               P(level) = {result.closed_form * 100:.4f}% exact under the "
                     f"model (closed form); simulation {mc}, {z:+.1f} s.e. from exact")
    return lines


def _by_model_line(result: RunResult) -> str:
    """Each model's probability (a comparison model's closed form was not simulated: 0 paths)."""
    def digits(se: float) -> int:
        return percent_digits(se) if se else 2

    each = ", ".join(f"{a.model} {a.probability * 100:.{digits(a.probability_se)}f}%"
                     + (" (this answer)" if a.model == result.model.name else "")
                     + (" exact" if a.paths == 0 and a.model != result.model.name else "")
                     for a in result.by_model_answers())
    sims = [v[2] for k, v in result.by_model.items() if k != result.model.name and v[2] > 0]
    exact_some = any(v[2] == 0 for k, v in result.by_model.items() if k != result.model.name)
    how = (f"; {'the others ' if exact_some else ''}{sims[0]:,} simulated paths each"
           if sims else "")
    return f"By model       {each}{how}"


def summary(result: RunResult) -> str:
    """The short readable summary ``tradecast run`` prints."""
    sc, f, s = result.scenario, result.feasibility, result.series
    t = sc.target
    h = t.year - f.last_year
    kind = f"in {t.year}" if t.kind == "level" else f"in any year up to {t.year}"
    lines = [f"{sc.name}" + (f" — {sc.title}" if sc.title else ""), ""]
    lines.append(f"Target         {s.measure} >= {money(t.value)} {kind} ({t.kind}), "
                 f"{basis_of(result)}")
    lines.append(f"Last observed  {f.last_year}: {money(f.last_value)} ({_provenance(s.used[-1])})")
    if result.start:
        lines.append(f"Precision      {precision_text(result)}")
    per = f"a year for {h} years" if h > 1 else "in one year"
    assert result.record is not None
    lines.append(f"Required       {f.required_growth:+.1%} {per}; {result.record.text()}")
    if result.nowcast is not None:
        lines.append(f"Year to date   {ytd_text(result)}")
    if result.mirror is not None:
        lines.append(f"Both reporters {both_text(result)}")
    lines += _probability_lines(result)
    lines.append("")
    lines.append("Quantiles      year        5%        50%        95%")
    for y, q in f.quantiles.items():
        lines.append(f"               {y}  {_bn(q[0.05]):>9} {_bn(q[0.5]):>10} {_bn(q[0.95]):>10}")
    if t.kind == "by" and len(f.reached_by_year) > 1:
        reach = ", ".join(f"{y}: {p:.1%}" for y, p in f.reached_by_year.items())
        first = next((y for y, p in f.reached_by_year.items() if p >= 0.5), None)
        lines.append(f"Reached by     {reach}; "
                     + (f"more likely than not from {first}" if first is not None else
                        f"not more likely than not by {t.year}"))
    c = f.target_curve
    lines.append(f"Targets        {'reached by' if t.kind == 'by' else 'in'} {t.year}: "
                 f"{money(c[0.8])} is 80% likely, {money(c[0.5])} a 50/50 proposition, "
                 f"{money(c[0.2])} 20% likely")
    lines.append("")
    lines.append(f"Data           {_data_line(result)}")
    lines.append(f"Model          {model_text(result)}")
    if len(result.by_model) > 1:
        lines.append(_by_model_line(result))
    if result.robustness is not None:
        lines.append(f"Choices        {robustness_text(result)}")
    if sc.growth or sc.shocks:
        lines.append(f"Assumptions    {len(sc.growth)} growth assumption(s), "
                     f"{len(sc.shocks)} shock(s): {', '.join(x.name for x in sc.shocks) or '-'}")
    lines.append(f"Calibration    {calibration_text(result)}")
    for note in result.notes:
        lines.append(f"Note           {note}")
    return "\n".join(lines) + "\n"


def _provenance(used: Used) -> str:
    """``national-statistics, published 2024-04-09; first-release`` for one observation."""
    if not used.figures:
        return "inline history"
    parts = []
    for basis in sorted({f.basis for f in used.figures}):
        dates = sorted({f.published_text for f in used.figures
                        if f.basis == basis and f.published_text})
        when = f", published {', '.join(dates)}" if dates else ", publication date assumed"
        parts.append(basis + when)
    flags = sorted({fl for f in used.figures for fl in f.flags})
    return "; ".join(parts) + (f"; flagged {', '.join(flags)}" if flags else "")


def _data_line(result: RunResult) -> str:
    s = result.series
    if not s.reporter:
        return f"inline history in {result.where}, {len(s.years)} years {s.years[0]}–{s.last_year}"
    vint = f"figures published by {s.as_of.isoformat()}" if s.as_of else "all figures in the file"
    return (f"{s.file}, {s.reporter}–{s.partner} {s.measure}, {len(s.years)} years "
            f"{s.years[0]}–{s.last_year}, {vint}")


def _spread(result: RunResult) -> str:
    """``3.1% to 17% across reasonable choices`` (the robustness range) or ``... across
    models`` where only the models were run, else empty."""
    if result.robustness is not None and result.robustness.choices:
        lo_p, hi_p = result.robustness.span(result.probability)
        lo, hi = headline_percent(lo_p), headline_percent(hi_p)
        return f"{lo} to {hi} across reasonable choices" if lo != hi else \
            f"{lo} under every reasonable choice"
    if len(result.by_model) < 2:
        return ""
    ps = [a.probability for a in result.by_model_answers()]
    lo, hi = headline_percent(min(ps)), headline_percent(max(ps))
    return f"{lo} to {hi} across models" if lo != hi else f"{lo} under every model"


def robustness_text(result: RunResult) -> str:
    """Each reasonable choice but the models (those are on the By model line) and its answer."""
    rb = result.robustness
    assert rb is not None
    parts = [f"{c.name} {headline_percent(c.probability)}" for c in rb.choices
             if not c.name.startswith("model ")]
    parts += [f"{s} (not run)" for s in rb.skipped]
    return "; ".join(parts) if parts else "only the models (By model)"


def robustness_dict(result: RunResult) -> dict[str, Any] | None:
    rb = result.robustness
    if rb is None:
        return None
    lo, hi = rb.span(result.probability)
    return {"min": lo, "max": hi,
            "choices": [{"choice": c.name, "probability": c.probability,
                         "probability_se": c.probability_se, "exact": c.exact} for c in rb.choices],
            "skipped": list(rb.skipped)}


def already_reached(result: RunResult) -> bool:
    """Whether a year-to-date figure already reaches the target (P = 1 by arithmetic)."""
    nc, t = result.nowcast, result.scenario.target
    return (nc is not None and nc.lowest >= t.value
            and (nc.year == t.year or (t.kind == "by" and nc.year < t.year)))


def answer(result: RunResult) -> str:
    """The answer in one sentence: probability, its Monte Carlo error, the spread across
    models, and what it rests on."""
    f, t, s = result.feasibility, result.scenario.target, result.series
    if already_reached(result):
        from forecast.engine.nowcast import month_range

        nc = result.nowcast
        assert nc is not None
        return (f"Certain: {s.measure} was already {money(nc.value)} in {month_range(nc.month)} "
                f"{nc.year}, at or above the target of {money(t.value)}.")
    spread = _spread(result)
    spread = f"; {spread}" if spread else ""
    se = f.probability_se * 100
    when = f"in {t.year}" if t.kind == "level" else f"in some year up to {t.year}"
    whose = f"on {REPORTERS.get(s.reporter, s.reporter)} statistics" if s.reporter else \
        "on the scenario's own history"
    if result.closed_form is not None:
        how = f"exact under the model{spread}"
        p = result.closed_form
    else:
        how = f"±{se:.{percent_digits(f.probability_se)}f} pp simulation error{spread}"
        p = f.probability
    return f"About {headline_percent(p)} ({how}) that {s.measure} reaches {money(t.value)} {when} {whose}."


def break_years(result: RunResult) -> list[int]:
    """Years whose growth from the year before crosses a change of data source (basis)."""
    bases = {int(u.period.year): tuple(sorted({x.basis for x in u.figures})) for u in result.series.used}
    return [y for y in sorted(bases) if y - 1 in bases and bases[y] != bases[y - 1]]


def _by_model(result: RunResult, exact: bool) -> dict[str, dict[str, Any]]:
    """Each model's answer (:meth:`RunResult.by_model_answers`) as JSON."""
    return {a.model: {"probability": a.probability, "probability_se": a.probability_se,
                      "paths": a.paths, "exact": a.exact}
            for a in result.by_model_answers(exact)}


def _record_dict(result: RunResult) -> dict[str, Any]:
    """History's record of the required growth: one-year growth by year (with and without
    years across a basis change), and the h-year windows the summary compares with."""
    f, rec = result.feasibility, result.record
    breaks = break_years(result)
    kept = [r for y, r in zip(f.history.years, f.history.rates) if y not in breaks]
    out: dict[str, Any] = {
        "years_at_least": f.history.at_least, "years": len(f.history.rates),
        "growth_by_year": {str(y): r for y, r in zip(f.history.years, f.history.rates)},
        "break_years": breaks,
        "years_at_least_without_breaks": sum(r >= f.required_growth for r in kept),
        "years_without_breaks": len(kept)}
    if rec is not None:
        out.update({"window_years": rec.h, "windows_at_least": rec.at_least,
                    "windows": [{"from": a, "to": b, "growth": g} for a, b, g in rec.windows],
                    "windows_left_out": rec.left_out, "record_text": rec.text()})
    return out


def _extras_dict(extras: Extras) -> dict[str, Any]:
    """The report's sections: the partner's answer, the two reporters' figures, a backtest."""
    p = extras.partner
    partner = None if p is None else {
        "reporter": p.series.reporter, "probability": p.feasibility.probability,
        "paths": p.feasibility.paths,
        "probability_se": p.feasibility.probability_se,
        "last_observed": {"year": p.feasibility.last_year, "value": p.feasibility.last_value},
        "required_growth": p.feasibility.required_growth,
        "as_of": p.series.as_of.isoformat() if p.series.as_of else None, "note": extras.partner_note}
    return {"partner": partner, "partner_note": extras.partner_note, "asymmetry": extras.asymmetry,
            "asymmetry_flows": extras.asymmetry_flows, "backtest": extras.backtest}


def as_dict(result: RunResult, extras: Extras | None = None, command: str | None = None, *,
            exact: bool = True) -> dict[str, Any]:
    """The JSON result of ``tradecast run`` (keys listed in DESIGN.md, section 2); with
    ``extras``, also the report's partner, asymmetry, backtest and reproduce sections.

    ``probability`` is the closed form where the model has one (``probability_method``
    ``closed-form``, s.e. 0; the simulation's estimate is under ``monte_carlo``); with
    ``exact=False`` (compare, sweeps, sensitivity: differences on common random numbers)
    it is always the simulation's."""
    sc, f, m = result.scenario, result.feasibility, result.model
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "scenario": {"name": sc.name, "title": sc.title, "file": result.where,
                     "sha256": result.scenario_sha256},
        "target": {"value": sc.target.value, "year": sc.target.year, "kind": sc.target.kind},
        "last_observed": {"year": f.last_year, "value": f.last_value,
                          "rounding": result.start.rounding,
                          "revision_sd": result.start.revision_sd,
                          "revision_pairs": result.start.revisions,
                          "first_release": result.start.first_release},
        "required_growth": f.required_growth,
        "required_growth_history": _record_dict(result),
        "answer": answer(result),
        "history": {"years": [int(y) for y in result.series.years],
                    "values": [float(v) for v in result.series.values]},
        "probability": result.probability if exact else f.probability,
        "probability_se": result.probability_se if exact else f.probability_se,
        "probability_method": result.probability_method if exact else "monte-carlo",
        "monte_carlo": {"probability": f.probability, "probability_se": f.probability_se,
                        "paths": f.paths, "antithetic": result.simulation.antithetic},
        "effective_paths": (result.simulation.effective_paths
                            if result.simulation.weights is not None else None),
        "precision": (None if result.precision is None else
                      {"target_se": result.precision, "reached": bool(result.simulation.precision_met)}),
        "probability_closed_form": result.closed_form,
        "probability_by_model": _by_model(result, exact),
        "robustness": robustness_dict(result),
        "reached_by_year": {str(y): p for y, p in f.reached_by_year.items()},
        "target_curve": {f"{p:g}": v for p, v in f.target_curve.items()},
        **({"first_year_50": next((y for y, p in f.reached_by_year.items() if p >= 0.5), None)}
           if sc.target.kind == "by" else {}),
        **({"first_year_reached": first_year_reached(f.reached_by_year)} if sc.target.kind == "by" else {}),
        "quantiles": {str(y): {f"{lvl:g}": q[lvl] for lvl in QUANTILE_LEVELS}
                      for y, q in f.quantiles.items()},
        "paths": f.paths,
        "seed": f.seed,
        "model": {"name": m.name, "requested": sc.model.name, "description": m.describe(),
                  "pool": pool_dict(m), "priors": fingerprint(result.prior),
                  "failed": [{"name": n, "reason": r} for n, r in result.built.failures]},
        "calibration": _calibration(result),
        "assumptions": {"growth": [g.model_dump(mode="json") for g in sc.growth],
                        "shocks": [x.model_dump(mode="json") for x in sc.shocks]},
        "data": _data_dict(result),
        "nowcast": nowcast_dict(result),
        "reporters": both_dict(result),
        "notes": list(result.notes),
        "versions": versions(),
    }
    if extras is not None:
        out.update(_extras_dict(extras))
    if command is not None:
        out["reproduce"] = {"command": command, "seed": f.seed, "paths": f.paths,
                            "scenario_sha256": result.scenario_sha256,
                            "data_sha256": result.data_sha256 or None, "versions": out["versions"]}
    return out


def first_year_reached(reached_by_year: dict[int, float]) -> dict[str, float]:
    """P(the target is first reached in each year), from P(reached by each year)."""
    out, before = {}, 0.0
    for y, p in reached_by_year.items():
        out[str(y)] = p - before
        before = p
    return out


def _data_dict(result: RunResult) -> dict[str, Any]:
    s = result.series
    spec = result.scenario.data
    figures = []
    for u in (*s.used, *s.ytd):
        figures.append({
            "period": str(u.period), "value": u.value,
            "components": [{"flow": x.flow, "value": x.value, "basis": x.basis,
                            "published": x.published_text or None,
                            "publication_date_assumed": x.published is None,
                            "flags": list(x.flags), "source": x.source, "row": x.row}
                           for x in u.figures],
        })
    return {
        "file": s.file if spec else None, "sha256": result.data_sha256 or None,
        "reporter": s.reporter or None, "partner": s.partner or None, "measure": s.measure,
        "as_of": s.as_of.isoformat() if s.as_of else None,
        "publication_lag_months": s.lag_months if spec else None,
        "years": [int(y) for y in s.years],
        "figures": figures,
    }


