"""``tradecast data``: import files users download, and look into data files.

Also home of :func:`fail`, the one way a command reports a :class:`ForecastError`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from forecast.errors import DataError, ForecastError


def fail(error: ForecastError) -> NoReturn:
    """Print one line per problem on stderr and exit 1."""
    for line in error.lines():
        typer.echo(line, err=True)
    raise typer.Exit(1)


data_app = typer.Typer(help="Import files from UN Comtrade, the IMF and national statistics; look into "
                        "data files: what they hold, each reporter's series, and "
                        "the asymmetry between the two countries' statistics.", no_args_is_help=True,
                        rich_markup_mode=None)


def _pair_data(pair: str):  # type: ignore[no-untyped-def]
    """(display path, data) of a data file named directly or by pair name (``kz_kg`` is
    ``data/kz_kg.csv``); DataError if there is no such file."""
    from forecast.data import files

    path = Path(pair)
    path = path if path.suffix else Path("data") / f"{pair}.csv"
    if not path.exists():
        raise DataError(pair, "", f"no data file {files.display_path(path)} (give a file or a pair "
                        "name such as kz_kg for data/kz_kg.csv)")
    return files.display_path(path), files.read_trade_data(path)


@data_app.command("list")
def data_list(
    folder: Annotated[Path, typer.Argument(help="Folder of data files.")] = Path("data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """The data files in FOLDER: for each, the pairs, reporters, years and bases it holds."""
    from forecast.data import files
    from forecast.present import render_data

    try:
        if not folder.is_dir():
            raise DataError(str(folder), "", "not a folder of data files")
        found, skipped = [], []
        for p in sorted(folder.glob("*.csv")):
            try:
                found.append((files.display_path(p), files.read_trade_data(p)))
            except DataError as e:  # a download or another table beside the data files
                skipped.append((files.display_path(p), e.problems[0].message))
    except ForecastError as e:
        fail(e)
    d = render_data.list_dict(found, skipped)
    sys.stdout.write(render_data.to_json(d) if as_json else render_data.list_text(d))


@data_app.command("show")
def data_show(
    pair: Annotated[str, typer.Argument(help="A data file, or a pair name such as kz_kg.",
                                        show_default=False)],
    measure: Annotated[str, typer.Option(
        "--measure", help="turnover, exports or imports.")] = "turnover",
    reporter: Annotated[list[str] | None, typer.Option(
        "--reporter", help="Only this reporter's series (ISO3; repeat for several).",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
) -> None:
    """Each reporter's annual series in a data file, side by side, with the source of each
    figure (national statistics, Comtrade, IMF, statement) and a bar per reporter and year."""
    from forecast.data.series import select
    from forecast.present import render_data

    if measure not in ("turnover", "exports", "imports"):
        raise typer.BadParameter(f"--measure: expected turnover, exports or imports (got {measure!r})")
    try:
        where, data = _pair_data(pair)
        chosen = [r.strip().upper() for r in reporter or []]
        unknown = [r for r in chosen if r not in data.reporters]
        if unknown:
            raise typer.BadParameter(f"--reporter: {', '.join(unknown)} reports nothing in {where} "
                                     f"(reporters: {', '.join(data.reporters)})")
        series = {}
        for r in chosen or data.reporters:
            for partner in sorted({f.partner for f in data.figures if f.reporter == r}):
                try:
                    series[(r, partner)] = select(data, r, measure, partner=partner,  # type: ignore[arg-type]
                                                  exclude_flags=("lower-bound", "basis-unclear"))
                except DataError:
                    continue
    except ForecastError as e:
        fail(e)
    d = render_data.show_dict(where, measure, series)
    sys.stdout.write(render_data.to_json(d) if as_json else render_data.show_text(d))


@data_app.command("asymmetry")
def data_asymmetry(
    pair: Annotated[str, typer.Argument(help="A data file, or a pair name such as kz_kg "
                                        "(data/kz_kg.csv).", show_default=False)],
    reporter: Annotated[str | None, typer.Option(
        "--reporter", help="Whose figures to set against the partner's mirror figures (ISO3; "
        "default: the first reporter in the file).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the table as JSON.")] = False,
) -> None:
    """By year and flow: each side's figure, the mirror figure, the gap in % and its trend."""
    from forecast.data import asymmetry
    from forecast.present import render_data

    try:
        where, data = _pair_data(pair)
        reporters = data.reporters
        a: str = reporter or reporters[0]
        if a not in reporters:
            raise typer.BadParameter(f"--reporter: expected one of {', '.join(reporters)} in "
                                     f"{where} (got {a!r})")
        partners = sorted({f.partner for f in data.figures if f.reporter == a})
        b = next((p for p in partners if p in reporters), None)
        if b is None:
            raise DataError(where, "", f"no mirror figures: no partner of {a} "
                            f"({', '.join(partners)}) reports in this file")
        rows = asymmetry.table(data, a, b)
    except ForecastError as e:
        fail(e)
    trends = [asymmetry.trend(rows, flow) for flow in asymmetry.MIRROR]
    d = render_data.asymmetry_dict(where, a, b, rows, trends)
    sys.stdout.write(render_data.to_json(d) if as_json else render_data.asymmetry_text(d))




