"""Reports of several runs in the style of the feasibility report: a comparison of
scenarios (:func:`comparison_files`), a sweep (:func:`sweep_files`) and a sensitivity
analysis (:func:`sensitivity_files`).

Each is laid out from its JSON dict (:mod:`forecast.render_multi`) as numbered
sections of blocks, written by the same HTML and Markdown page writers as the
feasibility report; charts come from :mod:`forecast.present.comparison_charts` and
:mod:`forecast.present.variant_charts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from forecast.present.formats import probability_text
from forecast.present.render_multi import cell, value_text
from forecast.present.report.blocks import Block, Chart, Code, Items, Para, Section, Table
from forecast.present.report.chart_set import _history, target_values
from forecast.present.report.formatting import _at, _bn3, _growth, _pct, _short_money, basis, vintage
from forecast.present.report.html_page import page as html_page
from forecast.present.report.markdown_page import page as markdown_page
from forecast.present.report.pdf_file import pdf

if TYPE_CHECKING:
    from forecast.analysis.results import RunResult
    from forecast.analysis.variants import Sweep


def _files(stem: str, kicker: str, title: str, sub: str, secs: list[Section],
           charts: Mapping[str, bytes], footer: str, formats: Sequence[str]) -> dict[str, str | bytes]:
    """The page in each format asked for, and the PNGs the Markdown refers to."""
    out: dict[str, str | bytes] = {}
    page = html_page(kicker, title, sub, secs, charts, footer) if {"html", "pdf"} & set(formats) else ""
    if "html" in formats:
        out[f"{stem}.html"] = page
    if "md" in formats:
        names = {k: f"{stem}-{k}.png" for k in charts}
        out[f"{stem}.md"] = markdown_page(title, f"{kicker} · {sub}", secs, names)
        out.update({names[k]: png for k, png in charts.items()})
    if "pdf" in formats:
        out[f"{stem}.pdf"] = pdf(page)
    return out


def _footer(d: Mapping[str, Any]) -> str:
    version = _at(d, "versions", "tradecast")
    return (f"Produced by tradecast{' ' + str(version) if version else ''}. Probabilities are the "
            "model's, given the figures and assumptions stated above; differences between runs are "
            "estimated on common random numbers.")


def _p(d: Mapping[str, Any]) -> str:
    return cell(float(d["probability"]), float(d["probability_se"]), int(d.get("paths") or 1))


def _reproduce(command: str | None, paths: int, seed: int, files: Sequence[tuple[str, str]]) -> list[Block]:
    blocks: list[Block] = [Code(command)] if command else []
    rows = [("Seed", str(seed)), ("Paths per run", f"{paths:,}"), *files]
    blocks.append(Table(("", ""), tuple(rows)))
    blocks.append(Para("The same files (same SHA-256), seed and paths give the same numbers with the "
                       "same package versions.", "note"))
    return blocks


# --- comparison ------------------------------------------------------------------------

def comparison_sections(d: Mapping[str, Any]) -> list[Section]:
    """The comparison report's sections, from ``tradecast compare --json``'s dict."""
    runs = d["scenarios"]
    diffs = {x["scenario"]: x for x in d["differences"]}
    first = runs[0]
    lo = min(runs, key=lambda r: r["probability"])
    hi = max(runs, key=lambda r: r["probability"])
    lead = (f"P(target reached) ranges from {_pct(lo['probability'])} ({lo['scenario']['name']}) to "
            f"{_pct(hi['probability'])} ({hi['scenario']['name']}) across {len(runs)} scenarios.")
    targets = {f"{_short_money(r['target']['value'])} {r['target']['kind']} {r['target']['year']}"
               for r in runs}
    bases = {basis(r) for r in runs}
    rows = []
    for r in runs:
        t = r["target"]
        q = r["quantiles"][str(t["year"])]
        x = diffs.get(r["scenario"]["name"])
        vs = "first" if x is None else (f"{x['probability_diff'] * 100:+.2f} pp ± "
                                        f"{x['probability_diff_se'] * 100:.2f}")
        rows.append((r["scenario"]["name"],
                     *([f"{_short_money(t['value'])} {t['kind']} {t['year']}"] if len(targets) > 1 else []),
                     *([_at(r, "data", "reporter", default="inline")] if len(bases) > 1 else []),
                     _p(r), _bn3(q["0.5"]), f"{_bn3(q['0.05'])}–{_bn3(q['0.95'])}",
                     _growth(r["required_growth"]), vs))
    header = ("Scenario", *(["Target"] if len(targets) > 1 else []),
              *(["Statistics"] if len(bases) > 1 else []), "P(target)", "Median", "5–95%",
              "Growth needed", "vs first")
    same = "; ".join([*([f"target {next(iter(targets))}"] if len(targets) == 1 else []),
                      *([next(iter(bases))] if len(bases) == 1 else [])])
    answer: list[Block] = [
        Para(lead, "lead"),
        Table(header, tuple(rows), (False,) * (len(header) - 5) + (True,) * 5,
              (f"Every scenario: {same}. " if same else "")
              + "Median and 5–95%: the value in the target year, US$ bn. Growth needed: a year, "
              "from the last observed figure. vs first: the difference in P from the first "
              "scenario ± its paired standard error. "
              f"All run with {first['paths']:,} paths and seed {first['seed']}: the same "
              "random draws wherever they share structure."),
        Chart("probabilities", "Each scenario's probability of reaching its target, with 95% "
                               "Monte Carlo intervals."),
    ]
    answer += [Para(n, "note") for n in d.get("notes") or []]
    differ: list[Block] = []
    for x in d["differences"]:
        differ.append(Para(f"{x['scenario']} against {x['vs']}: {x['probability_diff'] * 100:+.2f} pp, "
                           f"paired standard error {x['probability_diff_se'] * 100:.3f} pp (independent "
                           f"runs would give {x['probability_diff_se_unpaired'] * 100:.3f} pp)."))
        differ.append(Items(tuple(x["assumptions_that_differ"]) or ("no assumption differs",)))
    secs = [Section(1, "The answer", tuple(answer)),
            Section(2, "What differs", tuple(differ)),
            Section(3, "Target-year distributions", (Chart(
                "distributions", "The simulated values in the target year, one outline per scenario."),)),
            Section(4, "Projected paths", (Chart(
                "fans", "Each scenario's fan chart: median path and central 50/80/95% bands."),)),
            Section(5, "Reproduce this comparison", tuple(_reproduce(
                d.get("command"), int(first["paths"]), int(first["seed"]),
                [(f"{r['scenario']['file']} SHA-256", str(r["scenario"].get("sha256") or "–"))
                 for r in runs])))]
    return secs


def comparison_charts(d: Mapping[str, Any], runs: Sequence[RunResult]) -> dict[str, bytes]:
    """The comparison's charts: probabilities, overlaid distributions, fans side by side."""
    from forecast.present import comparison_charts as cc

    scen = d["scenarios"]
    names = [r["scenario"]["name"] for r in scen]
    years = sorted({int(r["target"]["year"]) for r in scen})
    year_label = "/".join(map(str, years))
    caption = (f"{len(scen)} scenarios, {scen[0]['paths']:,} paths each, seed {scen[0]['seed']}; "
               "bases: " + "; ".join(sorted({basis(r) for r in scen})) + ".")
    hi = max(scen, key=lambda r: r["probability"])
    lo = min(scen, key=lambda r: r["probability"])
    fans = []
    for r in scen:
        hy, hv = _history(r)
        t = r["target"]
        fans.append({"name": r["scenario"]["name"], "hist_years": hy, "hist_values": hv,
                     "years": sorted(int(y) for y in r["quantiles"]), "quantiles": r["quantiles"],
                     "target_value": float(t["value"]), "target_year": int(t["year"])})
    return {
        "probabilities": cc.probabilities(
            names, [r["probability"] for r in scen], [r["probability_se"] for r in scen],
            f"From {_pct(lo['probability'])} ({lo['scenario']['name']}) to {_pct(hi['probability'])} "
            f"({hi['scenario']['name']})", caption + " Bars: 95% Monte Carlo intervals."),
        "distributions": cc.overlaid_distributions(
            names, [target_values(r) for r in runs], [float(r["target"]["value"]) for r in scen],
            year_label, f"Where each scenario puts the value in {year_label}", caption),
        "fans": cc.fans_side_by_side(fans, "Projected paths, scenario by scenario", caption),
    }


