"""Audits of the bundled documents: each check against a hand calculation, the severity policy with its
exceptions register, and `make audit`'s report and manifest (reproducible, and sensitive to exactly
what an input change touches)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import UTC
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from loaders.audit import render_report

from .helpers import ROOT, copy_project, copy_report, run_make_build
from .pdf_fixtures import write_siemens_figures

FLOOD_RELIEF = "xiaomi-2025-north-china-flood-relief.news.csv"
# The report's header naming the build it audits: the one part of it that differs between two builds.
_BUILD_HEADER = re.compile(r'<dl id="build" .*?</dl>', re.S)


def findings(warehouse: Path, where: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"select * from marts.fct_audit_findings where {where} order by subject_key")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build_info(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("select build_id, built_at, engine from meta.build_info")
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def one(warehouse: Path, where: str) -> dict:
    rows = findings(warehouse, where)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """`make audit` twice over the same copy of the bundled documents, then once after one input changed."""
    base = tmp_path_factory.mktemp("audits")
    reports = base / "reports"
    shutil.copytree(ROOT / "reports", reports)
    write_siemens_figures(reports)
    runs = []
    for name in ("first", "second"):
        result, warehouse = run_make_build(base / name, target="audit", reports=reports)
        assert result.returncode == 0, result.stdout + result.stderr
        runs.append((base / name / "audit", warehouse))
    summary = result.stdout
    flood = reports / FLOOD_RELIEF
    flood.write_text(flood.read_text(encoding="utf-8").replace(",2025,49.000,", ",2025,59.000,"), encoding="utf-8")
    result, warehouse = run_make_build(base / "changed", target="audit", reports=reports)
    assert result.returncode == 0, result.stdout + result.stderr
    runs.append((base / "changed" / "audit", warehouse))
    return reports, runs, summary


# --- each check, by hand ------------------------------------------------------------------------


def test_scope_1_plus_2_is_judged_on_intervals(audited):
    _, [(_, warehouse), *_], _ = audited
    finding = one(warehouse, "check_code = 'identity' and subject = 'ghg_scope_1_plus_2' and company_id = 'xiaomi'")
    # total 22,782.26 -> [22782.255, 22782.265]; parts 283.42 + 22,498.84 -> [22782.25, 22782.27]
    assert (finding["expected_lower"], finding["expected_upper"]) == pytest.approx((22782.255, 22782.265))
    assert (finding["actual_lower"], finding["actual_upper"]) == pytest.approx((22782.25, 22782.27))
    assert (finding["status"], finding["severity"], finding["fails_build"]) == ("pass", "hard", False)
    assert "ghg_scope_1 283.42 噸 (line 1004) + ghg_scope_2 22,498.84 噸 (line 1005)" in finding["inputs"]


def test_totals_that_differ_from_their_parts_by_rounding_pass(audited):
    _, [(_, warehouse), *_], _ = audited
    siemens = findings(warehouse, "check_code = 'identity' and company_id = 'siemens'")
    by_type = [f for f in siemens if f["subject"] == "waste_total_by_type"]
    assert {f["fiscal_year"]: f["status"] for f in by_type} == {2022: "pass", 2023: "pass"}
    # Waste without construction waste is not printed in these tables: that identity says so.
    other = {f["subject"]: f for f in siemens if f["subject"] != "waste_total_by_type"}
    assert {f["status"] for f in other.values()} == {"not_evaluable"}
    # Siemens' waste FY2023: 261.2 printed against 214.7 + 12.7 + 33.9 = 261.3, which rounding allows.
    waste = next(f for f in siemens if f["subject"] == "waste_total_by_type" and f["fiscal_year"] == 2023)
    assert (waste["expected_lower"], waste["expected_upper"]) == pytest.approx((261150, 261250))
    assert (waste["actual_lower"], waste["actual_upper"]) == pytest.approx((261150, 261450))


def test_a_printed_change_of_a_figure_near_zero_is_judged_on_intervals(audited):
    _, [(_, warehouse), *_], _ = audited
    finding = one(warehouse, "check_code = 'printed_change' and subject = 'Scope 1 / N2O emissions'")
    # 0.0 against 0.2: [0, 0.05] / [0.15, 0.25] - 1 = [-100 %, -66.7 %], which holds the printed -91.8 %.
    assert (finding["expected_lower"], finding["expected_upper"]) == pytest.approx((-100, 100 * (0.05 / 0.15 - 1)))
    assert (finding["actual_lower"], finding["actual_upper"]) == pytest.approx((-91.85, -91.75))
    assert finding["status"] == "pass"


def test_large_year_on_year_changes_are_flagged_not_failed(audited):
    _, [(_, warehouse), *_], _ = audited
    flagged = findings(warehouse, "check_code = 'year_on_year' and status = 'flagged'")
    # Construction waste 18.0 to 33.9 (1,000 t): at least 33.85 / 18.05 - 1 = 87.5 % up; N2O 0.2 to 0.0.
    assert [(f["company_id"], f["subject"], f["members"]) for f in flagged] == [
        ("siemens", "construction_waste", None),
        ("siemens", "ghg_scope_1", "gas=n2o"),
    ]
    assert flagged[0]["severity"] == "info" and flagged[0]["actual_lower"] == pytest.approx(33.85 / 18.05 - 1)
    assert flagged[1]["actual_upper"] == pytest.approx(0.05 / 0.15 - 1)


def test_per_head_intensities_of_one_boundary_imply_different_headcounts(audited):
    _, [(_, warehouse), *_], _ = audited
    finding = one(warehouse, "check_code = 'shared_denominator' and subject = 'headcount'")
    # Each printed intensity p (rounded) over its printed numerator n implies [n_lo / p_hi, n_hi / p_lo] people.
    hazardous = (0.995 / 0.0000665, 1.005 / 0.0000655)
    non_hazardous = (1457.935 / 0.075, 1457.945 / 0.065)
    water = (144803.285 / 9.385, 144803.295 / 9.375)
    assert (finding["expected_lower"], finding["expected_upper"]) == pytest.approx(
        (max(hazardous[0], non_hazardous[0], water[0]), min(hazardous[1], non_hazardous[1], water[1]))
    )
    assert finding["expected_lower"] > finding["expected_upper"]  # no headcount fits all three
    assert (finding["status"], finding["severity"], finding["fails_build"]) == ("fail", "warning", False)
    assert "hazardous_waste_per_capita 0.000066 implies [14962.41, 15343.51]" in finding["message"]
    assert "water_per_capita 9.38 implies [15429.23, 15445.68]" in finding["message"]


def test_an_amount_in_two_currencies_is_checked_against_the_rate_of_its_day(audited):
    _, [(_, warehouse), *_], _ = audited
    rate = 688.76 / 100  # CFETS central parity, 23 January 2020
    wuhan = findings(warehouse, "check_code = 'fx_pair'")
    masks, donation = wuhan
    # "more than 300,000 yuan (about $43247)": more than a printed 300,000 is at least 299,999.5, so at
    # least 299,999.5 / 43,247.5 yuan per dollar, with no upper end.
    assert masks["actual_lower"] == pytest.approx(299999.5 / 43247.5) and masks["actual_upper"] is None
    assert masks["status"] == "pass"
    # "1 billion yuan (about $1441586)": [0.5e9 / 1441586.5, 1.5e9 / 1441585.5] is far from 6.89.
    assert (donation["actual_lower"], donation["actual_upper"]) == pytest.approx((0.5e9 / 1441586.5, 1.5e9 / 1441585.5))
    assert (donation["expected_lower"], donation["expected_upper"]) == pytest.approx((rate * 0.98, rate * 1.02))
    assert (donation["status"], donation["severity"]) == ("fail", "warning")
    assert "Xiaomi Group donated 1 billion yuan (about $1441586)" in donation["inputs"]


def test_listed_donations_are_checked_against_the_total_in_dollars(audited):
    _, [(_, warehouse), *_], _ = audited
    finding = one(warehouse, "check_code = 'items_within_total' and fiscal_year = 2019")
    # 10萬 + 10萬 yuan and 150萬 rupees at the 2019 averages, against 約2,200萬 yuan.
    assert finding["actual_lower"] == pytest.approx(2 * 0.095 / 6.9081 + 1.495 / 70.3777)
    assert finding["expected_upper"] == pytest.approx(22.005 / 6.9081)
    assert finding["status"] == "pass"
    # An amount a passage states in yuan and dollars counts once.
    wuhan = one(warehouse, "check_code = 'items_within_total' and fiscal_year = 2020")
    assert wuhan["actual_lower"] == pytest.approx((299999.5 + 0.5e9 + 5.5e6) / 1e6 / 6.8876)
    assert (wuhan["status"], wuhan["status_reason"]) == ("not_evaluable", "no total donations stated for the year")


def test_every_finding_is_in_the_build_summary_counts(audited):
    _, [(_, warehouse), *_], _ = audited
    with duckdb.connect(str(warehouse), read_only=True) as con:
        total = con.execute("select count(*) from marts.fct_audit_findings").fetchone()[0]
        passed, failed, not_evaluable = con.execute(
            "select count(*) filter (where status = 'pass'), count(*) filter (where status = 'fail'),"
            " count(*) filter (where status = 'not_evaluable') from marts.fct_audit_findings"
            " where check_code = 'identity'"
        ).fetchone()
        xiaomi = con.execute(
            "select subject, status from marts.fct_audit_findings where check_code = 'identity'"
            " and company_id = 'xiaomi' order by subject"
        ).fetchall()
    result, _ = run_make_build(warehouse.parent / "summary", reports=audited[0])
    assert f"findings: {total} (marts.fct_audit_findings)" in result.stdout
    assert "FAIL (cross-check, does not fail the build): 2" in result.stdout
    assert f"  identity [hard]: {passed} pass, {failed} fail, {not_evaluable} not evaluable" in result.stdout
    # Xiaomi: scope 1 + 2 and energy hold; water withdrawal and discharge are not printed, nor is a
    # scope 1 + 2 + 3 total beside scope 1 and scope 2, nor a waste total beside hazardous and
    # non-hazardous waste.
    assert xiaomi == [
        ("energy_direct_plus_indirect", "pass"),
        ("ghg_scope_1_2_3_by_scope", "not_evaluable"),
        ("ghg_scope_1_plus_2", "pass"),
        ("waste_hazardous_plus_non_hazardous", "not_evaluable"),
        ("waste_total_by_type", "not_evaluable"),
        ("water_withdrawal_minus_discharge", "not_evaluable"),
    ]


# --- severity policy ------------------------------------------------------------------------------


def test_a_broken_identity_fails_the_build_until_the_register_accepts_it(tmp_path):
    project = copy_project(tmp_path / "project")
    copy_report(tmp_path / "reports", {1004: "直接溫室氣體排放總量(範圍一)(噸)\t293.42"})
    result, warehouse = run_make_build(tmp_path, project=project)
    assert result.returncode != 0
    assert "FAIL assert_hard_findings_hold" in result.stdout
    assert "FAIL (fails the build): 1" in result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("    - identity ghg_scope_1_plus_2|"))
    subject_key = line.removeprefix("    - identity ").partition(": ")[0]
    assert not warehouse.exists()

    register = project / "seeds" / "audit_exceptions.csv"
    with register.open("a", encoding="utf-8") as handle:
        handle.write(f"identity,{subject_key},Scope 1 misprinted; confirmed with the company,A. Auditor,2026-11-20\n")
    result, warehouse = run_make_build(tmp_path, project=project)
    assert result.returncode == 0, result.stdout
    assert "FAIL (accepted in seeds/audit_exceptions.csv): 1" in result.stdout
    assert "accepted: Scope 1 misprinted; confirmed with the company" in result.stdout
    finding = one(warehouse, "check_code = 'identity' and status = 'fail'")
    assert (finding["is_excepted"], finding["fails_build"], finding["exception_accepted_by"]) == (
        True,
        False,
        "A. Auditor",
    )
    assert str(finding["exception_accepted_on"]) == "2026-11-20"


# --- make audit -----------------------------------------------------------------------------------


def test_two_builds_of_the_same_inputs_give_identical_audits(audited):
    _, [(first, first_warehouse), (second, second_warehouse), _], _ = audited
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    # The reports differ only in the header naming the build each audits.
    reports = [(run / "report.html").read_text(encoding="utf-8") for run in (first, second)]
    builds = [build_info(warehouse)["build_id"] for warehouse in (first_warehouse, second_warehouse)]
    assert builds[0] != builds[1]
    for report, build_id in zip(reports, builds, strict=True):
        assert f'<dd id="build-id"><code>{build_id}</code></dd>' in report
    assert _BUILD_HEADER.sub("", reports[0]) == _BUILD_HEADER.sub("", reports[1])


def test_the_manifest_hashes_every_input_seed_tool_and_mart(audited):
    reports, [(first, warehouse), _, _], _ = audited
    manifest = json.loads((first / "manifest.json").read_text())
    documents = sorted(p for p in reports.iterdir() if not p.name.endswith(".yml"))
    assert sorted(manifest["documents"]) == [str(p) for p in documents]
    for document in documents:
        entry = manifest["documents"][str(document)]
        # As the first build read it: the flood-relief table was changed after it.
        original = ROOT / "reports" / document.name if document.name == FLOOD_RELIEF else document
        assert entry["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
        sidecar = original.with_name(document.name + ".yml")
        assert entry["metadata_sha256"] == hashlib.sha256(sidecar.read_bytes()).hexdigest()
    seeds = sorted((ROOT / "seeds").glob("*.csv"))
    assert manifest["seeds"] == {f"seeds/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds}
    assert manifest["requirements_sha256"] == hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    assert manifest["tools"]["duckdb"] == duckdb.__version__ and manifest["tools"]["dbt-core"].startswith("1.11")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = con.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall()
        for (table,) in marts:
            count = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            assert manifest["marts"][f"marts.{table}"]["rows"] == count


def test_changing_one_input_changes_exactly_the_hashes_that_depend_on_it(audited):
    reports, [(first, before), _, (changed, after)], _ = audited
    old, new = (json.loads((run / "manifest.json").read_text()) for run in (first, changed))
    flood = str(reports / FLOOD_RELIEF)
    assert [path for path in old["documents"] if old["documents"][path] != new["documents"][path]] == [flood]
    assert old["documents"][flood]["metadata_sha256"] == new["documents"][flood]["metadata_sha256"]
    assert (old["seeds"], old["tools"], old["requirements_sha256"]) == (
        new["seeds"],
        new["tools"],
        new["requirements_sha256"],
    )
    changed_marts = {name for name in old["marts"] if old["marts"][name] != new["marts"][name]}
    # What depends on the document: the marts with a row that names it, before or after the change.
    dependent = set()
    for warehouse in (before, after):
        with duckdb.connect(str(warehouse), read_only=True) as con:
            for table, columns in con.execute(
                "select table_name, list(column_name) from information_schema.columns"
                " where table_schema = 'marts' and data_type = 'VARCHAR' group by table_name"
            ).fetchall():
                mentions = " or ".join(f'contains("{column}", ?)' for column in columns)
                if con.execute(
                    f"select count(*) from marts.{table} where {mentions}", [flood] * len(columns)
                ).fetchone()[0]:
                    dependent.add(f"marts.{table}")
    assert changed_marts == dependent
    assert {"marts.fct_community_investments", "marts.fct_audit_findings", "marts.dim_documents"} <= changed_marts
    assert {"marts.fct_kpi_values", "marts.dim_metrics", "marts.fct_kpi_intensities"}.isdisjoint(changed_marts)


def test_the_report_puts_failures_first_and_traces_every_kpi_to_its_line(audited):
    _, [(first, warehouse), _, _], _ = audited
    report = (first / "report.html").read_text(encoding="utf-8")
    start = report.index('<h2 id="needs-attention">')
    attention = report[start : report.index("<h2", start + 5)]
    assert attention.index("Fails") < attention.index("Flagged")
    assert "1 billion CNY and about 1441586 USD imply" in attention
    xiaomi = report[report.index('<h2 id="xiaomi-2019">') :]
    xiaomi = xiaomi[: xiaomi.index("<h2", 5)]
    assert xiaomi.index("Fails") < xiaomi.index("Passes")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        lines = con.execute(
            "select document_path, location from marts.fct_kpi_values"
            " where company_id = 'xiaomi' and fiscal_year = 2019"
        ).fetchall()
    assert len(lines) == 19 and all(f"{path} {location}" in xiaomi for path, location in lines)
    assert "<q>直接溫室氣體排放總量(範圍一)(噸)\t283.42</q>" in xiaomi
    assert "energy_intensity_revenue = energy_total [MWh] / revenue [¤ m]" in xiaomi


# --- the report, as an auditor reads it -------------------------------------------------------------


def published_copy(warehouse: Path, target: Path, build_info: bool = True) -> Path:
    """What a published warehouse serves: the marts and meta.build_info as tables, no other schema
    (`build_info=False`: a build that was never published)."""
    with duckdb.connect(str(target)) as con:
        # The marts' views name the catalogue `warehouse`, as builds attach it.
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_catalog = 'warehouse' and table_schema in ('marts', 'meta') order by all"
        ).fetchall()
        for schema, table in relations:
            if schema == "meta" and not build_info:
                continue
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select * from warehouse.{schema}.{table}")
        con.execute("detach warehouse")
    return target


def rendered(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return render_report(con)


class _Report(HTMLParser):
    """The report's ids, its finding rows (attributes, the links of their Source cell) and source rows' text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.findings: list[dict] = []
        self.sources: dict[str, str] = {}
        self._row: dict | None = None
        self._cell = ""
        self._source: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        classes = (attributes.get("class") or "").split()
        if tag == "tr":
            self._row = {**attributes, "links": []} if "finding" in classes else None
            self._source = attributes["id"] if "source" in classes else None
            if self._row is not None:
                self.findings.append(self._row)
            if self._source:
                self.sources[self._source] = ""
        elif tag == "td":
            self._cell = " ".join(classes)
        elif tag == "a" and self._row is not None and "source-link" in classes:
            self._row["links"].append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = self._source = None

    def handle_data(self, data):
        if self._source:
            self.sources[self._source] += data


