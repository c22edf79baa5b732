"""Write parsed documents to DuckDB schema `raw`: in Arrow batches, idempotently, keyed on the document."""

from __future__ import annotations

import dataclasses
import json
import os
import typing
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from loaders import __version__
from loaders.errors import LoaderError
from loaders.labels import label_key
from loaders.models import (
    BoundaryOverride,
    DocumentRow,
    Footnote,
    LabelOverride,
    ParsedDocument,
    RefusedDocument,
    RejectedLine,
    ReportedValue,
    ReportTable,
)

# Bumped whenever a `raw` table changes shape: `raw` is rebuilt from the documents then.
SCHEMA_VERSION = 13

# DuckDB's working memory in every connection of a build, as profiles.yml gives dbt's: beyond it DuckDB
# spills to disk beside the warehouse. Set DUCKDB_MEMORY_LIMIT to bound a build on a smaller machine.
DEFAULT_MEMORY_LIMIT = "8GB"


def memory_limit() -> str:
    return os.environ.get("DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a warehouse file (or ":memory:") within memory_limit(): left to itself, DuckDB
    would take 80% of the machine."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute(f"set memory_limit = '{memory_limit()}'")
    return con


DECIMAL = pa.decimal128(38, 12)
TEXT, INT, BOOL, DATE = pa.string(), pa.int32(), pa.bool_(), pa.date32()
TIMESTAMP = pa.timestamp("us", tz="UTC")

# DuckDB's working memory while the raw tables are written; beyond it DuckDB evicts or spills to disk.
WRITE_MEMORY_LIMIT = "256MB"

_ARROW_TYPES: dict[type, pa.DataType] = {
    str: TEXT,
    int: INT,
    bool: BOOL,
    Decimal: DECIMAL,
    date: DATE,
    float: pa.float64(),
    datetime: TIMESTAMP,
}
# Each raw table is the record its rows are, keyed on the document; a few columns are derived on writing.
_RECORDS: dict[str, tuple[type, dict[str, type]]] = {
    "documents": (DocumentRow, {}),
    "report_tables": (ReportTable, {}),
    "reported_values": (ReportedValue, {}),
    "footnotes": (Footnote, {}),
    "rejected_lines": (RejectedLine, {}),
    "boundary_overrides": (BoundaryOverride, {}),
    "label_overrides": (LabelOverride, {"label_key": str}),
    "refused_documents": (RefusedDocument, {}),
}


def _names(record: type) -> tuple[str, ...]:
    """A record type's field names: a NamedTuple's or a dataclass's."""
    return getattr(record, "_fields", None) or tuple(field.name for field in dataclasses.fields(record))


def _fields(record: type, derived: dict[str, type]) -> dict[str, tuple[pa.DataType, bool]]:
    """A record's columns from its type hints: `X | None` is a nullable column of X. Each is keyed on its
    document's hash, first; a record may declare that column itself (a refused document may have none)."""
    hints = typing.get_type_hints(record)
    columns: dict[str, tuple[pa.DataType, bool]] = {"document_sha256": (TEXT, False)}
    for name in _names(record):
        hint = hints[name]
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)] or [hint]
        columns[name] = (_ARROW_TYPES[options[0]], type(None) in typing.get_args(hint))
    columns |= {name: (_ARROW_TYPES[kind], False) for name, kind in derived.items()}
    return columns


_COLUMNS = {table: _fields(record, derived) for table, (record, derived) in _RECORDS.items()}
# Column order and Arrow types of each raw table, and the columns that may be null: from the records.
TABLES: dict[str, dict[str, pa.DataType]] = {
    table: {name: kind for name, (kind, _) in columns.items()} for table, columns in _COLUMNS.items()
}
_NULLABLE = {(table, name) for table, columns in _COLUMNS.items() for name, (_, null) in columns.items() if null}
# Raw tables that are the build's state, not a document's rows. changed_companies: the companies whose rows
# changed since dbt last built this file; an incremental build recomputes only theirs
# (macros/incremental.sql), and the build empties it once dbt succeeded.
STATE_TABLES: dict[str, dict[str, pa.DataType]] = {"changed_companies": {"company_id": TEXT}}