def comparison_stem(names: Sequence[str]) -> str:
    """``compare-a-vs-b`` (up to three names), else ``compare-a-vs-4-more``: file names that
    say which comparison they hold, so two comparisons in one folder do not collide."""
    if len(names) <= 3:
        return "compare-" + "-vs-".join(names)
    return f"compare-{names[0]}-vs-{len(names) - 1}-more"


def comparison_files(d: Mapping[str, Any], runs: Sequence[RunResult], formats: Sequence[str],
                     stem: str) -> dict[str, str | bytes]:
    """Every file of a comparison report by name (``<stem>.html``, ``.md``, PNGs, ``.pdf``)."""
    names = [r["scenario"]["name"] for r in d["scenarios"]]
    return _files(stem, "Comparison of scenarios", " vs ".join(names),
                  f"{len(names)} scenarios on common random numbers", comparison_sections(d),
                  comparison_charts(d, runs), _footer(d["scenarios"][0]), formats)


# --- sweep -----------------------------------------------------------------------------

def _sweep_lines(d: Mapping[str, Any]) -> tuple[str, list[Any], list[tuple[str, list[float], list[float]]]]:
    """The x key, its values, and one line of (label, p, se) per combination of the other keys."""
    sw = d["sweep"]
    keys = sw["keys"]
    x = next((k for k in keys if len({repr(p["values"][k]) for p in sw["points"]}) > 1), keys[0])
    xs = list(dict.fromkeys(p["values"][x] for p in sw["points"]))
    lines: dict[str, tuple[list[float], list[float]]] = {}
    for p in sw["points"]:
        label = ", ".join(f"{k} = {value_text(k, p['values'][k])}" for k in keys if k != x)
        ps, ses = lines.setdefault(label, ([], []))
        ps.append(p["probability"])
        ses.append(p["probability_se"])
    return x, xs, [(label, ps, ses) for label, (ps, ses) in lines.items()]


