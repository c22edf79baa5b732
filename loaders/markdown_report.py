"""Markdown extractions of reports (Docling, Marker, pymupdf4llm): KPI pipe tables read into `TableRow`s.

The layout this reads (blank lines optional, headings in any language):

    ## Environment                                     <- section heading: the previous higher-level heading
    <!-- page 12 -->                                   <- page marker: what follows is on page 12
    Greenhouse gas emissions (tCO2e)                   <- table heading: the nearest heading line above
    | Indicator   | Unit  | 2024 1) | 2023 | Base year 2019 | Change (%) |   <- header row
    |-------------|-------|---------|------|----------------|------------|   <- separator row
    | Scope 1     |       |         |      |                |            |   <- section row
    | Upstream 2) | tCO2e | 1 234   | 987  | 1 500          | +25        |   <- ("Scope 1", "Upstream")
    1) Restated.                                       <- notes: marker-led lines right below the table

- Tables: runs of lines starting with `|` whose second (or third) line is a separator row (`|---|:--:|`);
  every other line is prose. A run without a separator row right after a table, with only blank lines,
  comments, images or page markers between and as many cells as the table's header, goes on with that
  table (converters split tables at page breaks); any other such run is recorded as a skipped table.
  Code fence lines (```` ```markdown ````) are ignored, so fenced tables are read like the rest.
- Headings: `#` headings, lines in bold (`**…**`) and short lines that are not sentences or list items.
  A table's heading is the nearest one above it (within a few lines of prose, never across another
  table); its section heading is the nearest `#` heading above that one with a higher level (any `#`
  heading for a bold or short line).
- Pages: `<!-- page 12 -->`, `<!-- PAGE: 12 -->`, `## Page 12:` and Marker's `{11}-----` (0-based)
  set the page of the lines below them, kept as each row's `page_number`; `<!-- image -->` is ignored.
  A row's location is always its Markdown line: `line 40`.
- Header: the header row and, when it names no year, up to two rows below it (the year row of a
  two-row header, its title row above). A column is a year (value) column when its header is a year
  (`2024`, `FY 2023`, `2023/24`, `2019年`), optionally with a footnote marker glued to it (`2024 1)`,
  `2024¹`, `2024*`: cut, and kept as a marker of every value in the column) or a word meaning the
  reporting year before it (`Innevarande år 2024`, `Current year 2024`). A header that only mentions a
  year (`Base year 2019`, `2020(basår)`, `Target 2030`, `31 Dec 2024`) is not a year column, nor is
  a year the header rows above or below it call a target or base year (`2030` over `Target year`). A row
  right below the year row with text but no numbers in the year columns (units, `Group` / `Parent
  Company`) is a sub-header: its text joins each column's label, and a unit all year columns share is
  the table's. Other columns get a role from their header: unit (`Unit`, `Enhet`, `單位`), change
  (`Change (%)`, `Förändring`), standards (`GRI`), target, base year, note; left of the first year
  column, columns headed by nothing or a label word (`Indicator`, `KPI`, `指標`) and the first column
  are label columns; the rest are kept only in `row_text`. A unit stated once for the table, in the
  label column's header (`Emissions, ton CO2e`, `**GHG (tCO2e)**`) or in the heading, applies to
  rows that state none.
- Rows: the label is the row's label cells (an outer label cell left blank repeats the one above it,
  as a grouping column does). A row with a label and every year cell blank is a section row: it
  heads the rows below it, which read as (section, label); consecutive section rows nest, and a
  section row after data rows starts a new section. A row whose year cells all repeat years is a
  repeated header (a second sub-table): its label becomes the title of the rows below it. Section
  rows nothing follows are candidate rows like any other (printed blank: not reported). A row with
  fewer cells than the header has the rest blank, as GitHub Markdown reads it; an empty row prints
  nothing.
- Cells: bold and italic markers, HTML tags (`<br>`, `<sub>`) and backslash escapes are removed;
  footnote markers are cut into markers: from labels `Scope 1 2)`, `Scope 2¹`, `[A]`, `<sup>3</sup>`;
  from values `<sup>3</sup>`, `858 2` (one digit after a space cannot be a thousands group) and
  `16 051 1)`; `loaders.numbers` cuts superscripts, `*` and `[A]` from values.
- Notes: lines right below a table that start with a marker (`1)`, `2.`, `¹`, `*`, `[A]`), kept
  when the table uses one of their markers.
- Tables without a year column, or without a number in their year columns, are recorded as skipped
  tables with the reason; every other body row is a candidate row (header, sub-header, section and
  separator rows shape the rows instead of being rows). A row with more cells than its header has
  `problem` set, so `loaders.rows` rejects it with the reason: nothing in a KPI table is dropped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from loaders.labels import split_unit
from loaders.models import Footnote, ReportTable, TableRow, ValueCell
from loaders.numbers import NumberFormatError, parse_cell
from loaders.rows import parse_year, reads_as_value, unit_at_end
from loaders.units import UnitError, normalize_unit

# --- lines ---------------------------------------------------------------------------------------

_PAGE_MARKERS = (
    re.compile(r"^<!--\s*page(?:\s*(?:number|no\.?))?\s*[:#]?\s*(?P<page>\d{1,5})\s*-->$", re.IGNORECASE),
    re.compile(r"^#{0,6}\s*page\s+(?P<page>\d{1,5})\s*:?$", re.IGNORECASE),
)
_ZERO_BASED_PAGE = re.compile(r"^\{(?P<page>\d{1,5})\}-{3,}$")  # Marker's paginated output
_COMMENT = re.compile(r"^<!--.*-->$")
_IMAGE = re.compile(r"^!\[[^\]]*\]\(.*\)$")
_FENCE = re.compile(r"^(?:```|~~~)")
_ATX = re.compile(r"^(?P<hashes>#+)\s+(?P<text>.*?)(?:\s+#+)?$")
_BOLD_LINE = re.compile(r"^(?P<mark>\*\*|__)(?P<text>[^*_].*?)(?P=mark)\s*:?$")
_LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s")
_SENTENCE_END = (".", "!", "?", ";", ":", "。", "；", "！", "？", "：")
_HEADING_MAX = 80  # characters: a longer line is prose
_HEADING_REACH = 5  # lines of prose the search for a table's heading looks past
_LINE_LEVEL = 60  # bold and short lines: headings below any `#` heading


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as editors count
    text: str  # stripped
    kind: str  # blank, pipe, page, skip (comment, image, fence), heading, text
    page: int | None  # the page the last page marker above it named
    level: int | None = None  # headings: `#` count; bold and plain heading lines rank below
    heading: str | None = None  # headings: the text without its markup


def _classify(text: str) -> tuple[str, int | None, str | None, int | None]:
    """(kind, level, heading text, page) of one stripped line."""
    if not text:
        return "blank", None, None, None
    if text.startswith("|"):
        return "pipe", None, None, None
    for pattern in _PAGE_MARKERS:
        if match := pattern.match(text):
            return "page", None, None, int(match["page"])
    if match := _ZERO_BASED_PAGE.match(text):
        return "page", None, None, int(match["page"]) + 1
    if _COMMENT.match(text) or _IMAGE.match(text) or _FENCE.match(text):
        return "skip", None, None, None
    if match := _ATX.match(text):
        heading = clean(match["text"])[0]
        return ("heading", len(match["hashes"]), heading, None) if heading else ("skip", None, None, None)
    if match := _BOLD_LINE.match(text):
        return "heading", _LINE_LEVEL, clean(match["text"])[0], None
    plain = clean(text)[0]
    if (
        len(plain) <= _HEADING_MAX
        and any(ch.isalpha() for ch in plain)
        and not plain.endswith(_SENTENCE_END)
        and not _LIST_ITEM.match(text)
    ):
        return "heading", _LINE_LEVEL, plain, None
    return "text", None, None, None


def split_lines(text: str) -> list[Line]:
    """Lines numbered from 1 (only `\\n` ends a line), classified, with the page each is on."""
    lines: list[Line] = []
    page: int | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        kind, level, heading, marked = _classify(stripped)
        if marked is not None:
            page = marked
        lines.append(Line(number, stripped, kind, page, level, heading))
    return lines


# --- cells ---------------------------------------------------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR_CELL = re.compile(r"^:?-+:?$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation
_PROTECTED = 0xE000  # escaped characters are kept in the private use area while markup is removed
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SUB = re.compile(r"<sub>(.*?)</sub>", re.IGNORECASE)
_SUP = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_CELL = re.compile(r"^\*(?=[^*\s])([^*]+)(?<=\S)\*$")
_SPACE = re.compile(r"\s+")
_UNIT_BEFORE_EXPONENT = re.compile(r"(?:^|[\s(/])(?:[kcdmµ]?m|Nm|ft)$")
_EXPONENTS = {"2": "²", "3": "³"}
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def split_row(text: str) -> list[str]:
    """A pipe row's cells as printed (escaped `\\|` stays in its cell); the outer pipes are optional."""
    body = text.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip() for cell in _UNESCAPED_PIPE.split(body)]


