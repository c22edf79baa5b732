"""Write parsed documents to DuckDB schema `raw`: in Arrow batches, idempotently, keyed on the document."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from loaders import __version__
from loaders.errors import LoaderError
from loaders.labels import label_key
from loaders.models import ParsedDocument

# Bumped whenever a `raw` table changes shape: `raw` is rebuilt from the documents then.
SCHEMA_VERSION = 9

DECIMAL = pa.decimal128(38, 12)
TEXT, INT, BOOL, DATE = pa.string(), pa.int32(), pa.bool_(), pa.date32()

# Column order and Arrow types of each raw table; the DDL is generated from these.
TABLES: dict[str, dict[str, pa.DataType]] = {
    "documents": {
        "document_sha256": TEXT,
        "document_path": TEXT,
        "document_format": TEXT,
        "metadata_sha256": TEXT,
        "metadata_path": TEXT,
        "metadata_extra": TEXT,
        "company_id": TEXT,
        "company_name": TEXT,
        "fiscal_year": INT,
        "language": TEXT,
        "boundary_code": TEXT,
        "boundary_description": TEXT,
        "source_title": TEXT,
        "source_publisher": TEXT,
        "source_published": TEXT,
        "line_count": INT,
        "candidate_line_count": INT,
        "value_count": INT,
        "reject_count": INT,
        "loader_version": TEXT,
        "loaded_at": pa.timestamp("us", tz="UTC"),
    },
    "report_tables": {
        "document_sha256": TEXT,
        "table_index": INT,
        "heading": TEXT,
        "section_heading": TEXT,
        "scope_statement": TEXT,
        "first_line": INT,
        "last_line": INT,
        "is_kpi_table": BOOL,
        "skip_reason": TEXT,
        "page_number": INT,
        "unit_text": TEXT,
    },
    "reported_values": {
        "document_sha256": TEXT,
        "table_index": INT,
        "table_heading": TEXT,
        "section_heading": TEXT,
        "line_number": INT,
        "location": TEXT,
        "page_number": INT,
        "column_number": INT,
        "column_label": TEXT,
        "company_id": TEXT,
        "fiscal_year": INT,
        "label_as_printed": TEXT,
        "label_key": TEXT,
        "footnote_markers": TEXT,
        "value_as_printed": TEXT,
        "value_number": DECIMAL,
        "decimals_printed": INT,
        "value_qualifier": TEXT,
        "not_reported_as_printed": TEXT,
        "unit_as_printed": TEXT,
        "unit_normalized": TEXT,
        "unit_generic": TEXT,
        "currency": TEXT,
        "unit_multiplier": DECIMAL,
        "change_as_printed": TEXT,
        "standards_as_printed": TEXT,
        "line_text": TEXT,
        "metric_code_given": TEXT,
        "quoted_text": TEXT,
        "quoted_location": TEXT,
        "passage": TEXT,
        "value_date": DATE,
        "change_number": DECIMAL,
        "change_decimals": INT,
        "recognized_metric_code": TEXT,
        "recognized_members": TEXT,
        "recognition_confidence": pa.float64(),
        "recognition_note": TEXT,
        "breakdown_axes": TEXT,
    },
    "footnotes": {
        "document_sha256": TEXT,
        "table_index": INT,
        "footnote_number": INT,
        "marker": TEXT,
        "line_number": INT,
        "page_number": INT,
        "footnote_text": TEXT,
    },
    "rejected_lines": {
        "document_sha256": TEXT,
        "table_index": INT,
        "line_number": INT,
        "location": TEXT,
        "page_number": INT,
        "column_number": INT,
        "line_text": TEXT,
        "reason_code": TEXT,
        "reason": TEXT,
    },
    "boundary_overrides": {
        "document_sha256": TEXT,
        "metric_code": TEXT,
        "boundary_code": TEXT,
        "basis": TEXT,
    },
    "label_overrides": {
        "document_sha256": TEXT,
        "label": TEXT,
        "label_key": TEXT,
        "metric_code": TEXT,
        "members": TEXT,
        "basis": TEXT,
    },
}

# Every column is NOT NULL but these: what a document may leave unsaid.
_NULLABLE = {
    ("report_tables", "heading"),
    ("report_tables", "section_heading"),
    ("report_tables", "scope_statement"),
    ("report_tables", "skip_reason"),
    ("report_tables", "page_number"),
    ("report_tables", "unit_text"),
    ("footnotes", "marker"),
    ("footnotes", "page_number"),
    ("documents", "company_id"),
    ("documents", "metadata_extra"),
    ("documents", "company_name"),
    ("rejected_lines", "table_index"),
    ("rejected_lines", "page_number"),
    ("label_overrides", "members"),
    *(
        ("reported_values", column)
        for column in (
            "table_heading",
            "section_heading",
            "page_number",
            "column_label",
            "footnote_markers",
            "value_number",
            "decimals_printed",
            "value_qualifier",
            "not_reported_as_printed",
            "unit_as_printed",
            "unit_normalized",
            "unit_generic",
            "currency",
            "unit_multiplier",
            "change_as_printed",
            "standards_as_printed",
            "metric_code_given",
            "quoted_text",
            "quoted_location",
            "passage",
            "value_date",
            "change_number",
            "change_decimals",
            "recognized_metric_code",
            "recognized_members",
            "recognition_confidence",
            "recognition_note",
            "breakdown_axes",
        )
    ),
}

_SQL_TYPES = {
    TEXT: "varchar",
    INT: "integer",
    BOOL: "boolean",
    DECIMAL: "decimal(38, 12)",
    DATE: "date",
    pa.float64(): "double",
    pa.timestamp("us", tz="UTC"): "timestamp with time zone",
}


def sql_type(dtype: pa.DataType) -> str:
    """The DuckDB type a raw column of this Arrow type has."""
    return _SQL_TYPES[dtype]


def _ddl(table: str, columns: dict[str, pa.DataType]) -> str:
    body = ",\n    ".join(
        f"{name} {sql_type(dtype)}{'' if (table, name) in _NULLABLE else ' not null'}"
        for name, dtype in columns.items()
    )
    return f"create table raw.{table} (\n    {body}\n)"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the raw tables; rebuild them when their shape changed. Returns True if it (re)created them."""
    con.execute("create schema if not exists raw")
    con.execute("create table if not exists raw.loader_schema (version integer not null)")
    current = con.execute("select max(version) from raw.loader_schema").fetchone()[0]
    if current == SCHEMA_VERSION:
        return False
    for table, columns in TABLES.items():
        con.execute(f"drop table if exists raw.{table}")
        con.execute(_ddl(table, columns))
    con.execute("delete from raw.loader_schema")
    con.execute("insert into raw.loader_schema values (?)", [SCHEMA_VERSION])
    return True


