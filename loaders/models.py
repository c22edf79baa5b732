"""Typed records the loaders produce.

Every input format's reader finds tables and turns them into `TableRow`s: a label, an optional unit,
and one cell per value column. `loaders.rows` validates rows the same way for every format, into
`ReportedValue`s and `RejectedLine`s, which `loaders.warehouse` writes to schema `raw`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    published: str


@dataclass(frozen=True)
class BoundaryOverride:
    """A metric whose coverage differs from the document's stated boundary."""

    metric_code: str
    boundary_code: str
    basis: str


@dataclass(frozen=True)
class LabelOverride:
    """A printed label this document uses for a specific metric, decided by whoever curated it."""

    label: str
    metric_code: str
    basis: str
    members: str | None = None  # "axis=member|..." sorted by axis: the breakdown the label stands for


@dataclass(frozen=True)
class DocumentMetadata:
    """What the sidecar `<document>.yml` says about a document."""

    company_id: str | None  # None for a dataset whose rows name their companies
    company_name: str | None
    fiscal_year: int
    language: str
    source: Source
    boundary_code: str
    boundary_description: str
    boundary_overrides: tuple[BoundaryOverride, ...] = ()
    label_overrides: tuple[LabelOverride, ...] = ()
    decimal_separator: str | None = None  # "." or ","; None: the one the document's cells show
    default_unit: str | None = None  # unit of values whose row and table state none
    pages: tuple[int, ...] = ()  # PDF pages holding the KPI tables (1-based); empty: every page
    extra: dict = field(default_factory=dict)  # keys the sidecar gives that the warehouse does not read


@dataclass(frozen=True)
class Footnote:
    table_index: int
    number: int  # 0 for an unnumbered note
    line_number: int
    text: str
    page_number: int | None = None
    marker: str | None = None  # the marker as printed when it is not a number ("A", "*")


@dataclass(frozen=True)
class ReportTable:
    """A table found in a document, with its heading and notes; skipped tables say why."""

    table_index: int
    heading: str | None
    section_heading: str | None
    scope_statement: str | None
    first_line: int
    last_line: int
    is_kpi_table: bool
    skip_reason: str | None = None
    page_number: int | None = None
    unit_text: str | None = None  # a unit stated once for the whole table ("'000 kWh", "千公噸")


class ValueCell(NamedTuple):  # millions of them: a tuple is built several times faster than a frozen dataclass
    """One value cell of a row, exactly as printed."""

    column_number: int  # 1-based among the row's value columns
    column_label: str | None  # header as printed ("FY 2023", "2019"); None for a single value column
    fiscal_year: int | None  # year the column reports; None means the document's fiscal year
    text: str  # the cell as printed, wrapped lines joined with a space
    markers: tuple[str, ...] = ()  # footnote markers a reader saw as superscripts, already cut from `text`
    problem: tuple[str, str] | None = None  # (reason_code, reason) when the reader found no figure to read


class TableRow(NamedTuple):
    """A candidate row of a KPI table: every one becomes values or a reject."""

    table_index: int
    line_number: int  # text or CSV line; for PDF and XLSX a row ordinal unique within the document
    location: str  # where a person finds it: "line 1004", "page 109 row 3", "sheet KPIs row 5"
    label_parts: tuple[str, ...]  # ("Scope 1", "Total") where a table groups rows; usually one part
    cells: tuple[ValueCell, ...]
    row_text: str  # the row as printed, for provenance
    page_number: int | None = None
    label_markers: tuple[str, ...] = ()  # superscript markers a reader cut from the label
    unit_text: str | None = None  # from a unit column, when the table has one
    change_text: str | None = None  # a "+/–" or change column, as printed
    standards_text: str | None = None  # a "Standards" / "GRI" column, as printed
    problem: tuple[str, str] | None = None  # (reason_code, reason) when the reader could not split the row
    company_text: str | None = None  # a company column's cell, for datasets of many companies
    # Curated tables (figures typed in from prose) may say more about each row:
    metric_text: str | None = None  # the metric code the curator assigned
    quote_text: str | None = None  # the sentence the figure was printed in
    quoted_location_text: str | None = None  # where that sentence is ("line 1191", "paragraph 2")
    passage_text: str | None = None  # rows printed in one passage share it (an amount in two currencies)
    date_text: str | None = None  # the date the figure refers to (ISO 8601), for exchange rates


