from decimal import Decimal

import pytest

from loaders.errors import DocumentError
from loaders.pipeline import read_document
from loaders.rows import validate_rows
from loaders.text_report import parse_layout, table_rows

from .helpers import FIXTURES, REPORT, copy_report, line_of


def text_report(tmp_path, text: str):
    """A text report of `text`, under the bundled report's name and sidecar."""
    path = copy_report(tmp_path)
    path.write_text(text, encoding="utf-8")
    return path


def read(text: str, metadata):
    layout = parse_layout(text)
    tables, rows = table_rows(layout)
    values, rejects = validate_rows(rows, tables, layout.footnotes, metadata)
    return layout, values, rejects


def test_finds_both_environmental_kpi_tables_with_headings_and_scope(report_text, xiaomi_metadata):
    layout, _, _ = read(report_text, xiaomi_metadata)
    kpi = [table for table in layout.tables if table.is_kpi_table]
    assert [table.heading for table in kpi] == ["1. 排放物", "2. 能源及資源消耗"]
    assert {table.section_heading for table in kpi} == {"環境關鍵績效指標表"}
    assert all("中國境內主要辦公區域和小米之家直營店" in table.scope_statement for table in kpi)


def test_tab_separated_lists_without_numbers_are_recorded_as_skipped_tables(report_text, xiaomi_metadata):
    layout, _, _ = read(report_text, xiaomi_metadata)
    skipped = [table for table in layout.tables if not table.is_kpi_table]
    # The stakeholder table (split in two by a page header at line 166) and the awards table.
    assert [(table.first_line, table.last_line) for table in skipped] == [(162, 163), (166, 174), (248, 257)]
    assert all(table.skip_reason == "no row reads label<TAB>number: not a KPI table" for table in skipped)


def test_every_row_becomes_a_value_traceable_to_its_line(report_text, xiaomi_metadata):
    layout, values, rejects = read(report_text, xiaomi_metadata)
    assert rejects == []
    assert len(values) == len(layout.candidates) == 18
    assert [v.line_number for v in values] == [*range(1003, 1012), *range(1024, 1033)]
    for value in values:
        assert line_of(report_text, value.line_number) == f"{value.label_as_printed}\t{value.value_as_printed}"
        assert value.location == f"line {value.line_number}"
        assert value.value_number == Decimal(value.value_as_printed.replace(",", ""))
        assert value.label_as_printed.endswith(f"({value.unit_as_printed})")
        assert value.fiscal_year == 2019


def test_values_keep_printed_decimals_and_units(report_text, xiaomi_metadata):
    _, values, _ = read(report_text, xiaomi_metadata)
    by_line = {v.line_number: v for v in values}
    assert (by_line[1004].value_number, by_line[1004].decimals_printed, by_line[1004].unit_as_printed) == (
        Decimal("283.42"),
        2,
        "噸",
    )
    assert (by_line[1009].value_as_printed, by_line[1009].decimals_printed, by_line[1009].unit_normalized) == (
        "0.000066",
        6,
        "t/person",
    )
    assert (by_line[1008].value_number, by_line[1008].decimals_printed) == (Decimal("1.00"), 2)
    # 噸/百萬元: tonnes per million yuan, the currency kept apart for the catalogue's ¤.
    last = by_line[1032]
    assert (last.unit_normalized, last.unit_generic, last.currency, last.unit_multiplier) == (
        "t/CNY m",
        "t/¤ m",
        "CNY",
        Decimal(1),
    )


def test_numbered_notes_attach_to_their_table_and_stop_at_the_next_section(report_text, xiaomi_metadata):
    layout, _, _ = read(report_text, xiaomi_metadata)
    kpi = {table.heading: table.table_index for table in layout.tables if table.is_kpi_table}
    notes = {(n.table_index, n.number): n for n in layout.footnotes}
    assert sorted(number for (table, number) in notes if table == kpi["1. 排放物"]) == [1, 2, 3, 4, 5, 6]
    assert sorted(number for (table, number) in notes if table == kpi["2. 能源及資源消耗"]) == [1, 2, 3, 4]
    assert notes[(kpi["2. 能源及資源消耗"], 4)].line_number == 1039
    assert notes[(kpi["2. 能源及資源消耗"], 4)].text.startswith("產品包裝材料使用總量")
    assert all(line_of(report_text, n.line_number).startswith(f"{n.number}. ") for n in layout.footnotes)