def is_separator(cells: list[str]) -> bool:
    return bool(cells) and all(_SEPARATOR_CELL.match(cell.replace(" ", "")) for cell in cells)


def clean(text: str) -> tuple[str, tuple[str, ...]]:
    """A cell's text without Markdown and HTML markup, and the `<sup>` markers that ended it."""
    protected = _ESCAPE.sub(lambda m: chr(_PROTECTED + ord(m[1])), text)
    protected = _BR.sub(" ", protected)
    protected = _SUB.sub(lambda m: m[1], protected)
    markers: list[str] = []

    def superscript(match: re.Match) -> str:
        content, before = match[1].strip(), protected[: match.start()]
        if content in _EXPONENTS and _UNIT_BEFORE_EXPONENT.search(before):
            return _EXPONENTS[content]
        if not protected[match.end() :].strip() and before.strip():
            markers.extend(part for part in re.split(r"[,\s]+", content) if part)
            return ""
        return content

    protected = _SUP.sub(superscript, protected)
    protected = _TAG.sub("", protected)
    for _ in range(3):  # nested bold and italic
        protected = _BOLD.sub(lambda m: m[2], protected)
    protected = _ITALIC_CELL.sub(lambda m: m[1], protected.strip())
    restored = "".join(
        chr(ord(ch) - _PROTECTED) if _PROTECTED <= ord(ch) < _PROTECTED + 128 else ch for ch in protected
    )
    return _SPACE.sub(" ", html.unescape(restored)).strip(), tuple(markers)


