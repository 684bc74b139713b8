"""Learning the pooled priors: recovers the hyperparameters of a panel simulated from the
model, uses nothing after --until, is deterministic, and the command line round-trips it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import Invoke, write

from forecast.models import learn, priors

TRUE = {"noise": 0.3, "vol_intercept": np.log(0.2), "vol_slope": -0.2}


def simulated_panel(n: int, years: range, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Series drawn from the model: each a random walk whose drift is the world's growth of
    the year plus its own, observed with transitory noise; volatility falls with size."""
    rng = np.random.default_rng(seed)
    yrs = np.array(list(years))
    world = 0.05 + 0.1 * rng.standard_normal(len(yrs))
    out = {}
    for i in range(n):
        size = rng.normal(20.0, 1.5)
        sigma = np.exp(TRUE["vol_intercept"] + TRUE["vol_slope"] * (size - 20.0))
        own = 0.03 * rng.standard_normal()
        level = size + np.cumsum(world + own + sigma * rng.standard_normal(len(yrs)))
        logs = level + np.sqrt(TRUE["noise"]) * sigma * rng.standard_normal(len(yrs))
        out[f"S{i:03d}"] = (yrs, np.exp(logs))
    return out


@pytest.fixture(scope="module")
def learned() -> tuple[object, dict]:
    return learn.learn(simulated_panel(90, range(1990, 2021), seed=1), until=2020, validation_years=5)


def test_recovers_what_the_panel_was_drawn_from(learned) -> None:
    prior, evidence = learned
    assert 0.15 < prior.noise < 0.8
    assert prior.vol_slope == pytest.approx(TRUE["vol_slope"], abs=0.08)
    assert np.exp(prior.vol_intercept) == pytest.approx(0.2, rel=0.25)
    assert prior.centre_years == 5 and prior.index[0][0] == 1991 and prior.index[-1][0] == 2020
    assert evidence["outcomes"] > 5000
    # intervals of a model learned on its own kind of data cover about what they claim
    for row in evidence["coverage_in_sample"][:4]:
        assert 0.72 < row["cover80"] < 0.88 and 0.9 < row["cover95"] < 0.99, row


def test_nothing_after_until_is_used() -> None:
    panel = simulated_panel(30, range(1995, 2021), seed=2)
    # a series that starts before every other: its early origins come before the index
    early = simulated_panel(1, range(1975, 2021), seed=9)["S000"]
    panel["EARLY"] = early
    a, _ = learn.learn(panel, until=2014, validation_years=4)
    changed = {k: (y, np.where(y > 2014, v * 3.0, v)) for k, (y, v) in panel.items()}
    b, _ = learn.learn(changed, until=2014, validation_years=4)
    for name in ("noise", "drift_strength", "persistence", "vol_strength", "vol_intercept", "vol_slope",
                 "centre_error_year", "centre_error_trend", "lower", "upper", "size_range"):
        assert getattr(a, name) == getattr(b, name), name
    # the index keeps later years (a forecast from T reads it only up to T): they differ
    assert dict(a.index)[2015] != dict(b.index)[2015] and dict(a.index)[2016] == dict(b.index)[2016]
    assert dict(a.index)[2012] == dict(b.index)[2012]


def test_tasks_do_not_depend_on_other_series() -> None:
    panel = simulated_panel(6, range(2000, 2021), seed=3)
    one = {"S002": panel["S002"]}
    a = learn.make_tasks(panel, until=2020, seed=5)
    b = learn.make_tasks(one, until=2020, seed=5)
    pick = [(bt.t[bt.series == 2], bt.y[bt.series == 2]) for bt in a]
    alone = [(bt.t, bt.y) for bt in b]
    assert sum(len(t) for t, _ in pick) == sum(len(t) for t, _ in alone) > 0
    for (t1, y1), (t2, y2) in zip([p for p in pick if len(p[0])], alone):
        np.testing.assert_array_equal(t1, t2)
        np.testing.assert_array_equal(y1, y2)


def test_the_priors_file_round_trips(learned, tmp_path: Path) -> None:
    prior, evidence = learned
    doc = priors.document(prior, about="test", panel={"file": "x", "until": 2020, "series": 90},
                          evidence=evidence)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    back, sha = priors.read(path)
    assert [getattr(back, k) for k in priors.KEYS] == [getattr(prior, k) for k in priors.KEYS]
    assert back.index == prior.index and len(sha) == 64


