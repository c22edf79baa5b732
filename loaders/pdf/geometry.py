"""Page geometry of KPI tables ruled per column: rule segments, the columns they outline, and grids.

The tables `loaders.pdf` reads draw their horizontal rules column by column (stroked lines or thin
filled rectangles), so the rules say where each column is and where its cells end:

    Scope 1 ─────────  Total ─────  Fiscal Year ──  1,000 t CO2e ──  387 ──  393 ──  −1.6% ──  GRI 305-1
               (group cell)         CO2 emissions ─ ...

- Columns: rule segments that overlap by more than half of the longer one are one column; a segment
  spanning two or more columns (a full-width rule) is a rule of each column it spans.
- Stacks: tables printed one below the other are told apart before their columns are: the page's
  rules are cut into stacks where one table's rules stop and the next one's begin (`loaders.pdf.locate`
  finds the cuts: blank space between rules, a header line with year columns), so that stacked tables
  of the same or of different column layouts each get their own columns.
- Grids: the columns of one stack whose rules overlap vertically form one grid. Tables side by side,
  ruled at overlapping heights, are not told apart: they make one grid.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from pdfplumber.page import Page

# In points.
_RULE_MAX_THICKNESS = 1.5  # filled rectangles taller than this are shading, not rules
_RULE_MIN_WIDTH = 5.0
SAME_RULE = 1.0  # rules closer than this are one (double strokes, hairline pairs)
TABLE_EDGE = 3.0  # text this far outside the outer columns still belongs to them


@dataclass(frozen=True)
class Segment:
    x0: float
    x1: float
    y: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class Column:
    x0: float
    x1: float
    rules: tuple[float, ...]  # sorted y positions

    def cell(self, top: float, bottom: float) -> tuple[float, float]:
        """The cell of this column holding the band top..bottom: between its nearest rules."""
        above = [y for y in self.rules if y <= top + SAME_RULE]
        below = [y for y in self.rules if y >= bottom - SAME_RULE]
        return (max(above) if above else top), (min(below) if below else bottom)


def rule_segments(page: Page) -> list[Segment]:
    candidates = [*page.lines, *(rect for rect in page.rects if rect["fill"] or rect["stroke"])]
    return [
        Segment(item["x0"], item["x1"], (item["top"] + item["bottom"]) / 2)
        for item in candidates
        if item["bottom"] - item["top"] <= _RULE_MAX_THICKNESS and item["x1"] - item["x0"] >= _RULE_MIN_WIDTH
    ]


@dataclass(frozen=True)
class Cut:
    """Where, across x0..x1, one stack of rules ends (`end`, inclusive) and the next begins (`start`,
    inclusive); rules between `start` and `end` belong to both (a rule that closes one table and opens
    the next). Rules beside x0..x1 (another column of the page) are not cut."""

    start: float
    end: float
    x0: float
    x1: float

    def across(self, segment: Segment) -> bool:
        return segment.x0 < self.x1 and segment.x1 > self.x0


def stacks(segments: Sequence[Segment], cuts: Sequence[Cut]) -> list[list[Segment]]:
    """The segments grouped by the cuts across them: a segment's stack is the number of those cuts
    above it (a rule two stacks share is in both); top to bottom."""
    found: dict[int, list[Segment]] = {}
    for segment in segments:
        across = [cut for cut in cuts if cut.across(segment)]
        below = sum(1 for cut in across if segment.y > cut.end + SAME_RULE)
        shared = any(cut.start - SAME_RULE <= segment.y <= cut.end + SAME_RULE for cut in across)
        for stack in (below, below + 1) if shared else (below,):
            found.setdefault(stack, []).append(segment)
    return [found[stack] for stack in sorted(found)]


def merge_ys(ys: Iterable[float]) -> tuple[float, ...]:
    merged: list[float] = []
    for y in sorted(ys):
        if not merged or y - merged[-1] > SAME_RULE:
            merged.append(y)
    return tuple(merged)


def find_columns(segments: Sequence[Segment]) -> list[Column]:
    """Columns from rule segments; segments spanning several columns add their rule to each."""
    clusters: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.x0, s.x1)):
        for cluster in clusters:
            first = cluster[0]
            overlap = min(segment.x1, first.x1) - max(segment.x0, first.x0)
            if overlap > 0.5 * max(segment.width, first.width):
                cluster.append(segment)
                break
        else:
            clusters.append([segment])
    spans = [
        (statistics.median(s.x0 for s in cluster), statistics.median(s.x1 for s in cluster)) for cluster in clusters
    ]

    def covered(i: int) -> list[int]:
        x0, x1 = spans[i]
        return [j for j, (a, b) in enumerate(spans) if j != i and a >= x0 - TABLE_EDGE and b <= x1 + TABLE_EDGE]

    spanning = {i for i in range(len(clusters)) if len(covered(i)) >= 2}
    own = {i: [s.y for s in clusters[i]] for i in range(len(clusters)) if i not in spanning}
    extra: dict[int, list[float]] = {i: [] for i in own}
    for i in spanning:
        targets = [j for j in covered(i) if j in own]
        for j in targets:
            ys = merge_ys(own[j])
            # A full-width rule far above or below a column's own rules (page furniture) is not a row boundary.
            reach = max((b - a for a, b in pairwise(ys)), default=0.0)
            extra[j].extend(s.y for s in clusters[i] if ys[0] - reach <= s.y <= ys[-1] + reach)
    return sorted(
        (Column(spans[i][0], spans[i][1], merge_ys([*ys, *extra[i]])) for i, ys in own.items()),
        key=lambda column: column.x0,
    )


@dataclass(frozen=True)
class Grid:
    columns: tuple[Column, ...]

    @property
    def x0(self) -> float:
        return self.columns[0].x0 - TABLE_EDGE

    @property
    def x1(self) -> float:
        return self.columns[-1].x1 + TABLE_EDGE

    def column_of(self, x: float) -> int | None:
        """The column text at x belongs to; a gap between columns is split in the middle."""
        if not self.x0 <= x <= self.x1:
            return None
        for i, column in enumerate(self.columns[:-1]):
            if x <= (column.x1 + self.columns[i + 1].x0) / 2:
                return i
        return len(self.columns) - 1


def find_grids(columns: Sequence[Column]) -> list[Grid]:
    """Columns whose rules overlap vertically form one grid; a lone rule is no table."""
    groups: list[list[Column]] = []
    for column in sorted((c for c in columns if len(c.rules) >= 2), key=lambda c: c.rules[0]):
        if groups and column.rules[0] <= max(c.rules[-1] for c in groups[-1]):
            groups[-1].append(column)
        else:
            groups.append([column])
    return [Grid(tuple(sorted(group, key=lambda c: c.x0))) for group in groups if len(group) >= 2]
