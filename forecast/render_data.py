"""Rendering of the ``tradecast data`` commands: tables and JSON of data files."""

from __future__ import annotations

from typing import Any

from forecast.asymmetry import EXCLUDED, MIRROR, Row, Trend
from forecast.render import REPORTERS, to_json

__all__ = ["asymmetry_dict", "asymmetry_text", "to_json"]


def asymmetry_dict(file: str, a: str, b: str, rows: list[Row], trends: list[Trend]) -> dict[str, Any]:
    """The JSON of ``tradecast data asymmetry``."""
    return {"file": file, "reporter": a, "partner": b,
            "rows": [{"year": r.year, "flow": r.flow, "reported": r.reported,
                      "reported_basis": r.reported_basis or None, "mirror_flow": MIRROR[r.flow],
                      "mirror": r.mirror, "mirror_basis": r.mirror_basis or None, "gap": r.gap}
                     for r in rows],
            "excluded_flags": list(EXCLUDED),
            "trends": [{"flow": t.flow, "years": list(t.years), "n": t.n, "mean_gap": t.mean_gap,
                        "slope_log_per_year": t.slope, "slope_se": t.slope_se, "words": t.words}
                       for t in trends]}


_SHORT = {"national-statistics": "national", "imf-dots": "IMF DOTS", "official-statement": "statement",
          "imf-estimate": "IMF estimate", None: "–"}


def _m(v: float | None) -> str:
    return "–" if v is None else f"{v / 1e6:,.1f}"


def asymmetry_text(d: dict[str, Any]) -> str:
    """By flow, a table of years: A's figure, B's mirror figure and the gap; then the trend."""
    a, b = d["reporter"], d["partner"]
    who = {c: REPORTERS.get(c, c) for c in (a, b)}
    lines = [f"{d['file']}: {a}'s figures ({who[a]} statistics) against {b}'s mirror figures "
             f"({who[b]} statistics), US$ m; gap = {a}'s / {b}'s - 1", ""]
    for flow in MIRROR:
        rows = [r for r in d["rows"] if r["flow"] == flow]
        if not rows:
            continue
        head = f"{a} {flow}" if flow != "turnover" else f"{a} turnover"
        mirror = f"{b} {MIRROR[flow]}" if flow != "turnover" else f"{b} turnover"
        lines.append(f"{'year':>4s} {head:>16s} {mirror:>16s} {'gap':>8s}  sources")
        for r in rows:
            gap = "–" if r["gap"] is None else f"{r['gap']:+.1%}"
            src = " / ".join(_SHORT.get(x, x or "–") for x in (r["reported_basis"], r["mirror_basis"]))
            lines.append(f"{r['year']:>4d} {_m(r['reported']):>16s} {_m(r['mirror']):>16s} {gap:>8s}  "
                         f"{src}")
        t = next(t for t in d["trends"] if t["flow"] == flow)
        lines += [f"{flow}: {t['words']}", ""]
    lines.append("Imports are valued CIF (with freight and insurance), exports FOB, so a partner's "
                 "imports usually exceed the mirror exports by a few percent; larger gaps come from "
                 "transit, re-exports, timing and coverage. Each side's figures are chosen as for a "
                 "run (national statistics first, then IMF DOTS, then official statements; figures flagged "
                 f"{' or '.join(EXCLUDED)} left out).")
    return "\n".join(lines) + "\n"
