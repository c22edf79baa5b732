"""Validate table rows into values and rejects, the same way for every input format.

A row's label may carry its unit (`用水總量(噸)`) and footnote markers (`[A]`, superscripts); a
unit column or the table or the document may state the unit instead. Each value cell becomes a
value (NULL when printed as not reported) or a reject with its reason; a row that cannot be read at
all becomes one reject.

`resolve_label` and `read_cell` are pure functions of the text printed, cached: reports repeat their
labels and units thousands of times, and the bulk CSV reader calls them once per distinct text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from loaders.labels import SplitLabel, cut_markers, label_key, split_unit
from loaders.models import DocumentMetadata, Footnote, RejectedLine, ReportedValue, ReportTable, TableRow
from loaders.numbers import (
    CJK_MAGNITUDES,
    AmbiguousNumberError,
    NumberFormatError,
    OutOfRangeError,
    ParsedCell,
    decimal_convention,
    figure_key,
    parse_cell,
)
from loaders.recognizer import Recognition, Vocabulary
from loaders.units import NormalizedUnit, UnitError, normalize_unit

_new_value = tuple.__new__
_CJK_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR = re.compile(
    r"^(?:fy|fiscal\s+year|financial\s+year|year)?\s*'?(?P<year>(?:19|20)\d{2})"
    r"(?:\s*[/–-]\s*(?:\d{2}|\d{4}))?\s*(?:年度?|财年|財年)?$",
    re.IGNORECASE,
)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def parse_year(header: str) -> int | None:
    """The fiscal year a column header names: `2019`, `FY 2023`, `FY2023/24`, `2019年`, `二零一九年`. A year
    across two calendar years is named by its first: reports differ on which they mean (one report's 2023/24
    is its year 2024, another prints 2024 beside its previous year 2023/24), so the header alone cannot say."""
    text = header.strip().translate(_CJK_DIGITS)
    match = _YEAR.match(text)
    return int(match["year"]) if match else None


# The rules a whole row is checked by, in the order both readers apply them: a row breaking several is
# rejected for the first (its year column, then its company, a curated table's metric and date, then its
# label and unit). The bulk CSV reader's SQL takes its order from here.
ROW_RULES = ("year", "company", "curation", "label")

# How a repeated label is reported, by reason code: `{label}` as printed, `{first}` the first printing's
# place, `{places}` every printing's. Both readers word it from here (the bulk reader's SQL too).
REPEAT_REASONS = {
    "duplicate_identical": "label '{label}' repeats {first} with the same figures: kept once",
    "duplicate_conflict": "label '{label}' is printed with other figures at {places}: neither is taken",
}


class RowError(ValueError):
    """A row that cannot become values: its reason code and reason."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class ResolvedLabel:
    label_as_printed: str  # grouped rows keep their parts apart: "Scope 1 / Total"
    text: str  # the label without its unit and markers, as the recognizer reads it
    label_key: str
    markers: tuple[str, ...]  # cut from the label
    unit_printed: str | None
    unit: NormalizedUnit | None
    odd_bracket: str | None = None  # the label's own last bracket: a word no unit reads ("marknadsbaserad")
    odd_bracket_reason: str | None = None  # why no unit reads it


_TRAILING_COMMA_UNIT = re.compile(r"^(?P<text>.+?),\s*(?P<unit>[^,]+)$")  # "Scope 1 emissions, tCO2e"
# What a bracket names beside a label that is not its unit: a substance's formula (CO2, CH4, NOx, HFCs).
_FORMULA = re.compile(r"^(?=\D*\d)(?:[A-Z][a-z]?\d*){1,4}(?:\.\d)?$|^(?:HFCs?|PFCs?|NOx|SOx|VOCs?|CFCs?)$")
_GLUED_NOTE = re.compile(r"^(?P<unit>.*?[^\d\s])\s?(?P<note>\d{1,2})$")  # "MtCO2e7", "ton CO 2 e 1"


def unit_at_end(text: str) -> tuple[str, str, NormalizedUnit, tuple[str, ...]] | None:
    """A unit printed at the end of a label part, in brackets or after a comma: the part without it, the unit
    as printed, its normal form and a footnote digit glued to it; None when the end is not a unit."""
    candidates = [split_unit(text)]
    if (comma := _TRAILING_COMMA_UNIT.match(text)) is not None:
        candidates.append(SplitLabel(comma["text"].strip(), comma["unit"].strip()))
    for split in candidates:
        if split.unit is None:
            continue
        for unit, markers in ((split.unit, ()), *_note_cut(split.unit)):
            try:
                return split.text, unit, normalize_unit(unit), markers
            except UnitError:
                continue
    return None


