"""Year-to-date nowcasts: the share model against its closed forms, the conditioned
probability against numerical integration, exactness when the year is already past the
target, narrowing with more months, and the shipped scenario."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import scenario, write
from scipy import integrate, stats

from forecast.analysis import loading, pipeline
from forecast.engine.nowcast import ShareModel, logit, nowcast_for, prior

HISTORY = "history: {2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, 2022: 1.18e9, 2023: 1.31e9%s}\n"


def _run(tmp_path: Path, ytd: str, target: float = 1.5e9, model: str = "auto", paths: int = 100_000,
         seed: int = 1):  # type: ignore[no-untyped-def]
    text = scenario("y", history=HISTORY % ytd, target=f"target: {{value: {target}, year: 2024}}\n",
                    extra=f"model: {model}\n")
    p = loading.prepare(write(tmp_path, "y.yaml", text))
    return pipeline.run(p.scenario, series=p.series, paths=paths, seed=seed, per_model=False)


def test_share_model_update_and_predictive_match_the_closed_forms() -> None:
    m = ShareModel(mu=0.5, kappa=2.0, nu=4.5, s2=0.04)
    x = np.array([0.7, 0.6, 0.9])
    u = m.update(x)
    # normal–inverse-gamma posterior (Gelman et al., BDA3, section 3.6)
    n, xbar = 3, x.mean()
    assert u.kappa == 5.0 and u.nu == 7.5
    assert u.mu == pytest.approx((2 * 0.5 + n * xbar) / 5)
    assert u.s2 == pytest.approx((4.5 * 0.04 + ((x - xbar) ** 2).sum() + 2 * n * (xbar - 0.5) ** 2 / 5) / 7.5)
    z = np.linspace(-1, 2, 7)
    # the likelihood is the normal with the Student-t predictive's central 80% interval
    t_scale = math.sqrt(u.s2 * (1 + 1 / u.kappa))
    sd = t_scale * stats.t.ppf(0.9, u.nu) / stats.norm.ppf(0.9)
    assert np.allclose(u.log_density(z), stats.norm.logpdf(z, u.mu, sd))
    lo, hi = stats.t.ppf([0.1, 0.9], u.nu, u.mu, t_scale)
    assert u.share_quantiles([0.1, 0.9]) == pytest.approx(list(1 / (1 + np.exp(-np.array([lo, hi])))))
    assert m.update([]) == m


def test_weights_are_zero_where_the_total_is_below_the_year_to_date_figure() -> None:
    nc = nowcast_for(2024, [(2024, 6, 500.0, "2024-01..2024-06")], {2023: 900.0})
    assert nc is not None and nc.month == 6 and nc.own_years == ()
    lw = nc.log_weights(np.array([400.0, 500.0, 500.0001, 1000.0, 2000.0]))
    assert np.isneginf(lw[:2]).all() and np.isfinite(lw[2:]).all()
    # the likelihood peaks where the share is typical for June
    grid = np.linspace(501, 3000, 5000)
    assert 0.4 < 500 / grid[np.argmax(nc.log_weights(grid))] < 0.6


def test_own_history_at_every_month_updates_the_prior() -> None:
    ytd = [(2021, 8, 600.0, "2021-01..2021-08"), (2022, 8, 650.0, "2022-01..2022-08"),
           (2022, 5, 300.0, "2022-01..2022-05"), (2023, 6, 500.0, "2023-01..2023-06"),
           (2024, 8, 700.0, "2024-01..2024-08")]
    nc = nowcast_for(2024, ytd, {2021: 1000.0, 2022: 1100.0, 2023: 1200.0})
    assert nc is not None and nc.own_years == (2021, 2022, 2023) and nc.own_months == (8, 8, 6)
    # the same month as it is; another month moved by the prior's seasonal pattern
    moved = float(logit(500 / 1200)) - prior(6).mu + prior(8).mu
    assert nc.model == prior(8).update([float(logit(0.6)), float(logit(650 / 1100)), moved])
    assert "own shares in 2021, 2022 and in 2023 (June), moved to August" in nc.source


def test_a_rounded_figure_is_integrated_over_its_interval() -> None:
    from forecast.engine.nowcast import rounding_half_width

    assert rounding_half_width(1.4e9) == 5e7 and rounding_half_width(2e9) == 5e8
    assert rounding_half_width(1_317_884_000) == 500
    exact = nowcast_for(2024, [(2024, 11, 1.40e9, "p")], {2023: 1.3e9})
    rounded = nowcast_for(2024, [(2024, 11, 1.40e9, "p")], {2023: 1.3e9}, {"p": 5e7})
    assert exact is not None and rounded is not None and rounded.lowest == 1.35e9
    a = np.array([1.36e9, 1.42e9, 1.50e9, 1.60e9])
    lw_exact, lw_round = exact.log_weights(a), rounded.log_weights(a)
    assert np.isneginf(lw_exact[0]) and np.isfinite(lw_round).all()  # rounded: 1.36bn is possible
    # the mean of the likelihood over the interval, by a plain loop
    grid = 1.40e9 + (np.arange(9) + 0.5) / 9 * 1e8 - 5e7
    for i, total in enumerate(a):
        ref = np.mean([np.exp(nowcast_for(2024, [(2024, 11, g, "p")], {2023: 1.3e9}).log_weights(
            np.array([total]))[0]) for g in grid])
        assert np.exp(lw_round[i]) == pytest.approx(ref, rel=1e-9)


def test_eleven_months_at_half_pace_overrule_the_annual_model(tmp_path: Path) -> None:
    hist = ("history: {2015: 1.00e9, 2016: 1.05e9, 2017: 0.98e9, 2018: 1.10e9, 2019: 1.12e9, "
            "2020: 1.00e9, 2021: 1.15e9, 2022: 1.20e9, 2023: 1.22e9, 2024: 1.25e9, "
            '"2025-01..2025-%s": %s}\n')
    out = {}
    for k, v in (("11", "0.60e9"), ("11", "1.40e9"), ("02", "0.10e9"), ("02", "0.20e9")):
        p = loading.prepare(write(tmp_path, "h.yaml", scenario(
            "h", history=hist % (k, v), target="target: {value: 1.35e9, year: 2025}\n")))
        out[(k, v)] = pipeline.run(p.scenario, series=p.series, paths=100_000, seed=2, per_model=False)
    assert out[("11", "0.60e9")].feasibility.probability < 0.01
    assert out[("11", "0.60e9")].feasibility.quantiles[2025][0.5] < 0.7e9  # arithmetic, not the model
    assert out[("11", "1.40e9")].feasibility.probability == 1.0
    # two months at half the usual pace move the year down, not all the way
    half, usual = out[("02", "0.10e9")].feasibility, out[("02", "0.20e9")].feasibility
    assert 0.63e9 < half.quantiles[2025][0.5] < usual.quantiles[2025][0.5]


def test_conditioned_probability_matches_numerical_integration(tmp_path: Path) -> None:
    # Random walk with drift without calibration: its predictive of log(A / last) is a
    # Student-t; the posterior given January-August is prior x likelihood, integrated here.
    r = _run(tmp_path, ', "2024-01..2024-08": 9.5e8', model="{name: rw-drift, calibration: none}",
             paths=400_000, seed=3)
    df, loc, scale = r.model.predictive(1)
    last, nc = math.log(1.31e9), r.nowcast
    assert nc is not None

    peak = float(nc.log_weights(np.exp(last + np.linspace(-0.5, 0.5, 2001))).max())

    def post(x: float) -> float:
        lw = nc.log_weights(np.array([math.exp(last + x)]))[0]
        return float(stats.t.pdf(x, df, loc, scale) * math.exp(lw - peak))

    lo = math.log(9.5e8 / 1.31e9) + 1e-9
    cut = math.log(1.5e9 / 1.31e9)
    num = integrate.quad(post, cut, 3.0, limit=400, epsabs=0.0, epsrel=1e-10)[0]
    den = integrate.quad(post, lo, cut, limit=400, epsabs=0.0, epsrel=1e-10)[0] + num
    f = r.feasibility
    assert abs(f.probability - num / den) < 4 * f.probability_se
    assert r.simulation.effective_paths < r.simulation.paths


def test_a_year_already_past_the_target_is_certain(tmp_path: Path) -> None:
    r = _run(tmp_path, ', "2024-01..2024-10": 1.6e9', target=1.5e9, paths=20_000)
    assert r.feasibility.probability == 1.0 and r.feasibility.probability_se == 0.0
    assert r.feasibility.quantiles[2024][0.025] > 1.6e9


def test_intervals_narrow_as_months_are_known(tmp_path: Path) -> None:
    widths = []
    for k, value in ((0, None), (3, 3.3e8), (6, 6.9e8), (9, 1.05e9), (11, 1.29e9)):
        ytd = "" if value is None else f', "2024-01..2024-{k:02d}": {value}'
        q = _run(tmp_path, ytd, paths=50_000).feasibility.quantiles[2024]
        widths.append(q[0.9] - q[0.1])
    assert all(b < a for a, b in zip(widths, widths[1:])), widths


def test_same_seed_same_numbers_and_paired_differences_with_weights(tmp_path: Path) -> None:
    from forecast.analysis.comparison import paired

    a = _run(tmp_path, ', "2024-01..2024-08": 9.5e8', target=1.49e9, paths=50_000)
    b = _run(tmp_path, ', "2024-01..2024-08": 9.5e8', target=1.50e9, paths=50_000)
    again = _run(tmp_path, ', "2024-01..2024-08": 9.5e8', target=1.50e9, paths=50_000)
    assert again.feasibility.probability == b.feasibility.probability
    d, se, unpaired = paired(a, b)
    assert d == pytest.approx(b.feasibility.probability - a.feasibility.probability)
    assert d < 0 and 0 < se < 0.7 * unpaired


def test_the_shipped_scenario_conditions_on_january_august_2025(cli) -> None:
    root = Path(__file__).resolve().parents[1]
    r = cli("run", root / "scenarios" / "kz-kg-2025-ytd.yaml", "--paths", 40_000, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    nc = d["nowcast"]
    assert (nc["period"], nc["value"], nc["month"]) == ("2025-01..2025-08", 1.4e9, 8)
    assert {"year": 2024, "value": 1.7e9}.items() <= d["last_observed"].items()
    assert d["data"]["as_of"] == "2025-11-15"
    assert d["last_observed"]["rounding"] == pytest.approx(0.05e9 / 1.7e9)  # "$1.7bn"
    assert "M3 monthly" in nc["share_source"] and nc["effective_paths"] > 1000
    assert 0 < d["probability"] < 1


def test_on_m3_monthly_intervals_narrow_and_cover(tmp_path: Path) -> None:
    # A slice of benchmarks/m3_monthly_nowcast.py: 60 series, their evaluation years.
    import importlib.util

    from conftest import ROOT, shared

    shared("benchmarks", "m3-monthly")
    spec = importlib.util.spec_from_file_location("m3n", ROOT / "benchmarks" / "m3_monthly_nowcast.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = bench.load()
    from forecast.engine.nowcast import prior_table

    table = prior_table()
    rows = []
    for sid in sorted(data)[::24]:
        y = bench.evaluation_year(data[sid])
        r = bench.score_year((sid, data[sid], y, table, 2000, 0)) if y else None
        if r and "rows" in r:
            rows.append(r["rows"])
    assert len(rows) >= 50
    grid = list(bench.GRID)

    def at(k: int, key: str) -> float:
        i = grid.index(table["months"][str(k)].get("widen", 1.0)) if k else 0
        return float(np.mean([r[k][i][key] for r in rows if r[k][i] is not None]))

    widths = [at(k, "w80") for k in (0, 3, 6, 9, 11)]
    assert all(b < a for a, b in zip(widths, widths[1:])), widths
    assert all(at(k, "c95") >= 0.85 for k in range(12))


@pytest.mark.parametrize("month", [1, 8])
def test_a_larger_year_to_date_figure_never_lowers_the_probability(tmp_path: Path, month: int) -> None:
    # Up to the target itself: the year is at least the figure, so P must not fall as it rises.
    values = np.linspace(0.05, 0.999, 12) * 1.5e9 if month == 1 else np.linspace(0.7e9, 1.499e9, 12)
    ps = [_run(tmp_path, f', "2024-01..2024-{month:02d}": {v:.6g}', target=1.5e9, paths=20_000,
               model="rw-drift").feasibility.probability for v in values]
    assert all(b >= a - 0.02 for a, b in zip(ps, ps[1:])), ps


def test_a_figure_past_the_target_is_certain_even_where_a_comparison_model_cannot_reach_it(
        cli, tmp_path: Path) -> None:
    hist = ("history: {2017: 7.0e8, 2018: 7.6e8, 2019: 9.9e8, 2020: 8.1e8, 2021: 1.04e9, "
            "2022: 1.18e9, 2023: 1.31e9, \"2024-01..2024-08\": 1.7e9}\n")
    for target in ("{value: 1.6e9, year: 2024, kind: by}", "{value: 1.7e9, year: 2024}"):
        write(tmp_path, "s.yaml", f"name: s\n{hist}target: {target}\n")
        r = cli("run", "s.yaml", "--paths", 20000, "--json")
        assert r.exit_code == 0, r.output
        assert "RuntimeWarning" not in r.stderr
        d = json.loads(r.stdout)
        assert d["probability"] == 1.0 and d["probability_se"] == 0.0
        assert d["answer"].startswith("Certain: turnover was already US$1.700bn in January–August 2024")
        assert d["probability_closed_form"] is None  # the model's own closed form ignores the figure


def test_a_january_to_december_figure_must_be_written_as_the_year(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", scenario("s", history=HISTORY % ', "2024-01..2024-12": 1.45e9',
                                       target="target: {value: 1.5e9, year: 2024}\n"))
    r = cli("validate", "s.yaml")
    assert r.exit_code == 1 and "a January–December figure is the year's total: write it as 2024" in r.stderr


def test_the_reports_distribution_is_the_weighted_one(tmp_path: Path) -> None:
    from forecast.present.report import target_values

    r = _run(tmp_path, ', "2024-01..2024-08": 9.5e8', paths=50_000)
    v = target_values(r)
    q = r.feasibility.quantiles[2024]
    assert abs(np.median(v) / q[0.5] - 1) < 0.005
    assert abs(np.mean(v >= 1.5e9) - r.feasibility.probability) < 0.01
