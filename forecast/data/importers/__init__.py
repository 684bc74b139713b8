"""Importers: the files users download (UN Comtrade, IMF, national tables) into the long format.

Each format module turns one file into :class:`Record` objects, one per figure, each
with its source, basis, unit conversion and vintage (``published``); :func:`read` picks
the module and keeps the rows of one country pair; :mod:`forecast.importers.merge`
merges them into a data file without losing or silently replacing rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from forecast.errors import DataError, Problem

#: ``--format`` values and what they read.
FORMATS: dict[str, str] = {
    "comtrade": "UN Comtrade (Comtrade Plus, API v1): the 47-field CSV download or JSON records",
    "comtrade-legacy": "UN Comtrade legacy CSV (35 columns, before 2023)",
    "imf-imts": "IMF International Trade in Goods by partner (IMTS): SDMX-CSV or the portal's wide CSV",
    "imf-dots": "IMF Direction of Trade Statistics, legacy CSV: \"timeSeries\" (wide) or \"panel\"",
    "mapping": "a national statistics table (Excel .xlsx/.xls or CSV) read through a mapping file",
}


@dataclass(frozen=True)
class Record:
    """One figure in the long format (DESIGN.md section 2), as text, with where it came from."""

    reporter: str
    partner: str
    flow: str
    period: str
    value_usd: str
    basis: str
    published: str
    source: str
    origin: str  # "row 12" / "record 3" / "Sheet1!C7" in the imported file
    flags: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        """What identifies a figure: two values for one key conflict."""
        return (self.reporter, self.partner, self.flow, self.period, self.basis, self.published)

    def row(self) -> dict[str, str]:
        return {"reporter": self.reporter, "partner": self.partner, "flow": self.flow,
                "period": self.period, "value_usd": self.value_usd, "basis": self.basis,
                "published": self.published, "source": self.source, "flags": self.flags,
                "note": self.note}


@dataclass
class Skipped:
    """Counts of input rows or values left out, by reason (said in the import's summary)."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str, n: int = 1) -> None:
        self.counts[reason] += n

    def lines(self) -> list[str]:
        return [f"{reason} ({n:,})" for reason, n in self.counts.most_common()]


#: Problems listed one per line before the rest are counted.
MAX_PROBLEMS = 20


@dataclass
class Problems:
    """Every problem of a file, one per row, so a user fixes them all in one pass.

    ``with problems.row():`` runs one row's checks; a :class:`DataError` there is kept and
    the next row is read. :meth:`check` raises them all together.
    """

    where: str
    found: list[Problem] = field(default_factory=list)

    @contextmanager
    def row(self) -> Iterator[None]:
        try:
            yield
        except DataError as e:
            self.found.extend(e.problems)

    def check(self) -> None:
        if not self.found:
            return
        shown = self.found[:MAX_PROBLEMS]
        if len(self.found) > MAX_PROBLEMS:
            shown.append(Problem(self.where, "", f"... and {len(self.found) - MAX_PROBLEMS} more "
                                 "problems; nothing was written"))
        raise DataError(self.where, problems=shown)


@dataclass(frozen=True)
class Imported:
    """The records of one file for one country pair, and what was left out."""

    file: str
    format: str
    records: tuple[Record, ...]
    left_out: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Options:
    """What the command line passes to every format."""

    where: str
    published: str = ""
    unit_multiplier: str | None = None  # a power of ten, as text, where the file does not say
    source: str = ""                    # said before the format's own source description

    def source_text(self, body: str) -> str:
        """A row's source: the user's ``--source`` (if any), then the format's own words."""
        return f"{self.source}; {body}" if self.source else body


def check_duplicates(records: list[Record], where: str) -> list[Record]:
    """Drop exact repeats; two different values for one key are an error naming both rows
    (every such pair is listed)."""
    seen: dict[tuple[str, ...], Record] = {}
    out = []
    problems = Problems(where)
    for r in records:
        first = seen.get(r.key)
        if first is None:
            seen[r.key] = r
            out.append(r)
        elif first.value_usd != r.value_usd:
            problems.found.append(Problem(where, r.origin, f"two values for {r.reporter}→{r.partner} "
                                          f"{r.flow} {r.period}: {first.value_usd} ({first.origin}) "
                                          f"and {r.value_usd}"))
    problems.check()
    return out


def one_pair(records: list[Record], where: str, reporter: str | None,
             partner: str | None) -> tuple[list[Record], str]:
    """The records of one unordered country pair (both reporters), and a note on the others.

    With ``reporter`` and ``partner`` the pair is theirs; with one of them, the file must hold
    one pair with that country; with neither, the file must hold one pair.
    """
    pairs = Counter(tuple(sorted((r.reporter, r.partner))) for r in records)
    wanted = {c for c in (reporter, partner) if c}
    chosen = [p for p in pairs if wanted <= set(p)]
    if not chosen:
        found = ", ".join("–".join(p) for p in sorted(pairs)[:12]) or "none"
        who = "–".join(sorted(wanted))
        raise DataError(where, "", f"no figures for {who} in the file (pairs found: {found})")
    if len(chosen) > 1:
        found = ", ".join("–".join(p) for p in sorted(chosen)[:12])
        more = f" and {len(chosen) - 12} more" if len(chosen) > 12 else ""
        raise DataError(where, "", f"the file holds {len(chosen)} country pairs ({found}{more}); "
                        "choose one with --reporter and --partner (ISO3)")
    pair = chosen[0]
    kept = [r for r in records if tuple(sorted((r.reporter, r.partner))) == pair]
    others = len(records) - len(kept)
    note = f"{others} figure(s) of other country pairs left out" if others else ""
    return kept, note


def read(path: Path, fmt: str, opts: Options, *, mapping: Path | None = None,
         reporter: str | None = None, partner: str | None = None) -> Imported:
    """Read ``path`` in format ``fmt`` and keep one country pair.

    Raises
    ------
    DataError
        Naming the file, row and column of the first problem; nothing is written.
    """
    from forecast.data.importers import comtrade, imf, national

    readers = {"comtrade": comtrade.read_current, "comtrade-legacy": comtrade.read_legacy,
               "imf-imts": imf.read_imts, "imf-dots": imf.read_dots}
    skipped = Skipped()
    if fmt == "mapping":
        if mapping is None:
            raise DataError(opts.where, "", "--format mapping needs --mapping MAP.yaml")
        records = national.read(path, mapping, opts, skipped)
    else:
        records = readers[fmt](path, opts, skipped)
    records = check_duplicates(records, opts.where)
    if not records:
        why = "; ".join(skipped.lines()) or "no rows"
        raise DataError(opts.where, "", f"no bilateral figures to import ({why})")
    kept, note = one_pair(records, opts.where, reporter, partner)
    notes = [note] if note else []
    if not opts.published and not any(r.published for r in kept):
        notes.append("no publication date (vintage) given: runs will assume each figure public "
                     "data.publication_lag_months after its period; give --published YYYY-MM-DD")
    return Imported(opts.where, fmt, tuple(kept), tuple(skipped.lines()), tuple(notes))
