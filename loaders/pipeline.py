"""Find documents, read each with the reader for its format, and check every candidate row is accounted for."""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from loaders import csv_table, tabular, text_report
from loaders.errors import DocumentError, LoaderError
from loaders.metadata import MetadataFolders, read_metadata, sha256_of
from loaders.models import (
    BulkBatch,
    DocumentMetadata,
    Extraction,
    Footnote,
    ParsedDocument,
    RefusedDocument,
    RejectedLine,
    ReportedValue,
    ReportTable,
    TableRow,
)
from loaders.numbers import convention_from, decimal_evidence
from loaders.recognizer import Vocabulary
from loaders.rows import decimal_mark, notes_by_table, table_chunks, validate_chunks
from loaders.warehouse import arrow_table

# The project's seeds: the vocabulary labels are read with (loaders.recognizer).
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@dataclass(frozen=True)
class Input:
    """A document as a reader gets it."""

    path: Path
    shown: str  # the path as messages and provenance show it
    sha256: str
    metadata: DocumentMetadata
    workdir: Path  # where a bulk reader may write its batch
    vocabulary: Vocabulary | None = None  # how labels are read as metrics and members (seeds)

    def text(self) -> str:
        try:
            return self.path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DocumentError(self.shown, f"not UTF-8 text (invalid byte at offset {error.start})") from None


Reader = Callable[[Input], Extraction]


# A document with more candidate rows than this is validated a chunk of tables at a time, each chunk's
# values written to Parquet at once (as the bulk CSV reader writes its batch): memory stays that of a chunk.
CHUNK_ROWS = 5_000
# Rejects a spooled document keeps in memory for messages; all of them are in its batch.
SAMPLE_REJECTS = 100


def _extraction(
    document: Input,
    document_format: str,
    line_count: int,
    tables: list[ReportTable],
    rows: list[TableRow],
    footnotes: list[Footnote],
    problems: list[RejectedLine] | None = None,
) -> Extraction:
    """Validate a reader's rows; its problems (a page or row it could not read) are candidates rejected
    already."""
    separator = decimal_mark((cell.text for row in rows for cell in row.cells), document.metadata)
    chunks = ((chunk, separator) for chunk in table_chunks(rows, CHUNK_ROWS))
    by_index = {table.table_index: table for table in tables}
    validated = _validated(document, chunks, by_index, notes_by_table(footnotes), problems or [])
    return validated.extraction(document_format, line_count, tables, footnotes)


@dataclass
class _Validation:
    """A document's rows validated: values (or their batch) and rejects, and the candidate lines counted."""

    values: list[ReportedValue]
    rejects: list[RejectedLine]
    candidate_line_count: int
    bulk: BulkBatch | None

    def extraction(
        self, document_format: str, line_count: int, tables: list[ReportTable], footnotes: list[Footnote]
    ) -> Extraction:
        return Extraction(
            document_format=document_format,
            line_count=line_count,
            candidate_line_count=self.candidate_line_count,
            tables=tables,
            values=self.values,
            footnotes=footnotes,
            rejects=self.rejects,
            bulk=self.bulk,
        )


