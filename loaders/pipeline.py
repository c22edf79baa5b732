"""Find documents, read each with the reader for its format, and check every candidate row is accounted for."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders import csv_table, tabular, text_report
from loaders.errors import DocumentError, LoaderError
from loaders.metadata import read_metadata
from loaders.models import (
    DocumentMetadata,
    Extraction,
    Footnote,
    ParsedDocument,
    RejectedLine,
    ReportTable,
    TableRow,
)
from loaders.rows import validate_rows


@dataclass(frozen=True)
class Input:
    """A document as a reader gets it."""

    path: Path
    shown: str  # the path as messages and provenance show it
    sha256: str
    metadata: DocumentMetadata
    workdir: Path  # where a bulk reader may write its batch

    def text(self) -> str:
        try:
            return self.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DocumentError(self.shown, f"not UTF-8 text (invalid byte at offset {error.start})") from None


Reader = Callable[[Input], Extraction]


def _extraction(
    document_format: str,
    line_count: int,
    tables: list[ReportTable],
    rows: list[TableRow],
    footnotes: list[Footnote],
    metadata: DocumentMetadata,
    problems: list[RejectedLine] | None = None,
) -> Extraction:
    """Validate rows; a reader's problems (a page or row it could not read) are candidates rejected already."""
    values, rejects = validate_rows(rows, tables, footnotes, metadata)
    problems = problems or []
    return Extraction(
        document_format=document_format,
        line_count=line_count,
        candidate_line_count=len(rows) + len(problems),
        tables=tables,
        values=values,
        footnotes=footnotes,
        rejects=[*problems, *rejects],
    )


def _read_text(document: Input) -> Extraction:
    text = document.text()
    layout = text_report.parse_layout(text)
    if not any(table.is_kpi_table for table in layout.tables):
        raise DocumentError(
            document.shown, "no KPI table found: expected a heading, rows of label<TAB>value, then numbered notes"
        )
    tables, rows = text_report.table_rows(layout)
    return _extraction("text", len(text_report.split_lines(text)), tables, rows, layout.footnotes, document.metadata)


def _read_csv(document: Input) -> Extraction:
    """DuckDB reads a regular CSV file in bulk; an irregular one is followed line by line."""
    bulk = csv_table.read_csv_table(document.path, document.shown, document.sha256, document.metadata, document.workdir)
    if bulk is not None:
        return bulk
    layout = tabular.parse_csv(document.shown, document.text())
    return _extraction("csv", layout.line_count, layout.tables, layout.rows, [], document.metadata)


def _read_xlsx(document: Input) -> Extraction:
    layout = tabular.parse_xlsx(document.shown, document.path.read_bytes())
    return _extraction("xlsx", layout.line_count, layout.tables, layout.rows, [], document.metadata)


def _read_pdf(document: Input) -> Extraction:
    from loaders import pdf_report  # pdfplumber is slow to import; only PDFs need it

    layout = pdf_report.parse_pdf(document.path, document.metadata.pages, shown=document.shown)
    return _extraction(
        "pdf", layout.page_count, layout.tables, layout.rows, layout.footnotes, document.metadata, layout.problems
    )


# One reader per input format, chosen by file extension.
READERS: dict[str, Reader] = {".txt": _read_text, ".csv": _read_csv, ".xlsx": _read_xlsx, ".pdf": _read_pdf}


@dataclass
class Discovery:
    documents: list[Path] = field(default_factory=list)
    ignored: list[tuple[Path, str]] = field(default_factory=list)


def discover(paths: Iterable[Path]) -> Discovery:
    """Documents under the given files and folders, in a stable order; other files are listed as ignored."""
    found = Discovery()
    for root in paths:
        if not root.exists():
            raise LoaderError(f"{root}: no such file or folder")
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            if path.suffix.lower() in READERS:
                found.documents.append(path)
            elif path.name.endswith(".yml") and path.with_name(path.name[: -len(".yml")]).suffix.lower() in READERS:
                if not path.with_name(path.name[: -len(".yml")]).exists():
                    found.ignored.append((path, "metadata file whose document is missing"))
            elif not path.name.startswith("."):
                found.ignored.append((path, f"not a supported document format ({', '.join(sorted(READERS))})"))
    return found


def display_path(path: Path) -> str:
    """The path as provenance shows it: relative to the working folder when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def _accounted(extraction: Extraction) -> int:
    """Candidate rows that became at least one value or reject (a page that could not be read counts once)."""
    places = {(v.page_number, v.line_number) for v in extraction.values}
    places |= {(r.page_number, r.line_number) for r in extraction.rejects}
    return len(places)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def read_document(path: Path, workdir: Path | None = None) -> ParsedDocument:
    """Read and validate one document; a bulk reader writes its batch to `workdir` (a temporary folder)."""
    shown = display_path(path)
    metadata, metadata_bytes = read_metadata(path)
    document = Input(path, shown, _sha256(path), metadata, workdir or Path(tempfile.mkdtemp(prefix="esg-load-")))
    extraction = READERS[path.suffix.lower()](document)
    # A bulk reader counts in SQL; the rows in memory are counted here.
    if extraction.bulk is None and _accounted(extraction) != extraction.candidate_line_count:
        raise RuntimeError(
            f"{shown}: {extraction.candidate_line_count} candidate rows but {_accounted(extraction)} accounted for"
        )
    return ParsedDocument(
        path=shown,
        sha256=document.sha256,
        metadata_sha256=hashlib.sha256(metadata_bytes).hexdigest(),
        metadata=metadata,
        extraction=extraction,
    )


def read_documents(
    paths: list[Path], workdir: Path, progress: Callable[[list[Path]], Iterable[Path]] = iter
) -> tuple[list[ParsedDocument], list[LoaderError]]:
    """Read every document; errors are collected so that one run reports them all."""
    documents: list[ParsedDocument] = []
    errors: list[LoaderError] = []
    by_hash: dict[str, str] = {}
    for path in progress(paths):
        try:
            document = read_document(path, workdir)
        except LoaderError as error:
            errors.append(error)
            continue
        if document.sha256 in by_hash:
            errors.append(DocumentError(document.path, f"same content as {by_hash[document.sha256]}; load it once"))
            continue
        by_hash[document.sha256] = document.path
        documents.append(document)
    return documents, errors
