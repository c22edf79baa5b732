"""What a build produced: documents, values, rejects, intensities, checks, and every failed check's message."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb

from loaders.warehouse import connect

_MAX_ROWS_SHOWN = 20
_MAX_FINDINGS_SHOWN = 50  # per group; the mart has them all
_FINDINGS_TESTS = ("assert_hard_findings_hold", "assert_cross_checks_hold")
# Worst first: what fails the build, what a person accepted, cross-check failures, flags, the rest.
_FINDING_GROUPS = (
    ("FAIL (fails the build)", "fails_build"),
    ("FAIL (accepted in seeds/audit_exceptions.csv)", "is_excepted"),
    ("FAIL (cross-check, does not fail the build)", "status = 'fail' and severity <> 'hard'"),
    ("FLAGGED", "status = 'flagged'"),
    ("NOT EVALUABLE", "status = 'not_evaluable'"),
)


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int | None:
    try:
        return con.execute(sql).fetchone()[0]
    except duckdb.CatalogException:
        return None


def _failure_rows(con: duckdb.DuckDBPyConnection, relation: str | None) -> list[str]:
    """The stored rows of a failed check: its `failure_message` where it has one, else the row itself."""
    if not relation:
        return []
    try:
        columns = [row[0] for row in con.execute(f"describe {relation}").fetchall()]
        if "failure_message" in columns:
            rows = con.execute(f"select failure_message from {relation} order by 1 limit {_MAX_ROWS_SHOWN}").fetchall()
            return [row[0] for row in rows]
        rows = con.execute(f"select * from {relation} limit {_MAX_ROWS_SHOWN}").fetchall()
        return [", ".join(f"{name}={value}" for name, value in zip(columns, row, strict=False)) for row in rows]
    except duckdb.Error:
        return []


def _test_name(result: dict) -> str:
    unique_id = result["unique_id"]
    return unique_id.split(".")[2] if unique_id.count(".") >= 2 else unique_id


def _print_findings(con: duckdb.DuckDBPyConnection) -> None:
    """Every finding of fct_audit_findings: counts per check and status, then each one, worst first."""
    if _count(con, "select count(*) from marts.fct_audit_findings") is None:
        return
    tally = con.execute(
        "select check_code, any_value(severity), count(*) filter (where status = 'pass'),"
        " count(*) filter (where status = 'fail'), count(*) filter (where status = 'flagged'),"
        " count(*) filter (where status = 'not_evaluable'), count(*) filter (where is_excepted)"
        " from marts.fct_audit_findings group by check_code order by check_code"
    ).fetchall()
    print(f"findings: {sum(row[2] + row[3] + row[4] + row[5] for row in tally)} (marts.fct_audit_findings)")
    for check, severity, passed, failed, flagged, not_evaluable, excepted in tally:
        parts = [f"{passed} pass", f"{failed} fail" + (f" ({excepted} excepted)" if excepted else "")]
        parts += [f"{flagged} flagged"] if flagged else []
        parts += [f"{not_evaluable} not evaluable"]
        print(f"  {check} [{severity}]: {', '.join(parts)}")
    for title, condition in _FINDING_GROUPS:
        rows = con.execute(
            f"select check_code, subject_key, message, exception_reason, count(*) over ()"
            f" from marts.fct_audit_findings where {condition}"
            f" order by check_code, company_id, fiscal_year, subject_key limit {_MAX_FINDINGS_SHOWN}"
        ).fetchall()
        if not rows:
            continue
        print(f"  {title}: {rows[0][4]}")
        for check, subject_key, message, exception_reason, _ in rows:
            print(f"    - {check} {subject_key}: {message}")
            if exception_reason:
                print(f"      accepted: {exception_reason}")
        if rows[0][4] > len(rows):
            print(f"    … {rows[0][4] - len(rows)} more in marts.fct_audit_findings")
    passed = con.execute(
        "select check_code, subject, company_id, fiscal_year, count(*) over ()"
        " from marts.fct_audit_findings where status = 'pass'"
        f" order by check_code, company_id, fiscal_year, subject_key limit {_MAX_FINDINGS_SHOWN}"
    ).fetchall()
    if passed:
        names = "; ".join(f"{check} {subject} {company} {year}" for check, subject, company, year, _ in passed)
        more = f"; … {passed[0][4] - len(passed)} more" if passed[0][4] > len(passed) else ""
        print(f"  PASS: {passed[0][4]}: {names}{more}")


def _print_refused(con: duckdb.DuckDBPyConnection) -> None:
    """The documents the build could not read, first: what is published lacks them."""
    try:
        refused = con.execute(
            "select document_path, refused_path, line_number, reason from raw.refused_documents order by 1"
        ).fetchall()
    except duckdb.CatalogException:
        return
    if refused:
        print(f"REFUSED: {len(refused)} document(s), not in this build (marts.dim_documents, document_status)")
    for path, where, line, reason in refused:
        place = f"{where}:{line}" if line is not None else where
        print(f"  {path}: {reason}" + (f" ({place})" if place != path else ""))


def print_summary(warehouse: Path, run_results: Path) -> int:
    """Print the build summary; returns 1 when a check failed or errored, else 0."""
    if not run_results.is_file():
        print(f"{run_results}: not found; dbt stopped before running its checks (see its output above)")
        return 1
    results = json.loads(run_results.read_text())["results"]
    with connect(warehouse, read_only=True) as con:
        _print_refused(con)
        try:
            documents = con.execute(
                "select document_path, value_count, reject_count, mapped_value_count, unmapped_label_count"
                " from marts.dim_documents where document_status = 'loaded' order by document_path"
            ).fetchall()
        except duckdb.CatalogException:  # the build stopped before the marts: what the loader wrote
            documents = con.execute(
                "select document_path, value_count, reject_count, null, 0 from raw.documents order by document_path"
            ).fetchall()
        for path, values, rejects, mapped, unmapped in documents:
            mapped_text = "" if mapped is None else f" ({mapped} mapped)"
            print(f"  {path}: {values} values{mapped_text}, {rejects} rejects, {unmapped} unmapped labels")
        unmapped = sum(d[4] for d in documents)
        print(
            f"documents: {len(documents)}, values: {sum(d[1] for d in documents)}, "
            f"rejects: {sum(d[2] for d in documents)}, unmapped labels: {unmapped}"
        )
        if unmapped:
            print("  `make map` lists the unmapped labels with what the recognizer proposes, and accepts them")
        statuses = dict(
            con.execute("select status, count(*) from marts.fct_kpi_intensities group by 1 order by 1").fetchall()
            if _count(con, "select count(*) from marts.fct_kpi_intensities") is not None
            else []
        )
        detail = ", ".join(f"{status} {count}" for status, count in statuses.items())
        print(f"intensities: {sum(statuses.values())}" + (f" ({detail})" if detail else ""))

        checks = [r for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
        nodes = [r for r in results if not r["unique_id"].startswith(("test.", "unit_test."))]
        tally = Counter(r["status"] for r in checks)
        print(
            f"checks: {len(checks)} run, {tally['pass']} passed, {tally['warn']} warned, "
            f"{tally['fail']} failed, {tally['error']} errored, {tally['skipped']} skipped"
        )
        broken_nodes = [r for r in nodes if r["status"] in ("error", "skipped")]
        for result in broken_nodes:
            print(f"  {result['status'].upper()} {result['unique_id']}: {result.get('message') or ''}")
        for result in sorted(checks, key=lambda r: (r["status"] != "fail", r["unique_id"])):
            if result["status"] not in ("fail", "warn", "error"):
                continue
            print(f"  {result['status'].upper()} {_test_name(result)}: {result.get('message') or ''}")
            if _test_name(result) in _FINDINGS_TESTS and result["status"] != "error":
                print("    (the findings are listed below)")
                continue
            shown = _failure_rows(con, result.get("relation_name"))
            for line in shown:
                print(f"    - {line}")
            if (result.get("failures") or 0) > len(shown) and shown:
                print(f"    … {result['failures'] - len(shown)} more in {result['relation_name']}")
        _print_findings(con)
    failed = tally["fail"] + tally["error"] + sum(r["status"] == "error" for r in nodes)
    return 1 if failed else 0
