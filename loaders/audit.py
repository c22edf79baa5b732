"""The metric audit of a built warehouse: `audit/report.html` for people, `audit/manifest.json` for machines.

Both are functions of the warehouse's content and the project's input files only (no clock, no paths
outside the project, rows in a fixed order), so building twice from the same inputs gives identical
files, and changing one input changes exactly the hashes that depend on it.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from pathlib import Path

import duckdb

from loaders.warehouse import connect

# Columns a build stamps with the time it ran: excluded from content hashes.
_BUILD_TIME_COLUMNS = frozenset({"loaded_at"})
_TOOLS = ("dbt-core", "dbt-duckdb", "duckdb", "pandas", "pyarrow", "Pint", "pdfplumber", "openpyxl", "OpenCC")
_STATUS_ORDER = {"fail": 0, "flagged": 1, "not_evaluable": 2, "pass": 3}


class AuditError(Exception):
    """The warehouse cannot be audited (missing, or not built by this project)."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The files a warehouse is made by besides its documents: a build whose project hash differs from the
# published one's starts from an empty warehouse (loaders/build.py).
_PROJECT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "requirements.txt",
    "loaders/**/*.py",
    "macros/**/*",
    "models/**/*",
    "seeds/**/*",
)


def project_sha256(project: Path) -> str:
    """One hash of the loaders, models, macros, seeds and settings: their paths and contents."""
    digest = hashlib.sha256()
    files = {path for pattern in _PROJECT_FILES for path in project.glob(pattern) if path.is_file()}
    for path in sorted(files):
        digest.update(f"{path.relative_to(project).as_posix()}\0{sha256_file(path)}\n".encode())
    return digest.hexdigest()


def table_content_hash(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, str]:
    """Row count and a hash of a table's rows that ignores their order and build timestamps.

    Each row is rendered as text and hashed with SHA-256; the row hashes are summed as two 64-bit
    integers (a sum does not depend on order but counts duplicates), and the count and the sums are
    hashed again. DuckDB computes it in one pass, so it scales with the table.
    """
    schema, table = relation.split(".")
    columns = [
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
        if name not in _BUILD_TIME_COLUMNS
    ]
    cells = ", ".join(f"coalesce(cast(\"{name}\" as varchar), '\\N')" for name in columns)
    count, high, low = con.execute(
        f"""
        with row_hashes as (select sha256(concat_ws(chr(31), {cells})) as row_hash from {relation})
        select
            count(*),
            coalesce(sum(cast(('0x' || substr(row_hash, 1, 16)) as ubigint)), 0),
            coalesce(sum(cast(('0x' || substr(row_hash, 17, 16)) as ubigint)), 0)
        from row_hashes
        """
    ).fetchone()
    header = "\x1f".join(columns)
    return count, hashlib.sha256(f"{header}\n{count}\n{high}\n{low}".encode()).hexdigest()


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def input_hashes(con: duckdb.DuckDBPyConnection, project: Path) -> dict:
    """Hashes of every input: documents and their metadata as loaded, seeds, locked requirements; tools."""
    documents = {}
    for path, document_sha, metadata_sha in con.execute(
        "select document_path, document_sha256, metadata_sha256 from raw.documents order by document_path"
    ).fetchall():
        documents[path] = {"sha256": document_sha, "metadata_sha256": metadata_sha}
    seeds = {str(path.relative_to(project)): sha256_file(path) for path in sorted((project / "seeds").glob("*.csv"))}
    requirements = project / "requirements.txt"
    return {
        "documents": documents,
        "seeds": seeds,
        "tools": _versions(),
        "requirements_sha256": sha256_file(requirements) if requirements.is_file() else None,
    }


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"
        ).fetchall()
    ]


def build_manifest(con: duckdb.DuckDBPyConnection, project: Path) -> dict:
    """The inputs' hashes, and the row count and content hash of every mart."""
    marts = {}
    for table in mart_tables(con):
        count, digest = table_content_hash(con, f"marts.{table}")
        marts[f"marts.{table}"] = {"rows": count, "sha256": digest}
    return {**input_hashes(con, project), "marts": marts}


# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    company_id: str
    company_name: str
    fiscal_year: int


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _number(value, digits: int = 7) -> str:
    """A number as a reader expects it: thousands separated, exact decimals as stored, floats to `digits`."""
    if value is None:
        return "–"
    if isinstance(value, float):
        value = Decimal(f"{value:.{digits}g}")
    return f"{Decimal(value).normalize():,f}"


