"""The pooled model against independent references: a dense Gaussian computation of the
same model integrated over the volatility on a grid, its own simulation, the batched code
it shares with learning, and what the pool's weight must do with short and long histories."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.stats import norm

from forecast.models.pooled import fit_pooled, marginals, posterior, sufficient
from forecast.models.prior import Prior
from forecast.models.priors import shipped

PRIOR = Prior(noise=0.3, drift_strength=6.0, persistence=0.7, vol_strength=3.0, vol_intercept=-1.6,
              vol_slope=-0.2, size_range=(13.0, 25.0), centre_error_year=0.0, centre_error_trend=0.0,
              centre_years=5, index=tuple((y, 0.02 * (y - 2000) / 10) for y in range(1993, 2021)))


def dense_probability(years: np.ndarray, logs: np.ndarray, prior: Prior, h: int, r: float) -> float:
    """P(log level h years after the last figure >= last log + r), computed without the GLS
    formulas: the model written out as a Gaussian vector (level, drift, every year's shock,
    the figures' noise), conditioned by brute force for each volatility on a grid, and the
    volatility integrated against its posterior on that grid."""
    t = years - years[0]
    T = int(t[-1])
    M = T + h
    centre, _ = prior.centre(int(years[-1]))
    j = np.arange(1, h + 1)
    D = np.cumsum(prior.persistence ** j)
    s0 = float(prior.vol_prior(np.mean(logs)))
    a0, b0 = prior.vol_strength, prior.vol_strength * s0 ** 2
    big = 1e3  # the level's prior s.d.: flat for all purposes

    def rows_obs() -> np.ndarray:
        A = np.zeros((len(t), 2 + M))
        for i, ti in enumerate(t):
            A[i, 0], A[i, 1] = 1.0, ti
            A[i, 2:2 + ti] = 1.0
        return A

    A = rows_obs()
    f = np.zeros(2 + M)
    f[0], f[1] = 1.0, T + D[-1]
    f[2:2 + M] = 1.0
    shift = centre * (h - D[-1])
    grid = np.exp(np.linspace(np.log(1e-4), np.log(4.0), 6000))
    logpost, tail = [], []
    for s2 in grid:
        mean = np.r_[0.0, centre, np.zeros(M)]
        cov = np.diag(np.r_[big ** 2, s2 / prior.drift_strength, np.full(M, s2)])
        Sy = A @ cov @ A.T + prior.noise * s2 * np.eye(len(t))
        my = A @ mean
        cf = f @ cov @ A.T
        vf = f @ cov @ f + prior.noise * s2
        K = np.linalg.solve(Sy, cf)
        m_f = f @ mean + shift + K @ (logs - my)
        v_f = vf - cf @ K
        resid = logs - my
        sign, logdet = np.linalg.slogdet(Sy)
        loglik = -0.5 * (logdet + resid @ np.linalg.solve(Sy, resid))
        logprior = -(a0 + 1) * np.log(s2) - b0 / s2
        logpost.append(loglik + logprior + np.log(s2))  # grid uniform in log s2
        tail.append(norm.sf(logs[-1] + r, m_f, np.sqrt(v_f)))
    w = np.exp(np.array(logpost) - max(logpost))
    return float(np.sum(w * np.array(tail)) / w.sum())


CASES = [
    (np.array([2015, 2016, 2017, 2018, 2019, 2020]), np.log([3.0, 3.3, 3.1, 3.6, 4.0, 3.9]) + 20, 1, 0.1),
    (np.array([2004, 2007, 2010]), np.log([1.0, 2.2, 4.1]) + 20.7, 4, 0.38),
    (np.array([2001, 2002, 2005, 2006, 2007, 2011]), np.log([5, 6, 4, 7, 9, 8.0]) + 18, 3, -0.2),
]


@pytest.mark.parametrize("years,logs,h,r", CASES)
def test_closed_form_equals_a_dense_computation_of_the_same_model(years, logs, h, r) -> None:
    model = fit_pooled(years, logs, PRIOR, tails=False)
    assert model.prob_at_least(r, h) == pytest.approx(dense_probability(years, logs, PRIOR, h, r), abs=2e-4)


def test_simulation_agrees_with_the_closed_form_tails_included() -> None:
    prior = replace(PRIOR, lower=(0.8,), upper=(1.3,), centre_error_year=0.05, centre_error_trend=0.03)
    years, logs, _, _ = CASES[0]
    m = fit_pooled(years, logs, prior)
    x = m.simulate(4, 400_000, np.random.default_rng(1))[:, 2] - m.last_log
    for r in (-0.4, 0.0, 0.1, 0.5):
        p = m.prob_at_least(r, 3)
        sim = float(np.mean(x >= r))
        assert abs(sim - p) < 4 * np.sqrt(p * (1 - p) / len(x)) + 1e-12, (r, sim, p)


def test_tail_factors_scale_each_side_of_the_median() -> None:
    years, logs, _, _ = CASES[1]
    plain = fit_pooled(years, logs, PRIOR, tails=False)
    wide = fit_pooled(years, logs, replace(PRIOR, lower=(0.5,), upper=(2.0,)))
    df, loc, scale = plain.location_scale(3)
    for z in (-2.0, -0.5, 0.7, 1.5):
        k = 2.0 if z > 0 else 0.5
        assert wide.prob_at_least(loc + k * z * scale, 3) == pytest.approx(
            plain.prob_at_least(loc + z * scale, 3), rel=1e-12)
    assert wide.prob_at_least(loc, 3) == pytest.approx(0.5)


def test_batched_histories_with_padding_equal_one_at_a_time() -> None:
    N = 9
    t = np.zeros((len(CASES), N))
    y = np.zeros((len(CASES), N))
    mask = np.zeros((len(CASES), N), dtype=bool)
    for b, (years, logs, _, _) in enumerate(CASES):
        t[b, :len(years)], y[b, :len(years)], mask[b, :len(years)] = years - years[0], logs, True
    centres = np.array([PRIOR.centre(int(c[0][-1]))[0] for c in CASES])
    post = posterior(sufficient(t, y, mask, PRIOR.noise), PRIOR, centres)
    df, loc, scale = marginals(post, PRIOR, 5)
    for b, (years, logs, _, _) in enumerate(CASES):
        one = fit_pooled(years, logs, PRIOR)
        d1, l1, s1 = one.joint(5)
        assert df[b] == pytest.approx(d1)
        np.testing.assert_allclose(loc[b] - one.last_log, l1, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(scale[b], np.sqrt(np.diag(s1)), rtol=1e-9)


def test_the_pool_leads_a_short_history_and_a_long_one_leads_itself() -> None:
    rng = np.random.default_rng(3)
    years = np.arange(1992, 2024)
    logs = 20.5 + np.cumsum(0.08 + 0.2 * rng.standard_normal(len(years)))
    short = fit_pooled(years[-3:], logs[-3:], shipped())
    long = fit_pooled(years, logs, shipped())
    assert short.own_weight < 0.5 < long.own_weight
    assert 0 < short.vol_weight < long.vol_weight < 1
    assert "own history weighs" in short.describe()


def test_three_figures_do_not_make_it_near_certain() -> None:
    # The example: 1.0bn, 2.2bn, 4.1bn in 2004/2007/2010; $6bn by 2014 was 93% under
    # the plain random walk (volatility read from two growth intervals).
    years, logs = np.array([2004, 2007, 2010]), np.log([1.0e9, 2.2e9, 4.1e9])
    m = fit_pooled(years, logs, shipped())
    x = m.simulate(4, 100_000, np.random.default_rng(0)) - m.last_log
    p = float(np.mean(x.max(axis=1) >= np.log(6.0e9) - m.last_log))
    assert 0.3 < p < 0.85
    assert m.sigma > 0.1  # never below what pairs like it show


def test_a_collapse_gets_an_answer() -> None:
    m = fit_pooled(np.array([2010, 2011, 2012]), np.log([1.65e8, 8.3e6, 6.3e6]), shipped())
    x = m.simulate(3, 20_000, np.random.default_rng(0))
    assert np.all(np.isfinite(x))
    assert 0.0 < float(np.mean(x.max(axis=1) >= np.log(1e7))) < 1.0


def test_centre_follows_the_years_before_the_origin() -> None:
    c, used = PRIOR.centre(2010)
    assert used == (2006, 2007, 2008, 2009, 2010)
    assert c == pytest.approx(np.mean([0.02 * (y - 2000) / 10 for y in used]))
    assert PRIOR.centre(2030)[1] == (2016, 2017, 2018, 2019, 2020)  # past the index: its last years
    assert PRIOR.centre(1950)[1] == (1993, 1994, 1995, 1996, 1997)  # before it: its first years


def test_scaling_changes_the_answer_only_through_the_size_prior() -> None:
    years, logs, h, r = CASES[0]
    flat = replace(PRIOR, vol_slope=0.0)
    a = fit_pooled(years, logs, flat).prob_at_least(r, h)
    b = fit_pooled(years, logs + np.log(7.0), flat).prob_at_least(r, h)
    assert a == pytest.approx(b, rel=1e-12)
    # with the learned size slope, a smaller pair is more volatile: a wider predictive
    small = fit_pooled(years, logs - 3, PRIOR).location_scale(h)[2]
    assert small > fit_pooled(years, logs, PRIOR).location_scale(h)[2]
