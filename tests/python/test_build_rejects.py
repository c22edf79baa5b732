"""`make build` of altered copies of the bundled report, as a user runs it: a garbled line, a rejected part, a
unit of the wrong dimension, a refused document, a failed build; what each keeps, rejects and names."""

from __future__ import annotations

from .helpers import REPORT, build_report_copy, copy_report, query, run_make_build


def test_a_garbled_line_is_rejected_with_file_and_line_and_nothing_else_is_lost(tmp_path):
    result, warehouse = build_report_copy(tmp_path, {1029: "用水總量(噸)\t144,8O3.29"})
    assert result.returncode == 0, result.stdout
    assert f"{tmp_path}/reports/{REPORT.name}:1029: rejected (malformed_number): malformed number" in result.stderr
    assert "documents: 1, values: 17, rejects: 1, unmapped labels: 0" in result.stdout
    assert "WARN assert_no_rejected_lines" in result.stdout
    assert query(warehouse, "select count(*) from marts.fct_kpi_values") == [(17,)]
    assert query(warehouse, "select line_number, reason_code, line_text from marts.fct_rejected_lines") == [
        (1029, "malformed_number", "用水總量(噸)\t144,8O3.29")
    ]


def test_an_identity_whose_part_was_rejected_names_the_rejected_line(tmp_path):
    result, warehouse = build_report_copy(tmp_path, {1005: "間接溫室氣體排放總量(範圍二)(噸)\t22,49B.84"})
    assert result.returncode == 0, result.stdout
    [(status, reason)] = query(
        warehouse,
        "select status, status_reason from marts.fct_audit_findings where subject = 'ghg_scope_1_plus_2'",
    )
    assert (status, reason) == (
        "not_evaluable",
        "parts not printed as numbers: ghg_scope_2; rejected in the total's table: line 1005 (malformed_number)",
    )


def test_a_unit_of_the_wrong_dimension_is_never_a_fact_of_the_metric_and_rejects_only_that_value(tmp_path):
    # The recognizer does not read tonnes as energy: the row is unmapped, with why.
    result, warehouse = build_report_copy(tmp_path, {1024: "綜合能源消耗總量(噸)\t34,282.58"})
    assert result.returncode == 0, result.stdout
    assert query(warehouse, "select label_as_printed, recognition_note from marts.fct_unmapped_labels") == [
        ("綜合能源消耗總量(噸)", "unit t does not fit energy_total")
    ]
    # A decision written down for it is held to the metric's unit: that value is a reject naming the
    # line, the rest of the document is published.
    sidecar = tmp_path / "reports" / f"{REPORT.name}.yml"
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8")
        + "  - label: 綜合能源消耗總量\n    metric: energy_total\n    basis: the table's total energy\n",
        encoding="utf-8",
    )
    result, warehouse = run_make_build(tmp_path)
    assert result.returncode == 0, result.stdout
    reason = (
        "unit '噸' (t) does not fit metric energy_total (a quantity of energy in MWh); label '綜合能源消耗總量(噸)'"
    )
    assert f"{REPORT.name} line 1024: rejected (unit_conflict): {reason}" in result.stdout
    assert query(warehouse, "select line_number, reason_code, reason from marts.fct_rejected_lines") == [
        (1024, "unit_conflict", reason)
    ]
    assert query(warehouse, "select count(*) from marts.fct_kpi_values where metric_code = 'energy_total'") == [(0,)]
    assert query(warehouse, "select value_count, reject_count from marts.dim_documents") == [(17, 1)]
    # Its identity cannot be judged, and says which rejected value the total was.
    assert query(
        warehouse,
        "select status, status_reason from marts.fct_audit_findings where subject = 'energy_direct_plus_indirect'",
    ) == [("not_evaluable", "the total energy_total is not printed; rejected: line 1024 (unit_conflict)")]


def test_a_refused_document_does_not_sink_the_others_unless_strict(tmp_path):
    report = copy_report(tmp_path / "reports")
    sidecar = (tmp_path / "reports" / f"{REPORT.name}.yml").read_text(encoding="utf-8")
    for name, text in (("empty.csv", ""), ("shifted.csv", "indicator,unit,value\nWater consumption,m3,2019,12\n")):
        (tmp_path / "reports" / name).write_text(text, encoding="utf-8")
        (tmp_path / "reports" / f"{name}.yml").write_text(sidecar, encoding="utf-8")
    result, warehouse = run_make_build(tmp_path)
    # Published without them, and the status says so: the loader's 3, which make reports as its Error 3.
    assert "Error 3" in result.stderr and f"published {warehouse}" in result.stdout, result.stdout + result.stderr
    refused = result.stdout[: result.stdout.index(f"  {report}:")]  # listed before the documents published
    assert "REFUSED: 2 document(s)" in refused
    assert f"{tmp_path}/reports/empty.csv: empty CSV file: expected a header row" in refused
    assert "the header has 3 fields but every row has 4: the header does not fit the rows" in refused
    assert query(warehouse, "select document_status, count(*) from marts.dim_documents group by 1 order by 1") == [
        ("loaded", 1),
        ("refused", 2),
    ]
    assert query(
        warehouse,
        "select refused_line_number, refusal_reason from marts.dim_documents where document_path like '%shifted.csv'",
    ) == [(1, "the header has 3 fields but every row has 4: the header does not fit the rows")]
    assert query(warehouse, "select count(*) from marts.fct_kpi_values") == [(18,)]
    # STRICT=1: a refusal publishes nothing; the warehouse stays as it was.
    (tmp_path / "reports" / "empty.csv").write_text("indicator,unit,2019\n", encoding="utf-8")
    result, _ = run_make_build(tmp_path, strict=True)
    assert result.returncode != 0
    assert "STRICT: a document was refused, so nothing is published" in result.stderr
    assert query(warehouse, "select count(*) from marts.dim_documents where document_status = 'refused'") == [(2,)]


def test_a_failed_build_leaves_the_published_warehouse_as_it_was(tmp_path):
    result, warehouse = build_report_copy(tmp_path)
    assert result.returncode == 0, result.stdout
    scope_1 = "select value_as_printed from marts.fct_kpi_values where metric_code = 'ghg_scope_1'"
    assert query(warehouse, scope_1) == [("283.42",)]
    result, same_warehouse = build_report_copy(tmp_path, {1004: "直接溫室氣體排放總量(範圍一)(噸)\t293.42"})
    assert same_warehouse == warehouse
    assert result.returncode != 0
    assert f"build failed: {warehouse} is unchanged" in result.stdout
    assert query(warehouse, scope_1) == [("283.42",)]
