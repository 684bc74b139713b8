"""Rendering of one run: terminal summary, JSON result, and backtest tables. Only the
bookkeeping a reader needs (break years, first year reached) is derived here; no models."""

from __future__ import annotations

import json
import math
from typing import Any

from forecast.analysis.feasibility import QUANTILE_LEVELS
from forecast.analysis.pipeline import Extras, RunResult, fingerprint, versions
from forecast.data.series import Used

REPORTERS = {"KGZ": "Kyrgyz", "KAZ": "Kazakh"}
MEASURES = {"turnover": "turnover (exports + imports)", "exports": "exports", "imports": "imports"}


def money(v: float) -> str:
    """US dollars in bn or m, three significant digits or more."""
    if abs(v) >= 1e9:
        return f"US${v / 1e9:,.3f}bn"
    if abs(v) >= 1e6:
        return f"US${v / 1e6:,.1f}m"
    return f"US${v:,.0f}"


def percent_digits(se: float) -> int:
    """Decimals of a percentage that its standard error supports (one significant digit)."""
    se_pct = se * 100
    if se_pct <= 0:
        return 2
    return max(0, min(4, math.ceil(-math.log10(se_pct))))


def probability_text(p: float, se: float, paths: int, exact: bool = False) -> str:
    """``4.31% ± 0.05 pp`` with the digits the Monte Carlo error supports; a closed-form
    probability (``exact``) as ``4.3129% (exact)``."""
    if exact:
        return f"{p * 100:.4f}% (exact)"
    if p == 0.0 or p == 1.0:
        bound = min(3.0 / paths, 1.0)  # rule of three: one-sided 95% bound
        word = "no" if p == 0.0 else "every"
        lim = f"below {bound * 100:.2g}%" if p == 0.0 else f"above {100 - bound * 100:.6g}%"
        return f"{p:.0%} ({word} path of {paths:,}; true value {lim} at 95% confidence)"
    d = percent_digits(se)
    return f"{p * 100:.{d}f}% ± {se * 100:.{d}f} pp"


def basis_of(result: RunResult) -> str:
    s = result.series
    if not s.reporter:
        return "inline history"
    who = REPORTERS.get(s.reporter, s.reporter)
    return f"{who} statistics ({s.reporter}-reported, partner {s.partner})"


def precision_text(result: RunResult) -> str:
    """How precisely the last figure is known (rounding, revision) and how much that widens
    the answer: a log s.d. added to every year's spread."""
    import numpy as np

    f, e = result.feasibility, result.start
    sim = result.simulation
    first = sim.sample[:, 0]
    w = None if sim.weights is None else sim.weights[:len(first)]
    mean = np.average(first, weights=w)
    sd = float(np.sqrt(np.average((first - mean) ** 2, weights=w)))
    parts = []
    if e.rounding:
        parts.append(f"rounded, known to ±{money(e.rounding * f.last_value)} (±{e.rounding:.2%})")
    if e.revision_sd:
        parts.append(f"a first release, revised by {e.revision_sd:.1%} (s.d.) as the data "
                     f"file's {e.revisions} first-release/later pair(s) were")
    elif e.first_release:
        parts.append("a first release (no revision of a first release in the data file is "
                     "public by then, so no revision is integrated)")
    text = f"the {f.last_year} figure is {', and '.join(parts)}"
    if not e.log_sd:
        return text
    return (f"{text}; the answer integrates over the figure's true value, which adds a log s.d. of "
            f"{e.log_sd:.3f} to every year's spread ({f.last_year + 1}'s is {sd:.3f})")


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
    rec = f.history
    per = f"a year for {h} years" if h > 1 else "in one year"
    largest = rec.largest
    big = f"; largest {largest[1]:+.1%} in {largest[0]}" if largest else ""
    lines.append(f"Required       {f.required_growth:+.1%} {per}; one-year growth that large "
                 f"in {rec.at_least} of {len(rec.rates)} historical years{big}")
    if result.nowcast is not None:
        lines.append(f"Year to date   {ytd_text(result)}")
    if result.mirror is not None:
        lines.append(f"Both reporters {both_text(result)}")
    sim = result.simulation
    weighted = (f"{f.paths:,} paths weighted by later figures, effective "
                f"{sim.effective_paths:,.0f}" if sim.weights is not None else
                f"{f.paths:,} paths in antithetic pairs" if sim.antithetic else f"{f.paths:,} paths")
    if already_reached(result):
        lines.append(f"Probability    P({'level' if t.kind == 'level' else 'reached'}) = 100%, "
                     "exactly: the year-to-date figure already reaches the target, and trade is "
                     "never negative")
    else:
        stop = ""
        if result.precision is not None:
            met = bool(result.simulation.precision_met)
            stop = (f"; stopped once s.e. <= {result.precision * 100:g} pp" if met else
                    f"; s.e. {result.precision * 100:g} pp not reached within {f.paths:,} paths")
        mc = (f"{probability_text(f.probability, f.probability_se, f.paths)} "
              f"(Monte Carlo s.e.; {weighted}, seed {f.seed}{stop})")
        p = result.probability
        spread = _spread(result)
        lines.append(f"Probability    {headline_percent(p)}" + (f" ({spread})" if spread else ""))
        if result.closed_form is None:
            lines.append(f"               P({'level' if t.kind == 'level' else 'reached'}) "
                         f"simulated: {mc}")
        else:
            z = (f.probability - result.closed_form) / f.probability_se if f.probability_se else 0.0
            lines.append(f"               P(level) = {result.closed_form * 100:.4f}% exact under the "
                         f"model (closed form); simulation {mc}, {z:+.1f} s.e. from exact")
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
        # a comparison model's closed-form answer was not simulated (0 paths)
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
        lines.append(f"By model       {each}{how}")
    if sc.growth or sc.shocks:
        lines.append(f"Assumptions    {len(sc.growth)} growth assumption(s), "
                     f"{len(sc.shocks)} shock(s): {', '.join(x.name for x in sc.shocks) or '-'}")
    lines.append(f"Calibration    {calibration_text(result)}")
    for note in result.notes:
        lines.append(f"Note           {note}")
    return "\n".join(lines) + "\n"


