"""Text and JSON of what later figures add to a run: a year-to-date figure (the nowcast), the
other country's later figures through the reporter gap, and the precision of the last figure."""

from __future__ import annotations

import math
from typing import Any

from forecast.analysis.results import RunResult
from forecast.present.formats import (
    money,
    probability_text,
)


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