def _rows(document: ParsedDocument, loaded_at: datetime) -> dict[str, list[dict]]:
    meta, found = document.metadata, document.extraction
    key = {"document_sha256": document.sha256}
    return {
        "documents": [
            {
                **key,
                "document_path": document.path,
                "document_format": found.document_format,
                "metadata_sha256": document.metadata_sha256,
                "metadata_path": document.metadata_path,
                "metadata_extra": json.dumps(meta.extra, ensure_ascii=False, sort_keys=True, default=str)
                if meta.extra
                else None,
                "company_id": meta.company_id,
                "company_name": meta.company_name,
                "fiscal_year": meta.fiscal_year,
                "language": meta.language,
                "boundary_code": meta.boundary_code,
                "boundary_description": meta.boundary_description,
                "source_title": meta.source.title,
                "source_publisher": meta.source.publisher,
                "source_published": meta.source.published,
                "line_count": found.line_count,
                "candidate_line_count": found.candidate_line_count,
                "value_count": found.value_count,
                "reject_count": found.reject_count,
                "loader_version": __version__,
                "loaded_at": loaded_at,
            }
        ],
        "report_tables": [{**key, **dataclasses.asdict(table)} for table in found.tables],
        "reported_values": [{**key, **dataclasses.asdict(value)} for value in found.values],
        "footnotes": [
            {
                **key,
                "table_index": note.table_index,
                "footnote_number": note.number,
                "marker": note.marker,
                "line_number": note.line_number,
                "page_number": note.page_number,
                "footnote_text": note.text,
            }
            for note in found.footnotes
        ],
        # A bulk reader's rejects are in its batch; `rejects` holds only the first few, for messages.
        "rejected_lines": [] if found.bulk else [{**key, **dataclasses.asdict(reject)} for reject in found.rejects],
        "boundary_overrides": [{**key, **dataclasses.asdict(override)} for override in meta.boundary_overrides],
        "label_overrides": [
            {**key, **dataclasses.asdict(override), "label_key": label_key(override.label)}
            for override in meta.label_overrides
        ],
    }


def _arrow(table: str, rows: Iterable[dict]) -> pa.Table:
    schema = pa.schema(list(TABLES[table].items()))
    return pa.Table.from_pylist(list(rows), schema=schema)


def write_documents(warehouse: Path, documents: Sequence[ParsedDocument], prune: bool = False) -> None:
    """Replace these documents' rows (matched by path or content hash) in one transaction.

    With `prune`, documents not in `documents` are removed too, so `raw` mirrors the folder loaded.
    """
    loaded_at = datetime.now(UTC)
    batches: dict[str, list[dict]] = {table: [] for table in TABLES}
    for document in documents:
        for table, rows in _rows(document, loaded_at).items():
            batches[table].extend(rows)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.IOException as error:  # another process holds the file (a BI tool, a running build)
        raise LoaderError(f"{warehouse}: cannot open for writing: {error}") from None
    with con:
        ensure_schema(con)
        con.execute("begin transaction")
        try:
            incoming = _arrow("documents", batches["documents"])
            con.register("incoming_documents", incoming)
            replaced = (
                "select document_sha256 from raw.documents"
                if prune
                else """select document_sha256 from raw.documents
                   where document_path in (select document_path from incoming_documents)
                      or document_sha256 in (select document_sha256 from incoming_documents)"""
            )
            # Children first: the subquery reads raw.documents, which goes last.
            for table in reversed(list(TABLES)):
                con.execute(f"delete from raw.{table} where document_sha256 in ({replaced})")
            for document in documents:
                if bulk := document.extraction.bulk:
                    # A bulk reader wrote its rows in the raw tables' column order and types.
                    con.execute(
                        "insert into raw.reported_values select * from read_parquet(?)", [str(bulk.values_path)]
                    )
                    con.execute(
                        "insert into raw.rejected_lines select * from read_parquet(?)", [str(bulk.rejects_path)]
                    )
            for table, rows in batches.items():
                con.register("batch", _arrow(table, rows))
                con.execute(f"insert into raw.{table} by name select * from batch")
                con.unregister("batch")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
