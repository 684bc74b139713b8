"""Sweeps and sensitivity: key paths, grids on common random numbers, one fit per series,
default and declared ranges, and the command line around them."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from conftest import scenario, snapshot, write

from forecast.analysis import loading, variants
from forecast.errors import ScenarioError
from forecast.models import combination
from forecast.scenario import keypaths

GROWTH = "growth: [{years: 2024..2026, dist: normal, mean: 0.08, sd: 0.1}]\n"
SHOCK = ("shocks: [{name: closure, probability: 0.1, years: 2024..2026, "
         "impact: {dist: uniform, low: -0.2, high: -0.05}, recovery: 0.5}]\n")


# --- key paths -------------------------------------------------------------------------

def test_key_paths_parse_and_refuse_what_cannot_vary() -> None:
    assert keypaths.parts("growth[0].mean") == ("growth", 0, "mean")
    assert keypaths.parts("shocks[1].impact.low") == ("shocks", 1, "impact", "low")
    for bad in ("growth[x]", "growth..mean", "0.mean", ""):
        with pytest.raises(ValueError, match="key path"):
            keypaths.parts(bad)
    for fixed in ("simulation.seed", "name", "sweep", "extends"):
        with pytest.raises(ValueError, match="cannot be varied"):
            keypaths.parts(fixed)


def test_with_value_copies_creates_mappings_and_names_missing_items() -> None:
    tree = {"model": "auto", "growth": [{"years": "2024", "shift": 0.1}]}
    out = keypaths.with_value(tree, "model.calibration", "none")
    assert out["model"] == {"name": "auto", "calibration": "none"} and tree["model"] == "auto"
    out = keypaths.with_value(tree, "growth[0].shift", 0.2)
    assert out["growth"][0]["shift"] == 0.2 and tree["growth"][0]["shift"] == 0.1
    assert keypaths.with_value({}, "target.value", 5)["target"] == {"value": 5}
    with pytest.raises(ValueError, match=r"no growth\[1\] \(growth has 1 entry\)"):
        keypaths.with_value(tree, "growth[1].mean", 0.1)
    with pytest.raises(ValueError, match="is a value"):
        keypaths.with_value({"target": {"value": 3}}, "target.value.x", 1)
    assert keypaths.get(tree, "model.name") == "auto"
    with pytest.raises(KeyError):
        keypaths.get(tree, "growth[0].mean")


def test_values_are_numbers_text_or_evenly_spaced_ranges() -> None:
    assert keypaths.parse_values("0.05,0.1,2e9,KAZ,true,3") == [0.05, 0.1, 2_000_000_000, "KAZ", True, 3]
    assert keypaths.parse_values("2025..2030") == ["2025..2030"]  # a year range stays text
    assert keypaths.parse_values("0..0.2/5") == [0.0, 0.05, 0.1, 0.15, 0.2]
    assert keypaths.parse_values("1.5e9..2.5e9/3") == [1.5e9, 2.0e9, 2.5e9]
    for bad in ("", "1,,2", "0..1/1", "a..b/3"):
        with pytest.raises(ValueError):
            keypaths.parse_values(bad)
    assert keypaths.parse_set("target.value = 1,2") == ("target.value", [1, 2])


# --- sweeps ----------------------------------------------------------------------------

def _prepared(tmp_path: Path, text: str) -> loading.Prepared:
    return loading.prepare(write(tmp_path, "s.yaml", text))


def _prepare_of(p: loading.Prepared):  # type: ignore[no-untyped-def]
    return functools.partial(loading.variant, p.file)


def test_a_sweep_fits_once_and_each_point_equals_a_separate_run(tmp_path: Path, monkeypatch) -> None:
    p = _prepared(tmp_path, scenario("s", extra=GROWTH))
    calls = []
    real = combination.build
    monkeypatch.setattr("forecast.analysis.pipeline.build", lambda *a, **k: calls.append(1) or real(*a, **k))
    sw = variants.sweep(p.file.tree, {"growth[0].mean": [0.0, 0.1, 0.2], "target.value": [1.5e9, 2e9]},
                        _prepare_of(p), where="s.yaml", paths=20_000, seed=5)
    assert len(calls) == 1  # growth and target changes never refit
    assert [dict(x.values) for x in sw.points][:3] == [
        {"growth[0].mean": 0.0, "target.value": 1.5e9}, {"growth[0].mean": 0.0, "target.value": 2e9},
        {"growth[0].mean": 0.1, "target.value": 1.5e9}]
    # the same point written in a file and run alone gives the same numbers
    alone = _prepared(tmp_path, scenario("s", target="target: {value: 2.0e9, year: 2026}\n",
                                         extra=GROWTH.replace("mean: 0.08", "mean: 0.1")))
    from forecast.analysis.pipeline import run
    r = run(alone.scenario, series=alone.series, paths=20_000, seed=5, per_model=False)
    assert r.feasibility.probability == sw.points[3].result.feasibility.probability


def test_common_random_numbers_make_a_sweep_monotone_path_by_path(tmp_path: Path) -> None:
    # Same draws at every point: a higher target or lower growth can only lose paths.
    p = _prepared(tmp_path, scenario("s", extra=GROWTH + SHOCK))
    sw = variants.sweep(p.file.tree, {"target.value": keypaths.parse_values("1.2e9..2.4e9/7")},
                        _prepare_of(p), where="s.yaml", paths=30_000, seed=1)
    ps = [x.result.feasibility.probability for x in sw.points]
    assert all(a >= b for a, b in zip(ps, ps[1:])) and ps[0] > ps[-1]
    sw = variants.sweep(p.file.tree, {"growth[0].mean": [0.0, 0.05, 0.1, 0.15]}, _prepare_of(p),
                        where="s.yaml", paths=30_000, seed=1)
    hits = [x.result.simulation.hits("level") for x in sw.points]
    assert all((a <= b).all() for a, b in zip(hits, hits[1:]))


def test_a_bad_sweep_value_names_the_key_and_the_option(tmp_path: Path) -> None:
    p = _prepared(tmp_path, scenario("s", extra=GROWTH))
    with pytest.raises(ScenarioError, match=r"growth\[0\].sd: must be >= 0.0 \(got -1\) "
                                            r"\(from --set growth\[0\].sd=-1\)"):
        variants.sweep(p.file.tree, {"growth[0].sd": [0.1, -1]}, _prepare_of(p), where="s.yaml",
                       paths=100, seed=0)


# --- sensitivity -----------------------------------------------------------------------

def test_default_ranges_follow_the_documented_rules(tmp_path: Path) -> None:
    p = _prepared(tmp_path, scenario("s", extra=GROWTH + SHOCK))
    found = {a.key: (a.low, a.high) for a in variants.assumptions(p.scenario, p.file.tree, 2023)}
    assert found == {"growth[0].mean": (0.03, 0.13), "growth[0].sd": (0.075, 0.125),
                     "shocks[0].probability": (0.05, 0.15), "shocks[0].impact.low": (-0.1, -0.3),
                     "shocks[0].impact.high": (-0.025, -0.075), "shocks[0].recovery": (0.25, 0.75)}
    # no growth entry: the model's own growth and spread are what can move
    q = _prepared(tmp_path, scenario("q"))
    assert [a.key for a in variants.assumptions(q.scenario, q.file.tree, 2023)] == [
        "model-growth", "model-spread"]


def test_sensitivity_moves_the_probability_the_right_way_with_paired_errors(tmp_path: Path) -> None:
    text = scenario("s", extra="sensitivity: {model-growth: [-0.1, 0.1], target.value: [1.5e9, 2.5e9]}\n")
    p = _prepared(tmp_path, text)
    s = variants.sensitivity(p, _prepare_of(p), paths=40_000, seed=2)
    c = s.central.feasibility.probability
    by_key = {e.assumption.key: e for e in s.effects}
    g, t = by_key["model-growth"], by_key["target.value"]
    assert g.assumption.rule == "declared" and (g.assumption.low, g.assumption.high) == (-0.1, 0.1)
    assert g.low.feasibility.probability < c < g.high.feasibility.probability
    assert t.low.feasibility.probability > c > t.high.feasibility.probability
    assert variants.median(g.low) < variants.median(s.central) < variants.median(g.high)
    assert variants.median(t.low) == variants.median(s.central)  # the target does not move paths
    unpaired = (s.central.feasibility.probability_se ** 2 + g.high.feasibility.probability_se ** 2) ** 0.5
    assert 0 < g.p_high_se < unpaired
    assert [e.swing for e in s.effects] == sorted((e.swing for e in s.effects), reverse=True)


def test_a_declared_range_the_schema_rejects_is_an_error(tmp_path: Path) -> None:
    p = _prepared(tmp_path, scenario("s", extra=GROWTH + "sensitivity:\n  growth[0].sd: [-0.1, 0.2]\n"))
    with pytest.raises(ScenarioError, match=r"growth\[0\].sd: must be >= 0.0"):
        variants.sensitivity(p, _prepare_of(p), paths=1000, seed=0)


def test_an_unknown_sensitivity_key_is_rejected_when_the_file_is_read(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra="sensitivity:\n  growth[0]mean: [0, 1]\n"))
    r = cli("validate", "s.yaml")
    assert r.exit_code == 1 and "sensitivity" in r.stderr and "key path" in r.stderr


# --- command line ----------------------------------------------------------------------

def test_run_with_set_prints_a_table_and_json_rows(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra=GROWTH))
    r = cli("run", "s.yaml", "--set", "growth[0].mean=0,0.1", "--set", "model=rw-drift,theta",
            "--paths", 5000)
    assert r.exit_code == 0, r.output
    lines = [x for x in r.stdout.splitlines() if x.strip().startswith(("0 ", "0.1 "))]
    assert len(lines) == 4 and "4 run(s) on common random numbers" in r.stdout
    d = json.loads(cli("run", "s.yaml", "--set", "growth[0].mean=0..0.2/3", "--paths", 5000,
                       "--json").stdout)
    pts = d["sweep"]["points"]
    assert [x["values"] for x in pts] == [{"growth[0].mean": v} for v in (0.0, 0.1, 0.2)]
    assert pts[0]["probability"] < pts[1]["probability"] < pts[2]["probability"]
    assert all(x["probability_se"] > 0 for x in pts) and d["first_point"]["paths"] == 5000


def test_a_sweep_block_in_the_file_runs_the_grid(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra=GROWTH + "sweep: {target.value: 1.5e9..2.5e9/3}\n"))
    d = json.loads(cli("run", "s.yaml", "--paths", 3000, "--json").stdout)
    assert [x["values"]["target.value"] for x in d["sweep"]["points"]] == [1.5e9, 2e9, 2.5e9]
    # --set replaces the block
    d = json.loads(cli("run", "s.yaml", "--paths", 3000, "--json", "--set", "growth[0].sd=0.1,0.2").stdout)
    assert d["sweep"]["keys"] == ["growth[0].sd"]


@pytest.mark.parametrize("option", ["target.value", "simulation.paths=5", "target.value=", "x[=1"])
def test_a_malformed_set_option_is_a_usage_error(cli, tmp_path: Path, option: str) -> None:
    write(tmp_path, "s.yaml", scenario("s"))
    r = cli("run", "s.yaml", "--set", option)
    assert r.exit_code == 2 and r.stdout == "" and "--set" in r.output


def test_a_bad_set_value_fails_with_one_line_and_writes_nothing(cli, tmp_path: Path, out_dir: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra=GROWTH))
    before = snapshot(out_dir)
    r = cli("run", "s.yaml", "--set", "growth[0].sd=0.1,-2", "--out", out_dir)
    assert r.exit_code == 1 and r.stdout == "" and snapshot(out_dir) == before
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("s.yaml: growth[0].sd: must be >= 0.0 (got -2) (from --set")


def test_sensitivity_command_text_and_json(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra=GROWTH + SHOCK))
    r = cli("sensitivity", "s.yaml", "--paths", 5000)
    assert r.exit_code == 0, r.output
    assert "growth 2024–2026 (normal): mean" in r.stdout and "default ±5 pp" in r.stdout
    d = json.loads(cli("sensitivity", "s.yaml", "--paths", 5000, "--json").stdout)
    assert len(d["sensitivity"]) == 6 and d["central"]["probability"] == d["scenario"]["probability"]
    assert d["sensitivity"][0]["key"] == "growth[0].mean"  # the largest swing first


# --- reports ---------------------------------------------------------------------------

def test_compare_sweep_and_sensitivity_write_their_reports(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a", extra=GROWTH))
    write(tmp_path, "b.yaml", scenario("b", extra=GROWTH.replace("0.08", "0.12") + SHOCK))
    out = tmp_path / "out"
    r = cli("compare", "a.yaml", "b.yaml", "--paths", 4000, "--out", out)
    assert r.exit_code == 0, r.output
    r = cli("run", "b.yaml", "--paths", 4000, "--set", "growth[0].mean=0..0.2/5", "--out", out)
    assert r.exit_code == 0, r.output
    r = cli("sensitivity", "b.yaml", "--paths", 4000, "--out", out)
    assert r.exit_code == 0, r.output
    names = {p.name for p in out.iterdir()}
    assert {"compare-a-vs-b.json", "compare-a-vs-b.html", "compare-a-vs-b.md",
            "compare-a-vs-b-probabilities.png",
            "compare-a-vs-b-distributions.png", "compare-a-vs-b-fans.png",
            "b-sweep.json", "b-sweep.html", "b-sweep.md", "b-sweep-curve.png",
            "b-sensitivity.json", "b-sensitivity.html", "b-sensitivity.md",
            "b-sensitivity-tornado.png"} == names
    for png in out.glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG")
    page = (out / "compare-a-vs-b.html").read_text(encoding="utf-8")
    assert "src=\"http" not in page and page.count("data:image/png;base64") == 3
    d = json.loads((out / "compare-a-vs-b.json").read_text(encoding="utf-8"))
    diff = d["differences"][0]
    assert f"{diff['probability_diff'] * 100:+.2f} pp" in page  # the page shows the JSON's numbers
    md = (out / "b-sensitivity.md").read_text(encoding="utf-8")
    assert "![" in md and "(b-sensitivity-tornado.png)" in md
    sens = json.loads((out / "b-sensitivity.json").read_text(encoding="utf-8"))
    assert sens["command"].startswith("tradecast sensitivity b.yaml --out")
    sweep = json.loads((out / "b-sweep.json").read_text(encoding="utf-8"))["sweep"]
    assert sweep["as_written"] == {"growth[0].mean": 0.12} and len(sweep["points"]) == 5
    assert "--set growth[0].mean=" in sweep["command"]


def test_a_failed_comparison_writes_nothing(cli, tmp_path: Path, out_dir: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "bad.yaml", scenario("bad", extra="growth: [{years: 2024, shift: -3}]\n"))
    before = snapshot(out_dir)
    r = cli("compare", "a.yaml", "bad.yaml", "--out", out_dir)
    assert r.exit_code == 1 and r.stdout == "" and snapshot(out_dir) == before
    assert r.stderr.startswith("bad.yaml: growth[0].shift:")


# --- review findings: edge cases ---------------------------------------------------------

def test_one_path_gives_finite_json(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a", extra=GROWTH))
    write(tmp_path, "b.yaml", scenario("b", extra=GROWTH.replace("0.08", "0.1")))
    for args in (("compare", "a.yaml", "b.yaml"), ("sensitivity", "b.yaml")):
        r = cli(*args, "--paths", 1, "--json")
        assert r.exit_code == 0, r.output
        assert "NaN" not in r.stdout and json.loads(r.stdout)


def test_compared_scenarios_need_their_own_names(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "a2.yaml", "name: a\nextends: a.yaml\ngrowth: [{years: 2024, shift: 0.05}]\n")
    r = cli("compare", "a.yaml", "a2.yaml", "--paths", 100)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == ("a2.yaml: name: 'a' is also the name of a.yaml; give each scenario "
                                "compared its own name")


def test_format_without_out_is_a_usage_error(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", scenario("a"))
    write(tmp_path, "b.yaml", scenario("b"))
    assert cli("compare", "a.yaml", "b.yaml", "--format", "html").exit_code == 2
    assert cli("sensitivity", "a.yaml", "--format", "md").exit_code == 2


def test_errors_in_blocks_name_the_file_and_block_that_set_them(cli, tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", scenario("base", extra=GROWTH))
    write(tmp_path, "child.yaml", "name: child\nextends: base.yaml\nsweep:\n  growth[0].mean: [0.1, abc]\n")
    for cmd in ("validate", "run"):
        r = cli(cmd, "child.yaml")
        assert r.exit_code == 1 and r.stdout == "", cmd
        assert r.stderr.startswith("child.yaml: sweep.growth[0].mean: input should be a valid "
                                   "number"), r.stderr
    write(tmp_path, "c2.yaml", "name: c2\nextends: base.yaml\nsensitivity:\n  growth[0].sd: [0.1, -1]\n")
    r = cli("validate", "c2.yaml")
    assert r.exit_code == 1 and r.stderr.startswith("c2.yaml: sensitivity.growth[0].sd: must be >= 0.0")
    r = cli("run", "base.yaml", "--set", "growth[0].sd=-1")  # the command line: the file given
    assert r.stderr.startswith("base.yaml: growth[0].sd: must be >= 0.0 (got -1) (from --set")
    ok = cli("validate", "base.yaml")
    assert ok.exit_code == 0 and "value(s) checked" not in ok.stdout


def test_runs_of_variants_carry_the_scenario_hash(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra=GROWTH))
    d = json.loads(cli("run", "s.yaml", "--set", "growth[0].mean=0,0.1", "--paths", 100, "--json").stdout)
    assert len(d["first_point"]["scenario"]["sha256"]) == 64
    d = json.loads(cli("sensitivity", "s.yaml", "--paths", 100, "--json").stdout)
    assert len(d["scenario"]["scenario"]["sha256"]) == 64


def test_model_growth_has_no_effect_when_every_year_is_assumed(tmp_path: Path) -> None:
    text = scenario("s", extra=GROWTH + "sensitivity: {model-growth: [-0.03, 0.03]}\n")
    p = _prepared(tmp_path, text)
    s = variants.sensitivity(p, _prepare_of(p), paths=1000, seed=0)
    assert "model-growth" not in [e.assumption.key for e in s.effects]
    assert any(n.startswith("model-growth has no effect") for n in s.notes)


def test_a_key_of_another_kind_of_entry_is_named_as_such(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", extra=GROWTH.replace("dist: normal, mean: 0.08, sd: 0.1",
                                                                  "dist: two-piece-normal, mode: 0.08, "
                                                                  "sd_below: 0.1, sd_above: 0.1")))
    r = cli("run", "s.yaml", "--set", "growth[0].mean=0.1")
    assert r.exit_code == 1 and "'mean' is not a key of this kind of entry" in r.stderr
