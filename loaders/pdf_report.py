"""Text-based PDF reports: KPI tables ruled per column, read into `TableRow`s with page provenance.

The tables this reads draw their horizontal rules column by column (stroked lines or thin filled
rectangles), so the rules say where each column is and where its cells end:

    Scope 1 ─────────  Total ─────  Fiscal Year ──  1,000 t CO2e ──  387 ──  393 ──  −1.6% ──  GRI 305-1
               (group cell)         CO2 emissions ─ ...

- Columns: rule segments that overlap by more than half of the longer one are one column; a segment
  spanning two or more columns (a full-width rule) is a rule of each column it spans. Columns whose
  rules overlap vertically form one grid; a page may hold several.
- Header: the text line just above the first rule or in the first band whose text in some column is
  a year label (`FY 2023`, `2019`, `2019年`, `FY 2023/24`). Those columns are value columns; the other
  columns get a role from their header text (unit, change, standards, period) and, left of the first
  value column, are label columns; right of it they are kept only in `row_text`.
- Rows: the bands between the value columns' rules. Value cells are read in the band, other cells
  between their own column's rules, so a group label spanning several rows labels each of them.
- Section rows: a band without value text whose text starts in the label area and either stays in
  the label columns or runs on as one line (“Greenhouse gas emissions – Fleet and …”). It heads the
  rows after it. The upper rows of a stack of section rows, and a section row with a quarter more
  room per line than the tightest one seen, are top-level: the `section_heading` of what follows.
  Rows at the top of a page go on under the last heading, in a new table for that page.
- Markers: characters smaller than their line's body text with a raised baseline are superscripts,
  footnote markers cut from the text: a value cell's go to its `markers`, every other cell's to the
  row's `label_markers`; `row_text` shows them as superscript digits. A lowered baseline is a
  subscript and stays inline (“CO2”); so do exponents and ordinals (`m³`, `30th`).
- Footnotes: lines below a table, within its width, that start with a marker the tables read so far
  used (a number-led page footer is not a note), with their wrapped lines.
- Problems: a requested page without a ruled table with year columns, a table without rows, and a
  row with a word across a column boundary are reported with their page (and row), never skipped.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise
from pathlib import Path

import pdfplumber
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from loaders.errors import DocumentError
from loaders.models import Footnote, RejectedLine, ReportTable, TableRow, ValueCell
from loaders.rows import parse_year

# Geometry, in points unless said otherwise.
_RULE_MAX_THICKNESS = 1.5  # filled rectangles taller than this are shading, not rules
_RULE_MIN_WIDTH = 5.0
_SAME_RULE = 1.0  # rules closer than this are one (double strokes, hairline pairs)
_TABLE_EDGE = 3.0  # text this far outside the outer columns still belongs to them
# Text metrics, in multiples of the font size.
_SCRIPT_SIZE = 0.9  # smaller than this share of the line's body text: a sub- or superscript candidate
_SCRIPT_SHIFT = 0.1  # baseline shift that makes such a character a sub- or superscript
_SAME_LINE = 0.3  # baseline difference within one line
_WORD_GAP = 0.15  # a gap wider than this between characters separates words
_CELL_GAP = 1.0  # a gap wider than this inside a line separates cells
_HEADER_REACH = 4.0  # lines this far above the first rule can be the header line
_LINE_GAP = 1.0  # lines closer than this form one block (header, footnote)
_TOP_SECTION = 1.25  # a section row with this much more room per line than the tightest one is top-level

_ROLES = (
    ("unit", re.compile(r"(?:units?|單位|单位)\b", re.IGNORECASE)),
    ("change", re.compile(r"(?:\+\s*/\s*[-–−]|%?\s*change\b|變動|变动|Δ)", re.IGNORECASE)),
    ("standards", re.compile(r"(?:standards?|gri|references?)\b", re.IGNORECASE)),
    ("period", re.compile(r"(?:fiscal\s+year\b|period\b|reporting\s+period\b|as\s+of\b)", re.IGNORECASE)),
)
_NOTE = re.compile(r"^(?:(?P<number>\d{1,2})|\[(?P<bracket>[A-Za-z]{1,2})\]|(?P<symbol>[*†‡§]{1,3}))\s+(?P<text>\S.*)$")
_BRACKET_MARKER = re.compile(r"\[([A-Za-z]{1,2})\]")
_TABLE_UNIT = re.compile(
    r"[(（]\s*(?:in\s+|units?\s*[:：]\s*|單位\s*[:：]\s*|单位\s*[:：]\s*)(?P<unit>[^()（）]+?)\s*[)）]\s*$"
)
_UNIT_BEFORE_EXPONENT = re.compile(r"(?:^|[\s(/])(?:[kcdmµ]?m|Nm|ft)$")
_EXPONENTS = {"2": "²", "3": "³"}
_ORDINAL = re.compile(r"st|nd|rd|th")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SOFT_HYPHEN = "\u00ad"


class _Kind(Enum):
    NORMAL = "normal"
    SUB = "sub"
    SUPER = "super"


@dataclass
class PdfLayout:
    tables: list[ReportTable] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    problems: list[RejectedLine] = field(default_factory=list)
    page_count: int = 0


# --- page geometry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    x0: float
    x1: float
    y: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class _Column:
    x0: float
    x1: float
    rules: tuple[float, ...]  # sorted y positions

    def cell(self, top: float, bottom: float) -> tuple[float, float]:
        """The cell of this column holding the band top..bottom: between its nearest rules."""
        above = [y for y in self.rules if y <= top + _SAME_RULE]
        below = [y for y in self.rules if y >= bottom - _SAME_RULE]
        return (max(above) if above else top), (min(below) if below else bottom)


@dataclass(frozen=True)
class _Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    baseline: float  # from the top of the page, like `top`

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


def _glyphs(page: Page) -> list[_Glyph]:
    glyphs = []
    for char in page.chars:
        if not char["text"]:
            continue
        ascent = char["y1"] - char["matrix"][5]  # glyph box top above the baseline, in PDF units
        glyphs.append(
            _Glyph(
                text=char["text"],
                x0=char["x0"],
                x1=char["x1"],
                top=char["top"],
                bottom=char["bottom"],
                size=char["size"],
                baseline=char["top"] + ascent,
            )
        )
    return glyphs


def _rule_segments(page: Page) -> list[_Segment]:
    candidates = [*page.lines, *(rect for rect in page.rects if rect["fill"] or rect["stroke"])]
    return [
        _Segment(item["x0"], item["x1"], (item["top"] + item["bottom"]) / 2)
        for item in candidates
        if item["bottom"] - item["top"] <= _RULE_MAX_THICKNESS and item["x1"] - item["x0"] >= _RULE_MIN_WIDTH
    ]


def _merge_ys(ys: Iterable[float]) -> tuple[float, ...]:
    merged: list[float] = []
    for y in sorted(ys):
        if not merged or y - merged[-1] > _SAME_RULE:
            merged.append(y)
    return tuple(merged)


def _columns(segments: Sequence[_Segment]) -> list[_Column]:
    """Columns from rule segments; segments spanning several columns add their rule to each."""
    clusters: list[list[_Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.x0, s.x1)):
        for cluster in clusters:
            first = cluster[0]
            overlap = min(segment.x1, first.x1) - max(segment.x0, first.x0)
            if overlap > 0.5 * max(segment.width, first.width):
                cluster.append(segment)
                break
        else:
            clusters.append([segment])
    spans = [
        (statistics.median(s.x0 for s in cluster), statistics.median(s.x1 for s in cluster)) for cluster in clusters
    ]

    def covered(i: int) -> list[int]:
        x0, x1 = spans[i]
        return [j for j, (a, b) in enumerate(spans) if j != i and a >= x0 - _TABLE_EDGE and b <= x1 + _TABLE_EDGE]

    spanning = {i for i in range(len(clusters)) if len(covered(i)) >= 2}
    own = {i: [s.y for s in clusters[i]] for i in range(len(clusters)) if i not in spanning}
    extra: dict[int, list[float]] = {i: [] for i in own}
    for i in spanning:
        targets = [j for j in covered(i) if j in own]
        for j in targets:
            ys = _merge_ys(own[j])
            # A full-width rule far above or below a column's own rules (page furniture) is not a row boundary.
            reach = max((b - a for a, b in pairwise(ys)), default=0.0)
            extra[j].extend(s.y for s in clusters[i] if ys[0] - reach <= s.y <= ys[-1] + reach)
    return sorted(
        (_Column(spans[i][0], spans[i][1], _merge_ys([*ys, *extra[i]])) for i, ys in own.items()),
        key=lambda column: column.x0,
    )


@dataclass(frozen=True)
class _Grid:
    columns: tuple[_Column, ...]

    @property
    def x0(self) -> float:
        return self.columns[0].x0 - _TABLE_EDGE

    @property
    def x1(self) -> float:
        return self.columns[-1].x1 + _TABLE_EDGE

    def column_of(self, x: float) -> int | None:
        """The column text at x belongs to; a gap between columns is split in the middle."""
        if not self.x0 <= x <= self.x1:
            return None
        for i, column in enumerate(self.columns[:-1]):
            if x <= (column.x1 + self.columns[i + 1].x0) / 2:
                return i
        return len(self.columns) - 1


def _grids(columns: Sequence[_Column]) -> list[_Grid]:
    """Columns whose rules overlap vertically form one grid; a lone rule is no table."""
    groups: list[list[_Column]] = []
    for column in sorted((c for c in columns if len(c.rules) >= 2), key=lambda c: c.rules[0]):
        if groups and column.rules[0] <= max(c.rules[-1] for c in groups[-1]):
            groups[-1].append(column)
        else:
            groups.append([column])
    return [_Grid(tuple(sorted(group, key=lambda c: c.x0))) for group in groups if len(group) >= 2]


# --- text ----------------------------------------------------------------------------------------


@dataclass
class _Line:
    glyphs: list[tuple[_Glyph, _Kind]]

    def _body(self) -> list[_Glyph]:
        return [g for g, kind in self.glyphs if kind is _Kind.NORMAL and not g.text.isspace()]

    @property
    def baseline(self) -> float:
        return statistics.median(g.baseline for g in self._body())

    @property
    def size(self) -> float:
        return max(g.size for g in self._body())

    @property
    def top(self) -> float:
        return min(g.top for g, _ in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g, _ in self.glyphs)

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    def ordered(self) -> list[tuple[_Glyph, _Kind]]:
        return sorted(self.glyphs, key=lambda item: item[0].x0)


def _cluster(glyphs: Sequence[_Glyph]) -> list[list[_Glyph]]:
    lines: list[list[_Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.baseline):
        if lines and glyph.baseline - lines[-1][0].baseline <= _SAME_LINE * glyph.size:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return lines


def _lines(glyphs: Sequence[_Glyph]) -> list[_Line]:
    """Text lines, top to bottom, with smaller characters placed as sub- or superscripts of their line."""
    visible = [g for g in glyphs if not g.text.isspace()]
    if not visible:
        return []
    body = max(g.size for g in visible)
    lines = [
        _Line([(g, _Kind.NORMAL) for g in line])
        for line in _cluster([g for g in visible if g.size >= _SCRIPT_SIZE * body])
    ]
    loose: list[_Glyph] = []
    for glyph in (g for g in visible if g.size < _SCRIPT_SIZE * body):
        line = next((line for line in lines if line.top <= glyph.yc <= line.bottom), None)
        if line is None:
            loose.append(glyph)
            continue
        shift = (line.baseline - glyph.baseline) / line.size
        kind = _Kind.SUPER if shift > _SCRIPT_SHIFT else _Kind.SUB if shift < -_SCRIPT_SHIFT else _Kind.NORMAL
        line.glyphs.append((glyph, kind))
    lines.extend(_lines(loose))
    for space in (g for g in glyphs if g.text.isspace()):
        line = next((line for line in lines if line.top <= space.yc <= line.bottom), None)
        # Some fonts map an invisible glyph (a soft hyphen) to a space drawn over a letter: no word break.
        if line is not None and not any(g.x0 < space.xc < g.x1 for g, _ in line.glyphs):
            line.glyphs.append((space, _Kind.NORMAL))
    return sorted(lines, key=lambda line: line.baseline)


@dataclass(frozen=True)
class _Text:
    text: str
    markers: tuple[str, ...] = ()

    @property
    def printed(self) -> str:
        """The text with its markers put back, as superscript digits or `^marker`."""
        suffix = "".join(m.translate(_SUPERSCRIPT_DIGITS) if m.isdigit() else f"^{m}" for m in self.markers)
        return self.text + suffix


@dataclass(frozen=True)
class _RenderedLine:
    text: str
    markers: tuple[str, ...]
    hyphenated: bool  # ends in a hyphen the typesetter added: join the next line without it
    soft_break: bool  # ends in a soft hyphen: join the next line directly


def _tokens(line: _Line) -> tuple[list[tuple[bool, str, bool]], bool]:
    """(superscript, text, space before) runs of a line, and whether whitespace ends it."""
    tokens: list[tuple[bool, str, bool]] = []
    space = False
    previous: _Glyph | None = None
    for glyph, kind in line.ordered():
        if glyph.text.isspace():
            space = True
            continue
        if previous is not None and glyph.x0 - previous.x1 > _WORD_GAP * max(glyph.size, previous.size):
            space = True
        raised = kind is _Kind.SUPER
        if tokens and tokens[-1][0] == raised and not space:
            tokens[-1] = (raised, tokens[-1][1] + glyph.text, tokens[-1][2])
        else:
            tokens.append((raised, glyph.text, space))
        space = False
        previous = glyph
    return tokens, space


def _render_line(line: _Line, cut_markers: bool) -> _RenderedLine:
    tokens, trailing_space = _tokens(line)
    text = ""
    markers: list[str] = []
    space_next = False
    for raised, chunk, space_before in tokens:
        separator = " " if text and (space_before or space_next) else ""
        space_next = False
        if raised and chunk in _EXPONENTS and not space_before and _UNIT_BEFORE_EXPONENT.search(text):
            text += _EXPONENTS[chunk]
        elif raised and cut_markers and not (_ORDINAL.fullmatch(chunk) and text[-1:].isdigit()):
            markers.extend(part for part in re.split(r"[,\s]+", chunk) if part)
            space_next = space_before or bool(text)  # a marker between words still separates them
        else:
            text += separator + chunk
    last = tokens[-1][1] if tokens else ""
    return _RenderedLine(
        text=text.replace(_SOFT_HYPHEN, "").strip(),
        markers=tuple(markers),
        hyphenated=last.endswith("-") and not trailing_space,
        soft_break=last.endswith(_SOFT_HYPHEN),
    )


def _render(lines: Sequence[_Line], cut_markers: bool) -> _Text:
    """A cell's lines as one text: joined with a space, words broken at a line end put back together."""
    text = ""
    markers: list[str] = []
    previous: _RenderedLine | None = None
    for line in lines:
        rendered = _render_line(line, cut_markers)
        markers.extend(rendered.markers)
        if not rendered.text:
            continue
        if previous is None or not text:
            text = rendered.text
        elif previous.soft_break:
            text += rendered.text
        elif text.endswith("-") and rendered.text[:1].islower():
            # A hyphen followed by whitespace in the content stream is the word's own hyphen: keep it.
            text = (text[:-1] if previous.hyphenated else text) + rendered.text
        else:
            text += " " + rendered.text
        previous = rendered
    return _Text(text, tuple(markers))


