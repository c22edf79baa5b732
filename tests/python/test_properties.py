"""Property-based tests: whatever a document holds, every candidate line becomes values or rejects that
account for it, and no input ends in a traceback. Hypothesis writes the inputs; each failure it finds
is shrunk to the smallest document that shows it."""

from __future__ import annotations

import itertools
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import pipeline
from loaders.errors import LoaderError
from loaders.numbers import NumberFormatError, parse_cell
from loaders.pipeline import read_document

from .helpers import batch_rows

SIDECAR = """company: Acme Ltd
company_id: acme
fiscal_year: 2019
language: en
source: Acme sustainability report 2019
boundary: All operations
"""
# Characters reports print in and around figures, and a few they should not.
_CELL_ALPHABET = "0123456789.,-−()%<>~ 萬億千元噸tCO2e/N/A—¹²*[]'\"\t;|"
_cell = st.one_of(
    st.text(alphabet=_CELL_ALPHABET, max_size=24), st.sampled_from(["n/a", "about 12", "6.6e-5", "1,234"])
)
_counter = itertools.count()


def _document(folder, suffix: str, content: str | bytes):
    path = folder / f"doc{next(_counter)}{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    path.with_name(path.name + ".yml").write_text(SIDECAR, encoding="utf-8")
    return path


def _accounted(extraction) -> None:
    """Every candidate line is a value or a reject, counted once (values and rejects may share a line)."""
    if extraction.bulk is not None:
        rows = batch_rows(extraction.bulk.values_path) + batch_rows(extraction.bulk.rejects_path)
        lines = {(row["page_number"], row["line_number"]) for row in rows}
    else:
        lines = {(v.page_number, v.line_number) for v in extraction.values}
        lines |= {(r.page_number, r.line_number) for r in extraction.rejects}
    assert len(lines) == extraction.candidate_line_count
    assert extraction.value_count + extraction.reject_count >= extraction.candidate_line_count


def _read(path) -> None:
    try:
        document = read_document(path)
    except LoaderError as error:  # a refusal names the file (and line): never a traceback
        assert str(path) in str(error)
        return
    _accounted(document.extraction)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


@given(text=_cell, separator=st.sampled_from([".", ",", None]))
@settings(max_examples=600, deadline=None)
def test_any_cell_is_a_number_or_a_number_format_error(text, separator):
    try:
        cell = parse_cell(text, separator)
    except NumberFormatError:
        return
    assert cell.value is None or isinstance(cell.value, Decimal)
    assert (cell.value is None) == (cell.decimals is None)


@given(
    value=st.decimals(min_value=-(10**15), max_value=10**15, places=4, allow_nan=False, allow_infinity=False),
    mark=st.sampled_from([".", ","]),
)
@settings(max_examples=400, deadline=None)
def test_a_figure_printed_with_either_decimal_mark_reads_back_exactly(value, mark):
    group = "," if mark == "." else "."
    printed = f"{value:,f}".replace(",", "\0").replace(".", mark).replace("\0", group)
    cell = parse_cell(printed, mark)
    assert cell.value == value and cell.decimals == max(0, -value.as_tuple().exponent)


_row = st.lists(st.text(alphabet=_CELL_ALPHABET, max_size=10), min_size=1, max_size=6)


@given(
    header=st.sampled_from(["indicator,unit,2019,2018", "indicator,unit,year,value", "KPI;Unit;FY2019"]),
    rows=st.lists(_row, max_size=8),
    delimiter=st.sampled_from([",", ";"]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_csv_shape_accounts_for_every_row(folder, header, rows, delimiter):
    lines = [header.replace(",", delimiter)] + [delimiter.join(cell.replace("\n", " ") for cell in row) for row in rows]
    _read(_document(folder, ".csv", "\n".join(lines) + "\n"))


@given(
    lines=st.lists(
        st.tuples(st.sampled_from(["Scope 1 (tonnes)", "Water (m3)", "用水總量(噸)", "", "1. 排放物", "Total"]), _row),
        max_size=10,
    )
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_report_accounts_for_every_row(folder, lines):
    text = "Environmental KPIs 2019\n" + "\n".join(label + "\t" + "\t".join(cells) for label, cells in lines)
    _read(_document(folder, ".txt", text))


@given(
    tables=st.lists(
        st.lists(st.tuples(st.sampled_from(["Scope 1 (tonnes)", "Water (m3)", "用水總量(噸)", "", "Total"]), _row)),
        min_size=2,
        max_size=5,
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_long_text_report_read_chunk_by_chunk_accounts_for_every_row(folder, tables):
    """Tables apart, each a chunk of its own: what a long document goes through, on short ones."""
    text = "\n\n".join(
        f"{n}. Environmental KPIs\n" + "\n".join(label + "\t" + "\t".join(cells) for label, cells in lines)
        for n, lines in enumerate(tables, start=1)
    )
    with mock.patch.object(pipeline, "CHUNK_ROWS", 1):
        _read(_document(folder, ".txt", text))


@given(
    rows=st.lists(_row, max_size=8),
    header=st.sampled_from(["| KPI | Unit | 2024 | 2023 |", "| Indicator | 2023 |", "| a | b |"]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_markdown_table_accounts_for_every_row(folder, rows, header):
    columns = header.count("|") - 1
    body = ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    text = "\n".join([header, "|" + "---|" * columns, *body]) + "\n"
    _read(_document(folder, ".md", text))


@given(content=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".txt", ".md", ".xlsx", ".pdf"]))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_are_read_or_refused_naming_the_file(folder, content, suffix):
    _read(_document(folder, suffix, content))
