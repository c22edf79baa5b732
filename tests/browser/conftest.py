"""Fixtures of the browser tests: dbt parses the project once for the session's builds, as in tests/python."""

from tests.python.conftest import parsed_project  # noqa: F401  (an autouse fixture, shared)
