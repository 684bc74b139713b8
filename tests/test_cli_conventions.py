"""Command-line conventions: --version, --quiet and --verbose, progress only on a terminal,
no colour codes ever."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import ROOT

from forecast.cli import progress

SCENARIO = ROOT / "scenarios" / "kz-kg-2024-target.yaml"


def test_quiet_keeps_only_errors_and_verbose_says_what_each_stage_did(cli, tmp_path: Path) -> None:
    loud = cli("report", SCENARIO, "--out", tmp_path / "a", "--paths", 2000)
    assert loud.exit_code == 0 and loud.stderr.startswith("wrote ")
    quiet = cli("--quiet", "report", SCENARIO, "--out", tmp_path / "b", "--paths", 2000)
    assert quiet.exit_code == 0 and quiet.stderr == ""
    names = [sorted(p.name for p in (tmp_path / x).iterdir()) for x in "ab"]
    assert names[0] == names[1]
    verbose = cli("-v", "run", SCENARIO, "--paths", 2000)
    lines = verbose.stderr.splitlines()
    assert any("data file" in x and "kz_kg.csv, 203 figures" in x for x in lines)
    assert any(("fitted" in x or "fit cache" in x) for x in lines)
    assert any("simulated 2,000 paths" in x for x in lines)
    assert verbose.stdout == cli("run", SCENARIO, "--paths", 2000).stdout  # stdout unchanged
    progress.set_level(False, False)


def test_progress_is_drawn_only_on_a_terminal_after_a_second(monkeypatch) -> None:
    assert progress.ticker("x", 10) is None  # the test's stderr is not a terminal
    err = io.StringIO()
    clock = iter([0.0, 0.5, 1.2, 1.3, 2.0, 2.1])
    monkeypatch.setattr(progress.sys, "stderr", err)
    monkeypatch.setattr(progress.time, "perf_counter", lambda: next(clock))
    t = progress.Ticker("backtest", 10, " tasks")
    t(1)    # 0.5 s: too soon
    t(3)    # 1.2 s: shown
    t(4)    # 1.3 s: within half a second of the last
    t(10)   # 2.0 s: shown
    t.finish()
    assert err.getvalue() == "\rbacktest: 3/10 tasks (1 s)\rbacktest: 10/10 tasks (2 s)\n"


def test_no_colour_codes_in_any_output(cli, tmp_path: Path, monkeypatch) -> None:
    for env in ({}, {"NO_COLOR": "1"}):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        for args in (("run", SCENARIO, "--paths", 2000), ("validate", tmp_path / "missing.yaml"),
                     ("--help",)):
            r = cli(*args)
            assert "\x1b[" not in r.stdout + r.stderr
