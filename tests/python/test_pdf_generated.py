"""`loaders.pdf` on KPI tables drawn like Siemens' and Shell's, generated per test run.

The documents are described below in `pdf_fixtures` terms; each test states what the reader must
make of one of them. They cover what the real reports do that a reader must survive: group labels,
sub- and superscripts, decimal commas, section rows, footnotes, tables over pages, ten year columns
and CJK labels.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from loaders.errors import DocumentError
from loaders.models import TableRow
from loaders.pdf import PdfLayout, parse_pdf
from loaders.pipeline import read_document

from .helpers import unreadable_table
from .pdf_fixtures import TABLE_SPACING, Column, Group, Page, Row, Section, Table, write_pdf

CO2E = "1,000 metric tons\nof CO{_2}e emissions"
GRI_1 = "GRI 305-1, WEF"
FY = "Fiscal Year"

# Siemens' columns: two label columns (a group label and a row label), the period, the unit, two
# fiscal years, the change and the standards.
SIEMENS_COLUMNS = (
    Column("Sustainability Key\nPerformance Indicators", 90),
    Column("", 95),
    Column("Fiscal Year/\nSeptember 30{^th}", 55),
    Column("Unit", 80),
    Column("FY 2023", 40),
    Column("FY 2022", 40),
    Column("+/–", 40),
    Column("Standards", 75),
)

GHG = Table(
    SIEMENS_COLUMNS,
    [
        Section("Climate action", top_level=True),
        Section("Greenhouse gas emissions"),
        Group(
            "Scope 1",
            Row("Total", FY, CO2E, "387", "393", "−1.6%", GRI_1),
            Row("CO{_2} emissions", FY, CO2E, "342", "357{^4}", "−4.4%", GRI_1),
            Row("CH{_4} emissions", FY, CO2E, "< 0,1", "< 0,1", "", GRI_1),
            Row("SF{_6} emissions", FY, CO2E, "8.3", "10.0{^4,5}", "−17.0%", GRI_1),
        ),
        Group(
            "Scope 2",
            Row("Total (market based)", FY, CO2E, "163", "189", "−13.5%", "GRI 305-2, WEF"),
            Row("Total (location based)", FY, CO2E, "624", "670", "−6.8%", "GRI 305-2, WEF"),
        ),
        Row("Scope 3 downstream", "Investment SFS{^5}", FY, CO2E, "2,960", "3,915", "−24.4%", "GRI 305-3, WEF"),
    ],
    footnotes=[
        "4 Change in last year data caused by subsequent adjustment.",
        "5 Emissions out of financial services (SFS) activities in\nfinancing fossile energy production projects.",
    ],
)

GHG_CONTINUED = Table(  # the table goes on over the page, then new sections head new tables
    SIEMENS_COLUMNS,
    [
        Row("Scope 3", "Total", FY, CO2E, "483,188", "457,606", "5.6%", "GRI 305-3, WEF"),
        Group(
            "Scope 3 upstream",
            Row("Purchased goods\nand ser-\nvices", FY, CO2E, "9,830", "10,300", "−4.6%", "GRI 305-3, WEF"),
            Row("Fuel- and energy- \nrelated activities", FY, CO2E, "147", "155", "−5.2%", "GRI 305-3, WEF"),
        ),
        Section("Greenhouse gas emissions – Fleet and real estate management"),
        Group(
            "Company fleet",
            Row("Total number", "Sept. 30{^th}", "No. (rounded)", "44,000", "42,000", "4.8%", ""),
            Row("Electrical vehicles", "Sept. 30{^th}", "No. (rounded)", "4,100", "1,350", "203.7%", ""),
        ),
        Row("Supply Chain", "Total (w/o SHS)", FY, "% to base year\n(2020){^43}", "−0.9%", "2.5%", "", ""),
        Section("Conservation of Resources", top_level=True),
        Section("Water{^7}"),
        Group(
            "Water withdrawal",
            Row("Total", FY, "Million m{^3}", "14.26", "12.93", "10.3%", "GRI 303-3"),
            Row("Share of withdrawal", FY, "%", "9%", "10%{^4}", "−10.0%", "GRI 303-3"),
        ),
        Section("EU Taxonomy", top_level=True),
        Row("Turnover", "Aligned", FY, "%", "33%", "28%", "17.9%", ""),
    ],
    footnotes=[
        "4 Change in last year data caused by subsequent adjustment.",
        "7 Water data cover sites with more than 10 employees.",
        "43 Base year 2020 is calculated w/o individual supplier emission data.",
    ],
)

SIEMENS_LIKE = [
    Page([GHG], title="Our sustainability indicators", footer="12 ACME SUSTAINABILITY REPORT 2023"),
    Page([GHG_CONTINUED], title="Our sustainability indicators", footer="13 ACME SUSTAINABILITY REPORT 2023"),
    Page(title="Independent assurance report", footer="14 ACME SUSTAINABILITY REPORT 2023"),
]

SHELL_YEARS = tuple(range(2019, 2009, -1))
SHELL_LIKE = Table(
    [Column("", 200), *(Column(str(year), 30, bold=year == 2019) for year in SHELL_YEARS)],
    [
        Section("Greenhouse gas (GHG) emissions", top_level=True),
        Section("Total GHG emissions"),
        Row("Net Carbon Footprint (gCO{_2}e/MJ)", "78", "79", "79", "79"),
        Row(
            "Direct GHG emissions (Scope 1) (million tonnes CO{_2}\nequivalent) [A]",
            *("70", "71", "73", "70", "72", "76", "73", "72", "74", "76"),
        ),
        Row("  Methane (CH{_4}) (thousand tonnes) [P]", *("91", "92", "123", "138", "132", "134", "120", "102", "143")),
        Section("Flaring"),
        Row("Flaring (upstream) (million tonnes CO{_2}\nequivalent) [C]", "4.5", "5.6", "7.1", "7.4", "8.0"),
        Row("  Nigeria [D] [P]", "0.7", "0.6", "1.2", "1.6", "2.5"),
    ],
    footnotes=["[A] Direct GHG emissions are from sources that we own or control."],
)

XIAOMI_LIKE = Table(  # Traditional Chinese labels and headers, drawn in the STSong-Light CID font
    [Column("指標", 130), Column("單位", 90), Column("2019年", 50), Column("2018年", 50)],
    [
        Section("環境關鍵績效指標"),
        Row("溫室氣體排放總量", "噸二氧化碳當量", "8,913", "7,892"),
        Row("用水總量{^1}", "噸", "219,000", "180,000"),
        Row("無害廢棄物", "噸", "35.4", "30.2"),
    ],
    footnotes=["1 僅包括北京總部。"],
)


@pytest.fixture(scope="module")
def siemens_pdf(tmp_path_factory) -> Path:
    return write_pdf(tmp_path_factory.mktemp("siemens") / "siemens-like.pdf", SIEMENS_LIKE)


@pytest.fixture(scope="module")
def siemens(siemens_pdf) -> PdfLayout:
    return parse_pdf(siemens_pdf, (1, 2))


@pytest.fixture(scope="module")
def shell(tmp_path_factory) -> PdfLayout:
    return parse_pdf(write_pdf(tmp_path_factory.mktemp("shell") / "shell-like.pdf", [Page([SHELL_LIKE])]))


def row(layout: PdfLayout, *label_parts: str) -> TableRow:
    found = [r for r in layout.rows if r.label_parts == label_parts]
    assert len(found) == 1, f"{label_parts}: {len(found)} rows"
    return found[0]


def texts(r: TableRow) -> list[str]:
    return [cell.text for cell in r.cells]


def test_every_column_with_column_labels_and_fiscal_years(siemens):
    total = row(siemens, "Scope 1", "Total")
    assert texts(total) == ["387", "393"]
    assert [(c.column_number, c.column_label, c.fiscal_year) for c in total.cells] == [
        (1, "FY 2023", 2023),
        (2, "FY 2022", 2022),
    ]
    assert total.unit_text == "1,000 metric tons of CO2e emissions"
    assert (total.change_text, total.standards_text) == ("−1.6%", "GRI 305-1, WEF")
    assert (total.line_number, total.location, total.page_number) == (1, "page 1 row 1", 1)
    assert total.row_text == (
        "Scope 1 | Total | Fiscal Year | 1,000 metric tons of CO2e emissions | 387 | 393 | −1.6% | GRI 305-1, WEF"
    )


def test_group_labels_span_their_rows_and_subscripts_stay_inline(siemens):
    assert [r.label_parts for r in siemens.rows if r.label_parts[0] in {"Scope 1", "Scope 2"}] == [
        ("Scope 1", "Total"),
        ("Scope 1", "CO2 emissions"),
        ("Scope 1", "CH4 emissions"),
        ("Scope 1", "SF6 emissions"),
        ("Scope 2", "Total (market based)"),
        ("Scope 2", "Total (location based)"),
    ]
    assert [r.label_parts[1] for r in siemens.rows if r.label_parts[0] == "Company fleet"] == [
        "Total number",
        "Electrical vehicles",
    ]
    assert row(siemens, "Water withdrawal", "Total").unit_text == "Million m³"  # an exponent, not a marker
    assert row(siemens, "Company fleet", "Total number").row_text.split(" | ")[2] == "Sept. 30th"  # an ordinal


def test_wrapped_cells_are_joined(siemens):
    upstream = [r.label_parts[1] for r in siemens.rows if r.label_parts[0] == "Scope 3 upstream"]
    # A hyphen the typesetter added at a line end goes; a word's own hyphen (a space follows it) stays.
    assert upstream == ["Purchased goods and services", "Fuel- and energy-related activities"]
    assert row(siemens, "Supply Chain", "Total (w/o SHS)").unit_text == "% to base year (2020)"


def test_decimal_commas_and_blank_cells_are_kept_as_printed(siemens):
    methane = row(siemens, "Scope 1", "CH4 emissions")
    assert texts(methane) == ["< 0,1", "< 0,1"]
    assert methane.change_text == ""  # printed blank in a change column
    assert row(siemens, "Company fleet", "Total number").standards_text == ""


def test_superscripts_are_cut_into_markers(siemens):
    co2 = row(siemens, "Scope 1", "CO2 emissions")
    assert [(c.text, c.markers) for c in co2.cells] == [("342", ()), ("357", ("4",))]
    assert "| 357⁴ |" in co2.row_text
    assert row(siemens, "Scope 1", "SF6 emissions").cells[1].markers == ("4", "5")
    share = row(siemens, "Water withdrawal", "Share of withdrawal")
    assert [(c.text, c.markers) for c in share.cells] == [("9%", ()), ("10%", ("4",))]
    sfs = row(siemens, "Scope 3 downstream", "Investment SFS")
    assert (sfs.label_markers, texts(sfs)) == (("5",), ["2,960", "3,915"])
    assert "Investment SFS⁵" in sfs.row_text
    # A marker on the unit belongs to the row, as the label's do.
    supply = row(siemens, "Supply Chain", "Total (w/o SHS)")
    assert (supply.unit_text, supply.label_markers, texts(supply)) == (
        "% to base year (2020)",
        ("43",),
        ["−0.9%", "2.5%"],
    )
    assert "% to base year (2020)⁴³" in supply.row_text


def test_section_rows_head_tables(siemens):
    assert [(t.page_number, t.heading, t.section_heading) for t in siemens.tables] == [
        (1, "Greenhouse gas emissions", "Climate action"),
        (2, "Greenhouse gas emissions", "Climate action"),  # the table goes on over the page
        (2, "Greenhouse gas emissions – Fleet and real estate management", "Climate action"),
        (2, "Water", "Conservation of Resources"),  # a stack of sections: the upper one is top-level
        (2, "EU Taxonomy", "EU Taxonomy"),  # more room than the tightest section: top-level
    ]
    assert [t.table_index for t in siemens.tables] == [1, 2, 3, 4, 5]
    for table in siemens.tables:
        rows = [r for r in siemens.rows if r.table_index == table.table_index]
        assert (table.first_line, table.last_line) == (rows[0].line_number, rows[-1].line_number)
        assert table.is_kpi_table and table.unit_text is None
    assert not any(r.label_parts[0] in {"Climate action", "Water", "EU Taxonomy"} for r in siemens.rows)


def test_rows_are_numbered_across_pages(siemens):
    assert siemens.page_count == 3 and siemens.problems == []
    assert [r.line_number for r in siemens.rows] == list(range(1, 17))
    for page, count in ((1, 7), (2, 9)):
        rows = [r for r in siemens.rows if r.page_number == page]
        assert [r.location for r in rows] == [f"page {page} row {n}" for n in range(1, count + 1)]
    assert all(len(r.cells) == 2 and r.unit_text and r.change_text is not None for r in siemens.rows)
    assert row(siemens, "Scope 3", "Total").location == "page 2 row 1"


def test_footnotes_are_attached_with_their_markers(siemens):
    assert [(n.page_number, n.number, n.table_index, n.marker) for n in siemens.footnotes] == [
        (1, 4, 1, None),
        (1, 5, 1, None),
        (2, 4, 5, None),  # a page's notes go to its last table
        (2, 7, 5, None),
        (2, 43, 5, None),
    ]
    notes = {(n.page_number, n.number): n for n in siemens.footnotes}
    assert notes[1, 4].text == "Change in last year data caused by subsequent adjustment."
    assert notes[1, 5].text == (
        "Emissions out of financial services (SFS) activities in financing fossile energy production projects."
    )
    # Each note points at the first row on its page with its marker; note 7 marks a heading only.
    assert notes[1, 4].line_number == row(siemens, "Scope 1", "CO2 emissions").line_number
    assert notes[1, 5].line_number == row(siemens, "Scope 1", "SF6 emissions").line_number
    assert notes[2, 4].line_number == row(siemens, "Water withdrawal", "Share of withdrawal").line_number
    assert notes[2, 43].line_number == row(siemens, "Supply Chain", "Total (w/o SHS)").line_number
    assert notes[2, 7].line_number == 0


def test_page_titles_and_footers_are_not_table_content(siemens):
    everything = " ".join(r.row_text for r in siemens.rows)
    assert "ACME" not in everything and "Our sustainability indicators" not in everything
    assert "Sustainability Key" not in everything  # the header is no row
    assert 12 not in {n.number for n in siemens.footnotes}  # a number-led footer is not a note


def test_a_page_read_alone_starts_a_table_without_heading(siemens_pdf):
    layout = parse_pdf(siemens_pdf, (2,))
    assert [(t.heading, t.section_heading, t.first_line, t.last_line) for t in layout.tables] == [
        (None, None, 1, 3),
        ("Greenhouse gas emissions – Fleet and real estate management", None, 4, 6),
        ("Water", "Conservation of Resources", 7, 8),
        ("EU Taxonomy", "EU Taxonomy", 9, 9),
    ]
    assert layout.rows[0].label_parts == ("Scope 3", "Total")


def test_a_page_without_a_table_is_reported_with_its_page(siemens_pdf):
    layout = parse_pdf(siemens_pdf, (3,))
    assert (layout.rows, layout.tables, layout.footnotes) == ([], [], [])
    assert layout.problems == [unreadable_table(3, "no table with year columns found on page 3")]
    # Asked for by number, every page must hold a table; without page numbers, a page without any table
    # (here a title only) is examined and left out: no problem.
    assert [p.page_number for p in parse_pdf(siemens_pdf, (1, 2, 3)).problems] == [3]
    everything = parse_pdf(siemens_pdf)
    assert (everything.examined_pages, everything.table_pages, everything.problems) == ((1, 2, 3), (1, 2), [])


def test_a_page_outside_the_document_is_a_document_error(siemens_pdf):
    with pytest.raises(DocumentError, match=r"page 4 is outside the document \(pages 1-3\)"):
        parse_pdf(siemens_pdf, (1, 4))


def test_a_file_that_is_not_a_pdf_is_a_document_error(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("Scope 1\t387\n", encoding="utf-8")
    with pytest.raises(DocumentError) as error:
        parse_pdf(path)
    assert error.value.path == str(path)
    with pytest.raises(DocumentError, match=r"^reports/report\.pdf: not a readable PDF"):
        parse_pdf(path, shown="reports/report.pdf")


def test_a_title_across_the_value_columns_is_a_problem(tmp_path):
    table = Table(
        SIEMENS_COLUMNS,
        [
            Row("Scope 1", "Total", FY, CO2E, "387", "393", "−1.6%", GRI_1),
            Section("DEGREE SUSTAINABILITY FRAMEWORK: TARGETS, PROGRESS AND THE INDICATORS WE REPORT"),
            Row("Scope 2", "Total", FY, CO2E, "163", "189", "−13.5%", GRI_1),
        ],
    )
    layout = parse_pdf(write_pdf(tmp_path / "title.pdf", [Page([table])]))
    [problem] = layout.problems
    assert (problem.reason_code, problem.location, problem.line_number, problem.column_number) == (
        "unreadable_row",
        "page 1 row 2",
        2,
        0,
    )
    assert problem.line_text.startswith("DEGREE SUSTAINABILI | TY FRAMEWORK")  # cut at the column boundaries
    assert problem.reason == "text 'SUSTAINABILIT' crosses a column boundary: the row cannot be split"
    assert [r.line_number for r in layout.rows] == [1, 3]


def test_ten_year_columns_with_a_wrapped_label(shell):
    direct = row(shell, "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]")
    assert texts(direct) == ["70", "71", "73", "70", "72", "76", "73", "72", "74", "76"]
    assert tuple(c.fiscal_year for c in direct.cells) == SHELL_YEARS
    assert tuple(c.column_label for c in direct.cells) == tuple(str(year) for year in SHELL_YEARS)
    assert (direct.unit_text, direct.change_text, direct.standards_text) == (None, None, None)
    assert direct.location == "page 1 row 2"


def test_ten_year_columns_with_empty_cells_and_a_bold_year(shell):
    assert texts(row(shell, "Net Carbon Footprint (gCO2e/MJ)")) == ["78", "79", "79", "79", "", "", "", "", "", ""]
    methane = row(
        shell,
        "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]",
        "Methane (CH4) (thousand tonnes) [P]",
    )
    assert texts(methane) == ["91", "92", "123", "138", "132", "134", "120", "102", "143", ""]
    assert "7788" not in " ".join(r.row_text for r in shell.rows)  # a doubly drawn bold column is read once
    assert all(len(r.cells) == 10 for r in shell.rows) and len(shell.rows) == 5 and shell.problems == []
    assert [(t.heading, t.section_heading) for t in shell.tables] == [
        ("Total GHG emissions", "Greenhouse gas (GHG) emissions"),
        ("Flaring", "Greenhouse gas (GHG) emissions"),
    ]
    [note] = shell.footnotes
    assert (note.marker, note.number, note.table_index, note.text) == (
        "A",
        0,
        2,
        "Direct GHG emissions are from sources that we own or control.",
    )
    assert (
        note.line_number == row(shell, "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]").line_number
    )


def test_rows_indented_under_a_row_carry_its_label_until_a_row_or_section_as_far_left(shell):
    # Shell prints the gases of its scope 1 total and the countries of its flaring indented under them.
    assert [r.label_parts for r in shell.rows] == [
        ("Net Carbon Footprint (gCO2e/MJ)",),
        ("Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]",),
        ("Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]", "Methane (CH4) (thousand tonnes) [P]"),
        ("Flaring (upstream) (million tonnes CO2 equivalent) [C]",),
        ("Flaring (upstream) (million tonnes CO2 equivalent) [C]", "Nigeria [D] [P]"),
    ]
    methane = row(shell, *shell.rows[2].label_parts)
    assert methane.row_text.startswith("Methane (CH4) (thousand tonnes) [P] | 91")  # the row prints its own label


def test_traditional_chinese_labels(tmp_path):
    layout = parse_pdf(write_pdf(tmp_path / "xiaomi-like.pdf", [Page([XIAOMI_LIKE])]))
    assert [(r.label_parts, r.unit_text, texts(r)) for r in layout.rows] == [
        (("溫室氣體排放總量",), "噸二氧化碳當量", ["8,913", "7,892"]),
        (("用水總量",), "噸", ["219,000", "180,000"]),
        (("無害廢棄物",), "噸", ["35.4", "30.2"]),
    ]
    assert [(c.column_label, c.fiscal_year) for c in layout.rows[0].cells] == [("2019年", 2019), ("2018年", 2018)]
    assert layout.rows[1].label_markers == ("1",)
    assert [(t.heading, t.section_heading) for t in layout.tables] == [("環境關鍵績效指標", None)]
    assert [(n.number, n.text, n.line_number) for n in layout.footnotes] == [(1, "僅包括北京總部。", 2)]


# --- tables one below the other ----------------------------------------------------------------

WASTE_2021 = Table(  # Siemens' columns, two years earlier: the rows must take this table's years, not GHG's
    (*SIEMENS_COLUMNS[:4], Column("FY 2021", 40), Column("FY 2020", 40), *SIEMENS_COLUMNS[6:]),
    [
        Section("Waste"),
        Group(
            "Waste",
            Row("Total", FY, "1,000 tons", "261.2{^6}", "256.2", "2.0%", "GRI 306-3"),
            Row("Hazardous waste", FY, "1,000 tons", "12.7", "13.7{^4}", "−7.8%", "GRI 306-3"),
        ),
    ],
    footnotes=["6 Including construction waste."],
)


def years(r: TableRow) -> list[tuple[str, int | None]]:
    return [(cell.column_label, cell.fiscal_year) for cell in r.cells]


@pytest.mark.parametrize("spacing", [TABLE_SPACING, 0.0], ids=["apart", "tight"])  # tight: only the header tells
def test_stacked_tables_of_the_same_columns_each_get_their_header_rows_and_notes(tmp_path, spacing):
    layout = parse_pdf(write_pdf(tmp_path / "stacked.pdf", [Page([GHG, WASTE_2021], spacing=spacing)]))
    assert layout.problems == []
    assert [(t.heading, t.first_line, t.last_line) for t in layout.tables] == [
        ("Greenhouse gas emissions", 1, 7),
        ("Waste", 8, 9),
    ]
    assert [r.line_number for r in layout.rows] == list(range(1, 10))
    assert {tuple(years(r)) for r in layout.rows[:7]} == {(("FY 2023", 2023), ("FY 2022", 2022))}
    waste = row(layout, "Waste", "Total")
    assert (texts(waste), years(waste), waste.location, waste.table_index) == (
        ["261.2", "256.2"],
        [("FY 2021", 2021), ("FY 2020", 2020)],
        "page 1 row 8",
        2,
    )
    # The lower table's header and the upper one's notes are not rows of the upper table.
    assert not any("Sustainability Key" in r.row_text or "Change in last" in r.row_text for r in layout.rows)
    # Notes printed under a table are that table's; each points at the first row of its table with its marker.
    assert [(n.table_index, n.number, n.line_number) for n in layout.footnotes] == [
        (1, 4, row(layout, "Scope 1", "CO2 emissions").line_number),
        (1, 5, row(layout, "Scope 1", "SF6 emissions").line_number),
        (2, 6, waste.line_number),
    ]


@pytest.mark.parametrize(
    ("spacing", "top_rule"),
    [(TABLE_SPACING, False), (0.0, True)],
    ids=["apart", "tight-under-a-rule"],  # Shell rules the top of its header too; the Siemens notes lie above it
)
def test_stacked_tables_of_different_columns_each_get_their_columns(tmp_path, spacing, top_rule):
    shell_like = replace(SHELL_LIKE, top_rule=top_rule)
    layout = parse_pdf(write_pdf(tmp_path / "stacked.pdf", [Page([WASTE_2021, shell_like], spacing=spacing)]))
    assert layout.problems == []
    assert [(t.table_index, t.heading) for t in layout.tables] == [
        (1, "Waste"),
        (2, "Total GHG emissions"),
        (3, "Flaring"),
    ]
    assert [(r.label_parts, texts(r)) for r in layout.rows[:2]] == [
        (("Waste", "Total"), ["261.2", "256.2"]),
        (("Waste", "Hazardous waste"), ["12.7", "13.7"]),
    ]
    assert all(years(r) == [("FY 2021", 2021), ("FY 2020", 2020)] for r in layout.rows[:2])
    total = row(layout, "Waste", "Total")
    assert (total.unit_text, total.change_text, total.standards_text) == ("1,000 tons", "2.0%", "GRI 306-3")
    direct = row(layout, "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]")
    assert texts(direct) == ["70", "71", "73", "70", "72", "76", "73", "72", "74", "76"]
    assert all(tuple(c.fiscal_year for c in r.cells) == SHELL_YEARS for r in layout.rows[2:])
    assert [r.line_number for r in layout.rows] == list(range(1, 8))
    assert [(n.table_index, n.marker or str(n.number), n.line_number) for n in layout.footnotes] == [
        (1, "6", total.line_number),  # under the waste table, not the page's last
        (3, "A", direct.line_number),
    ]


def test_a_stacked_table_without_section_rows_is_another_table_under_the_last_heading(tmp_path):
    hazardous = Table(  # no section row of its own, and the same note printed under it (Siemens, page 87)
        WASTE_2021.columns,
        [Row("Hazardous waste", "Total", FY, "1,000 tons", "12.7{^6}", "13.7", "−7.8%", "GRI 306-3")],
        footnotes=WASTE_2021.footnotes,
    )
    layout = parse_pdf(write_pdf(tmp_path / "stacked.pdf", [Page([WASTE_2021, hazardous])]))
    assert layout.problems == []
    assert [(t.table_index, t.heading, t.first_line, t.last_line) for t in layout.tables] == [
        (1, "Waste", 1, 2),
        (2, "Waste", 3, 3),
    ]
    assert row(layout, "Hazardous waste", "Total").table_index == 2
    assert [(n.table_index, n.number, n.line_number) for n in layout.footnotes] == [(1, 6, 1), (2, 6, 3)]


# --- long reports without page numbers: the reader finds the pages with tables -----------------

PROSE = (  # narrative as reports print it: years, figures and percentages in running text
    "In fiscal 2023 we reduced our scope 1 and 2 emissions by 12% against 2022 and by 46% against our 2019 base"
    " year, to 550 thousand metric tons of CO2e. Our target for 2030 is a reduction of 90%, and net zero by 2050.",
    "Water withdrawal rose by 10.3% to 14.26 million cubic meters, mainly because two plants in India and one in"
    " Mexico started production in 2022 and 2023; 9% of it came from water-stressed areas (2022: 10%).",
    "We trained 1,350 managers in 2023 (2022: 1,210) and audited 481 suppliers, 13 of them remotely. The figures"
    " are reported on pages 6 and 11 and were assured by an independent auditor in November 2023.",
)
TIMELINE = Table(  # a picture of milestones: years over words, no figures, a single rule
    [Column("2019", 90), Column("2021", 90), Column("2023", 90)],
    [Row("Net zero target\nannounced", "Targets validated\nby SBTi", "First green\nbond issued")],
    ruled=False,
)


def long_report(table_page_9: Page | None = None) -> list[Page]:
    """A 12-page report: a cover, narrative, a timeline, and tables on pages 6 and 11 only (and 9 if given)."""
    prose = [
        Page(text=PROSE[k % 3 :] + PROSE[: k % 3], title="Our approach", footer=f"{k} ACME SUSTAINABILITY REPORT 2023")
        for k in range(1, 13)
    ]
    pages = [Page(title="ACME Sustainability Report 2023"), *prose[1:]]
    pages[3] = Page([TIMELINE], text=PROSE[:1], title="Our journey")
    pages[5] = Page([GHG], title="Our sustainability indicators", footer="6 ACME SUSTAINABILITY REPORT 2023")
    pages[10] = Page([WASTE_2021], title="Our sustainability indicators", footer="11 ACME SUSTAINABILITY REPORT 2023")
    if table_page_9 is not None:
        pages[8] = table_page_9
    return pages


def test_a_long_report_without_page_numbers_is_read_on_its_table_pages_only(tmp_path):
    path = write_pdf(tmp_path / "long.pdf", long_report())
    layout = parse_pdf(path)
    assert (layout.page_count, layout.examined_pages, layout.table_pages) == (12, tuple(range(1, 13)), (6, 11))
    assert layout.problems == []  # narrative, the cover and the timeline are no problems
    assert {page: sum(r.page_number == page for r in layout.rows) for page in (6, 11)} == {6: 7, 11: 2}
    assert len(layout.rows) == 9
    assert [(t.page_number, t.heading) for t in layout.tables] == [(6, "Greenhouse gas emissions"), (11, "Waste")]
    assert [(n.page_number, n.number) for n in layout.footnotes] == [(6, 4), (6, 5), (11, 6)]
    # The same as naming the table pages.
    named = parse_pdf(path, (6, 11))
    assert (named.rows, named.tables, named.footnotes, named.problems) == (
        layout.rows,
        layout.tables,
        layout.footnotes,
        [],
    )
    assert (named.examined_pages, named.table_pages) == ((6, 11), (6, 11))
    # A page asked for by number must hold a table, narrative or not.
    assert [(p.page_number, p.reason) for p in parse_pdf(path, (5, 6)).problems] == [
        (5, "no table with year columns found on page 5")
    ]


def test_a_table_with_a_year_header_but_no_rules_to_follow_is_still_a_problem(tmp_path):
    unruled = replace(WASTE_2021, ruled=False)  # only the rule under the header: rows cannot be told apart
    path = write_pdf(tmp_path / "long.pdf", long_report(Page([unruled], title="Our sustainability indicators")))
    layout = parse_pdf(path)
    assert layout.table_pages == (6, 9, 11)
    expected = unreadable_table(
        9,
        "a table with year columns on page 9 cannot be read: it is not ruled per column under a header of year labels",
    )
    assert layout.problems == [expected]
    assert {r.page_number for r in layout.rows} == {6, 11} and len(layout.rows) == 9
    assert parse_pdf(path, (9,)).problems == [expected]  # named or found, the same problem


SIDECAR = """\
company: ACME AG
fiscal_year: 2023
language: en
source:
  title: ACME Sustainability Report FY2023 (generated test document)
  publisher: the warehouse's test suite
  published: not published; drawn by tests/python/pdf_fixtures.py
