"""CSV tables read with DuckDB's own CSV reader, for datasets of millions of values.

The header gives each column its role as for any tabular document (`loaders.tabular`): label,
unit, company, table and year columns (wide) or a value and year column (long). DuckDB reads the
file and does the per-row work in SQL. Python sees each distinct label, unit, company and year once,
through the same `loaders.rows` functions every other format uses, and each distinct cell that is
not a plain number: `22,782.26`, `-5` or `0.000066` is read in SQL exactly as
`loaders.numbers.parse_cell` reads it. Values and rejects go to Parquet files that the warehouse
writer inserts in its one transaction.

Only regular files take this path: one record per line and no blank line, so that a row's line
number is its record number plus one (the header). Any other file returns None and is read by
`loaders.tabular`, which follows the file line by line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from loaders.errors import DocumentError
from loaders.models import BulkBatch, DocumentMetadata, Extraction, RejectedLine, ReportTable
from loaders.numbers import DECIMAL_EVIDENCE, FIGURE_MARKS, PLAIN_NUMBER, convention_from
from loaders.recognizer import Vocabulary
from loaders.rows import (
    RECOGNITION_COLUMNS,
    REPEAT_REASONS,
    ROW_RULES,
    RowError,
    check_brackets,
    company_code,
    metric_code,
    parse_year,
    read_cell,
    recognition_columns,
    resolve_label,
    value_date,
)
from loaders.tabular import Roles, header_roles
from loaders.units import NormalizedUnit
from loaders.warehouse import TABLES, connect, memory_limit, sql_literal, sql_type

# Bare figures (loaders.numbers.PLAIN_NUMBER) are read in SQL, from their digits as BIGINT parts (a
# varchar-to-DECIMAL(38) cast is a hundred times slower): up to 15 integer digits, the rest by parse_cell.
_BIGINT_DIGITS = 15
_SAMPLE_REJECTS = 50  # rejects kept in memory for messages; all of them go to the warehouse

_TEXT, _INT, _DECIMAL = pa.string(), pa.int32(), pa.decimal128(38, 12)
_ERROR = {"error_code": _TEXT, "error": _TEXT}
_UNIT = {
    "unit_as_printed": _TEXT,
    "unit_normalized": _TEXT,
    "unit_generic": _TEXT,
    "currency": _TEXT,
    "unit_multiplier": _DECIMAL,
    "unit_divisor": _DECIMAL,
}


@dataclass(frozen=True)
class _Sniffed:
    header: list[str]
    delimiter: str


def _sniff(path: Path, shown: str) -> _Sniffed:
    with path.open("rb") as handle:
        raw = handle.read(1 << 16)
    try:
        sample = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(raw) - 4:  # not a character cut at the end of the sample
            raise DocumentError(shown, f"not UTF-8 text (invalid byte at offset {error.start})") from None
        sample = raw[: error.start].decode("utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    header = next(csv.reader(sample.splitlines(), dialect), None)
    if not header:
        raise DocumentError(shown, "empty CSV file: expected a header row")
    return _Sniffed(header=header, delimiter=dialect.delimiter)


def _line_count(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _cell(position: int | None) -> str:
    """A column's cell, trimmed, '' when the column is absent or the cell empty (so joins match)."""
    return f"coalesce(trim(c{position}), '')" if position is not None else "''"


def _cells_sql(roles: Roles, width: int) -> str:
    """One row per value cell: long files have one per record, wide files one per year column."""
    line_text = "rtrim(concat_ws(chr(9), " + ", ".join(f"coalesce(c{i}, '')" for i in range(width)) + "), chr(9))"
    common = (
        f"rowid + 2 as line_number, {_cell(roles.label)} as label, {_cell(roles.unit)} as unit_text,"
        f" {_cell(roles.company)} as company_text, {_cell(roles.table)} as table_name,"
        f" {_cell(roles.page)} as page_text, {_cell(roles.metric)} as metric_text, {_cell(roles.date)} as date_text,"
        f" {_cell(roles.quote)} as quote_text, {_cell(roles.quoted_location)} as quoted_location_text,"
        f" {_cell(roles.passage)} as passage_text, {line_text} as line_text"
    )
    if roles.is_long:
        return (
            f"select {common}, 1 as column_number, {_cell(roles.year)} as column_label,"
            f" {_cell(roles.value)} as text from src"
        )
    return " union all ".join(
        f"select {common}, {number} as column_number, {sql_literal(printed)} as column_label,"
        f" {_cell(position)} as text from src"
        for number, (position, (printed, _)) in enumerate(sorted(roles.years.items()), start=1)
    )


