"""Numbers as printed in report tables, read exactly.

A printed figure stands for the interval its rounding allows, so the count of decimals printed is
kept beside the exact value: `1.00` is not `1`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# Digits with optional comma thousands separators (groups of exactly three), optional fraction.
_NUMBER = re.compile(r"^(?P<sign>-)?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")

MAX_DECIMALS = 12  # raw.reported_values.value_number is DECIMAL(38, 12)


class NumberFormatError(ValueError):
    """The text is not a number this loader can read exactly."""


@dataclass(frozen=True)
class PrintedNumber:
    value: Decimal
    decimals: int


def parse_number(text: str) -> PrintedNumber:
    """Read a printed figure such as `22,782.26` into an exact decimal and its printed decimals."""
    stripped = text.strip()
    match = _NUMBER.match(stripped)
    if match is None:
        raise NumberFormatError(f"malformed number {stripped!r}")
    fraction = match["frac"] or ""
    if len(fraction) > MAX_DECIMALS:
        raise NumberFormatError(f"{stripped!r} has {len(fraction)} decimals; at most {MAX_DECIMALS} are kept exactly")
    digits = match["int"].replace(",", "")
    value = Decimal(f"{match['sign'] or ''}{digits}.{fraction}" if fraction else f"{match['sign'] or ''}{digits}")
    return PrintedNumber(value=value, decimals=len(fraction))
