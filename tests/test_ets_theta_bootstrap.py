"""ETS(A,Ad,N), Theta and block-bootstrap adapters: references, the Fitted contract, failures."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from conftest import shared

from forecast.errors import ModelError
from forecast.models.bootstrap import BlockBootstrap, fit_bootstrap
from forecast.models.ets import fit_ets
from forecast.models.theta import fit_theta

FITTERS: dict[str, Callable] = {"ets": fit_ets, "theta": fit_theta, "bootstrap": fit_bootstrap}


def aadn_series(seed: int, n: int = 30, alpha: float = 0.6, beta: float = 0.15, phi: float = 0.9,
                sigma: float = 0.08) -> np.ndarray:
    """Log levels simulated from ETS(A,Ad,N)."""
    rng = np.random.default_rng(seed)
    level, trend, out = 20.0, 0.06, []
    for _ in range(n):
        e = sigma * rng.standard_normal()
        out.append(level + phi * trend + e)
        level, trend = level + phi * trend + alpha * e, phi * trend + beta * e
    return np.array(out)


def ses_drift_series(seed: int, n: int = 30, alpha: float = 0.5, drift: float = 0.03,
                     sigma: float = 0.08) -> np.ndarray:
    """Log levels simulated from SES with drift (the Theta method's model)."""
    rng = np.random.default_rng(seed)
    level, out = 20.0, []
    for _ in range(n):
        e = sigma * rng.standard_normal()
        out.append(level + drift + e)
        level = level + drift + alpha * e
    return np.array(out)


def rw_series(seed: int, n: int = 20, drift: float = 0.05, sigma: float = 0.1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 20.0 + np.cumsum(drift + sigma * rng.standard_normal(n))


def years_for(logs: np.ndarray, start: int = 2000) -> np.ndarray:
    return np.arange(start, start + len(logs))


# --------------------------------------------------------------------------- ETS


def test_ets_simulation_matches_forecast_and_closed_form_variance() -> None:
    logs = aadn_series(5)
    model = fit_ets(years_for(logs), logs)
    a, b, phi, sigma = model.alpha, model.beta, model.phi, model.sigma
    # The reference is only informative if smoothing and damping are interior estimates.
    assert 0.2 < a < 0.9 and 0.05 < b < a and 0.8 < phi < 0.98, (a, b, phi)
    h, n = 6, 100_000
    paths = model.simulate(h, n, np.random.default_rng(11))
    point = np.asarray(model.results.forecast(h))

    j = np.arange(1, h)
    c = a + b * phi * (1 - phi ** j) / (1 - phi)
    var = sigma ** 2 * np.r_[1.0, 1.0 + np.cumsum(c ** 2)]  # Hyndman et al. (2008), class 1
    assert var[-1] > 3 * var[0]  # the horizons really differ

    se = np.sqrt(var / n)
    np.testing.assert_array_less(np.abs(paths.mean(axis=0) - point), 5 * se)
    np.testing.assert_allclose(paths.var(axis=0), var, rtol=0.03)
    np.testing.assert_allclose(model.last_log + np.cumsum(model.mean_growth(h)), point, rtol=0, atol=1e-12)


def test_ets_closed_form_equals_statsmodels_exact_prediction_variance() -> None:
    pd = pytest.importorskip("pandas")
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    logs = aadn_series(5)
    model = fit_ets(years_for(logs), logs)
    # get_prediction needs a pandas endog in statsmodels 0.15 (it fails on an ndarray).
    ref = ETSModel(pd.Series(logs), error="add", trend="add", damped_trend=True).fit(disp=False)
    np.testing.assert_allclose(np.asarray(ref.params), np.asarray(model.results.params), rtol=1e-8)
    h = 6
    exact = np.asarray(ref.get_prediction(start=len(logs), end=len(logs) + h - 1).var_pred_mean)
    j = np.arange(1, h)
    c = model.alpha + model.beta * model.phi * (1 - model.phi ** j) / (1 - model.phi)
    np.testing.assert_allclose(exact, model.sigma ** 2 * np.r_[1.0, 1.0 + np.cumsum(c ** 2)], rtol=1e-8)


def test_ets_describe_names_parameters() -> None:
    logs = aadn_series(5)
    model = fit_ets(years_for(logs), logs)
    text = model.describe()
    assert "\n" not in text
    for part in (f"alpha {model.alpha:.3f}", f"beta {model.beta:.3f}", f"phi {model.phi:.3f}",
                 f"sigma {model.sigma:.3f}"):
        assert part in text


def test_ets_convergence_warning_becomes_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    original = ETSModel.fit

    def fit_and_warn(self, *args, **kwargs):
        warnings.warn("Maximum Likelihood optimization failed to converge.", ConvergenceWarning,
                      stacklevel=2)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ETSModel, "fit", fit_and_warn)
    logs = aadn_series(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModelError, match="did not converge on 30 years"):
            fit_ets(years_for(logs), logs)


def test_ets_unconverged_fit_on_constant_series_is_model_error() -> None:
    logs = np.full(12, 20.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModelError, match="^ets: .*did not converge"):
            fit_ets(years_for(logs), logs)


# --------------------------------------------------------------------------- Theta


def test_theta_point_forecast_equals_statsmodels() -> None:
    from statsmodels.tsa.forecasting.theta import ThetaModel

    for logs in (ses_drift_series(4), rw_series(1), rw_series(2, n=5)):
        model = fit_theta(years_for(logs), logs)
        res = ThetaModel(logs, period=1, deseasonalize=False).fit()
        assert model.alpha == pytest.approx(float(res.params["alpha"]), rel=1e-12)
        assert model.b0 == pytest.approx(float(res.params["b0"]), rel=1e-12)
        point = res.forecast(8).to_numpy()
        np.testing.assert_allclose(model.point(8), point, rtol=0, atol=1e-12)
        levels = model.last_log + np.cumsum(model.mean_growth(8))
        np.testing.assert_allclose(levels, point, rtol=0, atol=1e-12)


def test_theta_simulation_mean_and_variance() -> None:
    logs = ses_drift_series(4)
    model = fit_theta(years_for(logs), logs)
    a = model.alpha
    assert 0.3 < a < 0.9, a  # alpha < 1, so alpha^2 differs from 1 and the horizons differ in variance
    h, n = 6, 100_000
    paths = model.simulate(h, n, np.random.default_rng(12))
    var = model.sigma ** 2 * (1 + np.arange(h) * a ** 2)
    np.testing.assert_allclose(model.forecast_variance(h), var, rtol=1e-12)
    np.testing.assert_array_less(np.abs(paths.mean(axis=0) - model.point(h)), 5 * np.sqrt(var / n))
    np.testing.assert_allclose(paths.var(axis=0), var, rtol=0.03)


def test_theta_variance_equals_ima11_state_space_variance() -> None:
    """Independent reference: SARIMAX(0,1,1) with MA coefficient alpha - 1 and the same sigma^2."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    logs = ses_drift_series(4)
    model = fit_theta(years_for(logs), logs)
    res = SARIMAX(logs, order=(0, 1, 1), trend="n").filter(np.array([model.alpha - 1, model.sigma ** 2]))
    np.testing.assert_allclose(model.forecast_variance(6), res.get_forecast(6).var_pred_mean, rtol=1e-6)


def test_theta_variance_equals_statsmodels_intervals_when_alpha_is_one() -> None:
    """statsmodels' interval variance s2 [1 + (h-1)(1 + (alpha-1)^2)] is right only at alpha = 1."""
    from scipy.stats import norm
    from statsmodels.tsa.forecasting.theta import ThetaModel

    logs = rw_series(1)
    res = ThetaModel(logs, period=1, deseasonalize=False).fit()
    model = fit_theta(years_for(logs), logs)
    assert model.alpha > 0.999
    h = 6
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sigma2 is fitted lazily by a SARIMAX
        pi = res.prediction_intervals(h, alpha=0.2)
    implied = ((pi["upper"] - pi["lower"]).to_numpy() / (2 * norm.ppf(0.9))) ** 2
    ours = model.forecast_variance(h)
    np.testing.assert_allclose(ours / ours[0], implied / implied[0], rtol=1e-3)


def test_theta_sigma_from_one_step_errors_of_statsmodels_ses() -> None:
    """sigma^2 = sum of squared one-step Theta errors / (T - 3), SES levels taken from statsmodels."""
    from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing

    logs = ses_drift_series(4)
    t = len(logs)
    model = fit_theta(years_for(logs), logs)
    ses = ExponentialSmoothing(logs, initial_level=logs[0], initialization_method="known")
    fitted = np.asarray(ses.filter(np.array([model.alpha])).fittedvalues)  # level after t-1 years
    a = model.alpha
    seen = np.arange(1, t)
    u = logs[1:] - (fitted[1:] + 0.5 * model.b0 * (1 - (1 - a) ** seen) / a)
    assert model.sigma == pytest.approx(np.sqrt(u @ u / (t - 3)), rel=1e-9)


def test_theta_describe_names_parameters() -> None:
    logs = ses_drift_series(4)
    model = fit_theta(years_for(logs), logs)
    text = model.describe()
    assert "\n" not in text
    assert f"alpha {model.alpha:.3f}" in text and f"sigma {model.sigma:.3f}" in text
    assert f"{np.expm1(model.b0 / 2):+.1%}/yr" in text


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_block_one_moments() -> None:
    d = np.random.default_rng(3).normal(0.04, 0.1, 15)
    model = BlockBootstrap(last_log=10.0, growth=d, block=1)
    h, n = 5, 200_000
    total = model.simulate(h, n, np.random.default_rng(13))[:, -1] - model.last_log
    var = h * d.var()
    assert abs(total.mean() - h * d.mean()) < 5 * np.sqrt(var / n)
    assert total.var() == pytest.approx(var, rel=0.03)


def test_bootstrap_blocks_moments_match_circular_block_formula() -> None:
    """With b = 2 and h = 5 the growth is two independent circular 2-blocks plus one value."""
    logs = rw_series(4, n=9)  # 8 growth values -> block length round(8 ** (1/3)) = 2
    model = fit_bootstrap(years_for(logs), logs)
    d = np.diff(logs)
    assert model.block == 2
    pair = d + np.roll(d, -1)  # every circular block sum of length 2
    h, n = 5, 200_000
    total = model.simulate(h, n, np.random.default_rng(14))[:, -1] - model.last_log
    var = 2 * pair.var() + d.var()
    assert abs(total.mean() - h * d.mean()) < 5 * np.sqrt(var / n)
    assert total.var() == pytest.approx(var, rel=0.03)
    np.testing.assert_array_equal(model.mean_growth(h), np.full(h, d.mean()))


def test_bootstrap_increments_are_historical_growth_values_exactly() -> None:
    # Multiples of 1/64 keep every sum exact in binary floating point, so increments can be compared exactly.
    rng = np.random.default_rng(5)
    logs = 8.0 + np.r_[0.0, np.cumsum(rng.integers(-8, 12, 11))] / 64.0
    model = fit_bootstrap(years_for(logs), logs)
    paths = model.simulate(7, 5000, np.random.default_rng(15))
    steps = np.diff(paths, axis=1, prepend=model.last_log)
    assert np.isin(steps, np.diff(logs)).all()
    assert len(np.unique(steps)) == len(np.unique(np.diff(logs)))  # all of them are used


def test_bootstrap_increments_follow_blocks_on_a_real_looking_series() -> None:
    logs = rw_series(6, n=28)  # 27 growth values -> block length 3
    model = fit_bootstrap(years_for(logs), logs)
    assert model.block == 3
    d = np.diff(logs)
    steps = np.diff(model.simulate(6, 2000, np.random.default_rng(16)), axis=1, prepend=model.last_log)
    idx = np.abs(steps[..., None] - d).argmin(axis=-1)  # which growth value each step is
    np.testing.assert_allclose(steps, d[idx], rtol=0, atol=1e-12)
    # Within a block the index advances by one (circularly): years 1-3 and 4-6 are blocks.
    for first in (0, 3):
        np.testing.assert_array_equal(idx[:, first + 1], (idx[:, first] + 1) % len(d))
        np.testing.assert_array_equal(idx[:, first + 2], (idx[:, first] + 2) % len(d))


def test_bootstrap_drops_intervals_across_gaps() -> None:
    logs = rw_series(7, n=10)
    years = years_for(logs)
    years[5:] += 3  # a gap of three missing years between positions 4 and 5
    logs[5:] += 1.0  # a jump no one-year growth value has
    model = fit_bootstrap(years, logs)
    d = np.delete(np.diff(logs), 4)
    np.testing.assert_array_equal(np.sort(model.growth), np.sort(d))
    steps = np.diff(model.simulate(4, 3000, np.random.default_rng(17)), axis=1, prepend=model.last_log)
    assert np.abs(steps).max() < 0.9


def test_bootstrap_describe_names_block_and_growth() -> None:
    logs = rw_series(6, n=28)
    text = fit_bootstrap(years_for(logs), logs).describe()
    assert "\n" not in text and "27 historical" in text and "block length 3" in text


# --------------------------------------------------------------------------- the Fitted contract


@pytest.fixture(params=sorted(FITTERS))
def fitted(request: pytest.FixtureRequest):
    logs = rw_series(21, n=20)
    return FITTERS[request.param](years_for(logs), logs)


def test_contract_shape_finite_and_name(fitted) -> None:
    assert fitted.name in FITTERS
    for h, n in ((6, 500), (1, 1), (3, 1), (1, 40)):
        paths = fitted.simulate(h, n, np.random.default_rng(0))
        assert paths.shape == (n, h) and paths.dtype == np.float64
        assert np.isfinite(paths).all()
        growth = fitted.mean_growth(h)
        assert growth.shape == (h,) and np.isfinite(growth).all()
    assert isinstance(fitted.describe(), str) and "\n" not in fitted.describe()


def test_contract_seeded_reproducible_and_only_from_the_generator(fitted) -> None:
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a = fitted.simulate(6, 1000, np.random.default_rng(42))
    b = fitted.simulate(6, 1000, np.random.default_rng(42))
    c = fitted.simulate(6, 1000, np.random.default_rng(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # the global RNG is untouched


def test_contract_anchored_at_last_observation(fitted) -> None:
    one = fitted.simulate(1, 20_000, np.random.default_rng(5))[:, 0]
    centre = fitted.last_log + fitted.mean_growth(1)[0]
    assert fitted.last_log == pytest.approx(rw_series(21, n=20)[-1], abs=0)
    # The bootstrap's one-year distribution is the discrete, possibly skewed, set of past growth values,
    # so its median is only roughly its mean; the normal models' median is the point forecast.
    assert abs(np.median(one) - centre) < (0.5 if fitted.name == "bootstrap" else 0.05) * one.std()
    assert abs(one.mean() - centre) < 0.05 * one.std()


def test_contract_later_years_build_on_earlier_ones(fitted) -> None:
    paths = fitted.simulate(6, 20_000, np.random.default_rng(6))
    assert np.all(np.diff(paths.var(axis=0)) > 0)  # uncertainty grows with the horizon
    point = fitted.last_log + np.cumsum(fitted.mean_growth(6))
    np.testing.assert_allclose(paths.mean(axis=0), point, atol=0.05 * paths[:, -1].std())


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize(("key", "n", "message"), [
    ("ets", 5, "ets: at least 6 consecutive annual observations needed (got 5)"),
    ("theta", 4, "theta: at least 5 consecutive annual observations needed (got 4)"),
    ("bootstrap", 5, "bootstrap: at least 5 one-year growth values (pairs of consecutive years) needed "
                     "(got 4 from 5 observations)"),
])
def test_too_few_points(key: str, n: int, message: str) -> None:
    logs = rw_series(8, n=n)
    with pytest.raises(ModelError) as info:
        FITTERS[key](years_for(logs), logs)
    assert str(info.value) == message
    longer = rw_series(8, n=n + 1)  # the minimum itself fits
    FITTERS[key](years_for(longer), longer)


def test_bootstrap_counts_only_one_year_intervals() -> None:
    logs = rw_series(9, n=8)
    years = np.array([2000, 2001, 2002, 2004, 2005, 2007, 2008, 2010])  # 4 one-year intervals
    with pytest.raises(ModelError, match=r"got 4 from 8 observations"):
        fit_bootstrap(years, logs)


@pytest.mark.parametrize("key", ["ets", "theta"])
def test_gaps_are_refused(key: str) -> None:
    logs = rw_series(10, n=12)
    years = years_for(logs)
    years[7:] += 2
    expected = rf"^{key}: needs consecutive years \(no value between 2006 and 2009; 1 gap\(s\) in total\)$"
    with pytest.raises(ModelError, match=expected):
        FITTERS[key](years, logs)


@pytest.mark.parametrize("key", sorted(FITTERS))
def test_bad_input_is_model_error(key: str) -> None:
    logs = rw_series(11, n=12)
    years = years_for(logs)
    bad = logs.copy()
    bad[3] = np.nan
    with pytest.raises(ModelError, match="log levels must be finite"):
        FITTERS[key](years, bad)
    with pytest.raises(ModelError, match="strictly ascending"):
        FITTERS[key](years[::-1], logs)
    with pytest.raises(ModelError, match="equal length"):
        FITTERS[key](years[:-1], logs)


@pytest.mark.parametrize("key", sorted(FITTERS))
def test_explosive_forecast_is_model_error(key: str) -> None:
    logs = 12.0 * np.arange(10) + 0.01 * np.random.default_rng(12).standard_normal(10)
    with pytest.raises(ModelError, match=rf"^{key}: explosive point forecast: annual log growth \+"):
        FITTERS[key](years_for(logs), logs)


def _awkward() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(13)
    spike = np.full(12, 20.0) + 0.01 * rng.standard_normal(12)
    spike[6] += 5.0
    return {
        "constant": np.full(12, 20.0),
        "nearly constant": 20.0 + 1e-9 * rng.standard_normal(12),
        "exact line": 20.0 + 0.05 * np.arange(12),
        "spike": spike,
        "zigzag": 20.0 + 0.3 * (-1.0) ** np.arange(12),
        "crash": np.r_[20.0 + 0.05 * np.arange(10), 14.0, 9.0],
        "length 5": rw_series(14, n=5),
        "length 6": rw_series(14, n=6),
        "length 6 nearly constant": 20.0 + 1e-12 * np.arange(6),
    }


@pytest.mark.parametrize("key", sorted(FITTERS))
@pytest.mark.parametrize("case", sorted(_awkward()))
def test_no_warnings_escape_on_awkward_series(key: str, case: str) -> None:
    logs = _awkward()[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            model = FITTERS[key](years_for(logs), logs)
        except ModelError as exc:
            assert str(exc).startswith(f"{key}: ")
            return
        paths = model.simulate(6, 2000, np.random.default_rng(0))
        growth = model.mean_growth(6)
        model.describe()
    assert np.isfinite(paths).all() and np.isfinite(growth).all()
    assert np.abs(growth).max() <= 5


# --------------------------------------------------------------------------- M3 yearly


def test_m3_yearly_series_fit_without_warnings() -> None:
    import csv

    path = shared("benchmarks", "m3-yearly", "m3_yearly_train.csv")
    series: dict[str, list[tuple[int, float]]] = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            series.setdefault(row["series_id"], []).append((int(row["year"]), float(row["value"])))
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for sid in sorted(series)[::20]:  # 33 series of all categories
            years, values = map(np.array, zip(*series[sid]))
            logs = np.log(values)
            for key, fit in FITTERS.items():
                try:
                    model = fit(years, logs)
                except ModelError:
                    failures.append((sid, key))
                    continue
                paths = model.simulate(6, 500, np.random.default_rng(0))
                assert np.isfinite(paths).all(), (sid, key)
                centre = logs[-1] + model.mean_growth(1)[0]
                assert abs(np.median(paths[:, 0]) - centre) < 3 * paths[:, 0].std()
    assert len(failures) <= 2, failures
