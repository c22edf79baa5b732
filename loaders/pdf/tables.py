"""A KPI table read from its grid: header, bands, rows, section rows, and the footnotes below it.

- Header: the text line just above the first rule or in the first band whose text in some column is
  a year label (`FY 2023`, `2019`, `2019年`, `FY 2023/24`). Those columns are value columns; the other
  columns get a role from their header text (unit, change, standards, period) and, left of the first
  value column, are label columns; right of it they are kept only in `row_text`.
- Rows: the bands between the value columns' rules. Value cells are read in the band, other cells
  between their own column's rules, so a group label spanning several rows labels each of them.
- Markers: a value cell's superscripts go to its `markers`, every other cell's to the row's
  `label_markers`.
- Section rows: a band without value text whose text starts in the label area and either stays in
  the label columns or runs on as one line (“Greenhouse gas emissions – Fleet and …”).
- Footnotes: lines below a table, within its width and above the next table, that start with a
  marker, with their wrapped lines (`loaders.pdf.document` keeps those whose marker was used).
- Problems: a row with a word across a column boundary cannot be split into cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from loaders.models import ValueCell
from loaders.pdf.geometry import SAME_RULE, Grid, merge_ys
from loaders.pdf.text import WORD_GAP, Glyph, Line, Text, lines_of, render, text_of
from loaders.rows import parse_year

# In multiples of the font size.
CELL_GAP = 1.0  # a gap wider than this inside a line separates cells
HEADER_REACH = 4.0  # lines this far above the first rule can be the header line
LINE_GAP = 1.0  # lines closer than this form one block (header, footnote)

_ROLES = (
    ("unit", re.compile(r"(?:units?|單位|单位)\b", re.IGNORECASE)),
    ("change", re.compile(r"(?:\+\s*/\s*[-–−]|%?\s*change\b|變動|变动|Δ)", re.IGNORECASE)),
    ("standards", re.compile(r"(?:standards?|gri|references?)\b", re.IGNORECASE)),
    ("period", re.compile(r"(?:fiscal\s+year\b|period\b|reporting\s+period\b|as\s+of\b)", re.IGNORECASE)),
)
NOTE = re.compile(r"^(?:(?P<number>\d{1,2})|\[(?P<bracket>[A-Za-z]{1,2})\]|(?P<symbol>[*†‡§]{1,3}))\s+(?P<text>\S.*)$")


# --- header --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    top: float
    line_yc: float  # centre of the line with the year labels
    roles: tuple[str, ...]  # per column: value, label, unit, change, standards, period, other
    labels: tuple[str, ...]
    years: tuple[int | None, ...]
    markers: tuple[str, ...]  # cut from the header's cells: its notes are the table's


def _role_of(text: str) -> str | None:
    return next((role for role, pattern in _ROLES if pattern.match(text.strip())), None)


def _per_column(grid: Grid, glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    columns: list[list[Glyph]] = [[] for _ in grid.columns]
    for glyph in glyphs:
        index = grid.column_of(glyph.xc)
        if index is not None:
            columns[index].append(glyph)
    return columns


def _header_line(grid: Grid, glyphs: Sequence[Glyph]) -> tuple[list[Line], Line] | None:
    """Lines near the top of the grid, and the one among them with the most year labels over columns."""
    rules = sorted({y for column in grid.columns for y in column.rules})
    first = rules[0]
    second = rules[1] if len(rules) > 1 else first
    near = [g for g in glyphs if grid.x0 <= g.xc <= grid.x1 and g.yc < second]
    lines = [line for line in lines_of(near) if line.bottom > first - HEADER_REACH * line.size]
    best: tuple[int, Line] | None = None
    for line in lines:
        texts = (text_of(column).text for column in _per_column(grid, (g for g, _ in line.glyphs)))
        count = sum(1 for text in texts if parse_year(text) is not None)
        if count and (best is None or count > best[0]):  # ties: the topmost, since data rows come below
            best = (count, line)
    return (lines, best[1]) if best else None


def find_header(grid: Grid, glyphs: Sequence[Glyph]) -> Header | None:
    found = _header_line(grid, glyphs)
    if found is None:
        return None
    lines, year_line = found
    year_texts = [text_of(column).text for column in _per_column(grid, (g for g, _ in year_line.glyphs))]
    above = sorted((line for line in lines if line.baseline < year_line.baseline), key=lambda line: -line.baseline)
    top = year_line.top
    size = year_line.size
    for line in above:  # the header block: lines right above the year line, in text no larger than it
        size = min(size, line.size)
        if top - line.bottom > LINE_GAP * size:
            break
        top = line.top
    closing = min((y for column in grid.columns for y in column.rules if y > year_line.yc), default=year_line.bottom)
    band = [g for g in glyphs if top <= g.yc <= closing]
    texts = [text_of(column) for column in _per_column(grid, band)]
    labels = tuple(text.text for text in texts)
    years = tuple(
        parse_year(label) or parse_year(year_text) for label, year_text in zip(labels, year_texts, strict=True)
    )
    first_value = next(i for i, year in enumerate(years) if year is not None)
    roles = tuple(
        "value" if year is not None else _role_of(label) or ("label" if i < first_value else "other")
        for i, (label, year) in enumerate(zip(labels, years, strict=True))
    )
    markers = tuple(marker for text in texts for marker in text.markers)
    return Header(top=top, line_yc=year_line.yc, roles=roles, labels=labels, years=years, markers=markers)


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    text: str
    markers: tuple[str, ...]
    spacing: float  # band height per text line: top-level sections get more room


@dataclass(frozen=True)
class Row:
    """A data row as read from the page; the document assigns its table and ordinal."""

    label: tuple[str, ...]
    markers: tuple[str, ...]  # cut from every cell but the value cells
    cells: tuple[ValueCell, ...]
    row_text: str
    unit_text: str | None
    change_text: str | None
    standards_text: str | None
    problem: str | None = None
    indent: float | None = None  # where the row's own label starts, for rows indented under a parent row
    size: float = 0.0  # the label's font size


@dataclass(frozen=True)
class Note:
    marker: str
    text: str


@dataclass(frozen=True)
class PageTable:
    top: float
    bottom: float
    x0: float
    x1: float
    bands: list[Section | Row]
    header_markers: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()  # printed under this table, above the next


def _crossing(grid: Grid, lines: Sequence[Line]) -> str | None:
    """A word whose characters fall in two columns, if any: the row cannot be split into cells."""
    for line in lines:
        word: list[Glyph] = []
        for glyph, _ in line.ordered():
            previous = word[-1] if word else None
            if glyph.text.isspace() or (
                previous is not None and glyph.x0 - previous.x1 > WORD_GAP * max(glyph.size, previous.size)
            ):
                word = [] if glyph.text.isspace() else [glyph]
                continue
            word.append(glyph)
            if previous is not None and grid.column_of(previous.xc) != grid.column_of(glyph.xc):
                return "".join(g.text for g in word)
    return None


def _is_section(grid: Grid, header: Header, band: tuple[float, float], glyphs: Sequence[Glyph]) -> bool:
    """No value text, text starting in the label area, and either only label cells or one running line."""
    by_column = _per_column(grid, glyphs)
    labels = [i for i, role in enumerate(header.roles) if role == "label"]
    if any(by_column[i] for i, role in enumerate(header.roles) if role == "value"):
        return False
    if not any(by_column[i] for i in labels):
        return False
    # A label cell reaching beyond this band is a group label of the rows around it, not a section.
    for i in labels:
        top, bottom = grid.columns[i].cell(*band)
        if by_column[i] and (top < band[0] - SAME_RULE or bottom > band[1] + SAME_RULE):
            return False
    if all(not by_column[i] for i, role in enumerate(header.roles) if role != "label"):
        return True
    for line in lines_of(glyphs):
        visible = [g for g, _ in line.ordered() if not g.text.isspace()]
        first = grid.column_of(visible[0].xc)
        if first is None or header.roles[first] != "label":
            return False
        if any(b.x0 - a.x1 > CELL_GAP * a.size for a, b in pairwise(visible)):
            return False
    return True


def _read_row(grid: Grid, header: Header, band: tuple[float, float], glyphs: Sequence[Glyph]) -> Row:
    texts: list[Text] = []
    indent, size = None, 0.0
    for i, (column, role) in enumerate(zip(grid.columns, header.roles, strict=True)):
        top, bottom = band if role == "value" else column.cell(*band)
        inside = [g for g in glyphs if top <= g.yc <= bottom and grid.column_of(g.xc) == i]
        texts.append(text_of(inside))
        if role == "label" and (lines := lines_of(inside)):
            first = next(g for g, _ in lines[0].ordered() if not g.text.isspace())
            indent, size = first.x0, first.size
    label = tuple(text for text, role in zip(texts, header.roles, strict=True) if role == "label")
    # Markers printed on the unit, period, change or standards belong to the row, as the label's do.
    markers = tuple(m for text, role in zip(texts, header.roles, strict=True) if role != "value" for m in text.markers)

    def single(role: str) -> str | None:
        """The column's text: "" when printed blank, None when the table has no such column (`loaders.rows`)."""
        found = [text.text for text, r in zip(texts, header.roles, strict=True) if r == role]
        return " ".join(t for t in found if t) if found else None

    values = [i for i, role in enumerate(header.roles) if role == "value"]
    cells = tuple(
        ValueCell(
            column_number=number,
            column_label=header.labels[i],
            fiscal_year=header.years[i],
            text=texts[i].text,
            markers=texts[i].markers,
        )
        for number, i in enumerate(values, start=1)
    )
    shown = [text.printed for text, role in zip(texts, header.roles, strict=True) if role != "label" or text.text]
    crossing = _crossing(grid, lines_of([g for g in glyphs if band[0] <= g.yc <= band[1]]))
    problem = None if crossing is None else f"text {crossing!r} crosses a column boundary: the row cannot be split"
    return Row(
        label=tuple(text.text for text in label if text.text),
        markers=markers,
        cells=cells,
        row_text=" | ".join(shown),
        unit_text=single("unit"),
        change_text=single("change"),
        standards_text=single("standards"),
        problem=problem,
        indent=indent,
        size=size,
    )


