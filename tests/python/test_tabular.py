"""CSV and XLSX extracted tables, wide and long: the same figures as the text report."""

from __future__ import annotations

import dataclasses
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import csv_table
from loaders.errors import DocumentError
from loaders.metadata import read_metadata
from loaders.models import Extraction
from loaders.numbers import PLAIN_NUMBER, parse_cell
from loaders.pipeline import read_document
from loaders.warehouse import arrow_table

from .helpers import FIXTURES, REPORT, batch_rows, write_kpi_workbook


def figures(values):
    return [(v.label_key, v.fiscal_year, v.value_number, v.decimals_printed, v.unit_normalized) for v in values]


def bulk_figures(extraction):
    return [
        (r["label_key"], r["fiscal_year"], r["value_number"], r["decimals_printed"], r["unit_normalized"])
        for r in batch_rows(extraction.bulk.values_path)
    ]


@pytest.fixture(scope="module")
def english_text():
    return read_document(FIXTURES / "xiaomi-2019-kpis.en.txt").extraction.values


def test_wide_csv_gives_a_value_per_year_column_and_null_for_n_a(english_text):
    found = read_document(FIXTURES / "xiaomi-2019-kpis.wide.csv").extraction
    assert found.reject_count == 0 and found.candidate_line_count == 18 and found.value_count == 36
    rows = batch_rows(found.bulk.values_path)
    assert [row for row in bulk_figures(found) if row[1] == 2019] == figures(english_text)
    assert {(r["value_number"], r["not_reported_as_printed"]) for r in rows if r["fiscal_year"] == 2018} == {
        (None, "N/A")
    }
    assert (rows[0]["location"], rows[0]["column_label"], rows[0]["unit_as_printed"]) == ("line 2", "2019", "tonnes")


def test_long_csv_gives_a_value_per_row(english_text):
    found = read_document(FIXTURES / "xiaomi-2019-kpis.long.csv").extraction
    assert found.reject_count == 0
    assert bulk_figures(found) == figures(english_text)


def test_a_long_row_with_a_bad_year_is_rejected_with_its_line(tmp_path):
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "k.csv.yml")
    (tmp_path / "k.csv").write_text("indicator,unit,year,value\nTotal energy consumption,MWh,last year,1\n")
    found = read_document(tmp_path / "k.csv").extraction
    assert [(r.location, r.reason_code) for r in found.rejects] == [("line 2", "malformed_year")]
    assert found.value_count == 0


def test_a_csv_without_year_or_value_columns_is_an_error_naming_it(tmp_path):
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "k.csv.yml")
    (tmp_path / "k.csv").write_text("indicator,unit,amount in 2019\nTotal energy consumption,MWh,1\n")
    expected = r"k\.csv: no header row in 'k' \(first 10 rows\): expected one naming year columns \(wide\)"
    with pytest.raises(DocumentError, match=expected):
        read_document(tmp_path / "k.csv")


def test_xlsx_cells_read_as_their_number_format_displays_them(tmp_path, english_text):
    path = write_kpi_workbook(tmp_path / "xiaomi-2019-kpis.xlsx", english_text)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.append(["Share of renewable electricity", "% of total", 0.516])
    sheet.cell(sheet.max_row, 3).number_format = "0.0%"
    workbook.save(path)
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.en.txt.yml", tmp_path / "xiaomi-2019-kpis.xlsx.yml")

    found = read_document(path).extraction
    assert found.rejects == []
    assert figures(found.values[:-1]) == figures(english_text)
    assert [v.value_as_printed for v in found.values[:-1]] == [v.value_as_printed for v in english_text]
    assert found.values[0].location == "sheet 'Environmental KPIs' row 2"
    share = found.values[-1]
    assert (share.value_as_printed, share.value_number, share.decimals_printed, share.unit_normalized) == (
        "51.6%",
        Decimal("51.6"),
        1,
        "%",
    )


def test_a_file_that_is_not_a_workbook_is_an_error_naming_it(tmp_path):
    shutil.copy(REPORT.with_name(REPORT.name + ".yml"), tmp_path / "broken.xlsx.yml")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DocumentError, match=r"broken\.xlsx: not readable as XLSX"):
        read_document(tmp_path / "broken.xlsx")