def _validated(
    document: Input,
    chunks: Iterable[tuple[list[TableRow], str | None]],
    tables: Mapping[int, ReportTable],
    notes: Mapping[int, frozenset[str]],
    problems: list[RejectedLine],
) -> _Validation:
    """Validate rows a chunk at a time, checking that each chunk's candidates are all accounted for. Past the
    first chunk, values and rejects go to Parquet chunk by chunk (a bulk batch), so memory stays a chunk's."""
    values: list[ReportedValue] = []
    rejects = list(problems)
    spool: _Spool | None = None
    # A line whose columns print two measures (`2024 tCO2e`, `2024 kgCO2e/m2`) is one candidate line.
    problem_places = {(r.page_number, r.line_number) for r in problems}
    candidates = len(problem_places)
    for chunk, chunk_values, chunk_rejects in validate_chunks(
        chunks, tables, notes, document.metadata, document.vocabulary
    ):
        places = {(r.page_number, r.line_number) for r in chunk} - problem_places
        accounted = {(v.page_number, v.line_number) for v in chunk_values}
        accounted |= {(r.page_number, r.line_number) for r in chunk_rejects}
        if not places <= accounted:
            raise RuntimeError(
                f"{document.shown}: {len(places)} candidate rows but {len(places & accounted)} accounted for"
            )
        if spool is None and candidates > len(problem_places):  # a second chunk: the document is long
            spool = _Spool(document.workdir, document.sha256)
            spool.write(values, rejects[len(problems) :])
            values, rejects = [], rejects[:SAMPLE_REJECTS]
        candidates += len(places)
        if spool is None:
            values += chunk_values
            rejects += chunk_rejects
        else:
            spool.write(chunk_values, chunk_rejects)
            rejects += chunk_rejects[: max(0, SAMPLE_REJECTS - len(rejects))]
    return _Validation(values, rejects, candidates, spool.close(problems) if spool else None)


class _Spool:
    """A long document's values and rejects, written to Parquet a chunk at a time in the raw tables' shape."""

    def __init__(self, workdir: Path, sha256: str) -> None:
        self.sha256 = sha256
        self.paths = {table: workdir / f"{sha256}.{table}.parquet" for table in ("reported_values", "rejected_lines")}
        self.writers = {
            table: pq.ParquetWriter(path, arrow_table(table, []).schema) for table, path in self.paths.items()
        }
        self.counts = dict.fromkeys(self.paths, 0)

    def write(self, values: list[ReportedValue], rejects: list[RejectedLine]) -> None:
        for table, records in (("reported_values", values), ("rejected_lines", rejects)):
            if records:
                self.writers[table].write_table(arrow_table(table, records, key=self.sha256))
                self.counts[table] += len(records)

    def close(self, problems: list[RejectedLine]) -> BulkBatch:
        self.write([], problems)
        for writer in self.writers.values():
            writer.close()
        return BulkBatch(
            self.paths["reported_values"],
            self.paths["rejected_lines"],
            self.counts["reported_values"],
            self.counts["rejected_lines"],
        )


class _TextLines:
    """A text document's lines as they are read from the file, numbered from 1 (only `\\n` ends a line, as in
    editors): decoded a block at a time and counted, never the whole document in memory."""

    BLOCK = 1 << 20

    def __init__(self, document: Input) -> None:
        self.document = document
        self.count = 0

    def __iter__(self) -> Iterator[text_report.Line]:
        offset = 0  # of `rest` in the file
        rest = b""
        with self.document.path.open("rb") as handle:
            while block := handle.read(self.BLOCK):
                rest += block
                if (cut := rest.rfind(b"\n") + 1) == 0:
                    continue  # a line longer than a block: read on
                text = self._decoded(rest[:cut], offset)
                offset, rest = offset + cut, rest[cut:]
                for line in text.split("\n")[:-1]:
                    self.count += 1
                    yield text_report.Line(self.count, line.rstrip("\r"))
        # What follows the last line break is a line too, if only an empty one (as `str.split` has it).
        self.count += 1
        yield text_report.Line(self.count, self._decoded(rest, offset).rstrip("\r"))

    def _decoded(self, data: bytes, offset: int) -> str:
        try:
            return data.decode("utf-8-sig" if offset == 0 else "utf-8")
        except UnicodeDecodeError as error:
            line = self.count + data.count(b"\n", 0, error.start) + 1
            message = f"not UTF-8 text (invalid byte at offset {offset + error.start})"
            raise DocumentError(self.document.shown, message, line) from None


def _read_text(document: Input) -> Extraction:
    """A text report streamed: its tables found, made rows, validated and written a chunk at a time. The
    decimal mark is the sidecar's or, chunk by chunk, the one the cells read so far show; should the whole
    document show another than a chunk was read with, it is read again with that one."""
    fixed = document.metadata.decimal_separator is not None
    extraction, marks = _stream_text(document, document.metadata.decimal_separator, fixed)
    if not fixed and len(marks) > 1:
        extraction, _ = _stream_text(document, marks[-1], fixed=True)
    return extraction


