"""Rendering of several runs of scenarios: ``compare``, sweeps and ``sensitivity``, as
terminal tables and JSON. Nothing is computed here beyond formatting."""

from __future__ import annotations

from typing import Any

from forecast.analysis.comparison import Difference
from forecast.analysis.results import RunResult
from forecast.analysis.variants import Sensitivity, Sweep, median
from forecast.present.formats import _bn, money, probability_text
from forecast.present.render import as_dict

BAR = 20  # characters of the probability bar in a sweep table


def value_text(key: str, v: Any) -> str:
    """A swept or varied value as a reader writes it: US$ for large amounts, rates as given."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    if abs(v) >= 1e5:
        return money(float(v))
    return f"{v:g}"


def _point(r: RunResult) -> dict[str, Any]:
    f, t = r.feasibility, r.scenario.target
    q = f.quantiles[t.year]
    return {"probability": f.probability, "probability_se": f.probability_se,
            "target": {"value": t.value, "year": t.year, "kind": t.kind},
            "target_year_median": q[0.5], "target_year_p05": q[0.05], "target_year_p95": q[0.95],
            "required_growth": f.required_growth, "model": r.model.name}


def cell(p: float, se: float, paths: int) -> str:
    """A probability for a table cell: as :func:`probability_text`, but 0% and 100% short
    (``100% (all paths)``), so columns stay aligned."""
    if p in (0.0, 1.0):
        return f"{p:.0%} ({'no' if p == 0 else 'all'} paths)"
    return probability_text(p, se, paths)


def _row(r: RunResult) -> tuple[str, str, str, str]:
    f, t = r.feasibility, r.scenario.target
    q = f.quantiles[t.year]
    return (cell(f.probability, f.probability_se, f.paths), _bn(q[0.5]),
            f"{_bn(q[0.05])}–{_bn(q[0.95])}", f"{f.required_growth:+.1%}")


def compare_dict(runs: list[RunResult], diffs: list[Difference], notes: list[str]) -> dict[str, Any]:
    """The JSON of ``tradecast compare``."""
    return {"summary": [{"name": r.scenario.name, **_point(r)} for r in runs],
            "scenarios": [as_dict(r, exact=False) for r in runs],
            "differences": [{"scenario": d.scenario, "vs": d.vs, "probability_diff": d.probability_diff,
                             "probability_diff_se": d.probability_diff_se,
                             "probability_diff_se_unpaired": d.probability_diff_se_unpaired,
                             "assumptions_that_differ": list(d.differs)} for d in diffs],
            "notes": notes}


def compare_text(runs: list[RunResult], diffs: list[Difference], notes: list[str]) -> str:
    """A table of the scenarios, then each difference from the first in words."""
    f0 = runs[0].feasibility
    w = max(len("scenario"), *(len(r.scenario.name) for r in runs))
    lines = [f"Compared on common random numbers: {f0.paths:,} paths, seed {f0.seed} for every scenario",
             "", f"{'scenario':{w}s} {'P(target)':>17s} {'target year: median':>20s} {'5-95%':>20s} "
             f"{'required':>9s} {'vs first (paired s.e.)':>26s}"]
    by_name = {d.scenario: d for d in diffs}
    for r in runs:
        t = r.scenario.target
        p, med, rng, req = _row(r)
        d = by_name.get(r.scenario.name)
        vs = "—" if d is None else (f"{d.probability_diff * 100:+.2f} pp ± "
                                    f"{d.probability_diff_se * 100:.2f}")
        lines.append(f"{r.scenario.name:{w}s} {p:>17s} {t.year} {med:>14s} {rng:>20s} {req:>9s} "
                     f"{vs:>26s}")
    for d in diffs:
        lines += ["", f"{d.scenario} vs {d.vs}: {d.probability_diff * 100:+.2f} pp, paired s.e. "
                  f"{d.probability_diff_se * 100:.3f} pp (independent runs: "
                  f"{d.probability_diff_se_unpaired * 100:.3f} pp)"]
        lines += [f"  {x}" for x in d.differs] or ["  no assumption differs"]
    if notes:
        lines += [""] + [f"Note: {n}" for n in notes]
    return "\n".join(lines).rstrip() + "\n"


def sweep_dict(sweep: Sweep, *, where: str, command: str | None = None) -> dict[str, Any]:
    """The JSON of a sweep: one compact row per grid point, and the first point's full result."""
    first = sweep.points[0].result
    notes = common_notes(sweep)
    out = {"sweep": {"scenario": first.scenario.name, "file": where, "keys": list(sweep.keys),
                     "as_written": sweep.as_written,
                     "paths": first.feasibility.paths, "seed": first.feasibility.seed,
                     "points": [{"values": dict(p.values), **_point(p.result),
                                 "notes": [n for n in p.result.notes if n not in notes]}
                                for p in sweep.points],
                     "notes": notes},
           "first_point": as_dict(first, exact=False)}
    if command is not None:
        out["sweep"]["command"] = command
    return out


