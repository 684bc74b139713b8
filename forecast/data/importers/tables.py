"""Reading the files users bring: CSV and JSON records, and Excel or CSV grids.

Everything here turns bytes into cells and checks their shape; what the cells mean is
the format modules' job. Rows are numbered as a spreadsheet shows them (header = row 1).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from forecast.errors import DataError

#: Encodings tried in turn for CSV files: UTF-8 (with or without a byte-order mark), then the
#: Cyrillic Windows code page that Russian-language statistics offices often use.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "cp1251")


def decode(path: Path, where: str) -> str:
    """The text of a CSV file (see :data:`ENCODINGS`)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError(where, "", f"cannot read the file ({e.strerror})") from None
    if not raw.strip():
        raise DataError(where, "", "the file is empty")
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataError(where, "", "expected text in UTF-8 or Windows-1251 (found neither)")


@dataclass(frozen=True)
class Records:
    """Rows of a table with a header: ``rows[i]`` maps column name to its text."""

    header: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    numbers: tuple[int, ...]  # each row's line (or record number for JSON)
    kind: str = "row"          # "row" for CSV lines, "record" for JSON records

    def where(self, i: int, column: str = "") -> str:
        return f"{self.kind} {self.numbers[i]}" + (f", {column}" if column else "")

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(enumerate(self.rows))


def delimiter(text: str) -> str:
    """The field separator of a CSV text: a tab or a semicolon where the first lines hold
    one (statistics offices that write decimal commas separate fields by these), else a
    comma."""
    sample = text[:4096]
    return "\t" if "\t" in sample else ";" if ";" in sample else ","


def csv_records(text: str, where: str) -> Records:
    """A CSV table with one header line; every row must have as many fields as the header
    (a mismatch usually means shifted columns, so it is an error, not a guess)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    header = tuple(h.strip() for h in next(reader, []))
    if not any(header):
        raise DataError(where, "", "the file is empty")
    dup = sorted({h for h in header if h and header.count(h) > 1})
    if dup:
        raise DataError(where, "header", f"column(s) named twice: {', '.join(dup)}")
    rows, numbers = [], []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        n = reader.line_num
        if len(cells) != len(header):
            raise DataError(where, f"row {n}", f"expected {len(header)} fields as in the header "
                            f"(got {len(cells)}); the columns may be shifted")
        rows.append({h: c.strip() for h, c in zip(header, cells)})
        numbers.append(n)
    if not rows:
        raise DataError(where, "", "no data rows below the header")
    return Records(header, tuple(rows), tuple(numbers))


def json_records(text: str, where: str) -> Records:
    """JSON records: a list of objects, or an API response ``{"data": [...]}``. Every record
    must have the same keys (the first record's keys are the header)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(where, f"line {e.lineno}", f"expected JSON ({e.msg})") from None
    if isinstance(doc, dict):
        if doc.get("error"):
            raise DataError(where, "error", f"the file is an API error response: {doc['error']}")
        doc = doc.get("data")
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise DataError(where, "", "expected a list of records, or an object with a \"data\" list")
    if not doc:
        raise DataError(where, "", "no records")
    header = tuple(doc[0])
    rows = []
    for i, rec in enumerate(doc, start=1):
        if set(rec) != set(header):
            extra = sorted(set(rec) - set(header))
            missing = sorted(set(header) - set(rec))
            raise DataError(where, f"record {i}", "expected the same fields as record 1 "
                            f"(missing {', '.join(missing) or 'none'}; extra {', '.join(extra) or 'none'})")
        rows.append({k: "" if v is None else str(v).strip() for k, v in rec.items()})
    return Records(header, tuple(rows), tuple(range(1, len(rows) + 1)), kind="record")


def read_records(path: Path, where: str) -> Records:
    """CSV or JSON records, by the file's first character."""
    text = decode(path, where)
    return json_records(text, where) if text.lstrip()[:1] in "[{" else csv_records(text, where)


def require(records: Records, columns: Sequence[str], where: str, fmt: str) -> None:
    """Fail unless every column is in the header."""
    missing = [c for c in columns if c not in records.header]
    if missing:
        shown = ", ".join(records.header[:8]) + (", ..." if len(records.header) > 8 else "")
        article = "an" if fmt[:1].upper() in "AEIOU" else "a"
        raise DataError(where, "header", f"not {article} {fmt} file: missing column(s) {', '.join(missing)} "
                        f"(found {shown})")


# --- numbers ----------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def number(text: str, *, decimal_comma: bool = False) -> Decimal:
    """A decimal number from a cell: spaces (also non-breaking) and apostrophes between
    thousands are dropped; with ``decimal_comma`` a comma is the decimal mark.

    Raises
    ------
    ValueError
        If the text is not a finite number.
    """
    t = _SPACES.sub("", text)
    if decimal_comma:
        t = t.replace(".", "").replace(",", ".") if t.count(",") == 1 else t
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise ValueError(text) from None
    if not d.is_finite():
        raise ValueError(text)
    return d


def amount(text: str, where: str, at: str, *, empty: Sequence[str] = (),
           decimal_comma: bool = False, what: str = "a number") -> Decimal | None:
    """A non-negative amount from a cell; None for a cell in ``empty``.

    Raises
    ------
    DataError
        Naming ``where`` and ``at`` for text or a negative number.
    """
    if text.strip() in empty:
        return None
    try:
        v = number(text, decimal_comma=decimal_comma)
    except ValueError:
        raise DataError(where, at, f"expected {what} (got {text!r})") from None
    if v < 0:
        raise DataError(where, at, f"expected a non-negative value (got {text!r})")
    return v


def usd(value: Decimal, multiplier: Decimal) -> str:
    """``value × multiplier`` written exactly, without exponent or trailing zeros."""
    v = (value * multiplier).normalize()
    text = format(v, "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


# --- grids (national tables) ------------------------------------------------------------------

@dataclass(frozen=True)
class Grid:
    """A sheet as rows of cell texts, merged ranges filled with their top-left value."""

    where: str
    cells: tuple[tuple[str, ...], ...]

    def cell(self, row: int, col: int) -> str:
        """Cell at 1-based row and column ('' outside the sheet)."""
        if 1 <= row <= len(self.cells) and 1 <= col <= len(self.cells[row - 1]):
            return self.cells[row - 1][col - 1]
        return ""

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.cells), default=0)


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def _fill(rows: list[list[str]], merged: Sequence[tuple[int, int, int, int]]) -> tuple[tuple[str, ...], ...]:
    """Copy each merged range's top-left value into its cells (0-based, end exclusive)."""
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r.extend([""] * (width - len(r)))
    for r0, r1, c0, c1 in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0]
        for i in range(r0, min(r1, len(rows))):
            for j in range(c0, min(c1, width)):
                rows[i][j] = value
    return tuple(tuple(r) for r in rows)


