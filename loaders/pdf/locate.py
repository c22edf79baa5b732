"""Where a page's KPI tables are: where tables printed one below the other part, and whether a page
without a readable table still holds one with year columns.

- Stacked tables: the page's rules are cut into stacks, one per table (`loaders.pdf.geometry.stacks`),
  where blank space between two rules is much taller than the page's row pitch, or where a header
  line with year columns starts another table below the rules of one; each table then gets its own
  columns, header, rows and notes. A cut divides only the rules under it, not those of a table in
  another column of the page.
- Year tables in the text: when no ruled table with year columns is found, a line whose cells name
  two years or more (`2019`, `FY 2023`, `Results 2023`), with lines of numbers under two of those
  columns right below it, still tells a page that holds such a table (unruled, or ruled in a way the
  reader cannot follow) from narrative and pictures.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from loaders.pdf.geometry import (
    SAME_RULE,
    TABLE_EDGE,
    Cut,
    Grid,
    Segment,
    find_columns,
    find_grids,
    merge_ys,
    stacks,
)
from loaders.pdf.tables import CELL_GAP, HEADER_REACH, LINE_GAP, NOTE
from loaders.pdf.text import Glyph, Kind, Line, lines_of, render
from loaders.rows import parse_year

# In multiples of the font size.
_ROW_REACH = 4.0  # a line this far below the previous one no longer continues the same table's text
# In multiples of the page's row pitch (the median distance between its rules).
_STACK_BLANK = 1.5  # blank space between two rules this tall ends one table; the next begins below it

_YEAR_WORD = re.compile(r"^(?:FY|CY)?'?(?P<year>(?:19|20)\d{2})(?:/\d{2,4})?[).,:;]?$", re.IGNORECASE)
_YEAR_CELL_WORDS = 4  # a header cell this short that holds a year names that year's column
_NUMBER = re.compile(r"^[<>≤≥~≈]?\s*[-–−+]?\s*\d[\d,.\s]*(?:%|‰)?$")
_YEAR_TABLE_ROWS = 2  # lines with numbers under year columns that make text a table with year columns


# --- stacked tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cell:
    x0: float
    x1: float
    text: str


def _cells(line: Line) -> list[_Cell]:
    """A line's cells: its text split where a gap is wider than `CELL_GAP`, superscript markers cut."""
    runs: list[list[tuple[Glyph, Kind]]] = []
    previous: Glyph | None = None
    for glyph, kind in line.ordered():
        if glyph.text.isspace():
            continue
        if previous is None or glyph.x0 - previous.x1 > CELL_GAP * max(glyph.size, previous.size):
            runs.append([])
        runs[-1].append((glyph, kind))
        previous = glyph
    return [_Cell(run[0][0].x0, max(g.x1 for g, _ in run), render([Line(run)], cut_markers=True).text) for run in runs]


def _year_cells(line: Line) -> list[_Cell]:
    """The cells of a line that are year labels (`FY 2023`, `2019`), if they name two years or more."""
    cells = [cell for cell in _cells(line) if parse_year(cell.text) is not None]
    return cells if len({parse_year(cell.text) for cell in cells}) >= 2 else []


def _block_top(line: Line, lines: Sequence[Line]) -> float:
    """The top of the header block a year line ends: the lines right above it, in text no larger, as
    `tables.find_header` takes them."""
    top = line.top
    size = line.size
    for above in sorted((a for a in lines if a.baseline < line.baseline), key=lambda a: -a.baseline):
        size = min(size, above.size)
        if top - above.bottom > LINE_GAP * size:
            break
        top = above.top
    return top


def _width_at(segments: Sequence[Segment], *ys: float) -> tuple[float, float]:
    """The horizontal extent of the rules at these heights."""
    at = [s for s in segments if any(abs(s.y - y) <= SAME_RULE for y in ys)]
    return min(s.x0 for s in at), max(s.x1 for s in at)


def _tallest_blank(glyphs: Sequence[Glyph], top: float, bottom: float, x0: float, x1: float) -> tuple[float, float]:
    """The tallest strip between `top` and `bottom`, across x0..x1, that no glyph reaches into."""
    inside = sorted((g.top, g.bottom) for g in glyphs if x0 <= g.xc <= x1 and g.bottom > top and g.top < bottom)
    best = (top, top)
    at = top
    for glyph_top, glyph_bottom in [*inside, (bottom, bottom)]:
        if glyph_top - at > best[1] - best[0]:
            best = (at, glyph_top)
        at = max(at, glyph_bottom)
    return best


