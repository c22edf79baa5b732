"""The XBRL export and Arelle's judgement of it (make xbrl, make xbrl-check), as a user runs them.

One build of three kinds of document: the bundled Xiaomi report with scope 1 changed beyond rounding (a
real break), a Markdown report written here whose figures add up only within their rounding (honest
rounding, market-based scope 2 among them), and a CSV written here that prints a total and one of its two
parts (a missing part). The break fails the build; the check reads the build it kept."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from loaders.xbrl import build_taxonomy, write_taxonomy

from .helpers import REPORT, ROOT, run_make_build

ARELLE = ROOT / ".venv-xbrl" / "bin" / "arelleCmdLine"
SIDECAR = """\
company: {name}
company_id: {company_id}
fiscal_year: 2023
language: en
source:
  title: {name} {title} (made up for tests/python/test_xbrl.py)
  publisher: {name}
  published: not published
boundary:
  code: group
  description: every operation the group controls
"""
# Honest rounding: 1,234.6 + 2,345.7 = 3,580.3, printed as 3,580 (0 decimals), and 1,234.6 + 2,101.2 = 3,335.8
# printed as 3,336 (location-based); 12.4 + 30.25 thousand MWh = 42.65, printed as 42.6 (to one decimal).
HONEST = """\
# Harbour Foods plc — Sustainability Report 2023

## Climate

