"""What a build produced: documents, values, rejects, intensities, checks, and every failed check's message."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb

_MAX_ROWS_SHOWN = 20


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


def print_summary(warehouse: Path, run_results: Path) -> int:
    """Print the build summary; returns 1 when a check failed or errored, else 0."""
    if not run_results.is_file():
        print(f"{run_results}: not found; dbt stopped before running its checks (see its output above)")
        return 1
    results = json.loads(run_results.read_text())["results"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            documents = con.execute(
                "select document_path, value_count, reject_count, mapped_value_count, unmapped_label_count"
                " from marts.dim_documents order by document_path"
            ).fetchall()
        except duckdb.CatalogException:  # the build stopped before the marts: what the loader wrote
            documents = con.execute(
                "select document_path, value_count, reject_count, null, 0 from raw.documents order by document_path"
            ).fetchall()
        for path, values, rejects, mapped, unmapped in documents:
            mapped_text = "" if mapped is None else f" ({mapped} mapped)"
            print(f"  {path}: {values} values{mapped_text}, {rejects} rejects, {unmapped} unmapped labels")
        print(
            f"documents: {len(documents)}, values: {sum(d[1] for d in documents)}, "
            f"rejects: {sum(d[2] for d in documents)}, unmapped labels: {sum(d[4] for d in documents)}"
        )
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
            shown = _failure_rows(con, result.get("relation_name"))
            for line in shown:
                print(f"    - {line}")
            if (result.get("failures") or 0) > len(shown) and shown:
                print(f"    … {result['failures'] - len(shown)} more in {result['relation_name']}")
    failed = tally["fail"] + tally["error"] + sum(r["status"] == "error" for r in nodes)
    return 1 if failed else 0
