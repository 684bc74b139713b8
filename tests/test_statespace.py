"""ARIMA with drift and the local linear trend against statsmodels' own forecasts (an independent
reference: ``get_forecast`` extends the model inside statsmodels), plus the Fitted contract,
AICc selection, failures and warnings."""

from __future__ import annotations

import csv
import time
import warnings

import numpy as np
import pytest
from conftest import shared
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.statespace.structural import UnobservedComponents

import forecast.models.arima as arima
import forecast.models.statespace as ss
from forecast.errors import ModelError
from forecast.models.arima import ARIMA_ORDERS, ArimaDrift, fit_arima
from forecast.models.llt import LocalLinearTrend, fit_llt
from forecast.models.statespace import StateSpaceForecast

N_PATHS = 200_000
H = 6


def arima_series(n: int, seed: int, drift: float = 0.04, phi: float = 0.0, theta: float = 0.0,
                 sd: float = 0.1, start: float = 20.0) -> np.ndarray:
    """``n`` log levels whose differences are ARMA(1,1) around ``drift``."""
    rng = np.random.default_rng(seed)
    e = sd * rng.standard_normal(n + 50)
    u = np.zeros(n + 50)
    for t in range(1, n + 50):
        u[t] = phi * u[t - 1] + e[t] + theta * e[t - 1]
    return start + np.r_[0.0, np.cumsum(drift + u[51:])]