def column_number(ref: str | int) -> int:
    """1-based column from a letter reference (``A``, ``AB``) or a number."""
    if isinstance(ref, int):
        return ref
    n = 0
    for ch in ref.strip().upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"expected a column letter such as A or a number (got {ref!r})")
        n = n * 26 + ord(ch) - 64
    return n


def read_grid(path: Path, where: str, sheet: str | int | None) -> Grid:
    """The cells of a sheet (.xlsx through openpyxl, .xls through xlrd) or of a CSV file.

    ``sheet`` is a name or a 1-based number (default: the first sheet); CSV files have one.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, where, sheet)
    if suffix == ".xls":
        return _xls(path, where, sheet)
    text = decode(path, where)
    rows = [list(map(str.strip, r)) for r in csv.reader(io.StringIO(text, newline=""),
                                                         delimiter=delimiter(text))]
    return Grid(where, _fill(rows, ()))


def _pick_sheet(names: list[str], sheet: str | int | None, where: str) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int):
        if 1 <= sheet <= len(names):
            return sheet - 1
    elif sheet in names:
        return names.index(sheet)
    raise DataError(where, "sheet", f"no sheet {sheet!r} (the workbook has: "
                    f"{', '.join(repr(n) for n in names)})")


def _xlsx(path: Path, where: str, sheet: str | int | None) -> Grid:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a core dependency
        raise DataError(where, "", "reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise DataError(where, "", f"not a readable .xlsx workbook ({type(e).__name__}: {e})") from None
    ws = wb.worksheets[_pick_sheet(wb.sheetnames, sheet, where)]
    rows = [[_text(v) for v in r] for r in ws.iter_rows(values_only=True)]
    merged = [(m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in ws.merged_cells.ranges]
    return Grid(where, _fill(rows, merged))


def _xls(path: Path, where: str, sheet: str | int | None) -> Grid:
    try:
        import xlrd
    except ImportError:  # pragma: no cover - a core dependency
        raise DataError(where, "", "reading .xls needs xlrd (pip install xlrd)") from None
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception as e:  # xlrd raises XLRDError and others for a broken file
        raise DataError(where, "", f"not a readable .xls workbook ({type(e).__name__}: {e})") from None
    ws = book.sheet_by_index(_pick_sheet(book.sheet_names(), sheet, where))
    rows = [[_text(ws.cell_value(r, c)) for c in range(ws.ncols)] for r in range(ws.nrows)]
    return Grid(where, _fill(rows, list(ws.merged_cells)))