def nowcast_dict(result: RunResult) -> dict[str, Any] | None:
    """The year-to-date conditioning of a run, for the JSON: the figure, the share of the year
    usually reached by its month, and the on-track line for the target."""
    nc = result.nowcast
    if nc is None:
        return None
    track = nc.on_track(result.scenario.target.value)
    m = nc.model
    return {"year": nc.year, "month": nc.month, "period": nc.period, "value": nc.value,
            "share": {"median": track["median_share"], "p10": track["share_10"],
                      "p90": track["share_90"],
                      "logit_normal": {"location": m.mu, "sd": m.sd}},
            "share_source": nc.source, "own_years": list(nc.own_years),
            "own_months": list(nc.own_months), "rounding_half_width": nc.half_width,
            "on_track": {"needed": track["needed"], "needed_p10": track["needed_low"],
                         "needed_p90": track["needed_high"], "ratio": track["ratio"]},
            "effective_paths": result.simulation.effective_paths}


def both_text(result: RunResult) -> str:
    """What the other country's figures add, the gap model, and the answer on its basis."""
    m = result.mirror
    assert m is not None
    s = result.series
    who = f"{m.reporter}'s"
    if m.years:
        rnd = m.rounding or (0.0,) * len(m.years)
        figs = ", ".join(f"{y}: {money(v)}" + (f", rounded: ±{money(r * v)}, integrated" if r else "")
                         for y, v, r in zip(m.years, m.values, rnd))
        text = f"{who} later figures ({figs}) condition the run through the gap {m.reporter}/{s.reporter}"
    else:
        text = (f"{who} figures add no year after {s.reporter}'s last ({s.last_year}); the gap "
                f"{m.reporter}/{s.reporter}")
    text += f", modelled as {m.gap.describe()}"
    other = other_basis(result)
    if other is not None:
        p, se = other
        text += (f". The same target on {m.reporter}'s figures: "
                 f"P = {probability_text(p, se, result.feasibility.paths)}")
    return text


def other_basis(result: RunResult) -> tuple[float, float] | None:
    """P(target) on the other country's figures, with its s.e., from the same paths."""
    hits = result.simulation.other_hits()
    return None if hits is None else result.simulation.share(hits)


