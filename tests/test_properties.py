"""Properties of a whole run (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.analysis import pipeline
from forecast.scenario import schema as scenario

growth = st.lists(st.floats(-0.3, 0.3, allow_nan=False), min_size=3, max_size=15)


def make(values, target, year_ahead=2, kind="level", seed=1, paths=20_000):
    hist = {2000 + i: float(v) for i, v in enumerate(values)}
    last = 2000 + len(values) - 1
    return scenario.parse({"name": "p", "history": hist,
                           "target": {"value": target, "year": last + year_ahead, "kind": kind},
                           "simulation": {"paths": paths, "seed": seed}}, "<test>")


def levels(g):
    return np.exp(np.log(1e9) + np.concatenate([[0.0], np.cumsum(g)]))


@settings(max_examples=25, deadline=None)
@given(g=growth, lo=st.floats(0.5, 1.5), step=st.floats(1.01, 2.0),
       kind=st.sampled_from(["level", "by"]))
def test_probability_falls_as_the_target_rises(g, lo, step, kind):
    v = levels(g)
    t1 = float(v[-1] * lo)
    p1 = pipeline.run(make(v, t1, kind=kind)).feasibility.probability
    p2 = pipeline.run(make(v, t1 * step, kind=kind)).feasibility.probability
    assert p2 <= p1


@settings(max_examples=25, deadline=None)
@given(g=growth, ratio=st.floats(0.7, 1.6), scale=st.floats(1e-3, 1e3))
def test_scaling_history_and_target_together_changes_nothing(g, ratio, scale):
    # The shipped priors make small pairs more volatile than large ones (learned from the
    # panel: a deliberate dependence on size); without it, units must not matter.
    from dataclasses import replace

    from forecast.models.priors import shipped

    flat = replace(shipped(), vol_slope=0.0, size_range=(0.0, 60.0))
    v = levels(g)
    a = pipeline.run(make(v, float(v[-1] * ratio)), prior=flat).feasibility
    b = pipeline.run(make(v * scale, float(v[-1] * ratio * scale)), prior=flat).feasibility
    # Same draws, log levels shifted by log(scale): the models' optimisers converge to the same
    # estimates within their tolerance, so at most a few paths near the boundary may flip.
    assert abs(a.probability - b.probability) <= 5 / a.paths
    for y in a.quantiles:
        assert np.isclose(a.quantiles[y][0.5] * scale, b.quantiles[y][0.5], rtol=1e-6)


@settings(max_examples=10, deadline=None)
@given(g=growth, seed=st.integers(0, 2**40))
def test_same_seed_same_result(g, seed):
    v = levels(g)
    a = pipeline.run(make(v, float(v[-1]), seed=seed)).feasibility
    b = pipeline.run(make(v, float(v[-1]), seed=seed)).feasibility
    assert a.probability == b.probability and a.quantiles == b.quantiles


def test_by_target_is_at_least_the_level_probability():
    v = levels([0.1, -0.05, 0.2, 0.0, 0.1])
    lvl = pipeline.run(make(v, float(v[-1] * 1.3), year_ahead=4)).feasibility.probability
    by = pipeline.run(make(v, float(v[-1] * 1.3), year_ahead=4, kind="by")).feasibility.probability
    assert by >= lvl


def test_required_growth_and_its_rank():
    from forecast.analysis.feasibility import growth_record, required_growth

    assert required_growth(2.0e9, 1.317e9, 1) == 2.0e9 / 1.317e9 - 1
    assert np.isclose(required_growth(3e9, 2e9, 5), 1.5 ** 0.2 - 1)
    rec = growth_record(np.array([2000, 2001, 2002, 2004]), np.array([1.0, 1.5, 1.2, 2.0]), 0.3)
    # 2002->2004 is a two-year gap and is not a one-year growth rate.
    assert rec.years == (2001, 2002) and rec.at_least == 1