TRICKY = """indicator,unit,company,year,value
Total energy consumption,MWh,acme,FY2019,"34,282.58"
Total energy consumption,MWh,acme,FY2018,N/A
Direct energy consumption,GJ,acme,2019,"5 218"
Scope 1 emissions,tCO2e,acme,2019,< 0.1
Scope 1 emissions,tCO2e,beta_co,2019,(1234)
Share of renewable electricity,,acme,2019,15%
Community investment,元,acme,2019,"2,200萬"
Water consumption,m3,acme,2019,283.42¹
Water consumption,m3,acme,2019,283.42
Packaging,公擔,acme,2019,12
Hazardous waste,tonnes,acme,2019,1.2.3
,tonnes,acme,2019,4
Waste,tonnes,Not A Code,2019,4
Waste,tonnes,acme,last year,4
Hazardous waste,tonnes,acme,２０１９,１，４５７．９４
Water withdrawal,m3,acme,2019,-5.5
Water discharge,m3,acme,2019,"123,456,789,012.0123456789"
Energy sold,MWh,acme,2019,1234567890123456789
Waste,公擔,Not A Code,last year,4
Waste,公擔,Not A Code,2019,4
Women's share of employees,%,acme,2019,40
Women's share of employees,%,acme,2019,41
"""


def _both_ways(path: Path, tmp_path: Path) -> tuple[Extraction, list[dict], list[dict]]:
    """A CSV document read in bulk by DuckDB, and line by line with the row rules every format shares, both
    as the raw columns they give (the document's hash aside: the line-by-line rows do not carry it)."""
    from loaders.pipeline import SEEDS
    from loaders.recognizer import Vocabulary
    from loaders.rows import validate_rows
    from loaders.tabular import parse_csv

    found = read_document(path, tmp_path).extraction
    assert found.bulk is not None
    layout = parse_csv(str(path), path.read_text(encoding="utf-8-sig"))
    metadata = read_metadata(path).metadata
    values, rejects = validate_rows(layout.rows, layout.tables, [], metadata, Vocabulary.from_seeds(SEEDS))
    line_by_line = {
        table: [{**row, "document_sha256": None} for row in arrow_table(table, records, key="").to_pylist()]
        for table, records in (("reported_values", values), ("rejected_lines", rejects))
    }
    bulk = {
        table: [{**row, "document_sha256": None} for row in batch_rows(batch)]
        for table, batch in (("reported_values", found.bulk.values_path), ("rejected_lines", found.bulk.rejects_path))
    }
    assert bulk == line_by_line
    return found, bulk["reported_values"], bulk["rejected_lines"]


@pytest.mark.parametrize(
    "name",
    [
        *(path.name for path in sorted(FIXTURES.glob("*.csv"))),
        *(path.name for path in sorted(REPORT.parent.glob("*.csv"))),
    ],
)
def test_every_csv_document_gives_the_same_rows_in_bulk_as_line_by_line(tmp_path, name):
    """Every column of every value and reject, on every CSV the project carries."""
    path = next(folder / name for folder in (FIXTURES, REPORT.parent) if (folder / name).exists())
    _, values, _ = _both_ways(path, tmp_path)
    assert values


def test_the_bulk_csv_reader_reads_every_cell_as_the_row_by_row_reader_does(tmp_path):
    """DuckDB reads plain numbers in SQL and hands everything else to parse_cell: same rows either way."""
    path = tmp_path / "tricky.csv"
    path.write_text(TRICKY, encoding="utf-8")
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "tricky.csv.yml")
    found, bulk_values, bulk_rejects = _both_ways(path, tmp_path)
    assert {r["reason_code"] for r in bulk_rejects} == {
        "duplicate_identical",  # 283.42¹ and 283.42 print one figure
        "unknown_unit",
        "malformed_number",
        "empty_label",
        "malformed_company",
        "malformed_year",
        "duplicate_conflict",  # 40 and 41 under one label: neither is taken
    }
    # A row breaking several rules is rejected for the first in loaders.rows.ROW_RULES, whichever reader reads it.
    assert [r["reason_code"] for r in bulk_rejects if r["line_number"] in (20, 21)] == [
        "malformed_year",
        "malformed_company",
    ]
    assert found.candidate_line_count == 22 == len({r["line_number"] for r in bulk_values + bulk_rejects})


def test_an_irregular_csv_is_read_line_by_line(tmp_path):
    """A record spanning two lines, and a blank line: line numbers must still be the file's."""
    text = 'indicator,unit,2019\n"Total energy\nconsumption",MWh,"34,282.58"\n\nDirect energy consumption,MWh,1\n'
    path = tmp_path / "irregular.csv"
    path.write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "irregular.csv.yml")
    found = read_document(path, tmp_path).extraction
    assert found.bulk is None
    assert [(v.line_number, v.value_as_printed) for v in found.values] == [(3, "34,282.58"), (5, "1")]


def test_title_rows_above_the_header_become_the_heading(tmp_path):
    text = 'Environmental KPIs 2019,,\n,,\nIndicator,Unit,2019\nTotal energy consumption,MWh,"34,282.58"\n'
    path = tmp_path / "titled.csv"
    path.write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "titled.csv.yml")
    found = read_document(path, tmp_path).extraction
    assert [(v.table_heading, v.line_number, v.value_as_printed) for v in found.values] == [
        ("Environmental KPIs 2019", 4, "34,282.58")
    ]


