"""The sidecar `<document file name>.yml` that says whose report a document is, and for what.

A sidecar sits beside its document or in a metadata folder (`--metadata DIR`, the project's
`metadata/` by default), so that documents kept in a read-only store can be loaded with metadata
written for them. A sidecar in a metadata folder is found by the document's file name, in any
subfolder; where two documents share a name, its `document_sha256:` says which one it describes.
One document, one sidecar: metadata found in two places is an error naming both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from loaders.errors import MetadataError
from loaders.models import BoundaryOverride, DocumentMetadata, LabelOverride, Source
from loaders.recognizer import members_key
from loaders.units import UnitError, normalize_unit

_CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SHA256_LINE = re.compile(r"^document_sha256\s*:\s*['\"]?(?P<sha>[0-9A-Fa-f]{64})['\"]?\s*(?:#.*)?$", re.MULTILINE)


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + ".yml")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


class _Fields:
    """Typed access to one YAML mapping, with errors that name the file and the field."""

    def __init__(self, path: str, mapping: Any, where: str = "") -> None:
        if not isinstance(mapping, dict):
            raise MetadataError(path, f"{where or 'the file'} must be a mapping of fields")
        self.path, self.mapping, self.where = path, mapping, where

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise MetadataError(self.path, f"field '{self._name(key)}' is missing")
            return None
        if not isinstance(value, (str, int, float)):
            raise MetadataError(self.path, f"field '{self._name(key)}' must be text")
        return " ".join(str(value).split())

    def code(self, key: str) -> str:
        value = self.text(key)
        if not _CODE.match(value):
            raise MetadataError(
                self.path, f"field '{self._name(key)}' must be a lower-case code (a-z, 0-9, _), got {value!r}"
            )
        return value

    def year(self, key: str) -> int:
        value = self.mapping.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
            raise MetadataError(self.path, f"field '{self._name(key)}' must be a year such as 2019, got {value!r}")
        return value

    def nested(self, key: str) -> _Fields:
        if key not in self.mapping:
            raise MetadataError(self.path, f"field '{self._name(key)}' is missing")
        return _Fields(self.path, self.mapping[key], self._name(key))

    def optional(self, key: str) -> _Fields:
        return _Fields(self.path, self.mapping.get(key) or {}, self._name(key))

    def items(self, key: str) -> list[_Fields]:
        value = self.mapping.get(key) or []
        if not isinstance(value, list):
            raise MetadataError(self.path, f"field '{self._name(key)}' must be a list")
        return [_Fields(self.path, item, f"{self._name(key)}[{i}]") for i, item in enumerate(value)]


def _yaml(path: Path, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise MetadataError(str(path), f"not valid YAML: {error.problem}", line=line) from None
    except yaml.YAMLError as error:
        raise MetadataError(str(path), f"not valid YAML: {error}") from None


def skip_reason(path: Path, text: str) -> str | None:
    """A sidecar's `skip: <why>`: the document is not loaded, and is listed with that reason."""
    data = _yaml(path, text)
    if not isinstance(data, dict) or "skip" not in data:
        return None
    reason = _Fields(str(path), data).text("skip")
    return reason


def parse_metadata(path: Path, text: str) -> DocumentMetadata:
    """Validate a sidecar's text; every problem is a MetadataError naming the file and field."""
    shown = str(path)
    fields = _Fields(shown, _yaml(path, text))
    pinned = fields.text("document_sha256", required=False)
    if pinned is not None and not _SHA256.match(pinned.lower()):
        raise MetadataError(shown, f"field 'document_sha256' must be a SHA-256 in hex (64 digits), got {pinned!r}")
    # A dataset whose rows name their companies (a `company` column) may leave the company out.
    company_name = fields.text("company", required=False)
    company_id = fields.code("company_id") if fields.mapping.get("company_id") else company_name and _slug(company_name)
    language = fields.text("language")
    if not _LANGUAGE.match(language):
        raise MetadataError(shown, f"field 'language' must be a language tag such as zh-Hant or en, got {language!r}")
    source = fields.nested("source")
    boundary = fields.nested("boundary")
    overrides = tuple(
        BoundaryOverride(metric_code=item.code("metric"), boundary_code=item.code("code"), basis=item.text("basis"))
        for item in boundary.items("overrides")
    )
    labels = tuple(
        LabelOverride(
            label=item.text("label"),
            metric_code=item.code("metric"),
            basis=item.text("basis"),
            members=_members(item.optional("members")),
        )
        for item in fields.items("labels")
    )
    separator = fields.optional("number_format").text("decimal_separator", required=False) or "."
    if separator not in (".", ","):
        raise MetadataError(shown, f"field 'number_format.decimal_separator' must be '.' or ',', got {separator!r}")
    default_unit = fields.optional("units").text("default", required=False)
    if default_unit:
        try:
            normalize_unit(default_unit)
        except UnitError as error:
            raise MetadataError(shown, f"field 'units.default': {error}") from None
    return DocumentMetadata(
        company_id=company_id,
        company_name=company_name,
        fiscal_year=fields.year("fiscal_year"),
        language=language,
        source=Source(
            title=source.text("title"), publisher=source.text("publisher"), published=source.text("published")
        ),
        boundary_code=boundary.code("code"),
        boundary_description=boundary.text("description"),
        boundary_overrides=overrides,
        label_overrides=labels,
        decimal_separator=separator,
        default_unit=default_unit,
        pages=_pages(shown, fields.mapping.get("pages")),
    )


