"""Fixtures shared by the loader tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.metadata import read_metadata

from .helpers import REPORT, ROOT


@pytest.fixture(scope="session", autouse=True)
def parsed_project(tmp_path_factory) -> Path:
    """dbt parses the project once per test session, and every build's dbt starts from that parse: a build
    into a new folder would otherwise parse the whole project again (dbt's DBT_PARTIAL_PARSE_FILE_PATH)."""
    target = tmp_path_factory.mktemp("dbt-parse")
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt), "parse", "--quiet", "--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]
    command += ["--target-path", str(target), "--log-path", str(target)]
    # The warehouse as builds name it to dbt (loaders/build.py): the profile must match for a parse to be reused.
    environment = {**os.environ, "WAREHOUSE": "warehouse.duckdb", "DO_NOT_TRACK": "1"}
    subprocess.run(command, env=environment, cwd=target, check=True)
    os.environ["DBT_PARTIAL_PARSE_FILE_PATH"] = str(target / "partial_parse.msgpack")
    return target


@pytest.fixture(scope="session")
def report_text() -> str:
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def xiaomi_metadata():
    return read_metadata(REPORT).metadata