def _interval(lower, upper) -> str:
    if lower is None and upper is None:
        return "–"
    # Enough digits that two different ends never print alike ([32,833.105, 32,833.115]).
    digits = next(
        (
            d
            for d in range(7, 17)
            if lower is None or upper is None or lower == upper or _number(lower, d) != _number(upper, d)
        ),
        17,
    )
    if lower is not None and upper is not None and lower > upper:
        return f"none: [{_number(lower, digits)}, {_number(upper, digits)}] is empty"
    return f"[{_number(lower, digits)}, {'∞' if upper is None else _number(upper, digits)}]"


def _as_printed(value: str, unit: str | None) -> str:
    """Value and unit as printed; a magnitude the loader moved into the unit (10萬 + 萬元) shows once."""
    unit = unit or ""
    overlap = next((k for k in range(len(unit), 0, -1) if value.endswith(unit[:k])), 0)
    rest = unit[overlap:]
    return value + rest if overlap or not rest else f"{value} {rest}"


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _status_badge(status: str, severity: str | None = None, is_excepted: bool = False) -> str:
    words = {"fail": "Fails", "flagged": "Flagged", "not_evaluable": "Cannot check", "pass": "Passes"}
    text = words.get(status, status)
    if status == "fail" and severity == "hard":
        text = "Fails (accepted exception)" if is_excepted else "Fails the build"
    return f'<span class="badge {_e(status)}">{_e(text)}</span>'


def _finding_rows(findings: list[dict], with_company: bool) -> str:
    out = []
    for f in findings:
        where = f"{_e(f['company_id'])} {_e(f['fiscal_year'])}<br>" if with_company else ""
        accepted = (
            f"<br><em>Accepted by {_e(f['exception_accepted_by'])} on {_e(f['exception_accepted_on'])}: "
            f"{_e(f['exception_reason'])}</em>"
            if f["is_excepted"]
            else ""
        )
        reason = f"<br><em>Why not: {_e(f['status_reason'])}</em>" if f["status_reason"] else ""
        out.append(
            f"<tr class='{_e(f['status'])}'><td>{where}{_e(f['check_title'])}"
            f"<br><code>{_e(f['check_code'])}</code>{_members(f['members'])}</td>"
            f"<td>{_status_badge(f['status'], f['severity'], f['is_excepted'])}</td>"
            f"<td>{_e(f['message'])}{reason}{accepted}<details><summary>inputs</summary>{_e(f['inputs'])}"
            f"<br>key: <code>{_e(f['subject_key'])}</code></details></td>"
            f"<td class='num'>{_interval(f['expected_lower'], f['expected_upper'])}</td>"
            f"<td class='num'>{_interval(f['actual_lower'], f['actual_upper'])}</td>"
            f"<td>{_e(f['unit'])}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Check</th><th>Result</th><th>What was compared</th><th>Expected</th>"
        "<th>Found</th><th>Unit</th></tr></thead><tbody>" + "".join(out) + "</tbody></table>"
    )


def _members(members: str | None) -> str:
    """A breakdown's members under its metric: `scope2_method = market_based`."""
    pairs = [pair.partition("=") for pair in (members or "").split("|") if pair]
    return "".join(f"<br><small>{_e(axis)} = {_e(member)}</small>" for axis, _, member in pairs)


def _kpi_rows(kpis: list[dict]) -> str:
    out = []
    for k in kpis:
        printed = (
            _as_printed(k["value_as_printed"], k["unit_as_printed"])
            if k["is_reported"]
            else (k["not_reported_as_printed"] or "not reported")
        )
        source = f"{k['document_path']} {k['location']}"
        line = f"<br><q>{_e(k['line_text'])}</q>" if k.get("line_text") else ""
        out.append(
            f"<tr><td>{_e(k['metric_name_en'])}<br><code>{_e(k['metric_code'])}</code>{_members(k['members'])}</td>"
            f"<td class='num'>{_number(k['value_canonical'])}</td><td>{_e(k['canonical_unit'])}</td>"
            f"<td class='num'>{_interval(k['value_lower'], k['value_upper'])}</td>"
            f"<td>{_e(printed)}</td><td class='wrap'>{_e(k['boundary_code'])}</td>"
            f"<td class='wrap'>{_e(source)}{line}</td></tr>"
        )
    return (
        "<table><thead><tr><th>KPI</th><th>Value</th><th>Unit</th><th>Rounding allows</th><th>As printed</th>"
        "<th>Covers</th><th>Source line</th></tr></thead><tbody>" + "".join(out) + "</tbody></table>"
    )