def _lookup(con: duckdb.DuckDBPyConnection, name: str, schema: dict[str, pa.DataType], rows: list[dict]) -> None:
    """A small table of Python results, one row per distinct text, for SQL to join."""
    arrow = pa.Table.from_pylist(rows, schema=pa.schema(list(schema.items())))
    con.register("lookup_arrow", arrow)
    con.execute(f"create temp table {name} as select * from lookup_arrow")
    con.unregister("lookup_arrow")


def _unit_columns(printed: str | None, unit: NormalizedUnit | None) -> dict:
    return {
        "unit_as_printed": printed,
        "unit_normalized": unit.unit if unit else None,
        "unit_generic": unit.generic if unit else None,
        "currency": unit.currency if unit else None,
        "unit_multiplier": unit.multiplier if unit else None,
        "unit_divisor": unit.divisor if unit else None,
    }


def _resolve_labels(
    con: duckdb.DuckDBPyConnection, roles: Roles, fallback_unit: str | None, vocabulary: Vocabulary | None
) -> None:
    rows = []
    for label, unit_text in con.execute("select distinct label, unit_text from cells").fetchall():
        row = {"label": label, "unit_text": unit_text}
        try:
            resolved = resolve_label((label,), unit_text if roles.unit is not None else None, fallback_unit)
            check_brackets(resolved, vocabulary)
        except RowError as error:
            rows.append(row | {"error_code": error.code, "error": str(error)})
            continue
        rows.append(
            row
            | {
                "label_as_printed": resolved.label_as_printed,
                "label_text": resolved.text,
                "label_key": resolved.label_key,
                "label_markers": ",".join(resolved.markers) or None,
                **_unit_columns(resolved.unit_printed, resolved.unit),
            }
        )
    schema = {
        "label": _TEXT,
        "unit_text": _TEXT,
        "label_as_printed": _TEXT,
        "label_text": _TEXT,
        "label_key": _TEXT,
        "label_markers": _TEXT,
    }
    _lookup(con, "labels", schema | _UNIT | _ERROR, rows)


def _resolve_companies(con: duckdb.DuckDBPyConnection, roles: Roles, metadata: DocumentMetadata) -> None:
    rows = []
    for (text,) in con.execute("select distinct company_text from cells").fetchall():
        try:
            code = company_code(text) if roles.company is not None else metadata.company_id
            if code is None:
                raise RowError("no_company", "no company: the row has none and the metadata names none")
            rows.append({"company_text": text, "company_id": code})
        except RowError as error:
            rows.append({"company_text": text, "error_code": error.code, "error": str(error)})
    _lookup(con, "companies", {"company_text": _TEXT, "company_id": _TEXT} | _ERROR, rows)


def _resolve_curation(con: duckdb.DuckDBPyConnection) -> None:
    """A curated table's metric codes and dates, checked once per distinct pair."""
    rows = []
    for metric_text, date_text in con.execute("select distinct metric_text, date_text from cells").fetchall():
        row = {"metric_text": metric_text, "date_text": date_text}
        try:
            rows.append(row | {"metric_code_given": metric_code(metric_text), "value_date": value_date(date_text)})
        except RowError as error:
            rows.append(row | {"error_code": error.code, "error": str(error)})
    schema = {
        "metric_text": _TEXT,
        "date_text": _TEXT,
        "metric_code_given": _TEXT,
        "value_date": pa.date32(),
    }
    _lookup(con, "curation", schema | _ERROR, rows)


def _resolve_years(con: duckdb.DuckDBPyConnection, metadata: DocumentMetadata) -> None:
    rows = []
    for (text,) in con.execute("select distinct column_label from cells").fetchall():
        year = parse_year(text) if text else metadata.fiscal_year
        row = {"column_label": text, "fiscal_year": year}
        if year is None:
            row |= {"error_code": "malformed_year", "error": f"year {text!r} is not a year such as 2019 or FY2023"}
        rows.append(row)
    _lookup(con, "years", {"column_label": _TEXT, "fiscal_year": _INT} | _ERROR, rows)


