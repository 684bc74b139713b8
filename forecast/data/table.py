"""The long table of trade figures (DESIGN.md section 2): one row per figure,
``reporter, partner, flow, period, value_usd, basis, published, source`` plus the optional
``flags`` and ``note``. :func:`parse_table` checks every row; periods are years, months or
year-to-date ranges (:class:`Period`)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from forecast.data.codes import is_country
from forecast.errors import DataError

Flow = Literal["export", "import", "turnover"]


#: Kinds of figure, most trusted first. The order decides between figures for one period.
BASIS_ORDER: tuple[str, ...] = (
    "national-statistics",
    "un-comtrade",
    "imf-imts",
    "imf-dots",
    "official-statement",
    "imf-estimate",
)


#: Re-exports and re-imports are kept apart: turnover is export + import.
FLOWS: tuple[str, ...] = ("export", "import", "turnover", "re-export", "re-import")


COLUMNS: tuple[str, ...] = (
    "reporter", "partner", "flow", "period", "value_usd", "basis", "published", "source",
)


OPTIONAL_COLUMNS: tuple[str, ...] = ("flags", "note")


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:\.\.(\d{4})-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A year, a month, or a cumulative year-to-date range (``2025-01..2025-08``)."""

    year: int
    first_month: int
    last_month: int
    kind: Literal["year", "month", "ytd"]

    @property
    def end(self) -> dt.date:
        """Last day of the period."""
        day = calendar.monthrange(self.year, self.last_month)[1]
        return dt.date(self.year, self.last_month, day)

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "month":
            return f"{self.year}-{self.last_month:02d}"
        return f"{self.year}-{self.first_month:02d}..{self.year}-{self.last_month:02d}"


