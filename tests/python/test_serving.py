"""Serving BI tools: atomic publish with build_info, Parquet exports, read-only access through SQLAlchemy
and an older DuckDB client, the semantic layer, and readers and killed builds while builds run."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from .helpers import REPORT, ROOT, copy_report, run_make_build

PYTHON = str(Path(sys.executable))
COMMUNITY = ROOT / "reports" / "xiaomi-2019-community-investment.csv"


def copy_community(folder: Path) -> None:
    for path in (COMMUNITY, COMMUNITY.with_name(COMMUNITY.name + ".yml")):
        shutil.copy(path, folder / path.name)


def query(warehouse: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    copy_report(folder / "reports")
    copy_community(folder / "reports")
    result, warehouse = run_make_build(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder, warehouse, result


def test_the_warehouse_and_exports_are_links_to_one_published_build(published):
    folder, warehouse, result = published
    builds = folder / ".warehouse.duckdb.builds"
    build_id = os.readlink(builds / "current")
    assert warehouse.resolve() == (builds / build_id / "warehouse.duckdb").resolve()
    assert (folder / "exports").resolve() == (builds / build_id / "exports").resolve()
    assert f"published {warehouse} (build {build_id})" in result.stdout


def test_build_info_records_the_build_its_inputs_and_tools(published):
    folder, warehouse, _ = published
    [(build_id, built_at, documents, values, inputs, requirements, tools)] = query(
        warehouse,
        "select build_id, built_at, document_count, value_count, inputs_json, requirements_sha256, tools_json"
        " from meta.build_info",
    )
    assert build_id == os.readlink(folder / ".warehouse.duckdb.builds" / "current")
    assert built_at is not None and (documents, values) == (2, 24)
    inputs = json.loads(inputs)
    report = str(folder / "reports" / REPORT.name)
    assert (
        inputs["documents"][report]["sha256"]
        == query(warehouse, "select document_sha256 from marts.dim_documents where document_path = ?", report)[0][0]
    )
    assert set(inputs["seeds"]) == {f"seeds/{p.name}" for p in (ROOT / "seeds").glob("*.csv")}
    assert len(requirements) == 64
    assert json.loads(tools)["duckdb"] == "1.5.5"


def test_every_mart_is_exported_to_parquet_with_the_same_rows(published):
    folder, warehouse, _ = published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        assert len(marts) == 11
        for table in marts:
            left, right = f"marts.{table}", f"read_parquet('{folder / 'exports' / table}.parquet')"
            counts = con.execute(f"select (select count(*) from {left}), (select count(*) from {right})").fetchone()
            assert counts[0] == counts[1]
            for a, b in ((left, right), (right, left)):
                assert con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0] == 0
        assert (folder / "exports" / "build_info.parquet").is_file()


def test_sqlalchemy_reads_through_a_read_only_connection_and_cannot_write(published):
    import sqlalchemy

    _, warehouse, _ = published
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True})
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text("select value_as_printed from marts.fct_kpi_values where metric_code = 'ghg_scope_1'")
        ).all()
        assert rows == [("283.42",)]
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
            connection.execute(sqlalchemy.text("create table marts.scratch (i integer)"))
    engine.dispose()


def test_an_older_duckdb_client_opens_the_warehouse(published, tmp_path_factory):
    _, warehouse, _ = published
    # BI tools and JDBC drivers embed older DuckDB releases; 1.1 is the oldest the README promises.
    venv = ROOT / "target" / "compat" / "duckdb-1.1.3"
    if not (venv / "bin" / "python").exists():
        subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "duckdb==1.1.3"],
            check=True,
            timeout=300,
        )
    script = textwrap.dedent(
        f"""
        import duckdb
        con = duckdb.connect({str(warehouse)!r}, read_only=True)
        answer = con.execute("select count(*), sum(value_canonical) from marts.fct_kpi_values").fetchone()
        print(duckdb.__version__, answer)
        """
    )
    output = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    count, total = query(warehouse, "select count(*), sum(value_canonical) from marts.fct_kpi_values")[0]
    assert output.strip() == f"1.1.3 ({count}, Decimal('{total}'))"


def test_metricflow_answers_equal_sql_on_the_marts(published, tmp_path):
    _, warehouse, _ = published
    env = {**os.environ, "DBT_TARGET": "read_only", "WAREHOUSE": str(warehouse), "DBT_PROFILES_DIR": str(ROOT)}
    # mf reads the semantic manifest from the project's target/, as `make metrics` leaves it.
    dbt, mf = (str(Path(PYTHON).with_name(name)) for name in ("dbt", "mf"))
    subprocess.run([dbt, "parse", "--quiet"], cwd=ROOT, env=env, check=True, timeout=300)
    metrics = "ghg_scope_1_tco2e,energy_total_mwh,energy_mwh_per_head,packaging_t_per_revenue_m"
    out = tmp_path / "metrics.csv"
    command = [mf, "query", "--metrics", metrics, "--group-by", "company,metric_time__year", "--csv", str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    [row] = list(csv.DictReader(out.open()))
    assert (row["company"], row["metric_time__year"][:4]) == ("xiaomi", "2019")
    values = dict(query(warehouse, "select metric_code, value_canonical from marts.fct_kpi_values"))
    assert Decimal(row["ghg_scope_1_tco2e"]) == values["ghg_scope_1"] == Decimal("283.42")
    assert Decimal(row["energy_total_mwh"]) == values["energy_total"]
    derived = dict(query(warehouse, "select metric_code, derived_value from marts.fct_kpi_intensities"))
    assert float(row["energy_mwh_per_head"]) == pytest.approx(derived["energy_per_capita_offices"])
    assert float(row["packaging_t_per_revenue_m"]) == pytest.approx(derived["packaging_per_revenue"])
    assert float(row["packaging_t_per_revenue_m"]) == pytest.approx(74337.82 / 205800)


# --- concurrency and faults -----------------------------------------------------------------------

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
            [PYTHON, "-c", PUBLISH, str(copy), str(warehouse), str(tmp_path / "exports"), str(ROOT)],
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(publish.pid, signal.SIGKILL)
        publish.wait(timeout=60)
        assert _served(warehouse)[1] in (1, 2)
        assert os.readlink(tmp_path / "exports") == ".warehouse.duckdb.builds/current/exports"
    # The next build says what it found unfinished, and publishes.
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