def _iso3_option(name: str, value: str | None) -> str | None:
    from forecast.data import codes

    if value is None:
        return None
    v = value.strip().upper()
    if not codes.is_country(v):
        raise typer.BadParameter(f"{name}: expected an ISO 3166 alpha-3 country code such as KAZ "
                                 f"(got {value!r}); 'tradecast data codes' converts other codes")
    return v


def _import_options(fmt: str, mapping: Path | None, reporter: str | None, partner: str | None,
                    published: str | None, unit_multiplier: str | None, out: Path
                    ) -> tuple[str | None, str | None]:
    """``data import``'s options checked together (usage errors, exit 2); the pair's codes."""
    import datetime as dt
    import re

    from forecast.data.importers import FORMATS

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format: expected one of {', '.join(FORMATS)} (got {fmt!r})")
    if (mapping is not None) != (fmt == "mapping"):
        raise typer.BadParameter("--mapping MAP.yaml goes with --format mapping (and it needs one)")
    rep, par = _iso3_option("--reporter", reporter), _iso3_option("--partner", partner)
    if rep and rep == par:
        raise typer.BadParameter("--reporter and --partner must be two countries")
    if published is not None:
        try:
            day = dt.date.fromisoformat(published)
        except ValueError:
            raise typer.BadParameter(f"--published: expected a date YYYY-MM-DD (got {published!r})") from None
        if day > dt.date.today():
            raise typer.BadParameter(f"--published: {published} is in the future")
    if unit_multiplier is not None and fmt not in ("imf-imts", "imf-dots"):
        raise typer.BadParameter(f"--unit-multiplier goes with imf-imts and imf-dots files that do "
                                 f"not state their unit; {fmt} files state it (Comtrade: US$; a "
                                 "mapping: its unit_multiplier)")
    if unit_multiplier is not None and not re.fullmatch(r"1(0)*", unit_multiplier.strip()):
        raise typer.BadParameter(f"--unit-multiplier: expected a power of ten such as 1, 1000 or "
                                 f"1000000 (got {unit_multiplier!r})")
    if out.suffix.lower() != ".csv":
        raise typer.BadParameter(f"--out: expected a .csv data file (got {str(out)!r})")
    return rep, par


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="The downloaded file (CSV, JSON, .xlsx or .xls).",
                                         show_default=False)],
    fmt: Annotated[str, typer.Option(
        "--format", help="comtrade, comtrade-legacy, imf-imts, imf-dots or mapping "
        "(a national table read through --mapping).", show_default=False)],
    out: Annotated[Path, typer.Option(
        "--out", help="The data file to write or merge into, e.g. data/kaz_uzb.csv (one file per "
        "country pair).", show_default=False)],
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="With --format mapping: the YAML file saying where the figures are.",
        show_default=False)] = None,
    reporter: Annotated[str | None, typer.Option(
        "--reporter", help="ISO3 code of one country of the pair (both countries' reports "
        "are kept).", show_default=False)] = None,
    partner: Annotated[str | None, typer.Option(
        "--partner", help="ISO3 code of the other country of the pair.", show_default=False)] = None,
    published: Annotated[str | None, typer.Option(
        "--published", help="Release date of the figures (YYYY-MM-DD), their vintage; default: "
        "the file's own (Comtrade bulk file name, mapping file), else unknown.",
        show_default=False)] = None,
    unit_multiplier: Annotated[str | None, typer.Option(
        "--unit-multiplier", help="For files that do not state their unit (legacy IMF DOTS, "
        "SDMX-CSV without a scale column): 1 for US dollars, 1000000 for millions.",
        show_default=False)] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="Text put before the source of every row, e.g. the download's URL "
        "and date.", show_default=False)] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Take the imported value where the data file has another value for the "
        "same figure (default: report the conflict, write nothing).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what would change; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Convert a UN Comtrade, IMF or national-statistics file to the long format and merge it
    into a data file: every row keeps its source, basis, unit conversion and vintage. A figure
    the data file already has with another value is reported (nothing is written) unless
    --replace says to take the imported one."""
    from forecast.data import files
    from forecast.data.importers import Options, merge, read
    from forecast.data.table import parse_table
    from forecast.present import render_data

    rep, par = _import_options(fmt, mapping, reporter, partner, published, unit_multiplier, out)
    try:
        where = files.display_path(file)
        if not file.is_file():
            raise DataError(where, "", "file not found" if not file.exists() else "not a file")
        opts = Options(where, published or "", unit_multiplier, source or "")
        imported = read(file, fmt, opts, mapping=mapping, reporter=rep, partner=par)
        out_where = files.display_path(out)
        header: tuple[str, ...] = ()
        existing: list[tuple[int, dict[str, str]]] = []
        if out.exists() and out.is_file() and out.stat().st_size == 0:
            pass  # an empty file: written as new
        elif out.exists():
            files.read_trade_data(out)  # a valid data file, or stop here
            header, existing = files.read_csv_rows(out)
        merged = merge.merge(existing, header, imported, out=out_where, replace=replace)
        text = merge.to_csv(merged)
        rows = list(merged.rows)
        parse_table(rows, out_where, header=merged.header)  # the result is a valid data file
        if not dry_run and (merged.added or merged.replaced):
            files.write_files(out.parent if str(out.parent) else Path("."), {out.name: text})
    except ForecastError as e:
        fail(e)
    d = render_data.import_dict(imported, out_where, merged, dry_run=dry_run)
    sys.stdout.write(render_data.to_json(d) if as_json else render_data.import_text(d))


@data_app.command("codes")
def data_codes(
    code: Annotated[str, typer.Argument(help="An ISO3 code, or a numeric code with --scheme.",
                                        show_default=False)],
    scheme: Annotated[str, typer.Option(
        "--scheme", help="What CODE is: iso3, m49 (also UN Comtrade's codes) or imf.")] = "iso3",
) -> None:
    """A country's codes in every scheme the importers read: ISO3, UN M49, UN Comtrade and IMF."""
    from forecast.data import codes

    convert = {"iso3": lambda c: c.strip().upper(), "m49": codes.from_m49, "imf": codes.from_imf}
    if scheme not in convert:
        raise typer.BadParameter(f"--scheme: expected iso3, m49 or imf (got {scheme!r})")
    if scheme == "iso3" and code.strip().isdigit():
        raise typer.BadParameter(f"{code} is a numeric code: give --scheme m49 (also Comtrade's "
                                 "codes) or --scheme imf")
    try:
        iso = convert[scheme](code)
    except KeyError:
        iso = None
    if iso is None or (scheme == "iso3" and not codes.is_country(iso)):
        fail(ForecastError(code, "", f"unknown {scheme} country code"))
    if not iso:
        fail(ForecastError(code, "", f"not a country: the World, a group of countries or a former "
                           f"country in the {scheme} codes"))
    m49 = codes.to_m49(iso)  # type: ignore[arg-type]
    try:
        imf = codes.to_imf(iso)  # type: ignore[arg-type]
    except KeyError:
        imf = "–"
    comtrade = ", ".join(codes.to_comtrade(iso)) or m49  # type: ignore[arg-type]
    typer.echo(f"{iso}  {codes.name(iso)}  M49 {m49}  Comtrade {comtrade}  IMF {imf}")  # type: ignore[arg-type]
