"""Extracted KPI tables as CSV or XLSX, wide or long.

The header is the first row that names year or value columns (title rows above it become the
table's heading); its cells give each column a role:

- wide: a label column, an optional unit column, one column per year (`2019`, `FY2023`, `2019年`);
- long: a label column, a value column, optional unit and year columns (one value per row).

Label: `label`, `indicator`, `kpi`, `metric`, `指標`…, else the first column. Unit: `unit`, `單位`.
Value: `value`, `數值`. Year (long): `year`, `fiscal_year`, `年度`. Table: `table`, `section`, `表`
groups rows into tables. Page: `page`, for tables typed from a PDF. Other columns are kept in the
row as printed. An XLSX file is read sheet by sheet, each sheet a table; a numeric cell is read as
its number format displays it, so its decimals are the printed ones.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from loaders.errors import DocumentError
from loaders.models import ReportTable, TableRow, ValueCell
from loaders.rows import parse_year

_ROLE_WORDS: dict[str, frozenset[str]] = {
    "label": frozenset(
        {"label", "indicator", "kpi", "metric", "item", "指標", "指标", "項目", "项目", "指標名稱", "指标名称"}
    ),
    "unit": frozenset({"unit", "units", "單位", "单位"}),
    "value": frozenset({"value", "amount", "數值", "数值", "數據", "数据"}),
    "year": frozenset({"year", "fiscal_year", "fiscal year", "fy", "年度", "年份", "財年", "财年"}),
    "table": frozenset({"table", "section", "category", "表", "類別", "类别"}),
    "company": frozenset({"company", "company_id", "公司", "公司代碼", "公司代码"}),
    "page": frozenset({"page", "頁", "页", "頁碼", "页码"}),
    # Curated tables: the curator's metric, and the sentence a figure was printed in.
    "metric": frozenset({"metric_code"}),
    "quote": frozenset({"quote", "quoted_text", "原文", "引文"}),
    "quoted_location": frozenset({"quoted_location", "source_location", "出處", "出处"}),
    "passage": frozenset({"passage", "段落"}),
    "date": frozenset({"date", "日期"}),
}


HEADER_SEARCH_ROWS = 10  # title rows allowed above a table's header


class NoHeader(DocumentError):
    """A file or sheet without a header row naming year or value columns."""


@dataclass(frozen=True)
class Roles:
    label: int
    unit: int | None
    value: int | None  # long format
    year: int | None  # long format
    table: int | None
    page: int | None
    company: int | None
    metric: int | None
    quote: int | None
    quoted_location: int | None
    passage: int | None
    date: int | None
    years: dict[int, tuple[str, int]] = field(default_factory=dict)  # wide format: column -> (header, year)

    @property
    def is_long(self) -> bool:
        return self.value is not None

    @property
    def width(self) -> int:
        positions = [
            self.label,
            self.unit,
            self.value,
            self.year,
            self.table,
            self.page,
            self.company,
            self.metric,
            self.quote,
            self.quoted_location,
            self.passage,
            self.date,
            *self.years,
        ]
        return max(p for p in positions if p is not None) + 1


def header_roles(header: list[str], where: str, line: int | None = None) -> Roles:
    """Each column's role from its header; a DocumentError when there is no value or year column."""
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        for role, words in _ROLE_WORDS.items():
            if cell.strip().casefold() in words and role not in found:
                found[role] = position
    years = {
        position: (cell, year)
        for position, cell in enumerate(header)
        if position not in found.values() and (year := parse_year(cell)) is not None
    }
    if "value" not in found and not years:
        raise DocumentError(where, "the header names no year columns (wide) and no value column (long)", line=line)
    label = found.get("label", 0)
    return Roles(
        label,
        found.get("unit"),
        found.get("value"),
        found.get("year"),
        found.get("table"),
        found.get("page"),
        found.get("company"),
        found.get("metric"),
        found.get("quote"),
        found.get("quoted_location"),
        found.get("passage"),
        found.get("date"),
        years,
    )


@dataclass
class TabularLayout:
    tables: list[ReportTable] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    line_count: int = 0


