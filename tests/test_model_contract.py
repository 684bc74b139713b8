"""One contract for every model adapter and for ``auto``: shape, finite values, seed
reproducibility, anchoring at the last observation, and failures reported, not used."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from forecast.calibration import table
from forecast.errors import ModelError
from forecast.models import MEMBERS, fit_member
from forecast.models.combination import build

YEARS = np.arange(1996, 2024)
rng0 = np.random.default_rng(7)
#: A trade-like series: 6% a year with 12% shocks and a slump.
LOGS = np.log(1e9) + np.cumsum(np.r_[0.0, 0.06 + 0.12 * rng0.standard_normal(len(YEARS) - 1)])
LOGS[12:14] -= 0.3

NAMES = [*MEMBERS, "auto"]


def fitted(name: str, calibrate: bool = True):
    if name == "auto":
        return build("auto", YEARS, LOGS, calibrate=calibrate).model
    return build(name, YEARS, LOGS, calibrate=calibrate).model


@pytest.mark.parametrize("name", NAMES)
def test_shape_finite_and_seeded(name: str) -> None:
    m = fitted(name)
    a = m.simulate(5, 2000, np.random.default_rng(1))
    b = m.simulate(5, 2000, np.random.default_rng(1))
    c = m.simulate(5, 2000, np.random.default_rng(2))
    assert a.shape == (2000, 5)
    assert np.all(np.isfinite(a))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", NAMES)
def test_anchored_at_the_last_observation(name: str) -> None:
    m = fitted(name)
    assert m.last_log == pytest.approx(LOGS[-1])
    x = m.simulate(3, 20_000, np.random.default_rng(3))
    g = m.mean_growth(3)
    assert g.shape == (3,) and np.all(np.isfinite(g))
    # The one-year-ahead distribution sits around last + point-forecast growth, not elsewhere.
    q25, q50, q75 = np.quantile(x[:, 0], [0.25, 0.5, 0.75])
    assert abs(q50 - (LOGS[-1] + g[0])) < 0.5 * (q75 - q25)
    # Spread grows with the horizon (uncertainty accumulates).
    assert np.std(x[:, 2]) > np.std(x[:, 0])


@pytest.mark.parametrize("name", MEMBERS)
def test_calibration_widens_around_the_point_forecast(name: str) -> None:
    raw, cal = fitted(name, calibrate=False), fitted(name)
    k = cal.factor(4)
    x, y = raw.simulate(4, 5000, np.random.default_rng(4)), cal.simulate(4, 5000, np.random.default_rng(4))
    center = LOGS[-1] + np.cumsum(raw.mean_growth(4))
    assert np.allclose(y - center, k * (x - center))


@pytest.mark.parametrize("name", ["ets", "arima", "theta", "llt", "bootstrap"])
def test_too_short_a_series_is_a_model_error(name: str) -> None:
    with pytest.raises(ModelError) as e:
        fit_member(name, YEARS[:3], LOGS[:3])
    assert e.value.problems[0].where == name


def test_auto_reports_models_that_fail_and_falls_back() -> None:
    # Four years: too few for every model but the random walk; auto says so and uses it alone.
    built = build("auto", YEARS[-4:], LOGS[-4:], every=True)
    failed = dict(built.failures)
    assert set(built.members) | set(failed) == set(MEMBERS)
    assert set(built.members).isdisjoint(failed) and all(failed.values())
    assert set(table()["auto"]["weights"]) <= set(failed)
    assert built.used == ("rw-drift",) and built.model.name == "rw-drift"


def test_auto_uses_exactly_its_weighted_members_when_they_fit() -> None:
    built = build("auto", YEARS, LOGS, every=True)
    assert set(built.used) == set(table()["auto"]["weights"])
    assert set(built.members) == set(MEMBERS)  # every single model, for per-model answers


def test_no_model_warning_reaches_the_user() -> None:
    awkward = [np.log(np.r_[np.full(10, 5.0), 5.0001]),
               np.log(np.r_[np.linspace(1, 2, 10), 40.0, 2.1])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for logs in awkward:
            for name in MEMBERS:
                try:
                    fit_member(name, np.arange(2000, 2000 + len(logs)), logs)
                except ModelError:
                    pass
