"""IMF files: IMTS (International Trade in Goods by partner, 2025-) and legacy DOTS CSVs.

Indicators (``data-formats.md`` sections 3-4): ``XG_FOB_USD`` exports FOB and
``MG_CIF_USD`` imports CIF are imported (legacy codes ``TXG_FOB_USD``, ``TMG_CIF_USD``);
``MG_FOB_USD`` (imports valued FOB, beside the CIF headline) and ``TBG_USD`` (the balance)
are left out and counted. Values are scaled by the file's own scale column (``SCALE.ID``,
``SCALE`` or ``UNIT_MULT``: a power of ten or a word such as Millions); where a file has
none, ``--unit-multiplier`` must say it: the unit is never assumed. Quarterly values are
left out (the long format holds years, months and year-to-date totals).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from forecast.data import codes
from forecast.data.importers import Options, Problems, Record, Skipped
from forecast.data.importers.tables import Records, amount, read_records, require, usd
from forecast.errors import DataError

INDICATORS = {"XG_FOB_USD": "export", "MG_CIF_USD": "import"}
LEFT_OUT = {"MG_FOB_USD": "imports valued FOB (MG_FOB_USD; the CIF headline is kept)",
            "TBG_USD": "trade balance (TBG_USD)"}
LEGACY_RENAMES = {"TXG_FOB_USD": "XG_FOB_USD", "TMG_CIF_USD": "MG_CIF_USD",
                  "TMG_FOB_USD": "MG_FOB_USD", "TBG_USD": "TBG_USD"}
WORDS = {"units": 0, "unit": 0, "ones": 0, "thousands": 3, "millions": 6, "billions": 9}
SCALE_COLUMNS = ("SCALE.ID", "SCALE", "UNIT_MULT")
UNIT_COLUMNS = ("UNIT", "UNIT.ID", "UNIT_MEASURE")

_ANNUAL = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-?M(\d{1,2})$|^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^\d{4}-?Q[1-4]$")


def period(text: str) -> str | None:
    """``2024`` or ``2024-MM`` from the IMF's period labels; None for quarters.

    Raises
    ------
    ValueError
        For anything else.
    """
    t = text.strip()
    if _ANNUAL.match(t):
        return t
    m = _MONTH.match(t)
    if m:
        y, mo = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if 1 <= int(mo) <= 12:
            return f"{y}-{int(mo):02d}"
    if _QUARTER.match(t):
        return None
    raise ValueError(f"expected a period such as 2024, 2024-M01 or 2024-Q1 (got {text!r})")


def multiplier(text: str) -> Decimal:
    """10^k from a scale cell: ``6``, ``Millions``, ``1000000``."""
    t = text.strip().lower()
    if t in WORDS:
        return Decimal(10) ** WORDS[t]
    if re.fullmatch(r"-?\d{1,2}", t):
        return Decimal(10) ** int(t)
    if re.fullmatch(r"1(0{3})+", t):
        return Decimal(t)
    raise ValueError(text)


def _given_multiplier(opts: Options, fmt: str) -> Decimal:
    if opts.unit_multiplier is None:
        raise DataError(opts.where, "header", f"the {fmt} file has no scale column "
                        f"({', '.join(SCALE_COLUMNS)}), so its unit is unknown: give "
                        "--unit-multiplier 1 for US dollars, 1000000 for millions")
    return Decimal(opts.unit_multiplier)


def _scale_of(recs: Records, opts: Options, fmt: str) -> Callable[[int], Decimal]:
    """Each row's multiplier: the file's scale column (and it must agree with
    --unit-multiplier where both are given), else --unit-multiplier."""
    cols = [c for c in SCALE_COLUMNS if c in recs.header]
    if not cols:
        m = _given_multiplier(opts, fmt)
        return lambda i: m

    def scale(i: int) -> Decimal:
        found = []
        for col in cols:
            text = recs.rows[i][col]
            try:
                found.append((col, multiplier(text)))
            except ValueError:
                raise DataError(opts.where, recs.where(i, col), "expected a scale: a power of ten "
                                f"(6) or Units, Thousands, Millions, Billions (got {text!r})") from None
        col, m = found[0]
        for other, m2 in found[1:]:
            if m2 != m:
                raise DataError(opts.where, recs.where(i, other), f"scale {m2:,} disagrees with "
                                f"{col} ({m:,}): the file mixes units")
        if opts.unit_multiplier is not None and Decimal(opts.unit_multiplier) != m:
            raise DataError(opts.where, recs.where(i, col), f"the file's scale is {m:,} but "
                            f"--unit-multiplier says {Decimal(opts.unit_multiplier):,}")
        return m
    return functools.cache(scale)  # one parse per row, however many period columns it has


def _check_unit(recs: Records, i: int, opts: Options) -> None:
    for col in UNIT_COLUMNS:
        if col in recs.header:
            text = recs.rows[i][col]
            if text and not re.search(r"\bUSD\b|US dollar|U\.S\. dollar", text, re.IGNORECASE):
                raise DataError(opts.where, recs.where(i, col), f"expected values in US dollars "
                                f"(got {text!r}); the file mixes units")


def _period_columns(recs: Records, where: str) -> list[tuple[str, str | None]]:
    """The header's period columns, each with its long-format period (None for a quarter)."""
    periods = []
    for col in recs.header:
        try:
            periods.append((col, period(col)))
        except ValueError:
            continue
    if not periods:
        raise DataError(where, "header", "no period columns (such as 2024, 2024-M01, 2024M01)")
    return periods


