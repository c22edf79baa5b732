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
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

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


def _yaml(path: Path, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        # Where the problem starts (an opening quote, a bracket) rather than where the parser gave up.
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else None
        what = f"{error.context}, {error.problem}" if error.context else error.problem
        raise MetadataError(str(path), f"not valid YAML: {what}", line=line) from None
    except yaml.YAMLError as error:
        raise MetadataError(str(path), f"not valid YAML: {error}") from None


def skip_reason(path: Path, text: str) -> str | None:
    """A sidecar's `skip: <why>`: the document is not loaded, and is listed with that reason."""
    data = _yaml(path, text)
    if not isinstance(data, dict) or "skip" not in data:
        return None
    reason = data["skip"]
    if not isinstance(reason, str) or not reason.strip():
        raise MetadataError(str(path), "field 'skip' must say why the document is skipped")
    return " ".join(reason.split())


# --- the sidecar's shape, validated with pydantic -------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PydanticCustomError("text", "must be text")
    text = " ".join(str(value).split())
    if not text:
        raise PydanticCustomError("missing", "is missing")
    return text


def _code(value: Any) -> str:
    text = _text(value)
    if not _CODE.match(text):
        raise PydanticCustomError("code", "must be a lower-case code (a-z, 0-9, _), got {got}", {"got": repr(text)})
    return text


def _year(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
        raise PydanticCustomError("year", "must be a year such as 2019, got {got}", {"got": repr(value)})
    return value


def _language(value: Any) -> str:
    text = _text(value)
    if not _LANGUAGE.match(text):
        raise PydanticCustomError(
            "language", "must be a language tag such as zh-Hant or en, got {got}", {"got": repr(text)}
        )
    return text


def _sha256(value: Any) -> str:
    text = _text(value).lower()
    if not _SHA256.match(text):
        raise PydanticCustomError("sha256", "must be a SHA-256 in hex (64 digits), got {got}", {"got": repr(text)})
    return text


Text = Annotated[str, BeforeValidator(_text)]
Code = Annotated[str, BeforeValidator(_code)]


class _Spec(BaseModel):
    # Keys the warehouse does not know are kept (and named in a warning), never dropped.
    model_config = ConfigDict(extra="allow", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        # `published: website, 2022` in a flow mapping makes a key 2022: kept, as text, and named.
        return {str(key): item for key, item in value.items()} if isinstance(value, dict) else value


class SourceSpec(_Spec):
    title: Text
    publisher: Text | None = None
    published: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return {"title": value} if isinstance(value, str) else value  # `source: Example 2021 ESG Report`


class OverrideSpec(_Spec):
    metric: Code
    code: Code
    basis: Text


class BoundarySpec(_Spec):
    code: Code | None = None
    description: Text
    overrides: list[OverrideSpec] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return {"description": value} if isinstance(value, str) else value  # `boundary: all subsidiaries`


class LabelSpec(_Spec):
    label: Text
    metric: Code
    basis: Text
    members: dict[Code, Code] = Field(default_factory=dict)


class NumberFormatSpec(_Spec):
    decimal_separator: Literal[".", ","] | None = None  # None: the one the document shows


class UnitsSpec(_Spec):
    default: Text | None = None


class Sidecar(_Spec):
    company: Text | None = None
    company_id: Code | None = None
    document_sha256: Annotated[str, BeforeValidator(_sha256)] | None = None
    fiscal_year: Annotated[int, BeforeValidator(_year)]
    language: Annotated[str, BeforeValidator(_language)]
    source: SourceSpec
    boundary: BoundarySpec
    pages: Any = None
    number_format: NumberFormatSpec = NumberFormatSpec()
    units: UnitsSpec = UnitsSpec()
    labels: list[LabelSpec] = Field(default_factory=list)


def _extras(spec: BaseModel, where: str = "") -> dict[str, Any]:
    """The keys of a sidecar the warehouse does not read, dotted (`source.standard`), with their values."""
    found = {f"{where}{key}": value for key, value in (spec.model_extra or {}).items()}
    for name in type(spec).model_fields:
        value = getattr(spec, name)
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                found |= _extras(item, f"{where}{name}{f'[{i}]' if isinstance(value, list) else ''}.")
    return found


_MESSAGES = {
    "missing": "is missing",
    "model_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "list_type": "must be a list",
    "literal_error": "must be '.' or ','",
}


def _problem(path: str, error: ValidationError) -> MetadataError:
    first = error.errors()[0]
    where = ""
    for part in first["loc"]:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    message = _MESSAGES.get(first["type"], first["msg"])
    if first["type"] == "literal_error":
        message = f"{message}, got {first['input']!r}"
    return MetadataError(path, f"field '{where}' {message}" if where else f"the file {message}")


def parse_metadata(path: Path, text: str) -> DocumentMetadata:
    """Validate a sidecar's text; every problem is a MetadataError naming the file and field."""
    shown = str(path)
    data = _yaml(path, text)
    if not isinstance(data, dict):
        raise MetadataError(shown, "the file must be a mapping of fields")
    try:
        spec = Sidecar.model_validate(data)
    except ValidationError as error:
        raise _problem(shown, error) from None
    if spec.units.default:
        try:
            normalize_unit(spec.units.default)
        except UnitError as error:
            raise MetadataError(shown, f"field 'units.default': {error}") from None
    # A dataset whose rows name their companies (a `company` column) may leave the company out.
    company_id = spec.company_id or (spec.company and _slug(spec.company))
    boundary = spec.boundary
    return DocumentMetadata(
        company_id=company_id,
        company_name=spec.company,
        fiscal_year=spec.fiscal_year,
        language=spec.language,
        source=Source(
            title=spec.source.title,
            publisher=spec.source.publisher or spec.company or "not stated",
            published=spec.source.published or "not stated",
        ),
        # A boundary given only in words gets a code from them, so documents with the same words compare.
        boundary_code=boundary.code or _slug(boundary.description)[:48].strip("_"),
        boundary_description=boundary.description,
        boundary_overrides=tuple(BoundaryOverride(o.metric, o.code, o.basis) for o in boundary.overrides),
        label_overrides=tuple(
            LabelOverride(label.label, label.metric, label.basis, members_key(label.members) or None)
            for label in spec.labels
        ),
        decimal_separator=spec.number_format.decimal_separator,
        default_unit=spec.units.default,
        pages=_pages(shown, spec.pages),
        extra=_extras(spec),
    )


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
