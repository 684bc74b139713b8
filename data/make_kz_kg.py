"""Build data/kz_kg.csv, the Kazakhstan-Kyrgyzstan bilateral goods-trade file of tradecast.

The script reads three read-only source files (it never copies them into the repository):

  <shared>/data-sources/kg-kz-national-stats/kaz_kgz.csv   Kyrgyz NSC and Kazakh bureau tables
  <shared>/data-sources/imf-dots-2022/kaz_kgz.csv          IMF Direction of Trade Statistics
  <shared>/data-sources/official-statements/statements.csv figures quoted in news reports

and writes every row of every source to data/kz_kg.csv with the columns

  reporter,partner,flow,period,value_usd,basis,published,source,flags,note

Values are copied exactly as given (whole US dollars). No value is rounded, fixed or
invented. The caveats of the sources are kept as machine-readable flags and short notes.
See data/README.md for the meaning of each column and flag.

The script fails (non-zero exit) if a check does not hold: reporters/partners are KGZ/KAZ,
flows and bases are known, values are positive integers, periods and publication dates
parse, no two rows share (reporter, flow, period, basis, published) with different values,
and every year of the Kazakh bureau table has exactly one export and one import row.

Run from the repository root (needs the shared data next to the repository, in ../shared):

    python data/make_kz_kg.py
    python data/make_kz_kg.py --shared /path/to/shared   # another shared directory

Only the Python 3 standard library is used. The output is deterministic: rows are sorted
by (reporter, flow, period, basis, published), UTF-8, "\\n" line endings, minimal quoting.
"""

import argparse
import csv
import pathlib

REPO = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "data" / "kz_kg.csv"

NATIONAL = "data-sources/kg-kz-national-stats/kaz_kgz.csv"
DOTS = "data-sources/imf-dots-2022/kaz_kgz.csv"
STATEMENTS = "data-sources/official-statements/statements.csv"

COLUMNS = ["reporter", "partner", "flow", "period", "value_usd", "basis",
           "published", "source", "flags", "note"]
REPORTERS = {"KGZ": "KAZ", "KAZ": "KGZ"}  # reporter -> partner
FLOWS = ("export", "import", "turnover")
BASES = ("national-statistics", "imf-dots", "imf-estimate", "official-statement")
# Fixed flag vocabulary, in the order flags are written.
FLAGS = ("preliminary", "swapped", "suspect-incomplete", "imf-estimate", "first-release",
         "rounded", "lower-bound", "basis-unclear", "year-implied", "undated")

MARY_LEV = ("copy in GitHub mary-lev/eu-export-sanctions, added 2024-11-17 "
            "(commit aca6dd9)")
SAM_LEBLANC = ("vintage early 2022; copy in GitHub SamLeBlanc/Direction-of-Trade-Map, "
               "added 2022-02-02 (commit a769819)")

NSC_TABLES = {
    "export": ("4.03.00.18", "Geographic distribution of exports of goods"),
    "import": ("4.03.00.20", "Geographic distribution of imports of goods"),
}

# Kazakh bureau files: Russian file name -> (English file name, publication date or "").
KAZ_FILES = {
    "Основные показатели внешней торговли_2019.xls":
        ("Main indicators of foreign trade_2019.xls", ""),
    "Основные показатели внешней торговли_2020.xls":
        ("Main indicators of foreign trade_2020.xls", ""),
    "Основные показатели внешней торговли_2021.xls":
        ("Main indicators of foreign trade_2021.xls", ""),
    "Основные показатели внешней торговли по странам_2022.xls":
        ("Main indicators of foreign trade by country_2022.xls", ""),
    "Основные показатели внешней торговли по странам_2023.xls":
        ("Main indicators of foreign trade by country_2023.xls", "2024-07-25"),
}

DOTS_FILES = {"KAZ": ("Kazakhstan, Rep. of", "DOTS_103.xlsx"),
              "KGZ": ("Kyrgyz Rep.", "DOTS_109.xlsx")}
DOTS_SHEETS = {"export": ("Exports, FOB", "Exports, FOB to Partner Countries"),
               "import": ("Imports, CIF", "Imports, CIF from Partner Countries")}

