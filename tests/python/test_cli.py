"""`python -m loaders load` as a user runs it: messages, exit codes, idempotent writes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from loaders.errors import REFUSED_EXIT

from .helpers import ROOT, copy_report

RAW_TABLES = [
    "documents",
    "report_tables",
    "reported_values",
    "footnotes",
    "rejected_lines",
    "boundary_overrides",
    "label_overrides",
    "refused_documents",
]


def load(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "load", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every raw row, in a stable order, without the load timestamp."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {}
        for table in RAW_TABLES:
            columns = [c for (c, *_) in con.execute(f"describe raw.{table}").fetchall() if c != "loaded_at"]
            tables[table] = con.execute(f"select {', '.join(columns)} from raw.{table} order by all").fetchall()
        return tables


def test_loads_the_bundled_reports(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    result = load("reports", "--warehouse", warehouse)
    assert result.returncode == 0, result.stderr
    for line in (
        "reports/xiaomi-2019-esg-report.zh-Hant.txt: 2 KPI tables, 18 candidate lines -> 18 values, 0 rejects",
        "reports/xiaomi-2019-community-investment.csv: 1 KPI tables, 6 candidate lines -> 6 values, 0 rejects",
        "reports/xiaomi-2020-wuhan-donation.news.csv: 1 KPI tables, 5 candidate lines -> 5 values, 0 rejects",
        "reports/xiaomi-2025-north-china-flood-relief.news.csv: 1 KPI tables, 2 candidate lines -> 2 values, 0 rejects",
    ):
        assert line in result.stdout
    rows = snapshot(warehouse)
    assert len(rows["documents"]) == 4 and len(rows["reported_values"]) == 31 and rows["rejected_lines"] == []


def test_loading_twice_leaves_the_same_rows(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    assert load("reports", "--warehouse", warehouse).returncode == 0
    first = snapshot(warehouse)
    assert load("reports", "--warehouse", warehouse).returncode == 0
    assert snapshot(warehouse) == first


def test_an_edited_document_replaces_its_earlier_load(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    report = copy_report(tmp_path / "in")
    assert load(report, "--warehouse", warehouse).returncode == 0
    copy_report(tmp_path / "in", {1004: "直接溫室氣體排放總量(範圍一)(噸)\t284.42"})
    assert load(report, "--warehouse", warehouse).returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.documents").fetchone() == (1,)
        assert con.execute("select count(*) from raw.reported_values").fetchone() == (18,)
        assert con.execute("select value_as_printed from raw.reported_values where line_number = 1004").fetchall() == [
            ("284.42",)
        ]


def test_prune_removes_documents_no_longer_in_the_folder(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    elsewhere = copy_report(tmp_path / "elsewhere")
    elsewhere.write_text(elsewhere.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # other content
    assert load(elsewhere, "--warehouse", warehouse).returncode == 0
    assert load("reports", "--warehouse", warehouse, "--prune").returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        paths = con.execute("select document_path from raw.documents order by 1").fetchall()
    assert [path for (path,) in paths] == sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "reports").iterdir() if p.suffix in (".txt", ".csv")
    )


def changed_companies(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            company
            for (company,) in con.execute("select distinct company_id from raw.changed_companies order by 1").fetchall()
        ]


def test_changed_only_reads_new_and_changed_documents_and_records_their_companies(tmp_path):
    """Only documents new or changed (content or sidecar) are read again; pruning removes exactly the
    documents gone; the companies of every value written or removed are recorded for dbt."""
    warehouse, folder = tmp_path / "w.duckdb", tmp_path / "in"
    report = copy_report(folder)
    other = folder / "acme-2023.csv"
    other.write_text("KPI,Unit,FY2023\nScope 1 emissions,tCO2e,1200\n", encoding="utf-8")
    sidecar = other.with_name(other.name + ".yml")
    sidecar.write_text(
        "company: Acme\nfiscal_year: 2023\nlanguage: en\nsource: Acme 2023 report\nboundary: the group\n",
        encoding="utf-8",
    )
    assert load(folder, "--warehouse", warehouse).returncode == 0
    first = snapshot(warehouse)
    assert changed_companies(warehouse) == ["acme", "xiaomi"]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw.changed_companies")  # as a build does once dbt succeeded

    unchanged = load(folder, "--warehouse", warehouse, "--prune", "--changed-only")
    assert unchanged.returncode == 0, unchanged.stderr
    assert "2 document(s) unchanged since loaded: not read again" in unchanged.stderr
    assert "loaded 0 document(s)" in unchanged.stdout
    assert snapshot(warehouse) == first and changed_companies(warehouse) == []

    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("the group", "the group and its joint ventures"))
    residecar = load(folder, "--warehouse", warehouse, "--prune", "--changed-only")
    assert "1 document(s) unchanged" in residecar.stderr and "loaded 1 document(s)" in residecar.stdout
    assert changed_companies(warehouse) == ["acme"]

    before, gone = snapshot(warehouse), hashlib.sha256(report.read_bytes()).hexdigest()
    report.unlink()
    removed = load(folder, "--warehouse", warehouse, "--prune", "--changed-only")
    assert removed.returncode == 0, removed.stderr
    # Each raw table keeps every row but the removed document's (the hash is each row's first column).
    assert snapshot(warehouse) == {table: [row for row in rows if row[0] != gone] for table, rows in before.items()}
    assert changed_companies(warehouse) == ["acme", "xiaomi"]


def test_a_garbled_line_is_reported_with_file_and_line_and_kept(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    report = copy_report(tmp_path / "in", {1005: "間接溫室氣體排放總量(範圍二)(噸)\t22,49B.84"})
    result = load(report, "--warehouse", warehouse)
    assert result.returncode == 0
    assert f"{report}:1005: rejected (malformed_number): malformed number '22,49B.84'" in result.stderr
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.reported_values").fetchone() == (17,)
        assert con.execute("select line_number, reason_code from raw.rejected_lines").fetchall() == [
            (1005, "malformed_number")
        ]


def test_a_document_without_metadata_is_refused_without_a_traceback_and_the_others_load(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    report = copy_report(tmp_path / "in")
    report.with_name(report.name + ".yml").unlink()
    result = load(report, "reports/xiaomi-2019-community-investment.csv", "--warehouse", warehouse)
    assert result.returncode == REFUSED_EXIT  # not 0: automation notices; not 1: the others are loaded
    message = f"no metadata file: expected {report.name}.yml beside it or in metadata"
    assert f"error: refused: {report}: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select document_path from raw.documents").fetchall() == [
            ("reports/xiaomi-2019-community-investment.csv",)
        ]
        assert con.execute(
            "select document_path, refused_path, line_number, reason from raw.refused_documents"
        ).fetchall() == [(str(report), str(report), None, message)]


def test_bad_metadata_names_file_and_field(tmp_path):
    report = copy_report(tmp_path / "in")
    sidecar = report.with_name(report.name + ".yml")
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("fiscal_year: 2019", "fiscal_year: FY19"))
    result = load(report, "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == REFUSED_EXIT
    assert f"{sidecar}: field 'fiscal_year' must be a year such as 2019, got 'FY19'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path_is_a_clear_error(tmp_path):
    result = load(tmp_path / "nowhere", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 1
    assert "nowhere: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_same_document_twice_in_one_load_is_loaded_once_and_the_copy_refused(tmp_path):
    first, second = copy_report(tmp_path / "a"), copy_report(tmp_path / "b")
    result = load(tmp_path, "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == REFUSED_EXIT
    assert f"{second}: same content as {first}; load it once" in result.stderr
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select document_path from raw.documents").fetchall() == [(str(first),)]
        assert con.execute("select document_path from raw.refused_documents").fetchall() == [(str(second),)]


def test_a_warehouse_held_by_another_process_is_a_clear_error(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)):  # a writer elsewhere holds the lock
        result = load("reports", "--warehouse", warehouse)
    assert result.returncode == 1
    assert f"{warehouse}: cannot open for writing" in result.stderr
    assert "Traceback" not in result.stderr


def test_seed_columns_derived_by_the_loaders_are_up_to_date():
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "seeds", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_many_documents_get_a_progress_bar_on_a_terminal(monkeypatch):
    from tqdm import tqdm

    from loaders import cli

    paths = [Path(f"report-{n}.txt") for n in range(cli.PROGRESS_FROM)]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert isinstance(cli._progress(paths), tqdm)
    assert cli._progress(paths[:-1]) == paths[:-1]  # a few documents: no bar
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert cli._progress(paths) == paths  # a log file: no bar


def test_the_benchmark_loads_a_dataset_whose_identities_hold(tmp_path):
    from loaders.bench import SIDECAR, write_dataset

    dataset = tmp_path / "reports" / "benchmark-dataset.csv"
    dataset.parent.mkdir()
    assert write_dataset(dataset, company_years=30) == 600
    dataset.with_name(dataset.name + ".yml").write_text(SIDECAR, encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(dataset.parent), "--warehouse", str(warehouse)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "600 values, 0 rejects" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        totals = con.execute(
            """select count(*) from raw.reported_values as total
               join raw.reported_values as s1 using (company_id, fiscal_year)
               join raw.reported_values as s2 using (company_id, fiscal_year)
               where total.label_key = 'total greenhouse gas emissions (scope 1 and scope 2)'
                 and s1.label_key = 'direct greenhouse gas emissions (scope 1)'
                 and s2.label_key = 'indirect greenhouse gas emissions (scope 2)'
                 and total.value_number = s1.value_number + s2.value_number"""
        ).fetchone()
    assert totals == (30,)


def _store(tmp_path: Path) -> tuple[Path, Path]:
    """The bundled report in a store of its own, its sidecar moved into a metadata folder."""
    report = copy_report(tmp_path / "store")
    metadata = tmp_path / "metadata" / "reports"  # sidecars are found in subfolders too
    metadata.mkdir(parents=True)
    sidecar = report.with_name(report.name + ".yml")
    sidecar.rename(metadata / sidecar.name)
    return report, metadata / sidecar.name


def test_a_sidecar_in_a_metadata_folder_describes_a_document_kept_elsewhere(tmp_path):
    report, sidecar = _store(tmp_path)
    report.parent.chmod(0o555)  # a read-only store
    try:
        result = load(report.parent, "--metadata", tmp_path / "metadata", "--warehouse", tmp_path / "w.duckdb")
    finally:
        report.parent.chmod(0o755)
    assert result.returncode == 0, result.stderr
    rows = snapshot(tmp_path / "w.duckdb")
    assert len(rows["reported_values"]) == 18
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select metadata_path from raw.documents").fetchone() == (str(sidecar),)


def test_a_sidecar_pinned_to_another_documents_hash_does_not_apply(tmp_path):
    report, sidecar = _store(tmp_path)
    other = "0" * 64
    sidecar.write_text(f"document_sha256: {other}\n" + sidecar.read_text(encoding="utf-8"), encoding="utf-8")
    result = load(report, "--metadata", tmp_path / "metadata", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == REFUSED_EXIT
    assert f"{sidecar} describes another document (document_sha256 {other})" in result.stderr
    assert "Traceback" not in result.stderr
    # Pinned to this document's hash, it applies; a second, unpinned copy elsewhere is then ambiguous.
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace(other, digest), encoding="utf-8")
    assert load(report, "--metadata", tmp_path / "metadata", "--warehouse", tmp_path / "w.duckdb").returncode == 0


def test_metadata_in_two_places_is_an_error_naming_both(tmp_path):
    report, sidecar = _store(tmp_path)
    shutil.copy(sidecar, report.with_name(sidecar.name))
    result = load(report, "--metadata", tmp_path / "metadata", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == REFUSED_EXIT
    assert f"metadata found in two places: {report.with_name(sidecar.name)} and {sidecar}" in result.stderr


def test_several_folders_load_in_one_run_and_a_sidecar_may_skip_a_document(tmp_path):
    report, sidecar = _store(tmp_path)
    copy = report.rename(report.with_name("xiaomi-2019-esg-report.copy.txt"))
    copy.write_text(copy.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # content of its own
    sidecar.rename(sidecar.with_name(copy.name + ".yml"))
    notes = tmp_path / "store" / "notes.txt"
    notes.write_text("reading notes, not a report\n", encoding="utf-8")
    (tmp_path / "metadata" / "notes.txt.yml").write_text("skip: reading notes kept beside the report\n")
    result = load("reports", copy.parent, "--metadata", tmp_path / "metadata", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 0, result.stderr
    assert f"{notes}: skipped: reading notes kept beside the report" in result.stderr
    assert f"{copy}: 2 KPI tables, 18 candidate lines -> 18 values, 0 rejects" in result.stdout
    assert "loaded 5 document(s)" in result.stdout


def test_a_metadata_folder_that_does_not_exist_is_named(tmp_path):
    result = load("reports", "--metadata", tmp_path / "nowhere", "--warehouse", tmp_path / "w.duckdb")
    assert result.returncode == 1
    assert f"{tmp_path / 'nowhere'}: metadata folder not found" in result.stderr


def run(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *map(str, args)], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_map_lists_what_maps_to_nothing_with_proposals_and_accepts_them_into_the_sidecar(tmp_path):
    report = tmp_path / "acme-2021.txt"
    report.write_text(
        "1. Emissions\n"
        "Scope 1 emissions from leased aircraft (tonnes)\t1,234\n"
        "Scope 2 / Total (market based) (t)\t56\n",
        encoding="utf-8",
    )
    sidecar = report.with_name(report.name + ".yml")
    sidecar.write_text(
        "company: Acme\nfiscal_year: 2021\nlanguage: en\nsource: Acme 2021 report\nboundary: the group\n",
        encoding="utf-8",
    )
    listed = run("map", tmp_path)
    assert listed.returncode == 0, listed.stderr
    # The market-based scope 2 row is read; the aircraft row has words the vocabulary does not know.
    assert "1 labels map to no metric in 1 document(s)" in listed.stdout
    assert "'Scope 1 emissions from leased aircraft' [tonnes], 1 values" in listed.stdout
    assert "proposes ghg_scope_1:" in listed.stdout and "is not in the vocabulary" in listed.stdout
    accepted = run("map", tmp_path, "--accept", "1")
    assert accepted.returncode == 0, accepted.stderr
    assert f"accepted 1: 'Scope 1 emissions from leased aircraft' -> ghg_scope_1 in {sidecar}" in accepted.stdout
    assert 'metric: ghg_scope_1, basis: "accepted with make map:' in sidecar.read_text(encoding="utf-8")
    assert "0 labels map to no metric" in run("map", tmp_path).stdout
    refused = run("map", tmp_path, "--accept", "9")
    assert refused.returncode == 1 and "--accept 9: no such label" in refused.stderr


def test_map_marks_a_proposal_that_would_fail_an_identity_with_the_figures_read(tmp_path):
    report = tmp_path / "acme-2021.txt"
    report.write_text(
        "1. Emissions\n"
        "Indicator\t2021\t2020\n"
        "Scope 1 emissions (tCO2e)\t100\t90\n"
        "Scope 2 emissions (tCO2e)\t50.5\t40\n"
        "Scope 1 and 2 emissions of the Acme subsidiaries (tCO2e)\t150\t140\n"  # 2021 holds at the printed precision
        "Scope 1, 2 and 3 emissions of the Acme subsidiaries (tCO2e)\t900\t800\n",  # no scope 3 printed
        encoding="utf-8",
    )
    report.with_name(report.name + ".yml").write_text(
        "company: Acme\nfiscal_year: 2021\nlanguage: en\nsource: Acme 2021 report\nboundary: the group\n",
        encoding="utf-8",
    )
    listed = run("map", tmp_path)
    assert listed.returncode == 0, listed.stderr
    # 2020: 90 + 40 is 130, not 140; 2021: 100 + 50.5 is 150.5, within half a unit of the 150 printed.
    assert (
        "! accepting it would fail identity ghg_scope_1_plus_2 fails for 2020: ghg_scope_1_2 140 tCO2e,"
        " ghg_scope_1 90 + ghg_scope_2 40"
    ) in listed.stdout
    assert listed.stdout.count("! accepting it would fail") == 1  # the total without its scope 3 is not judged


def test_the_sources_yaml_describes_exactly_the_raw_columns_the_records_declare():
    """The raw tables' columns come from the loaders' records (loaders/models.py) and the build's state
    tables; the sources YAML that documents them must list the same columns, in any order, and nothing else."""
    import yaml

    from loaders.warehouse import STATE_TABLES, TABLES

    sources = yaml.safe_load((ROOT / "models" / "staging" / "reports" / "_reports.yml").read_text(encoding="utf-8"))
    [reports] = sources["sources"]
    documented = {table["name"]: {c["name"] for c in table["columns"]} for table in reports["tables"]}
    assert documented == {table: set(columns) for table, columns in (TABLES | STATE_TABLES).items()}
