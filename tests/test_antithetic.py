"""Antithetic pairs (simulation.antithetic): each path keeps the model's distribution, pairs
mirror each other, the probability stays unbiased against the closed form with honest
standard errors, and a `by` target needs fewer paths for the same error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import Invoke, write

from forecast.engine.simulate import simulate
from forecast.models.combination import build
from forecast.models.rw import fit_rw_drift
from forecast.models.theta import fit_theta

YEARS = np.arange(1994, 2024)
LOGS = np.log(4e8) + 0.05 * np.arange(30) + 0.12 * np.sin(1.3 * np.arange(30))


@pytest.mark.parametrize("uncertainty", [True, False])
def test_random_walk_pairs_mirror_around_the_drift(uncertainty: bool) -> None:
    m = fit_rw_drift(YEARS, LOGS, parameter_uncertainty=uncertainty)
    x = m.simulate_antithetic(4, 1000, np.random.default_rng(3))
    center = m.last_log + m.drift * np.arange(1, 5)
    np.testing.assert_allclose((x[:500] - center) + (x[500:] - center), 0.0, atol=1e-9)


def test_theta_and_pooled_pairs_mirror_around_their_point_forecast() -> None:
    t = fit_theta(YEARS, LOGS)
    x = t.simulate_antithetic(3, 600, np.random.default_rng(4))
    np.testing.assert_allclose(x[:300] + x[300:] - 2 * t.point(3), 0.0, atol=1e-9)
    pooled = build("pooled", YEARS, LOGS, calibrate=False).model
    y = pooled.simulate_antithetic(3, 800, np.random.default_rng(5))
    centre = pooled.last_log + np.cumsum(pooled.mean_growth(3))
    np.testing.assert_allclose(y[:400] + y[400:] - 2 * centre, 0.0, atol=1e-9)
    # with tail factors each pair still straddles the median, one path on each side
    tails = build("pooled", YEARS, LOGS).model
    z = tails.simulate_antithetic(3, 800, np.random.default_rng(5)) - centre
    assert np.all(np.sign(z[:400]) == -np.sign(z[400:]))


@pytest.mark.parametrize("name", ["rw-drift", "auto", "theta"])
def test_unbiased_against_the_closed_form_with_honest_errors(name: str) -> None:
    model = build(name, YEARS, LOGS).model
    h = 3
    target = float(np.exp(LOGS[-1] + 0.25))
    truth = model.prob_at_least(0.25, h)
    years = np.arange(2024, 2024 + h)
    runs = [simulate(model, years, target, paths=20_000, seed=s, antithetic=True) for s in range(30)]
    assert all(r.antithetic for r in runs)
    from forecast.analysis.feasibility import probability_of
    from forecast.scenario.schema import Target

    t = Target(value=target, year=2026, kind="level")
    ps, ses = zip(*(probability_of(r, t) for r in runs))
    ps, ses = np.array(ps), np.array(ses)
    assert abs(ps.mean() - truth) < 4 * ps.std(ddof=1) / np.sqrt(len(ps))
    assert 0.6 < ses.mean() / ps.std(ddof=1) < 1.6


def test_a_by_target_needs_fewer_paths(cli: Invoke, tmp_path: Path) -> None:
    hist = "history: {" + ", ".join(f"{y}: {np.exp(v):.6g}" for y, v in zip(YEARS, LOGS)) + "}\n"
    body = f"{hist}target: {{value: {np.exp(LOGS[-1] + 0.3):.6g}, year: 2029, kind: by}}\nmodel: rw-drift\n"
    write(tmp_path, "plain.yaml", "name: plain\n" + body + "simulation: {seed: 1, precision: 0.001}\n")
    write(tmp_path, "pairs.yaml", "name: pairs\n" + body +
          "simulation: {seed: 1, precision: 0.001, antithetic: true}\n")
    plain = json.loads(cli("run", "plain.yaml", "--json").stdout)
    pairs = json.loads(cli("run", "pairs.yaml", "--json").stdout)
    assert pairs["monte_carlo"]["antithetic"] and not plain["monte_carlo"]["antithetic"]
    assert pairs["probability_se"] <= 0.001 and plain["probability_se"] <= 0.001
    assert pairs["paths"] * 2 <= plain["paths"]
    assert abs(pairs["probability"] - plain["probability"]) < 4 * np.hypot(
        pairs["probability_se"], plain["probability_se"])
    # the precision stop equals a fixed run of the paths it stopped at
    fixed = json.loads(cli("run", "pairs.yaml", "--paths", pairs["paths"], "--json").stdout)
    assert fixed["monte_carlo"]["probability"] == pairs["monte_carlo"]["probability"]


def test_a_weighted_run_says_it_draws_no_pairs(cli: Invoke, tmp_path: Path) -> None:
    hist = ("history: {2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, 2022: 1.18e9, 2023: 1.31e9, "
            "\"2024-01..2024-08\": 9.5e8}\n")
    write(tmp_path, "y.yaml", "name: y\n" + hist + "target: {value: 1.45e9, year: 2024}\n"
          "simulation: {paths: 20000, antithetic: true}\n")
    d = json.loads(cli("run", "y.yaml", "--json").stdout)
    assert not d["monte_carlo"]["antithetic"]
    assert any("draws no antithetic pairs" in n for n in d["notes"])


def test_compare_pairs_antithetic_runs(cli: Invoke, tmp_path: Path) -> None:
    hist = "history: {" + ", ".join(f"{y}: {np.exp(v):.6g}" for y, v in zip(YEARS, LOGS)) + "}\n"
    value = f"{np.exp(LOGS[-1] + 0.3):.6g}"
    for name, shift in (("a", 0.0), ("b", 0.02)):
        write(tmp_path, f"{name}.yaml", f"name: {name}\n{hist}target: {{value: {value}, year: 2027, "
              f"kind: by}}\ngrowth: [{{years: 2025, shift: {shift}}}]\n"
              "simulation: {paths: 40000, seed: 2, antithetic: true}\n")
    d = json.loads(cli("compare", "a.yaml", "b.yaml", "--json").stdout)
    diff = d["differences"][0]
    assert 0 < diff["probability_diff_se"] < diff["probability_diff_se_unpaired"]


def test_compare_gives_every_scenario_the_first_ones_setting(cli: Invoke, tmp_path: Path) -> None:
    hist = "history: {" + ", ".join(f"{y}: {np.exp(v):.6g}" for y, v in zip(YEARS, LOGS)) + "}\n"
    value = f"{np.exp(LOGS[-1] + 0.3):.6g}"
    for name, pairs in (("a", "true"), ("b", "false")):
        write(tmp_path, f"{name}.yaml", f"name: {name}\n{hist}target: {{value: {value}, year: 2027, "
              f"kind: by}}\nsimulation: {{paths: 40000, seed: 2, antithetic: {pairs}}}\n")
    d = json.loads(cli("compare", "a.yaml", "b.yaml", "--json").stdout)
    assert [s["monte_carlo"]["antithetic"] for s in d["scenarios"]] == [True, True]
    assert d["differences"][0]["probability_diff"] == 0.0  # the same question, the same paths
    assert any("first one's simulation.antithetic" in n for n in d["notes"])


def test_zero_standard_error_of_a_simulation_is_not_called_exact(cli: Invoke, tmp_path: Path) -> None:
    hist = "history: {" + ", ".join(f"{y}: {np.exp(v):.6g}" for y, v in zip(YEARS, LOGS)) + "}\n"
    write(tmp_path, "far.yaml", f"name: far\n{hist}target: {{value: 1e15, year: 2027, kind: by}}\n"
          "simulation: {seed: 2, precision: 0.001, max_paths: 200000}\n")
    r = cli("run", "far.yaml")
    assert "exact" not in r.stdout and "not reached within 200,000 paths" in r.stdout
    d = json.loads(cli("run", "far.yaml", "--json").stdout)
    assert d["precision"]["reached"] is False and d["probability"] == 0
    assert not any(v["exact"] for v in d["probability_by_model"].values())
