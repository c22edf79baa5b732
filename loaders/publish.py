"""Publishing a finished build so that readers never see a half-built warehouse.

Every build has a folder of its own beside the published warehouse (`.<name>.builds/<build id>/`)
holding the DuckDB file the build worked in (`build.duckdb`: raw tables, staging, intermediate tables,
checks and test failures, kept for inspection and for the next incremental build), the file it serves
(named as the warehouse, so that its catalogue has the warehouse's name: the marts and `meta` only,
every table and column described) and the Parquet exports of the served tables. The published names
are symbolic links through one link, `current`:

    warehouse.duckdb          -> .warehouse.duckdb.builds/current/warehouse.duckdb
    warehouse_exports         -> .warehouse.duckdb.builds/current/exports
    .warehouse.duckdb.builds/current -> 20261122T093000123456Z

Publishing writes `meta.build_info`, copies the served schemas into the served file, writes the
exports, checkpoints and syncs the build to disk, then replaces `current` with a rename, which is
atomic: a new connection opens either the old build or the new one, whole, and the warehouse and its
exports always come from the same build. A connection that is open keeps reading the file it opened,
even once a later publish has removed it.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from loaders.audit import input_hashes, project_sha256
from loaders.exports import export_tables
from loaders.warehouse import connect, sql_literal

PUBLISHED, FAILED = "published", "failed"  # markers a build folder ends with
# The file a build works in, and the schemas of the file it serves: what BI tools and readers see.
BUILD_FILE = "build.duckdb"
SERVED_SCHEMAS = ("marts", "meta")


class PublishError(Exception):
    """The build cannot be published; the warehouse served stays as it was."""


def builds_folder(warehouse: Path) -> Path:
    return warehouse.parent / f".{warehouse.name}.builds"


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


BUILD_INFO_COLUMNS = {
    "build_id": "The build's id: the UTC time it started, also its folder's name.",
    "built_at": "When the build was published.",
    "reports_path": "The folders of documents it read.",
    "document_count": "Documents loaded (refused ones included).",
    "value_count": "Values the loaders read from them.",
    "inputs_json": "Each document's and seed's SHA-256 (and its sidecar's), as JSON.",
    "requirements_sha256": "SHA-256 of requirements.txt: the pinned packages it ran with.",
    "tools_json": "Versions of Python, dbt, DuckDB and the loaders' libraries, as JSON.",
    "project_sha256": "SHA-256 of the project's loaders, models, macros and seeds: builds with equal hashes"
    " made the same warehouse from the same documents.",
    "is_incremental": "True when the build updated the previous one's rows of changed documents only.",
    "engine": "Where dbt ran: duckdb or spark.",
}


def _write_build_info(
    con: duckdb.DuckDBPyConnection, build_id: str, project: Path, reports: str, incremental: bool, engine: str
) -> None:
    inputs = input_hashes(con, project)
    counts = con.execute("select count(*), coalesce(sum(value_count), 0) from raw.documents").fetchone()
    con.execute("create schema if not exists meta")
    con.execute(
        """
        create or replace table meta.build_info as select
            ?::varchar as build_id,
            ?::timestamptz as built_at,
            ?::varchar as reports_path,
            ?::integer as document_count,
            ?::bigint as value_count,
            ?::varchar as inputs_json,
            ?::varchar as requirements_sha256,
            ?::varchar as tools_json,
            ?::varchar as project_sha256,
            ?::boolean as is_incremental,
            ?::varchar as engine
        """,
        [
            build_id,
            datetime.now(UTC),
            reports,
            counts[0],
            counts[1],
            json.dumps({"documents": inputs["documents"], "seeds": inputs["seeds"]}, sort_keys=True),
            inputs["requirements_sha256"],
            json.dumps(inputs["tools"], sort_keys=True),
            project_sha256(project),
            incremental,
            engine,
        ],
    )
    con.execute("comment on table meta.build_info is 'The build this warehouse is: one row.'")
    for column, description in BUILD_INFO_COLUMNS.items():
        con.execute(f"comment on column meta.build_info.{column} is {sql_literal(description)}")


def default_exports(warehouse: Path) -> Path:
    """The exports folder of a warehouse: its own, so two warehouses in one folder never share one."""
    return warehouse.with_name(f"{warehouse.stem}_exports")


def _serve(con: duckdb.DuckDBPyConnection, served: Path, schemas: tuple[str, ...] = SERVED_SCHEMAS) -> None:
    """Copy the served schemas' tables and views into `served` as tables, with their descriptions (the
    comments persist_docs wrote, or build_info's below) and not-null constraints. A column without a
    comment (Spark's tables, copied back, have none) takes its description from marts.dim_mart_columns."""
    served.unlink(missing_ok=True)
    listed = ", ".join(map(sql_literal, schemas))
    relations = con.execute(
        f"""
        select schema_name, table_name, comment from duckdb_tables()
        where database_name = current_database() and schema_name in ({listed})
        union all
        select schema_name, view_name, comment from duckdb_views()
        where database_name = current_database() and schema_name in ({listed}) and not internal
        order by 1, 2
        """
    ).fetchall()
    columns = con.execute(
        f"""
        select schema_name, table_name, column_name, comment, is_nullable from duckdb_columns()
        where database_name = current_database() and schema_name in ({listed})
        order by schema_name, table_name, column_index
        """
    ).fetchall()
    try:
        described = con.execute("select table_name, column_name, description from marts.dim_mart_columns").fetchall()
    except duckdb.CatalogException:  # a warehouse built before the dictionary existed
        described = []
    dictionary = {("marts", table, column): description for table, column, description in described}
    con.execute(f"attach {sql_literal(served)} as served")
    try:
        for schema in schemas:
            con.execute(f"create schema served.{schema}")
        for schema, name, comment in relations:
            relation = f'served.{schema}."{name}"'
            con.execute(f'create table {relation} as select * from {schema}."{name}"')
            con.execute(f"comment on table {relation} is {sql_literal(comment or '')}")
        for schema, name, column, comment, nullable in columns:
            qualified = f'served.{schema}."{name}"."{column}"'
            description = comment or dictionary.get((schema, name, column)) or ""
            con.execute(f"comment on column {qualified} is {sql_literal(description)}")
            if not nullable:
                con.execute(f'alter table served.{schema}."{name}" alter column "{column}" set not null')
    finally:
        con.execute("detach served")


def link(path: Path, target: str) -> None:
    """Point the symlink `path` at `target` in one rename (a symlink replaced, never removed first)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    if path.exists() and not path.is_symlink() and path.is_dir():
        # An exports folder from before builds were published by link: moved aside, not deleted.
        path.rename(path.with_name(f"{path.name}.old-{datetime.now(UTC):%Y%m%dT%H%M%S}"))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, path)


def build_database(published: Path) -> Path:
    """The whole warehouse a published one was served from (raw, intermediate tables, test failures)."""
    return published.resolve().with_name(BUILD_FILE)


def published_project(warehouse: Path) -> str | None:
    """The project hash the published warehouse was built with on DuckDB (None when there is none to build
    on: a Spark build publishes the marts without the intermediate tables an incremental build updates)."""
    if not warehouse.is_file():
        return None
    try:
        with connect(warehouse, read_only=True) as con:
            return con.execute("select max(project_sha256) from meta.build_info where engine = 'duckdb'").fetchone()[0]
    except duckdb.Error:  # from before builds were stamped with it, or not a warehouse
        return None


def publish(
    build: Path,
    warehouse: Path,
    exports: Path,
    project: Path,
    reports: str,
    incremental: bool = False,
    engine: str = "duckdb",
) -> str:
    """Publish the build folder `build`; returns the build id. Raises PublishError, leaving what is served."""
    database, served = build / BUILD_FILE, build / warehouse.name
    if not database.is_file():
        raise PublishError(f"{database}: no such build")
    build_id = build.name
    try:
        with connect(database) as con:
            _write_build_info(con, build_id, project, reports, incremental, engine)
            con.execute("checkpoint")
            _serve(con, served)
        with connect(served) as con:
            export_tables(con, build / "exports", SERVED_SCHEMAS)
            con.execute("checkpoint")
    except duckdb.Error as error:
        raise PublishError(f"{database}: {error}") from error
    for path in (database, served):
        if Path(f"{path}.wal").exists():
            raise PublishError(f"{path}: its write-ahead log was not folded in at checkpoint")
    for path in [database, served, *sorted((build / "exports").iterdir()), build / "exports", build]:
        _fsync(path)
    (build / PUBLISHED).touch()

    builds = build.parent
    previous = os.readlink(builds / "current") if (builds / "current").is_symlink() else None
    link(builds / "current", build_id)  # the atomic step
    _fsync(builds)
    link(warehouse, os.path.relpath(builds / "current" / warehouse.name, warehouse.parent))
    link(exports, os.path.relpath(builds / "current" / "exports", exports.parent))
    _prune(builds, keep={build_id, previous})
    return build_id


def _prune(builds: Path, keep: set[str | None]) -> None:
    """Remove finished builds but the current and the previous one (readers may still be switching) and
    the latest failed one (kept for inspection). Open connections to a removed file keep working."""
    finished = sorted(path for path in builds.iterdir() if path.is_dir() and not path.is_symlink())
    failed = [path for path in finished if (path / FAILED).exists()]
    for path in finished:
        if path.name in keep or (failed and path == failed[-1]):
            continue
        if (path / PUBLISHED).exists() or (path / FAILED).exists():
            shutil.rmtree(path, ignore_errors=True)


def prune_unpublished(builds: Path) -> None:
    """Prune as publishing does, for a build that published nothing: the current build stays, and the
    newest other published one (readers may still be switching from it)."""
    current = os.readlink(builds / "current") if (builds / "current").is_symlink() else None
    published = sorted(
        path.name
        for path in builds.iterdir()
        if path.is_dir() and not path.is_symlink() and path.name != current and (path / PUBLISHED).exists()
    )
    _prune(builds, keep={current, published[-1] if published else None})


def abandoned(builds: Path) -> list[Path]:
    """Build folders a killed build left unfinished; marked failed so that pruning removes them."""
    if not builds.is_dir():
        return []
    left = [
        path
        for path in sorted(builds.iterdir())
        if path.is_dir() and not path.is_symlink() and not (path / PUBLISHED).exists() and not (path / FAILED).exists()
    ]
    for path in left:
        (path / FAILED).touch()
    return left
