"""Typed records the loaders produce; one dataclass per `raw` table row."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


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
class DocumentMetadata:
    """What the sidecar `<document>.yml` says about a document."""

    company_id: str
    company_name: str
    fiscal_year: int
    language: str
    source: Source
    boundary_code: str
    boundary_description: str
    boundary_overrides: tuple[BoundaryOverride, ...] = ()


@dataclass(frozen=True)
class Footnote:
    table_index: int
    number: int
    line_number: int
    text: str


@dataclass(frozen=True)
class ReportTable:
    """A run of `label<TAB>value` rows with its heading and notes."""

    table_index: int
    heading: str | None
    section_heading: str | None
    scope_statement: str | None
    first_line: int
    last_line: int
    is_kpi_table: bool
    skip_reason: str | None = None


@dataclass(frozen=True)
class ReportedValue:
    table_index: int
    table_heading: str | None
    section_heading: str | None
    line_number: int
    column_number: int
    fiscal_year: int
    label_as_printed: str
    label_key: str
    value_as_printed: str
    value_number: Decimal
    decimals_printed: int
    unit_as_printed: str
    line_text: str


@dataclass(frozen=True)
class RejectedLine:
    table_index: int | None
    line_number: int
    line_text: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class Extraction:
    """What a format's reader finds in one document."""

    document_format: str
    line_count: int
    candidate_line_count: int
    tables: list[ReportTable] = field(default_factory=list)
    values: list[ReportedValue] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    rejects: list[RejectedLine] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedDocument:
    """One document read and validated, ready to be written in one batch."""

    path: str
    sha256: str
    metadata_sha256: str
    metadata: DocumentMetadata
    extraction: Extraction
