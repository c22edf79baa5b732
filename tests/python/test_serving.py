"""Serving BI tools: atomic publish with build_info, Parquet exports, read-only access through SQLAlchemy
and an older DuckDB client, the semantic layer. Readers and killed builds while builds run: test_publishing."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from .helpers import REPORT, ROOT, copy_community, copy_report, query, run_make_build

PYTHON = str(Path(sys.executable))


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
    assert (folder / "warehouse_exports").resolve() == (builds / build_id / "exports").resolve()
    assert f"published {warehouse} (build {build_id})" in result.stdout
    # and it says where its time went, phase by phase
    took = re.search(r"^took ([0-9.]+) s: (.*)$", result.stdout, re.MULTILINE)
    phases = dict(re.findall(r"([a-z ]+) ([0-9.]+) s", took.group(2)))
    assert [phase.strip() for phase in phases] == ["load", "dbt", "summary", "publish with exports"]
    # each figure is rounded to 0.1 s
    assert 0 < sum(map(float, phases.values())) <= float(took.group(1)) + 0.05 * len(phases)


def test_the_published_warehouse_serves_the_marts_and_build_info_only(published):
    """What a BI tool lists is what to use: raw, staging, intermediate tables and test failures stay in the
    build's own file beside it (inspectable, and where the next incremental build starts)."""
    import sqlalchemy

    _, warehouse, _ = published
    schemas = query(warehouse, "select distinct schema_name from duckdb_tables() order by 1")
    assert schemas == [("marts",), ("meta",)]
    assert query(warehouse, "select count(*) from duckdb_views() where not internal") == [(0,)]
    # as Superset sees it, through SQLAlchemy and duckdb-engine
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True})
    try:
        inspector = sqlalchemy.inspect(engine)
        schemas = set(inspector.get_schema_names())
        tables = set(inspector.get_table_names(schema="marts"))
    finally:
        engine.dispose()
    assert {"warehouse.marts", "warehouse.meta"} <= schemas
    assert not any(name.endswith((".raw", ".staging", ".intermediate", ".seeds", ".test_failures")) for name in schemas)
    assert {"fct_company_year_kpis", "dim_companies", "fct_kpi_values"} <= tables
    build = warehouse.resolve().with_name("build.duckdb")
    assert query(build, "select count(*) from duckdb_tables() where schema_name = 'test_failures'")[0][0] > 0
    assert query(build, "select count(*) from raw.documents") == [(2,)]


def test_a_build_without_comments_serves_the_dictionarys_descriptions(published, tmp_path):
    """Spark's tables, copied back into DuckDB, carry no comments: the served copy takes each mart column's
    description from marts.dim_mart_columns, the dictionary the project declares."""
    from loaders.publish import _serve

    _, warehouse, _ = published
    build = tmp_path / "build.duckdb"
    build.write_bytes(warehouse.resolve().with_name("build.duckdb").read_bytes())
    with duckdb.connect(str(build)) as con:
        for table, column in con.execute(
            "select table_name, column_name from duckdb_columns() where schema_name = 'marts'"
        ).fetchall():
            con.execute(f'comment on column marts."{table}"."{column}" is null')
        assert con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'marts' and comment is not null"
        ).fetchone() == (0,)
        _serve(con, tmp_path / "served.duckdb")
    served = query(
        tmp_path / "served.duckdb",
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'",
    )
    assert len(served) > 200 and all(comment for _, _, comment in served)
    assert ("fct_kpi_values", "value_lower") in {(t, c) for t, c, comment in served if "interval" in comment}


def test_every_served_table_and_column_carries_its_description_as_a_comment(published):
    """A SQL client or BI tool shows what a table and column mean: dbt's descriptions, in the database."""
    _, warehouse, _ = published
    undescribed = query(
        warehouse,
        "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns()"
        " where not internal and coalesce(comment, '') = ''",
    )
    assert undescribed == []
    tables = query(warehouse, "select table_name, comment from duckdb_tables() order by 1")
    assert len(tables) >= 16 and all(comment for _, comment in tables)
    (comment,) = query(
        warehouse,
        "select comment from duckdb_columns() where schema_name = 'marts' and table_name = 'fct_audit_findings'"
        " and column_name = 'finding_id'",
    )[0]
    assert comment == "Hash of check_code and subject_key: stable across builds."
    # the contracts' not-null constraints hold in the served copy too
    assert query(
        warehouse,
        "select is_nullable from duckdb_columns() where table_name = 'fct_kpi_reported_values'"
        " and column_name = 'metric_code'",
    ) == [(False,)]


def test_the_exports_carry_each_columns_description_and_unit(published):
    import pyarrow.parquet as pq

    folder, warehouse, _ = published
    exports = folder / "warehouse_exports"
    schema = pq.read_schema(exports / "fct_company_year_kpis.parquet")
    field = schema.field("ghg_scope_1_tco2e").metadata
    assert field[b"unit"] == b"tCO2e" and field[b"description"].startswith(b"Direct (scope 1)")
    assert schema.field("revenue_usd_m").metadata[b"unit"] == b"USD m"
    assert schema.field("ghg_scope_1_2_tco2e_per_usd_m").metadata[b"unit"] == b"tCO2e/USD m"
    assert schema.metadata[b"table"] == b"marts.fct_company_year_kpis"
    values = pq.read_schema(exports / "fct_kpi_values.parquet")
    assert values.field("value_canonical").metadata[b"unit_column"] == b"canonical_unit"
    # what the dictionary says, the file says
    dictionary = query(
        warehouse,
        "select column_name, description, unit from marts.dim_mart_columns where table_name = 'fct_kpi_intensities'",
    )
    intensities = pq.read_schema(exports / "fct_kpi_intensities.parquet")
    for column, description, unit in dictionary:
        metadata = intensities.field(column).metadata
        assert metadata[b"description"].decode() == description
        assert metadata.get(b"unit", b"").decode() == (unit or "")


