"""--precision: simulate in chunks until the standard error reaches a target, and give the
same numbers as a fixed run of the paths it stopped at."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import scenario, write


def test_a_run_stops_at_the_precision_and_equals_a_fixed_run(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s"))
    d = json.loads(cli("run", "s.yaml", "--precision", 0.0007, "--seed", 4, "--json").stdout)
    # the scenario has a closed form (the answer, exact); the precision is the simulation's
    assert d["probability_method"] == "closed-form"
    assert d["monte_carlo"]["probability_se"] <= 0.0007
    assert d["precision"] == {"target_se": 0.0007, "reached": True}
    assert d["paths"] % 100_000 == 0
    fixed = json.loads(cli("run", "s.yaml", "--paths", d["paths"], "--seed", 4, "--json").stdout)
    assert fixed["monte_carlo"] == {**d["monte_carlo"]} and fixed["quantiles"] == d["quantiles"]
    assert d["paths"] > 100_000  # one chunk fewer would not have been precise enough
    fewer = json.loads(cli("run", "s.yaml", "--paths", d["paths"] - 100_000, "--seed", 4,
                           "--json").stdout)
    assert fewer["monte_carlo"]["probability_se"] > 0.0007


def test_an_unreachable_precision_stops_at_the_paths_given_and_says_so(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s"))
    r = cli("run", "s.yaml", "--precision", 0.0001, "--paths", 200_000)
    assert r.exit_code == 0, r.output
    assert "s.e. 0.01 pp not reached within 200,000 paths" in r.stdout


def test_weighted_runs_stop_on_their_own_standard_error(cli, tmp_path: Path) -> None:
    hist = "history: {2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, 2022: 1.18e9, 2023: 1.31e9, " \
           "\"2024-01..2024-08\": 9.5e8}\n"
    write(tmp_path, "y.yaml", scenario("y", history=hist, target="target: {value: 1.45e9, year: 2024}\n"))
    d = json.loads(cli("run", "y.yaml", "--precision", 0.003, "--json").stdout)
    assert d["probability_se"] <= 0.003 and d["precision"]["reached"]
    assert d["effective_paths"] < d["paths"]


def test_precision_does_not_go_with_a_sweep(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra="growth: [{years: 2024, shift: 0.0}]\n"))
    r = cli("run", "s.yaml", "--precision", 0.001, "--set", "growth[0].shift=0,0.1")
    assert r.exit_code == 2 and "--precision does not go with --set" in r.output


def test_the_scenarios_precision_applies_where_the_answer_is_simulated(cli, tmp_path: Path) -> None:
    sim = "simulation: {paths: 20000, seed: 2, precision: 0.002}\n"
    by = "target: {value: 2.0e9, year: 2026, kind: by}\n"
    write(tmp_path, "by.yaml", scenario("by", target=by, extra=sim))
    d = json.loads(cli("run", "by.yaml", "--json").stdout)
    assert d["probability_method"] == "monte-carlo" and d["probability_se"] <= 0.002
    assert d["precision"] == {"target_se": 0.002, "reached": True} and d["paths"] % 100_000 == 0
    # --paths is a fixed run; compare and sweeps use the scenario's paths (common numbers)
    fixed = json.loads(cli("run", "by.yaml", "--paths", 30000, "--json").stdout)
    assert fixed["paths"] == 30000 and fixed["precision"] is None
    write(tmp_path, "by2.yaml", scenario("by2", target=by, extra=sim))
    c = json.loads(cli("compare", "by.yaml", "by2.yaml", "--json").stdout)
    assert [s["paths"] for s in c["scenarios"]] == [20000, 20000]
    # a closed-form answer needs no precision: the simulation checks it on the scenario's paths
    write(tmp_path, "level.yaml", scenario("level", extra=sim))
    lv = json.loads(cli("run", "level.yaml", "--json").stdout)
    assert lv["probability_method"] == "closed-form" and lv["paths"] == 20000
