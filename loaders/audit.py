"""The metric audit of a built warehouse: `audit/report.html` for people, `audit/manifest.json` for machines.

Both are functions of the warehouse's content and the project's input files only (no clock, no paths
outside the project, rows in a fixed order), so building twice from the same inputs gives identical
files, and changing one input changes exactly the hashes that depend on it. The one exception is the
report's header, which names the build it audits (`meta.build_info`: its id and time).
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from collections import defaultdict
from datetime import UTC
from decimal import Decimal
from importlib import metadata
from itertools import groupby
from pathlib import Path

import duckdb
import jinja2

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
    # From the marts, so that a published warehouse (marts and meta only) can be audited as well.
    for path, document_sha, metadata_sha in con.execute(
        "select document_path, document_sha256, metadata_sha256 from marts.dim_documents"
        " where document_status = 'loaded' order by document_path"
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
# Rendered from templates/audit_report.html.j2: one self-contained HTML file (inline style, script and
# SVG). It reads only the marts and meta.build_info, the schemas a published warehouse serves.

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_REPORT_TEMPLATE = "audit_report.html.j2"
_STATUS_WORDS = {"fail": "Fails", "flagged": "Flagged", "not_evaluable": "Cannot check", "pass": "Passes"}
# A place a finding's inputs name: `line 1004`, `page 2 row 3`.
_LOCATION = re.compile(r"\b(?:line \d+|page \d+ row \d+)\b")
# A decimal with more fractional digits than any report prints: a float written out in full.
_LONG_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.\d{9,}(?![\d.])")
_CHART = {"width": 360, "height": 170, "left": 70, "right": 16, "top": 14, "bottom": 28}

_FINDING_COLUMNS = (
    "finding_id, check_code, check_title, severity, status, is_excepted, fails_build, subject_key, company_id,"
    " fiscal_year, document_path, subject, members, metrics_involved, inputs, expected_lower, expected_upper,"
    " actual_lower, actual_upper, unit, status_reason, message, exception_reason, exception_accepted_by,"
    " exception_accepted_on"
)
_KPI_COLUMNS = (
    "company_id, company_name, fiscal_year, metric_code, members, metric_name_en, is_reported, value_canonical,"
    " value_lower, value_upper, canonical_unit, value_as_printed, decimals_printed, not_reported_as_printed,"
    " unit_as_printed, boundary_code, document_path, document_sha256, line_number, location, page_number"
)
_PRINTED_COLUMNS = (
    "document_sha256, document_path, company_id, fiscal_year, line_number, column_number, location, page_number,"
    " label_as_printed, value_as_printed, unit_as_printed, metric_code, members, line_text"
)
_INTENSITY_COLUMNS = (
    "company_id, fiscal_year, metric_code, members, metric_name_en, formula, numerator_value, numerator_unit,"
    " numerator_source, denominator_value, denominator_unit, denominator_source, derived_lower, derived_upper,"
    " is_printed, printed_value_as_printed, printed_document_path, printed_location, status"
)
_DONATION_COLUMNS = (
    "company_id, fiscal_year, document_path, line_number, label_as_printed, metric_code, value_as_printed,"
    " currency, value_usd_m, has_fx_rate, quoted_text, quoted_location, location"
)
_DOCUMENT_COLUMNS = (
    "document_path, document_sha256, company_id, company_name, fiscal_year, source_title, source_publisher,"
    " value_count, reject_count"
)
_BUILD_COLUMNS = "build_id, built_at, engine, document_count, value_count"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _decimal(value: float, digits: int = 7) -> Decimal:
    """A float as the decimal it stands for: its shortest form of up to 10 significant digits when the rest
    is float noise (22782.254999999997 is 22782.255), else rounded to `digits` significant digits."""
    for shortest in range(1, 11):
        text = f"{value:.{shortest}g}"
        if abs(float(text) - value) <= abs(value) * 1e-14:
            return Decimal(text)
    return Decimal(f"{value:.{digits}g}")


def _number(value, digits: int = 7) -> str:
    """A number as a reader expects it: thousands separated, exact decimals as stored, floats without their
    noise and to `digits` significant digits."""
    if value is None:
        return "–"
    if isinstance(value, float):
        value = _decimal(value, digits)
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


def _denoise(text: str | None) -> str | None:
    """Text with any float written out in full (0.30000000000000004) shown as the number it stands for."""
    if not text:
        return text
    return _LONG_DECIMAL.sub(lambda match: _number(float(match.group())).replace(",", ""), text)


def _at_precision(value, lower, upper) -> str:
    """A converted value to the digit its printing allows: the rounding interval's width is one unit of the
    last printed digit (283.42 t: 2 decimals; 1.00 t stays 1.00; 387 thousand t is 387,000; 1.00 GJ is
    0.278 MWh, its interval 0.0028 MWh wide)."""
    if value is None:
        return "–"
    value = Decimal(value)
    if lower is None or upper is None or upper <= lower:
        return _number(value)
    decimals = max(0, -(Decimal(upper) - Decimal(lower)).adjusted())
    return f"{value.quantize(Decimal(1).scaleb(-decimals)):,f}"


def _as_printed(value: str, unit: str | None) -> str:
    """Value and unit as printed; a magnitude the loader moved into the unit (10萬 + 萬元) shows once."""
    unit = unit or ""
    overlap = next((k for k in range(len(unit), 0, -1) if value.endswith(unit[:k])), 0)
    rest = unit[overlap:]
    return value + rest if overlap or not rest else f"{value} {rest}"


def _members(members: str | None) -> list[tuple[str, str]]:
    """A breakdown's members, `scope2_method=market_based|gas=co2`, as (axis, member) pairs."""
    pairs = [pair.partition("=") for pair in (members or "").split("|") if pair]
    return [(axis, member) for axis, _, member in pairs]


