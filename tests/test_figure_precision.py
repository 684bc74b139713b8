"""A last figure known only to its printed precision (rounded) or as a first release (revised):
the answer integrates over its true value, in closed form and by simulation alike."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import write
from scipy import integrate, stats

from forecast.analysis.question import StartError, closed_form
from forecast.engine.simulate import simulate
from forecast.models import fit_member

HEADER = "reporter,partner,flow,period,value_usd,basis,published,source,flags,note\n"
YEARS = range(2010, 2021)
VALUES = [1.00e9, 1.10e9, 1.05e9, 1.20e9, 1.25e9, 1.18e9, 1.30e9, 1.40e9, 1.38e9, 1.50e9]


def _rw():
    years = np.arange(2010, 2020)
    return fit_member("rw-drift", years, np.log(VALUES))


def test_closed_form_integrates_over_the_rounding_and_the_revision() -> None:
    """Reference: scipy's quadrature of P(log ratio - log(1 + U r) - s Z) over U and Z."""
    m, r, s, lr = _rw(), 0.1, 0.05, 0.2
    f = m.prob_at_least  # type: ignore[attr-defined]
    ref, _ = integrate.dblquad(
        lambda z, u: 0.5 * stats.norm.pdf(z) * f(lr - math.log1p(u * r) - s * z, 2),
        -1, 1, -8, 8)
    got = closed_form(m, lr, 2, StartError(rounding=r, revision_sd=s, revisions=2))
    assert got == pytest.approx(ref, abs=1e-6)
    assert closed_form(m, lr, 2, StartError()) == pytest.approx(f(lr, 2))


def test_simulation_shifts_every_path_by_the_figures_error() -> None:
    m, years = _rw(), np.arange(2020, 2023)
    plain = simulate(m, years, 2e9, paths=200_000, seed=3)
    wide = simulate(m, years, 2e9, paths=200_000, seed=3, start_spread=0.2, start_sd=0.05)
    again = simulate(m, years, 2e9, paths=200_000, seed=3, start_spread=0.2, start_sd=0.05)
    assert np.array_equal(wide.sample, again.sample)
    added = np.var(wide.sample, axis=0) - np.var(plain.sample, axis=0)
    u = np.log1p(np.linspace(-1, 1, 200_001) * 0.2)  # var of log(1 + U r) by a fine grid
    expected = u.var() + 0.05 ** 2
    assert np.allclose(added, expected, rtol=0.05)
    pairs = simulate(m, years, 2e9, paths=200_000, seed=3, start_spread=0.2, antithetic=True)
    assert np.var(pairs.sample[:, 0]) > np.var(plain.sample[:, 0])


def _file(folder: Path, last: str) -> None:
    rows = [f"ARM,GEO,turnover,{y},{v:.0f},national-statistics,{y + 1}-03-01,fixture,,"
            for y, v in zip(YEARS, VALUES)]
    write(folder, "d.csv", HEADER + "\n".join(rows) + "\n" + last)


def test_a_rounded_statement_is_integrated_and_said(cli, tmp_path: Path) -> None:
    _file(tmp_path, "ARM,GEO,turnover,2020,1600000000,official-statement,2021-02-01,fixture,rounded,\n")
    write(tmp_path, "s.yaml", "name: s\ndata: {file: d.csv, reporter: ARM}\n"
          "target: {value: 1.8e9, year: 2021}\nmodel: rw-drift\n")
    d = json.loads(cli("run", "s.yaml", "--json", "--paths", 20_000).stdout)
    assert d["last_observed"]["rounding"] == pytest.approx(0.05e9 / 1.6e9)
    text = cli("run", "s.yaml", "--paths", 20_000).stdout
    assert "Precision      the 2020 figure is rounded, known to ±US$50.0m (±3.12%)" in text


def test_revisions_come_from_the_file_and_only_once_public(cli, tmp_path: Path) -> None:
    last = ("ARM,GEO,turnover,2020,1500000000,national-statistics,2021-03-01,fixture,first-release,\n"
            "ARM,GEO,turnover,2019,1400000000,national-statistics,2020-03-01,fixture,first-release,\n"
            "ARM,GEO,turnover,2019,1380000000,national-statistics,2020-09-01,fixture,,\n")
    rows = [f"ARM,GEO,turnover,{y},{v:.0f},national-statistics,{y + 1}-03-01,fixture,,"
            for y, v in zip(range(2010, 2019), VALUES)]
    write(tmp_path, "d.csv", HEADER + "\n".join(rows) + "\n" + last)
    base = "name: s\ntarget: {value: 1.8e9, year: 2021}\nmodel: rw-drift\n"
    write(tmp_path, "s.yaml", base + "data: {file: d.csv, reporter: ARM}\n")
    d = json.loads(cli("run", "s.yaml", "--json", "--paths", 20_000).stdout)["last_observed"]
    assert d["revision_pairs"] == 1 and d["first_release"]
    assert d["revision_sd"] == pytest.approx(abs(math.log(1.38 / 1.40)))
    write(tmp_path, "early.yaml", base + "data: {file: d.csv, reporter: ARM, as_of: 2021-04-01}\n")
    write(tmp_path, "early.yaml", base + "data: {file: d.csv, reporter: ARM, as_of: 2021-04-01}\n")
    e = json.loads(cli("run", "early.yaml", "--json", "--paths", 20_000).stdout)["last_observed"]
    assert e["revision_pairs"] == 1  # the 2019 revision was public by then
    write(tmp_path, "before.yaml", base.replace("2021}", "2020}") +
          "data: {file: d.csv, reporter: ARM, as_of: 2020-04-01}\n")
    b = json.loads(cli("run", "before.yaml", "--json", "--paths", 20_000).stdout)["last_observed"]
    assert b["year"] == 2019 and b["revision_pairs"] == 0 and b["first_release"]