INDENT = 0.3  # in multiples of the font size: a label starting this much further right is a child row
INDENT_REACH = 6.0  # further than this is not an indent but another column's text


def _under_parents(bands: list[Section | Row]) -> list[Section | Row]:
    """Rows indented under a row above them (`Carbon dioxide` under `Direct GHG emissions (Scope 1)`)
    carry that row's label as their group; a section row ends the nesting."""
    nested: list[Section | Row] = []
    parents: list[Row] = []  # the rows above, each less indented than the next
    for band in bands:
        if isinstance(band, Section) or band.indent is None:
            parents = []
            nested.append(band)
            continue
        tolerance = INDENT * band.size
        while parents and parents[-1].indent is not None and parents[-1].indent > band.indent - tolerance:
            parents.pop()
        parent = parents[-1] if parents else None
        if (
            parent is not None
            and parent.indent is not None
            and band.indent - parent.indent <= INDENT_REACH * band.size
            and len(band.label) == 1
        ):
            band = replace(band, label=(*parent.label, *band.label))
        parents.append(band)
        nested.append(band)
    return nested


def read_grid(grid: Grid, header: Header, glyphs: Sequence[Glyph]) -> PageTable:
    value_rules = [
        y for column, role in zip(grid.columns, header.roles, strict=True) if role == "value" for y in column.rules
    ]
    ys = [y for y in merge_ys(value_rules) if y > header.line_yc]
    in_table = [g for g in glyphs if grid.x0 <= g.xc <= grid.x1]
    bands: list[Section | Row] = []
    for band in pairwise(ys):
        inside = [g for g in in_table if band[0] <= g.yc <= band[1]]
        if not any(not g.text.isspace() for g in inside):
            continue
        if _is_section(grid, header, band, inside):
            lines = lines_of(inside)
            text = render(lines, cut_markers=True)
            bands.append(Section(text.text, text.markers, (band[1] - band[0]) / len(lines)))
        else:
            bands.append(_read_row(grid, header, band, in_table))
    return PageTable(
        header.top, ys[-1] if ys else header.line_yc, grid.x0, grid.x1, _under_parents(bands), header.markers
    )


def notes_below(glyphs: Sequence[Glyph], table: PageTable, bottom: float) -> list[Note]:
    """Marker-led lines below a table and as wide as it, with their wrapped continuations."""
    notes: list[Note] = []
    open_note = False
    previous: Line | None = None
    below = [g for g in glyphs if table.bottom < g.yc < bottom and table.x0 <= g.xc <= table.x1]
    for line in lines_of(below):
        text = render([line], cut_markers=False).text
        match = NOTE.match(text)
        if match:
            marker = match["number"] or match["bracket"] or match["symbol"]
            notes.append(Note(marker, match["text"].strip()))
            open_note = True
        elif open_note and previous is not None and line.top - previous.bottom <= LINE_GAP * line.size:
            notes[-1] = Note(notes[-1].marker, f"{notes[-1].text} {text}")
        else:
            open_note = False
        previous = line
    return notes