| Indicator | Unit | 2023 |
|---|---|---|
| Scope 1 emissions | tCO2e | 1,234.6 |
| Scope 2 emissions (market-based) | tCO2e | 2,345.7 |
| Scope 2 emissions (location-based) | tCO2e | 2,101.2 |
| Scope 1 and 2 emissions (market-based) | tCO2e | 3,580 |
| Scope 1 and 2 emissions (location-based) | tCO2e | 3,336 |
| Direct energy consumption | '000 MWh | 12.4 |
| Indirect energy consumption | '000 MWh | 30.25 |
| Total energy consumption | '000 MWh | 42.6 |
"""
# A missing part: 2023's printed part falls short of the total (the missing one may close the gap); 2022's
# already exceeds it, and no part not printed is below zero.
MISSING = """\
indicator,unit,year,value
Total energy consumption,MWh,2023,"5,000"
Direct energy consumption,MWh,2023,"3,000"
Total energy consumption,MWh,2022,"5,000"
Direct energy consumption,MWh,2022,"6,000"
"""


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    folder = tmp_path_factory.mktemp("xbrl")
    reports = folder / "reports"
    shutil.copytree(ROOT / "reports", reports)
    seeded = reports / REPORT.name
    lines = seeded.read_text(encoding="utf-8").split("\n")
    assert lines[1003].endswith("\t283.42")  # line 1004: scope 1
    lines[1003] = lines[1003].replace("283.42", "383.42")
    seeded.write_text("\n".join(lines), encoding="utf-8")
    (reports / "harbour-2023.md").write_text(HONEST, encoding="utf-8")
    (reports / "harbour-2023.md.yml").write_text(
        SIDECAR.format(name="Harbour Foods plc", company_id="harbour", title="Sustainability Report 2023")
    )
    (reports / "alder-2023.csv").write_text(MISSING, encoding="utf-8")
    (reports / "alder-2023.csv.yml").write_text(
        SIDECAR.format(name="Alder Works AG", company_id="alder", title="KPI data 2023")
    )
    result, _ = run_make_build(folder, reports=reports)
    assert result.returncode != 0, "the changed scope 1 must fail the build"
    build = folder / ".warehouse.duckdb.builds" / "last" / "build.duckdb"
    out = folder / "xbrl"
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "loaders",
            "xbrl-check",
            "--warehouse",
            str(build),
            "--out",
            str(out),
            "--arelle",
            str(ARELLE),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return check, out, build


def section(output: str, title: str) -> list[str]:
    lines = output.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(title))
    count = int(lines[start].rsplit(": ", 1)[1])
    return lines[start + 1 : start + 1 + count]


def test_arelle_reports_the_break_the_warehouse_reports_and_nothing_else(checked):
    result, _, _ = checked
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("Arelle and the warehouse agree")
    assert section(result.stdout, "disagreements") == []
    assert section(result.stdout, "errors Arelle found") == []
    agreed = section(result.stdout, "agreed")
    broken = [line for line in agreed if line.startswith("  ghg_scope_1_plus_2|") and "|xiaomi|2019" in line]
    assert len(broken) == 1 and "both inconsistent" in broken[0]
    # Arelle's own numbers: the total's interval and the parts' sum, 383.42 + 22,498.84 = 22,882.26.
    assert "reported sum [22782.255, 22782.265] computed sum [22882.2500, 22882.2700]" in broken[0]
    assert any(
        line.startswith("  energy_direct_plus_indirect|") and "|xiaomi|2019: both consistent" in line for line in agreed
    )


def test_honest_rounding_is_consistent_for_both_and_for_each_scope_2_method(checked):
    result, _, _ = checked
    agreed = section(result.stdout, "agreed")
    harbour = sorted(
        line.split("|")[0].strip() for line in agreed if "|harbour|2023" in line and "both consistent" in line
    )
    assert harbour == [
        "energy_direct_plus_indirect",
        "ghg_scope_1_plus_2{scope2_method=location_based}",
        "ghg_scope_1_plus_2{scope2_method=market_based}",
    ]


def test_a_missing_part_is_judged_by_calculations_1_1_only_and_listed(checked):
    result, _, _ = checked
    exceeded = [line for line in section(result.stdout, "agreed") if "|alder|2022" in line]
    assert len(exceeded) == 1 and "both inconsistent" in exceeded[0]
    only = section(result.stdout, "judged by Calculations 1.1 only")
    assert len(only) == 1
    line = only[0]
    assert line.startswith("  energy_direct_plus_indirect|") and "|alder|2023" in line
    assert "reported sum [4999.5, 5000.5] computed sum [2999.50, 3000.50]" in line  # Arelle sums the part printed
    assert "parts not printed as numbers: energy_indirect" in line  # the warehouse names the missing one


def test_each_document_is_a_report_with_decimals_units_periods_and_its_source_line(checked):
    _, out, _ = checked
    report = json.loads((out / "reports" / "harbour-2023.md.json").read_text(encoding="utf-8"))
    assert report["documentInfo"]["taxonomy"] == ["../taxonomy/esg-kpi.xsd"]
    facts = report["facts"]
    by_concept = {fact["dimensions"]["concept"]: fact for fact in facts.values() if "decimals" in fact}
    total = by_concept["esg:energy_total"]
    # 42.6 thousand MWh: 42600 MWh to the hundred (decimals -2), as printed.
    assert (total["value"], total["decimals"], total["dimensions"]["unit"]) == ("42600", -2, "utr:MWh")
    assert total["dimensions"]["period"] == "2023-01-01T00:00:00/2024-01-01T00:00:00"
    assert total["dimensions"]["entity"] == "company:harbour"
    market = by_concept["esg:ghg_scope_2__market_based"]
    assert (market["value"], market["decimals"]) == ("2345.7", 1)
    note = facts[total["links"]["footnote"]["_"][0]]
    assert note["dimensions"]["concept"] == "xbrl:note"
    assert re.search(r"harbour-2023\.md line \d+: \| Total energy consumption \| '000 MWh \| 42\.6 \|", note["value"])


def test_money_and_shares_are_stated_as_xbrl_states_them(checked):
    # 2,200萬 yuan (CNY 22 m to the 10,000) is CNY 22,000,000 at decimals -4; 0.36 t per CNY m is 0.00000036 t per yuan.
    _, out, _ = checked
    facts = {}
    for name in ("xiaomi-2019-community-investment.csv.json", "xiaomi-2019-esg-report.zh-Hant.txt.json"):
        report = json.loads((out / "reports" / name).read_text(encoding="utf-8"))
        facts |= {f["dimensions"]["concept"]: f for f in report["facts"].values() if f.get("decimals") is not None}
    total = facts["esg:community_investment_total"]
    assert (total["value"], total["decimals"], total["dimensions"]["unit"]) == ("22000000", -4, "iso4217:CNY")
    packaging = facts["esg:packaging_per_revenue"]
    assert (packaging["value"], packaging["decimals"], packaging["dimensions"]["unit"]) == (
        "0.00000036",
        8,
        "utr:t/iso4217:CNY",
    )


def test_a_figure_printed_as_a_bound_is_listed_not_exported(checked):
    _, out, _ = checked
    with (out / "not-exported.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["metric_code"], row["value_as_printed"]) for row in rows] == [
        ("community_donation_in_kind", "more than 300,000")
    ]
    assert "a value, not a bound" in rows[0]["reason"]


def test_the_taxonomy_follows_the_seeds(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    taxonomy = build_taxonomy(seeds)
    catalogue = list(csv.DictReader((seeds / "kpi_catalogue.csv").open(encoding="utf-8")))
    assert {row["metric_code"] for row in catalogue} <= set(taxonomy.concepts)
    # Each concept has its unit's item type from the Data Type Registry (seeds/xbrl_units.csv).
    types = {
        name: taxonomy.concepts[name].item_type for name in ("ghg_scope_1", "energy_total", "revenue", "headcount")
    }
    assert types == {
        "ghg_scope_1": "dtr-types:ghgEmissionsItemType",
        "energy_total": "dtr-types:energyItemType",
        "revenue": "xbrli:monetaryItemType",
        "headcount": "xbrli:decimalItemType",
    }
    market = taxonomy.concepts["ghg_scope_2__market_based"]
    assert market.esrs_element == "esrs:GrossMarketBasedScope2GreenhouseGasEmissions"
    assert market.label_zh.endswith("（基於市場）")
    water = next(c for c in taxonomy.calculations if c.identity_code == "water_withdrawal_minus_discharge")
    assert water.parts == (("water_withdrawal", Decimal(1)), ("water_discharge", Decimal(-1)))
    assert [identity for identity, _ in taxonomy.not_calculations] == ["ghg_cradle_to_gate"]
    # A metric and an identity added to the seeds are in the next taxonomy, with no code changed.
    with (seeds / "kpi_catalogue.csv").open("a", encoding="utf-8") as handle:
        row = dict.fromkeys(catalogue[0], "")
        row |= {"metric_code": "steam_total", "name_en": "Steam consumed", "name_zh": "蒸汽消耗量"}
        row |= {"quantity": "energy", "canonical_unit": "MWh", "kind": "absolute", "is_signed": "false"}
        csv.DictWriter(handle, fieldnames=list(catalogue[0]), lineterminator="\n").writerow(row)
    with (seeds / "metric_identities.csv").open("a", encoding="utf-8") as handle:
        handle.write("steam_in_energy,energy_indirect,,steam_total,,1,Steam is indirect energy\n")
    grown = build_taxonomy(seeds)
    assert "steam_total" in grown.concepts
    assert any(
        c.identity_code == "steam_in_energy" and c.parts == (("steam_total", Decimal(1)),) for c in grown.calculations
    )
    write_taxonomy(grown, tmp_path / "taxonomy")
    labels = (tmp_path / "taxonomy" / "esg-kpi-lab.xml").read_text(encoding="utf-8")
    assert 'xml:lang="zh">蒸汽消耗量<' in labels
    calculations = (tmp_path / "taxonomy" / "esg-kpi-cal.xml").read_text(encoding="utf-8")
    assert "role/identity/steam_in_energy" in calculations


def test_a_missing_warehouse_or_arelle_is_one_line_naming_it(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "loaders", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )

    missing = run("xbrl", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x"))
    assert (missing.returncode, missing.stderr) == (
        1,
        f"error: {tmp_path / 'none.duckdb'}: no warehouse there; run make build first\n",
    )
    no_arelle = run(
        "xbrl-check",
        "--warehouse",
        str(tmp_path / "none.duckdb"),
        "--out",
        str(tmp_path / "x"),
        "--arelle",
        str(tmp_path / "arelleCmdLine"),
    )
    assert no_arelle.returncode == 1 and "Traceback" not in no_arelle.stderr
    assert no_arelle.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("printed", "decimals", "unit_as_printed", "factor", "canonical", "expected"),
    [
        # GJ: no decimal of MWh states it (x 5 / 18); GJ of the registry does, a power of ten away.
        ("180000", 0, "GJ", ("5", "18"), "MWh", ("180000", 0, "utr:GJ")),
        ("9802", 0, "thousand GJ", ("2500", "9"), "MWh", ("9802000", -3, "utr:GJ")),
        ("5000", 0, "kWh", ("0.001", "1"), "MWh", ("5", 3, "utr:MWh")),
        ("12.5", 1, "%", ("1", "1"), "%", ("0.125", 3, "")),  # a ratio; pure is no unit in xBRL-JSON
        ("1.5", 1, "GJ per Mio. €", ("5", "18"), "MWh/EUR m", ("0.0000015", 7, "utr:GJ/iso4217:EUR")),
        ("3", 0, "hours", ("1", "1"), "h", ("3", 0, "esg:h")),  # no registry type: the taxonomy's own measure
        ("7", 0, "t", ("5", "18"), "t", None),  # a registry unit exists, but none states this precision
    ],
)
def test_a_figure_takes_the_first_registry_unit_that_states_its_precision(
    printed, decimals, unit_as_printed, factor, canonical, expected
):
    from loaders.xbrl import _stated

    taxonomy = build_taxonomy(ROOT / "seeds")
    currency = "EUR" if "EUR" in canonical else None
    fact = {
        "currency": currency,
        "canonical_unit": canonical,
        "value_number_as_printed": Decimal(printed),
        "decimals_printed": decimals,
        "canonical_multiplier": Decimal(factor[0]),
        "canonical_divisor": Decimal(factor[1]),
        "unit_as_printed": unit_as_printed,
    }
    stated = _stated(taxonomy, fact)
    got = None if stated is None else (f"{stated.value.normalize():f}", stated.decimals, stated.unit)
    assert got == expected
