"""`python -m loaders bench`: how fast the warehouse loads and builds at scale, in printed figures.

It writes a synthetic dataset, a long CSV of N company-years with 20 printed values each (the
parts and totals the catalogue's identities check, added up so that they hold), loads it into a
scratch warehouse with the loaders, runs `dbt build` on it, and prints rows, seconds, values per
second and peak memory beside DuckDB's own CSV read of the same file.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from loaders.pipeline import read_documents
from loaders.warehouse import write_documents

# Labels and units as a dataset would print them: the parts below, their totals, and others (20 in all).
_PARTS = {
    "scope 1": ("Direct greenhouse gas emissions (Scope 1)", "tCO2e"),
    "scope 2": ("Indirect greenhouse gas emissions (Scope 2)", "tCO2e"),
    "direct energy": ("Direct energy consumption", "MWh"),
    "indirect energy": ("Indirect energy consumption", "MWh"),
    "hazardous": ("Total hazardous waste", "t"),
    "non-hazardous": ("Total non-hazardous waste", "t"),
}
_OTHERS = [
    ("Total packaging materials used", "t"),
    ("Other indirect (Scope 3) GHG emissions", "tCO2e"),
    ("Waste generated", "t"),
    ("Renewable electricity share", "%"),
    ("Employees trained on environmental policy", "person"),
    ("Sites with ISO 14001 certification", "count"),
    ("Fleet vehicles", "count"),
    ("Refrigerant leaks", "kg"),
]
SIDECAR = """company: null
fiscal_year: 2024
language: en
source:
  title: Synthetic benchmark dataset
  publisher: python -m loaders bench
  published: generated for a benchmark run; not real data
boundary:
  code: group
  description: synthetic