@dataclass(frozen=True)
class Record:
    """A row of a CSV file or a sheet, as text, with what a workbook says about it besides."""

    number: int
    cells: list[str]
    is_section: bool = False  # a workbook row merged across its columns: a heading, never values
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)  # position -> (reason_code, reason)


def _cell(cells: list[str], position: int | None) -> str:
    return cells[position].strip() if position is not None and position < len(cells) else ""


def _rows_of_sheet(
    layout: TabularLayout,
    records: Iterator[Record],
    heading: str,
    where: str,
    location_of: Callable[[int], str],
    physical_lines: bool,
) -> None:
    """Header, then candidate rows, for one CSV file or one sheet.

    `physical_lines`: rows are numbered by their line in the file (CSV); otherwise by a running
    ordinal across the workbook (XLSX), since sheets restart their row numbers.
    """
    roles: Roles | None = None
    header: tuple[int, int] = (0, 0)  # (line, fields) of the header row
    misfits: list[int] = []  # field counts of the rows whose count is not the header's
    titles: list[str] = []  # rows above the header: a sheet's title ("Environmental KPIs 2023")
    tables_by_name: dict[str, ReportTable] = {}
    section = ""  # the merged section row above: the parent of the rows under it
    for record in records:
        number, cells = record.number, record.cells
        if not any(cell.strip() for cell in cells):
            continue
        if roles is not None and record.is_section:
            section = " ".join(cell.strip() for cell in cells if cell.strip())
            continue
        if roles is None:
            try:
                roles = header_roles(cells, where, line=number if physical_lines else None)
            except DocumentError:
                titles.append(" ".join(cell.strip() for cell in cells if cell.strip()))
                if len(titles) == HEADER_SEARCH_ROWS:
                    break
                continue
            heading = titles[-1] if titles else heading
            header = (number, len(cells))
            continue
        fields = len(cells)
        cells = cells + [""] * (roles.width - len(cells))
        name = cells[roles.table].strip() if roles.table is not None and roles.table < len(cells) else heading
        table = tables_by_name.get(name)
        if table is None:
            table = ReportTable(
                table_index=len(layout.tables) + 1,
                heading=name or heading,
                section_heading=heading if name != heading else None,
                scope_statement=None,
                first_line=number,
                last_line=number,
                is_kpi_table=True,
            )
            tables_by_name[name] = table
            layout.tables.append(table)
        layout.tables[table.table_index - 1] = table = dataclasses.replace(table, last_line=number)
        tables_by_name[name] = table

        if roles.is_long:
            year_text = _cell(cells, roles.year)
            year = parse_year(year_text) if year_text else None
            value_cells = (
                ValueCell(
                    1, year_text or None, year, _cell(cells, roles.value), problem=record.problems.get(roles.value)
                ),
            )
            problem = None
            if year_text and year is None:
                problem = ("malformed_year", f"year {year_text!r} is not a year such as 2019 or FY2023")
        else:
            value_cells = tuple(
                ValueCell(n, printed, year, _cell(cells, position), problem=record.problems.get(position))
                for n, (position, (printed, year)) in enumerate(sorted(roles.years.items()), start=1)
            )
            problem = None
        # A CSV record with more or fewer fields than its header has no column to trust.
        if physical_lines and (fields < header[1] or any(cell.strip() for cell in cells[header[1] :])):
            misfits.append(fields)
            problem = ("wrong_field_count", f"{fields} fields where the header (line {header[0]}) has {header[1]}")
        page_text = _cell(cells, roles.page)
        layout.rows.append(
            TableRow(
                table_index=table.table_index,
                line_number=number if physical_lines else len(layout.rows) + 1,
                location=location_of(number),
                label_parts=(section, _cell(cells, roles.label)) if section else (_cell(cells, roles.label),),
                cells=value_cells,
                row_text="\t".join(cells).rstrip("\t"),
                page_number=int(page_text) if page_text.isdigit() else None,
                unit_text=_cell(cells, roles.unit) if roles.unit is not None else None,
                problem=problem,
                company_text=_cell(cells, roles.company) if roles.company is not None else None,
                metric_text=_cell(cells, roles.metric) or None,
                quote_text=_cell(cells, roles.quote) or None,
                quoted_location_text=_cell(cells, roles.quoted_location) or None,
                passage_text=_cell(cells, roles.passage) or None,
                date_text=_cell(cells, roles.date) or None,
            )
        )
    if misfits and len(misfits) == len(layout.rows) and len(set(misfits)) == 1:
        raise DocumentError(
            where,
            f"the header has {header[1]} fields but every row has {misfits[0]}: the header does not fit the rows",
            line=header[0],
        )
    if roles is None:
        raise NoHeader(
            where,
            f"no header row in {heading!r} (first {HEADER_SEARCH_ROWS} rows): expected one naming year columns"
            " (wide) or a value column (long)",
        )