_SQL_TYPES = {
    TEXT: "varchar",
    INT: "integer",
    BOOL: "boolean",
    DECIMAL: "decimal(38, 12)",
    DATE: "date",
    pa.float64(): "double",
    TIMESTAMP: "timestamp with time zone",
}


def sql_literal(text: str | Path) -> str:
    """Text (a path, a value) as a SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


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
    for table, columns in (TABLES | STATE_TABLES).items():
        con.execute(f"drop table if exists raw.{table}")
        con.execute(_ddl(table, columns))
    con.execute("delete from raw.loader_schema")
    con.execute("insert into raw.loader_schema values (?)", [SCHEMA_VERSION])
    return True


def _rows(document: ParsedDocument, loaded_at: datetime) -> dict[str, pa.Table]:
    meta, found = document.metadata, document.extraction
    row = DocumentRow(
        document_path=document.path,
        document_format=found.document_format,
        metadata_sha256=document.metadata_sha256,
        metadata_path=document.metadata_path,
        metadata_extra=json.dumps(meta.extra, ensure_ascii=False, sort_keys=True, default=str) if meta.extra else None,
        company_id=meta.company_id,
        company_name=meta.company_name,
        fiscal_year=meta.fiscal_year,
        language=meta.language,
        boundary_code=meta.boundary_code,
        boundary_description=meta.boundary_description,
        source_title=meta.source.title,
        source_publisher=meta.source.publisher,
        source_published=meta.source.published,
        line_count=found.line_count,
        candidate_line_count=found.candidate_line_count,
        value_count=found.value_count,
        reject_count=found.reject_count,
        loader_version=__version__,
        loaded_at=loaded_at,
    )

    def records(table: str, items: Sequence, **derived: list) -> pa.Table:
        return arrow_table(table, items, key=document.sha256, **derived)

    overrides = meta.label_overrides
    return {
        "documents": records("documents", [row]),
        "report_tables": records("report_tables", found.tables),
        "reported_values": records("reported_values", found.values),
        "footnotes": records("footnotes", found.footnotes),
        # A bulk reader's rejects are in its batch; `rejects` holds only the first few, for messages.
        "rejected_lines": records("rejected_lines", [] if found.bulk else found.rejects),
        "boundary_overrides": records("boundary_overrides", meta.boundary_overrides),
        "label_overrides": records("label_overrides", overrides, label_key=[label_key(o.label) for o in overrides]),
    }


def arrow_table(table: str, items: Sequence, key: str | None = None, **derived: list) -> pa.Table:
    """Records as an Arrow table, built column by column (a dict per record costs memory and time on a
    million values); `key` is the document's hash where the records do not carry it."""
    record = _RECORDS[table][0]
    # Tuples (ReportedValue) become columns in one transpose; other records field by field.
    transposed = (
        dict(zip(record._fields, zip(*items, strict=True), strict=True)) if hasattr(record, "_fields") and items else {}
    )
    columns = {}
    for name, dtype in TABLES[table].items():
        if name in derived:
            values = derived[name]
        elif name == "document_sha256" and key is not None:
            values = [key] * len(items)
        elif name in transposed:
            values = transposed[name]
        else:
            values = [getattr(item, name) for item in items]
        # A column a reader never fills (a text report has no quotes) is nulls at once, not value by value.
        columns[name] = pa.nulls(len(items), dtype) if values.count(None) == len(items) else pa.array(values, dtype)
    return pa.table(columns)


