"""National statistics tables (Excel or CSV) read through a small YAML mapping file.

Statistics offices publish tables of countries (rows) by period and flow (columns), with
merged header cells, thousand-dollar units and footnote marks. A mapping file says where
things are; every key is checked and an unknown key is an error::

    # mappings/kgz-nsc-by-country.yaml
    source: "National Statistical Committee of the Kyrgyz Republic, table 'Foreign trade by
             country', https://stat.gov.kg/..."   # publisher, table, page: kept on every row
    published: 2024-02-15          # the table's release date (its vintage)
    reporter: KGZ                  # whose statistics
    basis: national-statistics
    sheet: 1                       # name or number from 1 (Excel); CSV files have one
    unit_multiplier: 1000          # thousand US$ -> US$
    unit_check: {cell: A2, contains: "тыс. долларов США"}   # refuse a table in other units
    partner_column: A              # the column of country names
    partners: {Казахстан: KAZ}     # the rows to import: label -> ISO3
    period_row: 3                  # header row of periods (merged cells fill across)
    flow_row: 4                    # header row of flows
    flows: {Экспорт: export, Импорт: import, Товарооборот: turnover}
    periods: {"январь-август 2025": "2025-01..2025-08"}  # labels that are not a plain year
    decimal_comma: true            # 1 234,5
    footnotes: {"*": preliminary}  # a mark after a value -> a flag on the row

Instead of ``period_row`` a table of one period can say ``period: "2023"``. In the period
row an empty cell takes the label on its left, as a merged cell saved as CSV needs. Columns whose
flow label is not under ``flows`` (shares, growth rates) are ignored. Labels are compared
without case, surrounding spaces, repeated spaces or footnote marks.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from forecast.data import codes
from forecast.data.importers import Options, Problems, Record, Skipped
from forecast.data.importers.tables import Grid, amount, column_number, read_grid, usd
from forecast.errors import DataError, Problem

MISSING = ("", "-", "–", "—", "…", "...", "x", "х")  # the last is Cyrillic


class UnitCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cell: str = Field(pattern=r"^[A-Za-z]{1,3}[1-9][0-9]*$", description="A cell such as A2.")
    contains: str = Field(min_length=1)


class Mapping(BaseModel):
    """The mapping file's keys (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=3)
    published: dt.date | None = None
    reporter: str
    basis: Literal["national-statistics", "official-statement"] = "national-statistics"
    sheet: str | int | None = None
    unit_multiplier: float = Field(gt=0)
    unit_check: UnitCheck | None = None
    partner_column: str | int
    partners: dict[str, str] = Field(min_length=1)
    period_row: int | None = Field(default=None, ge=1)
    period: str | None = None
    flow_row: int = Field(ge=1)
    flows: dict[str, Literal["export", "import", "turnover", "re-export", "re-import"]] = Field(
        min_length=1)
    periods: dict[str, str] = Field(default_factory=dict)
    first_data_row: int | None = Field(default=None, ge=1)
    decimal_comma: bool = False
    footnotes: dict[str, str] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=lambda: list(MISSING))

    @field_validator("reporter")
    @classmethod
    def _reporter(cls, v: str) -> str:
        if not codes.is_country(v):
            raise ValueError(f"expected an ISO3 country code (got {v!r})")
        return v

    @field_validator("partners")
    @classmethod
    def _partners(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [f"{k}: {c!r}" for k, c in v.items() if not codes.is_country(c)]
        if bad:
            raise ValueError(f"expected ISO3 country codes (got {', '.join(bad)})")
        return v

    @model_validator(mode="after")
    def _not_itself(self) -> Mapping:
        same = [k for k, c in self.partners.items() if c == self.reporter]
        if same:
            raise ValueError(f"partners: {', '.join(repr(x) for x in same)} is the reporter "
                             f"{self.reporter} itself (trade of a country with itself)")
        return self

    @field_validator("unit_multiplier")
    @classmethod
    def _power_of_ten(cls, v: float) -> float:
        if v < 1 or not float(v).is_integer() or str(int(v)).rstrip("0") != "1":
            raise ValueError(f"expected a power of ten such as 1, 1000 or 1000000 (got {v!r})")
        return v


def _problems(exc: ValidationError, where: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("function-", "literal[")))
        if err["type"] == "extra_forbidden":
            msg = f"unknown key (expected one of {', '.join(Mapping.model_fields)})"
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"].removeprefix("Value error, ")
            if "(got" not in msg and not isinstance(err.get("input"), (dict, list)):
                msg += f" (got {err.get('input')!r})"
        out.append(Problem(where, key, msg))
    return out


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem is listed, with its key."""
    from forecast.data import files

    where = files.display_path(path)
    raw = files.parse_yaml(files.read_text(path, where, DataError), where)
    if not isinstance(raw, dict):
        raise DataError(where, "", "expected a mapping of keys (source, reporter, ...)")
    try:
        m = Mapping.model_validate(raw)
    except ValidationError as exc:
        raise DataError(where, problems=_problems(exc, where)) from None
    if (m.period_row is None) == (m.period is None):
        raise DataError(where, "period_row", "give period_row (a header row of periods) or period "
                        "(one period for the whole table), one of them")
    return m


def _norm(text: str, marks: dict[str, str] | None = None) -> str:
    t = " ".join(text.split()).lower()
    for mark in marks or {}:
        t = t.removesuffix(mark.lower()).strip()
    return t


def cell_ref(row: int, col: int) -> str:
    """``C7`` from 1-based row and column."""
    letters = ""
    while col:
        col, r = divmod(col - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row}"


def _period(label: str, m: Mapping, where: str, at: str) -> str:
    from forecast.data.table import parse_period

    mapped = {_norm(k): v for k, v in m.periods.items()}
    text = mapped.get(_norm(label))
    if text is None:
        hit = re.fullmatch(r"(\d{4})(\s*(г\.?|год|year))?", _norm(label))
        if not hit:
            raise DataError(where, at, f"period label {label!r} is not a year: say what it is "
                            "under periods: in the mapping file")
        text = hit.group(1)
    try:
        parse_period(text)
    except ValueError as e:
        raise DataError(where, at, str(e)) from None
    return text


def _check_units(grid: Grid, m: Mapping, where: str, sheet: str) -> None:
    """The mapping's unit_check: the named cell must contain the expected units."""
    if not m.unit_check:
        return
    ref = m.unit_check.cell.upper()
    col = column_number(re.match(r"[A-Z]+", ref).group())  # type: ignore[union-attr]
    row = int(ref[len(re.match(r"[A-Z]+", ref).group()):])  # type: ignore[union-attr]
    found = grid.cell(row, col)
    if _norm(m.unit_check.contains) not in _norm(found):
        raise DataError(where, f"{sheet}{ref}", f"expected the units {m.unit_check.contains!r} "
                        f"(as the mapping's unit_check says; found {found!r}): the table "
                        "may be in other units")