def test_a_csv_in_another_encoding_is_an_error_naming_it(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("指標,單位,2019\n用水總量,噸,1\n".encode("gbk"))
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "gbk.csv.yml")
    with pytest.raises(DocumentError, match=r"gbk\.csv: not UTF-8 text"):
        read_document(path, tmp_path)


def test_a_workbook_sheet_without_a_table_is_skipped_with_its_reason(tmp_path, english_text):
    path = write_kpi_workbook(tmp_path / "kpis.xlsx", english_text)
    workbook = openpyxl.load_workbook(path)
    notes = workbook.create_sheet("Notes")
    notes.append(["Figures are for the calendar year."])
    workbook.save(path)
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.en.txt.yml", tmp_path / "kpis.xlsx.yml")
    found = read_document(path, tmp_path).extraction
    assert len(found.values) == 18
    skipped = [t for t in found.tables if not t.is_kpi_table]
    assert [(t.heading, t.skip_reason.startswith("no header row in 'Notes'")) for t in skipped] == [("Notes", True)]


def _long_csv(tmp_path, text, name="k.csv"):
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / f"{name}.yml")
    (tmp_path / name).write_text(text)
    return read_document(tmp_path / name).extraction


def test_a_row_with_more_or_fewer_fields_than_the_header_is_rejected(tmp_path):
    found = _long_csv(
        tmp_path,
        "indicator,unit,year,value\n"
        "Total energy consumption,MWh,2019,12,99\n"  # one field too many: which is the value?
        "Direct energy consumption,MWh,2019\n"  # one too few: not "not reported"
        "Indirect energy consumption,MWh,2019,5,\n",  # an empty field after the last column is no field
    )
    assert [(r.location, r.reason_code, r.reason) for r in found.rejects] == [
        ("line 2", "wrong_field_count", "5 fields where the header (line 1) has 4"),
        ("line 3", "wrong_field_count", "3 fields where the header (line 1) has 4"),
    ]
    assert [v.value_as_printed for v in found.values] == ["5"]


def test_a_header_that_does_not_fit_its_rows_refuses_the_document(tmp_path):
    """Every row one field longer than the header: the values would all be shifted (the year as value)."""
    with pytest.raises(DocumentError, match=r"k\.csv:1: the header has 3 fields but every row has 4"):
        _long_csv(tmp_path, "indicator,unit,value\nTotal energy consumption,MWh,2019,12\nWater,m3,2019,13\n")