def _text_of(glyphs: Sequence[_Glyph]) -> _Text:
    """A table cell's text, superscript markers cut."""
    return _render(_lines(glyphs), cut_markers=True)


# --- header --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    top: float
    line_yc: float  # centre of the line with the year labels
    roles: tuple[str, ...]  # per column: value, label, unit, change, standards, period, other
    labels: tuple[str, ...]
    years: tuple[int | None, ...]


def _role_of(text: str) -> str | None:
    return next((role for role, pattern in _ROLES if pattern.match(text.strip())), None)


def _per_column(grid: _Grid, glyphs: Iterable[_Glyph]) -> list[list[_Glyph]]:
    columns: list[list[_Glyph]] = [[] for _ in grid.columns]
    for glyph in glyphs:
        index = grid.column_of(glyph.xc)
        if index is not None:
            columns[index].append(glyph)
    return columns


def _header_line(grid: _Grid, glyphs: Sequence[_Glyph]) -> tuple[list[_Line], _Line] | None:
    """Lines near the top of the grid, and the one among them with the most year labels over columns."""
    rules = sorted({y for column in grid.columns for y in column.rules})
    first = rules[0]
    second = rules[1] if len(rules) > 1 else first
    near = [g for g in glyphs if grid.x0 <= g.xc <= grid.x1 and g.yc < second]
    lines = [line for line in _lines(near) if line.bottom > first - _HEADER_REACH * line.size]
    best: tuple[int, _Line] | None = None
    for line in lines:
        texts = (_text_of(column).text for column in _per_column(grid, (g for g, _ in line.glyphs)))
        count = sum(1 for text in texts if parse_year(text) is not None)
        if count and (best is None or count > best[0]):  # ties: the topmost, since data rows come below
            best = (count, line)
    return (lines, best[1]) if best else None


