"""One `make build` over a folder that mixes every input format and several companies.

The folder holds the bundled documents (Xiaomi text, curated CSVs), the Xiaomi KPI tables
re-typed in Simplified Chinese with full-width digits, in English, as wide and long CSV and as
XLSX (each loaded under its own company code so that their values can be compared side by side).
The reference PDFs are built with them in test_reference_reports.py.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from loaders.pipeline import read_document

from .helpers import FIXTURES, ROOT, query, run_make_build, write_kpi_workbook
from .pdf_fixtures import SIEMENS_FIGURES, write_siemens_figures

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
    write_siemens_figures(reports)
    result, warehouse = run_make_build(folder)
    return result, warehouse


def test_the_mixed_folder_builds_in_one_go(build):
    result, warehouse = build
    assert result.returncode == 0, result.stdout + result.stderr
    formats = query(warehouse, "select document_format, count(*) from marts.dim_documents group by 1 order by 1")
    assert formats == [("csv", 5), ("pdf", 1), ("text", 3), ("xlsx", 1)]
    assert "documents: 10," in result.stdout
    assert "xiaomi-2019-kpis.xlsx: 18 values (18 mapped), 0 rejects, 0 unmapped labels" in result.stdout
    assert f"{SIEMENS_FIGURES}: 16 values (" in result.stdout


def test_pdf_tables_load_with_pages_every_year_and_canonical_units(build):
    _, warehouse = build
    rows = query(
        warehouse,
        "select fiscal_year, value_canonical, canonical_unit, value_as_printed, unit_as_printed, page_number, location"
        " from marts.fct_kpi_values where company_id = 'siemens' and metric_code in ('ghg_scope_1', 'waste_total')"
        " and members = ''"
        " order by metric_code, fiscal_year",
    )
    assert rows == [
        (2022, Decimal(393000), "tCO2e", "393", "1,000 metric tons of CO2e emissions", 1, "page 1 row 1"),
        (2023, Decimal(387000), "tCO2e", "387", "1,000 metric tons of CO2e emissions", 1, "page 1 row 1"),
        (2022, Decimal(256200), "t", "256.2", "1,000 tons", 2, "page 2 row 1"),
        (2023, Decimal(261200), "t", "261.2", "1,000 tons", 2, "page 2 row 1"),
    ]


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