@pytest.mark.parametrize(
    ("line", "text", "reason_code", "reason"),
    [
        (1004, "直接溫室氣體排放總量(範圍一)(噸)\t28#3.42", "malformed_number", "malformed number '28#3.42'"),
        (1003, "溫室氣體排放總量(範圍一及範圍二)(噸) 22,782.26", "no_tab_separator", "no tab"),
        (1011, "人均無害廢棄物產生量(噸/人)", "no_tab_separator", "no tab"),
        (1010, "無害廢棄物總量(公擔)\t1,457.94", "unknown_unit", "unknown unit '公擔'"),
        (1005, "直接溫室氣體排放總量(範圍一)(噸)\t283.42", "duplicate_identical", "repeats line 1004 with the same"),
        (1025, "直接能源消耗總量(兆瓦時)\t1,449.47\t1,300.00", "wrong_cell_count", "found 3"),
        (1026, "\t32,833.11", "empty_label", "empty"),
    ],
)
def test_a_bad_line_is_rejected_with_its_reason_and_nothing_else_is_lost(tmp_path, line, text, reason_code, reason):
    document = read_document(copy_report(tmp_path, {line: text}))
    found = document.extraction
    assert [(r.line_number, r.reason_code) for r in found.rejects] == [(line, reason_code)]
    assert reason in found.rejects[0].reason
    assert found.rejects[0].line_text == text
    assert len(found.values) == 17
    assert line not in {v.line_number for v in found.values}
    assert found.candidate_line_count == 18


@pytest.mark.parametrize(
    ("printed", "not_reported"),
    [("N/A", "N/A"), ("不適用", "不適用"), ("—", "—"), ("", "")],
)
def test_not_reported_is_null_never_zero(tmp_path, printed, not_reported):
    found = read_document(copy_report(tmp_path, {1029: f"用水總量(噸)\t{printed}"})).extraction
    water = next(v for v in found.values if v.line_number == 1029)
    assert (water.value_number, water.decimals_printed, water.not_reported_as_printed) == (None, None, not_reported)
    assert found.rejects == []


def test_a_label_without_a_unit_is_a_value_without_a_unit(tmp_path):
    found = read_document(copy_report(tmp_path, {1029: "用水總量\t144,803.29"})).extraction
    water = next(v for v in found.values if v.line_number == 1029)
    assert (water.unit_as_printed, water.unit_normalized, water.value_number) == (None, None, Decimal("144803.29"))


def test_a_unit_stated_once_for_the_table_applies_to_its_rows(tmp_path):
    text = "能源消耗\n\n2. 能源 (千瓦時)\n\n綜合能源消耗總量\t34,282,580\n直接能源消耗總量\t1,449,470\n"
    path = text_report(tmp_path, text)
    values = read_document(path).extraction.values
    assert [(v.unit_as_printed, v.unit_normalized, v.unit_multiplier) for v in values] == [
        ("千瓦時", "MWh", Decimal("0.001"))
    ] * 2


def test_a_header_row_gives_each_year_column_its_year(tmp_path):
    text = (
        "Environmental KPIs\n\n1. Energy\n\n"
        "Indicator\tUnit\tFY2019\tFY2018\n"
        "Total energy consumption\tMWh\t34,282.58\t30,110.5\n"
        "Direct energy consumption\tGJ\t5,218\tN/A\n"
    )
    path = text_report(tmp_path, text)
    values = read_document(path).extraction.values
    assert [(v.label_key, v.fiscal_year, v.column_label, v.value_as_printed, v.unit_normalized) for v in values] == [
        ("total energy consumption", 2019, "FY2019", "34,282.58", "MWh"),
        ("total energy consumption", 2018, "FY2018", "30,110.5", "MWh"),
        ("direct energy consumption", 2019, "FY2019", "5,218", "MWh"),
        ("direct energy consumption", 2018, "FY2018", "N/A", "MWh"),
    ]
    assert (values[2].unit_multiplier, values[2].unit_divisor) == (5, 18)  # GJ -> MWh, exactly


