"""Target registries: reading them, answering each target, the scores against independent
computations, the command line (``backtest --targets``), and the headline's rounding."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import Invoke, write

from forecast.analysis import targets
from forecast.analysis.targets import read_registry
from forecast.present.formats import headline_percent

REGISTRY = """id,history,target_value,target_year,kind,met
A-level,2015=1e9;2016=1.1e9;2018=1.2e9,1.5e9,2020,level,0
A-by,2015=1e9;2016=1.1e9;2018=1.2e9,1.3e9,2021,by,1
B-small,2010=5e6;2011=7e6;2012=6e6;2013=8e6,1e7,2014,level,1
C-past,2010=5e6;2011=7e6;2012=6e6,1e7,2012,level,0
"""


def test_reading_a_registry(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(REGISTRY)
    rows = read_registry(tmp_path / "r.csv", need_met=True)
    assert [r.id for r in rows] == ["A-level", "A-by", "B-small", "C-past"]
    assert rows[0].years.tolist() == [2015, 2016, 2018] and rows[0].values[-1] == 1.2e9
    assert rows[1].kind == "by" and rows[1].met == 1 and rows[1].last_year == 2018


@pytest.mark.parametrize("line,key", [
    ("X,2015=1e9;2016=abc,2e9,2020,level,0", "row 2, history"),
    ("X,2015=1e9;2016=1e9,2e9,2020,maybe,0", "row 2, kind"),
    ("X,2015=1e9;2016=1e9,-2,2020,level,0", "row 2, target_value"),
    ("X,2015=1e9;2016=1e9,2e9,2020,level,2", "row 2, met"),
    ("X,2015=1e9;2015=1e9,2e9,2020,level,1", "row 2, history"),
    (",2015=1e9;2016=1e9,2e9,2020,level,1", "row 2, id"),
])
def test_a_bad_row_is_one_line_naming_row_and_column(cli: Invoke, tmp_path: Path, line: str,
                                                     key: str) -> None:
    (tmp_path / "r.csv").write_text("id,history,target_value,target_year,kind,met\n" + line + "\n")
    r = cli("backtest", "--targets", "r.csv")
    assert r.exit_code == 1 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith(f"r.csv: {key}: "), r.stderr


def test_scores_against_hand_computations() -> None:
    p = np.array([0.1, 0.8, 0.003, 0.5])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    answers = [targets.Answer(id=str(i), probability=float(a), met=int(b), kind="level", horizon=1,
                              last_year=2000 + i % 2) for i, (a, b) in enumerate(zip(p, y))]
    s = targets.scores(answers)
    assert s["brier"] == pytest.approx(np.mean((p - y) ** 2))
    q = np.clip(p, 0.01, 0.99)
    assert s["log_score"] == pytest.approx(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))
    assert s["base_rate"] == 0.5 and s["base_rate_brier"] == pytest.approx(0.25)
    assert s["base_rate_log_score"] == pytest.approx(np.log(2))
    assert s["mean_minus_met"] == pytest.approx(p.mean() - y.mean())
    assert sum(b["count"] for b in s["reliability"]) == 4
    assert [b["bin"] for b in s["reliability"]] == [[0.0, 0.05], [0.1, 0.2], [0.5, 0.7], [0.7, 0.9]]


def test_the_reliability_slope_tells_calibrated_from_overconfident() -> None:
    rng = np.random.default_rng(0)
    truth = 1 / (1 + np.exp(-rng.normal(-1, 1.2, 20_000)))
    met = (rng.random(truth.size) < truth).astype(float)
    slope, intercept = targets.reliability_fit(truth, met)
    assert slope == pytest.approx(1.0, abs=0.07) and intercept == pytest.approx(0.0, abs=0.07)
    logit = np.log(truth / (1 - truth))
    over = 1 / (1 + np.exp(-2 * logit))  # twice as sure as it should be
    assert targets.reliability_fit(over, met)[0] == pytest.approx(0.5, abs=0.05)


def test_answers_use_the_closed_form_or_their_own_stream(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(REGISTRY)
    rows = read_registry(tmp_path / "r.csv")
    a = targets.answer_all(rows, paths=4000, seed=3)
    b = targets.answer_all(list(reversed(rows)), paths=4000, seed=3)
    assert [x.probability for x in a] == [x.probability for x in reversed(b)]  # order does not matter
    assert a[0].method == "closed-form" and a[1].method == "4000 paths"
    assert a[3].probability is None and "not after the last figure" in a[3].error
    # a by target is at least as likely as the level target of the same value and year
    level = targets.answer(targets.RegistryTarget(**{**rows[1].__dict__, "kind": "level"}), paths=4000)
    assert a[1].probability >= level.probability - 0.02


def test_backtest_targets_on_the_command_line(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(REGISTRY)
    r = cli("backtest", "--targets", "r.csv", "--json", "--paths", "2000")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    for key in ("n", "brier", "log_score", "base_rate", "base_rate_brier", "base_rate_log_score",
                "rw_drift", "reliability", "reliability_slope", "reliability_intercept", "by_kind",
                "targets", "failed"):
        assert key in d, key
    assert d["n"] == 3 and [f["id"] for f in d["failed"]] == ["C-past"]
    assert {t["id"] for t in d["targets"]} == {"A-level", "A-by", "B-small"}
    assert set(d["by_kind"]) == {"level", "by"}
    text = cli("backtest", "--targets", "r.csv", "--paths", "2000").stdout
    assert "base rate" in text and "Reliability slope" in text and "failed C-past" in text


def test_backtest_needs_exactly_one_source(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(REGISTRY)
    assert cli("backtest").exit_code == 2
    assert cli("backtest", "--targets", "r.csv", "--panel", "r.csv", "--holdout", "1").exit_code == 2
    assert cli("backtest", "--targets", "r.csv", "--model", "all").exit_code == 2


@pytest.mark.parametrize("p,text", [(0.0642, "6.4%"), (0.2349, "23%"), (0.004, "under 1%"),
                                    (0.953, "95.3%"), (0.9991, "over 99%"), (1.0, "100%"), (0.0, "0%"),
                                    (0.0999, "10.0%"), (0.5, "50%")])
def test_the_headline_rounds_to_what_a_forecast_supports(p: float, text: str) -> None:
    assert headline_percent(p) == text


def test_one_failing_scenario_does_not_stop_the_others(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", "name: good\nhistory: {2019: 1e9, 2020: 1.1e9, 2021: 1.2e9}\n"
          "target: {value: 1.5e9, year: 2023}\nsimulation: {paths: 1000}\n")
    write(tmp_path, "bad.yaml", "name: bad\nhistory: {2019: 1e9, 2020: 1.1e9, 2021: 1.2e9}\n"
          "target: {value: 1.5e9, year: 2020}\n")
    r = cli("run", "bad.yaml", "good.yaml", "--json")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [ln for ln in r.stderr.splitlines() if ln.startswith("bad.yaml: ")]
    d = json.loads(r.stdout)
    assert d[0]["file"] == "bad.yaml" and d[0]["error"].startswith("bad.yaml: target.year")
    assert d[1]["scenario"]["name"] == "good" and 0 < d[1]["probability"] < 1
    text = cli("run", "bad.yaml", "good.yaml")
    assert text.exit_code == 1 and text.stdout.startswith("good")


def test_every_model_answers_level_and_by_targets(cli: Invoke, tmp_path: Path) -> None:
    # models without a closed form (ets) are simulated, never a traceback
    rows = ["id,history,target_value,target_year,kind,met"] + [
        f"T{i},{';'.join(f'{2005 + j}={1e9 * 1.05 ** j * (1 + 0.05 * (-1) ** j):.6g}' for j in range(12))},"
        f"2e9,2019,{'level' if i % 2 else 'by'},{i % 2}" for i in range(4)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n")
    for model in ("ets", "theta", "rw-drift"):
        r = cli("backtest", "--targets", "r.csv", "--model", model, "--paths", "1000", "--json")
        assert r.exit_code == 0, (model, r.output)
        assert json.loads(r.stdout)["n"] == 4


def test_a_target_year_out_of_range_is_one_line(cli: Invoke, tmp_path: Path) -> None:
    for year in ("99999999999999999999", "50000"):
        (tmp_path / "r.csv").write_text("id,history,target_value,target_year,kind,met\n"
                                        f"X,2015=1e9;2016=1e9;2017=1e9,2e9,{year},level,0\n")
        r = cli("backtest", "--targets", "r.csv")
        assert r.exit_code == 1 and len(r.stderr.splitlines()) == 1, r.output
        assert r.stderr.startswith("r.csv: row 2, target_")
    (tmp_path / "r.csv").write_text("id,history,target_value,target_year,kind,met\n"
                                    "X,1900=1e9;1901=1e9;1902=1e9,2e9,2190,level,0\n")
    d = json.loads(cli("backtest", "--targets", "r.csv", "--json").stdout or "{}") or {}
    assert not d  # nothing to score: one line, exit 1
