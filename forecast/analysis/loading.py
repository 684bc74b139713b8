"""From a scenario file to a validated scenario and its series (files read here, nothing run).

:func:`prepare` reads a file (``extends`` resolved), validates it, reads its data
file and selects the series; :func:`variant` does the same for a changed copy of
an already-read tree (a sweep point, a sensitivity value), reading each data file
once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forecast.analysis import question
from forecast.data import files
from forecast.data.series import TradeSeries
from forecast.engine.reporter_gap import Mirror
from forecast.errors import DataError, Problem, ScenarioError
from forecast.scenario import keypaths, loader
from forecast.scenario import schema as scenario
from forecast.scenario.schema import IMPLICIT, Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Prepared:
    """A scenario ready to run.

    Attributes
    ----------
    file : ScenarioFile
        The file as read (its ``tree`` is the resolved mapping).
    scenario : Scenario
        The validated scenario; ``data.file`` is the data file's display path.
    series : TradeSeries
        The series it asks for.
    data_sha256 : str
        Hash of its data file ("" for an inline history).
    mirror : Mirror or None
        With ``reporter: both``, the other country's figures and the gap model.
    """

    file: loader.ScenarioFile
    scenario: Scenario
    series: TradeSeries
    data_sha256: str
    mirror: Mirror | None = None


def prepare(path: str | Path) -> Prepared:
    """Read and validate one scenario file and select its series (no simulation).

    Raises
    ------
    ScenarioError, DataError
        With the file in the ``extends`` chain that sets the offending key.
    """
    sf = loader.load_scenario_tree(path)
    return variant(sf, sf.tree)


@dataclass(frozen=True)
class _Relocate:
    """Problems found in a changed tree, each moved to the file and key a user can find: the
    value given (``--set``, a sweep or sensitivity block) or the file in the ``extends``
    chain that sets the key, with how the value was given."""

    sf: loader.ScenarioFile
    here: str
    changed: dict[str, str]
    because: str

    def locate(self, key: str) -> tuple[str, str]:
        for k, shown in self.changed.items():
            if key == k or key.startswith((f"{k}.", f"{k}[")):
                return self.here, shown
        return self.sf.origin(key), key

    def __call__(self, e: ScenarioError | DataError, data_key: bool = False) -> list[Problem]:
        out = []
        for p in e.problems:
            key = (f"data.{p.key}" if p.key else "data") if data_key else p.key
            where, shown = self.locate(key)
            extra = f" (in {p.where})" if data_key else ""
            out.append(Problem(where, shown, p.message + extra + self.because))
        return out


def variant(sf: loader.ScenarioFile, tree: Mapping[str, Any], changes: Sequence[tuple[str, Any]] = (),
            *, verb: str = "--set", block: str | None = None,
            added: Mapping[str, str] | None = None) -> Prepared:
    """``sf``'s tree with values replaced at key paths, validated, and its series selected.

    Parameters
    ----------
    sf : ScenarioFile
        The file the tree came from, for error messages.
    tree : mapping
        The resolved mapping to change (``sf.tree``, or a copy with entries added).
    changes : sequence of (key path, value)
        The values to set (:func:`forecast.keypaths.with_value`); keys in ``IMPLICIT``
        (``model-growth``, ``model-spread``) are skipped: their entries are already in ``tree``.
    verb : str
        How the values were given, for messages: ``--set``, ``sweep``, ``sensitivity``.
    block : str, optional
        None when the values come from the command line (errors name the file given); else
        the block of the file that sets them (errors name the file in the ``extends`` chain
        that has the block, and the key as ``block.key``).
    added : mapping, optional
        Key paths of entries added to ``tree`` (``growth[2]``) -> the key to name instead.

    Raises
    ------
    ScenarioError
        Naming the file and key where the offending value was given.
    """
    because = f" (from {verb} " + ", ".join(f"{k}={v}" for k, v in changes) + ")" if changes else ""
    changed = {k: f"{block}.{k}" if block else k for k, _ in changes if k not in IMPLICIT}
    changed.update(added or {})
    here = sf.where if block is None else sf.origin(block)
    out = dict(tree)
    for key, value in changes:
        if key not in IMPLICIT:
            try:
                out = keypaths.with_value(out, key, value)
            except ValueError as e:
                raise ScenarioError(here, changed[key], f"{e}{because}") from None
    tree = out
    problems = _Relocate(sf, here, changed, because)
    try:
        sc = scenario.parse(tree, sf.where)
    except ScenarioError as e:  # name the file in the extends chain that sets the key
        raise ScenarioError(sf.where, problems=problems(e)) from None
    data, data_sha = None, ""
    if sc.data is not None:
        try:
            data_path = loader.resolve_data_file(sc.data.file, sf.where)
        except ScenarioError as e:
            raise ScenarioError(sf.where, problems=problems(e)) from None
        data = files.read_trade_data(data_path)  # its own errors name the data file and row
        log.info("%s: data file %s, %s figures", sf.where, files.display_path(data_path),
                 f"{len(data.figures):,}")
        data_sha = files.sha256_file(data_path)
        sc = sc.model_copy(update={"data": sc.data.model_copy(
            update={"file": files.display_path(data_path)})})
    try:
        series = question.series_for(sc, data, sf.where)
        question.check_years(sc, series, sf.where)
        mirror = question.mirror_for(sc, data, series, sf.where)
    except DataError as e:
        # select() names the data file; the problem is what this scenario asks of it
        raise ScenarioError(sf.where, problems=problems(e, data_key=True)) from None
    except ScenarioError as e:
        raise ScenarioError(sf.where, problems=problems(e)) from None
    return Prepared(sf, sc, series, data_sha, mirror)


def bound(prepared: Prepared) -> Callable[..., Prepared]:
    """:func:`variant` bound to a prepared scenario's file, for its variants (sweeps,
    sensitivity, the robustness choices)."""
    return functools.partial(variant, prepared.file)


def data_of(sc: Scenario) -> Any:
    """The scenario's data file, read (cached by :func:`files.read_trade_data`), or None."""
    return files.read_trade_data(Path(sc.data.file)) if sc.data is not None else None
