"""Validate table rows into values and rejects, the same way for every input format.

A row's label may carry its unit (`用水總量(噸)`) and footnote markers (`[A]`, superscripts); a
unit column or the table or the document may state the unit instead. Each value cell becomes a
value (NULL when printed as not reported) or a reject with its reason; a row that cannot be read at
all becomes one reject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from loaders.labels import cut_markers, label_key, split_unit
from loaders.models import DocumentMetadata, Footnote, RejectedLine, ReportedValue, ReportTable, TableRow
from loaders.numbers import NumberFormatError, parse_cell
from loaders.units import NormalizedUnit, UnitError, normalize_unit

_CJK_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = re.compile(
    r"^(?:fy|fiscal\s+year|financial\s+year|year)?\s*'?(?P<year>(?:19|20)\d{2})"
    r"(?:\s*[/–-]\s*(?:\d{2}|\d{4}))?\s*(?:年度?|财年|財年)?$",
    re.IGNORECASE,
)


def parse_year(header: str) -> int | None:
    """The fiscal year a column header names: `2019`, `FY 2023`, `FY2023/24`, `2019年`, `二零一九年`."""
    text = header.strip().translate(_CJK_DIGITS)
    match = _YEAR.match(text)
    return int(match["year"]) if match else None


@dataclass(frozen=True)
class _Unit:
    printed: str | None
    normal: NormalizedUnit | None


def _markers(*groups: Iterable[str]) -> str | None:
    found = [marker for group in groups for marker in group]
    return ",".join(dict.fromkeys(found)) or None


def _row_unit(row: TableRow, table: ReportTable, metadata: DocumentMetadata, label: str) -> tuple[str, _Unit]:
    """The row's label without its unit, and the unit: label, unit column, table, then document."""
    printed: str | None = None
    if row.unit_text is None:
        split = split_unit(label)
        if split.unit is not None:
            try:
                return split.text, _Unit(split.unit, normalize_unit(split.unit))
            except UnitError:
                if " " not in split.unit:  # reads like a unit, but not one the warehouse knows
                    raise
    elif row.unit_text.strip():
        printed = row.unit_text.strip()
    printed = printed or table.unit_text or metadata.default_unit
    return label, _Unit(printed, normalize_unit(printed) if printed else None)


def validate_rows(
    rows: list[TableRow], tables: list[ReportTable], footnotes: list[Footnote], metadata: DocumentMetadata
) -> tuple[list[ReportedValue], list[RejectedLine]]:
    """Every row becomes values (one per value cell) or a reject; bad cells are rejected one by one."""
    by_index = {table.table_index: table for table in tables}
    notes_by_table: dict[int, frozenset[str]] = {}
    for note in footnotes:
        label = note.marker or str(note.number)
        notes_by_table[note.table_index] = notes_by_table.get(note.table_index, frozenset()) | {label}
    values: list[ReportedValue] = []
    rejects: list[RejectedLine] = []
    first_seen: dict[tuple, str] = {}
    for row in rows:
        table = by_index[row.table_index]

        def reject(code: str, reason: str, column: int = 0, row: TableRow = row) -> None:
            rejects.append(
                RejectedLine(
                    row.table_index, row.line_number, row.location, column, row.row_text, code, reason, row.page_number
                )
            )

        if row.problem is not None:
            reject(*row.problem)
            continue
        # Grouped rows ("Scope 1" over "Total") keep their parts apart: "Scope 1 / Total".
        label_as_printed = " / ".join(part.strip() for part in row.label_parts if part.strip())
        label, label_markers = cut_markers(label_as_printed)
        if not label:
            reject("empty_label", "the label cell is empty")
            continue
        try:
            label, unit = _row_unit(row, table, metadata, label)
        except UnitError as error:
            reject("unknown_unit", f"{error}: add it to loaders/units.py if it is real")
            continue
        key = label_key(label)
        # Rows told apart by their unit alone ("Flaring (t CO2e)", "Flaring (t flared)") are not repeats.
        seen = (row.table_index, key, unit.printed, tuple(cell.fiscal_year for cell in row.cells))
        if seen in first_seen:
            reject("duplicate_label", f"label {label_as_printed!r} repeats in this table (first at {first_seen[seen]})")
            continue
        first_seen[seen] = row.location
        if not row.cells:
            reject("no_value_cells", "the row has a label but no value column")
            continue
        for cell in row.cells:
            try:
                parsed = parse_cell(
                    cell.text, metadata.decimal_separator, notes_by_table.get(row.table_index, frozenset())
                )
                cell_unit = unit
                if parsed.glued_unit and parsed.value is not None:
                    if parsed.glued_unit == "%" and unit.printed is None:
                        cell_unit = _Unit("%", normalize_unit("%"))
                    elif parsed.glued_unit != "%":
                        cell_unit = _Unit(
                            f"{parsed.glued_unit}{unit.printed or ''}",
                            normalize_unit(unit.printed or "", parsed.glued_unit),
                        )
            except NumberFormatError as error:
                reject("malformed_number", str(error), cell.column_number)
                continue
            except UnitError as error:
                reject("unknown_unit", str(error), cell.column_number)
                continue
            normal = cell_unit.normal
            values.append(
                ReportedValue(
                    table_index=row.table_index,
                    table_heading=table.heading,
                    section_heading=table.section_heading,
                    line_number=row.line_number,
                    location=row.location,
                    page_number=row.page_number,
                    column_number=cell.column_number,
                    column_label=cell.column_label,
                    fiscal_year=cell.fiscal_year or metadata.fiscal_year,
                    label_as_printed=label_as_printed,
                    label_key=key,
                    footnote_markers=_markers(row.label_markers, label_markers, cell.markers, parsed.markers),
                    value_as_printed=cell.text,
                    value_number=parsed.value,
                    decimals_printed=parsed.decimals,
                    value_qualifier=parsed.qualifier,
                    not_reported_as_printed=parsed.not_reported,
                    unit_as_printed=cell_unit.printed,
                    unit_normalized=normal.unit if normal else None,
                    unit_generic=normal.generic if normal else None,
                    currency=normal.currency if normal else None,
                    unit_multiplier=normal.multiplier if normal else None,
                    change_as_printed=row.change_text,
                    standards_as_printed=row.standards_text,
                    line_text=row.row_text,
                )
            )
    return values, rejects
