"""Rendering of the ``tradecast data`` commands: tables and JSON of data files."""

from __future__ import annotations

from typing import Any

from forecast.data.asymmetry import EXCLUDED, MIRROR, Row, Trend
from forecast.present.formats import REPORTERS, to_json

__all__ = ["asymmetry_dict", "asymmetry_text", "import_dict", "import_text", "list_dict",
           "list_text", "show_dict", "show_text", "to_json"]


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


_SHORT = {"national-statistics": "national", "un-comtrade": "Comtrade", "imf-imts": "IMF IMTS",
          "imf-dots": "IMF DOTS", "official-statement": "statement",
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
                 "run (national statistics first, then UN Comtrade, IMF IMTS, IMF DOTS, official "
                 "statements; figures flagged "
                 f"{' or '.join(EXCLUDED)} left out).")
    return "\n".join(lines) + "\n"


def list_dict(found: list[tuple[str, Any]], skipped: list[tuple[str, str]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """The JSON of ``tradecast data list``: per file, per reporter and partner, the years of
    annual figures, the months, the year-to-date periods and the bases; and the CSV files
    that are not data files, with why."""
    out = []
    for file, data in found:
        pairs = []
        for r, p in sorted({(f.reporter, f.partner) for f in data.figures}):
            figs = [f for f in data.figures if (f.reporter, f.partner) == (r, p)]
            years = sorted({f.period.year for f in figs if f.period.kind == "year"})
            pairs.append({"reporter": r, "partner": p, "rows": len(figs),
                          "years": [years[0], years[-1]] if years else None,
                          "year_to_date": sorted({str(f.period) for f in figs if f.period.kind == "ytd"}),
                          "months": sorted({str(f.period) for f in figs if f.period.kind == "month"}),
                          "flows": sorted({f.flow for f in figs}),
                          "bases": sorted({f.basis for f in figs})})
        out.append({"file": file, "rows": len(data.figures), "series": pairs})
    return {"files": out, "not_data_files": [{"file": f, "why": why} for f, why in skipped]}


def list_text(d: dict[str, Any]) -> str:
    """One line per reporter and partner of each file."""
    lines = [] if d["files"] else ["no data files (*.csv) in this folder"]
    for f in d["files"]:
        lines.append(f"{f['file']}: {f['rows']} rows")
        for s in f["series"]:
            span = f"{s['years'][0]}–{s['years'][1]}" if s["years"] else "no annual figures"
            ytd = f"; year to date {', '.join(s['year_to_date'])}" if s["year_to_date"] else ""
            months = s.get("months") or []
            mon = (f"; {len(months)} single month(s) {months[0]}..{months[-1]} (not used by runs)"
                   if months else "")
            lines.append(f"  {s['reporter']} reporting on {s['partner']}: {s['rows']} rows, years "
                         f"{span}{ytd}{mon}; flows {', '.join(s['flows'])}; bases {', '.join(s['bases'])}")
    for x in d.get("not_data_files", []):
        lines.append(f"{x['file']}: not a data file, skipped ({x['why']})")
    return "\n".join(lines) + "\n"


def show_dict(file: str, measure: str, series: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """The JSON of ``tradecast data show``: each reporter's annual series with its sources."""
    return {"file": file, "measure": measure,
            "series": [{"reporter": r, "partner": p,
                        "figures": [{"year": int(u.period.year), "value": u.value,
                                     "basis": "+".join(sorted({f.basis for f in u.figures})),
                                     "flags": sorted({fl for f in u.figures for fl in f.flags})}
                                    for u in s.used]}
                       for (r, p), s in series.items()]}


def show_text(d: dict[str, Any]) -> str:
    """A table by year, one column per reporter (US$ m, with its source), and a bar per
    reporter on one scale."""
    cols = d["series"]
    if not cols:
        return f"{d['file']}: no annual {d['measure']} figures\n"
    by_year: dict[int, dict[int, Any]] = {}
    for i, c in enumerate(cols):
        for f in c["figures"]:
            by_year.setdefault(f["year"], {})[i] = f
    top = max(f["value"] for c in cols for f in c["figures"])
    width = 24 if len(cols) <= 2 else 12
    heads = [f"{c['reporter']} on {c['partner']}" for c in cols]
    lines = [f"{d['file']}: {d['measure']}, US$ m, each reporter's own figures (source in brackets); "
             "bars on one scale, in the order of the columns", "",
             f"{'year':>4s} " + " ".join(f"{h:>26s}" for h in heads)]
    for y in sorted(by_year):
        cells, bars = [], []
        for i in range(len(cols)):
            f = by_year[y].get(i)
            src = "" if f is None else _SHORT.get(f["basis"], f["basis"])
            cells.append("–" if f is None else f"{f['value'] / 1e6:,.1f} ({src})")
            bar = "" if f is None else "█" * max(1, round(width * f["value"] / top))
            bars.append(f"{bar:<{width}s}")
        lines.append(f"{y:>4d} " + " ".join(f"{c:>26s}" for c in cells) + "  " + " ".join(bars).rstrip())
    return "\n".join(lines) + "\n"


def import_dict(imported: Any, out: str, merged: Any, *, dry_run: bool) -> dict[str, Any]:
    """The JSON of ``tradecast data import``: what was read, what changed, what was left out."""
    series: dict[tuple[str, str, str, str], list[str]] = {}
    for r in imported.records:
        series.setdefault((r.reporter, r.partner, r.flow, r.basis), []).append(r.period)
    return {"file": imported.file, "format": imported.format, "out": out, "dry_run": dry_run,
            "written": not dry_run and bool(merged.added or merged.replaced),
            "figures": len(imported.records), "added": merged.added, "unchanged": merged.unchanged,
            "replaced": list(merged.replaced),
            "series": [{"reporter": k[0], "partner": k[1], "flow": k[2], "basis": k[3],
                        "periods": sorted(v)} for k, v in sorted(series.items())],
            "left_out": list(imported.left_out), "notes": list(imported.notes)}


def _periods_text(periods: list[str]) -> str:
    years = [p for p in periods if len(p) == 4]
    months = [p for p in periods if len(p) == 7]
    ytd = [p for p in periods if ".." in p]
    parts = []
    if years:
        parts.append(f"years {years[0]}–{years[-1]}" if len(years) > 1 else f"year {years[0]}")
    if months:
        parts.append(f"{len(months)} single month{'s' if len(months) > 1 else ''} {months[0]}"
                     + (f"..{months[-1]}" if len(months) > 1 else ""))
    if ytd:
        parts.append("year to date " + ", ".join(ytd))
    return "; ".join(parts)


def import_text(d: dict[str, Any]) -> str:
    """What the import read and did to the data file, in a few lines."""
    verb = "would add" if d["dry_run"] else "added"
    pair = "–".join(sorted({s["reporter"] for s in d["series"]} | {s["partner"] for s in d["series"]}))
    lines = [f"{d['file']} ({d['format']}): {d['figures']} figure{'s' if d['figures'] != 1 else ''} "
             f"for {pair}",
             f"{d['out']}: {verb} {d['added']}, unchanged {d['unchanged']}, "
             f"{'would replace' if d['dry_run'] else 'replaced'} {len(d['replaced'])}"
             + ("" if d["written"] or d["dry_run"] else " (nothing to write)")]
    for s in d["series"]:
        lines.append(f"  {s['reporter']} reporting {s['flow']} with {s['partner']}: "
                     f"{_periods_text(s['periods'])}, {s['basis']}")
    lines += [f"  replaced {r}" for r in d["replaced"]]
    lines += [f"Left out: {x}" for x in d["left_out"]]
    lines += [f"Note: {x}" for x in d["notes"]]
    if not d["dry_run"]:
        lines.append(f"Next: tradecast data show {d['out']}")
    return "\n".join(lines) + "\n"