def _plain(separator: str | None) -> str:
    """SQL that is true for a cell SQL reads itself: a bare figure whose integer part fits a BIGINT."""
    return (
        f"(regexp_full_match(cells.text, {sql_literal(PLAIN_NUMBER[separator])})"
        f" and length(ltrim({_plain_parts(separator)[0]}, '0')) <= {_BIGINT_DIGITS})"
    )


def _plain_parts(separator: str | None) -> tuple[str, str]:
    """A bare figure's integer digits (grouping marks dropped) and decimal digits, in SQL."""
    unsigned = "ltrim(cells.text, '-')"
    if separator is None:
        return unsigned, "''"
    grouping = "," if separator == "." else "."
    return (
        f"replace(split_part({unsigned}, {sql_literal(separator)}, 1), {sql_literal(grouping)}, '')",
        f"split_part({unsigned}, {sql_literal(separator)}, 2)",
    )


def _plain_value(separator: str | None) -> tuple[str, str]:
    """A bare figure's exact value and decimals printed, in SQL."""
    digits, fraction = _plain_parts(separator)
    value = f"""(case when starts_with(cells.text, '-') then -1 else 1 end) * (
    cast(cast(nullif({digits}, '') as bigint) as decimal(38, 12))
    + coalesce(cast(cast(nullif(rpad({fraction}, 12, '0'), '') as bigint) as decimal(38, 0)), 0) * 0.000000000001
)"""
    return value, f"length({fraction})"


def _decimal_separator(con: duckdb.DuckDBPyConnection, metadata: DocumentMetadata) -> str | None:
    """The sidecar's decimal mark, else the one the file's cells show (loaders.numbers.decimal_convention)."""
    if metadata.decimal_separator is not None:
        return metadata.decimal_separator
    shown = ", ".join(f"bool_or(regexp_matches(text, {sql_literal(pattern)}))" for pattern in DECIMAL_EVIDENCE.values())
    found = con.execute(f"select {shown} from cells").fetchone()
    return convention_from({key for key, seen in zip(DECIMAL_EVIDENCE, found, strict=True) if seen}, metadata.language)


def _resolve_cells(con: duckdb.DuckDBPyConnection, separator: str | None) -> None:
    """Cells that are not plain numbers, read by parse_cell once per distinct text and row unit."""
    rows = []
    distinct = (
        "select distinct cells.text, labels.unit_as_printed from cells join labels using (label, unit_text)"
        f" where not {_plain(separator)} and labels.error_code is null"
    )
    for text, row_unit in con.execute(distinct).fetchall():
        row = {"text": text, "row_unit": row_unit}
        try:
            read = read_cell(text, separator, frozenset(), row_unit)
        except RowError as error:
            rows.append(row | {"error_code": error.code, "error": str(error)})
            continue
        parsed = read.parsed
        rows.append(
            row
            | {
                "value_number": parsed.value,
                "decimals_printed": parsed.decimals,
                "value_qualifier": parsed.qualifier,
                "not_reported_as_printed": parsed.not_reported,
                "cell_markers": ",".join(parsed.markers) or None,
                **_unit_columns(read.unit_printed, read.unit),
            }
        )
    schema = {
        "text": _TEXT,
        "row_unit": _TEXT,
        "value_number": _DECIMAL,
        "decimals_printed": _INT,
        "value_qualifier": _TEXT,
        "not_reported_as_printed": _TEXT,
        "cell_markers": _TEXT,
    }
    _lookup(con, "parsed_cells", schema | _UNIT | _ERROR, rows)


def _recognise_labels(con: duckdb.DuckDBPyConnection, vocabulary: Vocabulary | None, company: str | None) -> None:
    """Each distinct label of each table read by the recognizer, as every other format's rows are."""
    rows = []
    if vocabulary is not None:
        distinct = (
            "select distinct labels.label_text, labels.unit_generic, cells.table_name, tables.heading from cells"
            " join labels using (label, unit_text) join tables using (table_name) where labels.error_code is null"
        )
        for label_text, unit, table_name, heading in con.execute(distinct).fetchall():
            recognized = recognition_columns(vocabulary.recognise(label_text, heading, unit=unit, company=company))
            given = {"label_text": label_text, "unit_generic": unit, "table_name": table_name}
            rows.append(given | dict(zip(RECOGNITION_COLUMNS, recognized, strict=True)))
    schema = {"label_text": _TEXT, "unit_generic": _TEXT, "table_name": _TEXT} | {
        name: TABLES["reported_values"][name] for name in RECOGNITION_COLUMNS
    }
    _lookup(con, "recognitions", schema, rows)