# Notes for table rows, keyed by (reporter, flow, year, basis). Figures are from the source
# READMEs (kg-kz-national-stats, imf-dots-2022, official-statements) and the source rows.
DOTS_REVISED = ("differs from the current Kyrgyz NSC series: national statistics were "
                "revised after this DOTS vintage")
TABLE_NOTES = {
    ("KGZ", "export", "1995", "national-statistics"):
        "1995 export and import are swapped relative to IMF DOTS; kept as published",
    ("KGZ", "import", "1995", "national-statistics"):
        "1995 export and import are swapped relative to IMF DOTS; kept as published",
    ("KGZ", "export", "1995", "imf-dots"):
        "1995 export and import are swapped relative to the Kyrgyz NSC table; "
        "kept as published",
    ("KGZ", "import", "1995", "imf-dots"):
        "1995 export and import are swapped relative to the Kyrgyz NSC table; "
        "kept as published",
    ("KGZ", "export", "2007", "imf-dots"):
        "looks incomplete in this DOTS vintage (KGZ exports to World 449m vs 1,134m in the "
        "Kyrgyz NSC table; NSC exports to KAZ 204.2m)",
    ("KGZ", "export", "2010", "imf-dots"): DOTS_REVISED + " (NSC: 447.0m)",
    ("KGZ", "import", "2012", "imf-dots"): DOTS_REVISED,
    ("KGZ", "import", "2014", "imf-dots"): DOTS_REVISED,
    ("KGZ", "export", "2015", "imf-dots"): DOTS_REVISED,
    ("KGZ", "import", "2015", "imf-dots"): DOTS_REVISED,
    ("KGZ", "export", "2016", "imf-dots"): DOTS_REVISED,
    ("KGZ", "import", "2016", "imf-dots"): DOTS_REVISED,
    ("KGZ", "export", "2023", "national-statistics"):
        "revision; the first release was 455.702m (NSC via Trend, 2024-04-09)",
    ("KGZ", "import", "2023", "national-statistics"):
        "marked preliminary (footnote 1) in the NSC table",
    ("KAZ", "import", "2023", "national-statistics"):
        "final statistics; the Kazakh trade ministry's April 2024 figure was 495.2m",
}
TABLE_FLAGS = {
    ("KGZ", "export", "1995", "national-statistics"): ["swapped"],
    ("KGZ", "import", "1995", "national-statistics"): ["swapped"],
    ("KGZ", "export", "1995", "imf-dots"): ["swapped"],
    ("KGZ", "import", "1995", "imf-dots"): ["swapped"],
    ("KGZ", "export", "2007", "imf-dots"): ["suspect-incomplete"],
    ("KGZ", "import", "2023", "national-statistics"): ["preliminary"],
}


class DataError(Exception):
    pass


def fail(msg):
    raise DataError(msg)


def read_csv(path, expected_columns):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != expected_columns:
            fail(f"{path}: columns {reader.fieldnames}, expected {expected_columns}")
        return list(reader)


def between(text, start, end):
    """Return the text between the first `start` and the next `end`, or fail."""
    i = text.find(start)
    if i < 0:
        fail(f"cannot find {start!r} in {text!r}")
    i += len(start)
    j = text.find(end, i)
    if j < 0:
        fail(f"cannot find {end!r} after {start!r} in {text!r}")
    return text[i:j]


# ---------------------------------------------------------------- sources