"""


def write_dataset(path: Path, company_years: int, seed: int = 2024) -> int:
    """A long CSV (company, year, indicator, unit, value); returns the number of values."""
    rng = random.Random(seed)
    years = 10
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("company,year,indicator,unit,value\n")
        for n in range(company_years):
            company, year = f"company_{n // years:07d}", 2015 + n % years
            figures = {key: rng.randrange(1, 10**8) / 100 for key in _PARTS}
            lines = [(label, unit, figures[key]) for key, (label, unit) in _PARTS.items()]
            totals = {
                "Total greenhouse gas emissions (Scope 1 and Scope 2)": ("tCO2e", "scope 1", "scope 2"),
                "Total energy consumption": ("MWh", "direct energy", "indirect energy"),
                "Waste excluding construction waste": ("t", "hazardous", "non-hazardous"),
            }
            lines += [(label, unit, figures[a] + figures[b]) for label, (unit, a, b) in totals.items()]
            # Consumption is withdrawal less discharge (an identity of the catalogue's too).
            withdrawal = rng.randrange(1, 10**7)
            discharge = rng.randrange(0, withdrawal)
            lines += [
                ("Total water consumption", "m3", (withdrawal - discharge) / 100),
                ("Water withdrawal", "m3", withdrawal / 100),
                ("Water discharge", "m3", discharge / 100),
            ]
            lines += [(label, unit, rng.randrange(0, 10**7) / 100) for label, unit in _OTHERS]
            for label, unit, value in lines:
                out.write(f'{company},{year},{label},{unit},"{value:,.2f}"\n')
            rows += len(lines)
    return rows


def _peak_mb() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(children, own) / 1024


def _scratch(folder: Path, document: str) -> tuple[Path, Path]:
    """Where a benchmark writes its document (`folder/reports/`) and its warehouse, emptied of a last run's."""
    (folder / "reports").mkdir(parents=True, exist_ok=True)
    warehouse = folder / "warehouse.duckdb"
    for stale in (warehouse, warehouse.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    return folder / "reports" / document, warehouse


def run(company_years: int, folder: Path, with_dbt: bool = True) -> int:
    dataset, warehouse = _scratch(folder, "benchmark-dataset.csv")

    started = time.perf_counter()
    values = write_dataset(dataset, company_years)
    dataset.with_name(dataset.name + ".yml").write_text(SIDECAR, encoding="utf-8")
    size_mb = dataset.stat().st_size / 1e6
    print(
        f"dataset: {company_years:,} company-years, {values:,} values, {size_mb:,.0f} MB"
        f" (written in {time.perf_counter() - started:.1f} s)"
    )

    with duckdb.connect() as con:
        started = time.perf_counter()
        con.execute(f"create table baseline as select * from read_csv('{dataset}', all_varchar = true)")
        baseline = time.perf_counter() - started
    print(f"duckdb read_csv alone: {baseline:.1f} s ({values / baseline:,.0f} values/s)")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="esg-bench-") as workdir:
        result = read_documents([dataset], Path(workdir))
        documents, errors = result.documents, result.errors
        if errors:
            print("\n".join(map(str, errors)), file=sys.stderr)
            return 1
        read = time.perf_counter() - started
        write_documents(warehouse, documents, prune=True)
    loaded = time.perf_counter() - started
    extraction = documents[0].extraction
    print(
        f"loaders: read and validated in {read:.1f} s, written in {loaded - read:.1f} s: {loaded:.1f} s"
        f" ({extraction.value_count / loaded:,.0f} values/s; {extraction.value_count:,} values,"
        f" {extraction.reject_count:,} rejects); {loaded / baseline:.1f}x DuckDB's read"
    )
    if with_dbt:
        env = {**os.environ, "WAREHOUSE": str(warehouse.resolve()), "DO_NOT_TRACK": "1"}
        started = time.perf_counter()
        dbt = shutil.which("dbt", path=str(Path(sys.executable).parent)) or "dbt"
        result = subprocess.run(
            [dbt, "build", "--quiet", "--target-path", str(folder / "dbt"), "--log-path", str(folder / "dbt")],
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - started
        print(f"dbt build: {elapsed:.1f} s ({values / elapsed:,.0f} values/s), exit code {result.returncode}")
    print(f"peak memory: {_peak_mb():,.0f} MB; warehouse file: {warehouse.stat().st_size / 1e6:,.0f} MB")
    return 0


# A text report's KPI rows: label (unit in brackets) and how its figure is made; the totals add up.
_TEXT_ROWS = [
    ("Total greenhouse gas emissions (Scope 1 and Scope 2) (tonnes)", "scope 1+scope 2"),
    ("Direct greenhouse gas emissions (Scope 1) (tonnes)", "scope 1"),
    ("Indirect greenhouse gas emissions (Scope 2) (tonnes)", "scope 2"),
    ("Greenhouse gas emissions per square metre of floor area in office areas (tonnes/square metre)", "ratio"),
    ("Total hazardous waste (tonnes)", "hazardous"),
    ("Total non-hazardous waste (tonnes)", "non-hazardous"),
    ("Total energy consumption (MWh)", "direct energy+indirect energy"),
    ("Direct energy consumption (MWh)", "direct energy"),
    ("Indirect energy consumption (MWh)", "indirect energy"),
    ("Energy consumption per employee in office areas (MWh/person)", "ratio"),
    ("Total packaging materials used (tonnes)", "packaging"),
    ("Total water consumption (tonnes)", "water"),
]


def write_text_report(path: Path, megabytes: float, seed: int = 2024) -> tuple[int, int]:
    """A long text report of numbered KPI tables (a section heading, a scope sentence, a heading of its
    own, twelve rows, a note) until it is `megabytes` long; returns (lines, values)."""
    rng = random.Random(seed)
    limit = int(megabytes * 1e6)
    written = lines = values = 0
    with path.open("w", encoding="utf-8") as out:
        table = 0
        while written < limit:
            table += 1
            figures = {key: rng.randrange(1, 10**8) / 100 for key in ("scope 1", "scope 2", "hazardous")}
            figures |= {key: rng.randrange(1, 10**8) / 100 for key in ("non-hazardous", "packaging", "water")}
            figures |= {key: rng.randrange(1, 10**8) / 100 for key in ("direct energy", "indirect energy")}
            rows = []
            for label, made in _TEXT_ROWS:
                if made == "ratio":
                    figure = f"{rng.randrange(1, 10**4) / 1000:,.3f}"
                else:
                    figure = f"{round(sum(figures[part] for part in made.split('+')), 2):,.2f}"
                rows.append(f"{label}\t{figure}")
            block = (
                f"Environmental key performance indicators of site {table:06d}\n\n"
                "Unless otherwise stated, the KPIs below cover the site's offices and stores.\n\n"
                f"{table}. Emissions, energy and resources of site {table:06d}\n\n"
                + "\n".join(rows)
                + "\n\nNotes:\n\n1. Greenhouse gas emissions are presented in tonnes of carbon dioxide equivalent.\n\n"
            )
            out.write(block)
            written += len(block.encode("utf-8"))
            lines += block.count("\n")
            values += len(rows)
    return lines + 1, values


def run_text(megabytes: float, folder: Path) -> int:
    """Read, validate and write one long text report; print lines per second and peak memory."""
    report, warehouse = _scratch(folder, "benchmark-report.txt")
    lines, values = write_text_report(report, megabytes)
    report.with_name(report.name + ".yml").write_text(
        SIDECAR.replace("company: null", "company: Benchmark Company\ncompany_id: benchmark"), encoding="utf-8"
    )
    size_mb = report.stat().st_size / 1e6
    print(f"text report: {size_mb:,.1f} MB, {lines:,} lines, {values:,} values")
    baseline_mb = _peak_mb()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="esg-bench-") as workdir:
        result = read_documents([report], Path(workdir))
        if result.errors:
            print("\n".join(map(str, result.errors)), file=sys.stderr)
            return 1
        read = time.perf_counter() - started
        read_peak = _peak_mb()
        write_documents(warehouse, result.documents, prune=True)
    loaded = time.perf_counter() - started
    extraction = result.documents[0].extraction
    print(
        f"loaders: read and validated in {read:.1f} s, written in {loaded - read:.1f} s: {loaded:.1f} s"
        f" ({lines / loaded:,.0f} lines/s; {extraction.value_count:,} values, {extraction.reject_count:,} rejects)"
    )
    peak = _peak_mb()
    print(
        f"peak memory: {read_peak:,.0f} MB reading ({(read_peak - baseline_mb) / size_mb:.1f}x the report above the"
        f" {baseline_mb:,.0f} MB before it), {peak:,.0f} MB writing; warehouse file:"
        f" {warehouse.stat().st_size / 1e6:,.0f} MB"
    )
    return 0