def test_a_semicolon_csv_of_decimal_commas_is_read_with_them(tmp_path):
    found = _long_csv(
        tmp_path,
        "indicator;unit;year;value\nDirect energy consumption;MWh;2019;0,042\n"
        "Indirect energy consumption;MWh;2019;1.234,5\nTotal energy consumption;MWh;2019;1,234\n",
    )
    assert found.bulk is not None and found.reject_count == 0
    assert [(r["value_as_printed"], r["value_number"]) for r in batch_rows(found.bulk.values_path)] == [
        ("0,042", Decimal("0.042")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234", Decimal("1.234")),  # the document's own decimal comma, not 1234
    ]


@pytest.mark.parametrize("bulk", [True, False])
def test_a_repeated_label_is_kept_once_when_it_agrees_and_never_when_it_does_not(tmp_path, bulk):
    title = "" if bulk else "Environmental KPIs\n"  # a title above the header: read line by line
    found = _long_csv(
        tmp_path,
        f"{title}indicator,unit,year,value\nTotal energy consumption,MWh,2019,12\n"
        "Total energy consumption,MWh,2019,13\nWater consumption,m3,2019,5\nWater consumption,m3,2019,5¹\n",
    )
    assert (found.bulk is not None) == bulk
    first = 2 if bulk else 3
    rejects = batch_rows(found.bulk.rejects_path) if bulk else [dataclasses.asdict(r) for r in found.rejects]
    assert [(r["line_number"] - first, r["reason_code"]) for r in rejects] == [
        (0, "duplicate_conflict"),
        (1, "duplicate_conflict"),
        (3, "duplicate_identical"),
    ]
    both = f"line {first}, line {first + 1}"
    assert (
        rejects[0]["reason"]
        == f"label 'Total energy consumption' is printed with other figures at {both}: neither is taken"
    )
    assert rejects[2]["reason"].endswith(f"repeats line {first + 2} with the same figures: kept once")
    values = batch_rows(found.bulk.values_path) if bulk else [v._asdict() for v in found.values]
    assert [(v["label_as_printed"], v["value_as_printed"]) for v in values] == [("Water consumption", "5")]


def test_a_unit_printed_on_a_number_must_be_the_rows(tmp_path):
    found = _long_csv(
        tmp_path,
        "indicator,unit,year,value\nDirect greenhouse gas emissions (Scope 1),噸,2019,283.42噸\n"
        "Indirect greenhouse gas emissions (Scope 2),tonnes,2019,96.82%\n"
        "Hazardous waste,kg,2019,12 t\nWater consumption,,2019,1.5 m3\n",
    )
    assert [(r.location, r.reason_code) for r in found.rejects] == [
        ("line 3", "unit_conflict"),  # a percentage is no mass
        ("line 4", "unit_conflict"),  # t printed in a row of kg: which is it?
    ]
    assert "'96.82%' is a percentage; the row's unit is 'tonnes'" in found.rejects[0].reason
    assert [(v["value_number"], v["unit_normalized"]) for v in batch_rows(found.bulk.values_path)] == [
        (Decimal("283.42"), "t"),
        (Decimal("1.5"), "m3"),
    ]


def test_a_workbook_formula_never_computed_is_a_reject_and_a_merged_section_row_a_heading(tmp_path):
    """A program that writes `=B3+B4` stores no value for it: that is no "not reported". A row merged
    across the table (`Greenhouse gas emissions`) is a heading over the rows below, never values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KPIs"
    sheet.append(["KPI", "Unit", "FY2019"])
    sheet.append(["Greenhouse gas emissions"])
    sheet.merge_cells("A2:C2")
    sheet.append(["Scope 1", "tCO2e", 283.42])
    sheet.append(["Scope 2", "tCO2e", 22498.84])
    sheet.append(["Scope 1 and 2", "tCO2e", "=C3+C4"])
    workbook.save(tmp_path / "k.xlsx")
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "k.xlsx.yml")
    found = read_document(tmp_path / "k.xlsx").extraction
    assert found.candidate_line_count == 3  # the section row is no candidate
    assert [(r.location, r.column_number, r.reason_code) for r in found.rejects] == [
        ("sheet 'KPIs' row 5", 1, "formula_without_cached_value")
    ]
    assert "cell C5 holds the formula =C3+C4 but no value computed for it" in found.rejects[0].reason
    assert [(v.label_as_printed, v.value_number) for v in found.values] == [
        ("Greenhouse gas emissions / Scope 1", Decimal("283.42")),
        ("Greenhouse gas emissions / Scope 2", Decimal("22498.84")),
    ]


def test_a_csv_too_large_for_duckdbs_memory_is_refused_saying_what_to_do(tmp_path, monkeypatch):
    """DuckDB's own words, the limit in force and what to change, naming the file: never a traceback."""
    from loaders import csv_table

    def out_of_memory(*_):
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block of size 256.0 KiB\nmore")

    monkeypatch.setattr(csv_table, "_resolve_labels", out_of_memory)
    monkeypatch.setenv("DUCKDB_MEMORY_LIMIT", "2GB")
    path = tmp_path / "panel.csv"
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv", path)
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "panel.csv.yml")
    with pytest.raises(DocumentError) as refused:
        read_document(path, tmp_path)
    assert refused.value.path.endswith("panel.csv")
    assert refused.value.message == (
        "too large to read within DuckDB's 2GB of memory (Out of Memory Error: failed to pin block of size"
        " 256.0 KiB): set DUCKDB_MEMORY_LIMIT higher or split the file"
    )


@settings(max_examples=300, deadline=None)
@given(
    separator=st.sampled_from([".", ",", None]),
    digits=st.integers(min_value=0, max_value=10**18),
    fraction=st.text(alphabet="0123456789", max_size=11),
    grouped=st.booleans(),
    negative=st.booleans(),
)
def test_sql_reads_every_bare_figure_as_parse_cell_does(separator, digits, fraction, grouped, negative):
    """The bulk reader's SQL takes the figures loaders.numbers.PLAIN_NUMBER matches, and reads each as
    parse_cell does; what it leaves (too many digits for a BIGINT, or no bare figure) goes to parse_cell."""
    grouping = {".": ",", ",": "."}.get(separator)
    whole = f"{digits:,}".replace(",", grouping) if grouped and grouping else str(digits)
    text = ("-" if negative else "") + whole + (f"{separator}{fraction}" if separator and fraction else "")
    plain = csv_table._plain(separator)
    value, decimals = csv_table._plain_value(separator)
    with duckdb.connect() as con:
        taken, sql_value, sql_decimals = con.execute(
            f"select {plain}, case when {plain} then {value} end, case when {plain} then {decimals} end"
            " from (select ? as text) as cells",
            [text],
        ).fetchone()
    fits = len(whole.replace(grouping or "", "").lstrip("0")) <= 15  # a BIGINT's digits
    assert taken == (re.fullmatch(PLAIN_NUMBER[separator], text) is not None and fits)
    if taken:
        parsed = parse_cell(text, separator)
        assert (sql_value, sql_decimals) == (parsed.value, parsed.decimals)
