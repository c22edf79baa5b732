"""A long document is validated a chunk of tables at a time and its values written to Parquet chunk by
chunk: what it loads must be exactly what one read of the whole document loads, column for column."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import pipeline
from loaders.bench import write_text_report
from loaders.errors import DocumentError
from loaders.pipeline import read_document
from loaders.text_report import split_lines
from loaders.warehouse import TABLES, arrow_table

from .helpers import batch_rows
from .test_markdown_report import ENGLISH, metadata
from .test_markdown_report import write as write_markdown

FIXTURES = Path(__file__).parent / "fixtures"

# Lines a long report may also print: a table with a header row, a unit line and a group row; a garbled
# row, a malformed figure, a figure repeated alike and one repeated otherwise; notes.
_ODD_TABLES = """
Workforce and resources

3. Employees and water
指標\t單位\t2019\t2018
Employees\tperson\t18,170\t16,683
Employees\tperson\t18,170\t16,683
Water withdrawal\tm3\t1,234.5\tn/a
Waste (tonnes) 283.42
Training hours\th\t12..5\t11.0

4. Waste
單位：噸
Scope 1 emissions
  Upstream\t1,234.5
  Downstream\t98
Total hazardous waste\t1.00
Total hazardous waste\t2.00

Notes:

1. Employees at the end of the year.
"""


def _text_report(folder: Path) -> Path:
    """The English Xiaomi fixture, generated tables and the odd ones above, repeated: about 2,000 rows."""
    generated = folder / "generated.txt"
    write_text_report(generated, megabytes=0.05)
    fixture = (FIXTURES / "xiaomi-2019-kpis.en.txt").read_text(encoding="utf-8")
    path = folder / "long-report.txt"
    path.write_text(
        "\n\n".join([fixture, generated.read_text(encoding="utf-8"), *[_ODD_TABLES] * 20]), encoding="utf-8"
    )
    path.with_name(path.name + ".yml").write_text(
        (FIXTURES / "xiaomi-2019-kpis.en.txt.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return path


def _markdown_report(folder: Path) -> Path:
    return write_markdown(folder, "long-report.md", "\n".join([ENGLISH] * 30))


def _loaded(extraction, key: str) -> dict[str, list[dict]]:
    """What the warehouse would load of an extraction: rows of raw.reported_values and raw.rejected_lines."""
    if extraction.bulk is not None:
        return {
            "reported_values": batch_rows(extraction.bulk.values_path),
            "rejected_lines": batch_rows(extraction.bulk.rejects_path),
        }
    loaded = {}
    for table, records in (("reported_values", extraction.values), ("rejected_lines", extraction.rejects)):
        rows = arrow_table(table, records, key=key).to_pylist()
        loaded[table] = sorted(rows, key=lambda row: (row["line_number"], row["column_number"]))
    return loaded


@pytest.mark.parametrize("write", [_text_report, _markdown_report], ids=["text", "markdown"])
def test_a_long_document_read_chunk_by_chunk_loads_what_one_read_loads(tmp_path, monkeypatch, write):
    path = write(tmp_path)
    whole = read_document(path, tmp_path / "whole").extraction
    assert whole.bulk is None
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 7)
    (tmp_path / "chunked").mkdir()
    chunked = read_document(path, tmp_path / "chunked").extraction
    assert chunked.bulk is not None and chunked.values == []

    expected, found = _loaded(whole, "document"), _loaded(chunked, "document")
    for table in ("reported_values", "rejected_lines"):
        assert all(list(row) == list(TABLES[table]) for row in found[table][:1])
        # Every column of every row, document hash aside (the batch carries the real one).
        strip = [{name: v for name, v in row.items() if name != "document_sha256"} for row in found[table]]
        assert strip == [{name: v for name, v in row.items() if name != "document_sha256"} for row in expected[table]]
    assert (chunked.value_count, chunked.reject_count, chunked.candidate_line_count) == (
        whole.value_count,
        whole.reject_count,
        whole.candidate_line_count,
    )
    assert chunked.tables == whole.tables
    # Read back (as `make map` reads them), the batch's values are the ones one read holds.
    assert list(chunked.all_values()) == whole.values
    # The messages keep the first rejects, in the order one read gives them.
    assert chunked.rejects == whole.rejects[: len(chunked.rejects)]
    assert whole.value_count >= 300  # enough rows for dozens of chunks


def test_a_long_documents_rejects_name_their_reasons_and_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 50)
    extraction = read_document(_text_report(tmp_path), tmp_path).extraction
    rejects = batch_rows(extraction.bulk.rejects_path)
    codes = {row["reason_code"] for row in rejects}
    assert {"no_tab_separator", "malformed_number", "duplicate_identical", "duplicate_conflict"} <= codes
    assert all(row["location"] == f"line {row['line_number']}" for row in rejects)


@given(content=st.lists(st.sampled_from(["a", "表", "\t", "\r", "\n", "\r\n", "\ufeff", "é"]), max_size=40))
@settings(max_examples=200, deadline=None)
def test_a_text_document_read_in_blocks_has_the_lines_of_its_whole_text(content):
    """Blocks of 4 bytes part lines and characters anywhere: the lines are still the whole text's."""
    data = "".join(content).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_bytes(data)
        with mock.patch.object(pipeline._TextLines, "BLOCK", 4):
            lines = list(pipeline._TextLines(_input(path)))
    assert lines == split_lines(data.decode("utf-8-sig"))


def test_an_invalid_byte_refuses_the_document_naming_its_line_and_offset(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("line one\nline two\nbad \xff here\n".encode("latin-1"))
    with mock.patch.object(pipeline._TextLines, "BLOCK", 8), pytest.raises(DocumentError) as refused:
        list(pipeline._TextLines(_input(path)))
    assert (refused.value.line, refused.value.message) == (3, "not UTF-8 text (invalid byte at offset 22)")


def _input(path: Path) -> pipeline.Input:
    return pipeline.Input(path, path.name, "", metadata(), path.parent)


def test_a_decimal_mark_settled_late_in_a_long_document_is_the_whole_documents(tmp_path, monkeypatch):
    """`1.234` reads two ways until a later table prints `12,5`, which only a decimal comma reads: the
    tables read before that are read again with it, as one read of the whole document has them."""
    early = "".join(f"{n}. Energy\n\nTotal energy consumption (MWh)\t1.234\n\n" for n in range(1, 40))
    path = tmp_path / "report.txt"
    path.write_text(early + "40. Water\n\nTotal water consumption (m3)\t12,5\n", encoding="utf-8")
    path.with_name(path.name + ".yml").write_text(
        (FIXTURES / "xiaomi-2019-kpis.en.txt.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    whole = _loaded(read_document(path, tmp_path).extraction, "document")["reported_values"]
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)
    (tmp_path / "chunked").mkdir()
    chunked = read_document(path, tmp_path / "chunked").extraction
    assert chunked.bulk is not None
    found = batch_rows(chunked.bulk.values_path)
    assert [row["value_number"] for row in found] == [row["value_number"] for row in whole]
    assert {row["value_number"] for row in found} == {Decimal(1234), Decimal("12.5")}