def both_dict(result: RunResult) -> dict[str, Any] | None:
    """With ``reporter: both``: the other country's later figures, the gap model, and the
    probability on the other basis."""
    m = result.mirror
    if m is None:
        return None
    g = m.gap
    other = other_basis(result)
    return {"basis": result.series.reporter, "other": m.reporter,
            "later_figures": {str(y): v for y, v in zip(m.years, m.values)},
            "later_figures_rounding": {str(y): r for y, r in zip(m.years, m.rounding)},
            "gap": {"kind": "ar1-segments", "years_with_both": g.n, "last_year": g.last_year,
                    "last_gap": math.expm1(g.last_gap), "half_life_years": g.half_life,
                    "persistence_mean": g.phi_mean,
                    "segment_level": None if g.level is None else math.expm1(g.level),
                    "segments": [{"first": a, "last": b, "basis": basis}
                                 for a, b, basis in g.segments],
                    "components": [{"persistence": float(p), "weight": float(w),
                                    "segment_level": math.expm1(float(mu)) if p < 1 else None,
                                    "innovation_sd": float(sd), "df": float(df)}
                                   for p, w, mu, sd, df in zip(g.phi, g.weight, g.mu, g.sigma, g.df)],
                    "description": g.describe()},
            "other_basis": None if other is None else {"probability": other[0],
                                                      "probability_se": other[1]}}


def ytd_text(result: RunResult) -> str:
    """``January–August 2025: US$1.400bn, 70% of the on-track US$2.0bn path...``."""
    from forecast.engine.nowcast import MONTHS, month_range

    nc = result.nowcast
    assert nc is not None
    t = result.scenario.target
    track = nc.on_track(t.value)
    month = MONTHS[nc.month - 1]
    line = (f"{month_range(nc.month)} {nc.year}: {money(nc.value)}; by {month} a year usually "
            f"has {track['median_share']:.0%} of its total (80%: {track['share_10']:.0%}–"
            f"{track['share_90']:.0%})")
    if nc.year == t.year:
        line += (f", so on course for {money(t.value)} means {money(track['needed'])} by {month} "
                 f"({money(track['needed_low'])}–{money(track['needed_high'])}); the year stands at "
                 f"{track['ratio']:.0%} of it")
    return line


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


def _bn(v: float) -> str:
    return f"{v / 1e9:.3f}bn"


def _data_line(result: RunResult) -> str:
    s = result.series
    if not s.reporter:
        return f"inline history in {result.where}, {len(s.years)} years {s.years[0]}–{s.last_year}"
    vint = f"figures published by {s.as_of.isoformat()}" if s.as_of else "all figures in the file"
    return (f"{s.file}, {s.reporter}–{s.partner} {s.measure}, {len(s.years)} years "
            f"{s.years[0]}–{s.last_year}, {vint}")


def headline_percent(p: float) -> str:
    """The headline probability, rounded to what a forecast of this kind supports: whole
    percent, one decimal under 10% (and over 90%), "under 1%" and "over 99%" beyond."""
    if p <= 0.0 or p >= 1.0:
        return f"{p:.0%}"
    if p < 0.01:
        return "under 1%"
    if p > 0.99:
        return "over 99%"
    return f"{p * 100:.1f}%" if p < 0.1 or p > 0.9 else f"{p * 100:.0f}%"


def _spread(result: RunResult) -> str:
    """``3.1% to 17% across models`` where several models answered, else empty."""
    if len(result.by_model) < 2:
        return ""
    ps = [a.probability for a in result.by_model_answers()]
    lo, hi = headline_percent(min(ps)), headline_percent(max(ps))
    return f"{lo} to {hi} across models" if lo != hi else f"{lo} under every model"


def percent_text(p: float) -> str:
    """A probability as a rounded percentage for prose and titles: whole percent between 2%
    and 98%, finer towards 0 and 1 (so 99.5% is not shown as 100%), and never rounded to
    0% or 100% unless it is exactly that."""
    if p <= 0.0 or p >= 1.0:
        return f"{p:.0%}"
    tail = min(p, 1.0 - p)
    if tail < 0.0002:
        return "<0.02%" if p < 0.5 else ">99.98%"
    digits = 0 if tail >= 0.02 else 1 if tail >= 0.002 else 2
    return f"{p * 100:.{digits}f}%"


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