boundary:
  code: group
  description: ACME group
pages: 1-2
"""


def test_read_document_end_to_end(tmp_path):
    path = write_pdf(tmp_path / "acme-2023.pdf", SIEMENS_LIKE)
    (tmp_path / "acme-2023.pdf.yml").write_text(SIDECAR, encoding="utf-8")
    document = read_document(path, tmp_path / "work")
    extraction = document.extraction
    assert (document.metadata.company_id, extraction.document_format, extraction.line_count) == ("acme_ag", "pdf", 3)
    total = [v for v in extraction.values if v.label_as_printed == "Scope 1 / Total"]
    assert [(v.fiscal_year, v.column_label, v.value_number, v.decimals_printed) for v in total] == [
        (2023, "FY 2023", Decimal("387"), 0),
        (2022, "FY 2022", Decimal("393"), 0),
    ]
    assert {(v.unit_as_printed, v.unit_normalized, v.unit_multiplier) for v in total} == {
        ("1,000 metric tons of CO2e emissions", "tCO2e", Decimal("1000"))
    }
    assert {(v.page_number, v.location, v.table_heading, v.section_heading) for v in total} == {
        (1, "page 1 row 1", "Greenhouse gas emissions", "Climate action")
    }
    withdrawal = [v for v in extraction.values if v.label_as_printed == "Water withdrawal / Total"]
    assert [(v.value_number, v.decimals_printed, v.fiscal_year) for v in withdrawal] == [
        (Decimal("14.26"), 2, 2023),
        (Decimal("12.93"), 2, 2022),
    ]
    assert {(v.unit_as_printed, v.unit_normalized, v.unit_multiplier) for v in withdrawal} == {
        ("Million m³", "m3", Decimal("1000000"))
    }
    co2 = [v for v in extraction.values if v.label_as_printed == "Scope 1 / CO2 emissions"]
    assert [(v.value_as_printed, v.footnote_markers) for v in co2] == [("342", None), ("357", "4")]
    methane = [v for v in extraction.values if v.label_as_printed == "Scope 1 / CH4 emissions"]
    assert {(v.value_as_printed, v.value_qualifier, v.value_number, v.decimals_printed) for v in methane} == {
        ("< 0,1", "<", Decimal("0.1"), 1)  # a comma before one digit can only be a decimal comma
    }
    assert extraction.rejects == []
