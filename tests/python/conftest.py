"""Fixtures shared by the loader tests."""

from __future__ import annotations

import pytest

from loaders.labels import read_unit_vocabulary

from .helpers import REPORT, UNITS


@pytest.fixture(scope="session")
def known_units() -> frozenset[str]:
    return read_unit_vocabulary(UNITS)


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")
