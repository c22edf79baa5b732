"""Fixtures shared by the loader tests."""

from __future__ import annotations

import pytest

from loaders.metadata import read_metadata

from .helpers import REPORT


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def xiaomi_metadata():
    return read_metadata(REPORT).metadata
