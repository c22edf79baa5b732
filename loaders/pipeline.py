"""Find documents, read each with the loader for its format, and check every candidate line is accounted for."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders import text_report
from loaders.errors import DocumentError, LoaderError
from loaders.metadata import read_metadata
from loaders.models import DocumentMetadata, Extraction, ParsedDocument

Reader = Callable[[str, str, DocumentMetadata, frozenset[str]], Extraction]


def _read_text(path: str, text: str, metadata: DocumentMetadata, known_units: frozenset[str]) -> Extraction:
    layout = text_report.parse_layout(text)
    if not any(table.is_kpi_table for table in layout.tables):
        raise DocumentError(
            path, "no KPI table found: expected a heading, rows of label<TAB>value, then numbered notes"
        )
    values, rejects = text_report.validate(layout, metadata.fiscal_year, known_units)
    return Extraction(
        document_format="text",
        line_count=len(text_report.split_lines(text)),
        candidate_line_count=len(layout.candidates),
        tables=layout.tables,
        values=values,
        footnotes=layout.footnotes,
        rejects=rejects,
    )


# One reader per input format, chosen by file extension.
READERS: dict[str, Reader] = {".txt": _read_text}


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
            if path.suffix in READERS:
                found.documents.append(path)
            elif path.name.endswith(".yml") and path.with_name(path.name[: -len(".yml")]).suffix in READERS:
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


def read_document(path: Path, known_units: frozenset[str]) -> ParsedDocument:
    shown = display_path(path)
    metadata, metadata_bytes = read_metadata(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(shown, f"not UTF-8 text (invalid byte at offset {error.start})") from None
    extraction = READERS[path.suffix](shown, text, metadata, known_units)
    accounted = len(extraction.values) + len(extraction.rejects)
    if accounted != extraction.candidate_line_count:
        raise RuntimeError(
            f"{shown}: {extraction.candidate_line_count} candidate lines but {accounted} values and rejects"
        )
    return ParsedDocument(
        path=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        metadata_sha256=hashlib.sha256(metadata_bytes).hexdigest(),
        metadata=metadata,
        extraction=extraction,
    )


def read_documents(paths: list[Path], known_units: frozenset[str]) -> tuple[list[ParsedDocument], list[LoaderError]]:
    """Read every document; errors are collected so that one run reports them all."""
    documents: list[ParsedDocument] = []
    errors: list[LoaderError] = []
    by_hash: dict[str, str] = {}
    for path in paths:
        try:
            document = read_document(path, known_units)
        except LoaderError as error:
            errors.append(error)
            continue
        if document.sha256 in by_hash:
            errors.append(DocumentError(document.path, f"same content as {by_hash[document.sha256]}; load it once"))
            continue
        by_hash[document.sha256] = document.path
        documents.append(document)
    return documents, errors