_PAREN_MARKER = re.compile(r"^(?P<head>.*?\S)(?:\s+|(?<=[^\W\d_]))(?P<marker>\d{1,2})[)）]$")
_BRACKET_MARKER = re.compile(r"\s*\[(?P<marker>[A-Z0-9]{1,3})\]")
_TRAILING_SUPERSCRIPT = re.compile(r"(?P<marker>[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[*†‡§]+)$")


def _unbalanced(text: str) -> bool:
    """More closing than opening parentheses: the last `)` closes a footnote marker (`Scope 1 2)`)."""
    return text.count("(") + text.count("（") < text.count(")") + text.count("）")


def cut_label_markers(text: str) -> tuple[str, tuple[str, ...]]:
    """Footnote markers printed in a label: `[A]` anywhere; `2)`, `¹`, `*` at its end."""
    markers = [m["marker"] for m in _BRACKET_MARKER.finditer(text)]
    text = _BRACKET_MARKER.sub("", text).strip()
    trailing: list[str] = []
    while True:
        paren = _PAREN_MARKER.match(text)
        if paren and _unbalanced(text):
            trailing.insert(0, paren["marker"])
            text = paren["head"].rstrip()
            continue
        superscript = _TRAILING_SUPERSCRIPT.search(text)
        if superscript and superscript.start() > 0:
            found, head = superscript["marker"], text[: superscript.start()]
            if found in ("²", "³") and _UNIT_BEFORE_EXPONENT.search(head):
                break  # `m²`: an exponent
            trailing.insert(0, found.translate(_SUPERSCRIPT_DIGITS))
            text = head.rstrip()
            continue
        break
    return text, (*markers, *trailing)


_VALUE_SPACE_MARKER = re.compile(r"^(?P<head>.*\d)\s(?P<marker>\d)$")
_VALUE_PAREN_MARKER = re.compile(r"^(?P<head>.*?\S)\s*(?P<marker>\d{1,2})[)）]$")


