"""One contract for every model adapter and for ``auto``: shape, finite values, seed
reproducibility, anchoring at the last observation, and failures reported, not used."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from forecast.errors import ModelError
from forecast.models import MEMBERS, fit_member
from forecast.models.calibration import table
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


@pytest.mark.parametrize("name", [m for m in MEMBERS if m != "pooled"])
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


def test_auto_is_the_pooled_model_and_reports_the_models_that_fail() -> None:
    # Four years: too few for most models; auto (pooled) answers, the others say why not.
    built = build("auto", YEARS[-4:], LOGS[-4:], every=True)
    failed = dict(built.failures)
    assert set(built.members) | set(failed) == set(MEMBERS)
    assert set(built.members).isdisjoint(failed) and all(failed.values())
    assert built.used == ("pooled",) and built.model.name == "pooled"
    assert {"theta", "ets", "arima", "llt", "bootstrap"} <= set(failed)


def test_auto_uses_theta_for_a_series_the_pool_does_not_describe() -> None:
    # M3-like: years 1..30 and values in the thousands are not trade in US$ by calendar year.
    t = np.arange(1, 31)
    logs = np.log(4000.0) + 0.05 * np.arange(30)
    built = build("auto", t, logs, every=True)
    assert built.used == ("theta",)
    assert "calendar year" in built.outside_pool and "pooled" not in dict(built.failures)
    assert "pooled" not in built.members
    # too short for Theta: the random walk with drift
    assert build("auto", t[-4:], logs[-4:]).used == ("rw-drift",)
    # trade-sized values in calendar years: the pool
    assert build("auto", YEARS, LOGS).used == ("pooled",)


def test_auto_says_why_when_nothing_it_may_use_fits() -> None:
    with pytest.raises(ModelError) as e:
        build("auto", np.array([1900, 1901]), np.log([1e9, 1.1e9]))
    message = e.value.problems[0].message
    assert "pooled" in message and "theta" in message and "rw-drift" in message, message


def test_auto_fits_every_model_for_per_model_answers() -> None:
    built = build("auto", YEARS, LOGS, every=True)
    assert built.model is built.members["pooled"]
    assert set(built.members) == set(MEMBERS)


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


def test_the_shipped_calibration_table_is_complete_and_sane() -> None:
    t = table()
    assert set(t["factors"]) == set(MEMBERS) - {"pooled"}  # the pooled model has its own tails
    for name, ks in t["factors"].items():
        assert len(ks) == 8 and all(0.5 <= k <= 4.0 for k in ks), name
    # The evidence the factors rest on is shipped with them.
    assert t["evidence"]["theta"]["by_horizon"]["1"]["n"] > 1000


@pytest.mark.parametrize("name", MEMBERS)
def test_a_scenario_chooses_its_model_by_name(cli, tmp_path, name: str) -> None:
    import json

    from conftest import scenario, write

    history = "history: {" + ", ".join(f"{y}: {np.exp(v):.6g}" for y, v in zip(YEARS, LOGS)) + "}\n"
    write(tmp_path, "s.yaml", scenario(history=history, target="target: {value: 3.0e9, year: 2026}\n",
                                       extra=f"model: {name}\nsimulation: {{paths: 2000}}\n"))
    r = cli("run", "s.yaml", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["model"]["name"] == name and list(d["probability_by_model"]) == [name]


def test_a_model_that_cannot_fit_the_history_is_a_one_line_error(cli, tmp_path) -> None:
    from conftest import MINIMAL, write

    write(tmp_path, "s.yaml", MINIMAL + "model: arima\n")  # five years; ARIMA needs eight
    r = cli("run", "s.yaml")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip().startswith("s.yaml: model: ") and "at least 8" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