def _find_header(grid: _Grid, glyphs: Sequence[_Glyph]) -> _Header | None:
    found = _header_line(grid, glyphs)
    if found is None:
        return None
    lines, year_line = found
    year_texts = [_text_of(column).text for column in _per_column(grid, (g for g, _ in year_line.glyphs))]
    above = sorted((line for line in lines if line.baseline < year_line.baseline), key=lambda line: -line.baseline)
    top = year_line.top
    size = year_line.size
    for line in above:  # the header block: lines right above the year line, in text no larger than it
        size = min(size, line.size)
        if top - line.bottom > _LINE_GAP * size:
            break
        top = line.top
    closing = min((y for column in grid.columns for y in column.rules if y > year_line.yc), default=year_line.bottom)
    band = [g for g in glyphs if top <= g.yc <= closing]
    labels = tuple(_text_of(column).text for column in _per_column(grid, band))
    years = tuple(
        parse_year(label) or parse_year(year_text) for label, year_text in zip(labels, year_texts, strict=True)
    )
    first_value = next(i for i, year in enumerate(years) if year is not None)
    roles = tuple(
        "value" if year is not None else _role_of(label) or ("label" if i < first_value else "other")
        for i, (label, year) in enumerate(zip(labels, years, strict=True))
    )
    return _Header(top=top, line_yc=year_line.yc, roles=roles, labels=labels, years=years)


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    text: str
    markers: tuple[str, ...]
    spacing: float  # band height per text line: top-level sections get more room