def test_the_report_header_names_the_build_it_audits(audited):
    _, [(first, warehouse), *_], _ = audited
    report = (first / "report.html").read_text(encoding="utf-8")
    info = build_info(warehouse)
    header = report[report.index("<header") : report.index("</header>")]
    assert f"<code>{info['build_id']}</code>" in header
    assert info["built_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") in header
    assert f"<dd>{info['engine']}</dd>" in header


def test_the_report_reads_only_the_marts_and_the_build_info(audited, tmp_path):
    _, [(first, warehouse), *_], _ = audited
    published = published_copy(warehouse, tmp_path / "published.duckdb")
    assert rendered(published) == (first / "report.html").read_text(encoding="utf-8")


def test_a_warehouse_never_published_is_reported_as_such(audited, tmp_path):
    _, [(_, warehouse), *_], _ = audited
    report = rendered(published_copy(warehouse, tmp_path / "unpublished.duckdb", build_info=False))
    assert '<dd id="build-id">not published</dd>' in report
    assert "Fails" in report[report.index('<h2 id="needs-attention">') :]


def test_every_finding_links_to_the_printed_lines_it_read(audited):
    _, [(first, warehouse), *_], _ = audited
    report = (first / "report.html").read_text(encoding="utf-8")
    parsed = _Report(report)
    assert len(parsed.ids) == len(set(parsed.ids))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        with_document = {
            finding_id
            for (finding_id,) in con.execute(
                "select finding_id from marts.fct_audit_findings where document_path is not null"
            ).fetchall()
        }
        count = con.execute("select count(*) from marts.fct_audit_findings").fetchone()[0]
    rows = {row["data-finding"]: row for row in parsed.findings if "id" in row}
    assert len(rows) == count
    for finding_id in with_document:
        links = rows[finding_id]["links"]
        assert links and all(link.removeprefix("#") in parsed.sources for link in links), rows[finding_id]
    # Scope 1 + 2 = total: the three lines its inputs name, each with its path, line and text as printed.
    finding = one(warehouse, "check_code = 'identity' and subject = 'ghg_scope_1_plus_2' and company_id = 'xiaomi'")
    lines = [parsed.sources[link.removeprefix("#")] for link in rows[finding["finding_id"]]["links"]]
    assert [re.search(r"line \d+", line).group() for line in lines] == ["line 1003", "line 1004", "line 1005"]
    assert all(finding["document_path"] in line for line in lines)
    assert "直接溫室氣體排放總量(範圍一)(噸)\t283.42" in lines[1]
    # A PDF's lines are its pages' rows.
    waste = one(warehouse, "check_code = 'identity' and subject = 'waste_total_by_type' and fiscal_year = 2023")
    waste_lines = [parsed.sources[link.removeprefix("#")] for link in rows[waste["finding_id"]]["links"]]
    assert [re.search(r"page \d+ row \d+", line).group() for line in waste_lines] == [
        "page 2 row 1",
        "page 2 row 4",
        "page 2 row 3",
        "page 2 row 2",
    ]
    assert "Waste | Construction waste | Fiscal Year | 1,000 tons | 33.9 | 18.0 | 88.0% | GRI 306-3" in waste_lines[1]


