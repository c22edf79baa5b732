"""Value cells as printed, read exactly.

A printed figure stands for the interval its rounding allows, so the count of decimals printed is
kept beside the exact value: `1.00` is not `1`. What a cell says besides its number is kept too:
a bound (`< 0,1`), a percent sign or CJK magnitude glued to it (`15%`, `2,200萬`), footnote markers
(`283.42¹`, `47.6%4` where the table has a note 4), or that nothing was reported (`N/A`, `不適用`,
`—`, blank), which is NULL, never 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

MAX_DECIMALS = 10  # raw.reported_values.value_number is DECIMAL(38, 12); intervals need one digit more

# Cells that say "not reported"; compared case-folded after NFKC.
NOT_REPORTED = frozenset(
    {
        "",
        "-",
        "--",
        "–",
        "—",
        "−",
        "/",
        "n/a",
        "na",
        "n.a.",
        "n.a",
        "n. a.",
        "not applicable",
        "not available",
        "not reported",
        "n.r.",
        "nr",
        "n.d.",
        "不適用",
        "不适用",
        "未披露",
        "無",
        "无",
        "暫無",
        "暂无",
    }
)
# Magnitudes printed on a number (`2,200萬`, `1 billion`); the unit side applies them.
CJK_MAGNITUDES = ("百萬", "百万", "千萬", "千万", "萬", "万", "億", "亿", "千")
_WORD_MAGNITUDE = re.compile(r"^(?P<number>.*\d)\s*(?P<word>billion|million|thousand|bn|mn)$", re.IGNORECASE)
# Words before a number that bound or approximate it; "about" keeps the interval rounding gives.
_QUALIFIERS = (
    (("more than", "over", "above", "超過", "超过", "逾", "多於", "多于"), ">"),
    (("less than", "under", "below", "不足", "少於", "少于"), "<"),
    (("approximately", "approx.", "approx", "about", "around", "circa", "c.", "約", "约", "~"), "~"),
)

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_TRAILING_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡§]+$")
_TRAILING_BRACKET_MARKER = re.compile(r"\s*\[([A-Za-z0-9]{1,3})\]$")
_MINUS = str.maketrans({"−": "-", "–": "-", "‐": "-", "‑": "-"})
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'’](?=\d{3}(?:\D|$))")
_POINT_NUMBER = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")
_COMMA_NUMBER = re.compile(r"^(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?$")
# A comma followed by one or two digits can only be a decimal comma.
_UNAMBIGUOUS_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$|^\d{1,3}(?:\.\d{3})+,\d+$")


class NumberFormatError(ValueError):
    """The text is not a number this loader can read exactly."""


@dataclass(frozen=True)
class PrintedNumber:
    value: Decimal
    decimals: int


@dataclass(frozen=True)
class ParsedCell:
    """A value cell read: a number (or not reported) plus what was printed around it."""

    value: Decimal | None
    decimals: int | None
    qualifier: str | None = None  # "<" or ">"
    not_reported: str | None = None  # the text that said so ("" for a blank cell)
    glued_unit: str | None = None  # "%" or a CJK magnitude printed on the number
    markers: tuple[str, ...] = ()


def _digits(text: str, decimal_separator: str, shown: str | None = None) -> PrintedNumber:
    pattern = _COMMA_NUMBER if decimal_separator == "," else _POINT_NUMBER
    if decimal_separator == "." and _UNAMBIGUOUS_DECIMAL_COMMA.match(text):
        pattern = _COMMA_NUMBER
    match = pattern.match(text)
    shown = text if shown is None else shown
    if match is None:
        raise NumberFormatError(f"malformed number {shown!r}")
    fraction = match["frac"] or ""
    if len(fraction) > MAX_DECIMALS:
        raise NumberFormatError(f"{shown!r} has {len(fraction)} decimals; at most {MAX_DECIMALS} are kept exactly")
    whole = re.sub(r"[.,]", "", match["int"])
    return PrintedNumber(Decimal(f"{whole}.{fraction}" if fraction else whole), len(fraction))


def parse_number(text: str, decimal_separator: str = ".") -> PrintedNumber:
    """Read a bare printed figure such as `22,782.26` (or `-5.5`) into an exact decimal and its decimals."""
    stripped = text.strip()
    negative = stripped.startswith("-")
    number = _digits(stripped[1:] if negative else stripped, decimal_separator)
    return PrintedNumber(-number.value if negative else number.value, number.decimals)


def _cut_glued_footnote(text: str, decimal_separator: str, footnotes: frozenset[str]) -> tuple[str, str | None]:
    """`47.6%4` or `1,4128` where the table has a note 4 / 8: the trailing digits are a marker.

    Only where the digits cannot belong to the number: after a percent sign, or where keeping them
    breaks the thousands grouping. `3154` stays 3154 in plain text; a PDF's superscripts settle it there.
    """
    for size in (2, 1):
        head, tail = text[:-size], text[-size:]
        if len(text) <= size or not tail.isdigit() or tail not in footnotes or head[-1:] in ",.":
            continue
        if head.endswith("%"):
            return head, tail
        try:
            parse_number(text.lstrip("<>"), decimal_separator)
        except NumberFormatError:
            try:
                parse_number(head.lstrip("<>"), decimal_separator)
            except NumberFormatError:
                continue
            return head, tail
    return text, None


def parse_cell(text: str, decimal_separator: str = ".", footnotes: frozenset[str] = frozenset()) -> ParsedCell:
    """Read a value cell exactly as printed; raises NumberFormatError when it is not a number."""
    markers: list[str] = []
    stripped = text.strip()
    superscript = _TRAILING_SUPERSCRIPT.search(stripped)
    if superscript and superscript.start() > 0:
        markers.append(superscript.group().translate(_SUPERSCRIPTS))
        stripped = stripped[: superscript.start()].rstrip()
    cell = unicodedata.normalize("NFKC", stripped).strip()
    if cell.casefold() in NOT_REPORTED:
        return ParsedCell(value=None, decimals=None, not_reported=text.strip(), markers=tuple(markers))
    while bracket := _TRAILING_BRACKET_MARKER.search(cell):
        markers.insert(0, bracket.group(1))
        cell = cell[: bracket.start()].rstrip()
    cell = cell.translate(_MINUS)
    cell, glued = _cut_glued_footnote(cell.replace(" ", "") if "%" in cell else cell, decimal_separator, footnotes)
    if glued:
        markers.append(glued)

    negative = False
    if cell.startswith("(") and cell.endswith(")"):  # accounting negative: (1,234)
        negative, cell = True, cell[1:-1].strip()
    qualifier = None
    for sign, meaning in (("<=", "<"), (">=", ">"), ("≤", "<"), ("≥", ">"), ("<", "<"), (">", ">")):
        if cell.startswith(sign):
            qualifier, cell = meaning, cell[len(sign) :].strip()
            break
    else:
        lowered = cell.casefold()
        for words, meaning in _QUALIFIERS:
            word = next((w for w in words if lowered.startswith(w)), None)
            if word:
                qualifier, cell = meaning, cell[len(word) :].strip()
                break
    glued_unit = None
    if cell.endswith("%"):
        glued_unit, cell = "%", cell[:-1].strip()
    elif magnitude := _WORD_MAGNITUDE.match(cell):
        glued_unit, cell = magnitude["word"].lower(), magnitude["number"].strip()
    else:
        for magnitude in CJK_MAGNITUDES:
            if cell.endswith(magnitude):
                glued_unit, cell = magnitude, cell[: -len(magnitude)].strip()
                break
    if cell.startswith("-"):
        negative, cell = not negative, cell[1:].strip()
    cell = _GROUP_SPACES.sub("," if decimal_separator == "." else ".", cell)
    number = _digits(cell, decimal_separator, shown=text.strip())
    value = -number.value if negative else number.value
    return ParsedCell(value, number.decimals, qualifier, None, glued_unit, tuple(markers))
