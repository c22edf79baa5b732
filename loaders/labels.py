"""Labels as printed: the unit they carry and the key they are matched on."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# The unit is the last parenthesised group of a label: `直接溫室氣體排放總量(範圍一)(噸)` -> `噸`.
_TRAILING_GROUP = re.compile(r"^(?P<text>.*?)\s*[(（](?P<unit>[^()（）]*)[)）]\s*$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SplitLabel:
    text: str
    unit: str | None


def split_unit(label: str) -> SplitLabel:
    """Split the trailing `(unit)` group off a label; `unit` is None when there is none."""
    match = _TRAILING_GROUP.match(label)
    if match is None:
        return SplitLabel(text=label.strip(), unit=None)
    return SplitLabel(text=match["text"].strip(), unit=match["unit"].strip())


def label_key(text: str) -> str:
    """The form labels are matched on: NFKC (full-width to ASCII), case-folded, spaces collapsed.

    `seeds/label_aliases.csv` stores its labels in this form; a loader test keeps it that way.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", folded).strip()


def read_unit_vocabulary(path: Path) -> frozenset[str]:
    """The printed units the catalogue can convert (column `unit_as_printed` of the conversions seed)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["unit_as_printed"] for row in csv.DictReader(handle))