class ReportedValue(NamedTuple):
    """One printed value with its place and what was read in it. A tuple, not a dataclass: a long document has
    millions, and a tuple is built several times faster and turns into columns in one transpose."""

    table_index: int
    table_heading: str | None
    section_heading: str | None
    line_number: int
    location: str
    page_number: int | None
    column_number: int
    column_label: str | None
    company_id: str
    fiscal_year: int
    label_as_printed: str
    label_key: str
    footnote_markers: str | None  # markers cut from the label and the value, comma-separated
    value_as_printed: str
    value_number: Decimal | None  # None: printed as not reported (N/A, —, blank)
    decimals_printed: int | None
    value_qualifier: str | None  # "<" or ">" for a printed bound such as "< 0,1"
    not_reported_as_printed: str | None
    unit_as_printed: str | None
    unit_normalized: str | None  # pint-normalised unit, such as "tCO2e", "MWh", "t/CNY m"
    unit_generic: str | None  # the same with any currency as ¤: "t/¤ m"
    currency: str | None
    unit_multiplier: Decimal | None  # value in unit_normalized = printed value x unit_multiplier / unit_divisor
    unit_divisor: Decimal | None  # 1 unless the conversion has no exact decimal (GJ -> MWh: x 5 / 18)
    change_as_printed: str | None
    standards_as_printed: str | None
    line_text: str
    metric_code_given: str | None = None
    quoted_text: str | None = None
    quoted_location: str | None = None
    passage: str | None = None
    value_date: date | None = None
    change_number: Decimal | None = None  # the change column read as a number (percent)
    change_decimals: int | None = None
    # What loaders.recognizer read in the label (used where no alias or document decision maps it):
    recognized_metric_code: str | None = None
    recognized_members: str | None = None  # "axis=member|..." sorted by axis; None for none
    recognition_confidence: float | None = None
    recognition_note: str | None = None  # how it was read, or why it was not
    breakdown_axes: str | None = None  # open axes the table heading names ("business_segment"), "|"-separated


@dataclass(frozen=True, slots=True)
class RejectedLine:
    table_index: int | None
    line_number: int
    location: str
    column_number: int  # 0 when the whole row was rejected
    line_text: str
    reason_code: str
    reason: str
    page_number: int | None = None


@dataclass(frozen=True)
class BulkBatch:
    """Values and rejects a bulk reader wrote straight to Parquet files (in raw tables' column order)."""

    values_path: Path
    rejects_path: Path
    value_count: int
    reject_count: int


@dataclass(frozen=True)
class Extraction:
    """What a format's reader finds in one document, after validation.

    A bulk reader leaves `values` empty, puts its values and rejects in `bulk`, and keeps only the
    first rejects in `rejects`, for messages.
    """

    document_format: str
    line_count: int  # lines (text, CSV), rows (XLSX) or pages (PDF) in the document
    candidate_line_count: int
    tables: list[ReportTable] = field(default_factory=list)
    values: list[ReportedValue] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    rejects: list[RejectedLine] = field(default_factory=list)
    bulk: BulkBatch | None = None

    @property
    def value_count(self) -> int:
        return self.bulk.value_count if self.bulk else len(self.values)

    def all_values(self) -> Iterator[ReportedValue]:
        """Every value, from memory or, for a bulk batch, read back from its Parquet file a batch at a time."""
        if self.bulk is None:
            yield from self.values
            return
        import pyarrow.parquet as pq  # only a long document's batch needs it

        for batch in pq.ParquetFile(self.bulk.values_path).iter_batches(columns=list(ReportedValue._fields)):
            for row in batch.to_pylist():
                yield ReportedValue(**row)

    @property
    def reject_count(self) -> int:
        return self.bulk.reject_count if self.bulk else len(self.rejects)


@dataclass(frozen=True)
class DocumentRow:
    """What raw.documents holds of a loaded document: provenance, metadata and the loader's counts."""

    document_path: str
    document_format: str
    metadata_sha256: str
    metadata_path: str
    metadata_extra: str | None  # JSON of the sidecar's keys the warehouse does not read
    company_id: str | None  # None for a dataset whose rows name their companies
    company_name: str | None
    fiscal_year: int
    language: str
    boundary_code: str
    boundary_description: str
    source_title: str
    source_publisher: str
    source_published: str
    line_count: int
    candidate_line_count: int
    value_count: int
    reject_count: int
    loader_version: str
    loaded_at: datetime


@dataclass(frozen=True)
class RefusedDocument:
    """A document the loader could not read at all, or a second copy of one: kept with why and where, so
    that the others are published beside it and nobody mistakes its absence for no data."""

    document_sha256: str | None  # None when even its bytes cannot be read
    document_path: str
    refused_path: str  # the file the reason is in: the document or its sidecar
    line_number: int | None  # the line of that file the reason names, where it names one
    reason: str
    refused_at: datetime


@dataclass(frozen=True)
class ParsedDocument:
    """One document read and validated, ready to be written in one batch."""

    path: str
    sha256: str
    metadata_sha256: str
    metadata: DocumentMetadata
    extraction: Extraction
    metadata_path: str  # the sidecar read, beside the document or in a metadata folder