def loaded_documents(warehouse: Path) -> dict[str, tuple[str, str]]:
    """The documents a warehouse holds, by path: their content's and sidecar's sha256 (none if it has no
    `raw` of this loader's shape)."""
    if not warehouse.is_file():
        return {}
    with connect(warehouse, read_only=True) as con:
        raw = con.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        tables = {name for (name,) in raw}
        if "loader_schema" not in tables or "documents" not in tables:
            return {}
        if con.execute("select max(version) from raw.loader_schema").fetchone()[0] != SCHEMA_VERSION:
            return {}
        rows = con.execute("select document_path, document_sha256, metadata_sha256 from raw.documents").fetchall()
    return {path: (sha256, metadata_sha256) for path, sha256, metadata_sha256 in rows}


def write_documents(
    warehouse: Path,
    documents: Sequence[ParsedDocument],
    prune: bool = False,
    refused: Sequence[RefusedDocument] = (),
    kept: Sequence[str] = (),
) -> None:
    """Replace these documents' rows (matched by path or content hash) in one transaction; a refused
    document's earlier rows go, and its refusal is kept (keyed on its path: a copy shares a hash).

    With `prune`, documents neither in `documents` nor `kept` (paths of documents found unchanged) are
    removed too, so `raw` mirrors the folder loaded. The companies of every value removed or written are
    added to raw.changed_companies.
    """
    loaded_at = datetime.now(UTC)
    parts: dict[str, list[pa.Table]] = {table: [arrow_table(table, [])] for table in TABLES}
    for document in documents:
        for table, rows in _rows(document, loaded_at).items():
            parts[table].append(rows)
    parts["refused_documents"].append(arrow_table("refused_documents", refused))
    batches = {table: pa.concat_tables(tables) for table, tables in parts.items()}
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.IOException as error:  # another process holds the file (a BI tool, a running build)
        raise LoaderError(f"{warehouse}: cannot open for writing: {error}") from None
    with con:
        # Left to itself, DuckDB caches what it writes up to 80% of the machine and buffers per thread: bounded
        # and on one thread, a 600,000-value batch costs the writer about 250 MB instead of 900, in the same time.
        con.execute(f"set memory_limit = '{WRITE_MEMORY_LIMIT}'")
        con.execute("set threads = 1")
        ensure_schema(con)
        con.execute("begin transaction")
        try:
            con.register("incoming_documents", batches["documents"])
            con.register("incoming_refused", batches["refused_documents"])
            con.register("kept_documents", pa.table({"document_path": pa.array(kept, TEXT)}))
            paths = "select document_path from incoming_documents union all select document_path from incoming_refused"
            replaced = (
                "select document_sha256 from raw.documents anti join kept_documents using (document_path)"
                if prune
                else f"""select document_sha256 from raw.documents
                   where document_path in ({paths})
                      or document_sha256 in (select document_sha256 from incoming_documents)"""
            )
            con.execute(f"delete from raw.refused_documents{'' if prune else f' where document_path in ({paths})'}")
            con.execute(
                "insert into raw.changed_companies select distinct company_id from raw.reported_values"
                f" where document_sha256 in ({replaced})"
            )
            # Children first: the subquery reads raw.documents, which goes last.
            for table in reversed([table for table in TABLES if table != "refused_documents"]):
                con.execute(f"delete from raw.{table} where document_sha256 in ({replaced})")
            for document in documents:
                if bulk := document.extraction.bulk:
                    # A bulk reader wrote its rows in the raw tables' column order and types.
                    con.execute(
                        "insert into raw.changed_companies select distinct company_id from read_parquet(?)",
                        [str(bulk.values_path)],
                    )
                    con.execute(
                        "insert into raw.reported_values select * from read_parquet(?)", [str(bulk.values_path)]
                    )
                    con.execute(
                        "insert into raw.rejected_lines select * from read_parquet(?)", [str(bulk.rejects_path)]
                    )
            for table, rows in batches.items():
                con.register("batch", rows)
                if table == "reported_values":
                    con.execute("insert into raw.changed_companies select distinct company_id from batch")
                con.execute(f"insert into raw.{table} by name select * from batch")
                con.unregister("batch")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