def _slug(*parts) -> str:
    """An HTML id from parts: letters, digits, `_` and `-` kept, anything else a `-`."""
    return "-".join(re.sub(r"[^A-Za-z0-9_]+", "-", str(part or "")).strip("-") or "_" for part in parts)


def _status_text(status: str, severity: str | None = None, is_excepted: bool = False) -> str:
    if status == "fail" and severity == "hard":
        return "Fails (accepted exception)" if is_excepted else "Fails the build"
    return _STATUS_WORDS.get(status, status)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _build_info(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The published build's id, time, engine and counts; None for a build that was never published."""
    if not _has_table(con, "meta", "build_info"):
        return None
    rows = _rows(con, f"select {_BUILD_COLUMNS} from meta.build_info order by built_at desc limit 1")
    if not rows:
        return None
    info = rows[0]
    built_at = info["built_at"]
    if built_at is not None and hasattr(built_at, "astimezone"):
        built_at = built_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return {**info, "built_at": built_at}


def _chart(series: list[dict], marks: dict[int, list[dict]]) -> dict:
    """The geometry of one KPI's line chart over the years: points, axis labels, marked years."""
    c = _CHART
    years = [point["year"] for point in series]
    values = [float(point["value"]) for point in series]
    low, high = min(values), max(values)
    if low == high:
        low, high = (low - 1, high + 1) if low == 0 else (low - abs(low) / 10, high + abs(high) / 10)
    plot_width = c["width"] - c["left"] - c["right"]
    plot_height = c["height"] - c["top"] - c["bottom"]

    def x(year: int) -> float:
        span = years[-1] - years[0]
        return round(c["left"] + (plot_width * (year - years[0]) / span if span else plot_width / 2), 1)

    def y(value: float) -> float:
        return round(c["top"] + plot_height * (high - value) / (high - low), 1)

    # Every year labelled on the axis when there is room, else every other one and the last.
    step = 1 if len(years) <= 8 else 2
    points = [
        {
            **point,
            "x": x(point["year"]),
            "y": y(float(point["value"])),
            "findings": marks.get(point["year"], []),
            "label": n % step == 0 or n == len(series) - 1,
        }
        for n, point in enumerate(series)
    ]
    return {
        **c,
        "points": points,
        "path": " ".join(f"{p['x']},{p['y']}" for p in points),
        "y_labels": [
            {"y": y(value), "text": _number(Decimal(f"{value:.4g}"))}
            for value in dict.fromkeys((max(values), min(values)))
        ],
        "bottom_y": c["height"] - c["bottom"],
        "axis_right": c["width"] - c["right"],
    }


def _sources_of(
    finding: dict, documents: list[str], by_location: dict[tuple, tuple], by_metric: dict[tuple, list]
) -> list[tuple]:
    """The printed lines a finding used: the places its inputs and message name (`line 1004`, or the path of
    one of `documents`, its company's, then a place), else the lines that print its metrics for its company
    and year."""
    text = " ".join(filter(None, (finding["inputs"], finding["message"], finding["status_reason"])))
    found: list[tuple] = []
    taken: list[tuple[int, int]] = []
    for path in sorted((p for p in documents if p and p in text), key=len, reverse=True):
        for match in re.finditer(re.escape(path) + r" (line \d+|page \d+ row \d+)\b", text):
            taken.append(match.span())
            found.append(by_location.get((path, match.group(1))))
    for match in _LOCATION.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append(by_location.get((finding["document_path"], match.group())))
    if not any(found):
        metrics = [m.strip() for m in re.split(r"[,;|]", finding["metrics_involved"] or "") if m.strip()]
        for metric in metrics:
            found += by_metric.get(
                (
                    finding["document_path"],
                    finding["company_id"],
                    finding["fiscal_year"],
                    metric,
                    finding["members"] or "",
                ),
                [],
            )
    return list(dict.fromkeys(key for key in found if key))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(number=_number, members=_members)
    return environment


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The report for people, from the marts and meta.build_info only."""
    findings = _rows(
        con,
        f"select {_FINDING_COLUMNS} from marts.fct_audit_findings"
        " order by case status when 'fail' then 0 when 'flagged' then 1 when 'not_evaluable' then 2 else 3 end,"
        " case severity when 'hard' then 0 when 'warning' then 1 else 2 end, check_code, company_id,"
        " fiscal_year, subject_key, finding_id",
    )
    kpis = _rows(
        con,
        f"select {_KPI_COLUMNS} from marts.fct_kpi_values order by company_id, fiscal_year desc, metric_code, members",
    )
    printed = _rows(
        con,
        f"select {_PRINTED_COLUMNS} from marts.fct_printed_values"
        " order by document_path, document_sha256, line_number, column_number",
    )
    intensities = _rows(
        con,
        f"select {_INTENSITY_COLUMNS} from marts.fct_kpi_intensities"
        " order by company_id, fiscal_year, metric_code, members",
    )
    donations = _rows(
        con,
        f"select {_DONATION_COLUMNS} from marts.fct_community_investments"
        " order by company_id, fiscal_year, document_path, line_number, column_number",
    )
    documents = _rows(con, f"select {_DOCUMENT_COLUMNS} from marts.dim_documents order by document_path")
    names = {k["company_id"]: k["company_name"] for k in kpis if k["company_name"]}
    names.update({d["company_id"]: d["company_name"] for d in documents if d["company_id"] and d["company_name"]})

    def section_id(company_id, year) -> str:
        return _slug(company_id, year) if company_id else "no-company"

    # The printed lines: one anchor per document line, with the values read from it.
    lines: dict[tuple, dict] = {}
    by_location: dict[tuple, tuple] = {}
    by_metric: dict[tuple, list] = defaultdict(list)
    for p in printed:
        key = (p["document_sha256"], p["line_number"])
        line = lines.setdefault(
            key,
            {
                "id": _slug("line", p["document_sha256"][:16], p["line_number"]),
                "document_path": p["document_path"],
                "company_id": p["company_id"],
                "file_name": p["document_path"].rpartition("/")[2],
                "document_sha256": p["document_sha256"],
                "location": p["location"],
                "page_number": p["page_number"],
                "line_number": p["line_number"],
                "line_text": p["line_text"],
                "values": [],
                "kpis": [],
                "findings": [],
            },
        )
        line["values"].append(
            {
                "label": p["label_as_printed"],
                "printed": _as_printed(p["value_as_printed"] or "", p["unit_as_printed"]),
                "year": p["fiscal_year"],
                "metric_code": p["metric_code"],
                "members": p["members"],
            }
        )
        by_location.setdefault((p["document_path"], p["location"]), key)
        if p["metric_code"]:
            metric_key = (p["document_path"], p["company_id"], p["fiscal_year"], p["metric_code"], p["members"] or "")
            if key not in by_metric[metric_key]:
                by_metric[metric_key].append(key)

    for k in kpis:
        k["id"] = _slug("kpi", k["company_id"], k["fiscal_year"], k["metric_code"], k["members"] or "total")
        k["printed"] = (
            _as_printed(k["value_as_printed"], k["unit_as_printed"])
            if k["is_reported"]
            else (k["not_reported_as_printed"] or "not reported")
        )
        k["value"] = _at_precision(k["value_canonical"], k["value_lower"], k["value_upper"])
        k["rounding"] = _interval(k["value_lower"], k["value_upper"])
        line = lines.get((k["document_sha256"], k["line_number"]))
        k["line"] = line
        if line is not None:
            line["kpis"].append(k)

    document_paths = {d["document_path"]: d["document_sha256"] for d in documents}
    # The documents a finding's inputs may name: its company's (a check never reads another company's).
    company_documents: dict[str | None, dict[str, None]] = defaultdict(dict)
    for row in [*documents, *lines.values()]:
        company_documents[row["company_id"]][row["document_path"]] = None
    for f in findings:
        f["id"] = _slug("finding", f["finding_id"])
        f["section"] = section_id(f["company_id"], f["fiscal_year"])
        f["status_text"] = _status_text(f["status"], f["severity"], f["is_excepted"])
        f["expected"] = _interval(f["expected_lower"], f["expected_upper"])
        f["actual"] = _interval(f["actual_lower"], f["actual_upper"])
        f["message"], f["inputs"], f["status_reason"] = map(_denoise, (f["message"], f["inputs"], f["status_reason"]))
        paths = list(company_documents[f["company_id"]] if f["company_id"] else document_paths)
        f["sources"] = [lines[key] for key in _sources_of(f, paths, by_location, by_metric)]
        by_document = defaultdict(list)
        for line in f["sources"]:
            by_document[line["document_path"]].append(line)
        f["source_groups"] = [
            {"document_path": path, "file_name": path.rpartition("/")[2], "lines": group}
            for path, group in by_document.items()
        ]
        for line in f["sources"]:
            line["findings"].append(f)
        sha = document_paths.get(f["document_path"])
        f["document_id"] = _slug("doc", sha[:16]) if sha else None

    # Sections: a company and fiscal year each, latest year first; then findings of no company, if any.
    keys = sorted(
        {(r["company_id"], r["fiscal_year"]) for r in kpis + intensities + donations + findings if r["company_id"]},
        key=lambda key: (key[0], -(key[1] or 0)),
    )
    grouped: dict[str, dict[tuple, list[dict]]] = {}
    for name, rows in (("findings", findings), ("kpis", kpis), ("intensities", intensities), ("donations", donations)):
        grouped[name] = defaultdict(list)
        for row in rows:
            grouped[name][(row["company_id"], row["fiscal_year"])].append(row)
    sections = []
    for company_id, year in keys:

        def of(name: str, key=(company_id, year)) -> list[dict]:
            return grouped[name].get(key, [])

        sections.append(
            {
                "id": section_id(company_id, year),
                "company_id": company_id,
                "company_name": names.get(company_id, company_id),
                "year": year,
                "findings": of("findings"),
                "kpis": of("kpis"),
                "intensities": [
                    {
                        **i,
                        "derived": _interval(i["derived_lower"], i["derived_upper"]),
                        "numerator": _number(i["numerator_value"]),
                        "denominator": _number(i["denominator_value"]),
                    }
                    for i in of("intensities")
                ],
                "donations": [
                    {**d, "usd": _number(d["value_usd_m"]) if d["has_fx_rate"] else "no rate"} for d in of("donations")
                ],
            }
        )
    unplaced = [f for f in findings if not f["company_id"]]

    # Charts: every KPI a company printed for two years or more, failing or flagged years ringed.
    marks: dict[tuple, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        if f["status"] in ("fail", "flagged") and f["company_id"]:
            for metric in re.split(r"[,;|]", f["metrics_involved"] or ""):
                if metric.strip():
                    marks[(f["company_id"], metric.strip(), f["members"] or "")][f["fiscal_year"]].append(f)
    series: dict[tuple, list[dict]] = defaultdict(list)
    for k in sorted(kpis, key=lambda k: (k["company_id"], k["metric_code"], k["members"], k["fiscal_year"])):
        if k["is_reported"] and k["value_canonical"] is not None:
            series[(k["company_id"], k["metric_code"], k["members"] or "")].append(
                {"year": k["fiscal_year"], "value": k["value_canonical"], "text": k["value"], "kpi": k}
            )
    trends = defaultdict(list)
    for (company_id, metric_code, members), points in series.items():
        if len({p["year"] for p in points}) >= 2:
            first = points[0]["kpi"]
            trends[company_id].append(
                {
                    "id": _slug("chart", company_id, metric_code, members or "total"),
                    "company_id": company_id,
                    "metric_code": metric_code,
                    "metric_name": first["metric_name_en"],
                    "members": members,
                    "unit": first["canonical_unit"],
                    **_chart(points, marks.get((company_id, metric_code, members), {})),
                }
            )
    companies = []
    for company_id in dict.fromkeys(key[0] for key in keys):
        companies.append(
            {
                "id": _slug("company", company_id),
                "company_id": company_id,
                "name": names.get(company_id, company_id),
                "trends": trends.get(company_id, []),
                "trends_id": _slug("trends", company_id),
                "sections": [s for s in sections if s["company_id"] == company_id],
            }
        )

    cited = [line for line in lines.values() if line["kpis"] or line["findings"]]
    sources = []
    for (path, sha), group in groupby(cited, key=lambda line: (line["document_path"], line["document_sha256"])):
        sources.append({"document_path": path, "id": _slug("sources", sha[:16]), "lines": list(group)})
    for d in documents:
        d["id"] = _slug("doc", d["document_sha256"][:16])

    statuses = [s for s in _STATUS_ORDER if any(f["status"] == s for f in findings)]
    counts = {
        "hard": sum(bool(f["fails_build"]) for f in findings),
        "excepted": sum(bool(f["is_excepted"]) for f in findings),
        "cross": sum(f["status"] == "fail" and f["severity"] != "hard" for f in findings),
        "flagged": sum(f["status"] == "flagged" for f in findings),
        "not_evaluable": sum(f["status"] == "not_evaluable" for f in findings),
        "passed": sum(f["status"] == "pass" for f in findings),
    }
    return (
        _environment()
        .get_template(_REPORT_TEMPLATE)
        .render(
            build=_build_info(con),
            counts=counts,
            documents=documents,
            findings=findings,
            attention=[f for f in findings if f["status"] in ("fail", "flagged")],
            companies=companies,
            unplaced=unplaced,
            sources=sources,
            kpi_count=len(kpis),
            section_count=len(keys),
            filters={
                "status": [(s, _STATUS_WORDS[s], sum(f["status"] == s for f in findings)) for s in statuses],
                "check": sorted({(f["check_code"], f["check_title"]) for f in findings}),
                "company": sorted(
                    {
                        (f["company_id"], names.get(f["company_id"], f["company_id"]))
                        for f in findings
                        if f["company_id"]
                    }
                ),
                "year": sorted({f["fiscal_year"] for f in findings if f["fiscal_year"] is not None}, reverse=True),
            },
        )
    )


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