@dataclass(frozen=True)
class _Row:
    """A data row as read from the page; the document assigns its table and ordinal."""

    label: tuple[str, ...]
    markers: tuple[str, ...]  # cut from every cell but the value cells
    cells: tuple[ValueCell, ...]
    row_text: str
    unit_text: str | None
    change_text: str | None
    standards_text: str | None
    problem: str | None = None


@dataclass(frozen=True)
class _Note:
    marker: str
    text: str


@dataclass(frozen=True)
class _PageTable:
    top: float
    bottom: float
    x0: float
    x1: float
    bands: list[_Section | _Row]


def _crossing(grid: _Grid, lines: Sequence[_Line]) -> str | None:
    """A word whose characters fall in two columns, if any: the row cannot be split into cells."""
    for line in lines:
        word: list[_Glyph] = []
        for glyph, _ in line.ordered():
            previous = word[-1] if word else None
            if glyph.text.isspace() or (
                previous is not None and glyph.x0 - previous.x1 > _WORD_GAP * max(glyph.size, previous.size)
            ):
                word = [] if glyph.text.isspace() else [glyph]
                continue
            word.append(glyph)
            if previous is not None and grid.column_of(previous.xc) != grid.column_of(glyph.xc):
                return "".join(g.text for g in word)
    return None


