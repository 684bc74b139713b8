"""Trade data in the long format, and the annual series a run uses.

The long table (DESIGN.md section 2) has one row per figure:
``reporter, partner, flow, period, value_usd, basis, published, source``
plus the optional ``flags`` and ``note``. :func:`parse_table` checks every row;
:func:`select` picks, for one reporter and measure, the figure each year uses.

Selection rules (also in data/README.md)
----------------------------------------
1. Only figures public by ``as_of`` are used. A figure's publication date is its
   ``published`` value (a month means its last day); where that is empty the
   figure is assumed public ``lag_months`` after its period ends (the
   publication-lag rule), and the run reports how often the rule was applied.
2. For one reporter, flow and period, bases are preferred in the order
   :data:`BASIS_ORDER`; within a basis a figure flagged ``first-release`` loses
   to any other, then the latest publication wins, so a revision beats its
   first release. Figures with a flag in ``exclude_flags`` (by default
   ``lower-bound`` and ``basis-unclear``) are left out, and the run says so.
3. Turnover is export + import of the same reporter, each picked by rule 2. A
   published turnover total is used only where export or import is missing.
4. Year-to-date totals (``YYYY-01..YYYY-MM``) are kept apart from annual figures.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from forecast.data.codes import is_country
from forecast.errors import DataError

Flow = Literal["export", "import", "turnover"]
Measure = Literal["turnover", "exports", "imports"]

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
MEASURE_FLOW: dict[str, str] = {"exports": "export", "imports": "import"}

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
        bad = len(problems)
        cells = {k: (raw.get(k) or "").strip() for k in (*COLUMNS, *OPTIONAL_COLUMNS)}
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
            continue
        fig = Figure(
            row=i, reporter=cells["reporter"], partner=cells["partner"], flow=cells["flow"],
            period=period, value=value, basis=cells["basis"], published=published,
            source=cells["source"],
            flags=tuple(f for f in cells["flags"].split(";") if f.strip()),
            note=cells["note"], published_text=cells["published"],
        )
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


@dataclass(frozen=True)
class Used:
    """The figure(s) behind one observation of a series."""

    period: Period
    value: float
    figures: tuple[Figure, ...]


@dataclass(frozen=True, eq=False)
class TradeSeries:
    """An annual series of one measure on one reporter's statistics, log-modelled.

    ``years`` and ``values`` are read-only arrays; years may have gaps.
    """

    years: np.ndarray
    values: np.ndarray
    reporter: str
    partner: str
    measure: str
    file: str
    as_of: dt.date | None = None
    used: tuple[Used, ...] = ()
    ytd: tuple[Used, ...] = ()  # year-to-date figures (January..month k), any year
    notes: tuple[str, ...] = ()
    lag_rule_applied: int = 0
    lag_months: int = 12
    unavailable: tuple[Figure, ...] = field(default=())
    revisions: tuple[float, ...] = ()  # the data file's log revisions (revision_record)

    def __post_init__(self) -> None:
        years = np.asarray(self.years, dtype=np.int64)
        values = np.asarray(self.values, dtype=float)
        years.setflags(write=False)
        values.setflags(write=False)
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "values", values)

    @property
    def last_year(self) -> int:
        return int(self.years[-1])

    @property
    def last_value(self) -> float:
        return float(self.values[-1])

    @property
    def gaps(self) -> list[tuple[int, int]]:
        """(from, to) year pairs with missing years between them."""
        y = self.years
        return [(int(a), int(b)) for a, b in zip(y[:-1], y[1:]) if b - a > 1]


def _pick(cands: list[Figure], lag: int) -> Figure:
    """Best figure: preferred basis; within it, a figure flagged ``first-release`` loses to
    any other (its revision, whose date may only be assumed); then the latest publication;
    then a known date over an assumed one."""
    return min(cands, key=lambda f: (BASIS_ORDER.index(f.basis), "first-release" in f.flags,
                                     -f.public_from(lag).toordinal(), f.published is None, f.row))


def revision_record(data: TradeData, as_of: dt.date | None = None, lag_months: int = 12
                    ) -> tuple[float, ...]:
    """Log revisions, log(later / first), of every figure flagged ``first-release`` that has a
    later figure (published later, not a first release) for the same reporter, partner, flow
    and annual period; the latest such figure is the revised value. With ``as_of``, only
    revisions public by then (publication-lag rule where the date is unknown)."""
    out = []
    figures = [f for f in data.figures if as_of is None or f.public_from(lag_months) <= as_of]
    for f in figures:
        if "first-release" not in f.flags or f.period.kind != "year":
            continue
        later = [g for g in figures if g is not f and "first-release" not in g.flags
                 and (g.reporter, g.partner, g.flow, g.period) == (f.reporter, f.partner, f.flow, f.period)
                 and (f.published is None or g.published is None or g.published > f.published)]
        if later:
            g = max(later, key=lambda g: g.published or dt.date.max)
            out.append(math.log(g.value / f.value))
    return tuple(out)


def select(data: TradeData, reporter: str, measure: Measure = "turnover", *,
           partner: str | None = None, as_of: dt.date | None = None, lag_months: int = 12,
           start: int | None = None, end: int | None = None,
           exclude_flags: Sequence[str] = ()) -> TradeSeries:
    """The annual series of ``measure`` on ``reporter``'s statistics, by the selection rules.

    Raises
    ------
    DataError
        If the reporter or partner is not in the file, or nothing is left.
    """
    mine = [f for f in data.figures if f.reporter == reporter]
    if not mine:
        raise DataError(data.file, "reporter", f"no figures reported by {reporter!r} "
                        f"(the file has: {', '.join(data.reporters)})")
    partners = sorted({f.partner for f in mine})
    if partner is None:
        if len(partners) > 1:
            raise DataError(data.file, "partner", f"{reporter} reports several partners "
                            f"({', '.join(partners)}): name one with data.partner")
        partner = partners[0]
    elif partner not in partners:
        raise DataError(data.file, "partner", f"{reporter} reports no figures for partner "
                        f"{partner!r} (found: {', '.join(partners)})")
    mine = [f for f in mine if f.partner == partner]
    excluded = [f for f in mine if set(f.flags) & set(exclude_flags)]
    mine = [f for f in mine if f not in excluded]
    public = [f for f in mine if as_of is None or f.public_from(lag_months) <= as_of]
    unavailable = tuple(f for f in mine if f not in public)

    by_key: dict[tuple[Period, str], list[Figure]] = {}
    for f in public:
        by_key.setdefault((f.period, f.flow), []).append(f)

    flows = ("export", "import") if measure == "turnover" else (MEASURE_FLOW[measure],)
    periods = sorted({p for p, _ in by_key if p.kind in ("year", "ytd")})
    annual: list[Used] = []
    ytd: list[Used] = []
    for p in periods:
        parts = [by_key.get((p, fl)) for fl in flows]
        if all(parts):
            chosen = tuple(_pick(c, lag_months) for c in parts)  # type: ignore[arg-type]
        elif measure == "turnover" and (p, "turnover") in by_key:
            chosen = (_pick(by_key[(p, "turnover")], lag_months),)
        else:
            continue
        used = Used(p, float(sum(f.value for f in chosen)), chosen)
        (annual if p.kind == "year" else ytd).append(used)
    if start is not None:
        annual = [u for u in annual if u.period.year >= start]
    if end is not None:
        annual = [u for u in annual if u.period.year <= end]
    if not annual:
        when = f" published by {as_of.isoformat()}" if as_of else ""
        raise DataError(data.file, "", f"no annual {measure} figures for {reporter}–{partner}"
                        f"{when}")
    notes = _selection_notes(annual)
    if as_of is not None:
        notes += _superseded_notes(annual, unavailable, as_of, lag_months)
    for f in excluded:
        if as_of is not None and f.public_from(lag_months) > as_of:
            continue
        notes.append(f"{f.period} {f.flow} {f.value / 1e6:,.1f}m ({f.basis}) left out: flagged "
                     f"{', '.join(sorted(set(f.flags) & set(exclude_flags)))} "
                     "(data.exclude_flags)")
    lag_applied = sum(1 for u in (*annual, *ytd) for f in u.figures if f.published is None)
    return TradeSeries(
        years=np.array([u.period.year for u in annual]),
        values=np.array([u.value for u in annual]),
        reporter=reporter, partner=partner, measure=measure, file=data.file, as_of=as_of,
        used=tuple(annual), ytd=tuple(ytd), notes=tuple(notes),
        lag_rule_applied=lag_applied, lag_months=lag_months, unavailable=unavailable,
        revisions=revision_record(data, as_of, lag_months),
    )


def _selection_notes(annual: list[Used]) -> list[str]:
    notes = []
    spans: dict[str, list[int]] = {}
    for u in annual:
        for f in u.figures:
            spans.setdefault(f.basis, []).append(u.period.year)
    if len(spans) > 1:
        parts = [f"{b} {years_text(sorted(set(ys)))}" for b, ys in spans.items()]
        notes.append("bases mixed: " + "; ".join(parts))
        for a, b in zip(annual[:-1], annual[1:]):
            ba, bb = {f.basis for f in a.figures}, {f.basis for f in b.figures}
            if ba != bb:
                notes.append(f"basis changes between {a.period} and {b.period} "
                             f"({'+'.join(sorted(ba))} to {'+'.join(sorted(bb))}): growth "
                             "across it mixes two sources")
    for u in annual:
        flags = sorted({fl for f in u.figures for fl in f.flags})
        if flags:
            extra = (" (export and import swapped between sources; their sum is unaffected)"
                     if flags == ["swapped"] and len(u.figures) == 2 else "")
            notes.append(f"{u.period}: figure flagged {', '.join(flags)}{extra}")
        if u.figures[0].flow == "turnover":
            notes.append(f"{u.period}: only a published turnover total is available")
    return notes


def _superseded_notes(annual: list[Used], unavailable: Sequence[Figure], as_of: dt.date,
                      lag_months: int) -> list[str]:
    """Figures a run could not use because they became public after ``as_of`` (and that
    differ by more than rounding from what it used)."""
    def when(f: Figure) -> str:
        return (f"published {f.published_text}" if f.published_text
                else f"assumed public {f.public_from(lag_months).isoformat()}")

    notes = []
    for u in annual:
        for fig in u.figures:
            later = [f for f in unavailable if f.period == u.period]
            same = [f for f in later if f.flow == fig.flow]
            parts = {f.flow: f for f in later if f.flow in ("export", "import")}
            if fig.flow == "turnover" and len(parts) == 2:
                total = parts["export"].value + parts["import"].value
                same.append(dataclasses.replace(parts["export"], flow="turnover", value=total))
            for f in same:
                if abs(f.value - fig.value) > 5e-4 * fig.value:
                    notes.append(f"{u.period} {fig.flow}: used {fig.value / 1e6:,.1f}m "
                                 f"({fig.basis}); {f.value / 1e6:,.1f}m ({f.basis}, {when(f)}) "
                                 f"was not yet public on {as_of.isoformat()}")
    return notes


def years_text(years: list[int]) -> str:
    """``[1994, 1995, 1996, 2001]`` as ``1994–1996, 2001``."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


def from_history(history: Mapping[Period, float], where: str) -> TradeSeries:
    """A series from a scenario's inline ``history`` (values in US dollars)."""
    annual = sorted((p, v) for p, v in history.items() if p.kind == "year")
    ytd = [Used(p, v, ()) for p, v in sorted(history.items()) if p.kind == "ytd"]
    return TradeSeries(
        years=np.array([p.year for p, _ in annual], dtype=np.int64),
        values=np.array([v for _, v in annual], dtype=float),
        reporter="", partner="", measure="turnover", file=where,
        used=tuple(Used(p, v, ()) for p, v in annual), ytd=tuple(ytd),
    )
