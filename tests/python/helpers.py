"""Helpers for tests: the bundled reports, copies of them a test may alter, builds and queries of them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from loaders.models import RejectedLine

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "xiaomi-2019-esg-report.zh-Hant.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
METADATA = ROOT / "metadata"
COMMUNITY = ROOT / "reports" / "xiaomi-2019-community-investment.csv"


def reference_markdown() -> Path:
    """The Docling Markdown excerpts of the reference material: beside the reference reports' folder."""
    folder = reference_reports().parent / "reports-md" / "scope12-excerpts"
    if not folder.is_dir():
        raise FileNotFoundError(f"reference Markdown excerpts not found in {folder}")
    return folder


def reference_reports() -> Path:
    """The reference reports (Siemens, Shell, Samsung, SUEZ), which the project does not carry:
    REFERENCE_REPORTS (make test-reference sets it), else ../shared/reports-pdf beside the repository."""
    folder = Path(os.environ.get("REFERENCE_REPORTS") or ROOT.parent / "shared" / "reports-pdf")
    if not folder.is_dir():
        raise FileNotFoundError(f"reference reports not found in {folder}: set REFERENCE_REPORTS to their folder")
    return folder


def line_of(text: str, number: int) -> str:
    """Line `number` (from 1) of a text, as editors count."""
    return text.split("\n")[number - 1]


def query(warehouse: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def copy_community(folder: Path) -> None:
    """The bundled community investment figures and their sidecar, into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (COMMUNITY, COMMUNITY.with_name(COMMUNITY.name + ".yml")):
        shutil.copy(path, folder / path.name)


def copy_report(folder: Path, replace: dict[int, str] | None = None) -> Path:
    """Copy the bundled report and its metadata into `folder`, with lines replaced by number."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / REPORT.name
    lines = REPORT.read_text(encoding="utf-8").split("\n")
    for number, text in (replace or {}).items():
        lines[number - 1] = text
    target.write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(REPORT.with_name(REPORT.name + ".yml"), folder / (REPORT.name + ".yml"))
    return target


def write_kpi_workbook(path: Path, values) -> Path:
    """An XLSX sheet (label, unit, FY2019) of already-read values, each shown with its printed decimals."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Environmental KPIs"
    sheet.append(["KPI", "Unit", "FY2019"])
    for value in values:
        label, _, unit = value.label_as_printed.rpartition(" (")
        row = sheet.max_row + 1
        sheet.cell(row, 1, label)
        sheet.cell(row, 2, unit.rstrip(")"))
        cell = sheet.cell(row, 3, float(value.value_number))  # a spreadsheet keeps a float ...
        # ... and shows it with the decimals the report printed.
        cell.number_format = "#,##0" + ("." + "0" * value.decimals_printed if value.decimals_printed else "")
    workbook.save(path)
    return path


def batch_rows(parquet: Path) -> list[dict]:
    """The rows a bulk reader wrote, as dicts keyed by raw column name, in file order."""
    import duckdb

    with duckdb.connect() as con:
        relation = con.sql(f"select * from read_parquet('{parquet}') order by line_number, column_number")
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def run_make_build(
    folder: Path,
    target: str = "build",
    project: Path = ROOT,
    reports: Path | list[Path] | None = None,
    metadata: list[Path] | None = None,
    strict: bool = False,
    full: bool = False,
) -> tuple[subprocess.CompletedProcess, Path]:
    """`make build` (or `make audit`, into folder/audit) of folder/reports (or `reports`, one folder or several)
    into folder/warehouse.duckdb, with the project's metadata folder unless `metadata` names others."""
    warehouse = folder / "warehouse.duckdb"
    folders = reports if isinstance(reports, list) else [reports or folder / "reports"]
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            target,
            f"REPORTS={' '.join(map(str, folders))}",
            f"METADATA={' '.join(map(str, metadata if metadata is not None else [METADATA]))}",
            f"WAREHOUSE={warehouse}",
            f"BUILD_DIR={folder / 'dbt'}",
            f"AUDIT_DIR={folder / 'audit'}",
            *(["STRICT=1"] if strict else []),
            *(["FULL=1"] if full else []),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    return result, warehouse


def build_report_copy(folder: Path, replace: dict[int, str] | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    """`make build` of a copy of the bundled report in folder/reports, its lines `replace`d (by number)."""
    copy_report(folder / "reports", replace)
    return run_make_build(folder)


def copy_project(folder: Path) -> Path:
    """The project's own files (not ignored ones) copied to `folder`, sharing this checkout's .venv.

    For tests that change a seed: they work on a copy, never on the project. Modification times are
    kept, so make does not take the copied requirements.txt for a changed one.
    """
    files = (
        subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


def unreadable_table(page: int, reason: str) -> RejectedLine:
    """The problem a PDF page gets whose table cannot be read (or that holds none), as the reader records it."""
    return RejectedLine(
        table_index=None,
        line_number=0,
        location=f"page {page}",
        column_number=0,
        line_text="",
        reason_code="unreadable_table",
        reason=reason,
        page_number=page,
    )
