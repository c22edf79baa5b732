"""Labels as printed: the unit and footnote markers they carry, and the key they are matched on.

Labels are matched across scripts: the key folds full-width characters (NFKC), converts Traditional
to Simplified Chinese (OpenCC), lower-cases and collapses spaces, so `溫室氣體排放總量（範圍一）`,
`温室气体排放总量(范围一)` and their English alias are written once in `seeds/label_aliases.csv`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import opencc

_TRAILING_GROUP = re.compile(r"^(?P<text>.*?)\s*[(（](?P<unit>[^()（）]*)[)）]\s*$")
_BRACKET_MARKER = re.compile(r"\s*\[([A-Z0-9]{1,3})\]")
_TRAILING_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡]+$")
_SPACE = re.compile(r"\s+")
_TO_SIMPLIFIED = opencc.OpenCC("t2s")


@dataclass(frozen=True)
class SplitLabel:
    text: str
    unit: str | None


def split_unit(label: str) -> SplitLabel:
    """Split a trailing `(unit)` group off a label; `unit` is None when there is none."""
    match = _TRAILING_GROUP.match(label)
    if match is None:
        return SplitLabel(text=label.strip(), unit=None)
    return SplitLabel(text=match["text"].strip(), unit=match["unit"].strip())


def cut_markers(label: str) -> tuple[str, tuple[str, ...]]:
    """Footnote markers printed in a label: `[A]`, `[P]` anywhere, superscripts at its end."""
    markers = tuple(_BRACKET_MARKER.findall(label))
    text = _BRACKET_MARKER.sub("", label)
    superscript = _TRAILING_SUPERSCRIPT.search(text.rstrip())
    if superscript and superscript.start() > 0:
        markers += (unicodedata.normalize("NFKC", superscript.group()),)
        text = text.rstrip()[: superscript.start()]
    return _SPACE.sub(" ", text).strip(), markers


def label_key(text: str) -> str:
    """The form labels are matched on: NFKC, Simplified Chinese, case-folded, spaces collapsed."""
    if not text.isascii():  # both leave ASCII as it is
        text = _TO_SIMPLIFIED.convert(unicodedata.normalize("NFKC", text))
    return _SPACE.sub(" ", text.casefold()).strip()