def _tables(con: duckdb.DuckDBPyConnection, heading: str) -> list[ReportTable]:
    """One table per value of the table column, in order of first appearance; else one for the file."""
    con.execute(
        f"""create temp table tables as
        select table_name, coalesce(nullif(table_name, ''), {sql_literal(heading)}) as heading,
            row_number() over (order by first_line) as table_index, first_line, last_line
        from (select table_name, min(line_number) as first_line, max(line_number) as last_line
              from cells group by table_name)"""
    )
    return [
        ReportTable(index, heading_text, heading if name else None, None, first, last, True)
        for name, heading_text, index, first, last in con.execute(
            "select table_name, heading, table_index, first_line, last_line from tables order by table_index"
        ).fetchall()
    ]


# Row-level reasons (label, unit, company, year, a repeated label) reject the whole row once.
_ROW_CHECKS = """
create temp table row_checks as
with rows as (
    select
        cells.line_number, tables.table_index, companies.company_id, labels.label_key,
        labels.unit_as_printed, labels.label_as_printed, {year_key} as year_key,
        coalesce({rule_codes}) as error_code,
        coalesce({rule_errors}) as error
    from cells
    join labels using (label, unit_text)
    join companies using (company_text)
    join tables using (table_name)
    join years using (column_label)
    join curation using (metric_text, date_text)
    where cells.column_number = 1  -- one cell per row: every row has a first value column
),
-- A label printed more than once in a table (for a company and year) is found by a group-by DuckDB can
-- spill; only the few rows that repeat are then joined, their figures compared and their lines named.
repeated as (
    select table_index, company_id, label_key, unit_as_printed, year_key, min(line_number) as first_line
    from rows
    where error_code is null
    group by table_index, company_id, label_key, unit_as_printed, year_key
    having count(*) > 1
),
repeats as (
    select
        rows.line_number, rows.table_index, rows.company_id, rows.label_key, rows.unit_as_printed,
        rows.year_key, repeated.first_line
    from rows
    join repeated
        on rows.table_index = repeated.table_index
        and rows.company_id is not distinct from repeated.company_id
        and rows.label_key is not distinct from repeated.label_key
        and rows.unit_as_printed is not distinct from repeated.unit_as_printed
        and rows.year_key is not distinct from repeated.year_key
    where rows.error_code is null
),
figures as (
    select
        line_number,
        string_agg(regexp_replace(text, {figure_marks}, '', 'g'), chr(9) order by column_number) as figures,
    from cells
    where line_number in (select line_number from repeats)
    group by line_number
),
labels_judged as (
    select
        table_index, company_id, label_key, unit_as_printed, year_key,
        -- A repeat with the same figures is kept once; with other figures, no printing of the label is.
        min(figures) <> max(figures) as is_conflict,
        string_agg('line ' || line_number, ', ' order by line_number) as lines
    from repeats join figures using (line_number)
    group by table_index, company_id, label_key, unit_as_printed, year_key
),
judged as (
    select
        rows.*, repeats.first_line, coalesce(labels_judged.is_conflict, false) as is_conflict,
        labels_judged.lines
    from rows
    left join repeats using (line_number)
    left join labels_judged
        on repeats.table_index = labels_judged.table_index
        and repeats.company_id is not distinct from labels_judged.company_id
        and repeats.label_key is not distinct from labels_judged.label_key
        and repeats.unit_as_printed is not distinct from labels_judged.unit_as_printed
        and repeats.year_key is not distinct from labels_judged.year_key
)
select
    line_number, table_index,
    case
        when error_code is not null then error_code
        when is_conflict then 'duplicate_conflict'
        when line_number > first_line then 'duplicate_identical'
    end as error_code,
    case
        when error_code is not null then error
        when is_conflict
            then {conflict_reason}
        when line_number > first_line
            then {identical_reason}
    end as error
from judged
"""

_JOINED = """
from cells
join labels using (label, unit_text)
join companies using (company_text)
join tables using (table_name)
join years using (column_label)
join curation using (metric_text, date_text)
join row_checks using (line_number)
left join recognitions
    on recognitions.label_text = labels.label_text and recognitions.table_name = cells.table_name
    and recognitions.unit_generic is not distinct from labels.unit_generic
left join parsed_cells
    on parsed_cells.text = cells.text
    and parsed_cells.row_unit is not distinct from labels.unit_as_printed
    and not {plain}
"""


