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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

MAX_DECIMALS = 10  # raw.reported_values.value_number is DECIMAL(38, 12); intervals need one digit more
MAX_INTEGER_DIGITS = 26  # and 38 - 12 digits before the point

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

# A unit printed on the number, opening with a letter (`283.42噸`, `12 tCO2e`): rows.read_cell checks it.
_PRINTED_UNIT = re.compile(r"^(?P<number>[-\d.,\s]*\d)\s*(?P<unit>[^\W\d_].*)$")
# What two printings of one figure may differ in (footnote marks, spaces): RE2 syntax, as DuckDB
# compares a bulk CSV's repeated rows with the same pattern.
FIGURE_MARKS = r"[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡§\s]|\[[A-Za-z0-9]{1,3}\]"


_FIGURE_MARKS = re.compile(FIGURE_MARKS)


def figure_key(text: str) -> str:
    """A cell as compared with its repeat: `283.42¹` and `283.42` print one figure."""
    return _FIGURE_MARKS.sub("", text)


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_TRAILING_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡§]+$")
_TRAILING_BRACKET_MARKER = re.compile(r"\s*\[([A-Za-z0-9]{1,3})\]$")
_MINUS = str.maketrans({"−": "-", "–": "-", "‐": "-", "‑": "-"})
_GROUP_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'’](?=\d{3}(?:\D|$))")
# A thousands group never opens with 0: `0,042` is no 42.
_POINT_NUMBER = re.compile(r"^(?P<int>[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")
_COMMA_NUMBER = re.compile(r"^(?P<int>[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?$")
# A bare figure as most cells print it, per decimal mark (None: digits only, which read one way): its
# value is its digits without the grouping mark, its decimals the digits after the mark. The one
# definition both readers use: parse_cell's fast path, and the bulk CSV reader's SQL (RE2 reads it too).
PLAIN_NUMBER = {
    ".": r"(?P<sign>-?)(?P<int>[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d{1,10}))?",
    ",": r"(?P<sign>-?)(?P<int>[1-9]\d{0,2}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d{1,10}))?",
    None: r"(?P<sign>-?)(?P<int>\d+)(?P<frac>)",
}
_PLAIN = {mark: re.compile(pattern) for mark, pattern in PLAIN_NUMBER.items()}
_SCIENTIFIC = re.compile(r"^(?P<int>\d+)(?:(?P<sep>[.,])(?P<frac>\d+))?[eE](?P<exp>[+-]?\d{1,3})$")
# A comma followed by one or two digits can only be a decimal comma.
_UNAMBIGUOUS_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$|^\d{1,3}(?:\.\d{3})+,\d+$")


class NumberFormatError(ValueError):
    """The text is not a number this loader can read exactly."""


class AmbiguousNumberError(NumberFormatError):
    """The text is two numbers, one with a decimal point and one with a decimal comma (`1,234`)."""


class OutOfRangeError(NumberFormatError):
    """The number is beyond what the warehouse's exact decimals hold."""


# Cells that show which mark is the decimal one: searched, not matched whole, so they hold in any
# cell (`12.5%`, `< 0,1`). A cell with both marks, or grouping twice, settles it; a lone mark before
# one, two or four digits only suggests it (Siemens prints `< 0,1` among point decimals). Written
# for the point; the comma's are their mirror image. RE2 syntax: DuckDB runs them over bulk CSVs.
_SETTLING = (r"[0-9]C[0-9]{3}P[0-9]", r"[0-9]C[0-9]{3}C[0-9]{3}")  # 22,782.26  1,234,567
_SUGGESTING = (
    r"[0-9]P[0-9]{1,2}($|[^0-9eE])",  # 12.5: a group of thousands has three digits (6.6e-5 shows no mark)
    r"(^|[^0-9PC])0P[0-9]",  # 0.042: a thousands group never opens with 0
    r"(^|[^0-9PC])[0-9]{4,}P[0-9]",  # 1234.5: grouped thousands open with at most three digits
)


