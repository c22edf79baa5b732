"""`python -m loaders explain COMPANY YEAR METRIC` as a user runs it, on a warehouse built from the bundled
reports and from two reports written here (another company, in Markdown and CSV, with a breakdown, a
restatement and a unit that converts inexactly), so that nothing is tuned to the bundled report's layout."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from loaders.explain import ExplainError, members_key, number

from .helpers import REPORT, ROOT, line_of, run_make_build

SIDECAR = """\
company: Northwind Freight plc
company_id: northwind
fiscal_year: {year}
language: en
source:
  title: Northwind Freight plc {title} (made up for tests/python/test_explain.py)
  publisher: Northwind Freight plc
  published: not published
boundary:
  code: group
  description: every operation the group controls
"""
MARKDOWN = "northwind-2023-sustainability.md"
MARKDOWN_TEXT = """\
# Northwind Freight plc — Sustainability Report 2023

<!-- page 41 -->

## Climate performance

Our greenhouse gas inventory follows the GHG Protocol.

| Indicator | Unit | 2023 | 2022 |
|---|---|---|---|
| Scope 1 emissions | '000 tCO2e | 12.4 | 13.1 |
| Scope 1 – CH4 | '000 tCO2e | 0.8 | 0.9 |
| Scope 2 emissions (market-based) | '000 tCO2e | 3.2 | 4.0 |
| Scope 2 emissions (location-based) | '000 tCO2e | 5.6 | 5.9 |
| Scope 1 and 2 emissions (market-based) | '000 tCO2e | 15.6 | 17.1 |
| Total energy consumption | GJ | 180,000 | 190,500 |
"""
# The next year's data file prints 2023's scope 1 again, changed beyond the rounding of 12.4 thousand.
CSV = "northwind-2024-kpis.csv"
CSV_TEXT = """\
indicator,unit,year,value
Scope 1 emissions,tonnes CO2e,2024,"11,950"
Scope 1 emissions,tonnes CO2e,2023,"12,610"
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("explain")
    reports = folder / "reports"
    shutil.copytree(ROOT / "reports", reports)
    (reports / MARKDOWN).write_text(MARKDOWN_TEXT, encoding="utf-8")
    (reports / f"{MARKDOWN}.yml").write_text(SIDECAR.format(year=2023, title="Sustainability Report 2023"))
    (reports / CSV).write_text(CSV_TEXT, encoding="utf-8")
    (reports / f"{CSV}.yml").write_text(SIDECAR.format(year=2024, title="KPI data 2024"))
    result, built = run_make_build(folder, reports=reports)
    assert result.returncode == 0, result.stdout + result.stderr
    return built


