"""Forecast metrics: M3 yearly reference anchors, CRPS identities, hand-computed cases."""

from __future__ import annotations

import json
from itertools import product

import numpy as np
import pandas as pd
import pytest
from conftest import shared
from scipy.stats import norm

from forecast.analysis.metrics import (
    brier,
    coverage,
    crps_normal,
    crps_sample,
    mase,
    msis,
    naive_scale,
    reliability,
    smape,
)

# ---------------------------------------------------------------- M3 yearly anchors


@pytest.fixture(scope="module")
def m3() -> dict[str, np.ndarray]:
    """The M3 yearly benchmark as arrays: test values (645, 6), training frame pieces per series."""
    folder = ("benchmarks", "m3-yearly")
    train = pd.read_csv(shared(*folder, "m3_yearly_train.csv")).sort_values(["series_id", "t"])
    test = pd.read_csv(shared(*folder, "m3_yearly_test.csv")).sort_values(["series_id", "t"])
    test["h"] = test.groupby("series_id").cumcount() + 1
    y = test.pivot(index="series_id", columns="h", values="value")
    by = train.groupby("series_id").value
    assert list(by.last().index) == list(y.index)
    # Naive in-sample one-step residuals are the first differences.
    diffs = train.groupby("series_id").value.diff()
    return {
        "y": y.to_numpy(),
        "last": by.last().to_numpy()[:, None],
        "scale": by.apply(lambda v: naive_scale(v.to_numpy())).to_numpy()[:, None],
        "rms": np.sqrt(diffs.pow(2).groupby(train.series_id).mean()).to_numpy()[:, None],
        "sd1": np.sqrt(diffs.pow(2).groupby(train.series_id).sum()
                       / (diffs.groupby(train.series_id).count() - 1)).to_numpy()[:, None],
    }


def test_naive_accuracy_matches_m3_reference(m3: dict[str, np.ndarray]) -> None:
    """README sanity anchor: naive (last value) forecast, sMAPE 17.880 and MASE 3.172."""
    assert m3["y"].shape == (645, 6)
    assert round(smape(m3["y"], m3["last"]), 3) == 17.880
    assert round(mase(m3["y"], m3["last"], m3["scale"]), 3) == 3.172


def naive_intervals(m3: dict[str, np.ndarray], sigma: np.ndarray,
                    level: float) -> tuple[np.ndarray, np.ndarray]:
    """y_T -/+ z sigma sqrt(h), the random-walk interval."""
    half = norm.ppf(0.5 + level / 2) * sigma * np.sqrt(np.arange(1, 7))
    return m3["last"] - half, m3["last"] + half


def interval_scores(m3: dict[str, np.ndarray], sigma: np.ndarray) -> tuple[float, float, float]:
    lo80, hi80 = naive_intervals(m3, sigma, 0.80)
    lo95, hi95 = naive_intervals(m3, sigma, 0.95)
    return (round(coverage(m3["y"], lo80, hi80), 3), round(coverage(m3["y"], lo95, hi95), 3),
            round(msis(m3["y"], lo95, hi95, m3["scale"], alpha=0.05), 3))


def test_naive_intervals_match_statsforecast_reference(m3: dict[str, np.ndarray]) -> None:
    """reference_scores_statsforecast_repro.csv, Naive row: cov80 0.624, cov95 0.785, MSIS95 39.976.

    statsforecast's Naive uses sigma = sqrt(mean of the squared one-step residuals); the
    n-1 convention gives different numbers, so the anchor pins the convention as well.
    """
    assert interval_scores(m3, m3["rms"]) == (0.624, 0.785, 39.976)
    assert interval_scores(m3, m3["sd1"]) != (0.624, 0.785, 39.976)


def test_naive_one_step_calibration_matches_statsforecast_reference(m3: dict[str, np.ndarray]) -> None:
    """reference_h1_calibration_statsforecast_repro.csv, Naive h=1: cov80 0.738, cov95 0.893,
    Brier 0.229 for P(Y[T+1] > 1.05 Y[T]), mean p 0.233, observed rate 0.361."""
    y1, last, sigma = m3["y"][:, :1], m3["last"], m3["rms"]
    assert round(coverage(y1, *(last + s * norm.ppf(0.9) * sigma for s in (-1, 1))), 3) == 0.738
    assert round(coverage(y1, *(last + s * norm.ppf(0.975) * sigma for s in (-1, 1))), 3) == 0.893
    p = norm.sf(0.05 * last / sigma)
    event = y1 > 1.05 * last
    assert (round(brier(p, event), 3), round(p.mean(), 3), round(event.mean(), 3)) == (0.229, 0.233, 0.361)


