"""The feasibility report: charts, HTML, Markdown and PDF rendered from a result dict.

The result dicts come from ``tradecast run --json`` (few paths, for speed); the keys the
report run adds (answer, history, partner, asymmetry, backtest, reproduce, ...) are filled
in here with plausible values where the command does not yet produce them.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from forecast.cli.main import app
from forecast.errors import ForecastError
from forecast.present import charts, history_charts, report

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


def run_json(*args: str) -> dict[str, Any]:
    res = CliRunner().invoke(app, ["run", *args, "--json", "--paths", "4000"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def complete(d: dict[str, Any]) -> dict[str, Any]:
    """Add the report keys the command may not produce yet, with plausible values."""
    d = copy.deepcopy(d)
    t, last = d["target"], d["last_observed"]
    annual = [f for f in d["data"]["figures"] if str(f["period"]).isdigit()] if d.get("data") else []
    d.setdefault("answer", f"About {d['probability']:.0%} that turnover reaches the target.")
    d.setdefault("history", {"years": [int(f["period"]) for f in annual],
                             "values": [f["value"] for f in annual]})
    rec = d["required_growth_history"]
    breaks = rec.setdefault("break_years", [y for y in (1994, 2018) if str(y) in rec["growth_by_year"]])
    kept = [r for y, r in rec["growth_by_year"].items() if int(y) not in breaks]
    rec.setdefault("years_without_breaks", len(kept))
    rec.setdefault("years_at_least_without_breaks", sum(r >= d["required_growth"] for r in kept))
    if t["kind"] == "by":
        before = 0.0
        first = {}
        for y, p in d["reached_by_year"].items():
            first[y], before = p - before, p
        d.setdefault("first_year_reached", first)
    d.setdefault("partner", {"reporter": d["data"]["partner"], "probability": 0.07, "probability_se": 0.0008,
                             "last_observed": {"year": last["year"] - 1, "value": 1.34e9},
                             "required_growth": 0.144, "as_of": d["data"]["as_of"],
                             "note": f"all {d['data']['partner']}-reported figures in the file"})
    d.setdefault("asymmetry", [
        {"year": y, "reporter_value": a, "partner_value": b, "gap_pct": (a / b - 1) if a and b else None}
        for y, a, b in ((2020, 0.85e9, 0.81e9), (2021, 1.05e9, 1.04e9), (2022, 1.25e9, 1.18e9),
                        (2023, 1.69e9, 1.31e9), (2024, 1.70e9, None))])
    d.setdefault("backtest", {"model": d["model"]["name"], "origins": list(range(2000, 2021)),
                              "horizon": t["year"] - last["year"],
                              "coverage": {"80": {"h1": 0.88, "all": 0.84}, "95": {"h1": 1.0, "all": 0.9}},
                              "smape": 38.2, "crps": 0.3, "n_tasks": 21})
    d.setdefault("reproduce", {"command": f"tradecast report {d['scenario']['file']} --seed {d['seed']}",
                               "seed": d["seed"], "scenario_sha256": d["scenario"]["sha256"],
                               "data_sha256": d["data"]["sha256"], "versions": d["versions"]})
    return d


def target_values(d: dict[str, Any]) -> np.ndarray:
    """A lognormal sample matching the result's target-year median and 80% band."""
    q = d["quantiles"][str(d["target"]["year"])]
    mu, sigma = np.log(q["0.5"]), (np.log(q["0.9"]) - np.log(q["0.1"])) / (2 * 1.2816)
    return np.exp(np.random.default_rng(7).normal(mu, sigma, 20_000))


@pytest.fixture(scope="module")
def by_result() -> dict[str, Any]:
    return complete(run_json(str(ROOT / "scenarios" / "kz-kg-3bn-by-2030.yaml")))


@pytest.fixture(scope="module")
def level_result() -> dict[str, Any]:
    return complete(run_json(str(ROOT / "scenarios" / "kz-kg-2024-target.yaml")))


@pytest.fixture(scope="module")
def by_charts(by_result: dict[str, Any]) -> dict[str, bytes]:
    return report.charts_for(by_result, target_values(by_result))


@pytest.fixture(scope="module")
def level_charts(level_result: dict[str, Any]) -> dict[str, bytes]:
    return report.charts_for(level_result, target_values(level_result))


def headings(text: str, pattern: str) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", h) for h in re.findall(pattern, text, re.M)]


# --- sections, HTML, Markdown --------------------------------------------------------------------

