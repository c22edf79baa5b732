"""KPI-table PDFs drawn the way Siemens and Shell print them, so PDF tests need no third-party reports.

A table is described, not drawn: its columns (header text, width) and its section rows, rows and
groups (a group's label spans its rows in the first column). Text carries a little markup, because
what the reader must tell apart is how characters are drawn: `{^4}` is a superscript (a footnote
marker, the `th` of 30th, the 3 of m³), drawn smaller and raised; `{_2}` a subscript (CO₂), drawn
smaller and lowered; a newline wraps the cell onto another line.

Horizontal rules are drawn column by column with a gap between neighbouring columns, as
`loaders.pdf` expects: every column is ruled at every row boundary, except the group column,
which is ruled only at its groups' edges so that its label covers their rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

LATIN = "Vera"  # ships with reportlab and has −, –, € and ³ (the standard Helvetica turns − into -)
CJK = "STSong-Light"  # a CID font pdfplumber extracts correctly, Traditional and Simplified (MSung-Light is not)
SIZE = 7.5  # table text, as Siemens prints it
HEADER_SIZE = 6.0  # column headers are smaller than the rows
NOTE_SIZE = 6.0
TITLE_SIZE = 12.0
PROSE_SIZE = 9.0  # narrative text
SCRIPT = 0.6  # sub- and superscript size, in multiples of their line's size
RAISE = 0.35  # superscript baseline shift, likewise
LOWER = 0.2  # subscript baseline shift
LEADING = 1.2  # line pitch inside a cell
PAD = 4.0  # between a cell's text and its rules
GAP = 3.5  # between neighbouring columns' rule segments
RULE_WIDTH = 0.25
MARGIN = 40.0
TABLE_SPACING = 40.0  # between tables on a page: far more than a header line's reach

_MARKUP = re.compile(r"\{([\^_])([^}]*)\}")
_CJK_START = "\u2e80"

pdfmetrics.registerFont(TTFont(LATIN, "Vera.ttf"))
pdfmetrics.registerFont(UnicodeCIDFont(CJK))


@dataclass(frozen=True)
class Column:
    header: str  # "FY 2023", "Unit", "+/–", "GRI", or "" for a label column without one
    width: float = 45.0
    bold: bool = False  # cells drawn twice a hair apart, the fake bold Shell prints its latest year in


@dataclass(frozen=True, init=False)
class Row:
    """A row's cells, left to right; a row in a `Group` leaves out the group column."""

    cells: tuple[str, ...]

    def __init__(self, *cells: str) -> None:
        object.__setattr__(self, "cells", cells)


@dataclass(frozen=True, init=False)
class Group:
    """Rows whose first column is one cell with this label (Siemens' "Scope 1" over "Total", "CO2 emissions")."""

    label: str
    rows: tuple[Row, ...]

    def __init__(self, label: str, *rows: Row) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "rows", rows)


@dataclass(frozen=True)
class Section:
    """A row of text only, running on from the first column; a top-level one gets more room."""

    text: str
    top_level: bool = False


@dataclass(frozen=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Section | Row | Group]
    footnotes: Sequence[str] = ()  # "4 Change in last year data ...", drawn below the table
    ruled: bool = True  # False: only the rule under the header, rows unruled (a table the reader cannot follow)
    top_rule: bool = False  # a rule above the header too, as Shell draws one


@dataclass(frozen=True)
class Page:
    tables: Sequence[Table] = ()
    title: str = ""  # page furniture above the tables
    footer: str = ""  # page furniture at the foot ("12 ACME Sustainability Report 2023")
    text: Sequence[str] = ()  # paragraphs of prose, wrapped to the text width, drawn above the tables
    spacing: float = TABLE_SPACING  # between the tables (the end of one's footnotes and the next's header)


def _runs(line: str) -> list[tuple[str, float, float]]:
    """(text, size factor, baseline raise factor) runs of one line of markup."""
    runs: list[tuple[str, float, float]] = []
    at = 0
    for match in _MARKUP.finditer(line):
        runs.append((line[at : match.start()], 1.0, 0.0))
        runs.append((match[2], SCRIPT, RAISE if match[1] == "^" else -LOWER))
        at = match.end()
    runs.append((line[at:], 1.0, 0.0))
    return [run for run in runs if run[0]]


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def _height(lines: int, size: float = SIZE) -> float:
    """A band holding this many lines of text, padding included."""
    return 2 * PAD + size + max(lines - 1, 0) * size * LEADING


