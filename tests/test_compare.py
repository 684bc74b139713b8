"""``tradecast compare``: common random numbers make paired differences precise; the
assumptions that differ are named; the JSON has the documented shape."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import scenario, write


def test_paired_standard_error_is_much_smaller_than_independent_runs(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "b.yaml", scenario("b", extra="growth: [{years: 2024..2026, shift: 0.01}]\n"))
    r = cli("compare", "a.yaml", "b.yaml", "--paths", 40000, "--seed", 3, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    diff = d["differences"][0]
    a, b = (s["probability"] for s in d["scenarios"])
    assert abs(diff["probability_diff"] - (b - a)) < 1e-12 and (diff["scenario"], diff["vs"]) == ("b", "a")
    assert diff["probability_diff_se"] < diff["probability_diff_se_unpaired"] / 2
    assert diff["assumptions_that_differ"] == ["growth[0]: added (years 2024..2026, shift 0.01, scale 1)"]
    assert all(s["seed"] == 3 and s["paths"] == 40000 for s in d["scenarios"])


def test_same_assumptions_give_a_zero_difference_with_zero_error(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "c.yaml", scenario("c", extra="simulation: {seed: 99}\n"))  # overridden
    d = json.loads(cli("compare", "a.yaml", "c.yaml", "--paths", 5000, "--json").stdout)
    diff = d["differences"][0]
    assert diff["probability_diff"] == 0.0 and diff["probability_diff_se"] == 0.0
    assert diff["assumptions_that_differ"] == []


def test_different_statistics_or_targets_are_said_plainly(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "t.yaml", scenario("t", target="target: {value: 2.5e9, year: 2026}\n"))
    r = cli("compare", "a.yaml", "t.yaml", "--paths", 2000)
    assert r.exit_code == 0, r.output
    assert "asks about a different target" in r.stdout


def test_one_file_is_a_usage_error(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    r = cli("compare", "a.yaml")
    assert r.exit_code == 2 and "at least two" in r.output


def test_a_bad_file_is_a_one_line_error_and_nothing_is_printed(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "bad.yaml", scenario("bad", extra="colour: red\n"))
    r = cli("compare", "a.yaml", "bad.yaml")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("bad.yaml: colour:")


def test_target_curve_values_are_met_with_their_stated_probability(cli, tmp_path: Path) -> None:
    # Rerun with the curve's value as the target, same seed and paths: the probability is the
    # level the curve states (the sample is every path here, so only interpolation differs).
    for kind in ("level", "by"):
        target = f"target: {{value: 2.0e9, year: 2026, kind: {kind}}}\n"
        write(tmp_path, "a.yaml", scenario("a", target=target))
        d = json.loads(cli("run", "a.yaml", "--paths", 20000, "--seed", 5, "--json").stdout)
        for p, value in d["target_curve"].items():
            write(tmp_path, "b.yaml", scenario(
                "b", target=f"target: {{value: {value!r}, year: 2026, kind: {kind}}}\n"))
            got = json.loads(cli("run", "b.yaml", "--paths", 20000, "--seed", 5, "--json").stdout)
            # the curve reads the simulated paths: check it against the same paths
            assert abs(got["monte_carlo"]["probability"] - float(p)) <= 2 / 20000, (kind, p)
