"""`python -m loaders bench`: how fast the warehouse loads and builds at scale, in printed figures.

It writes a synthetic dataset, a long CSV of N company-years with 20 printed values each (the
parts and totals the catalogue's identities check, added up so that they hold), loads it into a
scratch warehouse with the loaders, runs `dbt build` on it, and prints rows, seconds, values per
second and peak memory beside DuckDB's own CSV read of the same file.
"""

from __future__ import annotations

import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loaders.errors import REFUSED_EXIT
from loaders.pipeline import read_documents
from loaders.warehouse import connect, write_documents

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
_GIGAJOULES = _PARTS["direct energy"][0]
_WASTE = "Waste generated"
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
            # Waste generated is a total: hazardous and non-hazardous waste and some not printed (construction).
            lines = [
                (label, unit, figures["hazardous"] + figures["non-hazardous"] + value if label == _WASTE else value)
                for label, unit, value in lines
            ]
            for label, unit, value in lines:
                if label == _GIGAJOULES and n // years % 2:
                    # Half the companies print it in GJ, as many reports do: x 5 / 18 MWh, which no decimal holds.
                    out.write(f'{company},{year},{label},GJ,"{value * 3.6:,.3f}"\n')
                else:
                    out.write(f'{company},{year},{label},{unit},"{value:,.2f}"\n')
            rows += len(lines)
    return rows


def break_energy_total(path: Path) -> None:
    """The dataset's first energy total made not to add up (1.00): its identity check must fail."""
    lines = path.read_text(encoding="utf-8").splitlines()
    total = next(i for i, line in enumerate(lines) if "Total energy consumption" in line)
    lines[total] = re.sub(r'"[^"]*"$', '"1.00"', lines[total])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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


# The reference's label map and unit factors: what the warehouse's seeds say of the dataset's labels and
# units, restated for a floor of plain SQL (not the warehouse's logic: it only has to do comparable work).
_REFERENCE_METRICS = {
    "Direct greenhouse gas emissions (Scope 1)": "ghg_scope_1",
    "Indirect greenhouse gas emissions (Scope 2)": "ghg_scope_2",
    "Total greenhouse gas emissions (Scope 1 and Scope 2)": "ghg_scope_1_2",
    "Direct energy consumption": "energy_direct",
    "Indirect energy consumption": "energy_indirect",
    "Total energy consumption": "energy_total",
    "Total hazardous waste": "hazardous_waste",
    "Total non-hazardous waste": "non_hazardous_waste",
    "Waste excluding construction waste": "waste_total",
    "Total water consumption": "water_consumption",
    "Water withdrawal": "water_withdrawal",
    "Water discharge": "water_discharge",
    **{label: label.lower().replace(" ", "_") for label, _ in _OTHERS},
}
# The identities the floor checks: total = the parts' sum, on intervals.
_REFERENCE_IDENTITIES = {
    "ghg": ("ghg_scope_1_2", ("ghg_scope_1", "ghg_scope_2")),
    "energy": ("energy_total", ("energy_direct", "energy_indirect")),
}
_IDENTITY_SQL = """
    select
        company, fiscal_year, '{name}' as identity,
        sum(value_low) filter (where metric_code in {parts}) as low_sum,
        sum(value_high) filter (where metric_code in {parts}) as high_sum,
        max(value_low) filter (where metric_code = '{total}') as total_low,
        max(value_high) filter (where metric_code = '{total}') as total_high
    from facts group by all"""
_REFERENCE_UNITS = {"tCO2e": 1, "MWh": 1, "t": 1, "m3": 1, "%": 1, "person": 1, "count": 1, "kg": 0.001, "GJ": 1 / 3.6}
_REFERENCE_SQL = """
create table labels as select * from (values {labels}) as labels (label_key, metric_code);
create table units as select * from (values {units}) as units (unit, factor);
create table printed as select * from read_csv(?, header = true, delim = ',', quote = '"', all_varchar = true);
create table facts as
with read as (
    select
        company, cast(year as integer) as fiscal_year, lower(trim(indicator)) as label_key, unit,
        replace(value, ',', '') as figure,
        coalesce(length(split_part(replace(value, ',', ''), '.', 2)), 0) as decimals
    from printed
),
mapped as (
    select read.*, labels.metric_code, units.factor from read join labels using (label_key) join units using (unit)
)
select
    company, fiscal_year, metric_code, unit, decimals,
    cast(figure as decimal(38, 12)) * factor as value,
    (cast(figure as decimal(38, 12)) - cast(0.5 * pow(10, -decimals) as decimal(38, 12))) * factor as value_low,
    (cast(figure as decimal(38, 12)) + cast(0.5 * pow(10, -decimals) as decimal(38, 12))) * factor as value_high
from mapped;
copy facts to '{facts}' (format parquet);
create table wide as pivot facts on metric_code using first(value) group by company, fiscal_year;
create table checks as
select company, fiscal_year, identity, low_sum > total_high or high_sum < total_low as fails
from ({identities});
"""


