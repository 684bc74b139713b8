"""From a scenario file to a validated scenario and its series (files read here, nothing run).

:func:`prepare` reads a file (``extends`` resolved), validates it, reads its data
file and selects the series; :func:`variant` does the same for a changed copy of
an already-read tree (a sweep point, a sensitivity value), reading each data file
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forecast import files, pipeline, scenario
from forecast.errors import DataError, Problem, ScenarioError
from forecast.scenario import Scenario
from forecast.series import TradeSeries


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
    """

    file: files.ScenarioFile
    scenario: Scenario
    series: TradeSeries
    data_sha256: str


def prepare(path: str | Path) -> Prepared:
    """Read and validate one scenario file and select its series (no simulation).

    Raises
    ------
    ScenarioError, DataError
        With the file in the ``extends`` chain that sets the offending key.
    """
    sf = files.load_scenario_tree(path)
    return variant(sf, sf.tree)


def variant(sf: files.ScenarioFile, tree: dict[str, Any], *, because: str = "") -> Prepared:
    """Validate ``tree`` (``sf``'s tree, possibly changed) and select its series.

    Parameters
    ----------
    sf : ScenarioFile
        The file the tree came from, for error messages.
    tree : dict
        The resolved mapping to validate.
    because : str
        Appended to every problem's message (e.g. ``"(from --set growth[0].mean=0.5)"``).
    """
    suffix = f" {because}" if because else ""
    try:
        sc = scenario.parse(tree, sf.where)
    except ScenarioError as e:  # name the file in the extends chain that sets the key
        raise ScenarioError(sf.where, problems=[
            Problem(sf.origin(p.key), p.key, p.message + suffix) for p in e.problems]) from None
    data, data_sha = None, ""
    if sc.data is not None:
        data_path = files.resolve_data_file(sc.data.file, sf.where)
        data = files.read_trade_data(data_path)
        data_sha = files.sha256_file(data_path)
        sc = sc.model_copy(update={"data": sc.data.model_copy(
            update={"file": files.display_path(data_path)})})
    try:
        series = pipeline.series_for(sc, data, sf.where)
        pipeline.check_years(sc, series, sf.where)
    except DataError as e:
        # select() names the data file; the problem is what this scenario asks of it
        raise ScenarioError(sf.where, problems=[
            Problem(sf.where, f"data.{p.key}" if p.key else "data",
                    f"{p.message} (in {p.where}){suffix}") for p in e.problems]) from None
    except ScenarioError as e:
        raise ScenarioError(sf.where, problems=[
            Problem(p.where, p.key, p.message + suffix) for p in e.problems]) from None
    return Prepared(sf, sc, series, data_sha)


def data_of(sc: Scenario) -> Any:
    """The scenario's data file, read (cached by :func:`files.read_trade_data`), or None."""
    return files.read_trade_data(Path(sc.data.file)) if sc.data is not None else None