def _is_section(grid: _Grid, header: _Header, band: tuple[float, float], glyphs: Sequence[_Glyph]) -> bool:
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
        if by_column[i] and (top < band[0] - _SAME_RULE or bottom > band[1] + _SAME_RULE):
            return False
    if all(not by_column[i] for i, role in enumerate(header.roles) if role != "label"):
        return True
    for line in _lines(glyphs):
        visible = [g for g, _ in line.ordered() if not g.text.isspace()]
        first = grid.column_of(visible[0].xc)
        if first is None or header.roles[first] != "label":
            return False
        if any(b.x0 - a.x1 > _CELL_GAP * a.size for a, b in pairwise(visible)):
            return False
    return True


def _read_row(grid: _Grid, header: _Header, band: tuple[float, float], glyphs: Sequence[_Glyph]) -> _Row:
    texts: list[_Text] = []
    for i, (column, role) in enumerate(zip(grid.columns, header.roles, strict=True)):
        top, bottom = band if role == "value" else column.cell(*band)
        inside = [g for g in glyphs if top <= g.yc <= bottom and grid.column_of(g.xc) == i]
        texts.append(_text_of(inside))
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
    crossing = _crossing(grid, _lines([g for g in glyphs if band[0] <= g.yc <= band[1]]))
    problem = None if crossing is None else f"text {crossing!r} crosses a column boundary: the row cannot be split"
    return _Row(
        label=tuple(text.text for text in label if text.text),
        markers=markers,
        cells=cells,
        row_text=" | ".join(shown),
        unit_text=single("unit"),
        change_text=single("change"),
        standards_text=single("standards"),
        problem=problem,
    )