# Each of ROW_RULES, by the lookup table that says whether a row breaks it.
_RULE_TABLES = {"year": "years", "company": "companies", "curation": "curation", "label": "labels"}


def _sql_text(template: str, **columns: str) -> str:
    """A message template of loaders.rows as a SQL expression, its `{name}` fields the given columns."""
    parts = re.split(r"\{(\w+)\}", template)  # text, field, text, field, ..., text
    return " || ".join(columns[part] if i % 2 else sql_literal(part) for i, part in enumerate(parts) if i % 2 or part)


def _row_checks_sql(year_key: str) -> str:
    tables = [_RULE_TABLES[rule] for rule in ROW_RULES]
    return _ROW_CHECKS.format(
        year_key=year_key,
        figure_marks=sql_literal(FIGURE_MARKS),
        rule_codes=", ".join(f"{table}.error_code" for table in tables),
        rule_errors=", ".join(f"{table}.error" for table in tables),
        conflict_reason=_sql_text(REPEAT_REASONS["duplicate_conflict"], label="label_as_printed", places="lines"),
        identical_reason=_sql_text(
            REPEAT_REASONS["duplicate_identical"], label="label_as_printed", first="'line ' || first_line"
        ),
    )


def _values_sql(separator: str | None, sha256: str) -> str:
    plain = _plain(separator)
    plain_value, plain_decimals = _plain_value(separator)
    return f"""
select
    {sql_literal(sha256)} as document_sha256,
    tables.table_index,
    tables.heading as table_heading,
    null as section_heading,
    cells.line_number,
    'line ' || cells.line_number as location,
    try_cast(nullif(cells.page_text, '') as integer) as page_number,
    cells.column_number,
    nullif(cells.column_label, '') as column_label,
    companies.company_id,
    years.fiscal_year,
    labels.label_as_printed,
    labels.label_key,
    nullif(concat_ws(',', labels.label_markers, parsed_cells.cell_markers), '') as footnote_markers,
    cells.text as value_as_printed,
    case when {plain} then {plain_value} else parsed_cells.value_number end as value_number,
    case when {plain} then {plain_decimals} else parsed_cells.decimals_printed end as decimals_printed,
    parsed_cells.value_qualifier,
    parsed_cells.not_reported_as_printed,
    coalesce(parsed_cells.unit_as_printed, labels.unit_as_printed) as unit_as_printed,
    coalesce(parsed_cells.unit_normalized, labels.unit_normalized) as unit_normalized,
    coalesce(parsed_cells.unit_generic, labels.unit_generic) as unit_generic,
    coalesce(parsed_cells.currency, labels.currency) as currency,
    coalesce(parsed_cells.unit_multiplier, labels.unit_multiplier) as unit_multiplier,
    coalesce(parsed_cells.unit_divisor, labels.unit_divisor) as unit_divisor,
    null as change_as_printed,
    null as standards_as_printed,
    cells.line_text,
    curation.metric_code_given,
    nullif(cells.quote_text, '') as quoted_text,
    nullif(cells.quoted_location_text, '') as quoted_location,
    nullif(cells.passage_text, '') as passage,
    curation.value_date,
    null as change_number,
    null as change_decimals,
    recognitions.recognized_metric_code,
    recognitions.recognized_members,
    recognitions.recognition_confidence,
    recognitions.recognition_note,
    recognitions.breakdown_axes
{_JOINED.format(plain=plain)}
where row_checks.error_code is null and parsed_cells.error_code is null
"""


def _rejects_sql(separator: str | None, sha256: str) -> str:
    plain = _plain(separator)
    return f"""
select
    {sql_literal(sha256)} as document_sha256, row_checks.table_index, cells.line_number,
    'line ' || cells.line_number as location, null as page_number, 0 as column_number, cells.line_text,
    row_checks.error_code as reason_code, row_checks.error as reason
from row_checks join cells using (line_number)
where row_checks.error_code is not null and cells.column_number = 1
union all
select
    {sql_literal(sha256)}, tables.table_index, cells.line_number, 'line ' || cells.line_number, null,
    cells.column_number, cells.line_text, parsed_cells.error_code, parsed_cells.error
{_JOINED.format(plain=plain)}
where row_checks.error_code is null and parsed_cells.error_code is not null
"""