def _members(fields: _Fields) -> str | None:
    """`members: {scope2_method: market_based}` as the warehouse keys members (`axis=member`, sorted)."""
    pairs = {axis: fields.code(axis) for axis in fields.mapping}
    for axis in pairs:
        if not _CODE.match(str(axis)):
            raise MetadataError(fields.path, f"field '{fields.where}' names axis {axis!r}: not a lower-case code")
    return members_key(pairs) or None


def _pages(path: str, value: object) -> tuple[int, ...]:
    """`pages: 109-113`, `pages: [4]` or `pages: "1, 3-5"`: 1-based PDF pages holding the KPI tables."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    pages: list[int] = []
    for item in items:
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", str(item))
        if match is None or (match[2] and int(match[2]) < int(match[1])) or int(match[1]) < 1:
            raise MetadataError(path, f"field 'pages' must list page numbers such as 109-113 or [4], got {value!r}")
        pages.extend(range(int(match[1]), int(match[2] or match[1]) + 1))
    return tuple(dict.fromkeys(pages))


@dataclass(frozen=True)
class _Candidate:
    path: Path
    raw: bytes
    sha256: str | None  # the document it is pinned to, if any

    @classmethod
    def read(cls, path: Path) -> _Candidate:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise MetadataError(str(path), f"not UTF-8 text (byte {error.start})") from None
        pinned = _SHA256_LINE.search(text)
        return cls(path, raw, pinned["sha"].lower() if pinned else None)

    def text(self) -> str:
        return self.raw.decode("utf-8-sig")


@dataclass
class MetadataFolders:
    """Sidecars in metadata folders, by the file name of the document they describe."""

    folders: tuple[Path, ...] = ()
    by_name: dict[str, list[Path]] = field(default_factory=dict)

    @classmethod
    def scan(cls, folders: Iterable[Path]) -> MetadataFolders:
        found = cls(tuple(folders))
        for folder in found.folders:
            if not folder.is_dir():
                raise MetadataError(str(folder), "metadata folder not found")
            for path in sorted(folder.rglob("*.yml")):
                if path.is_file():
                    found.by_name.setdefault(path.name, []).append(path)
        return found

    def candidates(self, document: Path) -> list[Path]:
        return self.by_name.get(sidecar_path(document).name, [])


@dataclass(frozen=True)
class FoundMetadata:
    metadata: DocumentMetadata | None  # None when the sidecar says to skip the document
    path: Path  # the sidecar read
    raw: bytes  # its bytes, for hashing
    skip_reason: str | None = None


def read_metadata(
    document: Path, folders: MetadataFolders | None = None, document_sha256: str | None = None
) -> FoundMetadata:
    """Find, read and validate a document's sidecar, beside it or in a metadata folder.

    A folder sidecar pinned to another document's SHA-256 does not apply; two that apply are an error.
    """
    folders = folders or MetadataFolders()
    beside = sidecar_path(document)
    applying = [_Candidate.read(beside)] if beside.is_file() else []
    elsewhere = []
    for path in folders.candidates(document):
        if path.resolve() == beside.resolve():
            continue
        candidate = _Candidate.read(path)
        if candidate.sha256 is None or document_sha256 is None or candidate.sha256 == document_sha256:
            applying.append(candidate)
        else:
            elsewhere.append(candidate)
    if len(applying) > 1:
        places = " and ".join(str(candidate.path) for candidate in applying)
        raise MetadataError(
            str(document), f"metadata found in two places: {places}; keep one (or pin each with document_sha256)"
        )
    if not applying:
        looked = f"{beside.name} beside it" + (
            f" or in {', '.join(map(str, folders.folders))}" if folders.folders else ""
        )
        pinned = "".join(f"; {c.path} describes another document (document_sha256 {c.sha256})" for c in elsewhere)
        raise MetadataError(str(document), f"no metadata file: expected {looked}{pinned}")
    found = applying[0]
    try:
        text = found.text()
    except UnicodeDecodeError as error:
        raise MetadataError(str(found.path), f"not UTF-8 text (byte {error.start})") from None
    if (reason := skip_reason(found.path, text)) is not None:
        return FoundMetadata(None, found.path, found.raw, reason)
    return FoundMetadata(parse_metadata(found.path, text), found.path, found.raw)


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
