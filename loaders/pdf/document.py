"""A document's pages turned into tables, rows, footnotes and problems, rows numbered across pages.

- Tables: a data row belongs to the table its page's last section rows head. The upper rows of a
  stack of section rows, and a section row with a quarter more room per line than the tightest one
  seen, are top-level: the `section_heading` of what follows. Rows at the top of a page go on under
  the last heading, in a new table for that page; so do the rows of a table printed below another on
  the page without section rows of its own (it has its own header: it is another table).
- Numbering: rows are numbered across the document (`line_number`) and per page (`page N row M`).
- Footnotes: the notes printed under a table whose marker the tables read so far used, in a row, a
  section row or a header (a number-led page footer is not a note), go to the last `ReportTable` that
  table's rows went to (section rows may have split it), each pointing at the first row of that table
  with its marker, else at the first on the page.
- Pages: a page holds tables when it has a ruled table with year columns, or text that looks like a
  table with year columns (`loaders.pdf.tables`). Pages asked for by number must hold one; when
  none are named, the others (narrative, pictures) are left out without a problem.
- Problems: a page that holds a table with year columns but no ruled one the reader can follow, a
  requested page without such a table, a table without rows, and a row with a word across a column
  boundary are reported with their page (and row), never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from loaders.models import Footnote, RejectedLine, ReportTable, TableRow
from loaders.pdf.page import PageResult
from loaders.pdf.tables import Note, Row, Section

_TOP_SECTION = 1.25  # a section row with this much more room per line than the tightest one is top-level

_BRACKET_MARKER = re.compile(r"\[([A-Za-z]{1,2})\]")
_TABLE_UNIT = re.compile(
    r"[(（]\s*(?:in\s+|units?\s*[:：]\s*|單位\s*[:：]\s*|单位\s*[:：]\s*)(?P<unit>[^()（）]+?)\s*[)）]\s*$"
)


@dataclass
class _Draft:
    table_index: int
    heading: str | None
    section_heading: str | None
    page_number: int
    page_table: int = 0  # which of the page's printed tables (one below the other) its rows are in
    first_line: int = 0
    last_line: int = 0

    def build(self) -> ReportTable:
        unit = _TABLE_UNIT.search(self.heading or "")
        return ReportTable(
            table_index=self.table_index,
            heading=self.heading,
            section_heading=self.section_heading,
            scope_statement=None,
            first_line=self.first_line,
            last_line=self.last_line,
            is_kpi_table=True,
            page_number=self.page_number,
            unit_text=unit["unit"] if unit else None,
        )


@dataclass
class Document:
    """Turns pages' bands into tables, rows and problems, numbering rows across the document."""

    rows: list[TableRow] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    problems: list[RejectedLine] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)  # built by `finish`
    table_pages: list[int] = field(default_factory=list)  # pages with a table with year columns, read or not
    drafts: list[_Draft] = field(default_factory=list)
    pending: list[tuple[Section, int]] = field(default_factory=list)  # section rows not yet followed by a row
    section: str | None = None
    heading: str | None = None
    tightest_section: float = float("inf")  # least room per line a section row had: a sub-section's
    ordinal: int = 0
    referenced: set[str] = field(default_factory=set)  # markers seen so far: what a footnote may number

    def _table_for(self, page_number: int, page_table: int) -> _Draft:
        """The table a row of the page's `page_table`-th printed table goes to."""
        current = self.drafts[-1] if self.drafts else None
        if self.pending:
            sections = [section for section, _ in self.pending]
            last = sections[-1]
            tops = sections[:-1] + ([last] if last.spacing > _TOP_SECTION * self.tightest_section else [])
            if tops:
                self.section = " / ".join(section.text for section in tops)
            self.heading = last.text
            self.pending = []
        elif current is not None and (current.page_number, current.page_table) == (page_number, page_table):
            return current
        draft = _Draft(len(self.drafts) + 1, self.heading, self.section, page_number, page_table)
        self.drafts.append(draft)
        return draft

    def _unreadable_table(self, page_number: int, reason: str) -> None:
        self.problems.append(
            RejectedLine(
                table_index=None,
                line_number=0,
                location=f"page {page_number}",
                column_number=0,
                line_text="",
                reason_code="unreadable_table",
                reason=reason,
                page_number=page_number,
            )
        )

    def add_page(self, page_number: int, result: PageResult, *, requested: bool) -> None:
        """Add a page's tables; `requested`: the page was asked for by number, so it must hold a table."""
        if result.holds_tables:
            self.table_pages.append(page_number)
        # One problem per page at most: a page's problems are told apart by their row, and these have none.
        empty = sum(1 for table in result.tables if not table.bands)
        if result.year_table_text:
            self._unreadable_table(
                page_number,
                f"a table with year columns on page {page_number} cannot be read:"
                " it is not ruled per column under a header of year labels",
            )
        elif not result.tables and requested:
            self._unreadable_table(page_number, f"no table with year columns found on page {page_number}")
        elif empty:
            self._unreadable_table(
                page_number, f"{empty} table(s) with year columns on page {page_number} have no rows"
            )
        spacings = [b.spacing for table in result.tables for b in table.bands if isinstance(b, Section)]
        self.tightest_section = min([self.tightest_section, *spacings])
        row_on_page = 0
        first_on_page: dict[str, int] = {}
        for page_table, table in enumerate(result.tables):
            self.referenced.update(table.header_markers)
            first_row_with: dict[str, int] = {}
            for band in table.bands:
                if isinstance(band, Section):
                    self.pending.append((band, page_number))
                    self.referenced.update(band.markers)
                    continue
                draft = self._table_for(page_number, page_table)
                self.ordinal += 1
                row_on_page += 1
                draft.first_line = draft.first_line or self.ordinal
                draft.last_line = self.ordinal
                markers = [*band.markers, *(m for c in band.cells for m in c.markers)]
                markers += [m for part in band.label for m in _BRACKET_MARKER.findall(part)]
                for marker in markers:
                    first_row_with.setdefault(marker, self.ordinal)
                    first_on_page.setdefault(marker, self.ordinal)
                self.referenced.update(markers)
                self._add_row(draft, page_number, row_on_page, band)
            if self.drafts:  # the notes under a table go to the last table its rows went to
                self._add_notes(page_number, table.notes, {**first_on_page, **first_row_with})

    def _add_row(self, draft: _Draft, page_number: int, row_on_page: int, row: Row) -> None:
        location = f"page {page_number} row {row_on_page}"
        if row.problem is not None:
            self.problems.append(
                RejectedLine(
                    table_index=draft.table_index,
                    line_number=self.ordinal,
                    location=location,
                    column_number=0,
                    line_text=row.row_text,
                    reason_code="unreadable_row",
                    reason=row.problem,
                    page_number=page_number,
                )
            )
            return
        self.rows.append(
            TableRow(
                table_index=draft.table_index,
                line_number=self.ordinal,
                location=location,
                label_parts=row.label,
                cells=row.cells,
                row_text=row.row_text,
                page_number=page_number,
                label_markers=row.markers,
                unit_text=row.unit_text,
                change_text=row.change_text,
                standards_text=row.standards_text,
            )
        )

    def _add_notes(self, page_number: int, notes: Sequence[Note], first_row_with: dict[str, int]) -> None:
        table_index = self.drafts[-1].table_index
        for note in notes:
            if note.marker not in self.referenced:
                continue  # a number-led line nobody refers to: a page footer, not a note
            footnote = Footnote(
                table_index=table_index,
                number=int(note.marker) if note.marker.isdigit() else 0,
                line_number=first_row_with.get(note.marker, 0),
                text=note.text,
                page_number=page_number,
                marker=None if note.marker.isdigit() else note.marker,
            )
            # The same note printed under two tables whose notes go to one table (the lower without rows) is one.
            if not any(kept == footnote for kept in self.footnotes if kept.page_number == page_number):
                self.footnotes.append(footnote)

    def finish(self) -> None:
        if self.pending:  # headings after the last row still name a table, if an empty one
            _, page_number = self.pending[-1]
            draft = self._table_for(page_number, 0)  # a new table: sections are pending
            draft.first_line = draft.last_line = self.ordinal
        self.tables = [draft.build() for draft in self.drafts]