def parse_csv(path: str, text: str) -> TabularLayout:
    """A CSV file (comma, semicolon or tab separated) as one table, or one per value of its table column."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    layout = TabularLayout(line_count=text.count("\n") + (not text.endswith("\n")))

    def records() -> Iterator[Record]:
        try:
            for cells in reader:
                yield Record(reader.line_num, cells)
        except csv.Error as error:
            raise DocumentError(path, f"not readable as CSV: {error}", line=reader.line_num) from None

    _rows_of_sheet(layout, records(), Path(path).stem, path, lambda n: f"line {n}", physical_lines=True)
    return layout


def _excel_text(value: object, number_format: str) -> str:
    """A cell's value as its number format displays it: `#,##0.00` shows 22782.26 as 22,782.26."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value).strip()
    section = number_format.split(";")[0]
    percent = "%" in section
    number = Decimal(repr(value)) * (100 if percent else 1)
    if section.lower() == "general" or not re.search(r"[0#]", section):
        decimals = max(0, -number.normalize().as_tuple().exponent)
    else:
        fraction = re.search(r"\.([0#]+)", section)
        decimals = len(fraction.group(1)) if fraction else 0
    grouping = "," if "," in section.split(".")[0] else ""
    text = f"{number:{grouping}.{decimals}f}"
    return f"{text}%" if percent else text


def parse_xlsx(path: str, data: bytes) -> TabularLayout:
    """Every sheet of an XLSX workbook as a table, its header in the first non-empty row.

    Read twice: for the values a spreadsheet last computed, and for its formulas, so that a formula
    never computed (a file written by a program, not Excel) is a reject, not a blank "not reported"."""
    import openpyxl  # imported here: only XLSX documents need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DocumentError(path, f"not readable as XLSX: {error}") from None
    layout = TabularLayout()
    for sheet, formula_sheet in zip(workbook.worksheets, formulas.worksheets, strict=True):
        # Rows a merged range spans across columns: section headings (`Emissions` over the table).
        merged = {
            row
            for cells in sheet.merged_cells.ranges
            if cells.max_col > cells.min_col
            for row in range(cells.min_row, cells.max_row + 1)
        }

        def records(sheet=sheet, formula_sheet=formula_sheet, merged=merged) -> Iterator[Record]:
            rows = zip(sheet.iter_rows(), formula_sheet.iter_rows(), strict=False)
            for number, (row, written) in enumerate(rows, start=1):
                problems = {
                    position: (
                        "formula_without_cached_value",
                        f"cell {cell.coordinate} holds the formula {formula.value} but no value computed for it:"
                        " open and save the workbook in a spreadsheet program",
                    )
                    for position, (cell, formula) in enumerate(zip(row, written, strict=False))
                    if cell.value is None and isinstance(formula.value, str) and formula.value.startswith("=")
                }
                texts = [_excel_text(c.value, c.number_format or "General") for c in row]
                yield Record(number, texts, is_section=number in merged, problems=problems)

        try:
            _rows_of_sheet(
                layout,
                records(),
                sheet.title,
                path,
                lambda n, title=sheet.title: f"sheet {title!r} row {n}",
                physical_lines=False,
            )
        except NoHeader as error:  # a sheet of notes or charts: recorded as skipped, like any non-KPI table
            layout.tables.append(
                ReportTable(len(layout.tables) + 1, sheet.title, None, None, 0, 0, False, error.message)
            )
        layout.line_count += sheet.max_row or 0
    formulas.close()
    if not any(table.is_kpi_table for table in layout.tables):
        raise DocumentError(path, "no sheet has a header row naming year columns (wide) or a value column (long)")
    return layout
