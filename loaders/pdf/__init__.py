"""Text-based PDF reports: KPI tables ruled per column, read into `TableRow`s with page provenance.

The reading is split by concern; only `parse_pdf` and `PdfLayout` are this package's interface:

- `geometry`: rule segments, cut into stacks (one per table printed below another), the columns they
  outline, and the grids of columns ruled together;
- `text`: glyphs, lines, sub- and superscripts, and a cell's lines rendered as one text;
- `tables`: a table read from its grid: the header with its year columns, the bands read as rows or
  section rows, and the footnotes below it;
- `locate`: where stacked tables part (the cuts `geometry` stacks rules by), and whether a page
  without a readable table still looks like it holds a table with year columns;
- `page`: one page read, its tables top to bottom with the notes under each;
- `document`: the pages' tables turned into `ReportTable`s, rows and footnotes, numbered across the
  document, and the problems (pages, tables and rows that cannot be read), reported with their page.

Without page numbers, every page is examined and only those that hold a table with year columns are
read (`PdfLayout.examined_pages`, `PdfLayout.table_pages`): a long report's narrative pages are no
problem, a page that looks like a year table but cannot be read is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from loaders.errors import DocumentError
from loaders.models import Footnote, RejectedLine, ReportTable, TableRow
from loaders.pdf.document import Document
from loaders.pdf.page import read_page

__all__ = ["PdfLayout", "parse_pdf"]


@dataclass
class PdfLayout:
    tables: list[ReportTable] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    problems: list[RejectedLine] = field(default_factory=list)
    page_count: int = 0
    examined_pages: tuple[int, ...] = ()  # the pages read: those asked for, else every page
    table_pages: tuple[int, ...] = ()  # of those, the pages that hold a table with year columns, read or not


def parse_pdf(path: Path, pages: tuple[int, ...] = (), *, shown: str | None = None) -> PdfLayout:
    """Read the KPI tables of a text-based PDF.

    pages: 1-based PDF page numbers to read, each of which must hold a table with year columns (a page
        without one is a problem); empty means every page, and the pages that hold no table with year
        columns, ruled or not (narrative, pictures), are left out without a problem.
    shown: the file as errors name it (`loaders.pipeline` passes its display path); `path` by default.
    """
    where = shown or str(path)
    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            wanted = sorted(set(pages)) if pages else list(range(1, count + 1))
            outside = [number for number in wanted if not 1 <= number <= count]
            if outside:
                raise DocumentError(where, f"page {outside[0]} is outside the document (pages 1-{count})")
            document = Document()
            for number in wanted:
                document.add_page(number, read_page(pdf.pages[number - 1].dedupe_chars()), requested=bool(pages))
    except (PdfminerException, MalformedPDFException, PSException) as error:
        raise DocumentError(where, f"not a readable PDF: {error}") from error
    except OSError as error:
        raise DocumentError(where, f"cannot open: {error.strerror or error}") from error
    document.finish()
    return PdfLayout(
        tables=document.tables,
        rows=document.rows,
        footnotes=document.footnotes,
        problems=document.problems,
        page_count=count,
        examined_pages=tuple(wanted),
        table_pages=tuple(document.table_pages),
    )