class _Pen:
    """Draws in top-down page coordinates, as pdfplumber reports them."""

    def __init__(self, canvas: Canvas, height: float) -> None:
        self.canvas = canvas
        self.height = height

    def line(self, x: float, baseline: float, text: str, size: float = SIZE, bold: bool = False) -> float:
        """Draw one line of markup; returns where it ends."""
        for chunk, scale, shift in _runs(text):
            font = CJK if any(char >= _CJK_START for char in chunk) else LATIN
            self.canvas.setFont(font, size * scale)
            for offset in (0.0, 0.3) if bold else (0.0,):
                self.canvas.drawString(x + offset, self.height - baseline + shift * size, chunk)
            x += pdfmetrics.stringWidth(chunk, font, size * scale)
        return x

    def cell(self, x0: float, x1: float, top: float, text: str, size: float = SIZE, bold: bool = False) -> None:
        """Text from the top of a cell, line under line; text wider than the cell would cross into the next."""
        for k, line in enumerate(_lines(text)):
            end = self.line(x0 + GAP, top + PAD + 0.8 * size + k * size * LEADING, line, size, bold)
            if end > x1 - GAP / 2:
                raise ValueError(f"{line!r} is wider than its column ({x1 - x0:.0f} pt)")

    def rule(self, x0: float, x1: float, y: float) -> None:
        self.canvas.setLineWidth(RULE_WIDTH)
        self.canvas.line(x0 + GAP / 2, self.height - y, x1 - GAP / 2, self.height - y)


def _draw_table(pen: _Pen, table: Table, top: float) -> float:
    """Draw a table from `top` down, its footnotes below it; returns where the drawing ends."""
    xs = [MARGIN]
    for column in table.columns:
        xs.append(xs[-1] + column.width)
    every = range(len(table.columns))

    def rule(y: float, columns: range = every) -> None:
        for i in columns:
            pen.rule(xs[i], xs[i + 1], y)

    def row(y: float, cells: Sequence[str], first: int) -> float:
        if len(cells) > len(table.columns) - first:
            raise ValueError(f"{cells}: more cells than columns")
        height = _height(max((len(_lines(cell)) for cell in cells), default=1))
        for i, cell in enumerate(cells, start=first):
            pen.cell(xs[i], xs[i + 1], y, cell, bold=table.columns[i].bold)
        return y + height

    if table.top_rule:
        rule(top)
    header_lines = max(len(_lines(column.header)) for column in table.columns)
    y = top + _height(header_lines, HEADER_SIZE)
    for i, column in enumerate(table.columns):  # headers sit on the first rule, their last lines level
        lines = _lines(column.header)
        pen.cell(xs[i], xs[i + 1], y - _height(len(lines), HEADER_SIZE), column.header, HEADER_SIZE, column.bold)
    rule(y)
    for item in table.rows:
        if isinstance(item, Section):
            height = _height(1) * (1.6 if item.top_level else 1.0)
            pen.line(xs[0] + GAP, y + height / 2 + 0.3 * SIZE, item.text)
            y += height
        elif isinstance(item, Row):
            y = row(y, item.cells, 0)
        else:
            start = y
            for k, member in enumerate(item.rows):
                if k and table.ruled:
                    rule(y, range(1, len(table.columns)))  # the group column stays open
                y = row(y, member.cells, 1)
            label = _lines(item.label)
            pen.cell(xs[0], xs[1], (start + y - _height(len(label))) / 2, item.label)
        if table.ruled:
            rule(y)
    y += 2 * NOTE_SIZE
    for note in table.footnotes:
        for line in _lines(note):
            pen.line(MARGIN, y, line, NOTE_SIZE)
            y += NOTE_SIZE * LEADING
    return y


def _draw_paragraph(pen: _Pen, text: str, top: float) -> float:
    """Prose wrapped at the text width, from `top` down; returns where it ends."""
    width = A4[0] - 2 * MARGIN
    y = top
    line = ""
    for word in text.split():
        longer = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(longer, LATIN, PROSE_SIZE) > width:
            y += PROSE_SIZE * LEADING
            pen.line(MARGIN, y, line, PROSE_SIZE)
            longer = word
        line = longer
    if line:
        y += PROSE_SIZE * LEADING
        pen.line(MARGIN, y, line, PROSE_SIZE)
    return y + PROSE_SIZE


