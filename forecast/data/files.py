"""Reading and writing files: strict YAML, text and CSV tables, data files, panels,
hashes and atomic output. Scenario files (``extends``) are read by
:mod:`forecast.scenario.loader` with this module's YAML reader."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from forecast.data.table import TradeData, parse_table
from forecast.errors import DataError, ForecastError, ScenarioError

# --- YAML -------------------------------------------------------------------------------

class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects repeated keys and reads 2e9 as a number.

    PyYAML follows YAML 1.1, where a float needs a dot (``2e9`` is a string);
    users write ``2e9``, ``2.0e9`` and ``2000000000`` for the same number.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if isinstance(key, int) and not isinstance(key, bool):
                key = str(key)  # 2019 and "2019" are the same history year
            try:
                first = seen.get(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be a plain value (got {type(key).__name__})",
                    key_node.start_mark) from None
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice (first on line {first})",
                    key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


# Dates stay text (pydantic parses them where a date belongs, with a clear message for
# 2024-02-30); a title like 2024-04-09 stays a title.
_StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def read_text(path: Path, where: str, error: type[Exception] = ScenarioError) -> str:
    """UTF-8 text of a file, or a clear error if it is missing, empty or not text."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(where, "", "file not found") from None
    except IsADirectoryError:
        raise error(where, "", "is a folder, not a file") from None
    except OSError as e:
        raise error(where, "", f"cannot be read ({e.strerror})") from None
    if not raw.strip():
        raise error(where, "", "file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(where, "", f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset "
                    f"{e.start})") from None
    if "\x00" in text:
        raise error(where, "", "not a text file (contains NUL bytes)")
    return text


def parse_yaml(text: str, where: str) -> Any:
    """Parse YAML safely: no Python objects, no repeated keys."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f"line {mark.line + 1}" if mark else ""
        problem = e.problem or str(e)
        if "could not determine a constructor" in problem:
            tag = problem.split("tag", 1)[-1].strip().strip("'")
            problem = f"YAML tag {tag!r} is not allowed (scenario files are loaded safely)"
        elif e.context and "while" not in e.context:
            problem = f"{e.context}; {problem}"
        raise ScenarioError(where, line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise ScenarioError(where, "", f"not valid YAML: {e}") from None


def display_path(path: Path) -> str:
    """A path as the user would write it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- CSV --------------------------------------------------------------------------------

_TABLE_CACHE: dict[tuple[str, int, int], TradeData] = {}


def read_trade_data(path: Path) -> TradeData:
    """Read and check a long-format data file (see :func:`forecast.data.table.parse_table`)."""
    where = display_path(path)
    st = path.stat() if path.exists() else None
    key = (str(path.resolve()), st.st_mtime_ns if st else 0, st.st_size if st else 0)
    if key in _TABLE_CACHE:
        return _TABLE_CACHE[key]
    text = read_text(path, where, DataError)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    rows, numbers = [], []
    for cells in reader:
        i = reader.line_num  # the file's line, so blank lines keep the numbering true
        if not any(c.strip() for c in cells):
            continue
        numbers.append(i)
        if len(cells) != len(header):
            raise DataError(where, f"row {i}", f"expected {len(header)} fields as in the header "
                            f"(got {len(cells)})")
        rows.append(dict(zip(header, cells)))
    data = parse_table(rows, where, header=header, row_numbers=numbers)
    _TABLE_CACHE[key] = data
    return data


def read_csv_rows(path: Path) -> tuple[tuple[str, ...], list[tuple[int, dict[str, str]]]]:
    """The header and the rows (each with its line, blank lines skipped) of a CSV file whose
    rows have as many fields as the header (as a data file checked by :func:`read_trade_data`)."""
    where = display_path(path)
    reader = csv.reader(io.StringIO(read_text(path, where, DataError), newline=""))
    header = tuple(h.strip() for h in next(reader, []))
    rows = [(reader.line_num, dict(zip(header, cells))) for cells in reader
            if any(c.strip() for c in cells)]
    return header, rows


