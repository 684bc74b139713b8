"""History's record of the required growth: h-year average growth over overlapping windows,
within one basis and without flagged figures, against a naive count."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import write

from forecast.analysis.record import window_record
from forecast.data.series import from_history
from forecast.data.table import parse_period

HEADER = "reporter,partner,flow,period,value_usd,basis,published,source,flags,note\n"


def _series(values: dict[int, float]):
    return from_history({parse_period(str(y)): v for y, v in values.items()}, "<test>")


def test_windows_match_a_naive_count() -> None:
    rng = np.random.default_rng(3)
    years = list(range(1995, 2021))
    values = dict(zip(years, 1e9 * np.exp(np.cumsum(rng.normal(0.05, 0.15, len(years))))))
    del values[2003]  # a gap: windows need both end points
    req = 0.06
    rec = window_record(_series(values), 4, req)
    naive = [(y, y + 4, (values[y + 4] / values[y]) ** 0.25 - 1) for y in years
             if y in values and y + 4 in values]
    assert [(a, b) for a, b, _ in rec.windows] == [(a, b) for a, b, _ in naive]
    assert np.allclose([g for *_, g in rec.windows], [g for *_, g in naive])
    assert rec.at_least == sum(g >= req for *_, g in naive) and rec.left_out == 0
    assert "4-year average growth that large in" in rec.text()


def test_the_four_figure_example_says_it_has_no_four_year_window(cli, tmp_path: Path) -> None:
    write(tmp_path, "s.yaml", "name: s\nhistory: {2012: 3.0e9, 2013: 3.6e9, 2014: 4.1e9, 2015: 4.9e9}\n"
          "target: {value: 8.0e9, year: 2019}\n")
    r = cli("run", "s.yaml", "--paths", 2000)
    assert "Required       +13.0% a year for 4 years; no 4-year window in the record" in r.stdout
    assert "0 of 0" not in r.stdout
    rec = _series({2012: 3.0e9, 2013: 3.6e9, 2014: 4.1e9, 2015: 4.9e9, 2016: 5e9, 2017: 6e9})
    few = window_record(rec, 4, 0.13)
    assert len(few.windows) == 2 and few.text().startswith("only 2 4-year windows in the record")


def test_basis_changes_and_flagged_figures_leave_windows_out(cli, tmp_path: Path) -> None:
    rows = [f"ARM,GEO,turnover,{y},{1e9 * 1.1 ** (y - 2000):.0f},"
            f"{'imf-dots' if y < 2010 else 'national-statistics'},,fixture,{'swapped' if y == 2004 else ''},"
            for y in range(2000, 2021)]
    write(tmp_path, "d.csv", HEADER + "\n".join(rows) + "\n")
    write(tmp_path, "s.yaml", "name: s\ndata: {file: d.csv, reporter: ARM}\n"
          "target: {value: 5e9, year: 2023}\nmodel: rw-drift\n")
    d = json.loads(cli("run", "s.yaml", "--paths", 2000, "--json").stdout)["required_growth_history"]
    assert d["window_years"] == 3
    spans = [(w["from"], w["to"]) for w in d["windows"]]
    assert all(not (a < 2010 <= b) for a, b in spans)  # none crosses the basis change
    assert all(not (a <= 2004 <= b) for a, b in spans)  # none holds the flagged year
    assert len(spans) + d["windows_left_out"] == 18  # every window with both end points
    assert all(w["growth"] == pytest.approx(0.1) for w in d["windows"])