def sweep_sections(d: Mapping[str, Any], charted: bool) -> list[Section]:
    """The sweep report's sections."""
    sw, first = d["sweep"], d["first_point"]
    pts = sw["points"]
    lo = min(pts, key=lambda p: p["probability"])
    hi = max(pts, key=lambda p: p["probability"])

    def where(p: Mapping[str, Any]) -> str:
        return ", ".join(f"{k} = {value_text(k, v)}" for k, v in p["values"].items())

    rows = tuple((*(value_text(k, p["values"][k]) for k in sw["keys"]),
                  cell(p["probability"], p["probability_se"], sw["paths"]),
                  _bn3(p["target_year_median"]),
                  f"{_bn3(p['target_year_p05'])}–{_bn3(p['target_year_p95'])}",
                  _growth(p["required_growth"])) for p in pts)
    blocks: list[Block] = [
        Para(f"P(target reached) runs from {_pct(lo['probability'])} at {where(lo)} to "
             f"{_pct(hi['probability'])} at {where(hi)}.", "lead"),
        *([Chart("curve", "Probability of reaching the target against the swept value, with 95% "
                          "Monte Carlo bands.")] if charted else []),
        Table((*sw["keys"], "P(target)", "Median in the target year, US$ bn", "5–95%, US$ bn",
               "Required growth a year"), rows,
              (*(True for _ in sw["keys"]), True, True, True, True),
              f"{len(pts)} runs of {sw['scenario']} ({basis(first)}, {vintage(first)}), each with "
              f"{sw['paths']:,} paths and seed {sw['seed']}; each model is fitted once per series."),
    ]
    blocks += [Para(n, "note") for n in sw.get("notes") or []]
    return [Section(1, "The answer across the sweep", tuple(blocks)),
            Section(2, "Reproduce this sweep", tuple(_reproduce(
                sw.get("command"), int(sw["paths"]), int(sw["seed"]),
                [("Scenario file", str(sw["file"])),
                 ("Scenario SHA-256", str(_at(first, "scenario", "sha256", default="–")))])))]


def sweep_files(d: Mapping[str, Any], sweep: Sweep, formats: Sequence[str]) -> dict[str, str | bytes]:
    """Every file of a sweep report by name (``<name>-sweep.html``, ``.md``, its chart)."""
    from forecast.analysis.variants import is_numeric
    from forecast.present import variant_charts as vc

    sw, first = d["sweep"], d["first_point"]
    x, xs, lines = _sweep_lines(d)
    charts: dict[str, bytes] = {}
    if len(lines) <= 8 and len(xs) > 1:
        money = is_numeric(xs) and min(abs(float(v)) for v in xs) >= 1e5
        lo = min(p["probability"] for p in sw["points"])
        hi = max(p["probability"] for p in sw["points"])
        charts["curve"] = vc.sweep_curve(
            x, xs, lines, f"P(target reached) from {_pct(lo)} to {_pct(hi)} as {x} varies",
            f"{sw['scenario']}: {basis(first)}, {vintage(first)}; {sw['paths']:,} paths per run, "
            f"seed {sw['seed']}, common random numbers. Bands: 95% Monte Carlo intervals.",
            money=money, central=(sw.get("as_written") or {}).get(x))
    title = str(_at(first, "scenario", "title") or sw["scenario"])
    return _files(f"{sw['scenario']}-sweep", "Sweep", title,
                  f"Scenario {sw['scenario']} ({sw['file']}) over " + ", ".join(sw["keys"]),
                  sweep_sections(d, "curve" in charts), charts, _footer(first), formats)


# --- sensitivity -----------------------------------------------------------------------