def _read_grid(grid: _Grid, header: _Header, glyphs: Sequence[_Glyph]) -> _PageTable:
    value_rules = [
        y for column, role in zip(grid.columns, header.roles, strict=True) if role == "value" for y in column.rules
    ]
    ys = [y for y in _merge_ys(value_rules) if y > header.line_yc]
    in_table = [g for g in glyphs if grid.x0 <= g.xc <= grid.x1]
    bands: list[_Section | _Row] = []
    for band in pairwise(ys):
        inside = [g for g in in_table if band[0] <= g.yc <= band[1]]
        if not any(not g.text.isspace() for g in inside):
            continue
        if _is_section(grid, header, band, inside):
            lines = _lines(inside)
            text = _render(lines, cut_markers=True)
            bands.append(_Section(text.text, text.markers, (band[1] - band[0]) / len(lines)))
        else:
            bands.append(_read_row(grid, header, band, in_table))
    return _PageTable(header.top, ys[-1] if ys else header.line_yc, grid.x0, grid.x1, bands)


def _notes(glyphs: Sequence[_Glyph], table: _PageTable, bottom: float) -> list[_Note]:
    """Marker-led lines below a table and as wide as it, with their wrapped continuations."""
    notes: list[_Note] = []
    open_note = False
    previous: _Line | None = None
    below = [g for g in glyphs if table.bottom < g.yc < bottom and table.x0 <= g.xc <= table.x1]
    for line in _lines(below):
        text = _render([line], cut_markers=False).text
        match = _NOTE.match(text)
        if match:
            marker = match["number"] or match["bracket"] or match["symbol"]
            notes.append(_Note(marker, match["text"].strip()))
            open_note = True
        elif open_note and previous is not None and line.top - previous.bottom <= _LINE_GAP * line.size:
            notes[-1] = _Note(notes[-1].marker, f"{notes[-1].text} {text}")
        else:
            open_note = False
        previous = line
    return notes


@dataclass(frozen=True)
class _PageResult:
    tables: list[_PageTable]
    notes: list[_Note]


def _read_page(page: Page) -> _PageResult:
    glyphs = _glyphs(page)
    tables: list[_PageTable] = []
    for grid in _grids(_columns(_rule_segments(page))):
        header = _find_header(grid, glyphs)
        if header is not None:
            tables.append(_read_grid(grid, header, glyphs))
    tables.sort(key=lambda table: table.top)
    notes: list[_Note] = []
    for i, table in enumerate(tables):
        limit = tables[i + 1].top if i + 1 < len(tables) else float(page.height)
        notes.extend(_notes(glyphs, table, limit))
    return _PageResult(tables, notes)


# --- document ------------------------------------------------------------------------------------