def _note_cut(unit: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The unit without a footnote digit glued after it, when it ends with one."""
    match = _GLUED_NOTE.match(unit)
    return ((match["unit"], (match["note"],)),) if match else ()


@lru_cache(maxsize=1 << 16)
def resolve_label(label_parts: tuple[str, ...], unit_text: str | None, fallback_unit: str | None) -> ResolvedLabel:
    """A row's label, key, markers and unit. Without a unit column (`unit_text` None) the unit is the one
    printed at the end of the row's label (`(tCO2e)`, `, tCO2e`), else of the nearest group row above it
    (`Scope 1 emissions, tCO2e` over `Vehicles`); with one, the unit column's. Failing those, the table's or
    the document's unit (`fallback_unit`). Units are cut from every part the recognizer reads. Raises
    RowError."""
    parts = [part.strip() for part in label_parts if part.strip()]
    label_as_printed = " / ".join(parts)
    texts: list[str] = []
    markers: tuple[str, ...] = ()
    found: tuple[str, NormalizedUnit] | None = None  # the innermost part's unit
    unknown: tuple[str, str] | None = None  # the row's own bracket no unit reads, and why
    for depth, part in enumerate(parts):
        text, cut = cut_markers(part)
        markers += cut
        if unit_text is None and (read := unit_at_end(text)) is not None:
            text, printed_unit, normal, glued = read
            markers += glued
            found = (printed_unit, normal)
        elif unit_text is None and depth == len(parts) - 1:
            split = split_unit(text)
            if split.unit is not None and " " not in split.unit and not _FORMULA.match(split.unit):
                try:
                    normalize_unit(split.unit)
                except UnitError as error:
                    unknown = (split.unit, f"{error}: add it to loaders/units.py if it is real")
        if text:
            texts.append(text)
    label = " / ".join(texts)
    if not label:
        raise RowError("empty_label", "the label cell is empty")
    if found is not None:
        return ResolvedLabel(label_as_printed, label, label_key(label), markers, found[0], found[1])
    printed = (unit_text.strip() if unit_text and unit_text.strip() else None) or fallback_unit
    try:
        unit = normalize_unit(printed) if printed else None
    except UnitError as error:
        raise RowError("unknown_unit", f"{error}: add it to loaders/units.py if it is real") from None
    return ResolvedLabel(label_as_printed, label, label_key(label), markers, printed, unit, *(unknown or (None, None)))


def check_brackets(resolved: ResolvedLabel, vocabulary: Vocabulary | None) -> None:
    """A last bracket no unit reads is part of the label where the vocabulary explains it (`Scope 2
    (marknadsbaserad)`), else an unknown unit, never kept silently in the label. Raises RowError."""
    if resolved.odd_bracket is None:
        return
    if vocabulary is None or not vocabulary.explains(resolved.odd_bracket):
        raise RowError("unknown_unit", resolved.odd_bracket_reason or "")


class ReadCell(NamedTuple):
    parsed: ParsedCell
    unit_printed: str | None
    unit: NormalizedUnit | None


@lru_cache(maxsize=1 << 14)  # cells repeat "n/a" and "-", rarely their figures: a small cache
def read_cell(
    text: str, decimal_separator: str | None, footnotes: frozenset[str], unit_printed: str | None
) -> ReadCell:
    """A value cell and its unit: a `%` or CJK magnitude printed on the number (`15%`, `2,200萬`)
    changes the row's unit for that cell; a unit printed on it (`283.42噸`) must be the row's. Raises
    RowError."""
    try:
        parsed = parse_cell(text, decimal_separator, footnotes)
        row_unit = normalize_unit(unit_printed) if unit_printed else None
        if parsed.glued_unit and parsed.value is not None:
            if parsed.glued_unit == "%":
                if row_unit is not None and row_unit.unit != "%":
                    raise RowError(
                        "unit_conflict", f"{text.strip()!r} is a percentage; the row's unit is {unit_printed!r}"
                    )
                return ReadCell(parsed, unit_printed or "%", row_unit or normalize_unit("%"))
            space = " " if parsed.glued_unit.isascii() else ""  # 2,200萬元, but 1 billion yuan
            glued = f"{parsed.glued_unit}{space}{unit_printed or ''}".strip()
            return ReadCell(parsed, glued, normalize_unit(unit_printed or "", parsed.glued_unit))
        magnitude = (
            next((m for m in CJK_MAGNITUDES if parsed.printed_unit.startswith(m)), None)
            if parsed.printed_unit
            else None
        )
        if magnitude and unit_printed and label_key(parsed.printed_unit[len(magnitude) :]) == label_key(unit_printed):
            glued = f"{magnitude}{unit_printed}"  # 2,200萬元 in a row of 元: the magnitude printed on the number
            return ReadCell(parsed, glued, normalize_unit(unit_printed, magnitude))
        if parsed.printed_unit:
            try:
                printed = normalize_unit(parsed.printed_unit)
            except UnitError:
                raise RowError("malformed_number", f"malformed number {text.strip()!r}") from None
            if row_unit is not None and printed != row_unit:
                raise RowError(
                    "unit_conflict",
                    f"{text.strip()!r} prints the unit {parsed.printed_unit!r}; the row's is {unit_printed!r}",
                )
            return ReadCell(parsed, unit_printed or parsed.printed_unit, row_unit or printed)
        return ReadCell(parsed, unit_printed, row_unit)
    except AmbiguousNumberError as error:
        raise RowError("ambiguous_number", str(error)) from None
    except OutOfRangeError as error:
        raise RowError("out_of_range", str(error)) from None
    except NumberFormatError as error:
        raise RowError("malformed_number", str(error)) from None
    except UnitError as error:
        raise RowError("unknown_unit", str(error)) from None


def reads_as_value(text: str) -> bool:
    """Whether a cell is a figure, for telling table rows from prose: a number with either decimal mark,
    and a unit printed on it one the warehouse knows (`283.42噸`, but not `2019年`)."""
    for separator in (".", ","):
        try:
            parsed = parse_cell(text, separator)
            if parsed.value is not None and (parsed.printed_unit is None or normalize_unit(parsed.printed_unit)):
                return True
        except (NumberFormatError, UnitError):
            continue
    return False


def company_code(text: str) -> str:
    """A company column's cell as a company code; raises RowError when it is not one."""
    code = text.strip()
    if not _CODE.match(code):
        raise RowError("malformed_company", f"company {code!r} is not a lower-case code (a-z, 0-9, _)")
    return code


def metric_code(text: str | None) -> str | None:
    """A curated table's metric code cell; raises RowError when it is not a code."""
    if not text:
        return None
    if not _CODE.match(text.strip()):
        raise RowError("malformed_metric", f"metric {text.strip()!r} is not a lower-case code (a-z, 0-9, _)")
    return text.strip()


def value_date(text: str | None) -> date | None:
    """A curated table's date cell (ISO 8601, 2020-01-23); raises RowError when it is not one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RowError("malformed_date", f"date {text.strip()!r} is not a date such as 2020-01-23") from None


@lru_cache(maxsize=1 << 12)
def read_change(text: str | None) -> ParsedCell | None:
    """A change column's cell ("−1.6%") as a number, or None where it is not one (blank, "n.a.")."""
    if not text:
        return None
    try:
        parsed = parse_cell(text)
    except NumberFormatError:
        return None
    return parsed if parsed.value is not None else None


def _markers(*groups: tuple[str, ...]) -> str | None:
    if not any(groups):  # most values print none
        return None
    found = [marker for group in groups for marker in group]
    return ",".join(dict.fromkeys(found)) or None


def notes_by_table(footnotes: Iterable[Footnote]) -> dict[int, frozenset[str]]:
    """The markers each table's notes use: `4` or `A`, to tell a glued footnote digit from the number."""
    notes: dict[int, set[str]] = {}
    for note in footnotes:
        notes.setdefault(note.table_index, set()).add(note.marker or str(note.number))
    return {table: frozenset(markers) for table, markers in notes.items()}


# The raw columns a recognition fills, in ReportedValue's order.
RECOGNITION_COLUMNS = (
    "recognized_metric_code",
    "recognized_members",
    "recognition_confidence",
    "recognition_note",
    "breakdown_axes",
)
_NOT_RECOGNIZED = (None,) * len(RECOGNITION_COLUMNS)


@lru_cache(maxsize=1 << 16)
def recognition_columns(recognition: Recognition | None) -> tuple:
    """What a recognition fills in RECOGNITION_COLUMNS."""
    if recognition is None:
        return _NOT_RECOGNIZED
    return (
        recognition.metric_code,
        recognition.members_key or None,
        recognition.confidence,
        recognition.note or None,
        "|".join(recognition.breakdown_axes) or None,
    )


def validate_rows(
    rows: list[TableRow],
    tables: list[ReportTable],
    footnotes: list[Footnote],
    metadata: DocumentMetadata,
    vocabulary: Vocabulary | None = None,
) -> tuple[list[ReportedValue], list[RejectedLine]]:
    """Every row becomes values (one per value cell) or a reject; bad cells are rejected one by one.
    With a vocabulary, each label is also read as a metric and members (loaders.recognizer)."""
    separator = decimal_mark((cell.text for row in rows for cell in row.cells), metadata)
    by_index = {table.table_index: table for table in tables}
    return _validated(rows, by_index, notes_by_table(footnotes), separator, metadata, vocabulary)


def decimal_mark(cells: Iterable[str], metadata: DocumentMetadata) -> str | None:
    """The document's decimal mark: its sidecar's, else the one its value cells show (None: undecided)."""
    return metadata.decimal_separator or decimal_convention(cells, metadata.language)


def table_chunks(rows: list[TableRow], chunk_rows: int) -> Iterator[list[TableRow]]:
    """Rows a few whole tables at a time (at least `chunk_rows` rows), never parting two rows of one line;
    all at once where a table's rows are not all together, since repeats are judged within a table."""
    runs = 1 + sum(1 for before, after in pairwise(rows) if before.table_index != after.table_index)
    if runs != len({row.table_index for row in rows}):
        chunk_rows = len(rows)
    start = 0
    while start < len(rows):
        end = min(start + chunk_rows, len(rows))
        while end < len(rows) and (
            rows[end].table_index == rows[end - 1].table_index
            or (rows[end].page_number, rows[end].line_number) == (rows[end - 1].page_number, rows[end - 1].line_number)
        ):
            end += 1
        yield rows[start:end]
        start = end


def validate_chunks(
    chunks: Iterable[tuple[list[TableRow], str | None]],
    tables: Mapping[int, ReportTable],
    notes: Mapping[int, frozenset[str]],
    metadata: DocumentMetadata,
    vocabulary: Vocabulary | None = None,
) -> Iterator[tuple[list[TableRow], list[ReportedValue], list[RejectedLine]]]:
    """`validate_rows` a chunk of whole tables at a time, each with its decimal mark, so that a long document's
    values can be written away chunk by chunk instead of held. `tables` and `notes` (markers by table) are read
    as each chunk comes: a reader streaming a document adds them as it finds its tables."""
    for rows, separator in chunks:
        yield rows, *_validated(rows, tables, notes, separator, metadata, vocabulary)


def _validated(
    rows: list[TableRow],
    by_index: Mapping[int, ReportTable],
    notes: Mapping[int, frozenset[str]],
    separator: str | None,
    metadata: DocumentMetadata,
    vocabulary: Vocabulary | None,
) -> tuple[list[ReportedValue], list[RejectedLine]]:
    recognitions: dict[tuple, tuple] = {}
    values: list[ReportedValue] = []
    rejects: list[RejectedLine] = []
    first_seen: dict[tuple, _FirstPrinting] = {}
    for row in rows:
        table = by_index[row.table_index]

        def reject(code: str, reason: str, column: int = 0, row: TableRow = row) -> None:
            rejects.append(
                RejectedLine(
                    row.table_index, row.line_number, row.location, column, row.row_text, code, reason, row.page_number
                )
            )

        if row.problem is not None:  # its year (ROW_RULES), or a record its format could not split
            reject(*row.problem)
            continue
        try:  # in the order of ROW_RULES
            company = company_code(row.company_text) if row.company_text is not None else metadata.company_id
            if company is None:
                raise RowError("no_company", "no company: the row has none and the metadata names none")
            given_metric, dated = metric_code(row.metric_text), value_date(row.date_text)
            change = read_change(row.change_text)
            resolved = resolve_label(row.label_parts, row.unit_text, table.unit_text or metadata.default_unit)
            check_brackets(resolved, vocabulary)
        except RowError as error:
            reject(error.code, str(error))
            continue
        # Rows told apart by their unit alone ("Flaring (t CO2e)", "Flaring (t flared)") are not repeats.
        seen = (
            row.table_index,
            company,
            resolved.label_key,
            resolved.unit_printed,
            *(c.fiscal_year for c in row.cells),
        )
        if seen in first_seen:  # judged once every printing is known (_repeats_judged)
            first_seen[seen].repeats.append(row)
            continue
        first_seen[seen] = first = _FirstPrinting(row, resolved.label_as_printed, len(values))
        if not row.cells:
            reject("no_value_cells", "the row has a label but no value column")
            continue
        context = (resolved.text, table.heading, table.section_heading, resolved.unit and resolved.unit.generic)
        if vocabulary is not None and context not in recognitions:
            text, heading, section, unit = context
            recognitions[context] = recognition_columns(
                vocabulary.recognise(text, heading, section, unit=unit, company=metadata.company_name)
            )
        recognized = recognitions.get(context, _NOT_RECOGNIZED)
        for cell in row.cells:
            if cell.problem is not None:
                reject(*cell.problem, cell.column_number)
                continue
            try:
                read = read_cell(
                    cell.text,
                    separator,
                    notes.get(row.table_index, frozenset()),
                    resolved.unit_printed,
                )
            except RowError as error:
                reject(error.code, str(error), cell.column_number)
                continue
            parsed, normal = read.parsed, read.unit
            # Positional, in the record's field order: built by keywords, the tuple takes ten times as long, and a
            # long document has a million of them (test_rows checks every field is where its name says).
            values.append(
                _new_value(
                    ReportedValue,
                    (
                        row.table_index,  # table_index
                        table.heading,  # table_heading
                        table.section_heading,  # section_heading
                        row.line_number,  # line_number
                        row.location,  # location
                        row.page_number,  # page_number
                        cell.column_number,  # column_number
                        cell.column_label,  # column_label
                        company,  # company_id
                        cell.fiscal_year or metadata.fiscal_year,  # fiscal_year
                        resolved.label_as_printed,  # label_as_printed
                        resolved.label_key,  # label_key
                        _markers(row.label_markers, resolved.markers, cell.markers, parsed.markers),  # footnote_markers
                        cell.text,  # value_as_printed
                        parsed.value,  # value_number
                        parsed.decimals,  # decimals_printed
                        parsed.qualifier,  # value_qualifier
                        parsed.not_reported,  # not_reported_as_printed
                        read.unit_printed,  # unit_as_printed
                        normal.unit if normal else None,  # unit_normalized
                        normal.generic if normal else None,  # unit_generic
                        normal.currency if normal else None,  # currency
                        normal.multiplier if normal else None,  # unit_multiplier
                        normal.divisor if normal else None,  # unit_divisor
                        row.change_text,  # change_as_printed
                        row.standards_text,  # standards_as_printed
                        row.row_text,  # line_text
                        given_metric,  # metric_code_given
                        row.quote_text,  # quoted_text
                        row.quoted_location_text,  # quoted_location
                        row.passage_text,  # passage
                        dated,  # value_date
                        change.value if change else None,  # change_number
                        change.decimals if change else None,  # change_decimals
                        *recognized,  # RECOGNITION_COLUMNS
                    ),
                )
            )
        first.end = len(values)
    return _repeats_judged(first_seen.values(), values, rejects)


@dataclass
class _FirstPrinting:
    """A label's first row in a table and the rows that repeat it: the same figures are kept once,
    other figures in any of them make every printing a reject."""

    row: TableRow
    label: str
    start: int  # its values: values[start:end]
    end: int = 0
    repeats: list[TableRow] = field(default_factory=list)


def _figures(row: TableRow) -> tuple[str, ...]:
    return tuple(figure_key(cell.text) for cell in row.cells)


def _repeats_judged(
    firsts: Iterable[_FirstPrinting], values: list[ReportedValue], rejects: list[RejectedLine]
) -> tuple[list[ReportedValue], list[RejectedLine]]:
    """Every repeated row a reject: `duplicate_identical` beside a first row it agrees with, or
    `duplicate_conflict` for every printing where they differ (no printing is chosen over another)."""
    repeated = [first for first in firsts if first.repeats]
    if not repeated:
        return values, rejects
    dropped: set[int] = set()
    for first in repeated:
        figures = _figures(first.row)
        if all(_figures(row) == figures for row in first.repeats):
            judged = [
                (
                    row,
                    "duplicate_identical",
                    REPEAT_REASONS["duplicate_identical"].format(label=first.label, first=first.row.location),
                )
                for row in first.repeats
            ]
        else:
            dropped.update(range(first.start, first.end))
            rows = [first.row, *first.repeats]
            where = ", ".join(row.location for row in rows)
            reason = REPEAT_REASONS["duplicate_conflict"].format(label=first.label, places=where)
            judged = [(row, "duplicate_conflict", reason) for row in rows]
        rejects += [
            RejectedLine(row.table_index, row.line_number, row.location, 0, row.row_text, code, reason, row.page_number)
            for row, code, reason in judged
        ]
    kept = [value for i, value in enumerate(values) if i not in dropped]
    return kept, sorted(rejects, key=lambda r: (r.page_number or 0, r.line_number, r.column_number))