def test_the_report_prints_figures_at_their_precision(audited):
    _, [(first, _), *_], _ = audited
    report = (first / "report.html").read_text(encoding="utf-8")
    # Intervals without float noise (22782.255 is stored as 22782.254999999997).
    assert "[22,782.255, 22,782.265]" in report
    assert not re.search(r"\d\.\d*(?:0{6,}[1-9]|9{6,}\d)", report)
    # Converted values keep the decimals printed: 1.00 t of hazardous waste, 387 thousand t of scope 1.
    assert re.search(r'<td class="num">1\.00</td><td>t</td>', report)
    assert re.search(r'<td class="num">387,000</td><td>tCO2e</td>', report)


def test_filters_and_print_styles_are_in_the_page(audited):
    _, [(first, _), *_], _ = audited
    report = (first / "report.html").read_text(encoding="utf-8")
    for control in ("filter-status", "filter-check", "filter-company", "filter-year", "search"):
        assert f'id="{control}"' in report
    rows = _Report(report).findings
    assert rows and all({"data-status", "data-check", "data-company", "data-year"} <= row.keys() for row in rows)
    assert "@media print" in report and "max-height" not in report and "overflow:hidden" not in report
    # One file: no stylesheet, script or image fetched from anywhere.
    assert not re.search(r"<link|<img|\bsrc=|@import|url\(|href=\"(?!#)", report)


