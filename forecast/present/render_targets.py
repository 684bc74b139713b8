"""Text of ``tradecast backtest --targets`` (scores of P(target)) and ``tradecast learn``
(what the priors say). No statistics here."""

from __future__ import annotations

import math
from typing import Any


def _f(v: Any, digits: int = 4) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def targets_text(r: dict[str, Any]) -> str:
    """The score table of a registry of targets."""
    lines = [f"Targets scored: {r['source']}, model {r['model']} (priors: {r['priors']}), "
             f"{r['n']:,} targets answered, {len(r['failed'])} failed; {r['seconds']:.1f} s", ""]
    lines.append(f"{'':24s} {'Brier':>7s} {'log':>7s}   (lower is better; log score with P clipped "
                 "to 1-99%)")
    lines.append(f"{'this model':24s} {_f(r['brier']):>7s} {_f(r['log_score']):>7s}")
    lines.append(f"{'base rate ' + format(r['base_rate'], '.1%'):24s} {_f(r['base_rate_brier']):>7s} "
                 f"{_f(r['base_rate_log_score']):>7s}   (a constant that knows the share met)")
    rw = r.get("rw_drift")
    if rw and rw.get("n"):
        lines.append(f"{'plain rw-drift':24s} {_f(rw['brier']):>7s} {_f(rw['log_score']):>7s}   "
                     f"(on the {rw['n']:,} targets it could answer; this model there: "
                     f"{_f(rw['same_targets']['brier'])} / {_f(rw['same_targets']['log_score'])})")
    lines.append("")
    lines.append(f"Mean P {r['mean_probability']:.3f} against {r['base_rate']:.3f} met: "
                 f"{r['mean_minus_met']:+.3f} (s.e. {_f(r['mean_minus_met_se_clustered'], 3)}, "
                 "clustered by the year of the last figure)")
    lines.append(f"Reliability slope {_f(r['reliability_slope'], 2)}, intercept "
                 f"{_f(r['reliability_intercept'], 2)} (logistic regression of met on logit P: "
                 "slope 1 is calibrated, below 1 overconfident)")
    lines.append("")
    lines.append("P from-to      targets   mean P   share met")
    for b in r["reliability"]:
        lines.append(f"{b['bin'][0]:4.2f}-{b['bin'][1]:4.2f}     {b['count']:7,d}   "
                     f"{b['mean_predicted']:6.3f}   {b['observed']:9.3f}")
    lines.append("")
    for kind, s in r.get("by_kind", {}).items():
        if s.get("n"):
            lines.append(f"{kind:6s} {s['n']:6,d} targets: Brier {_f(s['brier'])} (base rate "
                         f"{_f(s['base_rate_brier'])}), log {_f(s['log_score'])}, mean P "
                         f"{s['mean_probability']:.3f} against {s['base_rate']:.3f} met")
    for f in r["failed"][:10]:
        lines.append(f"failed {f['id']}: {f['reason']}")
    if len(r["failed"]) > 10:
        lines.append(f"... and {len(r['failed']) - 10} more failed (all in --json)")
    return "\n".join(lines) + "\n"


def learn_text(doc: dict[str, Any]) -> str:
    """What ``tradecast learn`` learned, in a few lines."""
    p, ev = doc["prior"], doc["evidence"]
    idx = doc["index"]
    lines = [f"Pooled priors from {doc['panel']['file']}: {doc['panel']['series']} series, values up to "
             f"{doc['panel']['until']}, {ev['outcomes']:,} outcomes scored; {ev['seconds']:.0f} s", ""]
    lines.append(f"Published figures' transitory part  variance {p['noise']:.3f} x the yearly "
                 "random walk's")
    lines.append(f"Drift                                prior worth {p['drift_strength']:.1f} years of a "
                 f"pair's own growth; {p['persistence']:.2f} of a pair's own drift left a year later")
    lines.append(f"Volatility                           {math.exp(p['vol_intercept']):.3f} (log) for a "
                 f"pair of US$485m a year, x{math.exp(p['vol_slope']):.2f} per e-fold of size; prior "
                 f"worth {2 * p['vol_strength']:.1f} figures")
    lines.append(f"The pool's centre                    all pairs' mean growth over the last "
                 f"{p['centre_years']} years up to the origin (index {idx[0]['year']}–{idx[-1]['year']}); "
                 f"it strays by {p['centre_error_year']:.3f} a year and {p['centre_error_trend']:.3f} "
                 "a year persistently")
    lines.append("Tail factors                         lower " + "/".join(f"{v:.2f}" for v in p["lower"])
                 + ", upper " + "/".join(f"{v:.2f}" for v in p["upper"]) + " (years ahead 1..)")
    lines.append("")
    oot = ev["coverage_out_of_time"]
    lines.append(f"Coverage    in-sample (values up to {doc['panel']['until']})      out of time "
                 f"(learned to {oot['learned_until']}, scored {oot['scored']})")
    lines.append("years ahead   80%    95%   >q90   <q10       80%    95%   >q90   <q10      n")
    outs = {r["h"]: r for r in oot["with_tail_factors"]}
    for r in ev["coverage_in_sample"]:
        o = outs.get(r["h"])
        right = (f"{o['cover80']:6.3f} {o['cover95']:6.3f} {o['above90']:6.3f} {o['below10']:6.3f} "
                 f"{o['n']:6,d}" if o else "")
        lines.append(f"{r['h']:11d} {r['cover80']:6.3f} {r['cover95']:6.3f} {r['above90']:6.3f} "
                     f"{r['below10']:6.3f}    {right}")
    return "\n".join(lines) + "\n"
