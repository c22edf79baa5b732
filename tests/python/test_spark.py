"""The pieces of a Spark build that run without Spark: the raw tables as Parquet, Spark's tables copied
back into DuckDB, and the comparison of two engines' marts. `make test-spark` runs Spark itself."""

from __future__ import annotations

import duckdb

from loaders.cli import main
from loaders.spark import SPARK_WAREHOUSE, compare_marts, copy_spark_tables, dbt_environment, write_raw_parquet


def _warehouse(path, rows):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_kpi_values (company_id varchar, value_canonical decimal(38, 12), share double)"
        )
        con.executemany("insert into marts.fct_kpi_values values (?, ?, ?)", rows)
        con.execute("create view marts.fct_companies as select distinct company_id from marts.fct_kpi_values")


def test_two_engines_agree_in_any_row_order_and_within_float_noise(tmp_path):
    _warehouse(tmp_path / "duckdb.duckdb", [("acme", "1.5", 0.1 + 0.2), ("beta", "2", None)])
    _warehouse(tmp_path / "spark.duckdb", [("beta", "2.000", None), ("acme", "1.500000", 0.3)])
    comparisons = compare_marts(tmp_path / "duckdb.duckdb", tmp_path / "spark.duckdb")
    assert [(c.mart, c.rows, c.is_identical) for c in comparisons] == [
        ("fct_companies", (2, 2), True),
        ("fct_kpi_values", (2, 2), True),
    ]


def test_a_decimal_digit_or_a_float_beyond_noise_is_a_difference(tmp_path):
    _warehouse(tmp_path / "duckdb.duckdb", [("acme", "1.4415855", 1.0), ("beta", "2", 1.0)])
    _warehouse(tmp_path / "spark.duckdb", [("acme", "1.441585", 1.0), ("beta", "2", 1.0 + 1e-6)])
    values = {c.mart: c for c in compare_marts(tmp_path / "duckdb.duckdb", tmp_path / "spark.duckdb")}["fct_kpi_values"]
    assert not values.is_identical and values.differing_rows == 2
    assert values.first_difference == "value_canonical: Decimal('1.441585500000') vs Decimal('1.441585000000')"
    assert "DIFFERS (2 rows on DuckDB, 2 on Spark, 2 differing)" in str(values)


def test_a_missing_row_is_a_difference(tmp_path):
    _warehouse(tmp_path / "duckdb.duckdb", [("acme", "1", 1.0), ("beta", "2", 1.0)])
    _warehouse(tmp_path / "spark.duckdb", [("acme", "1", 1.0)])
    values = {c.mart: c for c in compare_marts(tmp_path / "duckdb.duckdb", tmp_path / "spark.duckdb")}["fct_kpi_values"]
    assert values.rows == (2, 1) and not values.is_identical


def test_raw_tables_go_to_parquet_and_spark_tables_come_back(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.documents as select 'a.txt' as document_path, 3 as value_count")
        con.execute("create table raw.reported_values as select 1 as line_number where false")
    write_raw_parquet(database, tmp_path / "raw")
    assert main(["raw-parquet", "--warehouse", str(database), "--out", str(tmp_path / "raw-again")]) == 0
    assert sorted(path.name for path in (tmp_path / "raw-again").iterdir()) == sorted(
        path.name for path in (tmp_path / "raw").iterdir()
    )
    written = sorted(path.name for path in (tmp_path / "raw").iterdir())
    assert written == ["documents.parquet", "reported_values.parquet"]
    assert dbt_environment(tmp_path)["RAW_PARQUET"] == str((tmp_path / "raw").absolute())

    # Spark's layout: <schema>.db/<table>/part-*.parquet, an empty table a file with its columns only
    findings = tmp_path / SPARK_WAREHOUSE / "marts.db" / "fct_audit_findings"
    findings.mkdir(parents=True)
    (tmp_path / SPARK_WAREHOUSE / "marts.db" / "not_a_table").mkdir()
    with duckdb.connect() as con:
        con.execute(f"copy (select 'identity' as check_code, 'pass' as status) to '{findings}/part-0.parquet'")
        con.execute(f"copy (select 'year_on_year' as check_code, 'flagged' as status) to '{findings}/part-1.parquet'")
    assert copy_spark_tables(database, tmp_path) == ["marts.fct_audit_findings"]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select * from marts.fct_audit_findings order by 1").fetchall() == [
            ("identity", "pass"),
            ("year_on_year", "flagged"),
        ]
        assert con.execute("select count(*) from raw.documents").fetchone()[0] == 1
