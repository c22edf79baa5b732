"""`make map`: the labels of a folder of documents that nothing maps, with what the recognizer proposes.

A label is mapped by the document's own `labels:`, a curated table's metric code, an alias in
`seeds/label_aliases.csv`, or the recognizer where it explains every word (as the models decide,
`int_reported_values_mapped`). Every other label is listed once per document with its place, unit,
the recognizer's proposal (metric and members) and why it was not used. `--accept N` writes the
proposals a person chose into the document's sidecar (`labels:`, the document's own decision) or,
with `--into aliases`, into the shared aliases: wording any company might print.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from loaders.labels import label_key
from loaders.models import ParsedDocument
from loaders.recognizer import members_key

ALIASES = Path(__file__).resolve().parents[1] / "seeds" / "label_aliases.csv"


@dataclass(frozen=True)
class Unmapped:
    number: int
    document: ParsedDocument
    label: str  # the label without unit and markers, as a mapping names it
    location: str
    unit: str | None
    value_count: int
    proposed_metric: str | None
    proposed_members: str | None
    why: str


def _aliases(path: Path = ALIASES) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {label_key(row["label"]) for row in csv.DictReader(handle)}


def unmapped_labels(documents: list[ParsedDocument], aliases: Path = ALIASES) -> list[Unmapped]:
    """Labels no decision maps and the recognizer could not read with confidence, in document order."""
    known = _aliases(aliases)
    found: dict[tuple[str, str], dict] = {}
    for document in documents:
        decided = {label_key(override.label) for override in document.metadata.label_overrides}
        for value in document.extraction.values:
            if value.metric_code_given or value.label_key in known | decided or value.recognition_confidence == 1:
                continue
            key = (document.path, value.label_key)
            entry = found.setdefault(key, {"document": document, "value": value, "count": 0})
            entry["count"] += 1
    listed = []
    for number, entry in enumerate(found.values(), start=1):
        value = entry["value"]
        listed.append(
            Unmapped(
                number=number,
                document=entry["document"],
                label=value.label_as_printed if not value.unit_as_printed else _without_unit(value.label_as_printed),
                location=value.location,
                unit=value.unit_as_printed,
                value_count=entry["count"],
                proposed_metric=value.recognized_metric_code,
                proposed_members=value.recognized_members,
                why=value.recognition_note or "no reading",
            )
        )
    return listed


def _without_unit(label: str) -> str:
    from loaders.labels import cut_markers, split_unit

    text, _ = cut_markers(label)
    return split_unit(text).text


def describe(entry: Unmapped) -> str:
    proposal = entry.proposed_metric or "nothing"
    if entry.proposed_members:
        proposal += "{" + entry.proposed_members + "}"
    unit = f" [{entry.unit}]" if entry.unit else ""
    return (
        f"{entry.number:4}  {entry.document.path} {entry.location}: {entry.label!r}{unit}, {entry.value_count} values"
        f"\n      proposes {proposal}: {entry.why}"
    )


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def accept_into_sidecar(entry: Unmapped) -> Path:
    """Append the proposal to the document's sidecar `labels:` (its own decision, with the reason)."""
    sidecar = Path(entry.document.metadata_path)
    text = sidecar.read_text(encoding="utf-8")
    members = entry.proposed_members or ""
    pairs = ", ".join(f"{axis}: {member}" for axis, _, member in (p.partition("=") for p in members.split("|") if p))
    item = (
        f"  - {{label: {_yaml_text(entry.label)}, metric: {entry.proposed_metric}"
        + (f", members: {{{pairs}}}" if pairs else "")
        + f", basis: {_yaml_text('accepted with make map: ' + entry.why)}}}\n"
    )
    lines = text.rstrip("\n").split("\n")
    has_labels = any(line.startswith("labels:") for line in lines)
    if has_labels and not any(line.startswith("labels:") for line in lines[-_tail_length(lines) :]):
        raise ValueError(f"{sidecar}: `labels:` is not the last field; add the mapping by hand")
    sidecar.write_text(text.rstrip("\n") + "\n" + ("" if has_labels else "labels:\n") + item, encoding="utf-8")
    return sidecar


def _tail_length(lines: list[str]) -> int:
    """How many lines the last top-level field of a YAML file spans."""
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] and not lines[i][0].isspace() and not lines[i].startswith(("#", "-")):
            return len(lines) - i
    return len(lines)


def accept_into_aliases(entry: Unmapped, aliases: Path = ALIASES) -> Path:
    """Append the proposal to the shared aliases, key derived, language from the document."""
    with aliases.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                entry.label,
                label_key(entry.label),
                entry.proposed_metric,
                members_key(dict(p.partition("=")[::2] for p in (entry.proposed_members or "").split("|") if p)),
                entry.document.metadata.language,
            ]
        )
    return aliases