def national_rows(path):
    rows = []
    for r in read_csv(path, ["year", "reporter", "partner", "flow", "value_usd",
                             "source_note"]):
        rep, flow, year, note_src = r["reporter"], r["flow"], r["year"], r["source_note"]
        basis = "national-statistics"
        published = ""
        if rep == "KGZ":
            if flow not in NSC_TABLES:
                fail(f"{path}: unexpected flow {flow!r} for KGZ")
            number, title = NSC_TABLES[flow]
            if f"table {number}" not in note_src:
                fail(f"{path}: KGZ {flow} {year} does not cite table {number}")
            source = (f"National Statistical Committee of the Kyrgyz Republic, table {number} "
                      f'"{title}" (thousand US$); {MARY_LEV}')
        elif rep == "KAZ":
            sheet = between(note_src, "sheet '", "'")
            fname = note_src.split("data/kazakhstan_data/", 1)[-1].strip()
            if fname not in KAZ_FILES:
                fail(f"{path}: unknown Kazakh file {fname!r}")
            english, published = KAZ_FILES[fname]
            if published and year not in ("2022", "2023"):
                fail(f"{path}: KAZ {year} from the 2023 file; expected only 2022-2023")
            dated = f", published {published}" if published else ""
            if year != "2023":
                # The 2022 sheet repeats a figure first published in the 2022 file (the two
                # agree to 0.1 thousand US$), whose date is unknown: leave it to the lag rule.
                published = ""
            source = (f'Bureau of National Statistics of Kazakhstan, "Main indicators of '
                      f"foreign trade\" sheet '{sheet}' (thousand US$), file "
                      f'"{english}"{dated}; {MARY_LEV}')
        else:
            fail(f"{path}: unexpected reporter {rep!r}")
        key = (rep, flow, year, basis)
        rows.append(make_row(r, year, basis, published, source,
                             TABLE_FLAGS.get(key, []), TABLE_NOTES.get(key, "")))
    return rows


def dots_rows(path, bureau):
    """IMF DOTS rows. `bureau` maps (flow, year) -> value of the Kazakh bureau table."""
    rows = []
    for r in read_csv(path, ["year", "reporter", "partner", "flow", "value_usd",
                             "source_note"]):
        rep, flow, year, note_src = r["reporter"], r["flow"], r["year"], r["source_note"]
        if rep not in DOTS_FILES or flow not in DOTS_SHEETS:
            fail(f"{path}: unexpected reporter/flow {rep!r}/{flow!r}")
        name, fname = DOTS_FILES[rep]
        short_sheet, sheet = DOTS_SHEETS[flow]
        if fname not in note_src or f"sheet '{short_sheet}'" not in note_src:
            fail(f"{path}: {rep} {flow} {year} does not cite {fname} sheet {short_sheet}")
        estimate = "IMF estimate (e)" in note_src
        basis = "imf-estimate" if estimate else "imf-dots"
        source = (f"IMF Direction of Trade Statistics, {name} ({fname}) sheet "
                  f'"{sheet}" (US$ millions), {SAM_LEBLANC}')
        key = (rep, flow, year, "imf-dots")
        flags = list(TABLE_FLAGS.get(key, []))
        note = TABLE_NOTES.get(key, "")
        if estimate:
            flags.append("imf-estimate")
            note = "IMF estimate (e) in the source"
        if rep == "KAZ" and (flow, year) in bureau:
            # DOTS README: KAZ-reported 2018-2020 values are 3-20 % below the bureau.
            nat = bureau[(flow, year)]
            pct = (int(r["value_usd"]) - nat) * 100 / nat
            note = (f"{abs(pct):.1f}% {'below' if pct < 0 else 'above'} the Kazakh "
                    f"bureau's current figure ({nat / 1e6:,.1f}m)")
        rows.append(make_row(r, year, basis, "", source, flags, note))
    return rows


def statement_flags(r):
    """Flags for one statements.csv row, decided from its basis, published and note text."""
    note = r["note"].lower()
    flags = []
    if "first release" in note or "revised to" in note or "later gave" in note:
        flags.append("first-release")
    if r["basis"] == "official-statement" or "rounded" in note:
        flags.append("rounded")
    if "lower bound" in note or "exceeded" in note:
        flags.append("lower-bound")
    if "basis unclear" in note:
        flags.append("basis-unclear")
    if "year is implied" in note:
        flags.append("year-implied")
    if not r["published"]:
        flags.append("undated")
    return flags


def statement_rows(path):
    rows = []
    for r in read_csv(path, ["reporter", "partner", "flow", "period", "value_usd", "basis",
                             "published", "source", "note"]):
        if r["basis"] not in ("national-statistics", "official-statement"):
            fail(f"{path}: unexpected basis {r['basis']!r}")
        rows.append(make_row(r, r["period"], r["basis"], r["published"], r["source"],
                             statement_flags(r), r["note"]))
    return rows


def make_row(src, period, basis, published, source, flags, note):
    return {"reporter": src["reporter"], "partner": src["partner"], "flow": src["flow"],
            "period": period, "value_usd": src["value_usd"], "basis": basis,
            "published": published, "source": source,
            "flags": ";".join(f for f in FLAGS if f in flags), "note": note,
            "_flags": flags}