def _stream_text(document: Input, separator: str | None, fixed: bool) -> tuple[Extraction, list[str | None]]:
    """Read a text report once; returns it and the decimal marks its chunks were read with, the whole
    document's last (with `fixed`, `separator` throughout)."""
    lines = _TextLines(document)
    tables: dict[int, ReportTable] = {}
    notes: dict[int, frozenset[str]] = {}
    footnotes: list[Footnote] = []
    evidence: set[tuple[int, str]] = set()
    marks: list[str | None] = []

    def mark(cells: list[str]) -> str | None:
        if fixed:
            return separator
        evidence.update(decimal_evidence(cells))
        found = convention_from(evidence, document.metadata.language)
        if not marks or marks[-1] != found:
            marks.append(found)
        return found

    def chunks() -> Iterator[tuple[list[TableRow], str | None]]:
        rows: list[TableRow] = []
        cells: list[str] = []
        for found in text_report.find_tables(lines):
            table, table_rows = text_report.rows_of(found.table, found.body)
            tables[table.table_index] = table
            footnotes.extend(found.notes)
            notes.update(notes_by_table(found.notes))
            rows += table_rows
            cells += text_report.value_texts(found.body)
            if len(rows) >= CHUNK_ROWS:
                yield rows, mark(cells)
                rows, cells = [], []
        if rows or not marks:
            yield rows, mark(cells)

    validated = _validated(document, chunks(), tables, notes, [])
    if not any(table.is_kpi_table for table in tables.values()):
        raise DocumentError(
            document.shown, "no KPI table found: expected a heading, rows of label<TAB>value, then numbered notes"
        )
    return validated.extraction("text", lines.count, list(tables.values()), footnotes), marks


def _read_markdown(document: Input) -> Extraction:
    from loaders import markdown_report

    layout = markdown_report.parse_markdown(document.text())
    if not any(table.is_kpi_table for table in layout.tables):
        raise DocumentError(
            document.shown,
            "no KPI table found: expected a Markdown pipe table (a header row, a |---| row) with year columns",
        )
    return _extraction(document, "markdown", layout.line_count, layout.tables, layout.rows, layout.footnotes)


def _read_csv(document: Input) -> Extraction:
    """DuckDB reads a regular CSV file in bulk; an irregular one is followed line by line."""
    bulk = csv_table.read_csv_table(
        document.path, document.shown, document.sha256, document.metadata, document.workdir, document.vocabulary
    )
    if bulk is not None:
        return bulk
    layout = tabular.parse_csv(document.shown, document.text())
    return _extraction(document, "csv", layout.line_count, layout.tables, layout.rows, [])


def _read_xlsx(document: Input) -> Extraction:
    layout = tabular.parse_xlsx(document.shown, document.path.read_bytes())
    return _extraction(document, "xlsx", layout.line_count, layout.tables, layout.rows, [])


def _read_pdf(document: Input) -> Extraction:
    from loaders import pdf  # pdfplumber is slow to import; only PDFs need it

    layout = pdf.parse_pdf(document.path, document.metadata.pages, shown=document.shown)
    return _extraction(
        document, "pdf", layout.page_count, layout.tables, layout.rows, layout.footnotes, layout.problems
    )


# One reader per input format, chosen by file extension.
READERS: dict[str, Reader] = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".csv": _read_csv,
    ".xlsx": _read_xlsx,
    ".pdf": _read_pdf,
}


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
    """The path as provenance shows it: relative to the working folder when inside it, else as given
    (`../shared/reports-pdf/x.pdf` stays so; an absolute path stays absolute)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(os.path.normpath(path)).as_posix()


class DocumentSkipped(Exception):
    """The document's sidecar says not to load it (`skip: <why>`)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: skipped: {reason}")
        self.path, self.reason = path, reason


