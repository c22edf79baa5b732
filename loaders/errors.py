"""Errors a user can cause and fix; the CLI prints them without a traceback."""

from __future__ import annotations

# Exit status when some documents were refused and the others loaded (or published): not 1, so that
# automation tells "published without them" from "nothing happened".
REFUSED_EXIT = 3


class LoaderError(Exception):
    """Base class: everything the CLI reports as a user-facing message."""


class DocumentError(LoaderError):
    """A document (or its sidecar) cannot be read at all; names the file and, where known, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class MetadataError(DocumentError):
    """The sidecar metadata file is missing or does not say what the loader needs."""