def write_pdf(path: Path, pages: Sequence[Page]) -> Path:
    """Write `pages` as an A4 PDF at `path`: each page's prose, then its tables one below the other."""
    canvas = Canvas(str(path), pagesize=A4)
    for page in pages:
        pen = _Pen(canvas, A4[1])
        if page.title:
            pen.line(MARGIN, MARGIN + TITLE_SIZE, page.title, TITLE_SIZE)
        y = MARGIN + 3 * TITLE_SIZE
        for paragraph in page.text:
            y = _draw_paragraph(pen, paragraph, y)
        for table in page.tables:
            y = _draw_table(pen, table, y) + page.spacing
        if page.footer:
            pen.line(MARGIN, pen.height - MARGIN / 2, page.footer, NOTE_SIZE)
        canvas.showPage()
    canvas.save()
    return path


# --- a report with real figures, for builds ------------------------------------------------------
# Figures of Siemens AG's Sustainability Report FY2023 (page 109: scope 1 and 2; page 112: waste),
# redrawn in its layout so that `make test` builds and audits a PDF without carrying the report. What
# they hold: totals that differ from their parts by rounding only (waste FY2023: 261.2 printed,
# 214.7 + 12.7 + 33.9 = 261.3), a change printed for a figure near zero (N2O 0.0 against 0.2, −91.8%)
# and a large year-on-year change (construction waste 18.0 to 33.9).
_KPI_COLUMNS = (
    Column("Sustainability Key\nPerformance Indicators", 90),
    Column("", 95),
    Column("Fiscal Year/\nSeptember 30{^th}", 55),
    Column("Unit", 80),
    Column("FY 2023", 40),
    Column("FY 2022", 40),
    Column("+/–", 40),
    Column("Standards", 75),
)
_CO2E = "1,000 metric tons\nof CO{_2}e emissions"
_FY = "Fiscal Year"
_GHG = Table(
    _KPI_COLUMNS,
    [
        Section("Greenhouse gas emissions"),
        Group(
            "Scope 1",
            Row("Total", _FY, _CO2E, "387", "393", "−1.6%", "GRI 305-1, WEF"),
            Row("N{_2}O emissions", _FY, _CO2E, "0.0", "0.2", "−91.8%", "GRI 305-1, WEF"),
        ),
        Group(
            "Scope 2",
            Row("Total (market based)", _FY, _CO2E, "163", "189", "−13.5%", "GRI 305-2, WEF"),
            Row("Total (location based)", _FY, _CO2E, "624", "670", "−6.8%", "GRI 305-2, WEF"),
        ),
    ],
)
_WASTE = Table(
    _KPI_COLUMNS,
    [
        Section("Waste"),
        Group(
            "Waste",
            Row("Total", _FY, "1,000 tons", "261.2", "256.2{^4}", "2.0%", "GRI 306-3"),
            Row("Non-hazardous waste", _FY, "1,000 tons", "214.7", "224.4", "–4.3%", "GRI 306-3"),
            Row("Hazardous waste", _FY, "1,000 tons", "12.7", "13.7{^4}", "−7.8%", "GRI 306-3"),
            Row("Construction waste", _FY, "1,000 tons", "33.9", "18.0", "88.0%", "GRI 306-3"),
        ),
    ],
    footnotes=["4 Change in last year data caused by subsequent adjustment."],
)
SIEMENS_FIGURES = "siemens-fy2023-kpis.redrawn.pdf"
_SIEMENS_SIDECAR = """\
# Figures of Siemens AG's Sustainability Report FY2023 (pages 109 and 112), redrawn in its layout.
company: Siemens AG
company_id: siemens
fiscal_year: 2023
language: en
source:
  title: Siemens Sustainability Report FY2023, pages 109 and 112 (figures redrawn for tests)
  publisher: Siemens AG
  published: Siemens AG, fiscal year 2023
boundary: {code: group, description: Siemens group}
"""


def write_siemens_figures(folder: Path) -> Path:
    """The redrawn Siemens tables (two pages) and their sidecar, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{SIEMENS_FIGURES}.yml").write_text(_SIEMENS_SIDECAR, encoding="utf-8")
    return write_pdf(folder / SIEMENS_FIGURES, [Page([_GHG]), Page([_WASTE])])
