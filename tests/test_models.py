"""The random walk with drift against independent references: naive formulas,
the Student-t closed form, and a naive loop."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from forecast import models
from forecast.data.series import TradeSeries
from forecast.engine.simulate import simulate


def fit_rw_drift(s: TradeSeries, **kw) -> models.RandomWalkDrift:
    return models.fit_rw_drift(s.years, np.log(s.values), **kw)


def series(years, values) -> TradeSeries:
    return TradeSeries(years=np.array(years), values=np.array(values, dtype=float),
                       reporter="", partner="", measure="turnover", file="<test>")


def test_fit_matches_textbook_formulas_without_gaps():
    v = np.array([100.0, 110.0, 104.0, 130.0, 150.0, 149.0])
    m = fit_rw_drift(series(range(2000, 2006), v))
    d = np.diff(np.log(v))
    assert m.drift == pytest.approx(d.mean())
    assert m.sigma == pytest.approx(d.std(ddof=1))
    assert (m.n, m.span, m.df) == (5, 5, 4)


def test_gap_uses_growth_over_the_gap_not_an_invented_value():
    # 2001 and 2002 missing: the 2000->2003 growth counts as one 3-year interval.
    years, v = [2000, 2003, 2004, 2005], [100.0, 133.1, 146.41, 150.0]
    m = fit_rw_drift(series(years, v))
    d = np.diff(np.log(v))
    k = np.diff(years)
    assert m.span == 5 and m.n == 3
    assert m.drift == pytest.approx(np.log(150.0 / 100.0) / 5)
    # Weighted residuals: (d - k mu) / sqrt(k), n - 1 degrees of freedom.
    r = (d - k * m.drift) / np.sqrt(k)
    assert m.sigma == pytest.approx(np.sqrt((r ** 2).sum() / 2))


def test_too_few_observations_is_a_model_error():
    from forecast.errors import ModelError

    with pytest.raises(ModelError, match="at least 3"):
        fit_rw_drift(series([2000, 2001], [1.0, 2.0]))


def test_predictive_is_student_t_with_the_textbook_scale():
    m = fit_rw_drift(series(range(2000, 2010), np.exp(np.linspace(0, 1, 10) + [0, .1, -.1, .05,
                                                                         0, .02, -.03, .1, 0, 0])))
    df, loc, scale = m.predictive(3)
    assert df == m.n - 1
    assert loc == pytest.approx(3 * m.drift)
    assert scale == pytest.approx(m.sigma * np.sqrt(3 + 9 / m.span))
    z = 0.3
    assert m.prob_at_least(loc + z * scale, 3) == pytest.approx(stats.t.sf(z, df))


histories = st.lists(st.floats(-0.4, 0.4, allow_nan=False), min_size=2, max_size=25).map(
    lambda g: np.exp(np.concatenate([[np.log(5e8)], np.log(5e8) + np.cumsum(g)])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=histories, h=st.integers(1, 6), z=st.floats(-2.5, 2.5),
       uncertain=st.booleans(), seed=st.integers(0, 2**32))
def test_simulated_probability_matches_closed_form(values, h, z, uncertain, seed):
    """Simulation vs the Student-t (or normal) predictive: within 4 Monte Carlo s.e."""
    s = series(range(2000, 2000 + len(values)), values)
    m = fit_rw_drift(s, parameter_uncertainty=uncertain)
    if m.sigma < 1e-6:
        return
    _, loc, scale = m.predictive(h)
    log_ratio = loc + z * scale
    target = float(values[-1] * np.exp(log_ratio))
    n = 40_000
    years = np.arange(s.last_year + 1, s.last_year + h + 1)
    sim = simulate(m, years, target, paths=n, seed=seed)
    p_sim = sim.above[-1] / n
    p = m.prob_at_least(log_ratio, h)
    se = np.sqrt(p * (1 - p) / n)
    assert abs(p_sim - p) <= 4 * se + 1e-12


def test_simulation_is_a_vectorised_form_of_the_naive_loop():
    """Oracle: one path at a time, drawing in the same order, gives the same numbers."""
    m = fit_rw_drift(series(range(2000, 2012), np.exp(np.linspace(0, 2, 12)) *
                            (1 + 0.1 * np.sin(np.arange(12)))))
    h, n = 4, 7
    got = m.simulate(h, n, np.random.default_rng(5))
    par, eps = np.random.default_rng(5).spawn(2)  # parameters and innovations: separate streams
    chi = par.chisquare(m.df, size=n)
    zmu = par.standard_normal(n)
    steps = eps.standard_normal((h, n))  # innovations drawn year by year
    for i in range(n):
        sigma = m.sigma * np.sqrt(m.df / chi[i])
        mu = m.drift + sigma / np.sqrt(m.span) * zmu[i]
        level = m.last_log
        for j in range(h):
            level += mu + sigma * steps[j, i]
            assert got[i, j] == pytest.approx(level)


def test_same_seed_same_paths_and_chunking_does_not_depend_on_memory():
    m = fit_rw_drift(series(range(2000, 2010), np.exp(np.linspace(0, 1, 10)) * [1, 1.1, .9, 1,
                                                                             1.05, .97, 1, 1, 1.1, 1]))
    years = np.arange(2010, 2013)
    a = simulate(m, years, 5.0, paths=250_001, seed=3)
    b = simulate(m, years, 5.0, paths=250_001, seed=3)
    c = simulate(m, years, 5.0, paths=250_001, seed=4)
    np.testing.assert_array_equal(a.above, b.above)
    np.testing.assert_array_equal(a.sample, b.sample)
    assert not np.array_equal(a.sample, c.sample)
    assert a.above[0] <= a.reached[0] and np.all(a.reached[:-1] <= a.reached[1:])
