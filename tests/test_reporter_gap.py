"""Both countries' statistics: the gap model's choice and likelihood against references, a run
conditioned on the partner's later figure, and the trade-panel check that it helps."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, shared, write
from scipy import stats

from forecast.engine.reporter_gap import GapModel, fit_gap

HEADER = "reporter,partner,flow,period,value_usd,basis,published,source,flags,note\n"


def _data(folder: Path, a: dict[int, float], b: dict[int, float]) -> Path:
    rows = [f"ARM,GEO,turnover,{y},{v:.0f},national-statistics,,test fixture,," for y, v in a.items()]
    rows += [f"GEO,ARM,turnover,{y},{v:.0f},national-statistics,,test fixture,," for y, v in b.items()]
    return write(folder, "pair.csv", HEADER + "\n".join(rows) + "\n")


def test_the_gap_model_follows_the_evidence() -> None:
    rng = np.random.default_rng(4)
    years = np.arange(1990, 2024)
    walk = np.cumsum(rng.normal(0, 0.1, years.size))
    noise = 0.1 + rng.normal(0, 0.1, years.size)
    assert fit_gap(years, walk, half_life=np.inf).phi_mean > 0.7
    assert fit_gap(years, noise, half_life=np.inf).phi_mean < 0.3
    with pytest.raises(ValueError, match="at least 3 years"):
        fit_gap(years[:2], noise[:2])


def test_with_equal_weights_and_no_persistence_the_fit_is_the_sample_mean() -> None:
    """phi = 0 with equal weights: the level is the mean of the conditional years (all but
    the first) and sigma their s.d. (ddof 1), the textbook estimates."""
    g = np.array([0.3, 0.1, 0.25, 0.05, 0.2, 0.15, 0.22])
    m = fit_gap(np.arange(2010, 2017), g, half_life=np.inf)
    assert m.phi[0] == 0.0
    assert m.mu[0] == pytest.approx(g[1:].mean())
    assert m.sigma[0] == pytest.approx(g[1:].std(ddof=1))
    assert m.mu_var[0] == pytest.approx(g[1:].var(ddof=1) / 6)


def test_a_basis_change_is_a_level_shift_not_noise() -> None:
    rng = np.random.default_rng(1)
    years = np.arange(1994, 2025)
    labels = ["imf"] * 24 + ["national"] * 7
    g = np.where(years < 2018, 0.05, 0.30) + rng.normal(0, 0.02, years.size)
    seg = fit_gap(years, g, labels, half_life=np.inf)
    one = fit_gap(years, g, half_life=np.inf)
    assert [s[:2] for s in seg.segments] == [(1994, 2017), (2018, 2024)]
    assert seg.level == pytest.approx(0.30, abs=0.02)
    assert float(seg.weight @ seg.sigma) < 0.025 < float(one.weight @ one.sigma)  # noise s.d. 0.02
    assert one.phi_mean > 0.8  # without the segments, the shift reads as a drifting gap


def test_gap_likelihoods_are_ar1_student_t_densities() -> None:
    """One component: the density of each year given the one before is the Student-t with
    the AR(1) mean and variance (scipy as the reference), including a three-year step."""
    phi, mu, sigma, mu_var, df = 0.6, 0.1, 0.08, 0.001, 7.0
    m = GapModel(2020, 0.3, np.array([phi]), np.array([1.0]), np.array([mu]), np.array([mu_var]),
                 np.array([sigma]), np.array([df]), 10)
    g = np.array([[0.1, 0.2], [-0.3, 0.05]])

    def ref(x: np.ndarray, prev: float | np.ndarray, d: int) -> np.ndarray:
        var = sigma ** 2 * sum(phi ** (2 * k) for k in range(d)) + (1 - phi ** d) ** 2 * mu_var
        return stats.t.logpdf(x, df, mu + phi ** d * (prev - mu), np.sqrt(var))

    expected = ref(g[:, 0], 0.3, 1) + ref(g[:, 1], g[:, 0], 3)
    assert np.allclose(m.log_likelihood(g, [2021, 2024]), expected)
    walk = GapModel(2020, 0.3, np.array([1.0]), np.array([1.0]), np.array([0.0]), np.array([0.0]),
                    np.array([sigma]), np.array([df]), 10)
    assert np.allclose(walk.log_likelihood(g[:, :1], [2023]),
                       stats.t.logpdf(g[:, 0], df, 0.3, sigma * np.sqrt(3)))
    # a rounded figure adds its variance to the gap's
    wide = m.log_likelihood(g[:, :1], [2021], [0.01])
    var = sigma ** 2 + (1 - phi) ** 2 * mu_var + 0.01
    assert np.allclose(wide, stats.t.logpdf(g[:, 0], df, mu + phi * (0.3 - mu), np.sqrt(var)))


def test_paths_take_components_in_proportion_to_their_weights() -> None:
    m = GapModel(2020, 0.0, np.array([0.0, 0.5, 1.0]), np.array([0.2, 0.3, 0.5]),
                 np.zeros(3), np.zeros(3), np.ones(3), np.full(3, 5.0), 10)
    idx = m.components(1000)
    assert np.bincount(idx).tolist() == [200, 300, 500]


def test_the_partners_later_figure_informs_the_run(cli, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    years = range(2005, 2021)
    a = dict(zip(years, 1e9 * np.exp(np.cumsum(rng.normal(0.05, 0.08, len(years))))))
    b = {y: v * np.exp(0.1 + rng.normal(0, 0.03)) for y, v in a.items()}
    b[2021] = a[2020] * 1.5  # the partner already reports a jump in 2021
    _data(tmp_path, a, b)
    target = f"target: {{value: {a[2020] * 1.4:.4g}, year: 2022}}\n"
    write(tmp_path, "both.yaml", f"name: s\ndata: {{file: pair.csv, reporter: both, basis: ARM}}\n{target}")
    write(tmp_path, "one.yaml", f"name: s\ndata: {{file: pair.csv, reporter: ARM}}\n{target}")
    both = json.loads(cli("run", "both.yaml", "--paths", 20000, "--json").stdout)
    one = json.loads(cli("run", "one.yaml", "--paths", 20000, "--json").stdout)
    r = both["reporters"]
    assert r["basis"] == "ARM" and r["other"] == "GEO" and r["later_figures"] == {"2021": round(b[2021])}
    assert both["probability"] > one["probability"] + 0.1
    assert 0 < both["effective_paths"] < 20000
    other = r["other_basis"]
    assert other["probability"] > both["probability"]  # GEO's figures run about 11% higher
    text = cli("run", "both.yaml", "--paths", 2000).stdout
    assert "Both reporters GEO's later figures (2021: US$" in text
    # a `by` target has its answer on the other basis too: GEO's 2021 figure already
    # reaches it there, so that answer is certain while the basis's is not
    by = f"target: {{value: {b[2021] * 0.99:.6g}, year: 2023, kind: by}}\n"
    write(tmp_path, "by.yaml", f"name: s\ndata: {{file: pair.csv, reporter: both, basis: ARM}}\n{by}")
    d = json.loads(cli("run", "by.yaml", "--paths", 20000, "--json").stdout)
    assert d["reporters"]["other_basis"]["probability"] == 1.0
    assert d["probability"] < 1.0


@pytest.mark.parametrize("data, message", [
    ("reporter: both", "reporter: both needs basis"),
    ("reporter: ARM, basis: GEO", "basis goes with reporter: both"),
])
def test_both_needs_a_basis(cli, tmp_path: Path, data: str, message: str) -> None:
    _data(tmp_path, {2020: 1e9, 2021: 1.1e9, 2022: 1.2e9}, {2020: 1e9, 2021: 1e9, 2022: 1e9})
    write(tmp_path, "s.yaml",
          f"name: s\ndata: {{file: pair.csv, {data}}}\ntarget: {{value: 2e9, year: 2024}}\n")
    r = cli("validate", "s.yaml")
    assert r.exit_code == 1 and message in r.stderr and r.stderr.count("\n") == 1


def test_on_the_trade_panel_both_reporters_beat_one() -> None:
    shared("data-sources", "imf-dots-2022")
    spec = importlib.util.spec_from_file_location("both_reporters", ROOT / "benchmarks" / "both_reporters.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from _shared import trade_panel  # the benchmark put benchmarks/ on the path

    panel = trade_panel()
    pairs = [sid for sid in sorted(panel) if "-".join(reversed(sid.split("-"))) in panel][:16]
    rows = [r for sid in pairs for r in bench.score(
        (sid, panel[sid], panel["-".join(reversed(sid.split("-")))], 1000, 0, bench.HALF_LIFE))]
    assert len(rows) > 100
    for h in (1, 2):
        d = [r["both"]["crps"] - r["one"]["crps"] for r in rows if r["h"] == h]
        assert np.mean(d) < 0, h  # the partner's one-year lead improves the forecast
        cov = np.mean([r["both"]["c95"] for r in rows if r["h"] == h])
        # conditioning on the partner's figure narrows the forecast; its 95% interval still
        # covers about what it claims (a slice of 16 pairs: about 120 forecasts a horizon)
        assert abs(cov - 0.95) <= 0.04, (h, cov)
        assert cov >= np.mean([r["one"]["c95"] for r in rows if r["h"] == h]) - 0.04


def test_data_list_show_and_asymmetry_describe_the_shipped_file(cli) -> None:
    r = cli("data", "list", ROOT / "data")
    assert r.exit_code == 0 and "KAZ reporting on KGZ" in r.stdout and "2025-01..2025-08" in r.stdout
    d = json.loads(cli("data", "show", ROOT / "data" / "kz_kg.csv", "--json").stdout)
    kaz = next(s for s in d["series"] if s["reporter"] == "KAZ")
    assert {"year": 2025, "value": 2e9, "basis": "official-statement"}.items() <= next(
        f for f in kaz["figures"] if f["year"] == 2025).items()
    a = json.loads(cli("data", "asymmetry", ROOT / "data" / "kz_kg.csv", "--json").stdout)
    row = next(x for x in a["rows"] if x["year"] == 2023 and x["flow"] == "turnover")
    assert row["gap"] == pytest.approx(row["reported"] / row["mirror"] - 1)
    assert cli("data", "asymmetry", ROOT / "data" / "kz_kg.csv", "--reporter", "UZB").exit_code == 2
    r = cli("data", "show", "no_such_pair")
    assert r.exit_code == 1 and r.stderr.startswith("no_such_pair: no data file data/no_such_pair.csv")


def test_the_gap_trend_is_ordinary_least_squares() -> None:
    from forecast.data.asymmetry import Row, trend

    rng = np.random.default_rng(2)
    years = np.arange(2010, 2022)
    gaps = np.expm1(0.05 + 0.01 * (years - 2010) + rng.normal(0, 0.02, years.size))
    rows = [Row(int(y), "turnover", 1e9 * (1 + g), 1e9) for y, g in zip(years, gaps)]
    t = trend(rows, "turnover", last=12)
    (slope, _), cov = np.polyfit(years, np.log1p(gaps), 1, cov="unscaled")
    resid = np.log1p(gaps) - np.polyval((slope, _), years)
    se = np.sqrt(cov[0, 0] * resid @ resid / (years.size - 2))
    assert t.slope == pytest.approx(slope) and t.slope_se == pytest.approx(se)
    assert t.n == 12 and "more than twice its standard error" in t.words