def _conformed(sql: str, table: str) -> str:
    """The query with its columns in the raw table's order and types, as the writer inserts them."""
    columns = ", ".join(f"cast({name} as {sql_type(dtype)}) as {name}" for name, dtype in TABLES[table].items())
    # In file order: the warehouse compresses ordered rows better, which more than pays for the sort.
    return f"select {columns} from ({sql}) order by line_number, column_number"


@contextmanager
def _refused_when_out_of_memory(shown: str) -> Iterator[None]:
    """A file whose work does not fit DuckDB's memory, even spilling, is refused with what to do."""
    try:
        yield
    except duckdb.OutOfMemoryException as error:
        limit = memory_limit()
        reason = str(error).splitlines()[0]
        raise DocumentError(
            shown,
            f"too large to read within DuckDB's {limit} of memory ({reason}): set DUCKDB_MEMORY_LIMIT higher"
            " or split the file",
        ) from None


def read_csv_table(
    path: Path,
    shown: str,
    sha256: str,
    metadata: DocumentMetadata,
    workdir: Path,
    vocabulary: Vocabulary | None = None,
) -> Extraction | None:
    """Read a regular CSV file with DuckDB; None when it is not regular (`loaders.tabular` reads it)."""
    sniffed = _sniff(path, shown)
    try:
        roles = header_roles(sniffed.header, shown, line=1)
    except DocumentError:
        return None  # the header is not on the first line (a title above it): tabular looks for it
    width = len(sniffed.header)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    with connect(":memory:") as con, _refused_when_out_of_memory(shown):
        # A dataset larger than the memory allowed spills to the work folder.
        con.execute(f"set temp_directory = {sql_literal(str(workdir))}")
        try:
            con.execute(
                f"create temp table src as select * from read_csv({sql_literal(str(path))}, header = false, skip = 1,"
                f" delim = {sql_literal(sniffed.delimiter)}, quote = '\"', escape = '\"', columns = {{{columns}}},"
                " auto_detect = false, null_padding = false, strict_mode = true)"
            )
        except duckdb.Error:
            return None  # records DuckDB cannot read one per line (more or fewer cells, a broken quote)
        records = con.execute("select count(*) from src").fetchone()[0]
        lines = _line_count(path)
        if lines != records + 1:
            return None  # blank lines or records spanning lines: line numbers need a line-by-line read
        con.execute(f"create temp table cells as {_cells_sql(roles, width)}")
        _resolve_labels(con, roles, metadata.default_unit, vocabulary)
        _resolve_companies(con, roles, metadata)
        _resolve_years(con, metadata)
        _resolve_curation(con)
        separator = _decimal_separator(con, metadata)
        _resolve_cells(con, separator)
        tables = _tables(con, path.stem)
        _recognise_labels(con, vocabulary, metadata.company_name)
        year_key = "years.fiscal_year" if roles.is_long else "0"
        con.execute(_row_checks_sql(year_key))
        batch = {}
        for kind, sql, table in (
            ("values", _values_sql(separator, sha256), "reported_values"),
            ("rejects", _rejects_sql(separator, sha256), "rejected_lines"),
        ):
            target = workdir / f"{sha256}.{kind}.parquet"
            con.execute(f"copy ({_conformed(sql, table)}) to {sql_literal(str(target))} (format parquet)")
            batch[kind] = target
        counts = con.execute(
            f"""select
                (select count(*) from read_parquet({sql_literal(str(batch["values"]))})),
                (select count(*) from read_parquet({sql_literal(str(batch["rejects"]))})),
                (select count(distinct line_number) from (
                    select line_number from read_parquet({sql_literal(str(batch["values"]))})
                    union all select line_number from read_parquet({sql_literal(str(batch["rejects"]))})))"""
        ).fetchone()
        sample = con.execute(
            "select table_index, line_number, location, column_number, line_text, reason_code, reason"
            f" from read_parquet({sql_literal(str(batch['rejects']))}) order by line_number, column_number"
            f" limit {_SAMPLE_REJECTS}"
        ).fetchall()
    value_count, reject_count, accounted = counts
    if accounted != records:
        raise RuntimeError(f"{shown}: {records} candidate rows but {accounted} accounted for")
    return Extraction(
        document_format="csv",
        line_count=lines,
        candidate_line_count=records,
        tables=tables,
        rejects=[RejectedLine(*row) for row in sample],
        bulk=BulkBatch(batch["values"], batch["rejects"], value_count, reject_count),
    )