def _header_cut(segments: Sequence[Segment], visible: Sequence[Glyph], line: Line) -> Cut | None:
    """A cut above a header line with year columns, if rules of a table above it come first.

    The header block is read within the width of the rules under the year line, so that text beside
    the table (a page's other column) is not taken for it. A rule right above the header, with nothing
    between them, opens the table below; it closes the one above too, unless that table's notes are
    printed above it.
    """
    years = _year_cells(line)
    under = [s.y for s in segments if s.y > line.bottom and s.x0 < years[-1].x1 and s.x1 > years[0].x0]
    if not under:
        return None  # a year line below the last rule
    x0, x1 = _width_at(segments, min(under))
    region = [g for g in visible if x0 - TABLE_EDGE <= g.xc <= x1 + TABLE_EDGE]
    lines = lines_of(region)
    line = min(lines, key=lambda other: abs(other.baseline - line.baseline), default=line)
    if not lines or not _year_cells(line):
        return None  # the years are not over this table
    top = _block_top(line, lines)
    above = merge_ys(s.y for s in segments if s.y < top - SAME_RULE and s.x0 < x1 and s.x1 > x0)
    if len(above) < 2:
        return None  # the first table's header: no table above it to cut from
    hugging = top - above[-1] <= HEADER_REACH * line.size and not any(above[-1] < g.yc < top for g in region)
    if not hugging:
        return Cut(top, top, x0, x1)
    between = lines_of([g for g in region if above[-2] < g.yc < above[-1]])
    noted = bool(between) and NOTE.match(render(between[:1], cut_markers=False).text) is not None
    return Cut(above[-1], above[-2] if noted else above[-1], x0, x1)


def _cuts(segments: Sequence[Segment], glyphs: Sequence[Glyph], lines: Sequence[Line]) -> list[Cut]:
    """Where one table's rules stop and the next one's begin: blank space between two rules much taller
    than the page's row pitch, or a header line with year columns below two rules or more."""
    ys = merge_ys(s.y for s in segments)
    if len(ys) < 3:
        return []
    visible = [g for g in glyphs if not g.text.isspace()]
    pitch = statistics.median(b - a for a, b in pairwise(ys))
    cuts: list[Cut] = []
    for a, b in pairwise(ys):
        if b - a > _STACK_BLANK * pitch:
            x0, x1 = _width_at(segments, a, b)
            blank_top, blank_bottom = _tallest_blank(visible, a, b, x0, x1)
            if blank_bottom - blank_top > _STACK_BLANK * pitch:
                middle = (blank_top + blank_bottom) / 2
                cuts.append(Cut(middle, middle, x0, x1))
    for line in lines:
        cut = _header_cut(segments, visible, line) if _year_cells(line) else None
        if cut is not None:
            cuts.append(cut)
    return cuts


def page_grids(segments: Sequence[Segment], glyphs: Sequence[Glyph], lines: Sequence[Line]) -> list[Grid]:
    """The page's grids, found per stack of rules so that stacked tables do not share columns."""
    return [
        grid for stack in stacks(segments, _cuts(segments, glyphs, lines)) for grid in find_grids(find_columns(stack))
    ]


# --- year tables in the text --------------------------------------------------------------------


def _year_named(text: str) -> int | None:
    """The year a header cell names: a year label, or a short cell with one year in it (`2021 pro
    forma`, `Results 2023`, `2021 2)` with its marker glued on)."""
    year = parse_year(text)
    if year is not None:
        return year
    words = text.split()
    if len(words) > _YEAR_CELL_WORDS:
        return None
    found = {int(match["year"]) for word in words if (match := _YEAR_WORD.match(word))}
    return found.pop() if len(found) == 1 else None


def holds_year_table(lines: Sequence[Line]) -> bool:
    """Whether the text looks like a table with year columns, ruled or not: a line whose cells name two
    years or more, right above lines with numbers under those columns, under two of them or more (the
    years of one row may be printed at different heights, each centred in its cell)."""
    cells = [_cells(line) for line in lines]
    for i, line in enumerate(lines):
        named = [((cell.x0 + cell.x1) / 2, _year_named(cell.text)) for cell in cells[i]]
        centres = [x for x, year in named if year is not None]
        if len({year for _, year in named if year is not None}) < 2:
            continue
        bounds = [(a + b) / 2 for a, b in pairwise(centres)]  # each year column reaches halfway to the next
        left, right = 2 * centres[0] - bounds[0], 2 * centres[-1] - bounds[-1]
        rows = 0
        columns: set[int] = set()
        previous = line
        for j in range(i + 1, len(lines)):
            if lines[j].top - previous.bottom > _ROW_REACH * previous.size:
                break
            under = {
                bisect(bounds, x)
                for x in ((cell.x0 + cell.x1) / 2 for cell in cells[j] if _NUMBER.match(cell.text))
                if left <= x <= right
            }
            rows += bool(under)
            columns |= under
            if rows >= _YEAR_TABLE_ROWS and len(columns) >= 2:
                return True
            previous = lines[j]
    return False
