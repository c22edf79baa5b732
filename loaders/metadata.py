"""The sidecar `<document file name>.yml` that says whose report a document is, and for what."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from loaders.errors import MetadataError
from loaders.models import BoundaryOverride, DocumentMetadata, LabelOverride, Source
from loaders.units import UnitError, normalize_unit

_CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


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


def parse_metadata(path: Path, text: str) -> DocumentMetadata:
    """Validate a sidecar's text; every problem is a MetadataError naming the file and field."""
    shown = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise MetadataError(shown, f"not valid YAML: {error.problem}", line=line) from None
    except yaml.YAMLError as error:
        raise MetadataError(shown, f"not valid YAML: {error}") from None
    fields = _Fields(shown, data)
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
        LabelOverride(label=item.text("label"), metric_code=item.code("metric"), basis=item.text("basis"))
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


def read_metadata(document: Path) -> tuple[DocumentMetadata, bytes]:
    """Read and validate a document's sidecar; returns the metadata and the sidecar's bytes (for hashing)."""
    path = sidecar_path(document)
    if not path.is_file():
        raise MetadataError(str(document), f"no metadata file: expected {path.name} beside it")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MetadataError(str(path), f"not UTF-8 text (byte {error.start})") from None
    return parse_metadata(path, text), raw