def parse_period(text: str) -> Period:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-01..YYYY-MM``.

    Raises
    ------
    ValueError
        With a message saying what was expected.
    """
    m = _PERIOD.match(text.strip())
    if not m:
        raise ValueError(f"expected a period YYYY, YYYY-MM or YYYY-01..YYYY-MM (got {text!r})")
    year, month, year2, month2 = m.groups()
    y = int(year)
    if not 1900 <= y <= 2200:
        raise ValueError(f"expected a year between 1900 and 2200 (got {text!r})")
    if month is None and year2 is None:
        return Period(y, 1, 12, "year")
    if month is None or not 1 <= int(month) <= 12:
        raise ValueError(f"expected a month 01..12 (got {text!r})")
    if year2 is None:
        return Period(y, int(month), int(month), "month")
    if int(year2) != y or int(month) != 1 or not 1 <= int(month2) <= 12:
        raise ValueError(
            f"expected a year-to-date range YYYY-01..YYYY-MM within one year (got {text!r})"
        )
    return Period(y, 1, int(month2), "ytd")


def parse_published(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` as is, ``YYYY-MM`` as the month's last day, empty as ``None``."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}", text):
        y, m = int(text[:4]), int(text[5:])
        return dt.date(y, m, calendar.monthrange(y, m)[1])
    return dt.date.fromisoformat(text)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clipped to the month's end."""
    total = day.year * 12 + day.month - 1 + months
    y, m = divmod(total, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


@dataclass(frozen=True)
class Figure:
    """One row of the long table."""

    row: int
    reporter: str
    partner: str
    flow: str
    period: Period
    value: float
    basis: str
    published: dt.date | None
    source: str
    flags: tuple[str, ...] = ()
    note: str = ""
    published_text: str = ""  # as written in the file (a month stays a month)

    def public_from(self, lag_months: int) -> dt.date:
        """Publication date, or period end + lag where it is not known."""
        return self.published if self.published else add_months(self.period.end, lag_months)


@dataclass(frozen=True)
class TradeData:
    """All figures of one data file."""

    file: str
    figures: tuple[Figure, ...]

    @property
    def reporters(self) -> tuple[str, ...]:
        return tuple(sorted({f.reporter for f in self.figures}))


def _figure(i: int, cells: Mapping[str, str], today: dt.date, iso_ok: dict[str, bool],
            problems: list[tuple[str, str]]) -> Figure | None:
    """One row's figure, or None with its problems added (each naming the row and column)."""
    where = f"row {i}"
    bad = len(problems)
    for col in ("reporter", "partner"):
        code = cells[col]
        if code not in iso_ok:
            iso_ok[code] = bool(re.fullmatch(r"[A-Z]{3}", code)) and is_country(code)
        if not iso_ok[code]:
            problems.append((f"{where}, {col}",
                             f"expected an ISO 3166 alpha-3 country code (got {code!r})"))
    if cells["flow"] not in FLOWS:
        problems.append((f"{where}, flow",
                         f"expected one of {', '.join(FLOWS)} (got {cells['flow']!r})"))
    if cells["basis"] not in BASIS_ORDER:
        problems.append((f"{where}, basis",
                         f"expected one of {', '.join(BASIS_ORDER)} (got {cells['basis']!r})"))
    try:
        period = parse_period(cells["period"])
    except ValueError as e:
        problems.append((f"{where}, period", str(e)))
    try:
        value = float(cells["value_usd"])
        if not math.isfinite(value) or value < 0:
            raise ValueError
    except ValueError:
        problems.append((f"{where}, value_usd", "expected a non-negative number of US "
                         f"dollars (got {cells['value_usd']!r})"))
    try:
        published = parse_published(cells["published"])
        if published is not None and published > today and not (
            len(cells["published"]) == 7 and published.replace(day=1) <= today
        ):
            problems.append((f"{where}, published",
                             f"publication date is in the future (got {cells['published']}, "
                             f"today is {today.isoformat()})"))
    except ValueError:
        problems.append((f"{where}, published", "expected YYYY-MM-DD, YYYY-MM or empty "
                         f"(got {cells['published']!r})"))
    if len(problems) > bad:
        return None
    return Figure(
        row=i, reporter=cells["reporter"], partner=cells["partner"], flow=cells["flow"],
        period=period, value=value, basis=cells["basis"], published=published,
        source=cells["source"],
        flags=tuple(f for f in cells["flags"].split(";") if f.strip()),
        note=cells["note"], published_text=cells["published"],
    )


def parse_table(rows: Sequence[Mapping[str, str]], file: str, *,
                header: Sequence[str], today: dt.date | None = None,
                row_numbers: Sequence[int] | None = None) -> TradeData:
    """Check every row of a long table and return its figures.

    Rows are numbered as in the file: the header is row 1, and ``row_numbers`` gives
    each row's line where it is not simply the next one (blank lines skipped). Rejected: unknown
    reporter, partner (ISO 3166 alpha-3), flow or basis; an unparsable period or
    publication date; a negative, empty or non-numeric value; a publication date
    after ``today``; two different values for the same reporter, partner, flow,
    period, basis and publication date. Identical repeated rows are kept once.

    Raises
    ------
    DataError
        Listing every bad row, each with its row number and column.
    """
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataError(file, "header", f"missing column(s) {', '.join(missing)}; "
                        f"expected {', '.join(COLUMNS)} (found {', '.join(header) or 'nothing'})")
    today = today or dt.date.today()
    problems: list[tuple[str, str]] = []
    figures: list[Figure] = []
    seen: dict[tuple[object, ...], Figure] = {}
    iso_ok: dict[str, bool] = {}
    numbers = row_numbers if row_numbers is not None else range(2, len(rows) + 2)
    for i, raw in zip(numbers, rows, strict=True):
        where = f"row {i}"
        cells = {k: (raw.get(k) or "").strip() for k in (*COLUMNS, *OPTIONAL_COLUMNS)}
        fig = _figure(i, cells, today, iso_ok, problems)
        if fig is None:
            continue
        key = (fig.reporter, fig.partner, fig.flow, fig.period, fig.basis, fig.published)
        if key in seen:
            if seen[key].value != fig.value:
                problems.append((where, f"two values for {fig.reporter} {fig.flow} {fig.period} "
                                 f"({fig.basis}, published {cells['published'] or 'unknown'}): "
                                 f"{seen[key].value:.0f} in row {seen[key].row} and {fig.value:.0f}"))
            continue
        seen[key] = fig
        figures.append(fig)
    if problems:
        from forecast.errors import Problem

        raise DataError(file, problems=[Problem(file, k, m) for k, m in problems])
    if not figures:
        raise DataError(file, "", "no data rows")
    return TradeData(file=file, figures=tuple(figures))