class DocumentUnchanged(Exception):
    """The warehouse holds this document, at this path, read with this sidecar: it is not read again."""

    def __init__(self, path: str, sha256: str) -> None:
        super().__init__(f"{path}: unchanged, not read again")
        self.path, self.sha256 = path, sha256


# A loaded document's fingerprint by path: its content's and its sidecar's sha256.
Loaded = Mapping[str, tuple[str, str]]


def read_document(
    path: Path,
    workdir: Path | None = None,
    folders: MetadataFolders | None = None,
    vocabulary: Vocabulary | None = None,
    loaded: Loaded | None = None,
) -> ParsedDocument:
    """Read and validate one document; a bulk reader writes its batch to `workdir` (a temporary folder).

    Its sidecar is beside it or in one of the metadata `folders`; raises DocumentSkipped when it says `skip`,
    DocumentUnchanged when `loaded` holds it with the same content and sidecar."""
    shown = display_path(path)
    sha256 = sha256_of(path)
    found = read_metadata(path, folders, sha256)
    if found.metadata is None:
        raise DocumentSkipped(shown, found.skip_reason or "")
    if loaded is not None and loaded.get(shown) == (sha256, hashlib.sha256(found.raw).hexdigest()):
        raise DocumentUnchanged(shown, sha256)
    metadata = found.metadata
    if vocabulary is None and SEEDS.is_dir():
        vocabulary = Vocabulary.from_seeds(SEEDS)
    document = Input(path, shown, sha256, metadata, workdir or Path(tempfile.mkdtemp(prefix="esg-load-")), vocabulary)
    extraction = READERS[path.suffix.lower()](document)
    return ParsedDocument(
        path=shown,
        sha256=document.sha256,
        metadata_sha256=hashlib.sha256(found.raw).hexdigest(),
        metadata_path=display_path(found.path),
        metadata=metadata,
        extraction=extraction,
    )


def _sha256_or_none(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a document is read: a long document allocates millions of records,
    none in a cycle, and each collection would walk all of them again (a third of the reading time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class ReadResult:
    documents: list[ParsedDocument] = field(default_factory=list)
    errors: list[LoaderError] = field(default_factory=list)  # documents that could not be read
    refused: list[RefusedDocument] = field(default_factory=list)  # the same, as raw.refused_documents rows
    skipped: list[DocumentSkipped] = field(default_factory=list)  # documents their sidecar says to skip
    unchanged: list[DocumentUnchanged] = field(default_factory=list)  # loaded before as they are now


def read_documents(
    paths: list[Path],
    workdir: Path,
    progress: Callable[[list[Path]], Iterable[Path]] = iter,
    folders: MetadataFolders | None = None,
    vocabulary: Vocabulary | None = None,
    loaded: Loaded | None = None,
) -> ReadResult:
    """Read every document but those `loaded` holds unchanged; errors are collected so that one run reports
    them all."""
    result = ReadResult()
    by_hash: dict[str, str] = {}

    def refuse(path: Path, error: LoaderError) -> None:
        result.errors.append(error)
        place = error if isinstance(error, DocumentError) else None
        result.refused.append(
            RefusedDocument(
                document_sha256=_sha256_or_none(path),
                document_path=display_path(path),
                refused_path=place.path if place else display_path(path),
                line_number=place.line if place else None,
                reason=place.message if place else str(error),
                refused_at=datetime.now(UTC),
            )
        )

    for path in progress(paths):
        try:
            with _without_cycle_collection():
                document = read_document(path, workdir, folders, vocabulary, loaded)
        except DocumentUnchanged as unchanged:
            by_hash[unchanged.sha256] = unchanged.path
            result.unchanged.append(unchanged)
            continue
        except LoaderError as error:
            refuse(path, error)
            continue
        except DocumentSkipped as skipped:
            result.skipped.append(skipped)
            continue
        if document.sha256 in by_hash:
            refuse(path, DocumentError(document.path, f"same content as {by_hash[document.sha256]}; load it once"))
            continue
        by_hash[document.sha256] = document.path
        result.documents.append(document)
    return result
