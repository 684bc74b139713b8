"""The on-disk fit cache: a rerun reads the fits back (no refit, same numbers), and an entry
from other code, a damaged entry or an unwritable folder never changes an answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, Invoke

from forecast.models import combination, fitcache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRADECAST_CACHE_DIR", str(folder))
    return folder


def _series() -> tuple[np.ndarray, np.ndarray]:
    years = np.arange(1994, 2024)
    logs = np.log(4e8) + 0.05 * np.arange(30) + 0.12 * np.sin(1.3 * np.arange(30))
    return years, logs


@pytest.mark.parametrize("name", ["auto", "rw-drift", "ets", "arima", "theta", "llt", "bootstrap"])
def test_every_model_reads_back_and_simulates_the_same(name: str) -> None:
    years, logs = _series()
    built = combination.build(name, years, logs, every=True)
    back = fitcache.decode(json.loads(json.dumps(fitcache.encode(built))))
    assert list(back.members) == list(built.members) and back.failures == built.failures
    for a, b in [(built.model, back.model), *zip(built.members.values(), back.members.values())]:
        assert type(a) is type(b) and a.describe() == b.describe()
        np.testing.assert_array_equal(a.simulate(4, 500, np.random.default_rng(5)),
                                      b.simulate(4, 500, np.random.default_rng(5)))
        np.testing.assert_array_equal(a.mean_growth(4), b.mean_growth(4))


def test_a_rerun_reads_the_fits_and_gives_the_same_json(cli: Invoke, cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = ROOT / "scenarios" / "kz-kg-2024-target.yaml"
    first = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off")
    assert first.exit_code == 0, first.output
    assert len(list((cache / "fits").glob("*.json"))) == 1

    def no_fit(*args: object, **kwargs: object) -> None:
        raise AssertionError("refitted although the cache holds the fit")

    monkeypatch.setattr("forecast.analysis.pipeline.build", no_fit)
    again = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off")
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout


def test_other_code_or_a_damaged_entry_is_refitted(cli: Invoke, cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = ROOT / "scenarios" / "kz-kg-2024-target.yaml"
    first = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off").stdout
    (entry,) = (cache / "fits").glob("*.json")
    doc = json.loads(entry.read_text())
    doc["code"] = "another version"
    entry.write_text(json.dumps(doc))
    assert fitcache.load(entry.stem) is None  # never trusted across versions
    entry.write_text("{not json")
    assert fitcache.load(entry.stem) is None
    assert cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off").stdout == first
    assert fitcache.load(entry.stem) is not None  # rewritten by the refit


def test_the_key_changes_with_code_settings_and_data(monkeypatch: pytest.MonkeyPatch) -> None:
    years, logs = _series()
    k = fitcache.key(("auto", "panel", True, True), years, logs)
    assert fitcache.key(("auto", "panel", True, False), years, logs) != k
    assert fitcache.key(("auto", "panel", True, True), years, logs + 1e-12) != k
    monkeypatch.setattr(fitcache, "code_version", lambda: "other")
    assert fitcache.key(("auto", "panel", True, True), years, logs) != k


def test_an_unwritable_or_disabled_cache_changes_nothing(cli: Invoke, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRADECAST_CACHE_DIR", str(blocker / "cache"))
    scenario = ROOT / "scenarios" / "kz-kg-2024-target.yaml"
    a = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off")
    monkeypatch.setenv("TRADECAST_CACHE_DIR", "off")
    b = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off")
    assert a.exit_code == b.exit_code == 0 and a.stdout == b.stdout
    assert fitcache.folder() is None


@pytest.mark.parametrize("built", [5, {"__type__": "Built", "model": 1, "members": {"__dict__": []},
                                       "used": {"__tuple__": []}, "failures": {"__tuple__": []}}])
def test_an_entry_of_the_wrong_shape_is_refitted(cli: Invoke, cache: Path, built: object) -> None:
    scenario = ROOT / "scenarios" / "kz-kg-2024-target.yaml"
    first = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off").stdout
    (entry,) = (cache / "fits").glob("*.json")
    entry.write_text(json.dumps({"code": fitcache.code_version(), "built": built}))
    assert fitcache.load(entry.stem) is None
    again = cli("run", scenario, "--paths", 20000, "--json", "--robustness", "off")
    assert again.exit_code == 0 and again.stdout == first
    assert fitcache.load(entry.stem) is not None  # the refit overwrote it