@pytest.mark.parametrize("which", ["by", "level"])
def test_every_section_title_in_order_in_html_and_markdown(which, request):
    d = request.getfixturevalue(f"{which}_result")
    cs = request.getfixturevalue(f"{which}_charts")
    secs = report.sections(d)
    assert [s.title for s in secs] == list(report.TITLES) and len(secs) == 9
    expected = [f"{i}. {t}" for i, t in enumerate(report.TITLES, 1)]
    page = report.html(d, cs)
    assert headings(page, r"<h2>(.*?)</h2>") == [t.replace("'", "&#x27;") for t in expected]
    md = report.markdown(d, report.chart_file_names(d, cs))
    assert headings(md, r"^## (.*)$") == expected


def test_html_is_self_contained(by_result, by_charts):
    page = report.html(by_result, by_charts).lower()
    for ref in ('src="http', "src='http", 'href="http', "href='http", "@import", "url(http", "url(",
                "<script", "<link"):
        assert ref not in page, ref
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == len(by_charts) == 6
    assert all(re.search(r'src="data:image/png;base64,[a-z0-9+/=]+"', i) for i in images)
    assert "@page" in page and "size: a4" in page and "max-width" in page and "overflow-x: auto" in page


def test_html_escapes_user_text(level_result, level_charts):
    d = copy.deepcopy(level_result)
    d["scenario"]["title"] = 'Trade <script>alert("x")</script> & more'
    d["answer"] = "Less than <b>10%</b>."
    d["notes"] = [*d["notes"], "<img src=x onerror=alert(1)>"]
    page = report.html(d, level_charts)
    assert "<script>" not in page and "<b>10%" not in page and "<img src=x" not in page
    assert "Trade &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    md = report.markdown(d, {})
    assert "<script>" not in md and r"\<script\>" in md


def test_by_target_gets_reach_chart_and_level_does_not(by_result, level_result, by_charts, level_charts):
    assert set(by_charts) == {"fan", "distribution", "choices", "reach", "growth", "asymmetry"}
    assert set(level_charts) == {"fan", "distribution", "choices", "growth", "asymmetry"}
    assert "Reached by this year" in report.html(by_result, by_charts)
    assert "Reached by this year" not in report.html(level_result, level_charts)
    files = report.chart_file_names(by_result, by_charts)
    md = report.markdown(by_result, files)
    assert f"]({files['reach']})" in md and files["reach"] == "kz-kg-3bn-by-2030-reach.png"
    level_files = report.chart_file_names(level_result, level_charts)
    assert "-reach.png" not in report.markdown(level_result, level_files)


def test_first_year_distribution_from_reach_when_absent(by_result):
    d = {k: v for k, v in by_result.items() if k != "first_year_reached"}
    first = report.first_years(d)
    assert list(first) == list(d["reached_by_year"])
    assert sum(first.values()) == pytest.approx(d["probability"])


@pytest.mark.parametrize("how", ["null", "absent"])
def test_absent_partner_and_backtest_say_why(level_result, how):
    d = copy.deepcopy(level_result)
    for key in ("partner", "asymmetry", "backtest", "partner_note"):
        d.pop(key, None)
        if how == "null" and key != "partner_note":
            d[key] = None if key != "asymmetry" else []
    secs = {s.title: s for s in report.sections(d)}
    partner = [b.text for b in secs["The partner's statistics"].blocks if isinstance(b, report.Para)]
    assert partner and partner[0].startswith("Not available: ")
    trust = [b.text for b in secs[report.TITLES[7]].blocks if isinstance(b, report.Para)]
    assert trust[0].startswith("No backtest of this series: ")
    page = report.html(d, {})
    assert "Not available: " in page and "No backtest of this series" in page


def test_partner_note_explains_a_missing_partner(level_result):
    d = copy.deepcopy(level_result)
    d["partner"] = None
    d["partner_note"] = "no answer on KAZ's figures: at least 3 annual observations needed"
    page = report.html(d, {})
    assert "Not available: no answer on KAZ&#x27;s figures: at least 3 annual observations needed." in page


def test_old_result_without_report_keys_renders(tmp_path):
    """A result of the plain command (no report keys at all) and an inline history still render."""
    scen = tmp_path / "inline.yaml"
    scen.write_text("name: inline\nhistory: {2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, 2022: 1.18e9, "
                    "2023: 1.31e9}\ntarget: {value: 2.0e9, year: 2026, kind: by}\n")
    d = run_json(str(scen))
    for key in ("answer", "history", "first_year_reached", "partner", "partner_note", "asymmetry", "backtest",
                "reproduce"):
        d.pop(key, None)
    for key in ("break_years", "years_without_breaks", "years_at_least_without_breaks"):
        d["required_growth_history"].pop(key, None)
    cs = report.charts_for(d)
    assert set(cs) == {"fan", "choices", "reach", "growth"}  # the choices: the models
    page, md = report.html(d, cs), report.markdown(d, report.chart_file_names(d, cs))
    for text in (page, md):
        assert "Not available" in text and "not identified in this result" in text
        assert "tradecast run" in text  # the reproduce command, rebuilt from the result


