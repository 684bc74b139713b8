"""Growth assumptions and shocks: closed forms and a naive loop."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from forecast.engine.overlays import apply_growth, apply_shocks, draw
from forecast.scenario.assumptions import GrowthAdjust, GrowthNormal, Shock, TwoPieceNormal, Uniform


def test_replaced_normal_growth_gives_the_lognormal_probability():
    """One year replaced by Normal(log1p(mean), sd): P(level >= target) is a lognormal tail."""
    from forecast.engine.simulate import simulate
    from forecast.models import RandomWalkDrift

    m = RandomWalkDrift(last_log=np.log(1e9), drift=0.0, sigma=0.3, n=10, span=10)
    g = GrowthNormal(years=(2024, 2024), dist="normal", mean=0.1, sd=0.15)
    target = 1.3e9
    n = 200_000
    sim = simulate(m, np.array([2024]), target, paths=n, seed=1, growth=[g])
    p = stats.norm.sf((np.log(1.3) - np.log1p(0.1)) / 0.15)
    assert abs(sim.above[0] / n - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_two_piece_normal_mass_below_the_mode():
    rng = np.random.default_rng(0)
    d = TwoPieceNormal(dist="two-piece-normal", mode=0.05, sd_below=0.3, sd_above=0.1)
    x = draw(d, (400_000,), rng)
    below = np.mean(x < np.log1p(0.05))
    assert below == pytest.approx(0.75, abs=4 * np.sqrt(0.75 * 0.25 / 400_000))
    # Each half is a half-normal with its own spread.
    assert np.std(x[x > np.log1p(0.05)] - np.log1p(0.05)) == pytest.approx(
        0.1 * np.sqrt(1 - 2 / np.pi), rel=0.02)


def test_adjust_scales_around_the_model_mean_and_shifts():
    inc = np.array([[0.1, 0.3], [0.0, -0.1]])
    out = apply_growth(inc.copy(), np.array([2024, 2025]),
                       [GrowthAdjust(years=(2025, 2025), shift=0.1, scale=2.0)],
                       mean_growth=np.array([0.05, 0.05]), history=np.empty(0),
                       rngs=[np.random.default_rng(0)])
    np.testing.assert_allclose(out[:, 0], inc[:, 0])
    np.testing.assert_allclose(out[:, 1], 0.05 + 2 * (inc[:, 1] - 0.05) + np.log1p(0.1))


def test_shocks_match_a_naive_loop():
    n, h = 50, 4
    years = np.arange(2024, 2024 + h)
    shock = Shock(name="border", probability=0.3, years=(2025, 2027),
                  impact=Uniform(dist="uniform", low=-0.3, high=-0.1), recovery=0.5)
    inc = np.zeros((n, h))
    got = apply_shocks(inc.copy(), years, [shock], [np.random.default_rng(9)])
    rng = np.random.default_rng(9)
    cols = [1, 2, 3]
    hit = rng.random((n, 3)) < 0.3
    imp = rng.uniform(np.log(0.7), np.log(0.9), (n, 3))
    want = np.zeros((n, h))
    for i in range(n):
        for c, j in enumerate(cols):
            if hit[i, c]:
                want[i, j] += imp[i, c]
                if j + 1 < h:
                    want[i, j + 1] -= 0.5 * imp[i, c]
    np.testing.assert_allclose(got, want)


def test_certain_fixed_shock_moves_every_path_by_its_factor():
    inc = np.zeros((10, 2))
    shock = Shock(name="x", probability=1.0, impact=-0.2)
    out = apply_shocks(inc, np.array([2024, 2025]), [shock], [np.random.default_rng(0)])
    np.testing.assert_allclose(np.exp(out.cumsum(axis=1)), 0.8 ** np.array([1, 2]) * np.ones((10, 2)))