def test_simplified_chinese_with_full_width_digits_reads_the_same_values(xiaomi_metadata):
    original = read_document(REPORT).extraction.values
    retyped = read_document(FIXTURES / "xiaomi-2019-kpis.zh-Hans.txt").extraction.values
    assert [(v.label_key, v.value_number, v.decimals_printed, v.unit_normalized) for v in retyped] == [
        (v.label_key, v.value_number, v.decimals_printed, v.unit_normalized) for v in original
    ]


def test_windows_line_endings_read_the_same(tmp_path, report_text):
    crlf = copy_report(tmp_path)
    crlf.write_bytes(report_text.replace("\n", "\r\n").encode("utf-8"))
    original = read_document(REPORT).extraction.values
    assert [v.line_text for v in read_document(crlf).extraction.values] == [v.line_text for v in original]


def test_a_document_without_kpi_tables_is_an_error_naming_it(tmp_path):
    path = text_report(tmp_path, "環境、社會及管治報告\n\n沒有表格。\n")
    with pytest.raises(DocumentError, match="no KPI table found"):
        read_document(path)


def test_rows_indented_under_a_row_carry_its_label_and_unit(tmp_path):
    text = (
        "Environmental KPIs\n\n1. Emissions\n\n"
        "Indicator\t2019\t2018\n"
        "Scope 1 emissions, tCO2e\n"
        "  Upstream\t12.9\t14.8\n"
        "  Downstream\t40.3\t42.2\n"
        "Direct GHG emissions (Scope 1) (tCO2e)\t70\t71\n"
        "\u3000\u3000Carbon dioxide (CO2)\t67\t68\n"
        "Water withdrawal (m3)\t1,200\t1,100\n"
    )
    path = text_report(tmp_path, text)
    extraction = read_document(path).extraction
    assert extraction.rejects == []  # the group row is the rows' group, not a row without values
    labels = {
        (v.label_as_printed, v.unit_normalized, v.recognized_metric_code, v.recognized_members)
        for v in extraction.values
    }
    assert labels == {
        ("Scope 1 emissions, tCO2e / Upstream", "tCO2e", "ghg_scope_1", "business_segment=upstream"),
        ("Scope 1 emissions, tCO2e / Downstream", "tCO2e", "ghg_scope_1", "business_segment=downstream"),
        ("Direct GHG emissions (Scope 1) (tCO2e)", "tCO2e", "ghg_scope_1", None),
        ("Direct GHG emissions (Scope 1) (tCO2e) / Carbon dioxide (CO2)", "tCO2e", "ghg_scope_1", "gas=co2"),
        ("Water withdrawal (m3)", "m3", "water_withdrawal", None),
    }


def test_a_bracket_the_vocabulary_reads_is_part_of_the_label_and_one_it_does_not_an_unknown_unit(tmp_path):
    text = (
        "Environmental KPIs\n\n1. Emissions (tCO2e)\n\n"
        "Indicator\tFY2023/24\tFY2022/23\n"
        "Scope 2 (market-based)\t1,200\t1,100\n"
        "Scope 2 (marknadsbaserad)\t1,200\t1,100\n"
        "Scope 2 (Mwhx)\t5\t6\n"
    )
    path = text_report(tmp_path, text)
    extraction = read_document(path).extraction
    read = {
        (v.label_as_printed, v.fiscal_year, v.recognized_metric_code, v.recognized_members) for v in extraction.values
    }
    assert read == {
        (label, year, "ghg_scope_2", "scope2_method=market_based")
        for label in ("Scope 2 (market-based)", "Scope 2 (marknadsbaserad)")
        for year in (2023, 2022)
    }
    assert [(r.reason_code, r.reason) for r in extraction.rejects] == [
        ("unknown_unit", "unknown unit 'Mwhx': add it to loaders/units.py if it is real")
    ]


def test_a_page_number_between_tables_is_no_table_heading():
    text = (
        "Environmental KPIs 2019\n\nEmissions\nScope 1 (tonnes)\t12\n\n88\n\nWater consumption (m3)\t1,234.5\n\n"
        "- 89 -\n\nWaste\nHazardous waste (tonnes)\t3\n"
    )
    layout = parse_layout(text)
    assert [table.heading for table in layout.tables if table.is_kpi_table] == ["Emissions", None, "Waste"]