def _intensity_rows(intensities: list[dict]) -> str:
    out = []
    for i in intensities:
        printed = (
            f"{_e(i['printed_value_as_printed'])} ({_e(i['printed_document_path'])} {_e(i['printed_location'])})"
            if i["is_printed"]
            else "not printed"
        )
        out.append(
            f"<tr><td>{_e(i['metric_name_en'])}<br><code>{_e(i['metric_code'])}</code>{_members(i['members'])}</td>"
            f"<td>{_e(i['formula'])}</td>"
            f"<td>{_number(i['numerator_value'])} {_e(i['numerator_unit'])}<br><small>{_e(i['numerator_source'])}"
            f"</small></td><td>{_number(i['denominator_value'])} {_e(i['denominator_unit'])}<br><small>"
            f"{_e(i['denominator_source'])}</small></td>"
            f"<td class='num'>{_interval(i['derived_lower'], i['derived_upper'])}</td><td>{printed}</td>"
            f"<td>{_e(i['status'].replace('_', ' '))}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Derived metric</th><th>Formula</th><th>Numerator</th><th>Denominator</th>"
        "<th>Derived (interval)</th><th>Printed</th><th>Result</th></tr></thead><tbody>"
        + "".join(out)
        + "</tbody></table>"
    )


def _donation_rows(donations: list[dict]) -> str:
    out = []
    for d in donations:
        usd = _number(d["value_usd_m"]) if d["has_fx_rate"] else "no rate"
        out.append(
            f"<tr><td>{_e(d['label_as_printed'])}<br><code>{_e(d['metric_code'])}</code></td>"
            f"<td>{_e(d['value_as_printed'])} {_e(d['currency'])}</td><td class='num'>{usd}</td>"
            f"<td><q>{_e(d['quoted_text'])}</q><br><small>{_e(d['quoted_location'])}; {_e(d['document_path'])} "
            f"{_e(d['location'])}</small></td></tr>"
        )
    return (
        "<table><thead><tr><th>Donation</th><th>As printed</th><th>USD m</th><th>Source sentence</th></tr>"
        "</thead><tbody>" + "".join(out) + "</tbody></table>"
    )


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:78rem;padding:0 1rem;
color:#1b1f24;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin-top:1.6rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;vertical-align:top;text-align:left;overflow-wrap:break-word}
td:first-child{min-width:10rem}td.wrap,td small{overflow-wrap:anywhere}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums;min-width:7rem}
tr.fail td{background:#fff5f5}tr.flagged td{background:#fffbea}
.badge{display:inline-block;padding:.1rem .45rem;border-radius:.8rem;font-size:.8rem;white-space:nowrap}
.badge.fail{background:#cf222e;color:#fff}.badge.flagged{background:#bf8700;color:#fff}
.badge.not_evaluable{background:#eaeef2;color:#57606a}.badge.pass{background:#1a7f37;color:#fff}
.summary{display:flex;gap:1rem;flex-wrap:wrap}.summary div{border:1px solid #d0d7de;border-radius:.4rem;
padding:.5rem 1rem}.summary b{display:block;font-size:1.4rem}code{font-size:.8rem;color:#57606a}
details summary{cursor:pointer;color:#57606a;font-size:.8rem}q{color:#57606a}
"""

_HOW_TO_READ = """<p>Every figure in a report is rounded to the digits it is printed with, so
<b>22,782.26</b> stands for any value from 22,782.255 to 22,782.265. Each check below compares such
<b>intervals</b>: parts add up to their total when the interval of the total and the interval of the
sum of the parts share a value; a printed intensity matches when it overlaps the intensity derived from
its numerator and denominator. Honest rounding therefore never fails a check, and a difference larger
than rounding always does.</p>
<p><b>Fails the build</b>: a total that its parts do not add up to, or a figure printed twice with two
values. The warehouse is not published until the figure is corrected or the discrepancy is accepted in
the exceptions register (<code>seeds/audit_exceptions.csv</code>, with a reason, who accepted it and
when). <b>Fails</b>: a cross-check that does not hold; it is reported, not blocking. <b>Flagged</b>: worth
a look (a change of more than half from one year to the next). <b>Cannot check</b>: a figure the check
needs is not printed or covers a different boundary; the reason is given.</p>"""


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    findings = _rows(
        con,
        "select * from marts.fct_audit_findings"
        " order by case status when 'fail' then 0 when 'flagged' then 1 when 'not_evaluable' then 2 else 3 end,"
        " case severity when 'hard' then 0 when 'warning' then 1 else 2 end, check_code, company_id,"
        " fiscal_year, subject_key",
    )
    kpis = _rows(
        con,
        """
        select kpi_values.*, lines.line_text
        from marts.fct_kpi_values as kpi_values
        left join (
            select distinct document_sha256, line_number, coalesce(page_number, 0) as page_number, line_text
            from raw.reported_values
        ) as lines
            on kpi_values.document_sha256 = lines.document_sha256
            and kpi_values.line_number = lines.line_number
            and coalesce(kpi_values.page_number, 0) = lines.page_number
        order by company_id, fiscal_year desc, metric_code, members
        """,
    )
    intensities = _rows(
        con, "select * from marts.fct_kpi_intensities order by company_id, fiscal_year, metric_code, members"
    )
    donations = _rows(
        con,
        "select * from marts.fct_community_investments order by company_id, fiscal_year, document_path, line_number",
    )
    documents = _rows(con, "select * from marts.dim_documents order by document_path")
    names = {d["company_id"]: d["company_name"] for d in documents if d["company_name"]}

    keys = sorted(
        {(r["company_id"], r["fiscal_year"]) for r in kpis + intensities + donations + findings if r["company_id"]},
        key=lambda key: (key[0], -(key[1] or 0)),
    )
    hard = sum(f["fails_build"] for f in findings)
    excepted = sum(bool(f["is_excepted"]) for f in findings)
    cross = sum(f["status"] == "fail" and f["severity"] != "hard" for f in findings)
    flagged = sum(f["status"] == "flagged" for f in findings)
    passed = sum(f["status"] == "pass" for f in findings)
    not_evaluable = sum(f["status"] == "not_evaluable" for f in findings)
    attention = [f for f in findings if f["status"] in ("fail", "flagged")]

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>ESG metric audit</title><style>{_STYLE}</style></head><body>",
        "<h1>ESG metric audit</h1>",
        f"<p>{len(documents)} documents, {len(keys)} company-years, {len(kpis)} KPI values, "
        f"{len(findings)} checks. Inputs and their hashes are in <code>manifest.json</code> beside this file.</p>",
        "<div class='summary'>",
        f"<div><b>{hard}</b>fail the build</div><div><b>{excepted}</b>accepted exceptions</div>",
        f"<div><b>{cross}</b>cross-checks fail</div><div><b>{flagged}</b>flagged</div>",
        f"<div><b>{not_evaluable}</b>cannot be checked</div><div><b>{passed}</b>pass</div></div>",
        "<h2>How to read this report</h2>",
        _HOW_TO_READ,
        "<h2>Needs attention</h2>",
        _finding_rows(attention, with_company=True) if attention else "<p>Nothing fails and nothing is flagged.</p>",
    ]
    for company_id, year in keys:
        section = Section(company_id, names.get(company_id, company_id), year)
        parts.append(f"<h2 id='{_e(company_id)}-{_e(year)}'>{_e(section.company_name)}, {_e(year)}</h2>")
        year_findings = [f for f in findings if (f["company_id"], f["fiscal_year"]) == (company_id, year)]
        if year_findings:
            parts += ["<h3>Checks</h3>", _finding_rows(year_findings, with_company=False)]
        year_kpis = [k for k in kpis if (k["company_id"], k["fiscal_year"]) == (company_id, year)]
        if year_kpis:
            parts += ["<h3>KPIs</h3>", _kpi_rows(year_kpis)]
        year_intensities = [i for i in intensities if (i["company_id"], i["fiscal_year"]) == (company_id, year)]
        if year_intensities:
            parts += ["<h3>Derived metrics</h3>", _intensity_rows(year_intensities)]
        year_donations = [d for d in donations if (d["company_id"], d["fiscal_year"]) == (company_id, year)]
        if year_donations:
            parts += ["<h3>Community investment</h3>", _donation_rows(year_donations)]
    parts.append("<h2>Documents</h2><table><thead><tr><th>Document</th><th>Company, year</th><th>Source</th>")
    parts.append("<th>Values</th><th>Rejects</th><th>SHA-256</th></tr></thead><tbody>")
    for d in documents:
        parts.append(
            f"<tr><td>{_e(d['document_path'])}</td><td>{_e(d['company_name'])} {_e(d['fiscal_year'])}</td>"
            f"<td>{_e(d['source_title'])}<br><small>{_e(d['source_publisher'])}</small></td>"
            f"<td class='num'>{_e(d['value_count'])}</td><td class='num'>{_e(d['reject_count'])}</td>"
            f"<td><code>{_e(d['document_sha256'])}</code></td></tr>"
        )
    parts.append("</tbody></table></body></html>\n")
    return "".join(parts)


def write_audit(warehouse: Path, out: Path, project: Path) -> tuple[Path, Path]:
    if not warehouse.is_file():
        raise AuditError(f"{warehouse}: no warehouse to audit; run `make build` first")
    try:
        con = connect(warehouse, read_only=True)
    except duckdb.Error as error:
        raise AuditError(f"{warehouse}: cannot be opened: {error}") from error
    with con:
        try:
            con.execute("select 1 from marts.fct_audit_findings limit 1")
        except duckdb.CatalogException as error:
            raise AuditError(f"{warehouse}: has no marts.fct_audit_findings; was the build complete?") from error
        manifest = build_manifest(con, project)
        report = render_report(con)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path, report_path = out / "manifest.json", out / "report.html"
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    report_path.write_text(report, encoding="utf-8")
    return report_path, manifest_path