# --- charts --------------------------------------------------------------------------------------

def chart_calls() -> dict[str, tuple[Any, tuple[Any, ...]]]:
    years = [2026, 2027, 2028]
    q = {y: {lv: 2e9 * (1 + 0.05 * i) * m for lv, m in zip(
        (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975), (0.5, 0.6, 0.7, 0.85, 1, 1.2, 1.4, 1.6, 1.8))}
         for i, y in enumerate(years)}
    values = np.exp(np.random.default_rng(1).normal(np.log(2.2e9), 0.3, 5000))
    pairs = [(1e9, 0.9e9), (1.1e9, None), (1.3e9, 1.4e9), (None, 1.5e9)]
    rows = [{"year": 2021 + i, "reporter_value": a, "partner_value": b,
             "gap_pct": (a / b - 1) if a and b else None} for i, (a, b) in enumerate(pairs)]
    return {
        "fan": (charts.fan_chart, ([2021, 2022, 2023, 2024, 2025], [1.0e9, 1.2e9, 1.7e9, 1.7e9, 2.0e9],
                                   years, q, 3e9, 2028, "Turnover reaches US$3bn by 2028 in 20% of paths",
                                   "Caption.")),
        "distribution": (charts.target_distribution, (values, 3e9, 2028, "Title", "Caption")),
        "reach": (history_charts.reach_by_year,
                  ({"2026": 0.1, "2027": 0.2}, {2026: 0.1, 2027: 0.1}, "T", "C")),
        "growth": (history_charts.growth_history,
                   ([2019, 2020, 2021, 2022], [0.1, -0.2, 0.3, 0.05], 0.08, [2021], "T", "C")),
        "asymmetry": (history_charts.asymmetry, (rows, "KAZ", "KGZ", "T", "C")),
    }


@pytest.mark.parametrize("name", list(chart_calls()))
def test_charts_are_deterministic_pngs_at_a4_width(name):
    fn, args = chart_calls()[name]
    first, second = fn(*args), fn(*args)
    assert first[:8] == PNG and first == second
    width, height = int.from_bytes(first[16:20], "big"), int.from_bytes(first[20:24], "big")
    assert width == round(charts.WIDTH * charts.DPI) and 0.45 < height / width < 0.75
    assert b"Software" not in first and b"tIME" not in first


def test_report_charts_are_deterministic(by_result, by_charts):
    again = report.charts_for(by_result, target_values(by_result))
    assert again == by_charts and all(png[:8] == PNG for png in again.values())


def test_charts_leave_matplotlib_global_state_alone():
    import matplotlib

    before = dict(matplotlib.rcParams)
    fn, args = chart_calls()["fan"]
    fn(*args)
    assert dict(matplotlib.rcParams) == before
    assert "matplotlib.pyplot" not in sys.modules or not __import__("matplotlib.pyplot").pyplot.get_fignums()


# --- PDF -----------------------------------------------------------------------------------------

def test_pdf_renders_with_xhtml2pdf(level_result, level_charts):
    pytest.importorskip("xhtml2pdf")
    out = report.pdf(report.html(level_result, level_charts))
    assert out.startswith(b"%PDF") and len(out) > 10_000


def test_pdf_without_xhtml2pdf_says_how_to_install(monkeypatch, level_result):
    monkeypatch.setitem(sys.modules, "xhtml2pdf", None)  # makes the import fail
    with pytest.raises(ForecastError) as e:
        report.pdf(report.html(level_result, {}))
    assert e.value.lines() == ["pdf: PDF output needs the optional dependency xhtml2pdf: pip install "
                               "'tradecast[pdf]' (or choose --format html,md)"]


def test_files_for_each_format(by_result):
    from types import SimpleNamespace

    years = np.arange(2026, 2031)
    sample = np.log(target_values(by_result))[:, None] + np.zeros(len(years))
    run = SimpleNamespace(simulation=SimpleNamespace(years=years, sample=sample),
                          scenario=SimpleNamespace(target=SimpleNamespace(year=2030)))
    md_only = report.files(run, by_result, ("md",))  # type: ignore[arg-type]
    name = by_result["scenario"]["name"]
    assert set(md_only) == {f"{name}.md", *(f"{name}-{k}.png" for k in report.CHART_KEYS)}
    html_only = report.files(run, by_result, ("html",))  # type: ignore[arg-type]
    assert set(html_only) == {f"{name}.html"} and html_only[f"{name}.html"].count("<img ") == 6
