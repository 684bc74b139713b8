"""``tradecast data import``: every format round-trips (import, select, run), merges keep
every row, and bad files fail with one line naming the row and column, writing nothing.

The fixtures (tests/fixtures/imports) are small synthetic files in the documented layouts,
written by make_fixtures.py; expected values are computed here from the generator's own
formula, independently of the importers.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, Invoke, snapshot, write
from test_bad_input import assert_clean_failure, assert_problems

from forecast.data import codes, files
from forecast.data.series import select

FIX = ROOT / "tests" / "fixtures" / "imports"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIX / "make_fixtures.py")
mk = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(mk)  # type: ignore[union-attr]
YEARS = list(mk.YEARS)


def v(i: int, base: float, g: float) -> float:
    return float(mk.value(i, base, g))


def dec(x: float, ndigits: int) -> float:
    """The value as written in a fixture with ``ndigits`` decimals, back in its unit."""
    return float(Decimal(repr(round(x, ndigits))))


# (fixture, format, extra options, reporter, {year: expected turnover}) ------------------------
CASES = {
    "comtrade-csv": ("comtrade_kaz_uzb.csv", "comtrade", [], "KAZ",
                     {y: v(i, 9.0e8, 1.12) + v(i, 4.0e8, 1.15) for i, y in enumerate(YEARS)}),
    "comtrade-json": ("comtrade_kaz_uzb.json", "comtrade", [], "UZB",
                      {y: v(i, 4.2e8, 1.14) + v(i, 9.5e8, 1.11) for i, y in enumerate(YEARS) if y >= 2019}),
    "comtrade-legacy": ("comtrade_legacy_kgz_tjk.csv", "comtrade-legacy", [], "KGZ",
                        {y: v(i, 3.0e7, 1.08) + v(i, 6.0e7, 1.06) for i, y in enumerate(YEARS)}),
    "imf-imts-sdmx": ("imf_imts_arm_geo_sdmx.csv", "imf-imts", [], "ARM",
                      {y: v(i, 2.5e8, 1.07) + v(i, 2.5e8 * 0 + 4.1e8, 1.07) for i, y in enumerate(YEARS)}),
    "imf-imts-wide": ("imf_imts_arm_geo_wide.csv", "imf-imts", [], "GEO",
                      {y: 1e3 * (v(i, 1.3e8, 1.06) / 1e3 + v(i, 1.3e8 * 1.4, 1.06) / 1e3)
                       for i, y in enumerate(YEARS) if y >= 2016}),
    "imf-dots-timeseries": ("imf_dots_mng_chn_timeseries.csv", "imf-dots", ["--unit-multiplier", "1"],
                            "CHN", {y: v(i, 2.5e9, 1.09) + v(i, 2.5e9 * 0.4, 1.09)
                                    for i, y in enumerate(YEARS)}),
    "imf-dots-panel": ("imf_dots_mng_chn_panel.csv", "imf-dots", ["--unit-multiplier", "1000000"],
                       "MNG", {y: 1e6 * (v(i, 4.0e3, 1.09) + v(i, 4.0e3 * 0.4, 1.09))
                               for i, y in enumerate(YEARS)}),
}
NATIONAL = {f"mapping-{k}": (name, "mapping", ["--mapping", str(FIX / "kgz_nsc_by_country.yaml")], "KGZ",
                             {y: 1e3 * (dec(v(i, 3.1e5, 1.1) / 10, 1) + dec(v(i, 5.6e5, 1.08) / 10, 1))
                              for i, y in enumerate(range(2016, 2024))})
            for k, name in (("xlsx", "kgz_nsc_by_country.xlsx"), ("xls", "kgz_nsc_by_country.xls"),
                            ("csv-cp1251", "kgz_nsc_by_country_cp1251.csv"))}
CASES |= NATIONAL


def _import(cli: Invoke, fixture: str, fmt: str, extra: list[str], out: Path, *more: str):
    return cli("data", "import", FIX / fixture, "--format", fmt, *extra, "--out", out, *more)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_round_trip_import_select_run(cli: Invoke, tmp_path: Path, case: str) -> None:
    fixture, fmt, extra, reporter, expected = CASES[case]
    out = tmp_path / "data" / "pair.csv"
    r = _import(cli, fixture, fmt, extra, out, "--published", "2024-11-01")
    assert r.exit_code == 0, r.output
    data = files.read_trade_data(out)
    assert all(f.source and f.basis and f.published_text == "2024-11-01" for f in data.figures)
    s = select(data, reporter, "turnover")
    assert dict(zip(s.years.tolist(), s.values.tolist())) == pytest.approx(expected, rel=1e-12)
    last = int(s.years[-1])
    sc = write(tmp_path, "s.yaml", f"name: imported\ndata: {{file: data/pair.csv, reporter: {reporter}}}\n"
               f"target: {{value: {float(s.values[-1]) * 1.2}, year: {last + 2}}}\n"
               "model: rw-drift\nsimulation: {paths: 4000, seed: 1}\n")
    r = cli("run", sc, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["last_observed"]["year"] == last and 0 < d["probability"] < 1


def test_comtrade_rows_keep_source_basis_units_and_leave_out_what_is_not_bilateral_total(
        cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kaz_uzb.csv"
    r = _import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out, "--json")
    d = json.loads(r.stdout)
    assert d["added"] == d["figures"] == 10 * 3 + 5 * 2 + 3
    left = " ".join(d["left_out"])
    for why in ("World", "cmdCode", "DX", "motCode"):
        assert why in left
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    flows = {r["flow"] for r in rows}
    assert flows == {"export", "import", "re-export"}
    re_exports = [r for r in rows if r["flow"] == "re-export"]
    assert [int(r["value_usd"]) for r in re_exports] == [mk.value(i, 2.0e7, 1.05) for i in range(10)]
    assert all(r["basis"] == "un-comtrade" and "primaryValue (US$)" in r["source"]
               and "comtrade_kaz_uzb.csv row" in r["source"] for r in rows)
    monthly = [r["period"] for r in rows if len(r["period"]) == 7]
    assert monthly == ["2024-01", "2024-02", "2024-03"]
    # re-exports are not part of turnover
    s = select(files.read_trade_data(out), "KAZ", "turnover")
    assert s.values[0] == v(0, 9.0e8, 1.12) + v(0, 4.0e8, 1.15)


def test_dots_status_e_marks_an_imf_estimate(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "mng_chn.csv"
    assert _import(cli, "imf_dots_mng_chn_timeseries.csv", "imf-dots", ["--unit-multiplier", "1"],
                   out).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    est = {(r["reporter"], r["period"]) for r in rows if r["basis"] == "imf-estimate"}
    assert est == {("MNG", "2014")}
    assert all(r["flags"] == "imf-estimate" for r in rows if r["basis"] == "imf-estimate")


def test_national_table_footnote_becomes_a_flag_and_ytd_a_period(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kgz_kaz.csv"
    assert _import(cli, "kgz_nsc_by_country.xlsx", "mapping", ["--mapping", FIX / "kgz_nsc_by_country.yaml"],
                   out).exit_code == 0
    rows = {(r["flow"], r["period"]): r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows[("export", "2023")]["flags"] == "preliminary"
    assert rows[("export", "2024-01..2024-08")]["value_usd"] == "20500300"
    assert rows[("import", "2024-01..2024-08")]["value_usd"] == "41000700"
    assert rows[("export", "2023")]["published"] == "2024-10-15"  # the mapping's vintage
    source = rows[("export", "2023")]["source"]
    assert "SYNTHETIC" in source and "(×1,000 to US$)" in source
    s = select(files.read_trade_data(out), "KGZ", "turnover")
    assert [str(u.period) for u in s.ytd] == ["2024-01..2024-08"]


# --- merging --------------------------------------------------------------------------------

def test_reimport_changes_nothing_and_a_conflict_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kaz_uzb.csv"
    assert _import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out).exit_code == 0
    before = out.read_bytes()
    d = json.loads(_import(cli, "comtrade_kaz_uzb.json", "comtrade", [], out, "--json").stdout)
    assert (d["added"], d["unchanged"], d["written"]) == (0, 43, False)
    assert out.read_bytes() == before
    changed = (FIX / "comtrade_kaz_uzb.csv").read_text(encoding="utf-8").replace(
        f",{mk.value(3, 9.0e8, 1.12)},", ",123456789,", 1)
    bad = write(tmp_path, "changed.csv", changed)
    r = cli("data", "import", bad, "--format", "comtrade", "--out", out)
    lines = assert_clean_failure(r, 1)
    assert lines[0].startswith("kaz_uzb.csv: row ") and "KAZ→UZB export 2017" in lines[0]
    assert "123456789" in lines[0] and str(mk.value(3, 9.0e8, 1.12)) in lines[0]
    assert "nothing was written" in lines[-1] and "--replace" in lines[-1]
    assert out.read_bytes() == before
    d = json.loads(cli("data", "import", bad, "--format", "comtrade", "--out", out, "--replace",
                       "--json").stdout)
    assert len(d["replaced"]) == 1 and d["added"] == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 43 and sum(r["value_usd"] == "123456789" for r in rows) == 1


def test_merge_keeps_other_rows_and_columns_and_adds_new_vintages(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kgz_kaz.csv"
    shutil.copy(ROOT / "data" / "kz_kg.csv", out)
    before = list(csv.DictReader(out.open(encoding="utf-8")))
    r = _import(cli, "kgz_nsc_by_country.xlsx", "mapping", ["--mapping", FIX / "kgz_nsc_by_country.yaml"],
                out, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    after = list(csv.DictReader(out.open(encoding="utf-8")))
    assert after[: len(before)] == before  # every row kept exactly, in order
    assert len(after) == len(before) + d["added"] and d["added"] == 18


def test_another_pair_is_refused(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kz_kg.csv"
    shutil.copy(ROOT / "data" / "kz_kg.csv", out)
    before = out.read_bytes()
    r = _import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out)
    assert_problems(r, "kz_kg.csv", [("", "one data file per country pair")])
    assert out.read_bytes() == before


def test_dry_run_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "new" / "kaz_uzb.csv"
    d = json.loads(_import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out, "--dry-run", "--json").stdout)
    assert d["added"] == 43 and not d["written"] and not out.parent.exists()


def test_a_file_with_several_pairs_needs_a_choice(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "comtrade_kaz_uzb.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    extra = lines[1].replace(",860,UZB,Uzbekistan,", ",417,KGZ,Kyrgyzstan,")
    f = write(tmp_path, "two.csv", "\n".join([*lines, extra]) + "\n")
    r = cli("data", "import", f, "--format", "comtrade", "--out", tmp_path / "x.csv")
    assert_problems(r, "two.csv", [("", "choose one with --reporter and --partner")])
    r = cli("data", "import", f, "--format", "comtrade", "--out", tmp_path / "x.csv",
            "--reporter", "KAZ", "--partner", "KGZ", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["figures"] == 1


# --- bad files: one line naming row and column, nothing written ---------------------------

def _comtrade_lines() -> list[str]:
    return (FIX / "comtrade_kaz_uzb.csv").read_text(encoding="utf-8").splitlines()


def _bad(cli: Invoke, tmp_path: Path, name: str, text: str | bytes, fmt: str, *more: object):
    f = write(tmp_path, name, text)
    out = tmp_path / "out" / "pair.csv"
    r = cli("data", "import", f, "--format", fmt, "--out", out, *more)
    assert not out.parent.exists()
    return r, f.name


def test_shifted_columns(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    r, f = _bad(cli, tmp_path, "shift.csv", "\n".join([lines[0], "C," + lines[1], *lines[2:]]), "comtrade")
    assert_problems(r, f, [("row 2", "expected 47 fields as in the header (got 48)")])
    r, f = _bad(cli, tmp_path, "shift2.csv", "\n".join(["x," + ln for ln in lines]), "comtrade")
    assert_problems(r, f, [("header", "expected typeCode as the first column")])
    # header and rows agree in length but a value sits under the wrong name
    cells = lines[1].split(",")
    cells[9], cells[10] = cells[10], cells[9]
    r, f = _bad(cli, tmp_path, "swap.csv", "\n".join([lines[0], ",".join(cells)]), "comtrade")
    assert_problems(r, f, [("row 2, flowCode", "expected a flow code")])


def test_mixed_units(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "imf_imts_arm_geo_sdmx.csv").read_text(encoding="utf-8").splitlines()
    rows = [text[0] + ",UNIT"] + [ln + ",USD" for ln in text[1:]]
    rows[3] = rows[3][: -len("USD")] + "EUR"
    r, f = _bad(cli, tmp_path, "units.csv", "\n".join(rows), "imf-imts")
    assert_problems(r, f, [("row 4, UNIT", "expected values in US dollars (got 'EUR')")])
    mapping = (FIX / "kgz_nsc_by_country.yaml").read_text(encoding="utf-8").replace(
        "тыс. долларов США", "млн. долларов США")
    m = write(tmp_path, "m.yaml", mapping)
    r = cli("data", "import", FIX / "kgz_nsc_by_country.xlsx", "--format", "mapping", "--mapping", m,
            "--out", tmp_path / "o.csv")
    assert_problems(r, str(FIX / "kgz_nsc_by_country.xlsx"),
                    [("sheet 'Таблица 1' A2", "expected the units 'млн. долларов США'")])


def test_unknown_codes(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    bad = lines[1].replace(",860,UZB,Uzbekistan,", ",999,XYZ,Nowhere,")
    r, f = _bad(cli, tmp_path, "code.csv", "\n".join([lines[0], bad]), "comtrade")
    assert_problems(r, f, [("row 2, partnerCode", "unknown country: code '999'")])
    dots = (FIX / "imf_dots_mng_chn_panel.csv").read_text(encoding="utf-8").replace(
        "Mongolia,948,", "Mongolia,9999,", 1)
    r, f = _bad(cli, tmp_path, "dots.csv", dots, "imf-dots", "--unit-multiplier", "1")
    assert_problems(r, f, [("row 2, Country Code", "unknown IMF country code '9999'")])


def test_duplicate_keys_with_different_values(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    dup = lines[1].replace(f",{mk.value(0, 9.0e8, 1.12)},", ",1,")
    r, f = _bad(cli, tmp_path, "dup.csv", "\n".join([lines[0], lines[1], dup]), "comtrade")
    first = mk.value(0, 9.0e8, 1.12)
    assert_problems(r, f, [("row 3", f"two values for KAZ→UZB export 2014: {first} (row 2) and 1")])


def test_text_in_value_cells(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    bad = lines[1].replace(f",{mk.value(0, 9.0e8, 1.12)},", ",n/a,")
    r, f = _bad(cli, tmp_path, "text.csv", "\n".join([lines[0], bad]), "comtrade")
    assert_problems(r, f, [("row 2, primaryValue", "expected a value in US dollars (got 'n/a')")])
    import openpyxl

    wb = openpyxl.load_workbook(FIX / "kgz_nsc_by_country.xlsx")
    ws = wb["Таблица 1"]
    ws["B6"] = "н/д"
    xlsx = tmp_path / "t.xlsx"
    wb.save(xlsx)
    r = cli("data", "import", xlsx, "--format", "mapping", "--mapping", FIX / "kgz_nsc_by_country.yaml",
            "--out", tmp_path / "o.csv")
    assert_problems(r, "t.xlsx", [("sheet 'Таблица 1' B6", "expected a number (got 'н/д')")])


@pytest.mark.parametrize("fmt", ["comtrade", "comtrade-legacy", "imf-imts", "imf-dots"])
def test_empty_file(cli: Invoke, tmp_path: Path, fmt: str) -> None:
    r, f = _bad(cli, tmp_path, "empty.csv", "", fmt)
    assert_problems(r, f, [("", "the file is empty")])
    r, f = _bad(cli, tmp_path, "header.csv", _comtrade_lines()[0] + "\n", fmt)
    assert_clean_failure(r, 1)


def test_mapping_file_errors_name_the_key(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "kgz_nsc_by_country.yaml").read_text(encoding="utf-8")
    m = write(tmp_path, "m.yaml", text + "colour: blue\n")
    r = cli("data", "import", FIX / "kgz_nsc_by_country.xlsx", "--format", "mapping", "--mapping", m,
            "--out", tmp_path / "o.csv")
    assert_problems(r, "m.yaml", [("colour", "unknown key")])
    m = write(tmp_path, "m2.yaml", text.replace("partners: {Казахстан: KAZ}", "partners: {Казахстан: KZ}"))
    r = cli("data", "import", FIX / "kgz_nsc_by_country.xlsx", "--format", "mapping", "--mapping", m,
            "--out", tmp_path / "o.csv")
    assert_problems(r, "m2.yaml", [("partners", "expected ISO3 country codes")])
    m = write(tmp_path, "m3.yaml", text.replace("partners: {Казахстан: KAZ}", "partners: {Казакстан: KAZ}"))
    r = cli("data", "import", FIX / "kgz_nsc_by_country.xlsx", "--format", "mapping", "--mapping", m,
            "--out", tmp_path / "o.csv")
    assert_problems(r, str(FIX / "kgz_nsc_by_country.xlsx"), [("sheet 'Таблица 1' column A",
                                                               "no row labelled 'Казакстан'")])


def test_unit_not_stated_needs_unit_multiplier(cli: Invoke, tmp_path: Path) -> None:
    r = cli("data", "import", FIX / "imf_dots_mng_chn_panel.csv", "--format", "imf-dots",
            "--out", tmp_path / "o.csv")
    assert_problems(r, str(FIX / "imf_dots_mng_chn_panel.csv"), [("header", "--unit-multiplier")])
    r = cli("data", "import", FIX / "imf_imts_arm_geo_wide.csv", "--format", "imf-imts",
            "--unit-multiplier", "1", "--out", tmp_path / "o.csv")
    assert_problems(r, str(FIX / "imf_imts_arm_geo_wide.csv"),
                    [(f"row {n}, SCALE.ID", "the file's scale is 1,000 but --unit-multiplier says 1")
                     for n in (2, 3, 4, 5)])  # every row's problem, one line each


@pytest.mark.parametrize("args", [
    ["--format", "csv"], ["--format", "mapping"], ["--format", "comtrade", "--mapping", "m.yaml"],
    ["--format", "comtrade", "--reporter", "KZ"], ["--format", "comtrade", "--published", "2024-13-01"],
    ["--format", "imf-dots", "--unit-multiplier", "7"], ["--format", "comtrade", "--unit-multiplier", "1"],
])
def test_usage_errors_exit_2(cli: Invoke, tmp_path: Path, args: list[str]) -> None:
    r = cli("data", "import", FIX / "comtrade_kaz_uzb.csv", *args, "--out", tmp_path / "o.csv")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert not (tmp_path / "o.csv").exists()


def test_bad_existing_out_file_is_not_overwritten(cli: Invoke, tmp_path: Path) -> None:
    out = write(tmp_path, "mine.csv", "my,own,notes\n1,2,3\n")
    snap = snapshot(tmp_path)
    r = cli("data", "import", FIX / "comtrade_kaz_uzb.csv", "--format", "comtrade", "--out", out)
    assert_clean_failure(r, 1)
    assert snapshot(tmp_path) == snap


# --- codes ----------------------------------------------------------------------------------

def test_codes_map_both_ways() -> None:
    import pycountry

    m49 = ("398", "417", "842", "251", "699", "757", "579", "490", "381", "380")
    expected = ["KAZ", "KGZ", "USA", "FRA", "IND", "CHE", "NOR", "TWN", "ITA", "ITA"]
    assert [codes.from_m49(c) for c in m49] == expected
    assert codes.from_m49("0") == "" and codes.from_m49("899") == ""
    imf_codes = ("916", "917", "111", "924", "001")
    assert [codes.from_imf(c) for c in imf_codes] == ["KAZ", "KGZ", "USA", "CHN", ""]
    assert codes.to_imf("KGZ") == "917" and set(codes.to_comtrade("USA")) == {"841", "842"}
    for c in pycountry.countries:
        assert codes.from_m49(codes.to_m49(c.alpha_3)) == c.alpha_3, c
    imf = [i for i in codes._table("country_codes_imf.csv").values() if codes.is_country(i)]
    assert len(imf) > 190
    for iso in imf:
        assert codes.from_imf(codes.to_imf(iso)) == iso
    with pytest.raises(KeyError):
        codes.from_imf("9999")


def test_data_codes_command(cli: Invoke) -> None:
    r = cli("data", "codes", "917", "--scheme", "imf")
    assert r.exit_code == 0 and r.stdout.startswith("KGZ  Kyrgyzstan  M49 417") and "IMF 917" in r.stdout
    assert cli("data", "codes", "0", "--scheme", "m49").exit_code == 1


# --- found in review: contradictions, shifted rows, vintages, listing ------------------------

def test_every_bad_row_is_listed(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    col = mk.COMTRADE.index("primaryValue")
    bad = []
    for ln in lines[1:4]:
        cells = ln.split(",")
        cells[col] = "n/a"
        bad.append(",".join(cells))
    r, f = _bad(cli, tmp_path, "many.csv", "\n".join([lines[0], *bad]), "comtrade")
    assert_problems(r, f, [(f"row {n}, primaryValue", "got 'n/a'") for n in (2, 3, 4)])


def test_a_code_that_contradicts_its_iso_column(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    bad = lines[1].replace(",398,KAZ,Kazakhstan,", ",398,KGZ,Kazakhstan,")
    r, f = _bad(cli, tmp_path, "iso.csv", "\n".join([lines[0], bad]), "comtrade")
    assert_problems(r, f, [("row 2, reporterCode", "code 398 is KAZ but the ISO column says 'KGZ'")])


def test_two_scale_columns_that_disagree(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "imf_imts_arm_geo_wide.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("Thousands,3,", "Millions,3,")
    r, f = _bad(cli, tmp_path, "scale.csv", "\n".join(text), "imf-imts")
    assert_problems(r, f, [("row 3, SCALE", "disagrees with SCALE.ID")])


def test_a_monthly_column_in_an_annual_series_is_left_out(cli: Invoke, tmp_path: Path) -> None:
    d = json.loads(_import(cli, "imf_imts_arm_geo_wide.csv", "imf-imts", [], tmp_path / "o.csv",
                           "--json").stdout)
    assert all(len(p) == 4 for s in d["series"] for p in s["periods"])
    assert any("another frequency" in x for x in d["left_out"])


def test_a_shifted_row_in_a_national_table(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "kgz_nsc_by_country_cp1251.csv").read_bytes().decode("cp1251").splitlines()
    row = next(i for i, ln in enumerate(text) if ln.startswith("Казахстан"))
    text[row] = text[row].replace("Казахстан;", "Казахстан;;", 1)
    f = write(tmp_path, "shifted.csv", "\n".join(text).encode("cp1251"))
    r = cli("data", "import", f, "--format", "mapping", "--mapping", FIX / "kgz_nsc_by_country.yaml",
            "--out", tmp_path / "o.csv")
    assert_problems(r, "shifted.csv",
                    [("AB6", "right of the last labelled column (AA): the row may be shifted")])


def test_a_mapping_of_a_country_with_itself(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "kgz_nsc_by_country.yaml").read_text(encoding="utf-8").replace(
        "partners: {Казахстан: KAZ}", "partners: {Казахстан: KGZ}")
    m = write(tmp_path, "m.yaml", text)
    r = cli("data", "import", FIX / "kgz_nsc_by_country.xlsx", "--format", "mapping", "--mapping", m,
            "--out", tmp_path / "o.csv")
    assert_problems(r, "m.yaml", [("", "is the reporter KGZ itself")])


def test_comtrade_estimates_are_flagged(cli: Invoke, tmp_path: Path) -> None:
    lines = _comtrade_lines()
    est = lines[1].replace(",0,True,True", ",4,False,True")
    f = write(tmp_path, "est.csv", "\n".join([lines[0], est, lines[2]]))
    out = tmp_path / "o.csv"
    assert cli("data", "import", f, "--format", "comtrade", "--out", out).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["flags"] for r in rows] == ["estimated", ""]
    assert "estimated by Comtrade" in rows[0]["source"] and "legacyEstimationFlag 4" in rows[0]["note"]


def test_an_undated_reimport_adds_no_copies(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kaz_uzb.csv"
    r = _import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out, "--published", "2024-12-01")
    assert r.exit_code == 0
    before = out.read_bytes()
    d = json.loads(_import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out, "--json").stdout)
    assert (d["added"], d["unchanged"]) == (0, 43) and out.read_bytes() == before
    d = json.loads(_import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out, "--published", "2025-06-01",
                           "--json").stdout)
    assert d["added"] == 43  # a dated new vintage is new


def test_replace_keeps_the_old_value_in_the_note(cli: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kaz_uzb.csv"
    _import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], out)
    old = mk.value(3, 9.0e8, 1.12)
    f = write(tmp_path, "c.csv", (FIX / "comtrade_kaz_uzb.csv").read_text(encoding="utf-8").replace(
        f",{old},", ",123456789,", 1))
    assert cli("data", "import", f, "--format", "comtrade", "--out", out, "--replace").exit_code == 0
    row = next(r for r in csv.DictReader(out.open(encoding="utf-8")) if r["value_usd"] == "123456789")
    assert f"replaced {old}" in row["note"]


def test_data_list_skips_files_that_are_not_data_files(cli: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    _import(cli, "comtrade_kaz_uzb.csv", "comtrade", [], folder / "kaz_uzb.csv")
    shutil.copy(FIX / "comtrade_kaz_uzb.csv", folder / "download.csv")
    r = cli("data", "list", folder)
    assert r.exit_code == 0, r.output
    assert "kaz_uzb.csv: 43 rows" in r.stdout and "download.csv: not a data file, skipped" in r.stdout
    assert "3 single month(s) 2024-01..2024-03" in r.stdout and "re-export" in r.stdout


def test_data_codes_messages(cli: Invoke) -> None:
    assert cli("data", "codes", "398").exit_code == 2  # numeric: needs --scheme
    r = cli("data", "codes", "XYZ")
    assert r.exit_code == 1 and "unknown iso3 country code" in r.stderr
    r = cli("data", "codes", "0", "--scheme", "m49")
    assert r.exit_code == 1 and "the World, a group" in r.stderr


def test_a_tab_separated_national_table_reads_like_the_semicolon_one(cli: Invoke, tmp_path: Path) -> None:
    text = (FIX / "kgz_nsc_by_country_cp1251.csv").read_bytes().decode("cp1251").replace(";", "\t")
    f = write(tmp_path, "tabs.csv", text.encode("utf-8"))
    a = json.loads(cli("data", "import", f, "--format", "mapping", "--mapping",
                       FIX / "kgz_nsc_by_country.yaml", "--out", tmp_path / "a.csv", "--json").stdout)
    b = json.loads(cli("data", "import", FIX / "kgz_nsc_by_country_cp1251.csv", "--format", "mapping",
                       "--mapping", FIX / "kgz_nsc_by_country.yaml", "--out", tmp_path / "b.csv",
                       "--json").stdout)
    assert a["figures"] == b["figures"] == 18
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").replace("tabs.csv", "X") == \
        (tmp_path / "b.csv").read_text(encoding="utf-8").replace("kgz_nsc_by_country_cp1251.csv", "X")