@dataclass
class _Draft:
    table_index: int
    heading: str | None
    section_heading: str | None
    page_number: int
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
class _Document:
    """Turns pages' bands into tables, rows and problems, numbering rows across the document."""

    layout: PdfLayout
    drafts: list[_Draft] = field(default_factory=list)
    pending: list[tuple[_Section, int]] = field(default_factory=list)  # section rows not yet followed by a row
    section: str | None = None
    heading: str | None = None
    tightest_section: float = float("inf")  # least room per line a section row had: a sub-section's
    ordinal: int = 0
    referenced: set[str] = field(default_factory=set)  # markers seen so far: what a footnote may number

    def _table_for(self, page_number: int) -> _Draft:
        current = self.drafts[-1] if self.drafts else None
        if self.pending:
            sections = [section for section, _ in self.pending]
            last = sections[-1]
            tops = sections[:-1] + ([last] if last.spacing > _TOP_SECTION * self.tightest_section else [])
            if tops:
                self.section = " / ".join(section.text for section in tops)
            self.heading = last.text
            self.pending = []
        elif current is not None and current.page_number == page_number:
            return current
        draft = _Draft(len(self.drafts) + 1, self.heading, self.section, page_number)
        self.drafts.append(draft)
        return draft

    def _unreadable_table(self, page_number: int, reason: str) -> None:
        self.layout.problems.append(
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

    def add_page(self, page_number: int, result: _PageResult) -> None:
        # One problem per page at most: a page's problems are told apart by their row, and these have none.
        empty = sum(1 for table in result.tables if not table.bands)
        if not result.tables:
            self._unreadable_table(page_number, f"no table with year columns found on page {page_number}")
        elif empty:
            self._unreadable_table(
                page_number, f"{empty} table(s) with year columns on page {page_number} have no rows"
            )
        spacings = [b.spacing for table in result.tables for b in table.bands if isinstance(b, _Section)]
        self.tightest_section = min([self.tightest_section, *spacings])
        row_on_page = 0
        first_row_with: dict[str, int] = {}
        for band in (band for table in result.tables for band in table.bands):
            if isinstance(band, _Section):
                self.pending.append((band, page_number))
                self.referenced.update(band.markers)
                continue
            draft = self._table_for(page_number)
            self.ordinal += 1
            row_on_page += 1
            draft.first_line = draft.first_line or self.ordinal
            draft.last_line = self.ordinal
            markers = [*band.markers, *(m for c in band.cells for m in c.markers)]
            markers += [m for part in band.label for m in _BRACKET_MARKER.findall(part)]
            for marker in markers:
                first_row_with.setdefault(marker, self.ordinal)
            self.referenced.update(markers)
            self._add_row(draft, page_number, row_on_page, band)
        if self.drafts:
            self._add_notes(page_number, result.notes, first_row_with)

    def _add_row(self, draft: _Draft, page_number: int, row_on_page: int, row: _Row) -> None:
        location = f"page {page_number} row {row_on_page}"
        if row.problem is not None:
            self.layout.problems.append(
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
        self.layout.rows.append(
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

    def _add_notes(self, page_number: int, notes: Sequence[_Note], first_row_with: dict[str, int]) -> None:
        table_index = self.drafts[-1].table_index
        for note in notes:
            if note.marker not in self.referenced:
                continue  # a number-led line nobody refers to: a page footer, not a note
            self.layout.footnotes.append(
                Footnote(
                    table_index=table_index,
                    number=int(note.marker) if note.marker.isdigit() else 0,
                    line_number=first_row_with.get(note.marker, 0),
                    text=note.text,
                    page_number=page_number,
                    marker=None if note.marker.isdigit() else note.marker,
                )
            )

    def finish(self) -> None:
        if self.pending:  # headings after the last row still name a table, if an empty one
            _, page_number = self.pending[-1]
            draft = self._table_for(page_number)
            draft.first_line = draft.last_line = self.ordinal
        self.layout.tables = [draft.build() for draft in self.drafts]


def parse_pdf(path: Path, pages: tuple[int, ...] = (), *, shown: str | None = None) -> PdfLayout:
    """Read the KPI tables of a text-based PDF.

    pages: 1-based PDF page numbers to read; empty means every page.
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
            document = _Document(PdfLayout(page_count=count))
            for number in wanted:
                document.add_page(number, _read_page(pdf.pages[number - 1].dedupe_chars()))
    except (PdfminerException, MalformedPDFException, PSException) as error:
        raise DocumentError(where, f"not a readable PDF: {error}") from error
    except OSError as error:
        raise DocumentError(where, f"cannot open: {error.strerror or error}") from error
    document.finish()
    return document.layout
