"""Incremental builds: a build on top of a published warehouse reads only the documents added or changed,
removes those gone, and recomputes only their companies, and its marts are those a full rebuild makes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from loaders.audit import mart_tables, project_sha256, table_content_hash
from loaders.bench import SIDECAR, write_dataset

from .helpers import ROOT, copy_community, copy_report, run_make_build

ACME_SIDECAR = "company: Acme\nfiscal_year: {year}\nlanguage: en\nsource: Acme {year} report\nboundary: the group\n"


def marts(warehouse: Path) -> dict[str, tuple[int, str]]:
    """Every mart's row count and content hash (order and load times aside)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {table: table_content_hash(con, f"marts.{table}") for table in mart_tables(con)}


def build_info(warehouse: Path) -> tuple[bool, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select is_incremental, project_sha256 from meta.build_info").fetchone()


def dbt_results(folder: Path) -> list[dict]:
    """The nodes the last build of folder ran, with their results."""
    return json.loads((folder / "dbt" / "run_results.json").read_text())["results"]


def write_report(path: Path, text: str, sidecar: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.with_name(path.name + ".yml").write_text(sidecar, encoding="utf-8")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A panel of 30 companies and the Xiaomi report, built; then, incrementally: the Xiaomi report removed,
    its community investment figures and a new company's report added, and a panel company's later report
    restating one of its figures; then the same reports rebuilt from nothing."""
    folder = tmp_path_factory.mktemp("incremental")
    reports = folder / "reports"
    report = copy_report(reports)
    panel = reports / "panel.csv"
    write_dataset(panel, company_years=300)
    panel.with_name(panel.name + ".yml").write_text(SIDECAR, encoding="utf-8")
    first, warehouse = run_make_build(folder)
    assert first.returncode == 0, first.stdout + first.stderr
    before = marts(warehouse)
    served = warehouse.resolve()
    again, _ = run_make_build(folder)
    assert again.returncode == 0, again.stdout + again.stderr
    again.served = served, warehouse.resolve(), os.readlink(served.parent.parent / "last")

    for path in (report, report.with_name(report.name + ".yml")):
        path.unlink()
    copy_community(reports)
    write_report(
        reports / "acme-2023.csv", "KPI,Unit,FY2023\nScope 1 emissions,tCO2e,1200\n", ACME_SIDECAR.format(year=2023)
    )
    write_report(
        reports / "company_0000001-2025.csv",
        'KPI,Unit,FY2023\nDirect greenhouse gas emissions (Scope 1),tCO2e,"12,345.67"\n',
        "company_id: company_0000001\nfiscal_year: 2025\nlanguage: en\nsource: restated figures\nboundary: the group\n",
    )
    incremental, _ = run_make_build(folder)
    assert incremental.returncode == 0, incremental.stdout + incremental.stderr
    after = marts(warehouse), build_info(warehouse)
    incremental.nodes = dbt_results(folder)
    [test_sql] = (folder / "dbt" / "compiled").rglob("non_negative_fct_kpi_values_value_canonical__metric_code.sql")
    incremental.kpi_values_test_sql = test_sql.read_text(encoding="utf-8")
    full, _ = run_make_build(folder, full=True)
    assert full.returncode == 0, full.stdout + full.stderr
    incremental.full_nodes = dbt_results(folder)
    return warehouse, before, incremental, after, (marts(warehouse), build_info(warehouse)), again


def test_a_build_with_nothing_changed_keeps_the_published_one(rebuilt):
    again = rebuilt[5]
    before, after, last = again.served
    assert after == before
    assert f"nothing changed since build {before.parent.name}" in again.stdout
    assert "checks:" not in again.stdout  # dbt did not run
    assert last == before.parent.name  # what `make audit` reads


def test_an_incremental_build_reads_only_what_changed(rebuilt):
    _, _, incremental, (_, (is_incremental, project)), _ = rebuilt[:5]
    assert "incremental build from" in incremental.stdout
    assert "1 document(s) unchanged since loaded: not read again" in incremental.stderr  # the panel
    assert "loaded 3 document(s)" in incremental.stdout
    assert is_incremental and project == project_sha256(ROOT)


def test_it_refreshes_the_tables_and_tests_the_rows_but_not_what_the_project_alone_makes(rebuilt):
    nodes = {result["unique_id"] for result in rebuilt[2].nodes}
    models = {node.split(".")[-1] for node in nodes if node.startswith("model.")}
    tests = {node.split(".")[2] for node in nodes if node.startswith("test.")}
    assert not any(node.startswith("seed.") for node in nodes)
    assert {"int_metric_values_converted", "fct_kpi_reported_values", "fct_audit_findings", "dim_documents"} <= models
    assert not models & {"stg_reports__values", "fct_kpi_values", "audit_identities", "metricflow_time_spine"}  # views
    # the tests of views (fct_kpi_values) and of tables beside seeds run; those of seeds alone do not
    assert any(test.startswith("unique_combination_of_columns_fct_kpi_values_") for test in tests)
    assert any(test.startswith("relationships_fct_audit_findings_check_code_") for test in tests)
    assert not any(test.startswith("not_null_columns_kpi_catalogue_") for test in tests)
    assert any(
        result["unique_id"].startswith("test.esg_warehouse.not_null_columns_kpi_catalogue_")
        for result in rebuilt[2].full_nodes
    )  # a full build runs it


def test_its_tests_of_rows_by_company_read_the_changed_companies_only(rebuilt):
    """The other companies' rows are those the published build tested."""
    assert "company_id in ('acme', 'company_0000001', 'xiaomi')" in rebuilt[2].kpi_values_test_sql


def test_its_marts_are_those_a_full_rebuild_makes(rebuilt):
    _, before, _, (incremental, _), (full, (is_incremental, _)) = rebuilt[:5]
    assert not is_incremental
    assert incremental == full
    changed = {table for table in full if full[table] != before[table]}
    assert {"fct_kpi_values", "fct_kpi_reported_values", "fct_audit_findings", "dim_documents"} <= changed


def test_the_rebuilt_marts_hold_the_unchanged_panel_and_the_changes(rebuilt):
    warehouse = rebuilt[0]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        companies = con.execute("select count(distinct company_id) from marts.fct_kpi_values").fetchone()[0]
        documents = con.execute("select document_path from marts.dim_documents order by 1").fetchall()
        restated = con.execute(
            "select value_as_printed from marts.fct_kpi_values"
            " where company_id = 'company_0000001' and fiscal_year = 2023 and metric_code = 'ghg_scope_1'"
        ).fetchall()
    assert companies == 30 + 2  # the panel, Xiaomi (community investment) and Acme
    assert not any("esg-report" in path for (path,) in documents)
    assert restated == [("12,345.67",)]  # the later report restates the panel's figure


def test_a_changed_project_rebuilds_from_nothing(tmp_path):
    """The project hash covers loaders, models, macros and seeds: a change to any starts a build empty."""
    for name in ("dbt_project.yml", "models/a.sql", "seeds/s.csv", "loaders/x.py", "README.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("select 1\n", encoding="utf-8")
    first = project_sha256(tmp_path)
    (tmp_path / "README.md").write_text("a note\n", encoding="utf-8")
    assert project_sha256(tmp_path) == first
    for name in ("models/a.sql", "seeds/s.csv", "loaders/x.py"):
        (tmp_path / name).write_text("select 2\n", encoding="utf-8")
        assert project_sha256(tmp_path) != first
        first = project_sha256(tmp_path)