# ---------------------------------------------------------------- CRPS


@pytest.mark.parametrize("y", [-2.5, -0.3, 0.0, 1.0, 4.0])
def test_crps_sample_converges_to_normal_closed_form(y: float) -> None:
    """200k draws of N(1, 2^2), compared at several y.

    To first order the estimator's error is the mean of f(X_i) = |X_i - y| - E|X_i - X'|, and
    f'(x) = sign(x - y) - (2 F(x) - 1) gives E f'(X)^2 = 4/3 [(1 - F(y))^3 + F(y)^3] <= 4/3. By the Gaussian
    Poincare inequality Var f(X) <= sigma^2 E f'(X)^2, so the standard error is at most
    2 sigma / sqrt(3 n) ~ 0.0052; the V-statistic bias, sigma / (sqrt(pi) n), is negligible.
    Allow 4 standard errors.
    """
    n, mu, sigma = 200_000, 1.0, 2.0
    draws = np.random.default_rng(20240611).normal(mu, sigma, n)
    tolerance = 4 * 2 * sigma / np.sqrt(3 * n)
    assert abs(crps_sample(y, draws) - crps_normal(y, mu, sigma)) < tolerance


def test_crps_sample_broadcasts_one_sample_over_many_actuals() -> None:
    draws = np.random.default_rng(7).normal(size=1000)
    ys = np.array([-1.0, 0.0, 2.0])
    together = crps_sample(ys, draws)
    assert together.shape == (3,)
    np.testing.assert_allclose(together, [crps_sample(v, draws) for v in ys], rtol=0, atol=1e-14)


def test_crps_sample_equals_naive_double_sum() -> None:
    rng = np.random.default_rng(3)
    samples = rng.gamma(2.0, 3.0, size=(4, 9))
    ys = rng.normal(6.0, 4.0, size=4)
    expected = np.empty(4)
    for k in range(4):
        x, n = samples[k], samples.shape[1]
        first = sum(abs(xi - ys[k]) for xi in x) / n
        second = sum(abs(xi - xj) for xi, xj in product(x, x)) / n**2
        expected[k] = first - 0.5 * second
    np.testing.assert_allclose(crps_sample(ys, samples), expected, rtol=0, atol=1e-12)


def test_crps_of_point_mass_is_absolute_error() -> None:
    x = np.array([[1.5], [-2.0], [0.0]])
    ys = np.array([4.0, -2.5, 0.0])
    np.testing.assert_allclose(crps_sample(ys, np.repeat(x, 5, axis=1)), np.abs(x[:, 0] - ys), atol=1e-15)
    np.testing.assert_allclose(crps_sample(ys, x), np.abs(x[:, 0] - ys), atol=1e-15)


def test_crps_normal_known_values() -> None:
    # At z = 0: sigma (2 phi(0) - 1/sqrt(pi)) = sigma (sqrt(2) - 1) / sqrt(pi).
    assert crps_normal(3.0, 3.0, 2.0) == pytest.approx(2 * (np.sqrt(2) - 1) / np.sqrt(np.pi), abs=1e-15)
    # Far from the mean the CRPS tends to |y - mu| - sigma / sqrt(pi).
    assert crps_normal(50.0, 0.0, 1.0) == pytest.approx(50 - 1 / np.sqrt(np.pi), abs=1e-12)


# ---------------------------------------------------------------- hand-computed cases


def test_smape_hand_case() -> None:
    # 200*10/210 = 200/21 and 200*20/380 = 200/19; mean 4000/399.
    assert smape([100.0, 200.0], [110.0, 180.0]) == pytest.approx(4000 / 399, rel=1e-14)
    assert smape([-5.0, 5.0], [5.0, 5.0]) == pytest.approx(100.0)


def test_mase_and_naive_scale_hand_case() -> None:
    assert naive_scale(np.array([1.0, 3.0, 2.0, 6.0])) == pytest.approx(7 / 3)
    y, f = np.array([[3.0, 5.0], [10.0, 10.0]]), np.array([[2.0, 2.0], [12.0, 10.0]])
    # Scaled errors [1, 3] and [1, 0]: mean 5/4.
    assert mase(y, f, np.array([[1.0], [2.0]])) == pytest.approx(1.25)


