"""Backtests: task construction, metrics against hand-checkable cases, the command's
JSON contract, and bad panel files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, scenario, write

from forecast.analysis.backtest import holdout_tasks, rolling_tasks, run_tasks, summarise

G_KEYS = ["-0.10", "0.00", "0.05", "0.10", "0.25"]


def panel_text(rows: dict[str, list[float]], start: int = 2000, time_col: str = "year") -> str:
    lines = [f"series_id,{time_col},value"]
    for sid, values in rows.items():
        lines += [f"{sid},{start + i},{float(v)!r}" for i, v in enumerate(values)]
    return "\n".join(lines) + "\n"


def test_rolling_origins_need_eight_years_and_score_missing_years_as_missing() -> None:
    years = np.array([*range(2000, 2010), 2011, 2012])  # 2010 missing
    values = np.linspace(1, 2, len(years))
    tasks = list(rolling_tasks("s", years, values, horizon=2))
    assert [t.origin for t in tasks] == [2007, 2008, 2009, 2011]
    assert len(tasks[0].years) == 8
    by_origin = {t.origin: t.actual for t in tasks}
    assert np.isnan(by_origin[2009][0]) and by_origin[2009][1] == values[-2]
    assert by_origin[2008].tolist() == [values[9]]  # trailing missing years are not scored


def test_holdout_lists_series_too_short_instead_of_dropping_them() -> None:
    panel = {"a": (np.arange(10), np.linspace(1, 2, 10)), "b": (np.arange(5), np.ones(5))}
    tasks, short = holdout_tasks(panel, 3)
    assert [t.series_id for t in tasks] == ["a"] and [s["series_id"] for s in short] == ["b"]
    assert tasks[0].actual.tolist() == pytest.approx(np.linspace(1, 2, 10)[-3:].tolist())


def test_exact_growth_is_forecast_exactly_and_counted_right() -> None:
    # Series growing exactly 7% a year: the random walk with drift has zero volatility, so its
    # forecast is exact: sMAPE 0, MASE 0, P(growth >= g) is 1 or 0. (Coverage of a zero-width
    # interval would test floating-point rounding, not the code.)
    v = 100 * 1.07 ** np.arange(15)
    panel = {f"s{i}": (np.arange(15), v * (i + 1)) for i in range(3)}
    tasks, _ = holdout_tasks(panel, 4)
    s = summarise(tasks, run_tasks(tasks, ["rw-drift"], paths=200, calibrate=False), "rw-drift")
    assert s["smape"] == pytest.approx(0, abs=1e-9) and s["mase"] == pytest.approx(0, abs=1e-9)
    assert s["brier"]["0.05"] == 0.0  # 7% >= 5%: P = 1 and it happened
    assert s["brier"]["0.10"] == 0.0  # 7% < 10%: P = 0 and it did not


def test_brier_and_coverage_follow_their_definitions_on_a_real_run() -> None:
    rng = np.random.default_rng(5)
    panel = {f"s{i}": (np.arange(20), np.exp(np.cumsum(0.05 + 0.1 * rng.standard_normal(20))))
             for i in range(30)}
    tasks, _ = holdout_tasks(panel, 2)
    results = run_tasks(tasks, ["rw-drift"], paths=500, calibrate=False)
    s = summarise(tasks, results, "rw-drift")
    p = np.array([r["rw-drift"].p_up[2] for r in results])
    o = np.array([t.actual[0] >= np.exp(t.logs[-1]) * 1.05 for t in tasks])
    assert s["brier"]["0.05"] == pytest.approx(np.mean((p - o) ** 2))
    inside = [r["rw-drift"].lo95[0] <= t.actual[0] <= r["rw-drift"].hi95[0] for t, r in zip(tasks, results)]
    assert s["coverage"]["95"]["h1"] == pytest.approx(np.mean(inside))
    assert sum(row["count"] for row in s["reliability"]["0.05"]) == len(tasks)


def test_panel_json_has_the_documented_keys_and_is_reproducible(cli, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = {f"s{i}": list(np.round(np.exp(5 + np.cumsum(0.04 + 0.1 * rng.standard_normal(16))), 3))
            for i in range(4)}
    rows["tiny"] = [1.0, 2.0, 3.0]
    write(tmp_path, "p.csv", panel_text(rows, time_col="t"))
    a = cli("backtest", "--panel", "p.csv", "--holdout", "3", "--model", "rw-drift", "--json",
            "--paths", "300")
    assert a.exit_code == 0, a.output
    d = json.loads(a.stdout)
    for key in ("n_series", "smape", "mase", "coverage", "msis", "crps", "brier", "reliability",
                "seconds", "failed"):
        assert key in d
    assert d["n_series"] == 4 and d["n_failed"] == 1 and d["failed"][0]["series_id"] == "tiny"
    assert set(d["coverage"]) == {"80", "95"} and set(d["coverage"]["80"]) == {"h1", "all"}
    assert list(d["brier"]) == G_KEYS and list(d["reliability"]) == G_KEYS
    b = json.loads(cli("backtest", "--panel", "p.csv", "--holdout", "3", "--model", "rw-drift",
                       "--json", "--paths", "300").stdout)
    a_, b_ = dict(d), dict(b)
    a_.pop("seconds"), b_.pop("seconds")
    assert a_ == b_


def test_scenario_backtest_runs_every_model_and_auto(cli, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    r = cli("backtest", "scenarios/kz-kg-2024-target.yaml", "--json", "--paths", "200")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["models"]) == {"pooled", "rw-drift", "ets", "arima", "theta", "llt", "bootstrap", "auto"}
    assert d["origins"][0] == 1999 and d["origins"][-1] == 2022 and d["horizon"] == 1
    assert d["model"] == "auto" and d["n_tasks"] + d["n_failed"] == len(d["origins"])


@pytest.mark.parametrize("args, message", [
    ([], "give one of"),
    (["s.yaml", "--panel", "p.csv", "--holdout", "2"], "give one of"),
    (["--panel", "p.csv"], "needs --holdout"),
    (["s.yaml", "--holdout", "2"], "goes with --panel"),
    (["--panel", "p.csv", "--holdout", "2", "--model", "prophet"], "--model must be"),
])
def test_usage_errors_exit_2(cli, tmp_path: Path, args: list[str], message: str) -> None:
    write(tmp_path, "s.yaml", scenario())
    write(tmp_path, "p.csv", panel_text({"a": [1.0] * 12}))
    r = cli("backtest", *args)
    assert r.exit_code == 2 and message in r.output


@pytest.mark.parametrize("text, message", [
    ("", "p.csv: file is empty"),
    ("id,year,value\na,2000,1\n", "p.csv: header: expected columns series_id, year (or t), value (missing "
                                   "series_id; found id, year, value)"),
    ("series_id,year,value\na,2000,1\na,2001,abc\n", "p.csv: row 3: value must be a number (got 'abc')"),
    ("series_id,year,value\na,2000,1\na,2000,2\n", "p.csv: row 3: a year 2000 appears twice"),
    ("series_id,year,value\na,2000,0\n", "p.csv: row 2: value must be a finite number > 0"),
    ("series_id,year,value\na,2000.5,1\n",
     "p.csv: row 2: year must be a whole number up to a million (got '2000.5')"),
    ("series_id,year,value\na,2000\n", "p.csv: row 2: expected 3 fields as in the header (got 2)"),
])
def test_bad_panel_files_get_one_line_errors(cli, tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "p.csv", text)
    r = cli("backtest", "--panel", "p.csv", "--holdout", "2")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip().startswith(message) and len(r.stderr.strip().splitlines()) == 1


def test_constant_series_and_missing_first_years_do_not_crash(cli, tmp_path: Path) -> None:
    # A constant history has no MASE scale; a panel whose first held-out year is missing
    # everywhere has no one-year-ahead outcome: the metrics that need them are null.
    write(tmp_path, "c.csv", panel_text({"flat": [100.0] * 12}))
    r = cli("backtest", "--panel", "c.csv", "--holdout", "3", "--model", "rw-drift", "--json",
            "--paths", 200)
    assert r.exit_code == 0, r.output
    rows = ["series_id,year,value"] + [f"a,{y},{100 + y - 2000}" for y in range(2000, 2012) if y != 2009]
    write(tmp_path, "g.csv", "\n".join(rows) + "\n")
    r = cli("backtest", "--panel", "g.csv", "--holdout", "2", "--model", "rw-drift", "--json",
            "--paths", 200)
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["coverage"]["80"]["h1"] is None and d["brier"]["0.05"] is None


def test_nothing_to_score_is_an_error(cli, tmp_path: Path) -> None:
    write(tmp_path, "p.csv", panel_text({"a": [float(v) for v in range(1, 6)]}))
    r = cli("backtest", "--panel", "p.csv", "--holdout", "4")
    assert r.exit_code == 1 and r.stdout == "" and "nothing to score" in r.stderr


def test_a_models_scores_do_not_depend_on_the_other_models(cli, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    alone = json.loads(cli("backtest", "scenarios/kz-kg-2024-target.yaml", "--model", "auto", "--json",
                           "--paths", "200").stdout)
    together = json.loads(cli("backtest", "scenarios/kz-kg-2024-target.yaml", "--json",
                              "--paths", "200").stdout)
    assert alone["crps"] == together["models"]["auto"]["crps"]