def _columns(grid: Grid, m: Mapping, pcol: int, where: str, sheet: str, mapping_path: Path
             ) -> list[tuple[int, str, str]]:
    """The table's value columns: (column, flow, period), from the flow and period headers."""
    flows = {_norm(k): v for k, v in m.flows.items()}
    columns: list[tuple[int, str, str]] = []  # (col, flow, period)
    period_label = ""
    for c in range(1, grid.n_cols + 1):
        if m.period_row is not None and c != pcol:
            # an empty header cell belongs to the label on its left (a merged cell saved as CSV)
            period_label = grid.cell(m.period_row, c) or period_label
        if c == pcol:
            continue
        flow = flows.get(_norm(grid.cell(m.flow_row, c)))
        if flow is None:
            continue
        if m.period_row is not None:
            per = _period(period_label, m, where, f"{sheet}{cell_ref(m.period_row, c)}")
        else:
            per = _period(m.period or "", m, str(mapping_path), "period")
        columns.append((c, flow, per))
    if not columns:
        labels = sorted({grid.cell(m.flow_row, c) for c in range(1, grid.n_cols + 1)} - {""})
        raise DataError(where, f"{sheet}row {m.flow_row}", f"no column's flow label is under flows: "
                        f"in the mapping (found {', '.join(repr(x) for x in labels[:8]) or 'nothing'})")
    return columns


def read(path: Path, mapping_path: Path, opts: Options, skipped: Skipped) -> list[Record]:
    """Records of one national table, as its mapping file says."""
    m = load_mapping(mapping_path)
    grid = read_grid(path, opts.where, m.sheet)
    excel = path.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    sheet = f"sheet {m.sheet!r} " if m.sheet is not None and excel else ""
    where = opts.where
    _check_units(grid, m, where, sheet)
    try:
        pcol = column_number(m.partner_column)
    except ValueError as e:
        raise DataError(str(mapping_path), "partner_column", str(e)) from None
    partners = {_norm(k): v for k, v in m.partners.items()}
    first = m.first_data_row or max(m.flow_row, m.period_row or 0) + 1
    columns = _columns(grid, m, pcol, where, sheet, mapping_path)
    published = opts.published or (m.published.isoformat() if m.published else "")
    mult = Decimal(int(m.unit_multiplier))
    unit = "US$" if mult == 1 else f"×{mult:,} to US$"
    out: list[Record] = []
    found_partners = set()
    problems = Problems(where)
    rows = [r for r in range(first, grid.n_rows + 1)
            if _norm(grid.cell(r, pcol), m.footnotes) in partners]
    # A row with a value right of the header's last labelled column is shifted.
    header_rows = [x for x in (m.period_row, m.flow_row) if x is not None]
    last = max((c for c in range(1, grid.n_cols + 1) for x in header_rows if grid.cell(x, c)), default=0)
    for r in rows:
        partner = partners[_norm(grid.cell(r, pcol), m.footnotes)]
        found_partners.add(partner)
        beyond = [c for c in range(last + 1, grid.n_cols + 1) if grid.cell(r, c)]
        if beyond:
            problems.found.append(Problem(where, f"{sheet}{cell_ref(r, beyond[0])}", "a value right of "
                                          f"the last labelled column ({cell_ref(1, last)[:-1]}): "
                                          "the row may be shifted"))
            continue
        for c, flow, per in columns:
            ref = f"{sheet}{cell_ref(r, c)}"
            text = grid.cell(r, c)
            flags = []
            for mark, flag in m.footnotes.items():
                if text.endswith(mark):
                    text = text[: -len(mark)].strip()
                    flags.append(flag)
            value = None
            with problems.row():
                value = amount(text, where, ref, empty=m.missing, decimal_comma=m.decimal_comma)
                if value is None:
                    skipped.add("empty or '-' cells")
            if value is None:
                continue
            source = opts.source_text(f"{m.source}; {Path(where).name} "
                      f"{ref} ({unit})")
            out.append(Record(m.reporter, partner, flow, per, usd(value, mult), m.basis, published,
                              source, ref, flags=";".join(flags)))
    problems.check()
    missing = sorted(set(m.partners.values()) - found_partners)
    if missing:
        labels = [k for k, v in m.partners.items() if v in missing]
        raise DataError(where, f"{sheet}column {cell_ref(1, pcol)[:-1]}", "no row labelled "
                        f"{', '.join(repr(x) for x in labels)} below row {first - 1}")
    return out