def reference(dataset: Path, folder: Path) -> None:
    """The floor: plain DuckDB SQL doing the core of the warehouse's work on the dataset (map labels, convert
    units, rounding intervals, the long table written to a file, a pivot, two interval sum checks), into a
    DuckDB file of its own. Prints its seconds, peak memory and failed checks."""
    database = folder / "reference.duckdb"
    database.unlink(missing_ok=True)
    sql = _REFERENCE_SQL.format(
        labels=", ".join(f"('{label.lower()}', '{code}')" for label, code in _REFERENCE_METRICS.items()),
        units=", ".join(f"('{unit}', {factor})" for unit, factor in _REFERENCE_UNITS.items()),
        identities=" union all by name".join(
            _IDENTITY_SQL.format(name=name, total=total, parts=parts)
            for name, (total, parts) in _REFERENCE_IDENTITIES.items()
        ),
        facts=folder / "facts.parquet",
    )
    started = time.perf_counter()
    with connect(database) as con:
        for statement in filter(str.strip, sql.split(";")):
            con.execute(statement, [str(dataset)] if "?" in statement else [])
        failed = con.execute("select count(*) from checks where fails").fetchone()[0]
    print(f"{time.perf_counter() - started:.2f} {_peak_mb():.0f} {failed}")


def _timed(command: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Seconds, peak memory (MB, the largest process), exit status and the phases a build took (its
    `took ...` line) of a command, in a process of its own."""
    measure = (
        "import resource, subprocess, sys, time; started = time.perf_counter();"
        " run = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True);"
        " took = [line for line in run.stdout.splitlines() if line.startswith('took ')];"
        " print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,"
        " run.returncode); print(took[-1] if took else '')"
    )
    # The command's own output is not shown (a build prints its whole summary); its errors are.
    result = subprocess.run([sys.executable, "-c", measure, *command], cwd=cwd, stdout=subprocess.PIPE, text=True)
    figures, took = result.stdout.split("\n", 1)
    seconds, peak, status = figures.split()
    return float(seconds), float(peak), int(status), took.strip().removeprefix("took ")


def _make_build(project: Path, reports: Path, warehouse: Path) -> tuple[float, float, int, str]:
    return _timed(
        [
            "make",
            "--no-print-directory",
            "build",
            f"REPORTS={reports}",
            "METADATA=",
            f"WAREHOUSE={warehouse}",
            f"BUILD_DIR={warehouse.parent / 'dbt'}",
        ],
        project,
    )


def run(company_years: int, folder: Path, project: Path) -> int:
    """`make build` of a generated panel, whole (load, dbt, checks, publish with exports), beside the
    plain-SQL reference on the same file; prints both, their ratio, peak memory and bytes per value."""
    dataset, warehouse = _scratch(folder, "benchmark-dataset.csv")
    started = time.perf_counter()
    values = write_dataset(dataset, company_years)
    dataset.with_name(dataset.name + ".yml").write_text(SIDECAR, encoding="utf-8")
    print(
        f"dataset: {company_years:,} company-years, {values:,} values, {dataset.stat().st_size / 1e6:,.0f} MB"
        f" (written in {time.perf_counter() - started:.1f} s)"
    )
    seconds, peak, status, took = _make_build(project, dataset.parent, warehouse)
    print(
        f"make build: {seconds:.1f} s ({values / seconds:,.0f} values/s{'; ' + took if took else ''}),"
        f" peak {peak:,.0f} MB, exit status {status}"
    )
    measured = subprocess.run(
        [sys.executable, "-m", "loaders.bench", "reference", str(dataset), str(folder)],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    floor, floor_peak, failed = measured.stdout.split()
    print(f"plain DuckDB SQL reference: {float(floor):.1f} s, peak {float(floor_peak):,.0f} MB ({failed} checks fail)")
    if status not in (0, REFUSED_EXIT):
        print(f"make build failed (its errors above): nothing published in {warehouse}", file=sys.stderr)
        return status
    size = warehouse.stat().st_size
    print(
        f"make build / reference: {seconds / float(floor):.1f}x; warehouse file {size / 1e6:,.0f} MB,"
        f" {size / values:,.0f} bytes per value"
    )
    return status


def run_add(folder: Path, project: Path) -> int:
    """Add one report (the bundled Xiaomi report and its sidecar) to the panel `make bench` built, time
    `make build`; take the report out again and time that build too. Both are incremental builds."""
    reports, warehouse = folder / "reports", folder / "warehouse.duckdb"
    if not warehouse.exists():
        print(f"no panel in {folder}: run make bench first", file=sys.stderr)
        return 2
    report = project / "reports" / "xiaomi-2019-esg-report.zh-Hant.txt"
    added = [shutil.copy(path, reports) for path in (report, report.with_name(report.name + ".yml"))]
    try:
        seconds, peak, status, took = _make_build(project, reports, warehouse)
    finally:
        for path in added:
            Path(path).unlink()
    print(f"make build with one report added: {seconds:.1f} s ({took}), peak {peak:,.0f} MB, exit status {status}")
    if status not in (0, REFUSED_EXIT):
        return status
    seconds, peak, status, took = _make_build(project, reports, warehouse)
    print(
        f"make build with that report removed again: {seconds:.1f} s ({took}), peak {peak:,.0f} MB,"
        f" exit status {status}"
    )
    return status


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


if __name__ == "__main__":  # the reference runs in a process of its own, so that its peak memory is its own
    if sys.argv[1:2] == ["reference"]:
        reference(Path(sys.argv[2]), Path(sys.argv[3]))