def explain(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "explain", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def section(output: str, title: str) -> str:
    """The lines of one section of the output (from its title to the next blank line)."""
    lines = output.split("\n")
    start = next(number for number, line in enumerate(lines) if line.startswith(title))
    end = next((number for number in range(start, len(lines)) if not lines[number]), len(lines))
    return "\n".join(lines[start:end])


def test_scope_1_is_traced_to_its_line_as_printed_and_the_identity_it_takes_part_in(warehouse, report_text):
    result = explain("xiaomi", "2019", "ghg_scope_1", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("xiaomi (Xiaomi Corporation) 2019  ghg_scope_1: Direct greenhouse gas emissions (scope 1)")
    figure = section(out, "Figure")
    assert "members    (total)" in figure
    assert "value      283.42 tCO2e  [283.415 .. 283.425]" in figure
    printed = section(out, "Printed")
    sha256 = hashlib.sha256(REPORT.read_bytes()).hexdigest()
    assert f"[stands] {warehouse.parent / 'reports' / REPORT.name}  sha256 {sha256[:12]}  line 1004" in printed
    assert f"line text    {line_of(report_text, 1004)}" in printed  # the line exactly as the report prints it
    assert "printed      283.42  unit 噸" in printed
    assert "table        1. 排放物  (section: 環境關鍵績效指標表)" in printed
    assert "conversion   283.42 噸 × 1 = 283.42 tCO2e" in printed
    assert "2 decimals printed: ± 0.005 噸 → [283.415 .. 283.425] tCO2e" in printed
    checks = section(out, "Checks")
    # metrics_involved names only the identity's total; scope 1 is one of the parts its inputs name.
    assert "identity ghg_scope_1_plus_2 [hard]: pass" in checks
    assert "parts ghg_scope_1 283.42 噸 (line 1004) + ghg_scope_2 22,498.84 噸 (line 1005)" in checks
    assert "identity energy_direct_plus_indirect" not in out
    intensities = section(out, "Intensities")
    assert "numerator of ghg_scope_1_intensity_revenue: derived_only; not printed" in intensities


def test_a_printed_intensity_shows_its_formula_inputs_and_comparison(warehouse, report_text):
    result = explain("xiaomi", "2019", "packaging_per_revenue", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "value      0.36 t/CNY m  [0.355 .. 0.365]" in out
    assert f"line text    {line_of(report_text, 1032)}" in out
    assert "currency CNY" in out
    assert "printed_intensity packaging_per_revenue [warning]: pass" in section(out, "Checks")
    intensities = section(out, "Intensities")
    assert "packaging_per_revenue: agrees" in intensities
    assert "formula      packaging_per_revenue = packaging_material [t] / revenue [¤ m]" in intensities
    assert "numerator    74,337.82 t from " in intensities
    assert "denominator  205,800 ¤ m from Xiaomi Corporation, annual results" in intensities
    assert "agrees at printed precision: yes" in intensities
    # Its numerator names the intensity it feeds.
    numerator = explain("xiaomi", "2019", "packaging_material", "--warehouse", warehouse)
    assert "numerator of packaging_per_revenue: agrees; printed 0.36 噸/百萬元" in numerator.stdout


def test_an_intensity_never_printed_is_explained_from_its_derivation(warehouse):
    result = explain("xiaomi", "2019", "ghg_scope_1_intensity_revenue", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    assert "value      not printed; derived 0.001377162 tCO2e/CNY m  [0.001376803 .. 0.001377521]" in result.stdout
    assert "Printed: never" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ("xiaomi", "2019", "ghg_scop_1"),
            "error: unknown metric 'ghg_scop_1' (not in marts.dim_metrics); nearest: ghg_scope_1, ",
        ),
        (("xiaomii", "2019", "ghg_scope_1"), "error: unknown company 'xiaomii' "),
        (("xiaomi", "2018", "ghg_scope_1"), "error: xiaomi has no figures for 2018; years: 2019, 2020, 2025"),
        (("xiaomi", "2019", "ghg_scope_3"), "error: xiaomi 2019 has no ghg_scope_3 (printed or derived); "),
        (
            ("northwind", "2023", "ghg_scope_2", "--members", "scope2_method=marked_based"),
            "error: northwind 2023 ghg_scope_2 has no figure for members scope2_method=marked_based; it has: "
            "scope2_method=location_based, scope2_method=market_based",
        ),
        (("northwind", "2023", "ghg_scope_1", "--members", "gas"), "error: --members 'gas': expected AXIS=MEMBER"),
    ],
)
def test_what_the_warehouse_does_not_hold_is_one_line_naming_what_it_does(warehouse, arguments, message):
    result = explain(*arguments, "--warehouse", warehouse)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_missing_or_unbuilt_warehouse_is_a_clear_error(tmp_path):
    result = explain("xiaomi", "2019", "ghg_scope_1", "--warehouse", tmp_path / "none.duckdb")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: {tmp_path / 'none.duckdb'}: no such warehouse (build one with `make build`, or name one with"
        " --warehouse)\n"
    )
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = explain("xiaomi", "2019", "ghg_scope_1", "--warehouse", empty)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"error: {empty}: no marts schema: not a built warehouse (run `make build`)\n"


def test_a_restated_figure_shows_both_printings_and_which_stands(warehouse):
    result = explain("northwind", "2023", "ghg_scope_1", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    reports = warehouse.parent / "reports"
    assert "value      12,610 tCO2e  [12,609.5 .. 12,610.5]" in section(out, "Figure")
    printed = section(out, "Printed 2 times")
    assert f"[superseded] {reports / MARKDOWN}  sha256 " in printed
    assert "line 11, column 2023" in printed
    assert "line text    | Scope 1 emissions | '000 tCO2e | 12.4 | 13.1 |" in printed
    assert "conversion   12.4 '000 tCO2e × 1,000 = 12,400 tCO2e" in printed
    assert "1 decimal printed: ± 0.05 '000 tCO2e → [12,350 .. 12,450] tCO2e" in printed
    assert f"[stands] {reports / CSV}  sha256 " in printed
    assert "line text    Scope 1 emissions\ttonnes CO2e\t2023\t12,610" in printed
    assert printed.index("  [superseded] ") < printed.index("  [stands] ")  # in the order the reports came out
    restated = section(out, "Restated")
    assert f"12.4 ({reports / MARKDOWN} line 11) → 12,610 ({reports / CSV} line 3): changed beyond rounding" in (
        restated
    )
    checks = section(out, "Checks")
    assert "identity ghg_scope_1_plus_2 {scope2_method=market_based} [hard]: pass" in checks
    assert "restatement ghg_scope_1 [info]: flagged" in checks
    assert "breakdown ghg_scope_1 by gas [hard]: not_evaluable" in checks
    assert "{gas=ch4}" not in checks  # the methane figure's own checks are its own
    # The total is explained; its breakdown is listed with the option that explains it.
    assert "gas=ch4: 800 tCO2e   --members gas=ch4" in section(out, "Breakdowns")


def test_members_pick_one_breakdown_and_its_own_checks(warehouse):
    result = explain("northwind", "2023", "ghg_scope_1", "--members", "gas=ch4", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "members    gas=ch4" in out
    assert "value      800 tCO2e  [750 .. 850]" in out
    assert "line text    | Scope 1 – CH4 | '000 tCO2e | 0.8 | 0.9 |" in out
    checks = section(out, "Checks")
    assert "year_on_year ghg_scope_1 {gas=ch4} [info]: pass" in checks
    assert "breakdown ghg_scope_1 by gas [hard]: not_evaluable" in checks  # cites the methane row
    assert "restatement" not in checks  # the total's, not this figure's
    assert "(total): 12,610 tCO2e   (without --members)" in section(out, "Breakdowns")


def test_without_a_total_every_breakdown_is_explained(warehouse):
    result = explain("northwind", "2023", "ghg_scope_2", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    figures = result.stdout.split("\nFigure\n")[1:]
    assert [figure.split("\n")[0] for figure in figures] == [
        "  members    scope2_method=location_based",
        "  members    scope2_method=market_based",
    ]
    assert "identity ghg_scope_1_plus_2" not in figures[0]  # a market-based identity
    assert "identity ghg_scope_1_plus_2 {scope2_method=market_based} [hard]: pass" in figures[1]


def test_an_inexact_conversion_is_shown_without_float_noise(warehouse):
    result = explain("northwind", "2023", "energy_total", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "value      50,000 MWh  [49,999.861 .. 50,000.139]" in out
    assert "conversion   180,000 GJ × 5 ÷ 18 = 50,000 MWh" in out
    assert "0 decimals printed: ± 0.5 GJ → [49,999.861 .. 50,000.139] MWh" in out
    assert "0000000" not in out


def test_a_conversion_no_decimal_holds_is_exact_to_the_last_stored_digit(warehouse):
    # 180,000 GJ is 50,000 MWh exactly; 190,500 GJ is 52,916.6 recurring MWh, stored rounded to 12 places,
    # its interval's ends rounded outwards so that it holds the exact one: no digit comes from a rounded factor.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select fiscal_year, value_canonical, value_lower, value_upper, canonical_multiplier, canonical_divisor"
            " from marts.fct_kpi_reported_values where company_id = 'northwind' and metric_code = 'energy_total'"
            " order by fiscal_year"
        ).fetchall()
    assert rows == [
        (2022, Decimal("52916.666666666667"), Decimal("52916.527777777777"), Decimal("52916.805555555556"), 5, 18),
        (2023, Decimal("50000"), Decimal("49999.861111111111"), Decimal("50000.138888888889"), 5, 18),
    ]


def test_numbers_and_members_are_written_as_people_write_them():
    assert number(Decimal("50000.000000040000"), step=Decimal("0.1388")) == "50,000"
    assert number(Decimal("283.420000000000")) == "283.42"
    assert number(Decimal("12400.000000000000")) == "12,400"
    assert number(0.3612138969873664) == "0.361213896987"
    assert number(Decimal("0.000066000000")) == "0.000066"
    assert number(None) == "-"
    assert members_key(["scope2_method=market_based", "gas=co2"]) == "gas=co2|scope2_method=market_based"
    assert members_key(None) is None
    with pytest.raises(ExplainError, match="two members for axis gas"):
        members_key(["gas=co2", "gas=ch4"])