def cut_value_markers(text: str) -> tuple[str, tuple[str, ...]]:
    """Footnote markers a converter flattened onto a value: `858 2` (a lone digit after a space cannot
    be a thousands group) and `16 051 1)`; the rest of the cell must read as a number."""
    paren = _VALUE_PAREN_MARKER.match(text)
    if paren and _unbalanced(text) and reads_as_value(paren["head"]):
        return paren["head"], (paren["marker"],)
    spaced = _VALUE_SPACE_MARKER.match(text)
    if spaced and not reads_as_value(text) and reads_as_value(spaced["head"]):
        return spaced["head"], (spaced["marker"],)
    return text, ()


# --- header --------------------------------------------------------------------------------------

# Footnote markers a converter glued to a year header: `2024 1)`, `20241)`, `2024 (2)`, `2024¹`, `2024*`,
# `2024 [A]`, `2024 3`.
_HEADER_MARKERS = (
    re.compile(r"\(?(?P<marker>\d)[)）]$"),
    re.compile(r"\(?(?P<marker>\d{2})[)）]$"),
    re.compile(r"(?P<marker>[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*+|[†‡§])$"),
    re.compile(r"\[(?P<marker>[A-Za-z0-9]{1,3})\]$"),
    re.compile(r"(?<=\d)\s(?P<marker>\d)$"),
)
# Words before a year that name the reporting year itself (parse_year reads `FY`, `fiscal year`, `year`).
_YEAR_WORDS = re.compile(
    r"^(?:innevarande år|föregående år|räkenskapsår(?:et)?|verksamhetsår(?:et)?|rapportår(?:et)?|helår|år"
    r"|current year|previous year|prior year|reporting year|financial year|fiscal year|fy)\s*(?=(?:19|20)\d{2})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HeaderYear:
    year: int
    label: str  # the header without its marker
    markers: tuple[str, ...]


def header_year(text: str) -> HeaderYear | None:
    """The year a header cell IS (`2024`, `FY 2023`, `2024 1)`); None for `Base year 2019` and the like."""

    def year_of(candidate: str) -> int | None:
        return parse_year(_YEAR_WORDS.sub("", candidate.strip()))

    if (year := year_of(text)) is not None:
        return HeaderYear(year, text, ())
    for pattern in _HEADER_MARKERS:
        match = pattern.search(text)
        head = text[: match.start()].strip() if match else ""
        if head and (year := year_of(head)) is not None:
            return HeaderYear(year, head, (match["marker"].translate(_SUPERSCRIPT_DIGITS),))
    return None


_ROLES = (
    ("unit", re.compile(r"^(?:units?|enhet(?:er)?|enhed|einheit|單位|单位)$", re.IGNORECASE)),
    ("base_year", re.compile(r"base\s*-?\s*year|baseline|basår|basis\s*år|基準年|基准年|基線|基线", re.IGNORECASE)),
    ("target", re.compile(r"\btargets?\b|\bgoals?\b|\bmål|ambition|目標|目标", re.IGNORECASE)),
    (
        "change",
        re.compile(r"\bchange\b|förändr|föränd|\+\s*/\s*[-–−]|Δ|\byoy\b|變動|变动|增減|增减", re.IGNORECASE),
    ),
    ("standards", re.compile(r"^(?:gri|esrs|sasb|tcfd|standards?|references?|referens)\b", re.IGNORECASE)),
    ("note", re.compile(r"^(?:notes?|not|noter|附註|附注)$", re.IGNORECASE)),
)
_LABEL_WORDS = frozenset(
    {
        "label",
        "indicator",
        "indicators",
        "kpi",
        "kpis",
        "metric",
        "metrics",
        "item",
        "category",
        "scope",
        "indikator",
        "nyckeltal",
        "kategori",
        "指標",
        "指标",
        "項目",
        "项目",
        "指標名稱",
        "指标名称",
    }
)


def _role(text: str) -> str | None:
    stripped = text.strip().rstrip(":：").strip()
    return next((role for role, pattern in _ROLES if stripped and pattern.search(stripped)), None)


def unit_in(text: str | None) -> str | None:
    """A unit a table states once: the whole text (`tCO2e`), a trailing `(unit)` or `[unit]`, or what
    follows the last comma (`Emissions, ton CO2e`); only a unit `loaders.units` knows."""
    if not text:
        return None
    candidates = [text]
    if (split := split_unit(text)).unit:
        candidates.append(split.unit)
    if bracket := re.search(r"\[(?P<unit>[^\[\]]+)\]\s*$", text):
        candidates.append(bracket["unit"])
    if "," in text:
        candidates.append(text.rsplit(",", 1)[1])
    for candidate in candidates:
        candidate = candidate.strip().rstrip(".:;").strip()
        if (
            not candidate
            or candidate.casefold() in _LABEL_WORDS
            or not any(ch.isalpha() or ch == "%" for ch in candidate)
        ):
            continue
        try:
            normalize_unit(candidate)
        except UnitError:
            continue
        return candidate
    return None


@dataclass(frozen=True)
class Columns:
    """Column roles of a table, from its header rows."""

    width: int
    roles: tuple[str, ...]  # per column: value, label, unit, change, standards, target, base_year, note, other
    labels: tuple[str | None, ...]  # value columns: the header as printed, markers cut
    years: tuple[int | None, ...]
    markers: tuple[tuple[str, ...], ...]  # value columns: markers cut from the header
    unit_text: str | None  # a unit the header states for the whole table

    def positions(self, role: str) -> list[int]:
        return [i for i, r in enumerate(self.roles) if r == role]


def _column_unit(label: str | None) -> str | None:
    """The unit a value column's header prints after its year, if any: `2024 (tCO2e)`, `2024, kg CO2e/m2`."""
    if not label:
        return None
    found = unit_at_end(label)
    return found[1] if found is not None else None


def _pad(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


def _year_cells(cells: list[str]) -> dict[int, HeaderYear]:
    return {i: found for i, cell in enumerate(cells) if i > 0 and cell and (found := header_year(cell)) is not None}


def _is_year_row(cells: list[str]) -> bool:
    """A body row that is a header's year row: years, and no other number after the label."""
    years = _year_cells(cells)
    return bool(years) and not any(reads_as_value(cell) for i, cell in enumerate(cells) if i > 0 and i not in years)


def _is_subheader(cells: list[str], years: dict[int, HeaderYear]) -> bool:
    texts = [cells[i] for i in years if i < len(cells)]
    return any(texts) and not any(reads_as_value(text) or _not_reported(text) for text in texts if text)


def _not_reported(text: str) -> bool:
    try:
        return parse_cell(text).not_reported is not None
    except NumberFormatError:
        return False


def read_header(rows: list[list[str]], heading: str | None) -> tuple[Columns, int] | None:
    """Columns from the first rows of a table (cleaned cells; the header row first) and how many of
    them are header rows; None when no year column is found."""
    year_index = None
    for i, cells in enumerate(rows[:3]):
        if _year_cells(cells) if i == 0 else _is_year_row(cells):
            year_index = i
            break
        if i > 0 and any(reads_as_value(cell) for cell in cells[1:]):
            return None  # a data row: the rows above a year row are titles, never figures
    if year_index is None:
        return None
    years = _year_cells(rows[year_index])
    count = year_index + 1
    if count < len(rows) and _is_subheader(rows[count], years):
        count += 1
    header = rows[:count]
    width = max(len(cells) for cells in header)
    header = [_pad(cells, width) for cells in header]
    # A year column the rows above or below its year name a target or base year (`2030` over
    # `Target year`) is not a value column.
    for position in list(years):
        around = " ".join(cells[position] for number, cells in enumerate(header) if number != year_index)
        if _role(around) in ("target", "base_year"):
            del years[position]
    if not years:
        return None
    first_value = min(years)
    roles: list[str] = []
    labels: list[str | None] = []
    markers: list[tuple[str, ...]] = []
    for position in range(width):
        texts: list[str] = []
        for number, cells in enumerate(header):
            text = years[position].label if number == year_index and position in years else cells[position]
            if text and text not in texts:
                texts.append(text)
        combined = " ".join(texts)
        if position in years:
            roles.append("value")
            labels.append(combined)
            markers.append(years[position].markers)
            continue
        role = _role(combined) or _role(rows[year_index][position] if position < len(rows[year_index]) else "")
        if role is None:
            is_label = position == 0 or not combined or combined.casefold() in _LABEL_WORDS
            role = "label" if position < first_value and is_label else "other"
        roles.append(role)
        labels.append(None)
        markers.append(())
    unit = next((u for cells in header if (u := unit_in(cells[0])) is not None), None)
    if unit is None and count > year_index + 1:
        units = {header[-1][i] for i in years}
        if len(units) == 1:
            unit = unit_in(units.pop())
    unit = unit or unit_in(heading)
    columns = Columns(
        width=width,
        roles=tuple(roles),
        labels=tuple(labels),
        years=tuple(years[i].year if i in years else None for i in range(width)),
        markers=tuple(markers),
        unit_text=unit,
    )
    return columns, count


# --- tables --------------------------------------------------------------------------------------


@dataclass
class MarkdownLayout:
    tables: list[ReportTable] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    line_count: int = 0


@dataclass
class _Group:
    """A table: its first pipe run (with the header) and the runs that go on with it."""

    runs: list[list[Line]]
    header_lines: int  # lines before the separator row; 0 for a run without one

    @property
    def first(self) -> Line:
        return self.runs[0][0]

    @property
    def last(self) -> Line:
        return self.runs[-1][-1]


def _pipe_runs(lines: list[Line]) -> list[list[Line]]:
    runs: list[list[Line]] = []
    for line in lines:
        if line.kind == "pipe" and runs and runs[-1][-1].number == line.number - 1:
            runs[-1].append(line)
        elif line.kind == "pipe":
            runs.append([line])
    return runs


def _separator_at(run: list[Line]) -> int:
    """Lines before the run's separator row when it is its second or third line, else 0."""
    for index in (1, 2):
        if index < len(run) and is_separator(split_row(run[index].text)):
            return index
    return 0


def _groups(lines: list[Line], runs: list[list[Line]]) -> list[_Group]:
    groups: list[_Group] = []
    for run in runs:
        header_lines = _separator_at(run)
        if header_lines == 0 and groups:
            previous = groups[-1]
            between = lines[previous.last.number : run[0].number - 1]
            width = len(split_row(previous.first.text))
            if all(line.kind in ("blank", "skip", "page") for line in between) and len(split_row(run[0].text)) == width:
                previous.runs.append(run)
                continue
        groups.append(_Group([run], header_lines))
    return groups


def _heading_of(lines: list[Line], first: Line) -> Line | None:
    """The nearest heading line above a table, looking past a few lines of prose, never past a table."""
    prose = 0
    for line in reversed(lines[: first.number - 1]):
        if line.kind in ("blank", "skip", "page"):
            continue
        if line.kind == "pipe":
            return None
        if line.kind == "heading":
            return line
        prose += 1
        if prose >= _HEADING_REACH:
            return None
    return None


def _section_of(lines: list[Line], below: int, level: int) -> str | None:
    """The nearest `#` heading above line `below` with a higher level than `level`."""
    for line in reversed(lines[: below - 1]):
        if line.kind == "heading" and line.level is not None and line.level < min(level, _LINE_LEVEL):
            return line.heading
    return None


_NOTE = re.compile(
    r"^(?:[-•]\s+)?(?:(?:(?P<number>\d{1,2})\s*[).:]|\((?P<paren>\d{1,2})\)|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|\[(?P<bracket>[A-Za-z0-9]{1,3})\])\s*|(?P<symbol>\*{1,3}|[†‡§])\s+)(?P<text>[^\s*].*)$"
)
_ANY_MARKER = re.compile(r"(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*+|[†‡§])$|\[([A-Za-z0-9]{1,3})\]")


def _notes(lines: list[Line], table_index: int, after: int, referenced: set[str]) -> list[Footnote]:
    """Marker-led lines right below a table (blank lines, comments and page markers between)."""
    found: list[Footnote] = []
    for line in lines[after:]:
        if line.kind in ("blank", "skip", "page"):
            continue
        match = _NOTE.match(line.text) if line.kind in ("text", "heading") else None
        if match is None:
            break
        raw = match["number"] or match["paren"] or (match["sup"] or "").translate(_SUPERSCRIPT_DIGITS)
        marker = raw or match["bracket"] or match["symbol"]
        text = clean(match["text"])[0]
        found.append(
            Footnote(
                table_index=table_index,
                number=int(raw) if raw else 0,
                line_number=line.number,
                text=text,
                page_number=line.page,
                marker=None if raw else marker,
            )
        )
    if not any((note.marker or str(note.number)) in referenced for note in found):
        return []  # a numbered list nobody refers to, not the table's notes
    return found


@dataclass
class _Section:
    text: str
    line: Line
    markers: tuple[str, ...]


@dataclass
class _TableReader:
    """Reads one KPI table's body rows into candidate rows, carrying sections and grouping labels."""

    table_index: int
    columns: Columns
    rows: list[TableRow] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # a repeated header's label: a sub-table's title
    sections: list[str] = field(default_factory=list)
    pending: list[_Section] = field(default_factory=list)  # section rows no data row has followed yet
    carried: dict[int, str] = field(default_factory=dict)  # outer label columns: the text above
    referenced: set[str] = field(default_factory=set)  # every marker seen: what a note may number

    def _row(self, line: Line, **fields) -> None:
        common = {"table_index": self.table_index, "line_number": line.number, "location": f"line {line.number}"}
        self.rows.append(TableRow(**common, row_text=line.text, page_number=line.page, **fields))

    def _flush(self) -> None:
        """Section rows nothing followed: candidate rows printed blank."""
        for section in self.pending:
            blank = tuple(
                ValueCell(n, self.columns.labels[i], self.columns.years[i], "", self.columns.markers[i])
                for n, i in enumerate(self.columns.positions("value"), start=1)
            )
            parts = (*self.titles, section.text)
            self._row(section.line, label_parts=parts, cells=blank, label_markers=section.markers)
        self.pending = []

    def read(self, line: Line) -> None:
        columns = self.columns
        raw = split_row(line.text)
        if is_separator(raw):
            return
        cleaned = [clean(cell) for cell in raw]
        texts = [text for text, _ in cleaned]
        for text in texts:
            self.referenced.update((m[1] or m[0]).translate(_SUPERSCRIPT_DIGITS) for m in _ANY_MARKER.finditer(text))
        if not any(texts):
            return  # an empty row prints nothing
        if len(texts) > columns.width:
            if any(texts[columns.width :]):
                first = next(text for text in texts if text)
                problem = (
                    "wrong_cell_count",
                    f"expected {columns.width} cells as in the header row, found {len(texts)}",
                )
                self._row(line, label_parts=(first,), cells=(), problem=problem)
                return
            texts, cleaned = texts[: columns.width], cleaned[: columns.width]
        texts = _pad(texts, columns.width)
        sup = [markers for _, markers in cleaned] + [()] * (columns.width - len(cleaned))
        values = columns.positions("value")
        label_positions = columns.positions("label")
        own: dict[int, tuple[str, tuple[str, ...]]] = {}
        for i in label_positions:
            if texts[i]:
                text, markers = cut_label_markers(texts[i])
                own[i] = (text, (*sup[i], *markers))
        label_markers = tuple(m for _, markers in own.values() for m in markers)
        self.referenced.update(label_markers)

        # A repeated header: a second sub-table's title and years.
        found = [header_year(texts[i]) if texts[i] else None for i in values]
        if len(values) >= 2 and all(found):
            self._flush()
            title = " / ".join(text for text, _ in own.values() if text)
            self.titles, self.sections = ([title] if title else []), []
            self.carried = {}
            years, labels, markers = list(columns.years), list(columns.labels), list(columns.markers)
            for i, year in zip(values, found, strict=True):
                years[i], labels[i], markers[i] = year.year, year.label, year.markers
            self.columns = columns = Columns(
                columns.width, columns.roles, tuple(labels), tuple(years), tuple(markers), columns.unit_text
            )
            return

        outer = label_positions[:-1]
        for i in outer:
            if i in own:
                self.carried[i] = own[i][0]
                for deeper in outer:
                    if deeper > i and deeper not in own:
                        self.carried.pop(deeper, None)
        if own and all(not texts[i] for i in values):
            # A section row ends the groups above it, but for those it names itself.
            self.carried = {i: own[i][0] for i in outer if i in own}
            innermost = own[max(own)]
            self.pending.append(_Section(innermost[0], line, label_markers))
            return
        if self.pending:
            self.sections = [section.text for section in self.pending]
            self.pending = []
        parts: list[str] = []
        if own:
            for part in [
                *self.titles,
                *self.sections,
                *(self.carried.get(i, "") for i in outer),
                *(own[i][0] for i in label_positions[-1:] if i in own),
            ]:
                if part and (not parts or parts[-1] != part):
                    parts.append(part)
        cells = []
        for number, i in enumerate(values, start=1):
            text, markers = cut_value_markers(texts[i])
            self.referenced.update(markers)
            cells.append(
                ValueCell(number, columns.labels[i], columns.years[i], text, (*columns.markers[i], *sup[i], *markers))
            )

        def single(role: str) -> str | None:
            positions = columns.positions(role)
            return " ".join(texts[i] for i in positions if texts[i]) if positions else None

        # Columns that print their own unit (`2024 Absoluta utsläpp, ton CO2e` beside `2024 Intensitet,
        # kg CO2e/m2`) are two measures of the row: one row per unit, each read in its own unit.
        units = {cell.column_number: _column_unit(cell.column_label) for cell in cells}
        by_unit = {unit: [c for c in cells if units[c.column_number] == unit] for unit in units.values()}
        unit_column = single("unit")
        for unit, unit_cells in by_unit.items():
            self._row(
                line,
                label_parts=tuple(parts),
                cells=tuple(unit_cells),
                label_markers=label_markers,
                unit_text=unit_column if len(by_unit) == 1 or unit_column else unit,
                change_text=single("change"),
                standards_text=single("standards"),
            )

    def finish(self) -> None:
        self._flush()


def parse_markdown(text: str) -> MarkdownLayout:
    """Find the tables of a Markdown document: headings, pages, candidate rows and notes."""
    lines = split_lines(text)
    layout = MarkdownLayout(line_count=len(lines))
    for group in _groups(lines, _pipe_runs(lines)):
        table_index = len(layout.tables) + 1
        heading_line = _heading_of(lines, group.first)
        heading = heading_line.heading if heading_line else None
        section = _section_of(
            lines, (heading_line or group.first).number, heading_line.level if heading_line else _LINE_LEVEL + 1
        )
        common = {
            "table_index": table_index,
            "heading": heading,
            "section_heading": section,
            "scope_statement": None,
            "first_line": group.first.number,
            "page_number": group.first.page,
        }
        body = [line for run in group.runs for line in run]
        if group.header_lines == 0:
            reason = "pipe rows without a |---| separator row under a header: not a Markdown table"
            layout.tables.append(
                ReportTable(**common, last_line=group.last.number, is_kpi_table=False, skip_reason=reason)
            )
            continue
        first_rows = [line for line in body if not is_separator(split_row(line.text))][:4]
        cleaned = [[clean(cell)[0] for cell in split_row(line.text)] for line in first_rows]
        header = read_header(cleaned, heading)
        reason = None
        if header is None:
            reason = "no year column in the header (2024, FY 2023): not a KPI table"
        else:
            columns, count = header
            rows_after = [line for line in body if line.number > first_rows[count - 1].number]
            values = columns.positions("value")
            numbers = any(
                reads_as_value(cut_value_markers(clean(cells[i])[0])[0])
                for line in rows_after
                for cells in [split_row(line.text)]
                for i in values
                if i < len(cells)
            )
            if not numbers:
                reason = "no number in its year columns: not a KPI table"
        if reason is not None:
            layout.tables.append(
                ReportTable(**common, last_line=group.last.number, is_kpi_table=False, skip_reason=reason)
            )
            continue
        reader = _TableReader(table_index, columns)
        for line in rows_after:
            reader.read(line)
        reader.finish()
        reader.referenced.update(m for markers in columns.markers for m in markers)
        notes = _notes(lines, table_index, group.last.number, reader.referenced)
        layout.rows.extend(reader.rows)
        layout.footnotes.extend(notes)
        last = max([group.last.number, *(note.line_number for note in notes)])
        layout.tables.append(ReportTable(**common, last_line=last, is_kpi_table=True, unit_text=columns.unit_text))
    return layout
