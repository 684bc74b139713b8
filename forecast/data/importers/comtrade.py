"""UN Comtrade files: the current 47-field records (CSV or JSON) and the legacy 35-column CSV.

A bilateral total is a record with all commodities (``cmdCode`` TOTAL), no second partner,
all customs procedures and all modes of transport (``data-formats.md`` section 1). Other
records are left out and counted. ``primaryValue`` (US$) is the figure: imports are
normally valued CIF and exports FOB. Flows: X/2 export, M/1 import, RX/3 re-export,
RM/4 re-import (kept apart from exports and imports); other flows are left out.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from forecast.data import codes
from forecast.data.importers import Options, Problems, Record, Skipped
from forecast.data.importers.tables import Records, amount, read_records, require, usd
from forecast.errors import DataError

CURRENT = (
    "typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period",
    "reporterCode", "reporterISO", "reporterDesc", "flowCode", "flowDesc",
    "partnerCode", "partnerISO", "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc",
    "classificationCode", "classificationSearchCode", "isOriginalClassification",
    "cmdCode", "cmdDesc", "aggrLevel", "isLeaf", "customsCode", "customsDesc",
    "mosCode", "motCode", "motDesc",
    "qtyUnitCode", "qtyUnitAbbr", "qty", "isQtyEstimated",
    "altQtyUnitCode", "altQtyUnitAbbr", "altQty", "isAltQtyEstimated",
    "netWgt", "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated",
    "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag", "isReported", "isAggregate",
)
#: Columns the importer reads from a current file (the others may be absent in a trimmed export).
CURRENT_USED = ("typeCode", "freqCode", "period", "reporterCode", "reporterISO", "flowCode",
                "partnerCode", "partnerISO", "partner2Code", "classificationCode", "cmdCode",
                "customsCode", "motCode", "primaryValue")
LEGACY = (
    "Classification", "Year", "Period", "Period Desc.", "Aggregate Level", "Is Leaf Code",
    "Trade Flow Code", "Trade Flow", "Reporter Code", "Reporter", "Reporter ISO", "Partner Code",
    "Partner", "Partner ISO", "2nd Partner Code", "2nd Partner", "2nd Partner ISO",
    "Customs Proc. Code", "Customs", "Mode of Transport Code", "Mode of Transport",
    "Commodity Code", "Commodity", "Qty Unit Code", "Qty Unit", "Qty", "Alt Qty Unit Code",
    "Alt Qty Unit", "Alt Qty", "Netweight (kg)", "Gross weight (kg)", "Trade Value (US$)",
    "CIF Trade Value (US$)", "FOB Trade Value (US$)", "Flag",
)
#: The legacy columns that hold what the current format's columns hold.
LEGACY_NAMES = {"period": "Period", "reporterCode": "Reporter Code", "reporterISO": "Reporter ISO",
                "flowCode": "Trade Flow Code", "partnerCode": "Partner Code",
                "partnerISO": "Partner ISO", "partner2Code": "2nd Partner Code",
                "classificationCode": "Classification", "cmdCode": "Commodity Code",
                "customsCode": "Customs Proc. Code", "motCode": "Mode of Transport Code",
                "primaryValue": "Trade Value (US$)"}
LEGACY_USED = tuple(LEGACY_NAMES.values())

#: Columns whose non-total values mark a breakdown, not the bilateral total: (key, total, what).
BREAKDOWNS = (("cmdCode", "TOTAL", "commodity groups"), ("partner2Code", "0", "second-partner breakdowns"),
              ("customsCode", "C00", "customs-procedure breakdowns"),
              ("motCode", "0", "transport-mode breakdowns"))
FLOWS = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}
#: Flow codes Comtrade uses that are not bilateral exports or imports (left out, counted).
OTHER_FLOWS = {"DX", "FM", "MIP", "MOP", "XIP", "XOP", "MIF", "MOF", "XIF", "XOF"}
LEGACY_FLOWS = {"1": "import", "2": "export", "3": "re-export", "4": "re-import"}

_RELEASE = re.compile(r"COMTRADE-FINAL-.*?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def release_date(path: Path) -> str:
    """The release date in a bulk file's name (``COMTRADE-FINAL-...[YYYY-MM-DD]``), or ''."""
    m = _RELEASE.search(path.name)
    return m.group(1) if m else ""


def _is_all(text: str, *alls: str) -> bool:
    return text.strip() in ("", *alls)


def _period(freq: str, text: str, where: str, col: str) -> str:
    t = text.strip()
    if freq == "A" and re.fullmatch(r"\d{4}", t):
        return t
    if freq == "M" and re.fullmatch(r"\d{6}", t) and 1 <= int(t[4:]) <= 12:
        return f"{t[:4]}-{t[4:]}"
    shape = "YYYY" if freq == "A" else "YYYYMM"
    raise DataError(where, col, f"expected a period {shape} for frequency {freq} (got {text!r})")


def _country(code: str, iso: str, where: str, col: str) -> str:
    """ISO3 of a reporter or partner from its numeric code and ISO column, which must agree;
    '' for the World and areas that are not countries."""
    try:
        found = codes.from_comtrade(code, iso)
    except KeyError:
        raise DataError(where, col, f"unknown country: code {code!r}, ISO {iso!r} (expected an "
                        "M49 code or ISO3 code of a country, or World)") from None
    if found and code.strip():
        try:
            by_code = codes.from_m49(code)
        except KeyError:
            by_code = ""
        if by_code and by_code != found:
            raise DataError(where, col, f"code {code.strip()} is {by_code} but the ISO column says "
                            f"{iso.strip()!r}; the columns may be shifted")
    return found


