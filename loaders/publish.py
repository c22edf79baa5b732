"""Publishing a finished build so that readers never see a half-built warehouse.

Every build has a folder of its own beside the published warehouse (`.<name>.builds/<build id>/`)
holding its DuckDB file and Parquet exports. The published names are symbolic links through one
link, `current`:

    warehouse.duckdb -> .warehouse.duckdb.builds/current/warehouse.duckdb
    exports          -> .warehouse.duckdb.builds/current/exports
    .warehouse.duckdb.builds/current -> 20261122T093000123456Z

Publishing writes `meta.build_info` and the exports, checkpoints and syncs the build to disk, then
replaces `current` with a rename, which is atomic: a new connection opens either the old build or the
new one, whole, and the warehouse and its exports always come from the same build. A connection that
is open keeps reading the file it opened, even once a later publish has removed it.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from loaders.audit import input_hashes, mart_tables, project_sha256
from loaders.warehouse import connect

PUBLISHED, FAILED = "published", "failed"  # markers a build folder ends with


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


def _export_marts(con: duckdb.DuckDBPyConnection, exports: Path) -> None:
    exports.mkdir(exist_ok=True)
    for schema, table in [*(("marts", name) for name in mart_tables(con)), ("meta", "build_info")]:
        con.execute(f"copy {schema}.{table} to '{exports / table}.parquet' (format parquet, compression zstd)")


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
    database = build / "warehouse.duckdb"
    if not database.is_file():
        raise PublishError(f"{database}: no such build")
    build_id = build.name
    try:
        with connect(database) as con:
            _write_build_info(con, build_id, project, reports, incremental, engine)
            _export_marts(con, build / "exports")
            con.execute("checkpoint")
    except duckdb.Error as error:
        raise PublishError(f"{database}: {error}") from error
    if Path(f"{database}.wal").exists():
        raise PublishError(f"{database}: its write-ahead log was not folded in at checkpoint")
    for path in [database, *sorted((build / "exports").iterdir()), build / "exports", build]:
        _fsync(path)
    (build / PUBLISHED).touch()

    builds = build.parent
    previous = os.readlink(builds / "current") if (builds / "current").is_symlink() else None
    link(builds / "current", build_id)  # the atomic step
    _fsync(builds)
    link(warehouse, os.path.relpath(builds / "current" / "warehouse.duckdb", warehouse.parent))
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