def table(path: Path, where: str, columns: Callable[[list[str]], tuple[str, ...]], expected: str
           ) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file (line number, the stripped cells of the columns that
    ``columns(header)`` asks for), blank lines skipped; a missing column or a row with the
    wrong number of fields is a :class:`DataError`. ``expected`` describes the columns."""
    reader = csv.reader(io.StringIO(read_text(path, where, DataError), newline=""))
    header = [h.strip() for h in next(reader, [])]
    wanted = columns(header)
    missing = [c for c in wanted if c not in header]
    if missing:
        raise DataError(where, "header", f"expected columns {expected} (missing "
                        f"{', '.join(missing)}; found {', '.join(header) or 'none'})")
    cols = {c: header.index(c) for c in wanted}
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise DataError(where, f"row {reader.line_num}", f"expected {len(header)} fields as in "
                            f"the header (got {len(cells)})")
        yield reader.line_num, {c: cells[j].strip() for c, j in cols.items()}


def read_panel(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read a panel of annual series for backtests: columns ``series_id``, ``year`` (or
    ``t``) and ``value``; other columns are ignored.

    Returns series id -> (years, values), sorted by year, in order of first appearance.
    Values must be numbers > 0 (the models work on logs); a repeated (series, year),
    a missing column or a malformed cell is a :class:`DataError` naming the row.
    """
    where = display_path(path)
    series: dict[str, dict[int, float]] = {}
    for i, cell in table(path, where, lambda h: ("series_id", "year" if "year" in h else "t", "value"),
                          "series_id, year (or t), value"):
        time_col = "year" if "year" in cell else "t"
        sid, t_text, v_text = cell["series_id"], cell[time_col], cell["value"]
        if not sid:
            raise DataError(where, f"row {i}", "series_id is empty")
        try:
            t = int(t_text)
            if abs(t) > 1_000_000:
                raise ValueError
        except ValueError:
            raise DataError(where, f"row {i}", f"{time_col} must be a whole number up to a million "
                            f"(got {t_text!r})") from None
        try:
            v = float(v_text)
        except ValueError:
            raise DataError(where, f"row {i}", f"value must be a number (got {v_text!r})") from None
        if not (np.isfinite(v) and v > 0):
            raise DataError(where, f"row {i}", f"value must be a finite number > 0, as the models "
                            f"work on logs (got {v_text!r})")
        years = series.setdefault(sid, {})
        if t in years:
            raise DataError(where, f"row {i}", f"{sid} {time_col} {t} appears twice")
        years[t] = v
    if not series:
        raise DataError(where, "", "no data rows")
    return {sid: (np.array(sorted(ys), dtype=np.int64), np.array([ys[k] for k in sorted(ys)]))
            for sid, ys in series.items()}


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- writing ----------------------------------------------------------------------------

def temp_beside(folder: Path, name: str, data: bytes, mode: int | None = None) -> Path:
    """``data`` in a new temporary file in ``folder`` (``.name.*.tmp``), flushed to disk, for
    an atomic ``os.replace`` onto ``folder / name``; nothing is left behind if writing fails.
    ``mode``: the file's permissions (mkstemp makes 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_files(folder: Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write several files into ``folder`` atomically, all or none.

    Each file is written to a temporary name in the same folder, flushed to disk,
    then renamed over its final name; if anything fails before the renames, the
    temporaries are removed and no file is changed.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ForecastError(str(folder), "", f"cannot create the output folder "
                            f"({e.strerror})") from None
    for name in files:
        target = folder / name
        if target.exists() and not target.is_file():
            raise ForecastError(str(target), "", "exists and is not a file; nothing was written")
    umask = os.umask(0)
    os.umask(umask)
    temps: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            temps.append((name, temp_beside(folder, name, data, 0o666 & ~umask)))
    except BaseException as e:
        for _, made in temps:
            made.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise ForecastError(str(folder), "", f"cannot write there ({e.strerror})") from None
        raise
    out = []
    try:
        for name, made in temps:
            os.replace(made, folder / name)
            out.append(folder / name)
    except OSError as e:  # checked above, so only a race or a full disk gets here
        for _, made in temps:
            made.unlink(missing_ok=True)
        raise ForecastError(str(folder), "", f"cannot replace files there ({e.strerror}); "
                            f"{len(out)} of {len(temps)} were written") from None
    return out
