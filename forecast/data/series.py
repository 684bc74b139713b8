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

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from forecast.data.table import (
    BASIS_ORDER,
    Figure,
    Period,
    TradeData,
)
from forecast.errors import DataError

Measure = Literal["turnover", "exports", "imports"]

MEASURE_FLOW: dict[str, str] = {"exports": "export", "imports": "import"}


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
