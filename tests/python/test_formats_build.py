"""One `make build` over a folder that mixes every input format and several companies.

The folder holds the bundled documents (Xiaomi text, Siemens and Shell PDFs, curated CSVs), the Xiaomi KPI tables
re-typed in Simplified Chinese with full-width digits, in English, as wide and long CSV and as
XLSX (each loaded under its own company code so that their values can be compared side by side),
and a synthetic earlier Siemens report that the FY2023 report restates.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from loaders.pipeline import read_document

from .helpers import FIXTURES, ROOT, run_make_build, write_kpi_workbook

VARIANTS = {
    "xiaomi_zh_hans": "xiaomi-2019-kpis.zh-Hans.txt",
    "xiaomi_en_text": "xiaomi-2019-kpis.en.txt",
    "xiaomi_wide_csv": "xiaomi-2019-kpis.wide.csv",
    "xiaomi_long_csv": "xiaomi-2019-kpis.long.csv",
}


def _as_company(sidecar: Path, target: Path, company_id: str) -> None:
    target.write_text(sidecar.read_text(encoding="utf-8").replace("company_id: xiaomi", f"company_id: {company_id}"))


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    reports = folder / "reports"
    shutil.copytree(ROOT / "reports", reports)
    for company_id, name in VARIANTS.items():
        shutil.copy(FIXTURES / name, reports / name)
        _as_company(FIXTURES / f"{name}.yml", reports / f"{name}.yml", company_id)
    english = read_document(FIXTURES / "xiaomi-2019-kpis.en.txt").extraction.values
    write_kpi_workbook(reports / "xiaomi-2019-kpis.xlsx", english)
    _as_company(FIXTURES / "xiaomi-2019-kpis.en.txt.yml", reports / "xiaomi-2019-kpis.xlsx.yml", "xiaomi_xlsx")
    for name in ("siemens-fy2022-kpis.synthetic.csv", "siemens-fy2022-kpis.synthetic.csv.yml"):
        shutil.copy(FIXTURES / name, reports / name)
    result, warehouse = run_make_build(folder)
    return result, warehouse


def query(warehouse: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_the_mixed_folder_builds_in_one_go(build):
    result, warehouse = build
    assert result.returncode == 0, result.stdout + result.stderr
    formats = query(warehouse, "select document_format, count(*) from marts.dim_documents group by 1 order by 1")
    assert formats == [("csv", 6), ("pdf", 2), ("text", 3), ("xlsx", 1)]
    assert "documents: 12," in result.stdout
    for line in (
        "siemens_sustainability_report_fy2023.pdf: 268 values (",
        "shell_2019_sustainability_report_4page_excerpt.pdf: 280 values (",
        "xiaomi-2019-kpis.xlsx: 18 values (18 mapped), 0 rejects, 0 unmapped labels",
    ):
        assert line in result.stdout


@pytest.mark.parametrize("company_id", [*VARIANTS, "xiaomi_xlsx"])
def test_every_retyping_of_the_xiaomi_tables_gives_the_same_kpi_values(build, company_id):
    _, warehouse = build
    sql = """
        select metric_code, fiscal_year, is_reported, value_canonical, value_lower, value_upper, canonical_unit,
               decimals_printed, value_qualifier, hkex_kpi, gri_disclosure, boundary_code
        from marts.fct_kpi_values where company_id = ? and fiscal_year = 2019
            and metric_code <> 'community_investment_total'  -- from the curated donations table, not the KPI tables
        order by metric_code
    """
    original = query(warehouse, sql, "xiaomi")
    assert len(original) == 18
    assert query(warehouse, sql, company_id) == original


def test_n_a_cells_are_null_never_zero(build):
    _, warehouse = build
    rows = query(
        warehouse,
        "select is_reported, value_canonical, not_reported_as_printed, count(*) from marts.fct_kpi_values"
        " where company_id = 'xiaomi_wide_csv' and fiscal_year = 2018 group by all",
    )
    assert rows == [(False, None, "N/A", 18)]


def test_pdf_tables_load_with_pages_every_year_and_canonical_units(build):
    _, warehouse = build
    siemens = query(
        warehouse,
        "select fiscal_year, value_canonical, canonical_unit, value_as_printed, unit_as_printed, page_number, location"
        " from marts.fct_kpi_values where company_id = 'siemens' and metric_code = 'ghg_scope_1' order by 1",
    )
    assert siemens == [
        (2022, Decimal(393000), "tCO2e", "393", "1,000 metric tons of CO2e emissions", 109, "page 109 row 1"),
        (2023, Decimal(387000), "tCO2e", "387", "1,000 metric tons of CO2e emissions", 109, "page 109 row 1"),
    ]
    energy = query(
        warehouse,
        "select value_canonical, canonical_unit from marts.fct_kpi_values"
        " where company_id = 'siemens' and metric_code = 'energy_total' and fiscal_year = 2023",
    )
    assert energy[0][1] == "MWh" and energy[0][0] == pytest.approx(
        Decimal("9115000") / Decimal("3.6"), rel=Decimal("1e-9")
    )
    water = query(
        warehouse,
        "select value_canonical, page_number from marts.fct_kpi_values"
        " where company_id = 'siemens' and metric_code = 'water_withdrawal' and fiscal_year = 2023",
    )
    assert water == [(Decimal(14260000), 113)]
    shell = query(
        warehouse,
        "select fiscal_year, value_canonical, page_number from marts.fct_kpi_values"
        " where company_id = 'shell' and metric_code = 'ghg_scope_1' order by 1",
    )
    assert [row[0] for row in shell] == list(range(2010, 2020))
    assert [row[1] for row in shell] == [Decimal(v * 10**6) for v in (76, 74, 72, 73, 76, 72, 70, 73, 71, 70)]
    assert {row[2] for row in shell} == {4}


def test_scope_2_methods_and_scope_3_totals_stay_apart(build):
    _, warehouse = build
    metrics = dict(
        query(
            warehouse,
            "select metric_code, value_as_printed from marts.fct_kpi_values"
            " where company_id = 'siemens' and fiscal_year = 2023",
        )
    )
    assert (metrics["ghg_scope_2_market_based"], metrics["ghg_scope_2_location_based"]) == ("163", "624")
    assert "ghg_scope_2" not in metrics  # neither method is "method not stated"
    # The cradle-to-gate figure includes upstream scope 3: it is not a scope 1 + 2 total.
    assert metrics["ghg_scope_1_2_3_upstream"] == "11,598"
    assert metrics["ghg_scope_1_2_market_based"] == "550"
    identities = query(
        warehouse,
        "select identity_code, list(part_metric_code order by part_metric_code) from seeds.metric_identities"
        " where total_metric_code = 'ghg_scope_1_2_3_upstream' group by 1",
    )
    assert identities == [("ghg_cradle_to_gate", ["ghg_scope_1_2_market_based", "ghg_scope_3_upstream"])]


def test_a_later_report_restating_a_year_keeps_both_and_marks_the_latest(build):
    _, warehouse = build
    restated = query(
        warehouse,
        "select metric_code, old_value_as_printed, new_value_as_printed, old_document_path, new_document_path,"
        " new_location, new_footnote_markers, is_changed, is_beyond_rounding"
        " from marts.fct_kpi_restatements where company_id = 'siemens' order by metric_code",
    )
    by_metric = {row[0]: row[1:] for row in restated}
    old, new, old_path, new_path, location, markers, changed, beyond = by_metric["waste_total"]
    assert (old, new, changed, beyond) == ("256.0", "256.2", True, True)
    assert old_path.endswith("siemens-fy2022-kpis.synthetic.csv")
    assert new_path.endswith("siemens_sustainability_report_fy2023.pdf")
    assert (location, markers) == ("page 112 row 3", "4")  # note 4: change caused by subsequent adjustment
    assert by_metric["hazardous_waste"][-2:] == (False, False)
    latest = query(
        warehouse,
        "select value_as_printed, document_count, document_path from marts.fct_kpi_values"
        " where company_id = 'siemens' and fiscal_year = 2022 and metric_code = 'waste_total'",
    )
    assert latest[0][:2] == ("256.2", 2) and latest[0][2].endswith(".pdf")
    both = query(
        warehouse,
        "select value_as_printed, is_latest from marts.fct_kpi_reported_values"
        " where company_id = 'siemens' and fiscal_year = 2022 and metric_code = 'waste_total' order by 1",
    )
    assert both == [("256.0", False), ("256.2", True)]


def test_unknown_labels_land_with_their_closest_candidates(build):
    result, warehouse = build
    rows = query(
        warehouse,
        "select label_as_printed, first_location, value_count, closest_metric_code from marts.fct_unmapped_labels"
        " where company_id = 'shell' and label_key like 'scope 1 – upstream%'",
    )
    assert rows == [("Scope 1 – Upstream (million tonnes CO2 equivalent)", "page 4 row 10", 10, "ghg_scope_1")]
    count = query(warehouse, "select count(*) from marts.fct_unmapped_labels")[0][0]
    assert f"unmapped labels: {count}" in result.stdout
    assert "WARN assert_every_label_maps_to_a_metric" in result.stdout