def as_dict(result: RunResult, extras: Extras | None = None, command: str | None = None, *,
            exact: bool = True) -> dict[str, Any]:
    """The JSON result of ``tradecast run`` (keys listed in DESIGN.md, section 2); with
    ``extras``, also the report's partner, asymmetry, backtest and reproduce sections.

    ``probability`` is the closed form where the model has one (``probability_method``
    ``closed-form``, s.e. 0; the simulation's estimate is under ``monte_carlo``); with
    ``exact=False`` (compare, sweeps, sensitivity: differences on common random numbers)
    it is always the simulation's."""
    sc, f, m = result.scenario, result.feasibility, result.model
    breaks = break_years(result)
    kept = [r for y, r in zip(f.history.years, f.history.rates) if y not in breaks]
    out: dict[str, Any] = {
        "scenario": {"name": sc.name, "title": sc.title, "file": result.where,
                     "sha256": result.scenario_sha256},
        "target": {"value": sc.target.value, "year": sc.target.year, "kind": sc.target.kind},
        "last_observed": {"year": f.last_year, "value": f.last_value,
                          "rounding": result.start.rounding,
                          "revision_sd": result.start.revision_sd,
                          "revision_pairs": result.start.revisions,
                          "first_release": result.start.first_release},
        "required_growth": f.required_growth,
        "required_growth_history": {
            "years_at_least": f.history.at_least, "years": len(f.history.rates),
            "growth_by_year": {str(y): r for y, r in zip(f.history.years, f.history.rates)},
            "break_years": breaks,
            "years_at_least_without_breaks": sum(r >= f.required_growth for r in kept),
            "years_without_breaks": len(kept),
        },
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
        p = extras.partner
        out["partner"] = None if p is None else {
            "reporter": p.series.reporter, "probability": p.feasibility.probability,
            "paths": p.feasibility.paths,
            "probability_se": p.feasibility.probability_se,
            "last_observed": {"year": p.feasibility.last_year, "value": p.feasibility.last_value},
            "required_growth": p.feasibility.required_growth,
            "as_of": p.series.as_of.isoformat() if p.series.as_of else None, "note": extras.partner_note}
        out["partner_note"] = extras.partner_note
        out["asymmetry"] = extras.asymmetry
        out["asymmetry_flows"] = extras.asymmetry_flows
        out["backtest"] = extras.backtest
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


def model_text(result: RunResult) -> str:
    """The model in one line, saying what ``auto`` chose."""
    if result.scenario.model.name != "auto":
        return result.model.describe()
    if result.model.name != "pooled":
        return (f"auto = {result.model.name}, as for every series the pooled priors do not describe "
                f"(see the note): {result.model.describe()}")
    return (f"auto = pooled, the model whose target probabilities scored best out of time: "
            f"{result.model.describe()}")


def pool_dict(model: Any) -> dict[str, Any] | None:
    """How much the pooled model's answer rests on the pair's own figures, for the JSON."""
    if getattr(model, "name", "") != "pooled" or not hasattr(model, "own_weight"):
        return None
    return {"own_weight": model.own_weight, "pool_weight": 1.0 - model.own_weight,
            "centre_log_growth": model.centre, "centre_years": list(model.centre_years),
            "volatility": model.sigma, "volatility_own_weight": model.vol_weight,
            "degrees_of_freedom": model.df}


def _calibration(result: RunResult) -> dict[str, Any] | None:
    if result.scenario.model.calibration == "none":
        return None
    h = len(result.simulation.years)
    years = [str(y) for y in result.simulation.years]
    m = result.model
    if hasattr(m, "factors"):  # the pooled model: tail factors from its priors
        lower, upper = m.factors(h)
        return {"method": "priors",
                "about": "tail factors learned with the pooled priors (tradecast learn), kept where "
                "two standard errors clustered by year support them",
                "rule": "deviations below (above) the median of each year's predictive are "
                "multiplied by the lower (upper) factor",
                "lower": dict(zip(years, map(float, lower))), "upper": dict(zip(years, map(float, upper)))}
    from forecast.models.calibration import table

    return {"method": "panel", "about": table()["about"], "rule": table()["method"],
            "factors": {y: float(k) for y, k in zip(years, m.factor(h))}}  # type: ignore[attr-defined]


def calibration_text(result: RunResult) -> str:
    """One line: the calibration applied, or that none was."""
    if result.scenario.model.calibration == "none":
        return "none (model: {calibration: none}); intervals are the model's own"
    h = len(result.simulation.years)
    m = result.model
    if hasattr(m, "factors"):
        lower, upper = m.factors(h)
        return ("tails of each year's predictive scaled x" + "/".join(f"{v:.2f}" for v in lower)
                + " below the median and x" + "/".join(f"{v:.2f}" for v in upper) + " above (per "
                "year ahead), learned with the pooled priors where year-clustered errors support it")
    k = m.factor(h)  # type: ignore[attr-defined]
    return ("spread around the point forecast scaled x" + "/".join(f"{v:.2f}" for v in k)
            + " (per year ahead), factors learned on rolling-origin backtests of 300 country pairs "
            "(IMF DOTS)")


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


def to_json(obj: Any) -> str:
    """Deterministic JSON text (same input, same bytes)."""
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def backtest_dict(where: str, context: dict[str, Any], summaries: dict[str, dict[str, Any]],
                  main: str, seconds: float, *, paths: int, seed: int, calibrated: bool) -> dict[str, Any]:
    """The JSON of ``tradecast backtest``: the main model's metrics at the top level, every
    model's under ``models`` when several ran."""
    out: dict[str, Any] = {"source": where, **context, "calibration": "panel" if calibrated else "none",
                           "paths": paths, "seed": seed, "seconds": round(seconds, 3),
                           **summaries[main]}
    if len(summaries) > 1:
        out["models"] = summaries
    return out


def _num(v: float | None, width: int, digits: int) -> str:
    """A metric for a fixed-width table: '-' when undefined, 'huge' when it would not fit."""
    if v is None:
        return "-".rjust(width)
    text = f"{v:{width}.{digits}f}"
    return text if len(text) <= width else f"{v:{width}.1e}"


def backtest_text(report: dict[str, Any]) -> str:
    """A table of the backtest metrics, one row per model."""
    models = report.get("models", {report["model"]: report})
    lines = [f"Backtest of {report['source']}"
             + (f" ({report['series']}, horizon {report['horizon']}, origins "
                f"{report['origins'][0]}–{report['origins'][-1]})" if "origins" in report else
                f" (last {report['holdout']} value{'s' if report['holdout'] > 1 else ''} of each "
                f"series held out)"),
             f"{report['paths']:,} paths per forecast, seed {report['seed']}, calibration "
             f"{report['calibration']}, {report['seconds']:.1f} s", "",
             f"{'model':10s} {'fcsts':>6s} {'failed':>6s} {'sMAPE':>6s} {'MASE':>5s} "
             f"{'cover80 h1/all':>14s} {'cover95 h1/all':>14s} {'MSIS':>6s} {'CRPS':>5s} "
             f"{'Brier+5%':>8s}"]
    for name, s in models.items():
        if "smape" not in s:
            lines.append(f"{name:10s} {s['n_tasks']:6d} {s['n_failed']:6d}  (no forecasts)")
            continue
        c = s["coverage"]
        lines.append(f"{name:10s} {s['n_tasks']:6d} {s['n_failed']:6d} {_num(s['smape'], 6, 2)} "
                     f"{_num(s['mase'], 5, 2)} {_num(c['80']['h1'], 6, 2)} / {_num(c['80']['all'], 4, 2)} "
                     f"{_num(c['95']['h1'], 6, 2)} / {_num(c['95']['all'], 4, 2)} {_num(s['msis'], 6, 2)} "
                     f"{_num(s['crps'], 5, 2)} {_num(s['brier']['0.05'], 8, 3)}")
    lines += ["", "sMAPE 0-200 of the median; MASE scaled by the mean absolute one-year change of the "
              "fitted years; CRPS of log values; cover = share of outcomes inside the central interval "
              "(h1: one year ahead); MSIS of the 95% interval; Brier of P(next year >= +5%)."]
    main = models.get(report["model"], {})
    failed = main.get("failed", [])
    if failed:
        lines.append(f"{report['model']}: {len(failed)} forecast(s) failed, e.g. "
                     + "; ".join(f"{f['series_id']}" + (f" {f['origin']}" if "origin" in f else "")
                                 + f": {f['reason']}" for f in failed[:3]))
    return "\n".join(lines) + "\n"
