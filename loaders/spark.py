"""Apache Spark as the engine of a build (`make build ENGINE=spark`) and its comparison with DuckDB
(`make test-spark`).

The loaders write the raw tables into the build's DuckDB file as always; for Spark they are also
written as Parquet (`raw/<table>.parquet`, which macros/source.sql reads on Spark). dbt-spark runs
every seed, model and test in a local Spark session: its tables are Parquet under `spark-warehouse/`,
its metastore (`metastore_db/`) beside them, in the build folder. The tables Spark made are then
copied into the build's DuckDB file, so that the summary, the exports and publishing are those of a
DuckDB build, and BI tools read the same kind of file.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import REFUSED_EXIT
from loaders.warehouse import connect, sql_literal

RAW_FOLDER = "raw"
SPARK_WAREHOUSE = "spark-warehouse"


def write_raw_parquet(database: Path, folder: Path) -> None:
    """Every raw table of the DuckDB file as `folder/<table>.parquet`."""
    folder.mkdir(parents=True, exist_ok=True)
    with connect(database, read_only=True) as con:
        tables = con.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        for (table,) in tables:
            con.execute(f"copy raw.{table} to {sql_literal(folder / f'{table}.parquet')} (format parquet)")


def dbt_environment(build: Path) -> dict[str, str]:
    """What dbt's `spark` target (profiles.yml) reads: the raw Parquet and where Spark keeps its tables."""
    return {
        "DBT_TARGET": "spark",
        "RAW_PARQUET": str((build / RAW_FOLDER).absolute()),
        "SPARK_WAREHOUSE": str((build / SPARK_WAREHOUSE).absolute()),
    }


def copy_spark_tables(database: Path, build: Path) -> list[str]:
    """Every table Spark wrote (`<schema>.db/<table>/`) into the DuckDB file, replacing a table of that
    name; returns them as schema.table. Spark writes an empty table as a file with its columns only."""
    copied = []
    with connect(database) as con:
        for schema_folder in sorted((build / SPARK_WAREHOUSE).glob("*.db")):
            schema = schema_folder.name.removesuffix(".db")
            con.execute(f"create schema if not exists {schema}")
            for table_folder in sorted(path for path in schema_folder.iterdir() if path.is_dir()):
                if not any(table_folder.glob("*.parquet")):
                    continue
                con.execute(
                    f"create or replace table {schema}.{table_folder.name} as"
                    f" select * from read_parquet({sql_literal(table_folder / '*.parquet')})"
                )
                copied.append(f"{schema}.{table_folder.name}")
        con.execute("checkpoint")
    return copied


@dataclass(frozen=True)
class MartComparison:
    mart: str
    rows: tuple[int, int]
    differing_rows: int
    first_difference: str | None

    @property
    def is_identical(self) -> bool:
        return self.rows[0] == self.rows[1] and self.differing_rows == 0

    def __str__(self) -> str:
        if self.is_identical:
            return f"  {self.mart}: identical ({self.rows[0]} rows)"
        return (
            f"  {self.mart}: DIFFERS ({self.rows[0]} rows on DuckDB, {self.rows[1]} on Spark,"
            f" {self.differing_rows} differing); first: {self.first_difference}"
        )


# Floats are computed in another order on another engine: equal within this share of the larger.
FLOAT_TOLERANCE = 1e-9


def _same(duckdb_value: object, spark_value: object) -> bool:
    if isinstance(duckdb_value, float) and isinstance(spark_value, float):
        if math.isnan(duckdb_value) or math.isnan(spark_value):
            return math.isnan(duckdb_value) and math.isnan(spark_value)
        scale = max(abs(duckdb_value), abs(spark_value))
        return abs(duckdb_value - spark_value) <= FLOAT_TOLERANCE * scale
    return duckdb_value == spark_value  # decimals exactly, whatever the scale they were stored with


def compare_marts(duckdb_warehouse: Path, spark_warehouse: Path) -> list[MartComparison]:
    """Every mart of the DuckDB build beside the same mart built by Spark, row for row: both ordered by
    every column but the floats, then the floats; text, integers and decimals equal exactly, floats
    within FLOAT_TOLERANCE."""
    comparisons = []
    with connect(duckdb_warehouse, read_only=True) as con:
        con.execute(f"attach {sql_literal(spark_warehouse)} as spark (read_only)")
        own = con.execute("select current_database()").fetchone()[0]
        marts = con.execute(
            "select table_name from duckdb_tables() where database_name = current_database()"
            " and schema_name = 'marts' union all select view_name from duckdb_views()"
            " where database_name = current_database() and schema_name = 'marts' order by 1"
        ).fetchall()
        for (mart,) in marts:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() where database_name = current_database()"
                " and schema_name = 'marts' and table_name = ? order by column_index",
                [mart],
            ).fetchall()
            names = [name for name, _ in columns]
            floats = {name for name, data_type in columns if data_type in ("DOUBLE", "FLOAT")}
            order = ", ".join([*(f'"{n}"' for n in names if n not in floats), *(f'"{n}"' for n in floats)])
            selected = ", ".join(f'"{name}"' for name in names)
            rows = []
            for database in (own, "spark"):
                rows.append(
                    con.execute(
                        f"select {selected} from {database}.marts.{mart} order by {order} nulls last"
                    ).fetchall()
                )
            differing = [
                (duckdb_row, spark_row)
                for duckdb_row, spark_row in zip(*rows, strict=False)
                if not all(map(_same, duckdb_row, spark_row))
            ]
            first = None
            if differing:
                duckdb_row, spark_row = differing[0]
                first = "; ".join(
                    f"{name}: {a!r} vs {b!r}"
                    for name, a, b in zip(names, duckdb_row, spark_row, strict=True)
                    if not _same(a, b)
                )
            comparisons.append(MartComparison(mart, (len(rows[0]), len(rows[1])), len(differing), first))
    return comparisons


