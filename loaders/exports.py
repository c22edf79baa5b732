"""Parquet exports of the served tables, each column's description and unit in the file's schema.

A reader of `warehouse_exports/fct_kpi_values.parquet` (pandas, polars, Spark, DuckDB) gets the rows;
pyarrow also shows each field's metadata: `description`, and `unit` (a fixed unit such as `tCO2e`) or
`unit_column` (the column holding each row's unit), as `marts.dim_mart_columns` lists them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from loaders.warehouse import sql_literal

# Rows per Arrow batch: the writer holds one batch at a time, whatever the table's size.
BATCH_ROWS = 256_000
DICTIONARY = "marts.dim_mart_columns"


def _column_metadata(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[tuple[str, str], dict]:
    """(table, column) -> field metadata: the database's comment, and the unit the dictionary gives."""
    listed = ", ".join(map(sql_literal, schemas))
    metadata = {
        (table, column): {"description": comment or ""}
        for table, column, comment in con.execute(
            f"select table_name, column_name, comment from duckdb_columns() where schema_name in ({listed})"
        ).fetchall()
    }
    has_dictionary = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'dim_mart_columns'"
    ).fetchone()[0]
    if has_dictionary:
        for table, column, unit, unit_column in con.execute(
            f"select table_name, column_name, unit, unit_column from {DICTIONARY}"
        ).fetchall():
            field = metadata.get((table, column))
            if field is None:
                continue
            if unit:
                field["unit"] = unit
            if unit_column:
                field["unit_column"] = unit_column
    return metadata


def export_tables(con: duckdb.DuckDBPyConnection, exports: Path, schemas: tuple[str, ...]) -> list[Path]:
    """Write every table of `schemas` to `exports/<table>.parquet` (zstd), streamed in batches."""
    exports.mkdir(exist_ok=True)
    metadata = _column_metadata(con, schemas)
    listed = ", ".join(map(sql_literal, schemas))
    tables = con.execute(
        f"select schema_name, table_name, comment from duckdb_tables() where schema_name in ({listed}) order by 2"
    ).fetchall()
    written = []
    for schema, table, comment in tables:
        reader = con.execute(f'select * from {schema}."{table}"').fetch_record_batch(BATCH_ROWS)
        fields = [
            field.with_metadata({key: value for key, value in metadata.get((table, field.name), {}).items()})
            for field in reader.schema
        ]
        schema_out = pa.schema(fields, metadata={"description": comment or "", "table": f"{schema}.{table}"})
        path = exports / f"{table}.parquet"
        with pq.ParquetWriter(path, schema_out, compression="zstd") as writer:
            for batch in reader:
                writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema_out))
        written.append(path)
    return written
