"""The Python API: the README's Python section runs as written, and ``fc.run`` gives exactly
the probability ``tradecast run --json`` prints, for every shipped scenario."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, write

import forecast as fc
from forecast.errors import ScenarioError

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _readme_python() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- python-api -->\n```python\n(.*?)```", text, re.S)
    assert m, "README has no python-api block"
    return m.group(1)


def test_the_readme_python_section_runs_as_written(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    ns: dict = {}
    try:
        exec(compile(_readme_python(), "README.md", "exec"), ns)  # noqa: S102
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")  # the block's figure is a notebook's; leave pyplot as other tests expect
    r = ns["r"]
    assert r.method == "closed-form" and r.probability_se == 0.0
    assert ns["d"]["probability"] == r.probability
    assert list(ns["quantiles"].index) == [2024] and 0.5 in ns["quantiles"].columns
    assert ns["by_model"].loc["pooled", "chosen"] and ns["by_model"].loc["pooled", "exact"]
    assert len(ns["paths"]) > 1000
    assert ns["c"].to_frame().loc["kz-kg-3bn-border-risk", "diff_se_paired"] > 0
    assert ns["ax"].get_title().startswith("Kazakhstan")
    assert ns["hist"].get_xlabel() == "Value in 2024, US$ bn (log scale)"
    assert {"fan", "distribution", "choices", "growth"} <= set(ns["figs"])
    out = capsys.readouterr().out
    assert out.startswith("Result('kz-kg-2024-target': P = 9.20% exact;")
    assert "Probability    9.2%" in out


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_the_api_gives_exactly_the_clis_probability(cli, path) -> None:
    d = json.loads(cli("run", path, "--json").stdout)
    r = fc.run(fc.load(path))
    assert r.probability == d["probability"]
    assert r.probability_se == d["probability_se"] and r.method == d["probability_method"]
    assert r.to_dict()["probability_by_model"] == d["probability_by_model"]
    assert len(repr(r)) < 200


def test_a_question_from_figures_in_hand(tmp_path) -> None:
    pd = pytest.importorskip("pandas")
    s = pd.Series([1.0e9, 1.1e9, 1.15e9, 1.3e9], index=[2020, 2021, 2022, 2023])
    q = fc.Question.from_series(s, target=1.5e9, year=2024, model="rw-drift")
    same = fc.Question.from_series(s.to_dict(), target=1.5e9, year=2024, model="rw-drift")
    a, b = fc.run(q, seed=3, paths=20_000), fc.run(same, seed=3, paths=20_000)
    assert a.probability == b.probability and a.method == "closed-form"
    write(tmp_path, "s.yaml", "name: question\nhistory: {2020: 1.0e9, 2021: 1.1e9, 2022: 1.15e9, "
          "2023: 1.3e9}\ntarget: {value: 1.5e9, year: 2024}\nmodel: rw-drift\n")
    assert fc.run(tmp_path / "s.yaml", seed=3, paths=20_000).probability == a.probability
    with pytest.raises(ScenarioError, match=r"growth\[0\]"):
        fc.Question.from_series(s, target=1.5e9, year=2024, growth=[{"dist": "normal", "mean": 0.1}])
    with pytest.raises(ScenarioError, match="target.year"):
        fc.Question.from_series(s, target=1.5e9, year=2023)


def test_the_api_is_loaded_lazily_and_listed() -> None:
    import subprocess
    import sys

    code = ("import sys, forecast; assert 'forecast.api' not in sys.modules; "
            "assert 'pandas' not in sys.modules; print(sorted(dir(forecast)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "'run'" in out.stdout and "'load'" in out.stdout
    code = ("import forecast.cli, sys; "
            "assert 'pandas' not in sys.modules and 'forecast.api' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_version_prints_the_libraries(cli) -> None:
    r = cli("--version")
    assert r.exit_code == 0 and r.stdout.startswith("tradecast ") and "numpy " in r.stdout


def test_docs_json_names_every_key_of_the_result(cli) -> None:
    """docs/json.md is the contract: every top-level key a run or a report writes is in it."""
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", doc))
    for path in SCENARIOS:
        d = fc.run(fc.load(path)).to_dict()
        assert d["schema_version"] == 1
        assert set(d) <= documented, sorted(set(d) - documented)
    report = ["partner", "partner_note", "asymmetry", "asymmetry_flows", "backtest", "reproduce"]
    assert set(report) <= documented



def test_sweep_sensitivity_and_backtest_give_the_commands_numbers(cli) -> None:
    path = ROOT / "scenarios" / "kz-kg-3bn-border-risk.yaml"
    sw = fc.sweep(path, {"target.value": [2.5e9, 3e9]}, paths=4000)
    d = json.loads(cli("run", path, "--set", "target.value=2.5e9,3e9", "--paths", 4000, "--json").stdout)
    assert [p["probability"] for p in d["sweep"]["points"]] == list(sw.to_frame()["probability"])
    assert sw.to_dict()["sweep"]["points"] == d["sweep"]["points"]
    s = fc.sensitivity(path, paths=4000)
    ds = json.loads(cli("sensitivity", path, "--paths", 4000, "--json").stdout)
    frame = s.to_frame()
    assert [r["probability_low"] for r in ds["sensitivity"]] == list(frame["p_low"])
    assert list(frame["swing"]) == sorted(frame["swing"], reverse=True)  # largest first
    b = fc.backtest(ROOT / "scenarios" / "kz-kg-2024-target.yaml", models=["rw-drift"], paths=300)
    db = json.loads(cli("backtest", ROOT / "scenarios" / "kz-kg-2024-target.yaml", "--model",
                        "rw-drift", "--paths", 300, "--json").stdout)
    assert b.to_frame().loc["rw-drift", "crps"] == db["crps"]


def test_the_report_charts_draw_on_any_axes() -> None:
    """Each single-run chart draws on an Axes the caller owns (the report's PNG is the same
    drawing in the report's frame)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    r = fc.run(ROOT / "scenarios" / "kz-kg-3bn-by-2030.yaml", paths=20_000)
    fig = Figure()
    axes = fig.subplots(2, 2).ravel()
    for ax, plot in zip(axes, (fc.plot_fan, fc.plot_distribution, fc.plot_growth, fc.plot_reach)):
        assert plot(r, ax=ax) is ax
        assert ax.has_data()
    assert axes[2].get_ylabel() == "Annual growth" and axes[3].get_ylabel() == "Probability"
    assert [int(t.get_text()) for t in axes[3].get_xticklabels() if t.get_text()][-1] == 2030


def test_every_report_chart_comes_back_as_a_figure() -> None:
    """Result.figures(), Comparison.figures(), SweepResult.figure() and SensitivityResult.figure()
    give the report's charts as matplotlib Figures, and the PNG path is untouched by it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from forecast.present import charts

    path = ROOT / "scenarios" / "kz-kg-3bn-border-risk.yaml"
    r = fc.run(path, paths=4000)
    figs = r.figures()
    assert set(figs) == {"fan", "distribution", "choices", "reach", "growth"}
    assert all(isinstance(f, Figure) for f in figs.values())
    c = fc.compare([ROOT / "scenarios" / "kz-kg-3bn-by-2030.yaml", path], paths=4000)
    assert set(c.figures()) == {"probabilities", "distributions", "fans"}
    assert isinstance(fc.sweep(path, {"target.value": [2.5e9, 3e9]}, paths=4000).figure(), Figure)
    tornado = fc.sensitivity(path, paths=4000).figure()
    assert isinstance(tornado, Figure) and len(tornado.axes) == 2
    png = charts.fan_chart([2020, 2021], [1e9, 1.1e9], [2022], {2022: {q: 1.2e9 for q in
                           (0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975)}}, 2e9, 2022, "T", "C")
    assert png.startswith(b"\x89PNG")  # outside the capture, charts render PNG bytes as before
