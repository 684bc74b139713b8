"""Variance-reduced estimators of P(target) against the closed form: unbiased, with honest
standard errors, and the gains they claim (benchmarks/estimators.py, research code that
serves the benchmarks; the engine's variance reduction is antithetic pairs)."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from conftest import ROOT
from scipy import stats
from scipy.optimize import brentq

from forecast.errors import ModelError

sys.path.insert(0, str(ROOT / "benchmarks"))
from estimators import METHODS, Component, estimate, exact, mean_shift, predictive_of  # noqa: E402

T8 = (Component(1.0, 8.0, 0.08, 0.2),)
NORMAL = (Component(1.0, math.inf, 0.05, 0.15),)
MIX = (Component(0.5, 12.0, 0.06, 0.18), Component(0.5, math.inf, 0.03, 0.12))


def boundary(comps: tuple[Component, ...], p: float) -> float:
    return brentq(lambda b: exact(comps, b) - p, -20.0, 1e6)


def test_exact_is_the_scipy_tail() -> None:
    b = 0.4
    want = 0.5 * stats.t.sf(b, 12.0, 0.06, 0.18) + 0.5 * stats.norm.sf(b, 0.03, 0.12)
    assert exact(MIX, b) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("comps", [T8, NORMAL, MIX], ids=["t8", "normal", "mixture"])
@pytest.mark.parametrize("method", METHODS)
def test_unbiased_with_honest_standard_errors(comps: tuple[Component, ...], method: str) -> None:
    """Over 40 seeds the estimates centre on the closed form (within 4 s.e. of their mean) and
    the reported s.e. matches their spread."""
    b = boundary(comps, 0.12)
    truth = exact(comps, b)
    est = [estimate(comps, b, 4000, method, np.random.default_rng(s)) for s in range(40)]
    ps, ses = np.array([e.p for e in est]), np.array([e.se for e in est])
    spread = ps.std(ddof=1)
    if spread == 0:  # the conditional estimator is exact for a normal
        assert method == "conditional" and comps is NORMAL and np.allclose(ps, truth)
        return
    assert abs(ps.mean() - truth) < 4 * spread / math.sqrt(len(ps)), (ps.mean(), truth)
    assert 0.6 < ses.mean() / spread < 1.6, (ses.mean(), spread)


def test_rqmc_and_conditional_cut_the_variance() -> None:
    b = boundary(T8, 0.14)

    def var(method: str) -> float:
        return float(np.var([estimate(T8, b, 8192, method, np.random.default_rng(s)).p for s in range(30)]))

    plain = var("plain")
    assert plain / var("rqmc") > 10
    assert plain / var("conditional") > 10
    assert plain / var("antithetic") > 1.0


@pytest.mark.parametrize("comps", [T8, NORMAL, (Component(1.0, 3.0, 0.0, 1.0),)], ids=["t8", "normal", "t3"])
def test_importance_sampling_reaches_10_percent_at_one_in_ten_thousand_with_10000_samples(
        comps: tuple[Component, ...]) -> None:
    b = boundary(comps, 1e-4)
    est = [estimate(comps, b, 10_000, "importance", np.random.default_rng(s)) for s in range(20)]
    ps = np.array([e.p for e in est])
    assert abs(ps.mean() / 1e-4 - 1) < 0.03
    assert ps.std(ddof=1) / 1e-4 < 0.10 and max(e.se for e in est) / 1e-4 < 0.10
    # plain sampling at the same budget: about one hit, a relative error near 100%
    plain = estimate(comps, b, 10_000, "plain", np.random.default_rng(0))
    assert plain.p == 0 or plain.se / plain.p > 0.5


def test_a_bad_proposal_is_refused() -> None:
    cauchy = Component(1.0, 1.0, 0.0, 1.0)
    b = boundary((cauchy,), 1e-6)
    with pytest.raises(ModelError, match="effective sample size"):
        mean_shift(cauchy, b, 10_000, np.random.default_rng(3))
    ours = estimate((cauchy,), b, 10_000, "importance", np.random.default_rng(3))
    assert abs(ours.p / 1e-6 - 1) < 0.02 and ours.ess is not None and ours.ess > 5000


@pytest.mark.parametrize("name", ["rw-drift", "theta"])
def test_predictive_of_the_closed_form_models_matches_their_closed_form(name: str) -> None:
    from forecast.models.combination import build

    years = np.arange(2000, 2024)
    logs = np.log(1e9) + 0.06 * np.arange(24) + 0.1 * np.sin(np.arange(24))
    model = build(name, years, logs).model
    for h in (1, 3):
        comps = predictive_of(model, h)
        assert comps is not None and sum(c.w for c in comps) == pytest.approx(1.0)
        for r in (-0.1, 0.2, 0.5):
            assert exact(comps, r) == pytest.approx(model.prob_at_least(r, h), rel=1e-10)
    # the pooled model's two-piece tails are not a mixture of Student-t components
    assert predictive_of(build("pooled", years, logs).model, 1) is None


def test_pure_python_tails_match_scipy() -> None:
    from scipy.special import ndtr, stdtr

    from forecast.models.tails import normal_sf, t_sf

    for z in np.linspace(-30, 30, 241):
        assert normal_sf(float(z)) == pytest.approx(float(ndtr(-z)), rel=1e-12, abs=1e-300)
    for df in (1.0, 2.0, 3.0, 4.5, 9.0, 30.0, 31.0, 200.0):
        for t in np.linspace(-25, 25, 201):
            want = float(stdtr(df, -t))
            assert t_sf(df, float(t)) == pytest.approx(want, rel=1e-9, abs=1e-12), (df, t)
    assert t_sf(math.inf, 1.5) == normal_sf(1.5)
    # the Cauchy is known in closed form: P(T >= t) = 1/2 - atan(t)/pi
    for t in (1e-8, 0.3, 7.0, 1e5):
        assert t_sf(1.0, t) == pytest.approx(0.5 - math.atan(t) / math.pi, rel=1e-12)


def test_pure_python_t_quantile_matches_scipy() -> None:
    from scipy.special import stdtrit

    from forecast.models.tails import t_quantile

    for df in (0.7, 1.0, 2.5, 4.0, 10.0, 50.0, 300.0):
        for p in (0.1, 0.6, 0.9, 0.975, 0.999):
            assert t_quantile(df, p) == pytest.approx(float(stdtrit(df, p)), rel=1e-9), (df, p)
    with pytest.raises(ValueError):
        t_quantile(3.0, 1.0)