def test_the_company_year_table_holds_the_standing_kpis_in_canonical_units(published):
    """One row per company and year, a column per headline KPI: the values fct_kpi_values holds, money and
    intensities per revenue in US dollars at the FX seed's rate, period dates from the company's fiscal year."""
    _, warehouse, _ = published
    [row] = query(
        warehouse,
        "select fiscal_period_start_date::varchar, fiscal_period_end_date::varchar, ghg_scope_1_tco2e,"
        " ghg_scope_1_2_tco2e, revenue_usd_m, ghg_scope_1_2_tco2e_per_usd_m, energy_mwh_per_head"
        " from marts.fct_company_year_kpis where company_id = 'xiaomi' and fiscal_year = 2019",
    )
    start, end, scope_1, scope_1_2, revenue_usd_m, per_usd_m, per_head = row
    assert (start, end) == ("2019-01-01", "2019-12-31")
    standing = dict(query(warehouse, "select metric_code, value_canonical from marts.fct_kpi_values"))
    assert scope_1 == float(standing["ghg_scope_1"]) and scope_1_2 == float(standing["ghg_scope_1_2"])
    # revenue 205.8 RMB billion (seeds/company_reference_values.csv) at 6.9081 CNY per USD (seeds/fx_rates.csv)
    assert revenue_usd_m == pytest.approx(205_800 / 6.9081)
    assert per_usd_m == pytest.approx(scope_1_2 / revenue_usd_m)
    assert per_head == pytest.approx(float(standing["energy_total"]) / 18_170)
    [(sector, country, year_end, stated)] = query(
        warehouse,
        "select sector, headquarters_country, fiscal_year_end, has_stated_fiscal_year from marts.dim_companies"
        " where company_id = 'xiaomi'",
    )
    assert (sector, country, year_end, stated) == ("Information Technology", "CN", "12-31", True)


def test_every_mart_has_the_columns_its_contract_lists_in_that_order(published):
    """A BI tool shows a mart's columns in the warehouse's order: tables take the contract's order, and the
    views' SQL must list them in it too."""
    import yaml

    _, warehouse, _ = published
    contracts = {
        model["name"]: [column["name"] for column in model["columns"]]
        for path in (ROOT / "models" / "marts" / "_marts.yml", ROOT / "models" / "audit" / "_audit.yml")
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]
        if model["name"].startswith(("fct_", "dim_"))
    }
    columns = query(
        warehouse,
        "select table_name, list(column_name order by column_index) from duckdb_columns()"
        " where schema_name = 'marts' group by table_name",
    )
    assert dict(columns) == contracts


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
        assert len(marts) == 14
        for table in marts:
            left, right = f"marts.{table}", f"read_parquet('{folder / 'warehouse_exports' / table}.parquet')"
            counts = con.execute(f"select (select count(*) from {left}), (select count(*) from {right})").fetchone()
            assert counts[0] == counts[1]
            for a, b in ((left, right), (right, left)):
                assert con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0] == 0
        assert (folder / "warehouse_exports" / "build_info.parquet").is_file()


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
    metrics = "ghg_scope_1,energy_total,energy_per_capita_offices,packaging_per_revenue,revenue"
    out = tmp_path / "metrics.csv"
    group_by = "company,company__sector,metric_time__year"
    command = [mf, "query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {row["company"]: row for row in csv.DictReader(out.open())}
    row = rows["xiaomi"]
    # metric_time is the last day of the fiscal year (dim_companies), the company an entity with attributes
    assert (row["company"], row["company__sector"], row["metric_time__year"][:4]) == (
        "xiaomi",
        "Information Technology",
        "2019",
    )
    values = dict(query(warehouse, "select metric_code, value_canonical from marts.fct_kpi_values"))
    assert Decimal(row["ghg_scope_1"]) == values["ghg_scope_1"] == Decimal("283.42")
    assert Decimal(row["energy_total"]) == values["energy_total"]
    derived = dict(query(warehouse, "select metric_code, derived_value from marts.fct_kpi_intensities"))
    assert float(row["energy_per_capita_offices"]) == pytest.approx(derived["energy_per_capita_offices"])
    # a revenue intensity in one currency: CNY at the year's average rate (6.9081 per USD, seeds/fx_rates.csv)
    assert float(row["revenue"]) == pytest.approx(205_800 / 6.9081)
    assert float(row["packaging_per_revenue"]) == pytest.approx(74337.82 / (205_800 / 6.9081))
    assert float(row["packaging_per_revenue"]) == pytest.approx(derived["packaging_per_revenue"] * 6.9081)


# --- concurrency and faults -----------------------------------------------------------------------
