"""CSV and XLSX extracted tables, wide and long: the same figures as the text report."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
import pytest

from loaders.errors import DocumentError
from loaders.pipeline import read_document

from .helpers import FIXTURES, REPORT


def figures(values):
    return [(v.label_key, v.fiscal_year, v.value_number, v.decimals_printed, v.unit_normalized) for v in values]


@pytest.fixture(scope="module")
def english_text():
    return read_document(FIXTURES / "xiaomi-2019-kpis.en.txt").extraction.values


def test_wide_csv_gives_a_value_per_year_column_and_null_for_n_a(english_text):
    found = read_document(FIXTURES / "xiaomi-2019-kpis.wide.csv").extraction
    assert found.rejects == [] and found.candidate_line_count == 18
    by_year = {year: [v for v in found.values if v.fiscal_year == year] for year in (2019, 2018)}
    assert figures(by_year[2019]) == figures(english_text)
    assert {(v.value_number, v.not_reported_as_printed) for v in by_year[2018]} == {(None, "N/A")}
    first = by_year[2019][0]
    assert (first.location, first.column_label, first.unit_as_printed) == ("line 2", "2019", "tonnes")


def test_long_csv_gives_a_value_per_row(english_text):
    found = read_document(FIXTURES / "xiaomi-2019-kpis.long.csv").extraction
    assert found.rejects == []
    assert figures(found.values) == figures(english_text)


def test_a_long_row_with_a_bad_year_is_rejected_with_its_line(tmp_path):
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "k.csv.yml")
    (tmp_path / "k.csv").write_text("indicator,unit,year,value\nTotal energy consumption,MWh,last year,1\n")
    found = read_document(tmp_path / "k.csv").extraction
    assert [(r.location, r.reason_code) for r in found.rejects] == [("line 2", "malformed_year")]


def test_a_csv_without_year_or_value_columns_is_an_error_naming_it(tmp_path):
    shutil.copy(FIXTURES / "xiaomi-2019-kpis.long.csv.yml", tmp_path / "k.csv.yml")
    (tmp_path / "k.csv").write_text("indicator,unit,amount in 2019\nTotal energy consumption,MWh,1\n")
    with pytest.raises(DocumentError, match=r"k\.csv: .*no year columns \(wide\) and no value column \(long\)"):
        read_document(tmp_path / "k.csv")


def test_xlsx_cells_read_as_their_number_format_displays_them(tmp_path, english_text):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Environmental KPIs"
    sheet.append(["KPI", "Unit", "FY2019"])
    for value in english_text:
        label, _, unit = value.label_as_printed.rpartition(" (")
        row = sheet.max_row + 1
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, unit.rstrip(")"))
        cell = sheet.cell(row, 3, float(value.value_number))
        # As a spreadsheet keeps them: a float, shown with the decimals the report printed.
        cell.number_format = "#,##0" + ("." + "0" * value.decimals_printed if value.decimals_printed else "")
    sheet.append(["Share of renewable electricity", "% of total", 0.516])
    sheet.cell(sheet.max_row, 3).number_format = "0.0%"
    path = tmp_path / "xiaomi-2019-kpis.xlsx"
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
