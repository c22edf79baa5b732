"""One page read: its tables top to bottom, each with the notes printed under it, or, when it has
none, whether its text still looks like a table with year columns (`loaders.pdf.locate`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pdfplumber.page import Page

from loaders.pdf.geometry import rule_segments
from loaders.pdf.locate import holds_year_table, page_grids
from loaders.pdf.tables import PageTable, find_header, notes_below, read_grid
from loaders.pdf.text import lines_of, page_glyphs


@dataclass(frozen=True)
class PageResult:
    tables: list[PageTable]  # top to bottom, each with the notes printed under it
    year_table_text: bool = False  # no table read, but the text looks like a table with year columns

    @property
    def holds_tables(self) -> bool:
        """A page with a table with year columns, read or not; other pages are narrative or pictures."""
        return bool(self.tables) or self.year_table_text


def read_page(page: Page) -> PageResult:
    glyphs = page_glyphs(page)
    segments = rule_segments(page)
    lines = lines_of(glyphs) if segments else []
    tables: list[PageTable] = []
    for grid in page_grids(segments, glyphs, lines):
        header = find_header(grid, glyphs)
        if header is not None:
            tables.append(read_grid(grid, header, glyphs))
    if not tables:
        return PageResult([], holds_year_table(lines or lines_of(glyphs)))
    tables.sort(key=lambda table: table.top)
    for i, table in enumerate(tables):
        limit = tables[i + 1].top if i + 1 < len(tables) else float(page.height)
        tables[i] = replace(table, notes=tuple(notes_below(glyphs, table, limit)))
    return PageResult(tables)