def chart(report: str, company: str, metric: str, members: str = "") -> str:
    start = report.index(f'<figure class="chart" id="chart-{company}-{metric}-{members or "total"}"')
    return report[start : report.index("</figure>", start)]


def test_kpis_printed_for_two_years_or_more_are_charted_with_flagged_years_ringed(audited, tmp_path):
    _, [(first, warehouse), *_], _ = audited
    report = (first / "report.html").read_text(encoding="utf-8")
    # Siemens prints FY2023 beside FY2022; construction waste's 88 % rise is flagged in 2023.
    waste = chart(report, "siemens", "construction_waste")
    assert re.findall(r'class="point"[^>]*data-year="(\d+)"', waste) == ["2022", "2023"]
    assert re.findall(r'class="mark"[^>]*data-year="(\d+)"', waste) == ["2023"]
    assert 'class="mark"' not in chart(report, "siemens", "ghg_scope_1")
    assert 'class="mark"' in chart(report, "siemens", "ghg_scope_1", "gas-n2o")

    # Four years of Xiaomi's KPIs, one of them flagged: a chart of four points and one ring.
    generated = published_copy(warehouse, tmp_path / "years.duckdb")
    with duckdb.connect(str(generated)) as con:
        for back in (1, 2, 3):
            con.execute(
                "insert into marts.fct_kpi_values select * replace (fiscal_year - ? as fiscal_year,"
                " cast(value_canonical * (1 + ? / 10) as decimal(38, 12)) as value_canonical)"
                " from marts.fct_kpi_values where company_id = 'xiaomi' and fiscal_year = 2019",
                [back, back],
            )
        con.execute(
            "insert into marts.fct_audit_findings select * replace ('flagged' as status, 2017 as fiscal_year,"
            " 'made-up' as finding_id, 'ghg_scope_1' as metrics_involved) from marts.fct_audit_findings"
            " where check_code = 'identity' and company_id = 'xiaomi' and subject = 'ghg_scope_1_plus_2'"
        )
    scope_1 = chart(rendered(generated), "xiaomi", "ghg_scope_1")
    assert re.findall(r'class="point"[^>]*data-year="(\d+)"', scope_1) == ["2016", "2017", "2018", "2019"]
    assert re.findall(r'class="mark"[^>]*data-year="(\d+)"', scope_1) == ["2017"]
    assert "<title>2019: 283.42 tCO2e" in scope_1
