"""Helpers for tests: the bundled Xiaomi report, and copies of it a test may alter."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "xiaomi-2019-esg-report.zh-Hant.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def line_of(text: str, number: int) -> str:
    """Line `number` (from 1) of a text, as editors count."""
    return text.split("\n")[number - 1]


def copy_report(folder: Path, replace: dict[int, str] | None = None) -> Path:
    """Copy the bundled report and its metadata into `folder`, with lines replaced by number."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / REPORT.name
    lines = REPORT.read_text(encoding="utf-8").split("\n")
    for number, text in (replace or {}).items():
        lines[number - 1] = text
    target.write_text("\n".join(lines), encoding="utf-8")
    shutil.copy(REPORT.with_name(REPORT.name + ".yml"), folder / (REPORT.name + ".yml"))
    return target
