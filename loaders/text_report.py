"""Report text extractions: KPI tables of `label<TAB>value` rows between a heading and numbered notes.

The layout this reads (blank lines optional, headings in any language):

    環境關鍵績效指標表                        <- section heading
    除另行說明，…統計範圍涵蓋…。               <- scope statement (optional)
    1. 排放物                                 <- table heading
    溫室氣體排放總量(範圍一及範圍二)(噸)<TAB>22,782.26
    …
    註：                                      <- notes marker
    1. 自2019年9月，…                         <- numbered notes, attached to the table

A table may also open with a header row naming its columns (`指標<TAB>單位<TAB>2019<TAB>2018`):
each year column then gives values for its year, and a unit column the row's unit. A unit stated
once for the table, in its heading (`2. 能源消耗 (千瓦時)`) or on a line of its own (`單位：噸`),
applies to rows that state none.

Every other line of a KPI table's body is a candidate row: `loaders.rows` turns each into values
or a reject. Runs of tab-separated rows without a single `label<TAB>number` row (stakeholder or
award lists) are recorded as skipped tables with the reason, so nothing in a table shape goes
unaccounted for.
"""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from loaders.labels import split_unit
from loaders.models import Footnote, ReportTable, TableRow, ValueCell
from loaders.rows import parse_year, reads_as_value
from loaders.units import UnitError, normalize_unit

_NOTES_MARKER = re.compile(r"^(?:註|注|附註|附注|備註|备注|notes?|remarks?)\s*[:：]\s*(?P<rest>.*)$", re.IGNORECASE)
# `1. text` is a note; `5.3 text` is a section number, not note 5.
_FOOTNOTE = re.compile(r"^(?P<number>\d{1,2})\s*[.．、)）](?!\d)\s*(?P<text>\S.*)$")
# A tab-less line that still ends like a data row (`…(噸) 283.42`): a garbled row, not a heading.
_ROW_LIKE = re.compile(r"(?:[)）]|\s)\s*-?[\d０-９][\d０-９,，.．]*\s*$")
_SENTENCE_END = ("。", ".", "；", ";")
_TABLE_UNIT = re.compile(r"^(?:單位|单位|units?)\s*[:：]\s*(?P<unit>.+)$", re.IGNORECASE)
_UNIT_HEADERS = frozenset({"單位", "单位", "unit", "units"})
_LABEL_HEADERS = frozenset(
    {"", "指標", "指标", "項目", "项目", "indicator", "indicators", "kpi", "kpis", "metric", "item"}
)


class Line(NamedTuple):  # one per line of the document: a tuple is the cheapest record to build
    number: int  # 1-based, as editors and `sed -n` count
    text: str

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


class Candidate(NamedTuple):
    """A line in a KPI table's body: it must become a value or a reject."""

    table_index: int
    line: Line


@dataclass
class TextLayout:
    tables: list[ReportTable] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)


@dataclass
class _Run:
    """Consecutive non-blank lines."""

    lines: list[Line]
    owner: int | None = None  # index of the KPI table that claimed it (body, heading or notes)

    @property
    def is_table(self) -> bool:
        return any("\t" in line.text for line in self.lines)

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines)

    @property
    def is_heading_like(self) -> bool:
        text = self.text
        return (
            len(self.lines) == 1
            and len(text) <= 60
            and not text.endswith(_SENTENCE_END)
            and "\t" not in text
            and not is_page_number(text)
        )


# A page's number or running footer (`88`, `- 88 -`, `Page 88`, `88 / 150`, `第88頁`): never a heading.
# A bare number has at most three digits: `2019` alone is a year.
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|seite)\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$"
    r"|^[-–—\s]*\d{1,3}(?:\s*(?:/|of)\s*\d{1,4})?[-–—\s]*$|^第\s*\d{1,4}\s*[頁页]$",
    re.IGNORECASE,
)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def split_lines(text: str) -> list[Line]:
    """Lines numbered from 1; only `\\n` (with an optional `\\r`) ends a line, as in editors."""
    return [Line(number=i, text=raw.rstrip("\r")) for i, raw in enumerate(text.split("\n"), start=1)]