def _mirrored(patterns: tuple[str, ...]) -> dict[str, str]:
    return {
        mark: "|".join(f"({p.replace('P', re.escape(mark)).replace('C', re.escape(other))})" for p in patterns)
        for mark, other in ((".", ","), (",", "."))
    }


# (strength, mark) -> pattern; strength 0 settles, 1 suggests.
DECIMAL_EVIDENCE = {
    (strength, mark): pattern
    for strength, patterns in enumerate((_SETTLING, _SUGGESTING))
    for mark, pattern in _mirrored(patterns).items()
}
# Where a document settles nothing, its language's convention (CLDR): `1,234` is 1234 in English.
_DECIMAL_POINT_LANGUAGES = frozenset({"en", "zh", "ja", "ko", "th", "he", "ms", "hi"})
_DECIMAL_COMMA_LANGUAGES = frozenset(
    {"de", "fr", "es", "it", "nl", "pt", "sv", "da", "fi", "nb", "no", "pl", "cs", "ru", "tr", "id", "vi"}
)


def decimal_convention(texts: Iterable[str], language: str | None) -> str | None:
    """The decimal mark the document's own cells show, else its language's; None where cells settle
    both (or nothing settles it): then a cell that reads two ways is refused, never guessed."""
    return convention_from(decimal_evidence(texts), language)


def decimal_evidence(texts: Iterable[str]) -> set[tuple[int, str]]:
    """The (strength, mark) evidence the cells show."""
    # One search per pattern over all cells, a line each: no pattern crosses a line break, and `^`, `$`
    # hold at each cell's ends.
    cells = "\n".join(text.replace("\n", " ") for text in texts)
    return {key for key, pattern in DECIMAL_EVIDENCE.items() if re.search(pattern, cells, re.MULTILINE)}


def convention_from(found: set[tuple[int, str]], language: str | None) -> str | None:
    """The convention from the evidence found ((strength, mark) pairs) and the document's language."""
    settled = {mark for strength, mark in found if strength == 0}
    if settled:
        return settled.pop() if len(settled) == 1 else None
    suggested = {mark for _, mark in found}
    if len(suggested) == 1:
        return suggested.pop()
    base = (language or "").split("-")[0].lower()
    return "." if base in _DECIMAL_POINT_LANGUAGES else "," if base in _DECIMAL_COMMA_LANGUAGES else None


@dataclass(frozen=True)
class PrintedNumber:
    value: Decimal
    decimals: int


class ParsedCell(NamedTuple):
    """A value cell read: a number (or not reported) plus what was printed around it. A tuple: a long
    document reads hundreds of thousands, and a frozen dataclass is several times slower to build."""

    value: Decimal | None
    decimals: int | None
    qualifier: str | None = None  # "<" or ">"
    not_reported: str | None = None  # the text that said so ("" for a blank cell)
    glued_unit: str | None = None  # "%" or a CJK magnitude printed on the number
    printed_unit: str | None = None  # a unit printed on the number (`283.42噸`), which must be the row's
    markers: tuple[str, ...] = ()