@pytest.mark.parametrize("change,key", [
    (lambda d: d.update(format="x"), "format"),
    (lambda d: d["prior"].update(noise=-1), "prior.noise"),
    (lambda d: d["prior"].update(colour=1), "prior"),
    (lambda d: d["prior"].pop("lower"), "prior"),
    (lambda d: d["prior"].update(size_range=[20, 10]), "prior.size_range"),
    (lambda d: d.update(index=[{"year": 2001, "mean_log_growth": 0.1},
                               {"year": 2000, "mean_log_growth": 0.1}]), "index"),
])
def test_a_bad_priors_file_is_one_line_naming_the_key(cli: Invoke, tmp_path: Path, change, key) -> None:
    doc = json.loads(json.dumps(priors.shipped_document()))
    change(doc)
    (tmp_path / "p.json").write_text(json.dumps(doc))
    write(tmp_path, "s.yaml", "name: s\nhistory: {2019: 1e9, 2020: 1.1e9, 2021: 1.2e9}\n"
          "target: {value: 1.5e9, year: 2023}\n")
    r = cli("run", "s.yaml", "--priors", "p.json")
    assert r.exit_code == 1 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"p.json: {key}"), lines


def test_learn_on_the_command_line_then_run_with_its_priors(cli: Invoke, tmp_path: Path) -> None:
    panel = simulated_panel(40, range(1996, 2021), seed=4)
    rows = ["series_id,year,value"] + [f"{k},{y},{v!r}" for k, (ys, vs) in panel.items()
                                       for y, v in zip(ys.tolist(), vs.tolist())]
    (tmp_path / "panel.csv").write_text("\n".join(rows) + "\n")
    r = cli("learn", "--panel", "panel.csv", "--out", "mine.json", "--until", "2018")
    assert r.exit_code == 0, r.stderr
    assert "Pooled priors from panel.csv" in r.stdout and "out of time" in r.stdout
    doc = json.loads((tmp_path / "mine.json").read_text())
    assert doc["panel"]["until"] == 2018 and doc["panel"]["series"] == 40
    write(tmp_path, "s.yaml", "name: s\nhistory: {2016: 3e8, 2018: 3.6e8, 2019: 4.1e8}\n"
          "target: {value: 5e8, year: 2021, kind: by}\nsimulation: {paths: 20000, seed: 1}\n")
    mine = json.loads(cli("run", "s.yaml", "--json", "--priors", "mine.json").stdout)
    ship = json.loads(cli("run", "s.yaml", "--json").stdout)
    assert mine["probability"] != ship["probability"]
    assert mine["model"]["pool"]["centre_years"] == [2015, 2016, 2017, 2018, 2019]


def test_a_panel_of_one_size_learns_priors_that_run(cli: Invoke, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    rows = ["series_id,year,value"] + [f"S{i},{y},{1e9 * np.exp(0.1 * rng.standard_normal()):.6g}"
                                       for i in range(12) for y in range(2000, 2016)]
    (tmp_path / "flat.csv").write_text("\n".join(rows) + "\n")
    assert cli("learn", "--panel", "flat.csv", "--out", "p.json").exit_code == 0
    write(tmp_path, "s.yaml", "name: s\nhistory: {2013: 1e9, 2014: 1.1e9, 2015: 1.0e9}\n"
          "target: {value: 1.2e9, year: 2017}\nsimulation: {paths: 2000}\n")
    r = cli("run", "s.yaml", "--priors", "p.json")
    assert r.exit_code == 0, r.output
    # a sweep uses the same priors as a single run
    one = json.loads(cli("run", "s.yaml", "--priors", "p.json", "--json").stdout)
    sw = json.loads(cli("run", "s.yaml", "--priors", "p.json", "--json", "--set",
                        "target.value=1.2e9").stdout)
    assert sw["sweep"]["points"][0]["probability"] == pytest.approx(one["monte_carlo"]["probability"])


def test_learn_usage_and_data_errors(cli: Invoke, tmp_path: Path) -> None:
    r = cli("learn", "--out", "x.json")
    assert r.exit_code == 2
    (tmp_path / "tiny.csv").write_text("series_id,year,value\nA,2000,1\nA,2001,2\n")
    r = cli("learn", "--panel", "tiny.csv", "--out", "x.json")
    assert r.exit_code == 1 and len(r.stderr.splitlines()) == 1 and r.stderr.startswith("tiny.csv: ")
    assert not (tmp_path / "x.json").exists()
    # enough years for the index, none with a later value to learn from before the cut
    panel = simulated_panel(8, range(2000, 2012), seed=6)
    rows = ["series_id,year,value"] + [f"{k},{y},{v!r}" for k, (ys, vs) in panel.items()
                                       for y, v in zip(ys.tolist(), vs.tolist())]
    (tmp_path / "p11.csv").write_text("\n".join(rows) + "\n")
    r = cli("learn", "--panel", "p11.csv", "--out", "x.json", "--centre-years", "1",
            "--validation-years", "9")
    assert r.exit_code == 1 and len(r.stderr.splitlines()) == 1 and "nothing to learn" in r.stderr