def _runs(lines: Iterable[Line]) -> Iterator[_Run]:
    current: list[Line] = []
    for line in lines:
        if line.is_blank:
            if current:
                yield _Run(current)
            current = []
        else:
            current.append(line)
    if current:
        yield _Run(current)


class _Runs:
    """The runs of a document as the layout reads them, one at a time: the last few behind (a table's
    heading and section are above it) and as many ahead as its notes take. Nothing else is held, so a
    long document's layout needs the memory of a few tables."""

    BEHIND = 6  # the current run, the heading run above it and the four a section is looked for in

    def __init__(self, lines: Iterable[Line]) -> None:
        self._source = _runs(lines)
        self._ahead: deque[_Run] = deque()
        self.behind: deque[_Run] = deque(maxlen=self.BEHIND)

    def peek(self, offset: int) -> _Run | None:
        """The run `offset` places after the current one (1: the next)."""
        while len(self._ahead) < offset:
            run = next(self._source, None)
            if run is None:
                return None
            self._ahead.append(run)
        return self._ahead[offset - 1]

    def __iter__(self) -> Iterator[_Run]:
        while (run := self._ahead.popleft() if self._ahead else next(self._source, None)) is not None:
            self.behind.append(run)
            yield run

    def before(self, offset: int) -> _Run | None:
        """The run `offset` places before the current one."""
        return self.behind[-1 - offset] if offset < len(self.behind) else None


def _cells(text: str) -> list[str]:
    cells = [cell.strip() for cell in text.split("\t")]
    while cells and not cells[-1]:  # trailing tabs are an extraction artefact, not a column
        cells.pop()
    return cells


def _is_kpi_row(text: str) -> bool:
    """A row with a label and at least one cell that reads as a number (a year header does not count)."""
    cells = _cells(text)
    if len(cells) < 2 or parse_year(cells[1]) is not None:
        return False
    return any(reads_as_value(cell) for cell in cells[1:])


def _split_heading(run: _Run) -> tuple[list[Line], list[Line], list[Line]]:
    """Split a tabular run into leading heading lines, body lines and trailing notes lines."""
    start = 0
    while start < len(run.lines):
        text = run.lines[start].text
        if (
            "\t" in text
            or _ROW_LIKE.search(text)
            or _NOTES_MARKER.match(text.strip())
            or _TABLE_UNIT.match(text.strip())
        ):
            break
        start += 1
    end = next(
        (i for i in range(start, len(run.lines)) if _NOTES_MARKER.match(run.lines[i].text.strip())), len(run.lines)
    )
    return run.lines[:start], run.lines[start:end], run.lines[end:]


def _read_notes(table_index: int, runs: _Runs, inline: list[Line]) -> list[Footnote]:
    """Notes after a table: a notes marker, then `1.`, `2.`, … in sequence, attached to the table."""
    ahead = 1
    if inline:
        lines = inline
    elif (
        (following := runs.peek(1)) is not None
        and following.owner is None
        and _NOTES_MARKER.match(following.lines[0].text.strip())
    ):
        lines = following.lines
        following.owner = table_index
        ahead = 2
    else:
        return []
    footnotes: list[Footnote] = []

    def expected() -> int:
        return sum(1 for note in footnotes if note.number > 0) + 1

    def add(line: Line, text: str) -> None:
        match = _FOOTNOTE.match(text)
        if match and int(match["number"]) == expected():
            footnotes.append(Footnote(table_index, int(match["number"]), line.number, match["text"].strip()))
        elif footnotes:  # a note wrapped onto the next line
            last = footnotes[-1]
            footnotes[-1] = Footnote(table_index, last.number, last.line_number, f"{last.text} {text}")
        else:  # unnumbered note text
            footnotes.append(Footnote(table_index, 0, line.number, text))

    rest = _NOTES_MARKER.match(lines[0].text.strip())["rest"].strip()
    if rest:
        add(lines[0], rest)
    for line in lines[1:]:
        add(line, line.text.strip())
    # Numbered notes may go on in the following runs, until the numbering breaks or the heading of
    # the next table (a one-line run right before a tabular run) comes up.
    while (run := runs.peek(ahead)) is not None and run.owner is None:
        match = _FOOTNOTE.match(run.lines[0].text.strip())
        heads_next_table = len(run.lines) == 1 and (after := runs.peek(ahead + 1)) is not None and after.is_table
        if not match or int(match["number"]) != expected() or heads_next_table:
            break
        run.owner = table_index
        for line in run.lines:
            add(line, line.text.strip())
        ahead += 1
    return footnotes