def sweep_text(sweep: Sweep) -> str:
    """A table of the grid: the values set, P(target) with its bar, the target-year spread."""
    first = sweep.points[0].result
    f0 = first.feasibility
    keys = list(sweep.keys)
    width = {k: max(len(k), *(len(value_text(k, v)) for p in sweep.points for kk, v in p.values
                             if kk == k)) for k in keys}
    lines = [f"{first.scenario.name}: {len(sweep.points)} run(s) on common random numbers "
             f"({f0.paths:,} paths, seed {f0.seed}); each model is fitted once per series", "",
             " ".join(f"{k:>{width[k]}s}" for k in keys)
             + f" {'P(target)':>17s} {'':{BAR}s} {'median':>9s} {'5-95%':>15s} {'required':>9s}"]
    for p in sweep.points:
        f = p.result.feasibility
        prob, med, rng, req = _row(p.result)
        bar = "█" * round(f.probability * BAR)
        lines.append(" ".join(f"{value_text(k, v):>{width[k]}s}" for k, v in p.values)
                     + f" {prob:>17s} {bar:{BAR}s} {med:>9s} {rng:>15s} {req:>9s}")
    years = {p.result.scenario.target.year for p in sweep.points}
    lines += ["", f"median and 5-95%: the value in {'/'.join(map(str, sorted(years)))}; "
              f"required: growth a year from the last observed figure to the target"]
    notes = common_notes(sweep)
    lines += [f"Note: {n}" for n in notes]
    varying = sum(1 for p in sweep.points if any(n not in notes for n in p.result.notes))
    if varying:
        lines.append(f"Note: {varying} point(s) have notes of their own (in --json, under each point)")
    return "\n".join(lines) + "\n"


def common_notes(sweep: Sweep) -> list[str]:
    """The notes every point of a sweep shares."""
    first = sweep.points[0].result.notes
    return [n for n in first if all(n in p.result.notes for p in sweep.points)]


def sensitivity_dict(s: Sensitivity, command: str | None = None) -> dict[str, Any]:
    """The JSON of ``tradecast sensitivity``: the central run and each assumption's effect."""
    rows = []
    for e in s.effects:
        a = e.assumption
        rows.append({"key": a.key, "label": a.label, "rule": a.rule, "central": a.central,
                     "low": a.low, "high": a.high,
                     "probability_low": e.low.feasibility.probability, "probability_low_diff_se": e.p_low_se,
                     "probability_high": e.high.feasibility.probability,
                     "probability_high_diff_se": e.p_high_se,
                     "median_low": median(e.low), "median_high": median(e.high), "swing": e.swing})
    out = {"scenario": as_dict(s.central, exact=False), "central": _point(s.central), "sensitivity": rows,
           "notes": list(s.notes)}
    if command is not None:
        out["command"] = command
    return out


def sensitivity_text(s: Sensitivity) -> str:
    """Each assumption at its low and high value, largest swing in P(target) first."""
    c = s.central
    f, t = c.feasibility, c.scenario.target
    lines = [f"{c.scenario.name}: P(target) = {probability_text(f.probability, f.probability_se, f.paths)}"
             f" as written, median {t.year} value {_bn(median(c))}",
             f"Each assumption moved alone, on common random numbers ({f.paths:,} paths, seed {f.seed});"
             " ± is the paired s.e. of the change", ""]
    if not s.effects:
        return "\n".join(lines + [f"Note: {n}" for n in s.notes]) + "\n"
    w = max(len("assumption"), *(len(e.assumption.label) for e in s.effects))
    lines.append(f"{'assumption':{w}s} {'low / high':>17s} {'P at low':>16s} {'P at high':>16s} "
                 f"{'swing':>8s} {'median low / high':>19s}  rule")
    for e in s.effects:
        a = e.assumption
        lo, hi = e.low.feasibility.probability, e.high.feasibility.probability
        vals = f"{value_text(a.key, a.low)} / {value_text(a.key, a.high)}"
        lines.append(f"{a.label:{w}s} {vals:>17s} {lo:>8.2%} ±{e.p_low_se * 100:.2f} "
                     f"{hi:>8.2%} ±{e.p_high_se * 100:.2f} {e.swing * 100:>5.1f} pp "
                     f"{_bn(median(e.low)):>9s} / {_bn(median(e.high)):<8s} {a.rule}")
    lines += [f"Note: {n}" for n in s.notes]
    return "\n".join(lines) + "\n"