def _digits(text: str, decimal_separator: str | None, shown: str | None = None) -> PrintedNumber:
    shown = text if shown is None else shown
    if decimal_separator is None:  # the document shows no one convention: both readings must agree
        readings: dict[str, PrintedNumber] = {}
        for mark in ".,":
            try:
                readings[mark] = _digits(text, mark, shown)
            except (AmbiguousNumberError, OutOfRangeError):
                raise
            except NumberFormatError:
                continue
        if len({reading.value for reading in readings.values()}) > 1:
            raise AmbiguousNumberError(
                f"{shown!r} is {readings['.'].value} with a decimal point and {readings[','].value} with a"
                " decimal comma, and the document shows neither: say which in its sidecar"
                " (number_format: {decimal_separator: ...})"
            )
        if not readings:
            raise NumberFormatError(f"malformed number {shown!r}")
        return next(iter(readings.values()))
    if scientific := _SCIENTIFIC.match(text):
        # A mantissa is never grouped in thousands: its one mark is the decimal one, whichever the document
        # uses elsewhere (software prints `6.6e-5` in reports with decimal commas).
        fraction, exponent = scientific["frac"] or "", int(scientific["exp"])
        decimals = max(0, len(fraction) - exponent)
        value = Decimal(f"{scientific['int']}.{fraction or 0}e{exponent}")
        if decimals > MAX_DECIMALS:
            raise NumberFormatError(f"{shown!r} has {decimals} decimals; at most {MAX_DECIMALS} are kept exactly")
        _check_range(value, shown)
        return PrintedNumber(value.quantize(Decimal(1).scaleb(-decimals)), decimals)
    pattern = _COMMA_NUMBER if decimal_separator == "," else _POINT_NUMBER
    if decimal_separator == "." and _UNAMBIGUOUS_DECIMAL_COMMA.match(text):
        pattern = _COMMA_NUMBER
    match = pattern.match(text)
    if match is None:
        raise NumberFormatError(f"malformed number {shown!r}")
    fraction = match["frac"] or ""
    if len(fraction) > MAX_DECIMALS:
        raise NumberFormatError(f"{shown!r} has {len(fraction)} decimals; at most {MAX_DECIMALS} are kept exactly")
    whole = re.sub(r"[.,]", "", match["int"])
    value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    _check_range(value, shown)
    return PrintedNumber(value, len(fraction))


def _check_range(value: Decimal, shown: str) -> None:
    digits = value.adjusted() + 1 if value else 1
    if digits > MAX_INTEGER_DIGITS:
        raise OutOfRangeError(
            f"{shown!r} has {digits} digits before the decimal mark; the warehouse holds at most {MAX_INTEGER_DIGITS}"
        )


def parse_number(text: str, decimal_separator: str | None = ".") -> PrintedNumber:
    """Read a bare printed figure such as `22,782.26` (or `-5.5`) into an exact decimal and its decimals."""
    stripped = text.strip()
    negative = stripped.startswith("-")
    number = _digits(stripped[1:] if negative else stripped, decimal_separator)
    return PrintedNumber(-number.value if negative else number.value, number.decimals)


def _cut_glued_footnote(text: str, decimal_separator: str | None, footnotes: frozenset[str]) -> tuple[str, str | None]:
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


def parse_cell(text: str, decimal_separator: str | None = ".", footnotes: frozenset[str] = frozenset()) -> ParsedCell:
    """Read a value cell exactly as printed; raises NumberFormatError when it is not a number."""
    if (plain := _PLAIN.get(decimal_separator)) and (match := plain.fullmatch(text)):
        # Most cells of a large document: a bare figure, read without the general grammar below.
        fraction = match["frac"] or ""
        whole = match["int"].replace(",", "").replace(".", "")
        if len(whole.lstrip("0")) <= MAX_INTEGER_DIGITS:
            value = Decimal(f"{whole}.{fraction}" if fraction else whole)
            return ParsedCell(-value if match["sign"] else value, len(fraction))
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
    printed_unit = None
    if glued_unit is None and not _SCIENTIFIC.match(cell.lstrip("-")) and (suffix := _PRINTED_UNIT.match(cell)):
        cell, printed_unit = suffix["number"].strip(), suffix["unit"].strip()
    if cell.startswith("-"):
        negative, cell = not negative, cell[1:].strip()
    if decimal_separator is not None:
        cell = _GROUP_SPACES.sub("," if decimal_separator == "." else ".", cell)
    elif _GROUP_SPACES.search(cell):  # `1 234,5`: where spaces group thousands, a mark is the decimal one
        cell = _GROUP_SPACES.sub("", cell)
        decimal_separator = "," if "," in cell else "." if "." in cell else None
    number = _digits(cell, decimal_separator, shown=text.strip())
    value = -number.value if negative else number.value
    return ParsedCell(value, number.decimals, qualifier, None, glued_unit, printed_unit, tuple(markers))
