"""Text of a PDF page: glyphs, lines, sub- and superscripts, and a cell's lines rendered as one text.

- Markers: characters smaller than their line's body text with a raised baseline are superscripts,
  footnote markers cut from the text (`render(..., cut_markers=True)`); `Text.printed` shows them as
  superscript digits. A lowered baseline is a subscript and stays inline (“CO2”); so do exponents and
  ordinals (`m³`, `30th`).
- Wrapped text: a cell's lines are joined with a space; a hyphen the typesetter added at a line end
  and a soft hyphen join the next line directly, a word's own hyphen (a space follows it) stays.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from pdfplumber.page import Page

# In multiples of the font size.
_SCRIPT_SIZE = 0.9  # smaller than this share of the line's body text: a sub- or superscript candidate
_SCRIPT_SHIFT = 0.1  # baseline shift that makes such a character a sub- or superscript
_SAME_LINE = 0.3  # baseline difference within one line
WORD_GAP = 0.15  # a gap wider than this between characters separates words

_UNIT_BEFORE_EXPONENT = re.compile(r"(?:^|[\s(/])(?:[kcdmµ]?m|Nm|ft)$")
_EXPONENTS = {"2": "²", "3": "³"}
_ORDINAL = re.compile(r"st|nd|rd|th")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SOFT_HYPHEN = "\u00ad"


class Kind(Enum):
    NORMAL = "normal"
    SUB = "sub"
    SUPER = "super"


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    baseline: float  # from the top of the page, like `top`

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


def page_glyphs(page: Page) -> list[Glyph]:
    glyphs = []
    for char in page.chars:
        if not char["text"]:
            continue
        ascent = char["y1"] - char["matrix"][5]  # glyph box top above the baseline, in PDF units
        glyphs.append(
            Glyph(
                text=char["text"],
                x0=char["x0"],
                x1=char["x1"],
                top=char["top"],
                bottom=char["bottom"],
                size=char["size"],
                baseline=char["top"] + ascent,
            )
        )
    return glyphs


@dataclass
class Line:
    glyphs: list[tuple[Glyph, Kind]]

    def _body(self) -> list[Glyph]:
        return [g for g, kind in self.glyphs if kind is Kind.NORMAL and not g.text.isspace()]

    @property
    def baseline(self) -> float:
        return statistics.median(g.baseline for g in self._body())

    @property
    def size(self) -> float:
        return max(g.size for g in self._body())

    @property
    def top(self) -> float:
        return min(g.top for g, _ in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g, _ in self.glyphs)

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    def ordered(self) -> list[tuple[Glyph, Kind]]:
        return sorted(self.glyphs, key=lambda item: item[0].x0)


def _cluster(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    lines: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.baseline):
        if lines and glyph.baseline - lines[-1][0].baseline <= _SAME_LINE * glyph.size:
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
    return lines


def lines_of(glyphs: Sequence[Glyph]) -> list[Line]:
    """Text lines, top to bottom, with smaller characters placed as sub- or superscripts of their line."""
    visible = [g for g in glyphs if not g.text.isspace()]
    if not visible:
        return []
    body = max(g.size for g in visible)
    lines = [
        Line([(g, Kind.NORMAL) for g in line])
        for line in _cluster([g for g in visible if g.size >= _SCRIPT_SIZE * body])
    ]
    # Each line's top and bottom, kept up to date as glyphs join it (`Line.top` and `Line.bottom` would
    # go over all its glyphs again for every glyph placed).
    bounds = [[line.top, line.bottom] for line in lines]

    def line_at(y: float) -> int | None:
        return next((k for k, (top, bottom) in enumerate(bounds) if top <= y <= bottom), None)

    def join(k: int, glyph: Glyph, kind: Kind) -> None:
        lines[k].glyphs.append((glyph, kind))
        bounds[k] = [min(bounds[k][0], glyph.top), max(bounds[k][1], glyph.bottom)]

    loose: list[Glyph] = []
    for glyph in (g for g in visible if g.size < _SCRIPT_SIZE * body):
        k = line_at(glyph.yc)
        if k is None:
            loose.append(glyph)
            continue
        shift = (lines[k].baseline - glyph.baseline) / lines[k].size
        kind = Kind.SUPER if shift > _SCRIPT_SHIFT else Kind.SUB if shift < -_SCRIPT_SHIFT else Kind.NORMAL
        join(k, glyph, kind)
    lines.extend(lines_of(loose))
    bounds = [[line.top, line.bottom] for line in lines]
    for space in (g for g in glyphs if g.text.isspace()):
        k = line_at(space.yc)
        # Some fonts map an invisible glyph (a soft hyphen) to a space drawn over a letter: no word break.
        if k is not None and not any(g.x0 < space.xc < g.x1 for g, _ in lines[k].glyphs):
            join(k, space, Kind.NORMAL)
    return sorted(lines, key=lambda line: line.baseline)


@dataclass(frozen=True)
class Text:
    text: str
    markers: tuple[str, ...] = ()

    @property
    def printed(self) -> str:
        """The text with its markers put back, as superscript digits or `^marker`."""
        suffix = "".join(m.translate(_SUPERSCRIPT_DIGITS) if m.isdigit() else f"^{m}" for m in self.markers)
        return self.text + suffix


@dataclass(frozen=True)
class _RenderedLine:
    text: str
    markers: tuple[str, ...]
    hyphenated: bool  # ends in a hyphen the typesetter added: join the next line without it
    soft_break: bool  # ends in a soft hyphen: join the next line directly


def _tokens(line: Line) -> tuple[list[tuple[bool, str, bool]], bool]:
    """(superscript, text, space before) runs of a line, and whether whitespace ends it."""
    tokens: list[tuple[bool, str, bool]] = []
    space = False
    previous: Glyph | None = None
    for glyph, kind in line.ordered():
        if glyph.text.isspace():
            space = True
            continue
        if previous is not None and glyph.x0 - previous.x1 > WORD_GAP * max(glyph.size, previous.size):
            space = True
        raised = kind is Kind.SUPER
        if tokens and tokens[-1][0] == raised and not space:
            tokens[-1] = (raised, tokens[-1][1] + glyph.text, tokens[-1][2])
        else:
            tokens.append((raised, glyph.text, space))
        space = False
        previous = glyph
    return tokens, space


def _render_line(line: Line, cut_markers: bool) -> _RenderedLine:
    tokens, trailing_space = _tokens(line)
    text = ""
    markers: list[str] = []
    space_next = False
    for raised, chunk, space_before in tokens:
        separator = " " if text and (space_before or space_next) else ""
        space_next = False
        if raised and chunk in _EXPONENTS and not space_before and _UNIT_BEFORE_EXPONENT.search(text):
            text += _EXPONENTS[chunk]
        elif raised and cut_markers and not (_ORDINAL.fullmatch(chunk) and text[-1:].isdigit()):
            markers.extend(part for part in re.split(r"[,\s]+", chunk) if part)
            space_next = space_before or bool(text)  # a marker between words still separates them
        else:
            text += separator + chunk
    last = tokens[-1][1] if tokens else ""
    return _RenderedLine(
        text=text.replace(_SOFT_HYPHEN, "").strip(),
        markers=tuple(markers),
        hyphenated=last.endswith("-") and not trailing_space,
        soft_break=last.endswith(_SOFT_HYPHEN),
    )


def render(lines: Sequence[Line], cut_markers: bool) -> Text:
    """A cell's lines as one text: joined with a space, words broken at a line end put back together."""
    text = ""
    markers: list[str] = []
    previous: _RenderedLine | None = None
    for line in lines:
        rendered = _render_line(line, cut_markers)
        markers.extend(rendered.markers)
        if not rendered.text:
            continue
        if previous is None or not text:
            text = rendered.text
        elif previous.soft_break:
            text += rendered.text
        elif text.endswith("-") and rendered.text[:1].islower():
            # A hyphen followed by whitespace in the content stream is the word's own hyphen: keep it.
            text = (text[:-1] if previous.hyphenated else text) + rendered.text
        else:
            text += " " + rendered.text
        previous = rendered
    return Text(text, tuple(markers))


def text_of(glyphs: Sequence[Glyph]) -> Text:
    """A table cell's text, superscript markers cut."""
    return render(lines_of(glyphs), cut_markers=True)