def _dbt_build(project: Path, folder: Path, environment: dict[str, str]) -> tuple[int, dict[str, str]]:
    """`dbt build` in `folder` (its warehouse.duckdb, or Spark's tables there): the exit status and each
    test's status (unit tests included: they run on the engine too)."""
    from loaders.build import dbt_build_command

    environment = {**os.environ, "WAREHOUSE": "warehouse.duckdb", **environment}
    target = folder / "dbt"
    status = subprocess.run(dbt_build_command(project, target), env=environment, cwd=folder, check=False).returncode
    results_path = target / "run_results.json"
    results = json.loads(results_path.read_text(encoding="utf-8"))["results"] if results_path.exists() else []
    return status, {r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith(("test.", "unit_test."))}


def compare_engines(
    reports: list[Path], folder: Path, project: Path, metadata: list[Path], company_years: int, broken: bool
) -> int:
    """Load the reports and a generated panel once; build them with dbt on DuckDB and on Spark; compare
    every mart and every check's status. 0 when both engines agree on all of them, else 1."""
    from loaders.bench import SIDECAR, break_energy_total, write_dataset
    from loaders.cli import main as loaders_main

    shutil.rmtree(folder, ignore_errors=True)
    panel = folder / "panel" / "generated-panel.csv"
    panel.parent.mkdir(parents=True)
    write_dataset(panel, company_years)
    panel.with_name(panel.name + ".yml").write_text(SIDECAR, encoding="utf-8")
    if broken:
        break_energy_total(panel)
    engines = {"duckdb": folder / "duckdb", "spark": folder / "spark"}
    engines["duckdb"].mkdir()
    database = engines["duckdb"] / "warehouse.duckdb"
    folders = [argument for path in metadata for argument in ("--metadata", str(path))]
    loaded = loaders_main(["load", *map(str, [*reports, panel.parent]), "--warehouse", str(database), *folders])
    if loaded not in (0, REFUSED_EXIT):
        return loaded
    engines["spark"].mkdir()
    shutil.copyfile(database, engines["spark"] / "warehouse.duckdb")
    write_raw_parquet(database, engines["spark"] / RAW_FOLDER)
    statuses, checks = {}, {}
    for engine, path in engines.items():
        statuses[engine], checks[engine] = _dbt_build(project, path, dbt_environment(path) if engine == "spark" else {})
    copy_spark_tables(engines["spark"] / "warehouse.duckdb", engines["spark"])
    agree = True
    print(f"dbt build: exit status {statuses['duckdb']} on DuckDB, {statuses['spark']} on Spark")
    agree &= (statuses["duckdb"] == 0) == (statuses["spark"] == 0)
    if (statuses["duckdb"] != 0) != broken:  # the case must be what it stands for, on DuckDB too
        print(f"expected the DuckDB build to {'fail' if broken else 'pass'}")
        agree = False
    # Unit tests run on both engines: they are among the checks compared, and reported for Spark.
    shared = sorted(set(checks["duckdb"]) & set(checks["spark"]))
    differing = [test for test in shared if checks["duckdb"][test] != checks["spark"][test]]
    missing = sorted(set(checks["duckdb"]) - set(checks["spark"]))
    failing = sorted(test for test in shared if checks["duckdb"][test] in ("fail", "error"))
    print(
        f"checks: {len(shared)} on both engines, {len(differing)} with another status, {len(missing)} not run on Spark"
    )
    print(f"  failing on both: {', '.join(failing) or 'none'}")
    for test in differing:
        print(f"  DIFFERS {test}: {checks['duckdb'][test]} on DuckDB, {checks['spark'][test]} on Spark")
    unit = {test: status for test, status in checks["spark"].items() if test.startswith("unit_test.")}
    print(f"unit tests on Spark: {sum(s == 'pass' for s in unit.values())} of {len(unit)} pass")
    agree &= not differing and not missing and all(status == "pass" for status in unit.values())
    print("marts:")
    for comparison in compare_marts(database, engines["spark"] / "warehouse.duckdb"):
        print(comparison)
        agree &= comparison.is_identical
    print("the engines agree" if agree else "the engines DISAGREE")
    return 0 if agree else 1