#: Comtrade's marks of a figure it estimated rather than took from the reporter.
def _estimated(row: dict[str, str]) -> bool:
    return (row.get("isReported", "").strip().lower() == "false"
            or row.get("legacyEstimationFlag", "0").strip() not in ("", "0"))


def _one(recs: Records, i: int, row: dict[str, str], opts: Options, skipped: Skipped,
         legacy: bool) -> Record | None:
    """The record of one row, or None (counted in ``skipped``) if it is not a bilateral total."""
    c = LEGACY_NAMES if legacy else {k: k for k in CURRENT_USED}

    def at(col: str) -> str:
        return recs.where(i, col)

    if not legacy:
        if row["typeCode"] not in ("C", "S"):
            raise DataError(opts.where, at("typeCode"), "expected C (goods) or S (services) "
                            f"(got {row['typeCode']!r}); the columns may be shifted")
        if row["typeCode"] == "S":
            skipped.add("services (typeCode S)")
            return None
    flow_code = row[c["flowCode"]].strip().upper()
    flows = LEGACY_FLOWS if legacy else FLOWS
    if flow_code not in flows:
        if not legacy and flow_code in OTHER_FLOWS:
            skipped.add(f"flow {flow_code} (not exports, imports or re-exports)")
            return None
        expected = ", ".join(flows) + ("" if legacy else ", " + ", ".join(sorted(OTHER_FLOWS)))
        raise DataError(opts.where, at(c["flowCode"]), f"expected a flow code ({expected}) "
                        f"(got {row[c['flowCode']]!r}); the columns may be shifted")
    for key, total, what in BREAKDOWNS:
        if not _is_all(row[c[key]], total):
            skipped.add(f"{what} ({key} other than {total})")
            return None
    if legacy:
        period_text = row["Period"]
        freq = "A" if len(period_text.strip()) == 4 else "M"
    else:
        freq = row["freqCode"].strip().upper()
        period_text = row["period"]
        if freq not in ("A", "M"):
            raise DataError(opts.where, at("freqCode"), f"expected A or M (got {row['freqCode']!r})")
    period = _period(freq, period_text, opts.where, at(c["period"]))
    reporter = _country(row[c["reporterCode"]], row[c["reporterISO"]], opts.where, at(c["reporterCode"]))
    partner = _country(row[c["partnerCode"]], row[c["partnerISO"]], opts.where, at(c["partnerCode"]))
    value = amount(row[c["primaryValue"]], opts.where, at(c["primaryValue"]), what="a value in US dollars")
    assert value is not None  # amount() gives None only for the cells named empty (none here)
    if not reporter or not partner:
        skipped.add("World and areas that are not a country")
        return None
    if reporter == partner:
        skipped.add("trade of a country with itself")
        return None
    what = ("UN Comtrade legacy API, Trade Value (US$)" if legacy
            else "UN Comtrade (Comtrade Plus), primaryValue (US$)")
    estimated = not legacy and _estimated(row)
    source = opts.source_text(f"{what}, "
              f"{'annual' if freq == 'A' else 'monthly'}, {row[c['classificationCode']]} TOTAL, "
              f"{'estimated by Comtrade' if estimated else 'reported by ' + reporter}; imported from "
              f"{Path(opts.where).name} {recs.where(i)}")
    note = (f"UN Comtrade: isReported {row.get('isReported')}, legacyEstimationFlag "
            f"{row.get('legacyEstimationFlag')}" if estimated else "")
    return Record(reporter, partner, flows[flow_code], period, usd(value, Decimal(1)), "un-comtrade",
                  opts.published, source, recs.where(i), flags="estimated" if estimated else "",
                  note=note)


def _records(recs: Records, opts: Options, skipped: Skipped, *, legacy: bool) -> list[Record]:
    out = []
    problems = Problems(opts.where)
    for i, row in recs:
        with problems.row():
            rec = _one(recs, i, row, opts, skipped, legacy)
            if rec is not None:
                out.append(rec)
    problems.check()
    return out


def read_current(path: Path, opts: Options, skipped: Skipped) -> list[Record]:
    """Records of a current Comtrade CSV or JSON file."""
    recs = read_records(path, opts.where)
    if recs.header and recs.header[0] != "typeCode" and "typeCode" in recs.header[1:]:
        raise DataError(opts.where, "header", f"expected typeCode as the first column (found "
                        f"{recs.header[0]!r} first); the columns may be shifted by one")
    require(recs, CURRENT_USED, opts.where, "current UN Comtrade")
    if not opts.published and release_date(path):
        opts = Options(opts.where, release_date(path), opts.unit_multiplier, opts.source)
    return _records(recs, opts, skipped, legacy=False)


def read_legacy(path: Path, opts: Options, skipped: Skipped) -> list[Record]:
    """Records of a legacy Comtrade CSV (35 columns)."""
    recs = read_records(path, opts.where)
    require(recs, LEGACY_USED, opts.where, "legacy UN Comtrade")
    return _records(recs, opts, skipped, legacy=True)
