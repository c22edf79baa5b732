"""KPI tables read from real PDFs: Siemens' FY2023 report (pages 109-113), a Shell 2019 excerpt (page 4) and
SUEZ's 2023 progress report (infographics, read without page numbers), reference reports the project does not
carry (make test-reference; test_pdf_generated.py covers the same reading on PDFs the tests draw)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.errors import DocumentError
from loaders.models import TableRow
from loaders.pdf import PdfLayout, parse_pdf

from .helpers import reference_reports, unreadable_table

pytestmark = pytest.mark.reference

SIEMENS = "siemens_sustainability_report_fy2023.pdf"
SHELL = "shell_2019_sustainability_report_4page_excerpt.pdf"
SUEZ = "suez_sd_progress_report_2023.pdf"
SIEMENS_PAGES = (109, 110, 111, 112, 113)
SHELL_YEARS = tuple(range(2019, 2009, -1))


def report_pdf(name: str) -> Path:
    return reference_reports() / name


@pytest.fixture(scope="module")
def siemens() -> PdfLayout:
    return parse_pdf(report_pdf(SIEMENS), SIEMENS_PAGES)


@pytest.fixture(scope="module")
def shell() -> PdfLayout:
    return parse_pdf(report_pdf(SHELL), (4,))


def row(layout: PdfLayout, *label_parts: str, page: int | None = None) -> TableRow:
    found = [r for r in layout.rows if r.label_parts == label_parts and (page is None or r.page_number == page)]
    assert len(found) == 1, f"{label_parts} on page {page}: {len(found)} rows"
    return found[0]


def texts(r: TableRow) -> list[str]:
    return [cell.text for cell in r.cells]


def test_siemens_scope_1_total_with_every_column(siemens):
    total = row(siemens, "Scope 1", "Total")
    assert texts(total) == ["387", "393"]
    assert [(c.column_number, c.column_label, c.fiscal_year) for c in total.cells] == [
        (1, "FY 2023", 2023),
        (2, "FY 2022", 2022),
    ]
    assert total.unit_text == "1,000 metric tons of CO2e emissions"
    assert total.change_text == "−1.6%"
    assert total.standards_text == "GRI 305-1, WEF"
    assert (total.line_number, total.location, total.page_number) == (1, "page 109 row 1", 109)
    assert total.row_text == (
        "Scope 1 | Total | Fiscal Year | 1,000 metric tons of CO2e emissions | 387 | 393 | −1.6% | GRI 305-1, WEF"
    )


def test_siemens_subscripts_stay_inline_in_labels_and_units(siemens):
    scope_1 = [r.label_parts[1] for r in siemens.rows if r.label_parts[0] == "Scope 1"]
    assert scope_1[:4] == ["Total", "CO2 emissions", "CO2 emissions from gas", "CO2 emissions from LPG"]
    assert {"SF6 emissions", "CH4 emissions", "N2O emissions", "NF3 emissions"} <= set(scope_1)
    assert texts(row(siemens, "Scope 1", "CH4 emissions")) == ["< 0,1", "< 0,1"]
    assert row(siemens, "Scope 1", "CH4 emissions").change_text == ""  # printed blank in a change column
    assert row(siemens, "Biogenic CO2e emissions", "Total").unit_text == "1,000 metric tons of CO2e emissions"


def test_siemens_scope_2_and_3_totals(siemens):
    assert texts(row(siemens, "Scope 2", "Total (market based)")) == ["163", "189"]
    assert texts(row(siemens, "Scope 2", "Total (location based)")) == ["624", "670"]
    scope_3 = row(siemens, "Scope 3", "Total")
    assert (texts(scope_3), scope_3.page_number, scope_3.change_text) == (["483,188", "457,606"], 110, "5.6%")


def test_siemens_group_labels_span_their_rows(siemens):
    upstream = [r.label_parts[1] for r in siemens.rows if r.label_parts[0] == "Scope 3 upstream"]
    assert upstream == [
        "Total",
        "Purchased goods and services",
        "Capital goods",
        "Fuel- and energy-related activities",
        "Waste in operations",
        "Transportation",
        "Business travel",
        "Employee commuting",
    ]


def test_siemens_superscripts_are_cut_into_markers(siemens):
    gas = row(siemens, "Energy Consumption: primary energy", "Gas from renewable sources", page=111)
    assert [(c.text, c.markers) for c in gas.cells] == [("233", ()), ("315", ("4",))]
    reduced = row(
        siemens, "Reduced emissions through energy from renewable sources", "Gas from renewable sources (Scope 1)"
    )
    assert reduced.cells[1].text == "18" and reduced.cells[1].markers == ("4",)
    upstream = row(siemens, "Upstream waste", "Total")
    assert [(c.text, c.markers) for c in upstream.cells] == [("1,433", ()), ("1,412", ("8",))]
    assert row(siemens, "Upstream waste", "Hazardous waste").cells[1].markers == ("8",)
    share = row(siemens, "Water withdrawal in water-stressed areas", "Share of withdrawal")
    assert (share.cells[1].text, share.cells[1].markers) == ("10%", ("4",))
    assert row(siemens, "Scope 3 downstream", "Investment SFS").label_markers == ("5",)
    portfolio = next(r for r in siemens.rows if r.label_parts[0].endswith("products of the Siemens Portfolio"))
    assert (portfolio.label_markers, portfolio.page_number) == (("6",), 111)
    assert "3,915" in row(siemens, "Scope 3 downstream", "Investment SFS").row_text
    assert "Investment SFS⁵" in row(siemens, "Scope 3 downstream", "Investment SFS").row_text


def test_siemens_wrapped_cells_are_joined(siemens):
    discharge = row(siemens, "Discharge usage", "Cooling water discharged as wastewater")
    assert texts(discharge) == ["0.14", "0.13"]
    assert row(siemens, "Recycling & Recovery rate", "Non-hazardous waste").unit_text == (
        "% of total non-hazardous waste"
    )
    # An invisible soft hyphen at a line start is neither a space nor a character.
    assert row(siemens, "Siemens fleet (owned or leased vehicles)", "Rate of electrical vehicles").cells[0].text == "9%"
    assert row(siemens, "Scope 1+2 intensity", "Total").unit_text == "metric tons of CO2e emissions per Mio. € revenue"


def test_siemens_water_and_waste_tables(siemens):
    withdrawal = row(siemens, "Water withdrawal", "Total")
    assert (texts(withdrawal), withdrawal.unit_text) == (["14.26", "12.93"], "Million cubic meter")
    waste = next(t for t in siemens.tables if t.heading == "Waste" and t.page_number == 112)
    waste_rows = [r for r in siemens.rows if r.table_index == waste.table_index]
    assert [r.label_parts for r in waste_rows[:5]] == [
        ("Waste", "Total"),
        ("Waste", "Non-hazardous waste"),
        ("Waste", "Hazardous waste"),
        ("Waste", "Construction waste"),
        ("Non-hazardous waste", "Total"),
    ]
    assert [texts(r) for r in waste_rows[:4]] == [
        ["261.2", "256.2"],
        ["214.7", "224.4"],
        ["12.7", "13.7"],
        ["33.9", "18.0"],
    ]
    assert waste_rows[0].cells[1].markers == ("4",)
    assert waste_rows[1].change_text == "–4.3%"  # an en dash as printed
    assert waste_rows[2].standards_text == "GRI 306-3, SASB RT-EE-150a.1"
    assert {r.unit_text for r in waste_rows} == {"1,000 tons"}


def test_siemens_rows_are_numbered_across_pages_with_two_value_cells(siemens):
    assert siemens.page_count == 158
    assert siemens.problems == []
    assert [r.line_number for r in siemens.rows] == list(range(1, len(siemens.rows) + 1))
    per_page = {page: [r for r in siemens.rows if r.page_number == page] for page in SIEMENS_PAGES}
    assert {page: len(rows) for page, rows in per_page.items()} == {109: 25, 110: 26, 111: 23, 112: 30, 113: 30}
    for page, rows in per_page.items():
        assert [r.location for r in rows] == [f"page {page} row {n}" for n in range(1, len(rows) + 1)]
    assert all(len(r.cells) == 2 and r.label_parts for r in siemens.rows)
    assert all(r.unit_text and r.change_text is not None and r.standards_text is not None for r in siemens.rows)


def test_siemens_section_rows_head_tables(siemens):
    tables = [(t.page_number, t.heading, t.section_heading) for t in siemens.tables]
    assert tables == [
        (109, "Greenhouse gas emissions", "Climate action"),
        (110, "Greenhouse gas emissions", "Climate action"),  # the table goes on over the page
        (110, "Greenhouse gas emissions – Fleet and real estate management", "Climate action"),
        (111, "Greenhouse gas emissions – Fleet and real estate management", "Climate action"),
        (111, "Use phase impact at customers", "Climate action"),
        (111, "EU Taxonomy", "EU Taxonomy"),
        (111, "Conservation of Resources", "Conservation of Resources"),
        (112, "Conservation of Resources", "Conservation of Resources"),
        (112, "Waste", "Conservation of Resources"),
        (113, "Waste", "Conservation of Resources"),
        (113, "Upstream waste", "Conservation of Resources"),
        (113, "Water", "Conservation of Resources"),
    ]
    assert [t.table_index for t in siemens.tables] == list(range(1, 13))
    for table in siemens.tables:
        rows = [r for r in siemens.rows if r.table_index == table.table_index]
        assert (table.first_line, table.last_line) == (rows[0].line_number, rows[-1].line_number)
        assert {r.page_number for r in rows} == {table.page_number}
        assert table.is_kpi_table and table.unit_text is None
    # Section rows are headings, not data rows.
    assert not any(r.label_parts[0] in {"Climate action", "Water", "EU Taxonomy"} for r in siemens.rows)


def test_siemens_footnotes_below_each_page_table(siemens):
    notes = [(n.page_number, n.number) for n in siemens.footnotes]
    assert notes == [(110, 4), (110, 5), (111, 4), (111, 6), (112, 4), (113, 4), (113, 7), (113, 8)]
    by_key = {(n.page_number, n.number): n for n in siemens.footnotes}
    assert by_key[110, 4].text == "Change in last year data caused by subsequent adjustment."
    assert by_key[110, 5].text == (
        "Emissions out of Siemens Financial Services (SFS) activities in financing fossile energy production projects."
    )
    assert by_key[113, 8].text == "Change in last year data caused by new calculation method."
    last_table = {page: max(t.table_index for t in siemens.tables if t.page_number == page) for page in SIEMENS_PAGES}
    assert all(n.table_index == last_table[n.page_number] and n.marker is None for n in siemens.footnotes)
    # Each note points at the first row on its page that carries its marker; note 7 marks a heading only.
    assert by_key[113, 8].line_number == row(siemens, "Upstream waste", "Total").line_number
    assert by_key[110, 5].line_number == row(siemens, "Scope 3 downstream", "Investment SFS").line_number
    assert by_key[113, 7].line_number == 0


def test_page_headers_and_footers_are_not_table_content(siemens, shell):
    everything = " ".join(r.row_text for r in siemens.rows + shell.rows)
    assert "SIEMENS" not in everything and "Our sustainability indicators" not in everything
    assert "Sustainability Report" not in everything and "Introduction" not in everything


def test_a_page_read_alone_starts_a_table_without_heading():
    layout = parse_pdf(report_pdf(SIEMENS), (113,))
    assert [(t.heading, t.first_line, t.last_line) for t in layout.tables] == [
        (None, 1, 5),
        ("Upstream waste", 6, 8),
        ("Water", 9, 30),
    ]
    assert layout.rows[0].label_parts == ("Recycling & Recovery rate", "Total (w/o construction)")


def test_unit_markers_go_to_the_row_and_a_title_across_columns_is_a_problem():
    layout = parse_pdf(report_pdf(SIEMENS), (123,))
    supply = row(layout, "Supply Chain: Emission reduction to base year", "Total (w/o SHS)")
    assert (supply.unit_text, supply.label_markers, texts(supply)) == (
        "% to base year (2020)",
        ("43",),
        ["−0.9%", "2.5%"],
    )
    assert "% to base year (2020)⁴³" in supply.row_text
    note = next(n for n in layout.footnotes if n.number == 43)
    assert (note.line_number, note.text) == (
        supply.line_number,
        "Base year 2020 is calculated w/o individual supplier emission data.",
    )
    # A table title printed across the value columns cannot be split into cells: reported, not dropped.
    [problem] = layout.problems
    assert (problem.reason_code, problem.location, problem.line_number, problem.column_number) == (
        "unreadable_row",
        "page 123 row 7",
        7,
        0,
    )
    assert problem.line_text.startswith("DEGREE SUSTAINABILITY FRAM") and problem.page_number == 123
    assert [r.line_number for r in layout.rows] == [*range(1, 7), *range(8, 20)]


def test_shell_wrapped_label_with_ten_year_columns(shell):
    direct = row(shell, "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]")
    assert texts(direct) == ["70", "71", "73", "70", "72", "76", "73", "72", "74", "76"]
    assert tuple(c.fiscal_year for c in direct.cells) == SHELL_YEARS
    assert tuple(c.column_label for c in direct.cells) == tuple(str(year) for year in SHELL_YEARS)
    assert (direct.unit_text, direct.change_text, direct.standards_text) == (None, None, None)
    assert direct.location == "page 4 row 2"


def test_shell_empty_year_cells_and_deduplicated_bold(shell):
    footprint = row(shell, "Net Carbon Footprint (gCO2e/MJ)")
    assert texts(footprint) == ["78", "79", "79", "79", "", "", "", "", "", ""]
    assert "7788" not in " ".join(r.row_text for r in shell.rows)
    # The gases are printed indented under the scope 1 total: they are its parts.
    direct = "Direct GHG emissions (Scope 1) (million tonnes CO2 equivalent) [A]"
    assert row(shell, direct, "Methane (CH4) (thousand tonnes) [P]").cells[0].text == "91"
    hydrocarbon = "Flaring (upstream) (million tonnes hydrocarbon flared) [C] [P]"
    assert texts(row(shell, hydrocarbon, "Nigeria [D] [P]"))[:2] == ["0.7", "0.6"]
    assert all(len(r.cells) == 10 for r in shell.rows)
    assert len(shell.rows) == 28 and shell.problems == [] and shell.footnotes == []


def test_shell_section_rows_become_headings(shell):
    assert [t.heading for t in shell.tables] == [
        "Total GHG emissions",
        "GHG emissions breakdown by business (Scope 1 and 2)",
        "GHG intensity by Business",
        "Flaring",
        "Energy intensity",
        "Acid gases and VOCs",
    ]
    assert {t.section_heading for t in shell.tables} == {"Greenhouse gas (GHG) emissions"}
    assert {t.page_number for t in shell.tables} == {4}
    flaring = next(t for t in shell.tables if t.heading == "Flaring")
    assert [r.label_parts[-1] for r in shell.rows if r.table_index == flaring.table_index] == [
        "Flaring (upstream) (million tonnes CO2 equivalent) [C] [P]",
        "Flaring (upstream) (million tonnes hydrocarbon flared) [C] [P]",
        "Nigeria [D] [P]",
        "Rest of the world [E]",
    ]
    # The countries are indented under the hydrocarbon flared, not the CO2 equivalent.
    nigeria = next(r for r in shell.rows if r.label_parts[-1] == "Nigeria [D] [P]")
    assert nigeria.label_parts[0] == "Flaring (upstream) (million tonnes hydrocarbon flared) [C] [P]"


def test_a_page_without_a_table_is_reported_with_its_page():
    layout = parse_pdf(report_pdf(SIEMENS), (1,))
    assert (layout.rows, layout.tables, layout.footnotes) == ([], [], [])
    assert layout.problems == [unreadable_table(1, "no table with year columns found on page 1")]


def test_every_page_is_read_when_none_are_named():
    layout = parse_pdf(report_pdf(SHELL))
    assert layout.page_count == 4
    # Pages 1-3 are the cover and the introduction: examined, and left out without a problem.
    assert (layout.examined_pages, layout.table_pages, layout.problems) == ((1, 2, 3, 4), (4,), [])
    assert {r.page_number for r in layout.rows} == {4}
    # Asked for by number, each of them must hold a table: those that do not are problems.
    named = parse_pdf(report_pdf(SHELL), (1, 2, 3, 4))
    assert [p.page_number for p in named.problems] == [1, 2, 3]
    assert (named.examined_pages, named.table_pages, named.rows) == ((1, 2, 3, 4), (4,), layout.rows)


def test_suez_infographic_pages_are_no_problems_and_its_commitment_tables_are():
    layout = parse_pdf(report_pdf(SUEZ))
    assert (layout.page_count, layout.examined_pages) == (11, tuple(range(1, 12)))
    # Pages 6, 8 and 10 print the commitments with their 2021 baseline and 2023 result ("2021 PRO FORMA",
    # "RESULTS 2023"), ruled in a way the reader cannot follow: reported. The others are pictures and prose.
    assert layout.table_pages == (6, 8, 10)
    assert [(p.page_number, p.location, p.reason_code) for p in layout.problems] == [
        (6, "page 6", "unreadable_table"),
        (8, "page 8", "unreadable_table"),
        (10, "page 10", "unreadable_table"),
    ]
    assert layout.problems[0].reason == (
        "a table with year columns on page 6 cannot be read: it is not ruled per column under a header of year labels"
    )
    assert (layout.rows, layout.tables, layout.footnotes) == ([], [], [])


def test_a_file_that_is_not_a_pdf_is_a_document_error(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_text("Scope 1\t387\n", encoding="utf-8")
    with pytest.raises(DocumentError) as error:
        parse_pdf(path)
    assert error.value.path == str(path)
    assert str(path) in str(error.value)
    with pytest.raises(DocumentError, match=r"^reports/report\.pdf: not a readable PDF"):
        parse_pdf(path, shown="reports/report.pdf")


def test_a_page_outside_the_document_is_a_document_error():
    with pytest.raises(DocumentError, match="page 5 is outside the document"):
        parse_pdf(report_pdf(SHELL), (4, 5))
