"""`make build`: load the documents into a new build, run dbt, summarise, and publish only on success.

One build at a time per warehouse (a lock beside it); the warehouse served changes only in
publish's atomic step, so a failed, interrupted or killed build leaves it as it was.

A build is incremental when the published warehouse was built by the same project (loaders, models,
macros, seeds and settings: `meta.build_info.project_sha256`): it starts from a copy of it, reads only
the documents new or changed since (content or sidecar), removes those gone, and dbt recomputes the rows
of the companies they hold (macros/incremental.sql). Otherwise, or with `--full`, it starts empty. When
nothing changed (the same documents, sidecars and refusals), the published build stays and dbt does not run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from loaders.audit import project_sha256
from loaders.errors import REFUSED_EXIT
from loaders.publish import (
    BUILD_FILE,
    FAILED,
    PublishError,
    abandoned,
    build_database,
    builds_folder,
    link,
    prune_unpublished,
    publish,
    published_project,
)
from loaders.spark import RAW_FOLDER, copy_spark_tables, dbt_environment, write_raw_parquet
from loaders.warehouse import connect, sql_literal


class _Interrupted(Exception):
    pass


def _on_signal(signum, _frame):
    raise _Interrupted(signal.Signals(signum).name)


def _new_build(builds: Path) -> Path:
    build = builds / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
    build.mkdir()
    link(builds / "last", build.name)  # the newest build, published or not: what `make audit` reads after a failure
    return build


# An incremental build starts from a warehouse the same project built: its views, seeds and the tables made of
# seeds alone (tag static) are already what this build would make. It refreshes the tables and runs every test
# that reads a document's rows; a test of static nodes only has nothing new to find (with indirect selection
# "cautious", excluding the static nodes excludes only the tests that read nothing else).
_INCREMENTAL_SELECTION = [
    "--select",
    "resource_type:test",
    "config.materialized:table",
    "config.materialized:incremental",
    "--exclude",
    "tag:static",
    "--indirect-selection",
    "cautious",
]


class _Phases:
    """Seconds per phase of a build, printed at its end: where the time of a large build goes."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = time.perf_counter() - started

    def __str__(self) -> str:
        phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in self.seconds.items())
        return f"took {time.perf_counter() - self.started:.1f} s: {phases}"


def dbt_build_command(project: Path, target: Path) -> list[str]:
    """`dbt build` of the project, its compiled SQL, logs and run results in `target`."""
    command = [str(Path(sys.executable).with_name("dbt")), "build", "--quiet"]
    command += ["--project-dir", str(project.absolute())]
    command += ["--profiles-dir", os.environ.get("DBT_PROFILES_DIR", str(project.absolute()))]
    return [*command, "--target-path", str(target.absolute()), "--log-path", str(target.absolute())]


# What _steps returns when the documents loaded are those of the published build: nothing to rebuild.
UNCHANGED = -1


def _unchanged_since(database: Path, published: Path) -> bool:
    """True when loading changed nothing: the same documents (content and sidecar) and refusals as the
    published build, which the same project built. A build of them would make the same warehouse."""
    documents = "select document_path, document_sha256, metadata_sha256 from {}.raw.documents"
    refused = "select document_path, document_sha256, refused_path, line_number, reason from {}.raw.refused_documents"
    with connect(database, read_only=True) as con:
        con.execute(f"attach {sql_literal(published)} as published (read_only)")
        differences = [
            f"select count(*) from ({query.format(one)} except all {query.format(other)})"
            for query in (documents, refused)
            for one, other in (("build", "published"), ("published", "build"))
        ]
        counts = [con.execute(sql).fetchone()[0] for sql in differences]
        changed = con.execute("select count(*) from raw.changed_companies").fetchone()[0]
    return not any(counts) and changed == 0


