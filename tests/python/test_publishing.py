"""Builds published while BI tools read: readers never fail nor see half a build, and a build killed or
interrupted at any point leaves the warehouse served as it was."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from .helpers import ROOT, copy_community, copy_report, query

PYTHON = str(Path(sys.executable))


READER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb

    warehouse, stop, until, hold = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "hold"
    expected = {1: 18, 2: 19}  # KPI values of each of the two inputs the builds alternate between
    held = duckdb.connect(warehouse, read_only=True) if hold else None
    first = held.execute("select build_id from meta.build_info").fetchone()[0] if hold else None
    answers, errors = 0, []
    while not os.path.exists(stop) and time.time() < until:
        try:
            con = held or duckdb.connect(warehouse, read_only=True)
            build, documents, published_documents, values = con.execute(
                "select build_id, document_count, (select count(*) from marts.dim_documents),"
                " (select count(*) from marts.fct_kpi_values) from meta.build_info"
            ).fetchone()
            if con is not held:
                con.close()
            if documents != published_documents or expected[documents] != values or (hold and build != first):
                errors.append(f"inconsistent answer: {build} {documents} {published_documents} {values}")
            answers += 1
        except Exception as error:  # every failure counts, whatever it is
            errors.append(f"{type(error).__name__}: {error}")
        time.sleep(0.02)
    print(json.dumps({"answers": answers, "errors": errors[:5], "error_count": len(errors)}))
    """
)


def _two_inputs(folder: Path) -> tuple[Path, Path]:
    one, two = folder / "one", folder / "two"
    copy_report(one)
    copy_report(two)
    copy_community(two)
    return one, two


def _build(folder: Path, reports: Path, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "build",
            f"REPORTS={reports}",
            f"WAREHOUSE={folder / 'warehouse.duckdb'}",
            f"BUILD_DIR={folder / 'dbt'}",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **kwargs,
    )


def _served(warehouse: Path) -> tuple[str, int]:
    """The served build must be whole: its build_info, marts and values agree."""
    [(build, documents, published_documents, values)] = query(
        warehouse,
        "select build_id, document_count, (select count(*) from marts.dim_documents),"
        " (select count(*) from marts.fct_kpi_values) from meta.build_info",
    )
    assert documents == published_documents and {1: 18, 2: 19}[documents] == values
    return build, documents


def test_readers_never_fail_while_builds_publish(tmp_path):
    one, two = _two_inputs(tmp_path / "inputs")
    first = _build(tmp_path, one)
    assert first.wait(timeout=300) == 0, first.stdout.read()
    warehouse, stop = tmp_path / "warehouse.duckdb", tmp_path / "stop"
    until = str(time.time() + 900)  # a bound, should the test fail before it stops them
    readers = [
        subprocess.Popen(
            [PYTHON, "-c", READER, str(warehouse), str(stop), until, mode], stdout=subprocess.PIPE, text=True
        )
        for mode in ("new", "new", "hold")
    ]
    seen = {_served(warehouse)[0]}
    try:
        for reports in (two, one, two, one):
            build = _build(tmp_path, reports)
            output = build.communicate(timeout=300)[0]
            assert build.returncode == 0, output
            build_id, documents = _served(warehouse)  # a new connection sees the new build at once
            assert documents == (2 if reports == two else 1) and build_id not in seen
            seen.add(build_id)
    finally:
        stop.touch()
    results = [json.loads(reader.communicate(timeout=60)[0]) for reader in readers]
    assert len(seen) == 5
    for result in results:
        assert result["answers"] > 20 and result["error_count"] == 0, result


def test_a_build_killed_at_any_point_leaves_a_whole_warehouse_served(tmp_path):
    one, two = _two_inputs(tmp_path / "inputs")
    first = _build(tmp_path, one)
    assert first.wait(timeout=300) == 0, first.stdout.read()
    warehouse = tmp_path / "warehouse.duckdb"
    started = time.time()
    whole = _build(tmp_path, two)
    assert whole.wait(timeout=300) == 0
    duration = time.time() - started
    served = _served(warehouse)
    randomness = random.Random(20261122)
    for reports in (one, two, one, two, one, two):
        build = _build(tmp_path, reports)
        time.sleep(randomness.uniform(0, duration))
        os.killpg(build.pid, signal.SIGKILL)
        build.wait(timeout=60)
        now = _served(warehouse)
        assert now == served or now[1] == (2 if reports == two else 1)  # the old build, or the new one whole
        served = now
    # The publish step alone, killed early and late: the link switch is one rename.
    builds = tmp_path / ".warehouse.duckdb.builds"
    for delay in (0.05, 0.15, 0.3, 0.6, 1.0):
        source = builds / os.readlink(builds / "current")
        copy = builds / f"99999999T{int(delay * 1000):06d}Z"
        copy.mkdir()
        shutil.copy(source / "warehouse.duckdb", copy / "warehouse.duckdb")
        publish = subprocess.Popen(
            [PYTHON, "-c", PUBLISH, str(copy), str(warehouse), str(tmp_path / "warehouse_exports"), str(ROOT)],
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(publish.pid, signal.SIGKILL)
        publish.wait(timeout=60)
        assert _served(warehouse)[1] in (1, 2)
        assert os.readlink(tmp_path / "warehouse_exports") == ".warehouse.duckdb.builds/current/exports"
    # The next build says what it found unfinished, serves input one (published, or kept when it was
    # served already) and prunes what was left.
    after = _build(tmp_path, one)
    output = after.communicate(timeout=300)[0]
    assert after.returncode == 0, output
    assert _served(warehouse)[1] == 1
    leftover = [p for p in builds.iterdir() if p.is_dir() and not p.is_symlink()]
    assert all((p / "published").exists() or (p / "failed").exists() for p in leftover)
    assert len(leftover) <= 3


PUBLISH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from loaders.publish import publish
    build, warehouse, exports, project = map(Path, sys.argv[1:])
    publish(build, warehouse, exports, project, "copy")
    """
)


def test_an_interrupted_build_says_so_and_changes_nothing(tmp_path):
    one, two = _two_inputs(tmp_path / "inputs")
    first = _build(tmp_path, one)
    assert first.wait(timeout=300) == 0
    warehouse = tmp_path / "warehouse.duckdb"
    served = _served(warehouse)
    build = _build(tmp_path, two)
    time.sleep(6)  # into dbt
    os.killpg(build.pid, signal.SIGTERM)
    output = build.communicate(timeout=60)[0]
    assert build.returncode != 0
    assert f"build interrupted (SIGTERM): {warehouse} is unchanged" in output
    assert _served(warehouse) == served
