"""Report text extractions: KPI tables of `label<TAB>value` rows between a heading and numbered notes.

The layout this reads (blank lines optional, headings in any language):

    環境關鍵績效指標表                        <- section heading
    除另行說明，…統計範圍涵蓋…。               <- scope statement (optional)
    1. 排放物                                 <- table heading
    溫室氣體排放總量(範圍一及範圍二)(噸)<TAB>22,782.26
    …
    註：                                      <- notes marker
    1. 自2019年9月，…                         <- numbered notes, attached to the table

Every line of a KPI table's body is a candidate: `validate` turns each into a value or a reject.
Runs of tab-separated rows without a single `label<TAB>number` row (stakeholder or award lists)
are recorded as skipped tables with the reason, so nothing in a table shape goes unaccounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.labels import label_key, split_unit
from loaders.models import Footnote, RejectedLine, ReportedValue, ReportTable
from loaders.numbers import NumberFormatError, parse_number

_NOTES_MARKER = re.compile(r"^(?:註|注|附註|附注|備註|备注|notes?|remarks?)\s*[:：]\s*(?P<rest>.*)$", re.IGNORECASE)
# `1. text` is a note; `5.3 text` is a section number, not note 5.
_FOOTNOTE = re.compile(r"^(?P<number>\d{1,2})\s*[.．、)）](?!\d)\s*(?P<text>\S.*)$")
# A tab-less line that still ends like a data row (`…(噸) 283.42`): a garbled row, not a heading.
_ROW_LIKE = re.compile(r"(?:[)）]|\s)\s*-?[\d０-９][\d０-９,，.．]*\s*$")
_SENTENCE_END = ("。", ".", "；", ";")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as editors and `sed -n` count
    text: str

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Candidate:
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
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines)

    @property
    def is_heading_like(self) -> bool:
        text = self.text
        return len(self.lines) == 1 and len(text) <= 60 and not text.endswith(_SENTENCE_END) and "\t" not in text


def split_lines(text: str) -> list[Line]:
    """Lines numbered from 1; only `\\n` (with an optional `\\r`) ends a line, as in editors."""
    return [Line(number=i, text=raw.rstrip("\r")) for i, raw in enumerate(text.split("\n"), start=1)]


def _runs(lines: list[Line]) -> list[_Run]:
    runs: list[_Run] = []
    current: list[Line] = []
    for line in lines:
        if line.is_blank:
            if current:
                runs.append(_Run(current))
            current = []
        else:
            current.append(line)
    if current:
        runs.append(_Run(current))
    return runs


def _cells(text: str) -> list[str]:
    cells = [cell.strip() for cell in text.split("\t")]
    while cells and not cells[-1]:  # trailing tabs are an extraction artefact, not a column
        cells.pop()
    return cells


def _is_kpi_row(text: str) -> bool:
    cells = _cells(text)
    return len(cells) == 2 and any(ch.isdigit() for ch in cells[1])


def _split_heading(run: _Run) -> tuple[list[Line], list[Line], list[Line]]:
    """Split a tabular run into leading heading lines, body lines and trailing notes lines."""
    start = 0
    while start < len(run.lines):
        text = run.lines[start].text
        if "\t" in text or _ROW_LIKE.search(text) or _NOTES_MARKER.match(text.strip()):
            break
        start += 1
    end = next(
        (i for i in range(start, len(run.lines)) if _NOTES_MARKER.match(run.lines[i].text.strip())), len(run.lines)
    )
    return run.lines[:start], run.lines[start:end], run.lines[end:]


def _read_notes(
    table_index: int, runs: list[_Run], position: int, inline: list[Line], is_table_run: list[bool]
) -> list[Footnote]:
    """Notes after a table: a notes marker, then `1.`, `2.`, … in sequence, attached to the table."""
    if inline:
        lines = inline
    elif (
        position < len(runs)
        and runs[position].owner is None
        and _NOTES_MARKER.match(runs[position].lines[0].text.strip())
    ):
        lines = runs[position].lines
        runs[position].owner = table_index
        position += 1
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
    while position < len(runs) and runs[position].owner is None:
        match = _FOOTNOTE.match(runs[position].lines[0].text.strip())
        heads_next_table = len(runs[position].lines) == 1 and position + 1 < len(runs) and is_table_run[position + 1]
        if not match or int(match["number"]) != expected() or heads_next_table:
            break
        runs[position].owner = table_index
        for line in runs[position].lines:
            add(line, line.text.strip())
        position += 1
    return footnotes


def parse_layout(text: str) -> TextLayout:
    """Find the tables of a text extraction: headings, candidate lines and notes."""
    runs = _runs(split_lines(text))
    is_table_run = [any("\t" in line.text for line in run.lines) for run in runs]
    layout = TextLayout()
    for position, run in enumerate(runs):
        if not is_table_run[position] or run.owner is not None:
            continue
        table_index = len(layout.tables) + 1
        heading_lines, body, inline_notes = _split_heading(run)
        heading_run_position = position
        if heading_lines:
            heading = heading_lines[-1].text.strip()
        elif position > 0 and runs[position - 1].is_heading_like and runs[position - 1].owner is None:
            heading_run_position = position - 1
            heading = runs[heading_run_position].text
        else:
            heading = None
        is_kpi = any(_is_kpi_row(line.text) for line in body)
        first = (heading_lines or body)[0].number
        if heading_run_position < position:
            first = runs[heading_run_position].lines[0].number
        if not is_kpi:
            layout.tables.append(
                ReportTable(
                    table_index=table_index,
                    heading=heading,
                    section_heading=None,
                    scope_statement=None,
                    first_line=first,
                    last_line=run.lines[-1].number,
                    is_kpi_table=False,
                    skip_reason="no row reads label<TAB>number: not a KPI table",
                )
            )
            continue
        section, scope = _section_of(runs, heading_run_position, layout.tables)
        run.owner = table_index
        runs[heading_run_position].owner = table_index
        notes = _read_notes(table_index, runs, position + 1, inline_notes, is_table_run)
        layout.footnotes.extend(notes)
        last = max([run.lines[-1].number, *(note.line_number for note in notes)])
        layout.tables.append(
            ReportTable(
                table_index=table_index,
                heading=heading,
                section_heading=section,
                scope_statement=scope,
                first_line=first,
                last_line=last,
                is_kpi_table=True,
            )
        )
        layout.candidates.extend(Candidate(table_index, line) for line in body)
    return layout


def _section_of(runs: list[_Run], heading_position: int, tables: list[ReportTable]) -> tuple[str | None, str | None]:
    """The section heading and scope statement above a table.

    A table that follows another KPI table's notes belongs to the same section; otherwise the
    nearest heading-like line above it is the section, and a sentence in between is its scope.
    """
    scope: str | None = None
    for run in reversed(runs[max(0, heading_position - 4) : heading_position]):
        if run.owner is not None:
            previous = next(table for table in tables if table.table_index == run.owner)
            return previous.section_heading, scope or previous.scope_statement
        if run.is_heading_like:
            return run.text, scope
        if scope is None:
            scope = run.text
    return None, scope


def validate(
    layout: TextLayout, fiscal_year: int, known_units: frozenset[str]
) -> tuple[list[ReportedValue], list[RejectedLine]]:
    """Turn every candidate line into a value or a reject with its reason."""
    values: list[ReportedValue] = []
    rejects: list[RejectedLine] = []
    first_seen: dict[tuple[int, str], int] = {}
    tables = {table.table_index: table for table in layout.tables}
    for candidate in layout.candidates:
        line = candidate.line

        def reject(code: str, reason: str, line: Line = line, table: int = candidate.table_index) -> None:
            rejects.append(RejectedLine(table, line.number, line.text, code, reason))

        cells = _cells(line.text)
        if len(cells) == 1:
            reject("no_tab_separator", "expected label<TAB>value, found no tab between label and value")
            continue
        if len(cells) != 2:
            reject("wrong_cell_count", f"expected label<TAB>value, found {len(cells)} tab-separated cells")
            continue
        label, printed = cells
        if not label:
            reject("empty_label", "the label cell is empty")
            continue
        try:
            number = parse_number(printed)
        except NumberFormatError as error:
            reject("malformed_number", str(error))
            continue
        split = split_unit(label)
        if split.unit is None:
            reject("missing_unit", f"no unit in label {label!r}: expected a trailing '(unit)'")
            continue
        if split.unit not in known_units:
            reject("unknown_unit", f"unknown unit {split.unit!r}: add it to seeds/unit_conversions.csv if it is real")
            continue
        key = (candidate.table_index, label_key(label))
        if key in first_seen:
            reject("duplicate_label", f"label {label!r} repeats in this table (first at line {first_seen[key]})")
            continue
        first_seen[key] = line.number
        values.append(
            ReportedValue(
                table_index=candidate.table_index,
                table_heading=tables[candidate.table_index].heading,
                section_heading=tables[candidate.table_index].section_heading,
                line_number=line.number,
                column_number=1,
                fiscal_year=fiscal_year,
                label_as_printed=label,
                label_key=label_key(split.text),
                value_as_printed=printed,
                value_number=number.value,
                decimals_printed=number.decimals,
                unit_as_printed=split.unit,
                line_text=line.text,
            )
        )
    return values, rejects