def _period_cell(recs: Records, i: int, col: str, where: str) -> str | None:
    """:func:`period` of one row's cell, a bad label as a :class:`DataError` naming it."""
    try:
        return period(recs.rows[i][col])
    except ValueError as e:
        raise DataError(where, recs.where(i, col), str(e)) from None


def _keep(skipped: Skipped, per: str | None, rep: str, par: str) -> bool:
    """False (and counted) for a quarter or a figure of the World or a country group."""
    if per is None:
        skipped.add("quarterly values")
    elif not rep or not par:
        skipped.add("World and country groups")
    return per is not None and bool(rep and par)


def _iso(text: str, where: str, at: str) -> str:
    """A country's ISO3 from an IMTS code; '' for the world and country groups."""
    t = text.strip().upper()
    if re.fullmatch(r"[A-Z]{3}", t) and codes.is_country(t):
        return t
    if re.fullmatch(r"[A-Z]{3}", t) and t not in codes.NOT_COUNTRIES:
        raise DataError(where, at, f"unknown country code {text!r} (expected ISO3)")
    return ""


def _value(text: str, where: str, at: str) -> Decimal | None:
    return amount(text, where, at, empty=("", "NaN", "nan", "NA", "..", "-"))


def _record(opts: Options, recs: Records, i: int, reporter: str, partner: str, indicator: str,
            per: str, value: Decimal, scale: Decimal, *, what: str, basis: str,
            flags: str = "", origin: str = "") -> Record:
    s = f"scale ×{scale:,} applied" if scale != 1 else "US$"
    source = opts.source_text(f"{what}, {indicator}, {s}, reported by "
              f"{reporter}; imported from {Path(opts.where).name} {origin or recs.where(i)}")
    return Record(reporter, partner, INDICATORS[indicator], per, usd(value, scale), basis,
                  opts.published, source, origin or recs.where(i), flags=flags)


def _indicator(code: str, skipped: Skipped, where: str, at: str) -> str | None:
    code = LEGACY_RENAMES.get(code.strip(), code.strip())
    if code in INDICATORS:
        return code
    if code in LEFT_OUT:
        skipped.add(LEFT_OUT[code])
        return None
    raise DataError(where, at, f"expected an indicator {', '.join([*INDICATORS, *LEFT_OUT])} "
                    f"(got {code!r})")


def read_imts(path: Path, opts: Options, skipped: Skipped) -> list[Record]:
    """IMTS SDMX-CSV (one observation per row) or the portal's wide CSV (one series per row)."""
    recs = read_records(path, opts.where)
    what = "IMF International Trade in Goods by partner (IMTS)"
    out: list[Record] = []
    if "OBS_VALUE" in recs.header:
        require(recs, ("COUNTRY", "COUNTERPART_COUNTRY", "INDICATOR", "TIME_PERIOD", "OBS_VALUE"),
                opts.where, "IMF IMTS SDMX-CSV")
        scale = _scale_of(recs, opts, "IMTS SDMX-CSV")
        problems = Problems(opts.where)
        for i, row in recs:
            with problems.row():
                _check_unit(recs, i, opts)
                ind = _indicator(row["INDICATOR"], skipped, opts.where, recs.where(i, "INDICATOR"))
                per = _period_cell(recs, i, "TIME_PERIOD", opts.where)
                rep = _iso(row["COUNTRY"], opts.where, recs.where(i, "COUNTRY"))
                par = _iso(row["COUNTERPART_COUNTRY"], opts.where, recs.where(i, "COUNTERPART_COUNTRY"))
                if ind is None:
                    continue
                value = _value(row["OBS_VALUE"], opts.where, recs.where(i, "OBS_VALUE"))
                if value is None:
                    skipped.add("empty values")
                elif _keep(skipped, per, rep, par) and per is not None:
                    out.append(_record(opts, recs, i, rep, par, ind, per, value, scale(i), what=what,
                                       basis="imf-imts"))
        problems.check()
        return out
    require(recs, ("SERIES_CODE",), opts.where,
            "IMF IMTS (SDMX-CSV with OBS_VALUE, or wide with SERIES_CODE)")
    periods = _period_columns(recs, opts.where)
    scale = _scale_of(recs, opts, "IMTS wide CSV")
    problems = Problems(opts.where)
    for i, row in recs:
        with problems.row():
            _check_unit(recs, i, opts)
            parts = row["SERIES_CODE"].split(".")
            if len(parts) != 4:
                raise DataError(opts.where, recs.where(i, "SERIES_CODE"), "expected COUNTRY.INDICATOR."
                                "COUNTERPART.FREQUENCY such as KGZ.XG_FOB_USD.KAZ.A "
                                f"(got {row['SERIES_CODE']!r})")
            ind = _indicator(parts[1], skipped, opts.where, recs.where(i, "SERIES_CODE"))
            rep = _iso(parts[0], opts.where, recs.where(i, "SERIES_CODE"))
            par = _iso(parts[2], opts.where, recs.where(i, "SERIES_CODE"))
            if ind is None:
                continue
            freq = parts[3].strip().upper()
            for col, per in periods:
                value = _value(row[col], opts.where, recs.where(i, col))
                if value is None:
                    continue
                if per is not None and (len(per) == 4) != (freq == "A"):
                    skipped.add(f"values in a column of another frequency than their series' ({freq})")
                elif _keep(skipped, per, rep, par) and per is not None:
                    out.append(_record(opts, recs, i, rep, par, ind, per, value, scale(i), what=what,
                                       basis="imf-imts", origin=recs.where(i, col)))
    problems.check()
    return out


