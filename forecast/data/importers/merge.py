"""Merging imported figures into a data file: nothing lost, nothing silently replaced.

A figure is identified by reporter, partner, flow, period, basis and publication date
(:attr:`forecast.importers.Record.key`); an imported figure without a date matches the
file's figure of the same period and basis whatever its date (a new vintage needs its own
date, so forgetting ``--published`` adds no copies). An imported figure with a new key is added; one equal
to the file's value (as a number) is left as it is; one with a different value is a
conflict, reported with both values, unless ``replace`` says to take the imported value
(the row's note then keeps the old value). Rows and columns of the file that the import
does not touch are kept exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from forecast.data.importers import Imported
from forecast.data.table import COLUMNS, OPTIONAL_COLUMNS
from forecast.errors import DataError, Problem

MAX_SHOWN = 10  # conflicts listed one per line; the rest are counted
KEY = ("reporter", "partner", "flow", "period", "basis", "published")


@dataclass(frozen=True)
class Merged:
    """The whole table after the merge, and what changed."""

    header: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    added: int
    unchanged: int
    replaced: tuple[str, ...]  # one line per replaced figure: key, old value -> new value


def _pair(rows: list[dict[str, str]]) -> set[tuple[str, ...]]:
    return {tuple(sorted((r["reporter"], r["partner"]))) for r in rows}


def merge(existing: list[tuple[int, dict[str, str]]], header: tuple[str, ...], imported: Imported,
          *, out: str, replace: bool) -> Merged:
    """Merge ``imported`` into the rows of the data file ``out`` (``existing``: each row with its
    line in the file, already checked).

    Raises
    ------
    DataError
        If the file holds another country pair, or (without ``replace``) for every conflict.
    """
    new_pair = _pair([r.row() for r in imported.records])
    lines = [n for n, _ in existing]
    old_pair = _pair([r for _, r in existing])
    if existing and old_pair != new_pair:
        raise DataError(out, "", f"holds {', '.join('–'.join(p) for p in sorted(old_pair))}, not "
                        f"{'–'.join(next(iter(new_pair)))}: one data file per country pair; give "
                        "another --out")
    cols = tuple(dict.fromkeys((*COLUMNS, *OPTIONAL_COLUMNS, *header)))
    rows = [{c: r.get(c, "") for c in cols} for _, r in existing]
    index = {tuple(r[k] for k in KEY): i for i, r in enumerate(rows)}
    # An undated import matches the file's figure of the same period and basis whatever its
    # date (a new vintage needs its own date, so a forgotten --published adds no copy).
    vintages: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(rows):
        vintages.setdefault(tuple(r[k] for k in KEY[:-1]), []).append(i)
    added = unchanged = 0
    replaced, conflicts = [], []
    for rec in imported.records:
        at = index.get(rec.key)
        if at is None:
            same = vintages.get(rec.key[:-1], []) if not rec.published else []
            at = same[-1] if same else None
        new = {c: rec.row().get(c, "") for c in cols}
        if at is None:
            index[rec.key] = len(rows)
            vintages.setdefault(rec.key[:-1], []).append(len(rows))
            rows.append(new)
            added += 1
            continue
        old = rows[at]["value_usd"]
        if Decimal(old) == Decimal(rec.value_usd):
            unchanged += 1
            continue
        what = (f"{rec.reporter}→{rec.partner} {rec.flow} {rec.period} ({rec.basis}, published "
                f"{rows[at]['published'] or 'unknown'} in the file, {rec.published or 'unknown'} in "
                "the import)")
        if replace:
            note = "; ".join(x for x in (rows[at]["note"], f"replaced {old} (published "
                                         f"{rows[at]['published'] or 'unknown'}) on import") if x)
            rows[at] = {**rows[at], **{c: v for c, v in new.items() if c in rec.row()}, "note": note}
            replaced.append(f"{what}: {old} -> {rec.value_usd}")
        else:
            conflicts.append(Problem(out, f"row {lines[at]}", f"{what}: the file has {old}, "
                                     f"{imported.file} {rec.origin} has {rec.value_usd}"))
    if conflicts:
        n = len(conflicts)
        if n > MAX_SHOWN:
            conflicts = conflicts[:MAX_SHOWN] + [Problem(out, "", f"... and {n - MAX_SHOWN} more")]
        conflicts.append(Problem(out, "", f"{n} conflicting figure(s); nothing was "
                                 "written (give --replace to take the imported values)"))
        raise DataError(out, problems=conflicts)
    return Merged(cols, tuple(rows), added, unchanged, tuple(replaced))


def to_csv(merged: Merged) -> str:
    """The merged table as CSV text."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(merged.header), lineterminator="\n")
    w.writeheader()
    w.writerows(merged.rows)
    return buf.getvalue()