# ---------------------------------------------------------------- checks

def is_int(text, digits):
    return len(text) == digits and text.isdigit()


def check_month(text):
    """YYYY-MM -> (year, month) or None."""
    if len(text) != 7 or text[4] != "-" or not is_int(text[:4], 4) or not is_int(text[5:], 2):
        return None
    month = int(text[5:])
    return (int(text[:4]), month) if 1 <= month <= 12 else None


def period_ok(p):
    if is_int(p, 4):
        return True
    if ".." not in p:
        return False
    start, end = p.split("..", 1)
    a, b = check_month(start), check_month(end)
    # a year-to-date total: same year, from January, end not before start
    return bool(a and b and a[0] == b[0] and a[1] == 1 and b[1] >= a[1])


def published_ok(d):
    if d == "" or check_month(d):
        return True
    if len(d) != 10 or d[7] != "-" or not is_int(d[8:], 2):
        return False
    ym = check_month(d[:7])
    if not ym:
        return False
    y, m = ym
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return 1 <= int(d[8:]) <= days


def check(rows):
    seen = {}
    for r in rows:
        where = f"row {r['reporter']} {r['flow']} {r['period']} {r['basis']}"
        if REPORTERS.get(r["reporter"]) != r["partner"]:
            fail(f"{where}: reporter/partner must be KGZ/KAZ or KAZ/KGZ")
        if r["flow"] not in FLOWS:
            fail(f"{where}: unknown flow")
        if r["basis"] not in BASES:
            fail(f"{where}: unknown basis")
        v = r["value_usd"]
        if not (v.isdigit() and v[0] != "0" and int(v) > 0):
            fail(f"{where}: value_usd {v!r} is not a positive integer")
        if not period_ok(r["period"]):
            fail(f"{where}: period does not parse")
        if not published_ok(r["published"]):
            fail(f"{where}: published {r['published']!r} does not parse")
        unknown = [f for f in r["_flags"] if f not in FLAGS]
        if unknown:
            fail(f"{where}: unknown flags {unknown}")
        if not r["source"]:
            fail(f"{where}: empty source")
        key = (r["reporter"], r["flow"], r["period"], r["basis"], r["published"])
        if key in seen and seen[key] != v:
            fail(f"conflict: two rows {key} with values {seen[key]} and {v}")
        if key in seen:
            fail(f"duplicate row {key}")
        seen[key] = v


def check_bureau(national):
    """Each year of the Kazakh bureau table has exactly one export and one import row,
    so its turnover is export + import and nothing else is needed."""
    kaz = {}
    for r in national:
        if r["reporter"] == "KAZ":
            kaz.setdefault(r["period"], []).append(r["flow"])
    if not kaz:
        fail("no Kazakh bureau rows")
    for year, flows in sorted(kaz.items()):
        if sorted(flows) != ["export", "import"]:
            fail(f"Kazakh bureau {year}: flows {flows}, expected one export and one import")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=pathlib.Path, default=DEFAULT_SHARED,
                    help=f"shared directory holding data-sources/ (default {DEFAULT_SHARED})")
    ap.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT,
                    help=f"output file (default {DEFAULT_OUT})")
    args = ap.parse_args()

    try:
        national = national_rows(args.shared / NATIONAL)
        check_bureau(national)
        bureau = {(r["flow"], r["period"]): int(r["value_usd"])
                  for r in national if r["reporter"] == "KAZ"}
        rows = national + dots_rows(args.shared / DOTS, bureau) \
            + statement_rows(args.shared / STATEMENTS)
        check(rows)
    except (DataError, OSError) as exc:
        raise SystemExit(f"make_kz_kg.py: error: {exc}") from None

    rows.sort(key=lambda r: (r["reporter"], r["flow"], r["period"], r["basis"],
                             r["published"]))
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n",
                           quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)

    counts = {}
    for r in rows:
        k = f"{r['reporter']}/{r['basis']}"
        counts[k] = counts.get(k, 0) + 1
    print(f"wrote {len(rows)} rows to {args.out}: "
          + ", ".join(f"{k}={n}" for k, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