def _steps(
    reports: list[Path],
    database: Path,
    target: Path,
    project: Path,
    metadata: list[Path],
    strict: bool,
    published: Path | None,
    phases: _Phases,
    engine: str,
) -> int:
    """Load, run dbt, summarise; REFUSED_EXIT when all passed but some documents were refused, UNCHANGED
    when an incremental build (from `published`) has nothing to rebuild."""
    from loaders.cli import main as loaders_main
    from loaders.summary import print_summary

    folders = [argument for folder in metadata for argument in ("--metadata", str(folder))]
    incremental = published is not None
    changed_only = ["--prune", "--changed-only"] if incremental else []
    with phases.timed("load"):
        loaded = loaders_main(["load", *map(str, reports), "--warehouse", str(database), *folders, *changed_only])
    if loaded == REFUSED_EXIT and strict:
        print("STRICT: a document was refused, so nothing is published", file=sys.stderr)
        return 1
    if loaded not in (0, REFUSED_EXIT):
        return loaded
    if incremental and _unchanged_since(database, published):
        return UNCHANGED
    environment = {**os.environ, "WAREHOUSE": database.name}
    if engine == "spark":
        write_raw_parquet(database, database.parent / RAW_FOLDER)
        environment |= dbt_environment(database.parent)
    (target / "run_results.json").unlink(missing_ok=True)
    # Unit tests check the models' logic on fixed inputs, whatever the reports: `make test` runs them, and a
    # build does not repeat them (as dbt advises for production runs).
    command = [*dbt_build_command(project, target), "--exclude-resource-type", "unit_test"]
    if incremental:
        command += _INCREMENTAL_SELECTION
    # dbt parses the whole project again whenever the profile differs, and the warehouse's path is part of
    # it: named relative to the build's folder, the path is the same for every build, so dbt parses only
    # what changed since the last one.
    with phases.timed("dbt"):
        status = subprocess.run(command, env=environment, cwd=database.parent, check=False).returncode
    if engine == "spark":  # what Spark made, into the file the summary reads and publishing serves
        with phases.timed("copy from Spark"):
            copy_spark_tables(database, database.parent)
    if status == 0:  # the models hold every change loaded: the next incremental build starts from here
        with connect(database) as con:
            con.execute("delete from raw.changed_companies")
    with phases.timed("summary"):
        return print_summary(database, target / "run_results.json") or status or loaded


def _keep_published(build: Path, published: Path) -> int:
    """Nothing to rebuild: this build folder goes, `last` points at the published build again."""
    builds = build.parent
    link(builds / "last", published.parent.name)
    shutil.rmtree(build)
    prune_unpublished(builds)
    with connect(published, read_only=True) as con:
        refused = con.execute("select count(*) from raw.refused_documents").fetchone()[0]
    print(
        f"nothing changed since build {published.parent.name} (the same documents, sidecars and project):"
        " it stays published (FULL=1 rebuilds from nothing)"
    )
    return REFUSED_EXIT if refused else 0


def run_build(
    reports: list[Path],
    warehouse: Path,
    target: Path,
    exports: Path,
    project: Path,
    metadata: list[Path],
    strict: bool = False,
    full: bool = False,
    engine: str = "duckdb",
) -> int:
    warehouse = warehouse.absolute()
    builds = builds_folder(warehouse)
    builds.mkdir(parents=True, exist_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    with (builds / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for path in abandoned(builds):
            print(f"note: the build in {path} did not finish (killed?); it never replaced {warehouse}")
        build = _new_build(builds)
        database = build / BUILD_FILE
        incremental = engine == "duckdb" and not full and published_project(warehouse) == project_sha256(project)
        # The published build's own warehouse (raw and intermediate tables too), not the served file.
        published = build_database(warehouse) if incremental else None
        if published:
            # Published builds are checkpointed: the file alone is the whole warehouse.
            shutil.copyfile(published, database)
            print(
                f"incremental build from {published.parent.name}: the changed documents' rows and every"
                " test that reads rows of documents; seeds and views as they were (FULL=1 rebuilds from nothing)"
            )
        previous = {signum: signal.signal(signum, _on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
        phases = _Phases()
        try:
            status = _steps(reports, database, target, project, metadata, strict, published, phases, engine)
            if status == UNCHANGED:
                return _keep_published(build, published)
            if status in (0, REFUSED_EXIT):
                with phases.timed("publish with exports"):
                    build_id = publish(
                        build, warehouse, exports.absolute(), project, " ".join(map(str, reports)), incremental, engine
                    )
                print(f"published {warehouse} (build {build_id}); exports in {exports.absolute()}")
                print(phases)
                if status == REFUSED_EXIT:
                    print(
                        f"published without the refused documents (listed first above; marts.dim_documents):"
                        f" exit status {REFUSED_EXIT}",
                        file=sys.stderr,
                    )
                return status
        except PublishError as error:
            print(f"error: {error}", file=sys.stderr)
            status = 1
        except (_Interrupted, KeyboardInterrupt) as interruption:
            (build / FAILED).touch()
            print(f"build interrupted ({interruption or 'SIGINT'}): {warehouse} is unchanged")
            return 130
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        (build / FAILED).touch()
        print(f"build failed: {warehouse} is unchanged; this build is kept in {database} for inspection")
        return status