def test_coverage_includes_bounds() -> None:
    assert coverage([1.0, 2.0, 3.0, 4.0], 1.0, 3.0) == pytest.approx(0.75)
    assert coverage([0.999, 3.001], 1.0, 3.0) == 0.0


def test_msis_hand_case() -> None:
    # alpha 0.1: 2/alpha = 20. Width 8 each; inside, 2 below (penalty 40), 2 above (40); scale 2.
    assert msis([5.0, 0.0, 12.0], 2.0, 10.0, 2.0, alpha=0.1) == pytest.approx((8 + 48 + 48) / 3 / 2)
    assert msis([5.0], 2.0, 10.0, 2.0) == pytest.approx(4.0)


def test_brier_hand_case() -> None:
    assert brier([0.9, 0.2, 0.5], [True, False, True]) == pytest.approx((0.01 + 0.04 + 0.25) / 3)
    assert brier([1.0, 0.0], [1, 0]) == 0.0


def test_reliability_hand_case_is_json_ready() -> None:
    # Bins are [lo, hi) except the last, which holds 1.0: 0.5 goes to [0.5, 0.6].
    rows = reliability([0.0, 0.05, 0.15, 0.15, 0.5, 1.0, 0.95], [0, 0, 1, 0, 1, 1, 1], bins=10)
    assert json.loads(json.dumps(rows)) == rows
    assert [r["count"] for r in rows] == [2, 2, 1, 2]
    edges = [[0, 0.1], [0.1, 0.2], [0.5, 0.6], [0.9, 1]]
    assert [r["bin"] for r in rows] == [pytest.approx(b) for b in edges]
    assert [r["mean_predicted"] for r in rows] == pytest.approx([0.025, 0.15, 0.5, 0.975])
    assert [r["observed"] for r in rows] == pytest.approx([0.0, 0.5, 1.0, 1.0])
    assert all(type(r["count"]) is int and type(r["observed"]) is float for r in rows)


def test_reliability_of_calibrated_probabilities() -> None:
    """Outcomes ~ Bernoulli(p): each bin's observed rate is within 4 binomial standard errors."""
    rng = np.random.default_rng(11)
    p = rng.uniform(size=100_000)
    outcome = rng.uniform(size=p.size) < p
    rows = reliability(p, outcome, bins=10)
    assert len(rows) == 10
    assert sum(r["count"] for r in rows) == p.size
    for r in rows:
        assert r["bin"][0] <= r["mean_predicted"] <= r["bin"][1]
        se = np.sqrt(r["mean_predicted"] * (1 - r["mean_predicted"]) / r["count"])
        assert abs(r["observed"] - r["mean_predicted"]) < 4 * se, r
    # The same check rejects a miscalibrated forecaster (p squared) in some bin.
    worst = max(abs(r["observed"] - r["mean_predicted"])
                / np.sqrt(r["mean_predicted"] * (1 - r["mean_predicted"]) / r["count"])
                for r in reliability(p**2, outcome, bins=10))
    assert worst > 4


# ---------------------------------------------------------------- input validation


@pytest.mark.parametrize("call", [
    lambda: smape([], []),
    lambda: coverage(np.empty((0, 3)), 0.0, 1.0),
    lambda: crps_sample(1.0, np.empty(0)),
    lambda: brier([], []),
    lambda: reliability([], []),
])
def test_empty_input_raises(call) -> None:
    with pytest.raises(ValueError, match="empty"):
        call()


def test_shapes_must_broadcast() -> None:
    with pytest.raises(ValueError, match="broadcast"):
        smape(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="broadcast"):
        crps_sample(np.ones(3), np.ones((4, 10)))


def test_bad_values_raise() -> None:
    with pytest.raises(ValueError, match="scale"):
        mase([1.0], [2.0], 0.0)
    with pytest.raises(ValueError, match="2 values"):
        naive_scale(np.array([1.0]))
    with pytest.raises(ValueError, match="outcomes"):
        brier([0.5], [2])
    with pytest.raises(ValueError, match="probabilities"):
        reliability([1.5], [1])


def test_weighted_crps_reduces_to_the_sample_crps_and_to_duplicated_draws() -> None:
    from forecast.analysis.metrics import crps_sample, crps_weighted

    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    assert crps_weighted(0.3, x, np.ones(200)) == pytest.approx(float(crps_sample(0.3, x)))
    k = rng.integers(1, 4, size=200)  # integer weights = each draw repeated k times
    assert crps_weighted(-0.5, x, k) == pytest.approx(float(crps_sample(-0.5, np.repeat(x, k))))