def _imf_country(code: str, name: str, where: str, at: str) -> str:
    try:
        return codes.from_imf(code)
    except KeyError:
        raise DataError(where, at, f"unknown IMF country code {code!r} ({name!r})") from None


def _imf_pair(recs: Records, i: int, where: str) -> tuple[str, str]:
    """A DOTS row's reporter and partner (ISO3, '' for the World and groups) from IMF codes."""
    row = recs.rows[i]
    return tuple(_imf_country(row[f"{who}Country Code"], row[f"{who}Country Name"], where,  # type: ignore[return-value]
                              recs.where(i, f"{who}Country Code")) for who in ("", "Counterpart "))


def read_dots(path: Path, opts: Options, skipped: Skipped) -> list[Record]:
    """Legacy DOTS "timeSeries" (wide; Attribute Value/Status, where Status ``e`` marks an IMF
    estimate) or "panel" (one column per indicator) CSV. IMF numeric country codes."""
    recs = read_records(path, opts.where)
    what = "IMF Direction of Trade Statistics (DOTS), legacy CSV"
    out: list[Record] = []
    keys = ("Country Name", "Country Code", "Counterpart Country Name", "Counterpart Country Code")
    if "Attribute" in recs.header:
        require(recs, (*keys, "Indicator Code", "Attribute"), opts.where, "IMF DOTS timeSeries")
        periods = _period_columns(recs, opts.where)
        scale = _scale_of(recs, opts, "DOTS timeSeries")
        status = {(r["Country Code"], r["Indicator Code"], r["Counterpart Country Code"]): r
                  for _, r in recs if r["Attribute"].strip().lower() == "status"}
        problems = Problems(opts.where)
        for i, row in recs:
            with problems.row():
                attr = row["Attribute"].strip().lower()
                if attr == "status":
                    continue
                if attr != "value":
                    raise DataError(opts.where, recs.where(i, "Attribute"), "expected Value or Status "
                                    f"(got {row['Attribute']!r})")
                ind = _indicator(row["Indicator Code"], skipped, opts.where, recs.where(i, "Indicator Code"))
                rep, par = _imf_pair(recs, i, opts.where)
                if ind is None:
                    continue
                key = (row["Country Code"], row["Indicator Code"], row["Counterpart Country Code"])
                st = status.get(key, {})
                for col, per in periods:
                    value = _value(row[col], opts.where, recs.where(i, col))
                    if value is not None and _keep(skipped, per, rep, par) and per is not None:
                        est = st.get(col, "").strip().lower() == "e"
                        out.append(_record(opts, recs, i, rep, par, ind, per, value, scale(i), what=what,
                                           basis="imf-estimate" if est else "imf-dots",
                                           flags="imf-estimate" if est else "",
                                           origin=recs.where(i, col)))
        problems.check()
        return out
    require(recs, (*keys, "Time Period"), opts.where,
            "IMF DOTS (timeSeries with Attribute, or panel with Time Period)")
    columns = {}
    for col in recs.header:
        m = re.search(r"\(([A-Z_]+)\)\s*$", col)
        if m:
            ind = _indicator(m.group(1), Skipped(), opts.where, f"header {col!r}")
            if ind is None:
                skipped.add(LEFT_OUT[LEGACY_RENAMES.get(m.group(1), m.group(1))], len(recs.rows))
            else:
                columns[col] = ind
    if not columns:
        raise DataError(opts.where, "header", "no indicator columns such as "
                        "'Goods, Value of Exports, Free on board (FOB), US Dollars (TXG_FOB_USD)'")
    scale = _scale_of(recs, opts, "DOTS panel")
    problems = Problems(opts.where)
    for i, row in recs:
        with problems.row():
            per = _period_cell(recs, i, "Time Period", opts.where)
            rep, par = _imf_pair(recs, i, opts.where)
            for col, ind in columns.items():
                value = _value(row[col], opts.where, recs.where(i, col))
                if value is not None and _keep(skipped, per, rep, par) and per is not None:
                    out.append(_record(opts, recs, i, rep, par, ind, per, value, scale(i), what=what,
                                       basis="imf-dots"))
    problems.check()
    return out