def llt_series(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    slope = 0.05 + np.cumsum(0.01 * rng.standard_normal(n))
    level = 15.0 + np.cumsum(slope + 0.03 * rng.standard_normal(n))
    return level + 0.05 * rng.standard_normal(n)


def m3_series(*ids: str) -> dict[str, np.ndarray]:
    """Log values of some M3 yearly training series (skips when the shared data are absent)."""
    path = shared("benchmarks", "m3-yearly", "m3_yearly_train.csv")
    out: dict[str, list[float]] = {i: [] for i in ids}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            if row["series_id"] in out:
                out[row["series_id"]].append(float(row["value"]))
    return {k: np.log(np.array(v)) for k, v in out.items()}


def reference(model: ArimaDrift | LocalLinearTrend, years: np.ndarray, logs: np.ndarray):
    """statsmodels' results for the fitted parameters, built from the public estimates only."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(model, ArimaDrift):
            params = [model.drift, *(x for x in (model.ar, model.ma) if x is not None), model.sigma ** 2]
            return ARIMA(logs, order=model.order, trend="t").filter(params)
        y = np.full(years[-1] - years[0] + 1, np.nan)
        y[years - years[0]] = logs
        return UnobservedComponents(y, "lltrend", use_exact_diffuse=True).filter(
            [model.irregular_sd ** 2, model.level_sd ** 2, model.slope_sd ** 2])


def assert_moments_match(sims: np.ndarray, res, h: int = H) -> None:
    """Per-horizon mean within 5 standard errors, variance within 2.5% (its sd is 0.3% here)."""
    fc = res.get_forecast(h)
    mean, var = np.asarray(fc.predicted_mean), np.asarray(fc.var_pred_mean)
    n = sims.shape[0]
    z = (sims.mean(axis=0) - mean) / np.sqrt(var / n)
    assert np.all(np.abs(z) < 5), z
    np.testing.assert_allclose(sims.var(axis=0, ddof=1), var, rtol=0.025)


# --------------------------------------------------------------------- the independent reference

@pytest.mark.parametrize("order", ARIMA_ORDERS)
def test_simulator_matches_statsmodels_forecast_for_each_arima_order(order):
    y = arima_series(25, seed=1, phi=0.4, theta=-0.3)
    p, _, q = order
    params = [0.03, *([0.6] * p), *([-0.5] * q), 0.02]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ARIMA(y, order=order, trend="t").filter(params)
    sim = StateSpaceForecast.from_results(res, obs_intercept_step=0.03)
    assert_moments_match(sim.simulate(H, N_PATHS, np.random.default_rng(11)), res)
    fc = res.get_forecast(H)
    mean, var = sim.forecast(H)
    np.testing.assert_allclose(mean, fc.predicted_mean, rtol=1e-10)
    np.testing.assert_allclose(var, fc.var_pred_mean, rtol=1e-8)


@pytest.mark.parametrize("seed, phi, theta, expected", [
    (2, 0.0, 0.0, (0, 1, 0)),
    (3, 0.7, 0.0, (1, 1, 0)),
    (4, 0.0, 0.8, (0, 1, 1)),
])
def test_fit_arima_simulation_matches_statsmodels(seed, phi, theta, expected):
    y = arima_series(40, seed=seed, phi=phi, theta=theta)
    years = np.arange(1980, 1980 + y.size)
    m = fit_arima(years, y)
    assert m.order == expected
    assert_moments_match(m.simulate(H, N_PATHS, np.random.default_rng(seed)), reference(m, years, y))


def test_fit_llt_simulation_matches_statsmodels():
    y = llt_series(25, seed=5)
    years = np.arange(2000, 2025)
    m = fit_llt(years, y)
    assert m.slope_sd > 0 and m.level_sd >= 0 and m.irregular_sd > 0
    assert_moments_match(m.simulate(H, N_PATHS, np.random.default_rng(5)), reference(m, years, y))


def test_fit_llt_with_missing_years_matches_statsmodels():
    y = llt_series(25, seed=6)
    keep = np.ones(25, bool)
    keep[[3, 11, 12, 20]] = False
    years = np.arange(2000, 2025)[keep]
    m = fit_llt(years, y[keep])
    assert (m.nobs, m.span) == (21, 25)
    ref = reference(m, years, y[keep])
    assert np.isnan(ref.model.endog[[3, 11, 12, 20], 0]).all()
    assert_moments_match(m.simulate(H, N_PATHS, np.random.default_rng(6)), ref)


def test_m3_series_match_statsmodels():
    for name, y in m3_series("N0001", "N0250", "N0600").items():
        years = np.arange(y.size)
        for fit in (fit_arima, fit_llt):
            m = fit(years, y)
            ref = reference(m, years, y)
            assert_moments_match(m.simulate(H, 100_000, np.random.default_rng(1)), ref)
            np.testing.assert_allclose(m.last_log + np.cumsum(m.mean_growth(H)),
                                       ref.get_forecast(H).predicted_mean, atol=1e-7, err_msg=name)


# -------------------------------------------------------------------------------------- contract

@pytest.fixture(scope="module", params=["arima", "llt"])
def fitted(request) -> tuple[ArimaDrift | LocalLinearTrend, np.ndarray, np.ndarray]:
    y = arima_series(20, seed=7, phi=0.3) if request.param == "arima" else llt_series(20, seed=7)
    years = np.arange(2004, 2024)
    fit = fit_arima if request.param == "arima" else fit_llt
    return fit(years, y), years, y


def test_simulate_contract(fitted):
    m, _, y = fitted
    assert m.name in {"arima", "llt"} and m.last_log == y[-1]
    a = m.simulate(H, 1000, np.random.default_rng(42))
    assert a.shape == (1000, H) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, m.simulate(H, 1000, np.random.default_rng(42)))
    assert not np.array_equal(a, m.simulate(H, 1000, np.random.default_rng(43)))
    assert m.simulate(1, 5, np.random.default_rng(0)).shape == (5, 1)
    assert m.simulate(0, 5, np.random.default_rng(0)).shape == (5, 0)


def test_simulation_is_anchored_at_the_last_observation(fitted):
    m, _, _ = fitted
    first = m.simulate(1, N_PATHS, np.random.default_rng(1))[:, 0]
    centre = m.last_log + m.mean_growth(1)[0]
    sd = first.std()
    assert 0 < sd < 1
    assert abs(np.median(first) - centre) < 5 * 1.2533 * sd / np.sqrt(N_PATHS)


def test_mean_growth_is_statsmodels_point_forecast(fitted):
    m, years, y = fitted
    for h in (1, 6, 30):
        g = m.mean_growth(h)
        assert g.shape == (h,)
        np.testing.assert_allclose(m.last_log + np.cumsum(g), reference(m, years, y).get_forecast(h)
                                   .predicted_mean, atol=1e-7)
    np.testing.assert_array_equal(m.mean_growth(30)[:6], m.mean_growth(6))


def test_describe_is_one_line(fitted):
    m, _, _ = fitted
    text = m.describe()
    assert "\n" not in text and "log levels" in text
    assert ("ARIMA(" in text) if m.name == "arima" else ("local linear trend" in text)


def test_random_walk_with_drift_is_closed_form():
    y = arima_series(30, seed=8)
    m = fit_arima(np.arange(30), y)
    assert m.order == (0, 1, 0) and m.ar is None and m.ma is None
    d = np.diff(y)
    assert m.drift == pytest.approx(d.mean(), rel=1e-12)
    assert m.sigma == pytest.approx(d.std(ddof=0), rel=1e-9)   # maximum likelihood: divisor n - 1 diffs
    np.testing.assert_allclose(m.mean_growth(5), d.mean(), rtol=1e-10)


def test_simulation_is_fast_enough(fitted):
    m, _, _ = fitted
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    m.simulate(H, 100_000, rng)
    assert time.perf_counter() - start < 1.0   # about 0.03 s; a loop over paths would take seconds


# --------------------------------------------------------------------------------- AICc selection

def test_aicc_selection_is_the_argmin_of_independent_statsmodels_fits():
    for seed, phi, theta in [(20, 0.5, 0.0), (21, 0.0, -0.5), (22, 0.5, 0.4), (23, 0.0, 0.0)]:
        y = arima_series(30, seed=seed, phi=phi, theta=theta)
        m = fit_arima(np.arange(y.size), y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            independent = np.array([ARIMA(y, order=o, trend="t").fit().aicc for o in ARIMA_ORDERS])
        mine = np.array([a for _, a in m.candidates])
        assert [o for o, _ in m.candidates] == list(ARIMA_ORDERS)
        np.testing.assert_allclose(mine, independent, atol=0.01)
        assert m.order == ARIMA_ORDERS[int(np.argmin(independent))]
        assert m.aicc == mine.min()


def test_aicc_prefers_the_random_walk_on_random_walks():
    picks = [fit_arima(np.arange(40), arima_series(40, seed=100 + s)).order for s in range(20)]
    assert sum(p == (0, 1, 0) for p in picks) > len(picks) / 2


def test_aicc_formula():
    assert arima.aicc(10.0, 3, 19) == pytest.approx(-20 + 6 + 24 / 15)
    assert arima.aicc(10.0, 3, 4) == np.inf


# -------------------------------------------------------------------------------------- failures

@pytest.mark.parametrize("fit, n, expected", [(fit_arima, 7, "at least 8"), (fit_llt, 5, "at least 6")])
def test_too_few_points(fit, n, expected):
    with pytest.raises(ModelError, match=expected) as info:
        fit(np.arange(2000, 2000 + n), arima_series(n, seed=1))
    assert info.value.problems[0].where == ("arima" if fit is fit_arima else "llt")


def test_arima_needs_consecutive_years_but_llt_does_not():
    years = np.r_[2000:2010, 2012:2022]
    y = arima_series(20, seed=9)
    with pytest.raises(ModelError, match="needs consecutive years.*after 2009"):
        fit_arima(years, y)
    m = fit_llt(years, y)
    assert m.span == 22 and m.nobs == 20
    assert np.isfinite(m.simulate(H, 100, np.random.default_rng(0))).all()


@pytest.mark.parametrize("years, logs, expected", [
    (np.arange(10), np.r_[np.arange(9.0), np.nan], "not finite"),
    (np.r_[0, 2, 1, *range(3, 10)], np.arange(10.0), "strictly increasing"),
    (np.arange(10), np.arange(9.0), "equal length"),
    (np.arange(10) + 0.5, np.arange(10.0), "whole numbers"),
    (np.arange(10), np.full(10, 4.0), "the same every year"),
    (np.arange(10), 2.0 + 0.1 * np.arange(10), "the same every year"),
])
def test_bad_input(years, logs, expected):
    for fit in (fit_arima, fit_llt):
        with pytest.raises(ModelError, match=expected):
            fit(years, logs)


def test_explosive_forecasts_are_refused():
    y = np.exp(0.5 * np.arange(12.0)) + 0.01 * np.random.default_rng(0).standard_normal(12)
    for fit in (fit_arima, fit_llt):
        with pytest.raises(ModelError, match="explosive point forecast"):
            fit(np.arange(12), y)


def test_non_converged_fits_are_not_used(monkeypatch):
    monkeypatch.setattr(ss, "LBFGS_MAXITER", 1)
    monkeypatch.setattr(ss, "NM_MAXITER", 1)
    y = arima_series(30, seed=3, phi=0.7)
    m = fit_arima(np.arange(30), y)      # (0,1,0) is closed-form; every other order fails to converge
    assert m.order == (0, 1, 0)
    assert [np.isnan(a) for _, a in m.candidates] == [False, True, True, True]
    assert "best of 1 orders" in m.describe()
    with pytest.raises(ModelError, match="did not converge"):
        fit_llt(np.arange(30), y)


# -------------------------------------------------------------------------------------- warnings

AWKWARD = {
    "constant-ish": 5.0 + 1e-4 * np.random.default_rng(1).standard_normal(12),
    "short": arima_series(7, seed=2),
    "spike": np.r_[np.full(6, 5.0), 8.0, np.full(5, 5.0)]
    + 0.01 * np.random.default_rng(3).standard_normal(12),
    "near-linear": 3.0 + 0.1 * np.arange(10) + 1e-5 * np.random.default_rng(4).standard_normal(10),
    "step": np.r_[np.full(8, 3.0), np.full(8, 5.0)] + 0.02 * np.random.default_rng(5).standard_normal(16),
    "volatile": arima_series(14, seed=6, sd=2.0),
}


@pytest.mark.parametrize("name", AWKWARD)
def test_no_warnings_escape(name):
    y = AWKWARD[name]
    outcomes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fit in (fit_arima, fit_llt):
            try:
                m = fit(np.arange(y.size), y)
                m.simulate(H, 100, np.random.default_rng(0))
                outcomes.append(m.describe())
            except ModelError as e:
                outcomes.append(str(e))
    assert [str(w.message) for w in caught] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fit in (fit_arima, fit_llt):
            try:
                fit(np.arange(y.size), y)
            except ModelError:
                pass
    assert len(outcomes) == 2
