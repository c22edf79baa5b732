"""The audit report in a browser (headless Chromium driven by Playwright): the header names the build,
the whole page renders and prints, the filters and the search hide the findings that do not match, and
every finding's source link lands on a line of the report. `make test-browser` runs these; `make test`
does not collect this folder (it needs Chromium: Debian's, at /usr/bin/chromium or CHROMIUM)."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import duckdb
import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from loaders.bench import SIDECAR, write_dataset
from tests.python.helpers import ROOT, run_make_build
from tests.python.pdf_fixtures import write_siemens_figures

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Rows the filters have not hidden (a row hidden by its `hidden` attribute has no layout box).
VISIBLE_ROWS = "rows => rows.filter(row => row.getClientRects().length > 0).map(row => row.dataset.status)"


@pytest.fixture(scope="module")
def audit(tmp_path_factory) -> tuple[Path, str]:
    """`make audit` of the bundled reports, the redrawn Siemens tables (FY2022 and FY2023) and a generated
    panel of one company over five years: the report and the id of the build it audits."""
    base = tmp_path_factory.mktemp("audit")
    reports, panel = base / "reports", base / "panel"
    shutil.copytree(ROOT / "reports", reports)
    write_siemens_figures(reports)
    panel.mkdir()
    write_dataset(panel / "panel.csv", company_years=5)
    (panel / "panel.csv.yml").write_text(SIDECAR, encoding="utf-8")
    result, warehouse = run_make_build(base, target="audit", reports=[reports, panel])
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (build_id,) = con.execute("select build_id from meta.build_info").fetchone()
    return base / "audit" / "report.html", build_id


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: `make test-browser` installs Debian's chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, audit) -> Page:
    """The report opened from its file, with nothing fetched from elsewhere and no script error."""
    report, _ = audit
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    fetched, errors = [], []
    page.on("request", lambda request: fetched.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    yield page
    page.close()
    assert not errors
    assert [url for url in fetched if not url.startswith("file:")] == []


def visible_statuses(page: Page) -> list[str]:
    return page.locator("tr.finding").evaluate_all(VISIBLE_ROWS)


def test_the_header_names_the_build(page: Page, audit):
    _, build_id = audit
    expect(page.locator("header #build-id")).to_have_text(build_id)
    expect(page.locator("header #built-at")).to_contain_text("UTC")


def test_the_whole_page_renders_and_prints(page: Page, tmp_path):
    screenshot = tmp_path / "report.png"
    page.screenshot(path=screenshot, full_page=True)
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1280 and height > 800
    # Nothing wider than a narrow window: tables wrap rather than run off the page.
    page.set_viewport_size({"width": 800, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    # Printed: no filters, nothing clipped to a height, and the report from its first section to its last.
    page.emulate_media(media="print")
    expect(page.locator("#filters")).to_be_hidden()
    clipped = page.locator("main *").evaluate_all(
        """elements => elements.map(getComputedStyle)
            .filter(style => style.maxHeight !== 'none' || /hidden|scroll|auto/.test(style.overflowY)).length"""
    )
    assert clipped == 0
    pdf = pdfium.PdfDocument(page.pdf())
    text = "".join(pdf[n].get_textpage().get_text_range() for n in range(len(pdf)))
    assert len(pdf) > 1 and "How to read this report" in text and "Sources: the printed lines" in text
    assert text.rindex("Documents") > text.index("Sources: the printed lines")


def test_a_status_filter_leaves_only_findings_of_that_status(page: Page):
    before = visible_statuses(page)
    assert len(before) == page.locator("tr.finding").count() and {"pass", "flagged", "fail"} <= set(before)
    page.select_option("#filter-status", "flagged")
    after = visible_statuses(page)
    assert 0 < len(after) < len(before) and set(after) == {"flagged"}
    assert len(after) == before.count("flagged")
    expect(page.locator("#filter-note")).to_contain_text("status Flagged")
    page.select_option("#filter-status", "fail")
    assert set(visible_statuses(page)) == {"fail"}
    page.click("#filter-reset")
    assert len(visible_statuses(page)) == len(before)


def test_the_search_box_leaves_only_findings_with_its_words(page: Page):
    total = len(visible_statuses(page))
    page.locator("#search").press_sequentially("1441586")
    rows = page.locator("tr.finding").evaluate_all(
        "rows => rows.filter(row => row.getClientRects().length > 0).map(row => row.textContent)"
    )
    assert 0 < len(rows) < total and all("1441586" in text for text in rows)
    # The other filters narrow the search further: that finding is Xiaomi's, not Siemens'.
    page.select_option("#filter-company", "siemens")
    assert visible_statuses(page) == []
    page.select_option("#filter-company", "")
    page.locator("#search").fill("")
    assert len(visible_statuses(page)) == total


def test_a_source_link_lands_on_the_line_it_names(page: Page):
    link = page.locator("#xiaomi-2019 ~ table tr.finding a.source-link").first
    target = link.get_attribute("href").removeprefix("#")
    link.click()
    line = page.locator(f"[id='{target}']")
    expect(line).to_have_count(1)
    expect(line).to_be_in_viewport()
    assert page.evaluate("location.hash") == f"#{target}"
    # Below the filter bar, which stays at the top of the window.
    assert line.bounding_box()["y"] >= page.locator("#filters").bounding_box()["height"]
    expect(line).to_contain_text("reports/xiaomi-2019-esg-report.zh-Hant.txt")
    expect(line).to_contain_text("line 10")


def test_every_source_link_targets_a_line_of_the_report(page: Page):
    findings = page.locator("tr.finding").evaluate_all(
        """rows => rows.map(row => Array.from(row.querySelectorAll('a.source-link'), link =>
            link.getAttribute('href').slice(1)))"""
    )
    assert findings and all(findings)
    missing = page.evaluate(
        "ids => ids.filter(id => !document.getElementById(id))", sorted({i for ids in findings for i in ids})
    )
    assert missing == []
    # Every in-page link in the report goes somewhere.
    broken = page.locator("a[href^='#']").evaluate_all(
        "links => links.map(link => link.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))"
    )
    assert broken == []


def test_kpis_of_several_years_are_charted_with_flagged_years_ringed(page: Page):
    charts = page.locator("figure.chart[data-company='company_0000000']")
    assert charts.count() >= 10
    points = charts.first.locator("circle.point")
    expect(points).to_have_count(5)
    assert page.locator("figure.chart[data-company='company_0000000'] circle.mark").count() > 0
    construction = page.locator("figure.chart[data-company='siemens'][data-metric='construction_waste']")
    expect(construction.locator("circle.mark")).to_have_count(1)
    assert construction.locator("circle.mark").get_attribute("data-year") == "2023"
