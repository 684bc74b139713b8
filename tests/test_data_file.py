"""The long-format data file: loading rejects bad rows by number; the shipped file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import DATA_FILE, write

from forecast.data.files import read_trade_data
from forecast.data.series import select
from forecast.data.table import COLUMNS, TradeData, parse_table
from forecast.errors import DataError

HEADER = ",".join(COLUMNS)
GOOD = "KGZ,KAZ,export,2020,100,national-statistics,2021-03-01,NSC table"
OTHER = "KGZ,KAZ,import,2020,200,national-statistics,2021-03-01,NSC table"


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        read_trade_data(path)
    lines = info.value.lines()
    assert all(ln.startswith(f"{path}: ") or ln.startswith(f"{path.name}: ") for ln in lines), \
        lines
    return lines


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def row(**cells: str) -> str:
    base = dict(zip(COLUMNS, GOOD.split(",")))
    base.update(cells)
    return ",".join(base[c] for c in COLUMNS)


@pytest.mark.parametrize("column, value", [
    ("reporter", "XXX"), ("reporter", "kgz"), ("reporter", ""), ("partner", "XXX"),
    ("flow", "reexport"), ("flow", ""),
    ("period", "2023-13"), ("period", "20x3"), ("period", "2023-00"), ("period", ""),
    ("period", "2023-03..2023-08"),
    ("value_usd", "-5"), ("value_usd", ""), ("value_usd", "abc"), ("value_usd", "nan"),
    ("value_usd", "inf"),
    ("basis", "rumour"),
    ("published", "2999-01-01"), ("published", "2999-01"), ("published", "soon"),
])
def test_bad_cell_is_rejected_naming_the_row(tmp_path: Path, column: str, value: str) -> None:
    path = write(tmp_path, "d.csv", csv_text(GOOD, row(**{column: value}), OTHER))
    lines = problems(path)
    assert len(lines) == 1, lines
    assert f": row 3, {column}: " in lines[0], lines


def test_every_bad_row_is_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", csv_text(GOOD, row(flow="reexport"), OTHER,
                                             row(period="2023-13")))
    lines = problems(path)
    assert [ln.split(": ")[1] for ln in lines] == ["row 3, flow", "row 5, period"]


def test_two_values_for_one_figure(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", csv_text(OTHER, GOOD, row(value_usd="101")))
    lines = problems(path)
    assert len(lines) == 1, lines
    assert ": row 4: " in lines[0] and "row 3" in lines[0]


def test_same_figure_repeated_or_revised_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", csv_text(
        GOOD, GOOD, OTHER,
        row(value_usd="101", published="2022-03-01"),  # a revision: later publication
        row(value_usd="99", basis="imf-dots", published=""),  # another basis
    ))
    data = read_trade_data(path)
    assert len(data.figures) == 4


def test_wrong_number_of_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", csv_text(GOOD, "KGZ,KAZ,export,2021,100", OTHER))
    lines = problems(path)
    assert len(lines) == 1 and ": row 3: " in lines[0], lines

    path = write(tmp_path, "e.csv", csv_text(GOOD, OTHER, GOOD + ",flags,note,extra"))
    lines = problems(path)
    assert len(lines) == 1 and ": row 4: " in lines[0], lines


@pytest.mark.parametrize("missing", ["basis", "value_usd", "source", "published"])
def test_missing_column(tmp_path: Path, missing: str) -> None:
    keep = [i for i, c in enumerate(COLUMNS) if c != missing]

    def drop(line: str) -> str:
        cells = line.split(",")
        return ",".join(cells[i] for i in keep)

    path = write(tmp_path, "d.csv", csv_text(drop(GOOD), drop(OTHER), header=drop(HEADER)))
    lines = problems(path)
    assert len(lines) == 1 and ": header: " in lines[0] and missing in lines[0], lines


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf", b"\xff\xfe\x00garbage",
                                     HEADER.encode() + b"\n"])
def test_empty_or_not_text(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, "d.csv", content)
    assert problems(path)


def test_missing_file(tmp_path: Path) -> None:
    lines = problems(tmp_path / "nope.csv")
    assert "not found" in lines[0]


def test_row_numbers_count_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", csv_text(GOOD, "", row(flow="reexport"), OTHER))
    lines = problems(path)
    assert ": row 4, flow: " in lines[0], lines


def test_parse_table_future_date_against_today() -> None:
    rows = [dict(zip(COLUMNS, GOOD.split(","))),
            dict(zip(COLUMNS, row(flow="import", published="2021-03-02").split(",")))]
    with pytest.raises(DataError) as info:
        parse_table(rows, "t.csv", header=COLUMNS, today=dt.date(2021, 3, 1))
    assert [str(p.key) for p in info.value.problems] == ["row 3, published"]
    data = parse_table(rows, "t.csv", header=COLUMNS, today=dt.date(2021, 3, 2))
    assert len(data.figures) == 2


# --- the shipped data file ---------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> TradeData:
    return read_trade_data(DATA_FILE)


def test_shipped_file_loads(shipped: TradeData) -> None:
    assert set(shipped.reporters) == {"KAZ", "KGZ"}
    assert all(f.source.strip() for f in shipped.figures)


def test_kgz_turnover_as_of_april_2024(shipped: TradeData) -> None:
    s = select(shipped, "KGZ", "turnover", as_of=dt.date(2024, 4, 9))
    assert s.last_year == 2023
    assert s.last_value == 455702000 + 862182000
    last = s.used[-1]
    assert {f.published for f in last.figures} == {dt.date(2024, 4, 9)}
    assert all(f.public_from(s.lag_months) <= dt.date(2024, 4, 9)
               for u in s.used for f in u.figures)


def test_kgz_exports_2023_revised(shipped: TradeData) -> None:
    s = select(shipped, "KGZ", "exports")
    by_year = dict(zip(s.years.tolist(), s.values.tolist()))
    assert by_year[2023] == 449009325


def test_kgz_years_1994_to_2023(shipped: TradeData) -> None:
    s = select(shipped, "KGZ", "turnover")
    assert set(range(1994, 2024)) <= set(s.years.tolist())
    s = select(shipped, "KGZ", "turnover", as_of=dt.date(2024, 4, 9))
    assert set(range(1994, 2024)) <= set(s.years.tolist())


def test_kaz_latest(shipped: TradeData) -> None:
    s = select(shipped, "KAZ", "turnover")
    assert s.last_year >= 2024


def test_a_revision_beats_its_first_release_whatever_the_lag() -> None:
    """The undated revised table value must not lose to the dated first release because the
    lag rule happened to give it an earlier assumed date."""
    from forecast.data.files import read_trade_data
    from forecast.data.series import select

    data = read_trade_data(DATA_FILE)
    for lag in (0, 2, 3, 12):
        s = select(data, "KGZ", "exports", lag_months=lag)
        assert s.values[list(s.years).index(2023)] == 449009325


def test_lower_bound_and_unclear_figures_are_left_out_by_default_and_said() -> None:
    from forecast.data.files import read_trade_data
    from forecast.data.series import select

    data = read_trade_data(DATA_FILE)
    s = select(data, "KGZ", "turnover", exclude_flags=("lower-bound", "basis-unclear"))
    assert s.last_year == 2024
    assert any("2025 turnover" in n and "left out" in n for n in s.notes)
    assert select(data, "KGZ", "turnover").last_year == 2025