def sensitivity_sections(d: Mapping[str, Any]) -> list[Section]:
    """The sensitivity report's sections."""
    c, rows, sc = d["central"], d["sensitivity"], d["scenario"]
    year = int(c["target"]["year"])
    p = probability_text(c["probability"], c["probability_se"], int(sc["paths"]))
    blocks: list[Block] = []
    if rows:
        top = rows[0]
        blocks.append(Para(
            f"As written, P(target reached) is {p}. The assumption that matters most is "
            f"{top['label']}: from {_pct(top['probability_low'])} at "
            f"{value_text(top['key'], top['low'])} to {_pct(top['probability_high'])} at "
            f"{value_text(top['key'], top['high'])}.", "lead"))
        blocks.append(Chart("tornado", "Tornado: P(target) and the median target-year value with "
                                       "each assumption at its low and high value."))
        blocks.append(Table(
            ("Assumption (key path)", "Low / high", "P at low", "P at high", "Swing",
             f"Median {year}, low / high", "Range"),
            tuple((f"{r['label']} ({r['key']})", f"{value_text(r['key'], r['low'])} / "
                   f"{value_text(r['key'], r['high'])}",
                   f"{r['probability_low'] * 100:.2f}% ± {r['probability_low_diff_se'] * 100:.2f}",
                   f"{r['probability_high'] * 100:.2f}% ± {r['probability_high_diff_se'] * 100:.2f}",
                   f"{r['swing'] * 100:.1f} pp", f"{_bn3(r['median_low'])} / {_bn3(r['median_high'])}",
                   r["rule"]) for r in rows),
            (False, True, True, True, True, True, False),
            "± : paired standard error of the change from the scenario as written (common random "
            "numbers). Medians in US$ bn."))
    else:
        blocks.append(Para(f"As written, P(target reached) is {p}; no assumption could be varied.",
                           "lead"))
    blocks += [Para(n, "note") for n in d.get("notes") or []]
    how: list[Block] = [
        Para("Each assumption is moved alone to its low and its high value; every other value "
             "stays as written, and every run uses the same random draws. Ranges declared in "
             "the scenario's sensitivity: block are used as given; the others follow default "
             "rules:"),
        Items(("growth rates (mean, mode, shift): ±5 percentage points",
               "spreads (sd, scale, sd_below, sd_above): ×0.75 and ×1.25",
               "degrees of freedom: ×0.5 and ×2",
               "shock probabilities and impacts: ×0.5 and ×1.5",
               "share of a shock recovered the next year: ±0.25, within 0 and 1",
               "in years no growth assumption covers: the model's growth shifted by ±5 "
               "percentage points, and its spread scaled by ×0.75 and ×1.25"))]
    return [Section(1, "What moves the answer", tuple(blocks)),
            Section(2, "How the ranges were chosen", tuple(how)),
            Section(3, "Reproduce this analysis", tuple(_reproduce(
                d.get("command"), int(sc["paths"]), int(sc["seed"]),
                [("Scenario file", str(_at(sc, "scenario", "file", default="–"))),
                 ("Scenario SHA-256", str(_at(sc, "scenario", "sha256", default="–")))])))]


def sensitivity_files(d: Mapping[str, Any], formats: Sequence[str]) -> dict[str, str | bytes]:
    """Every file of a sensitivity report by name (``<name>-sensitivity.html``, ``.md``, PNG)."""
    from forecast.present import variant_charts as vc

    sc, c, rows = d["scenario"], d["central"], d["sensitivity"]
    name = str(sc["scenario"]["name"])
    year = int(c["target"]["year"])
    charts: dict[str, bytes] = {}
    if rows:
        top = rows[0]
        charts["tornado"] = vc.tornado(
            [r["label"] for r in rows], [value_text(r["key"], r["low"]) for r in rows],
            [value_text(r["key"], r["high"]) for r in rows], [r["probability_low"] for r in rows],
            [r["probability_high"] for r in rows], c["probability"],
            [r["median_low"] for r in rows], [r["median_high"] for r in rows],
            c["target_year_median"], year,
            f"{top['label']} moves P(target) most: {_pct(top['probability_low'])} to "
            f"{_pct(top['probability_high'])}",
            f"{name}: {basis(sc)}, {vintage(sc)}; {sc['paths']:,} paths per run, seed {sc['seed']}, "
            "common random numbers. Each assumption moved alone.")
    title = str(_at(sc, "scenario", "title") or name)
    return _files(f"{name}-sensitivity", "Sensitivity analysis", title,
                  f"Scenario {name} · {basis(sc)} · {vintage(sc)}", sensitivity_sections(d), charts,
                  _footer(sc), formats)