class FoundTable(NamedTuple):
    """A table as the layout finds it: its record, and for a KPI table its body lines and notes."""

    table: ReportTable
    body: list[Line]
    notes: list[Footnote]


def find_tables(lines: Iterable[Line]) -> Iterator[FoundTable]:
    """Find the tables of a text extraction, in order: headings, candidate lines and notes. Each is yielded as
    soon as its notes are read, so a long document is never held whole."""
    runs = _Runs(lines)
    sections: dict[int, tuple[str | None, str | None]] = {}  # recent KPI tables' section and scope
    count = 0
    for run in runs:
        if not run.is_table or run.owner is not None:
            continue
        count += 1
        heading_lines, body, inline_notes = _split_heading(run)
        above = runs.before(1)
        heading_offset = 0  # the heading run: this one, or the one above
        titles = [line for line in heading_lines if not is_page_number(line.text)]
        if titles:
            heading = titles[-1].text.strip()
        elif above is not None and above.is_heading_like and above.owner is None:
            heading_offset, heading = 1, above.text
        else:
            heading = None
        is_kpi = any(_is_kpi_row(line.text) for line in body)
        first = (heading_lines or body)[0].number
        if heading_offset:
            first = above.lines[0].number
        found = partial(ReportTable, table_index=count, heading=heading, first_line=first)
        if not is_kpi:
            table = found(
                section_heading=None,
                scope_statement=None,
                last_line=run.lines[-1].number,
                is_kpi_table=False,
                skip_reason="no row reads label<TAB>number: not a KPI table",
            )
            yield FoundTable(table, [], [])
            continue
        section, scope = _section_of(runs, heading_offset, sections)
        run.owner = count
        runs.before(heading_offset).owner = count
        sections = {index: kept for index, kept in sections.items() if index > count - _Runs.BEHIND}
        sections[count] = (section, scope)
        notes = _read_notes(count, runs, inline_notes)
        last = max([run.lines[-1].number, *(note.line_number for note in notes)])
        table = found(
            section_heading=section,
            scope_statement=scope,
            last_line=last,
            is_kpi_table=True,
            unit_text=_heading_unit(heading),
        )
        yield FoundTable(table, body, notes)


def parse_layout(text: str) -> TextLayout:
    """Find the tables of a text extraction: headings, candidate lines and notes."""
    layout = TextLayout()
    for found in find_tables(split_lines(text)):
        layout.tables.append(found.table)
        layout.candidates.extend(Candidate(found.table.table_index, line) for line in found.body)
        layout.footnotes.extend(found.notes)
    return layout


def _section_of(
    runs: _Runs, heading_offset: int, sections: dict[int, tuple[str | None, str | None]]
) -> tuple[str | None, str | None]:
    """The section heading and scope statement above a table.

    A table that follows another KPI table's notes belongs to the same section; otherwise the
    nearest heading-like line above it is the section, and a sentence in between is its scope.
    """
    scope: str | None = None
    for offset in range(heading_offset + 1, heading_offset + 5):
        if (run := runs.before(offset)) is None:
            break
        if run.owner is not None:
            section, previous_scope = sections[run.owner]
            return section, scope or previous_scope
        if run.is_heading_like:
            return run.text, scope
        if scope is None:
            scope = run.text
    return None, scope


def _heading_unit(heading: str | None) -> str | None:
    """A unit stated once in a table's heading: `2. 能源消耗 (千瓦時)`, `Energy ('000 kWh)`."""
    split = split_unit(heading or "")
    if split.unit is None:
        return None
    try:
        normalize_unit(split.unit)
    except UnitError:
        return None
    return split.unit


@dataclass(frozen=True)
class _Header:
    """Column roles of a table's header row: which cells are years, which one is the unit."""

    years: dict[int, tuple[str, int]]  # cell position -> (header as printed, year)
    unit_position: int | None
    width: int


