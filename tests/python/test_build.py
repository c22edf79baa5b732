"""`make build` end to end, as a user runs it: load, dbt models and tests, summary, exit code.

Each case builds a scratch warehouse from a copy of the bundled report, altered where the case needs.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import REPORT, build_report_copy, line_of, query


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("bundled")
    result, warehouse = build_report_copy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, warehouse, tmp_path / "reports" / REPORT.name


def test_build_summary_counts_documents_values_rejects_intensities_and_checks(bundled):
    result, warehouse, _ = bundled
    assert f"published {warehouse}" in result.stdout
    assert "documents: 1, values: 18, rejects: 0, unmapped labels: 0" in result.stdout
    assert "intensities: 17 (agrees 1, boundary_mismatch 4, denominator_not_disclosed 3, derived_only 9)" in (
        result.stdout
    )
    assert " 0 failed, 0 errored" in result.stdout


def test_kpi_values_hold_every_row_of_both_tables_exactly_as_printed(bundled, report_text):
    _, warehouse, document = bundled
    rows = query(
        warehouse,
        "select line_number, label_as_printed, value_as_printed, value_canonical, decimals_printed, document_path,"
        " table_heading from marts.fct_kpi_values order by line_number",
    )
    assert [row[0] for row in rows] == [*range(1003, 1012), *range(1024, 1033)]
    for line, label, printed, canonical, decimals, path, heading in rows:
        assert line_of(report_text, line) == f"{label}\t{printed}"
        assert canonical == Decimal(printed.replace(",", ""))  # every printed unit here is already canonical
        assert decimals == len(printed.partition(".")[2])
        assert path == str(document)
        assert heading == ("1. 排放物" if line < 1020 else "2. 能源及資源消耗")


def test_kpi_values_carry_hkex_and_gri_codes(bundled):
    _, warehouse, _ = bundled
    rows = dict(query(warehouse, "select metric_code, hkex_kpi || ' / ' || gri_disclosure from marts.fct_kpi_values"))
    assert rows["ghg_scope_1"] == "A1.2 / 305-1"
    assert rows["energy_total"] == "A2.1 / 302-1"
    assert rows["packaging_material"] == "A2.5 / 301-1"


def test_intensities_hold_their_inputs_and_judgement(bundled):
    _, warehouse, _ = bundled
    rows = {
        row[0]: row[1:]
        for row in query(
            warehouse,
            "select metric_code, status, numerator_value, denominator_value, derived_value, printed_value_as_printed,"
            " agrees_at_printed_precision, implied_denominator_lower, implied_denominator_upper,"
            " has_boundary_mismatch from marts.fct_kpi_intensities",
        )
    }
    # Packaging per CNY million: 74,337.82 t / 205.8 bn (205,750 to 205,850 m) vs the printed 0.36.
    status, numerator, denominator, derived, printed, agrees, *_, mismatch = rows["packaging_per_revenue"]
    assert (status, numerator, denominator, printed, agrees, mismatch) == (
        "agrees",
        Decimal("74337.82"),
        Decimal("205800"),
        "0.36",
        True,
        False,
    )
    assert derived == pytest.approx(74337.82 / 205800)
    # tCO2e per m2 of office floor area: no floor area disclosed; the printed 0.042 implies one.
    status, numerator, denominator, derived, printed, agrees, low, high, mismatch = rows[
        "ghg_intensity_office_floor_area"
    ]
    assert (status, denominator, derived, printed) == ("denominator_not_disclosed", None, None, "0.042")
    assert (low, high) == (pytest.approx(22782.255 / 0.0425), pytest.approx(22782.265 / 0.0415))
    assert mismatch  # the printed figure covers offices only, the numerator the whole boundary
    # MWh per head: office energy per head vs group headcount covers different boundaries.
    status, numerator, denominator, derived, printed, agrees, *_, mismatch = rows["energy_per_capita_offices"]
    assert (status, denominator, printed, mismatch) == ("boundary_mismatch", Decimal("18170"), "1.61", True)
    assert derived == pytest.approx(34282.58 / 18170)


@pytest.mark.parametrize(
    ("total", "holds"),
    [("22,782.27", True), ("22,782.28", False), ("22,772.26", False)],
)
def test_scope_1_plus_2_is_judged_at_printed_precision(tmp_path, total, holds):
    # 283.42 + 22,498.84 is [22,782.25, 22,782.27]; a total printed to 2 decimals spans +/- 0.005, so
    # 22,782.27 differs only by rounding (the bundled 22,782.26 is exact) and 22,782.28 does not.
    result, _ = build_report_copy(tmp_path, {1003: f"溫室氣體排放總量(範圍一及範圍二)(噸)\t{total}"})
    assert (result.returncode == 0) is holds, result.stdout
    if not holds:
        assert "FAIL assert_hard_findings_hold" in result.stdout
        assert f"identity ghg_scope_1_plus_2 does not hold for xiaomi 2019 in {tmp_path}/reports/" in result.stdout
        assert f"total ghg_scope_1_2 {total} 噸 (line 1003)" in result.stdout
        assert "ghg_scope_1 283.42 噸 (line 1004) + ghg_scope_2 22,498.84 噸 (line 1005) sum to" in result.stdout
        assert "build failed" in result.stdout


def test_a_changed_component_fails_the_build_naming_identity_document_line_and_numbers(tmp_path):
    result, _ = build_report_copy(tmp_path, {1004: "直接溫室氣體排放總量(範圍一)(噸)\t293.42"})
    assert result.returncode != 0
    assert (
        f"identity ghg_scope_1_plus_2 does not hold for xiaomi 2019 in {tmp_path}/reports/{REPORT.name}: total "
        "ghg_scope_1_2 22,782.26 噸 (line 1003) is [22782.255, 22782.265] tCO2e; parts ghg_scope_1 293.42 噸 "
        "(line 1004) + ghg_scope_2 22,498.84 噸 (line 1005) sum to [22792.25, 22792.27] tCO2e; the intervals do not "
        "overlap"
    ) in result.stdout


def test_energy_parts_must_sum_too(tmp_path):
    result, _ = build_report_copy(tmp_path, {1025: "直接能源消耗總量(兆瓦時)\t1,459.47"})
    assert result.returncode != 0
    assert "identity energy_direct_plus_indirect does not hold" in result.stdout