def _header(cells: list[str]) -> _Header | None:
    years = {i: (cell, year) for i, cell in enumerate(cells) if i > 0 and (year := parse_year(cell)) is not None}
    # One year cell after a label could be a value (a headcount of 2019): a header needs more evidence.
    if not years or (len(years) == 1 and cells[0].casefold() not in _LABEL_HEADERS):
        return None
    unit = next((i for i, cell in enumerate(cells) if i > 0 and cell.casefold() in _UNIT_HEADERS), None)
    return _Header(years=years, unit_position=unit, width=len(cells))


_INDENT = " \u3000\xa0"  # spaces, ideographic spaces and no-break spaces indent a row under the one above


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(_INDENT))


def table_rows(layout: TextLayout) -> tuple[list[ReportTable], list[TableRow]]:
    """Candidate lines as rows, and the tables as their rows complete them (a unit line)."""
    bodies: dict[int, list[Line]] = {}
    for candidate in layout.candidates:
        bodies.setdefault(candidate.table_index, []).append(candidate.line)
    tables: list[ReportTable] = []
    rows: list[TableRow] = []
    for table in layout.tables:
        table, found = rows_of(table, bodies.get(table.table_index, []))
        tables.append(table)
        rows += found
    return tables, rows


def rows_of(table: ReportTable, body: list[Line]) -> tuple[ReportTable, list[TableRow]]:
    """A KPI table's body lines as rows, and the table as they complete it. Header rows and table-unit lines
    shape the rows instead of being rows (a unit line gives the table its unit). A row indented under a row
    above carries that row's label as its group (`  Upstream` under `Scope 1 (tCO2e)`); a label alone on its
    line with indented rows under it is their group, not a row."""
    index = table.table_index
    header: _Header | None = None
    rows: list[TableRow] = []
    parents: list[tuple[int, tuple[str, ...]]] = []  # (indent, label parts) of the rows above, outermost first
    for position, line in enumerate(body):
        raw_cells = line.text.split("\t")
        cells = [cell.strip() for cell in raw_cells]
        indent = _indent(raw_cells[0])
        while parents and parents[-1][0] >= indent:
            parents.pop()
        parts = (*(parents[-1][1] if parents else ()), cells[0])
        has_children = position + 1 < len(body) and _indent(body[position + 1].text.split("\t")[0]) > indent
        if position == 0 and (header := _header(cells)) is not None:
            continue
        if len(cells) == 1 and (unit_line := _TABLE_UNIT.match(cells[0])):
            table = dataclasses.replace(table, unit_text=unit_line["unit"].strip())
            continue
        if cells[0] and has_children:
            parents.append((indent, parts))
            if not any(cells[1:]):
                continue  # a group row: its label is part of the rows under it
        width = header.width if header else 2
        while len(cells) > width and not cells[-1]:  # trailing tabs are an extraction artefact
            cells.pop()
        location = f"line {line.number}"
        common = {"table_index": index, "line_number": line.number, "location": location, "row_text": line.text}
        if len(cells) == 1:
            problem = ("no_tab_separator", "expected label<TAB>value, found no tab between label and value")
            rows.append(TableRow(label_parts=parts, cells=(), problem=problem, **common))
            continue
        if len(cells) != width:
            expected = "label<TAB>value" if header is None else f"{width} cells as in the header row"
            problem = ("wrong_cell_count", f"expected {expected}, found {len(cells)} tab-separated cells")
            rows.append(TableRow(label_parts=(cells[0],), cells=(), problem=problem, **common))
            continue
        if header is None:
            value_cells = (ValueCell(column_number=1, column_label=None, fiscal_year=None, text=cells[1]),)
            unit = None
        else:
            value_cells = tuple(
                ValueCell(column_number=n, column_label=printed, fiscal_year=year, text=cells[position])
                for n, (position, (printed, year)) in enumerate(sorted(header.years.items()), start=1)
            )
            unit = cells[header.unit_position] if header.unit_position is not None else None
        rows.append(TableRow(label_parts=parts, cells=value_cells, unit_text=unit, **common))
    return table, rows


def value_texts(body: Iterable[Line]) -> Iterator[str]:
    """The cells after the label on candidate lines: what the document's decimal mark is judged from."""
    for line in body:
        yield from line.text.split("\t")[1:]
