"""`make map`: the labels of a folder of documents that nothing maps, with what the recognizer proposes.

A label is mapped by the document's own `labels:`, a curated table's metric code, an alias in
`seeds/label_aliases.csv`, or the recognizer where it explains every word (as the models decide,
`int_reported_values_mapped`). Every other label is listed once per document with its place, unit,
the recognizer's proposal (metric and members) and why it was not used. `--accept N` writes the
proposals a person chose into the document's sidecar (`labels:`, the document's own decision) or,
with `--into aliases`, into the shared aliases: wording any company might print. A proposal that
would make one of `seeds/metric_identities.csv` fail with the document's other figures of that year
(its scope 1 + 2 total is not its scope 1 plus its scope 2, at the precision printed) is marked.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from loaders.labels import label_key
from loaders.models import ParsedDocument, ReportedValue
from loaders.recognizer import Vocabulary, members_key

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ALIASES = SEEDS / "label_aliases.csv"


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
    conflict: str | None = None  # the identity the proposal would make fail, and how


def _aliases(path: Path = ALIASES) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {label_key(row["label"]) for row in csv.DictReader(handle)}


def unmapped_labels(documents: list[ParsedDocument], aliases: Path = ALIASES) -> list[Unmapped]:
    """Labels no decision maps and the recognizer could not read with confidence, in document order."""
    known = _aliases(aliases)
    found: dict[tuple[str, str], dict] = {}
    for document in documents:
        decided = {label_key(override.label) for override in document.metadata.label_overrides}
        for value in document.extraction.all_values():
            if value.metric_code_given or value.label_key in known | decided or value.recognition_confidence == 1:
                continue
            key = (document.path, value.label_key)
            entry = found.setdefault(key, {"document": document, "value": value, "count": 0, "values": []})
            entry["count"] += 1
            entry["values"].append(value)
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
                conflict=_conflict(entry["values"], entry["document"]) if value.recognized_metric_code else None,
            )
        )
    return listed


Figure = tuple[Decimal, Decimal, str]  # value and half a unit of its last printed digit, in its normal unit


def _figure(value: ReportedValue) -> Figure | None:
    if value.value_number is None or value.unit_multiplier is None or value.unit_normalized is None:
        return None
    half = Decimal(5) * Decimal(10) ** -((value.decimals_printed or 0) + 1)
    factor = value.unit_multiplier / value.unit_divisor
    return value.value_number * factor, half * factor, value.unit_normalized


@cache
def _identities() -> dict[str, list[dict[str, str]]]:
    """The identities between whole metrics (no members of their own), each with its parts: read once."""
    with (SEEDS / "metric_identities.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["total_members"] and not row["part_members"]]
    identities: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        identities.setdefault(row["identity_code"], []).append(row)
    return identities


def _conflict(proposed: list[ReportedValue], document: ParsedDocument) -> str | None:
    """The first identity that the proposal, with the figures the recognizer read for that document and
    year, would make fail: the total lies outside the parts' sum by more than their printed precision."""
    vocabulary = Vocabulary.from_seeds(SEEDS)
    metric = proposed[0].recognized_metric_code
    members = proposed[0].recognized_members or ""
    read: dict[tuple[int | None, str, str], Figure] = {}
    for value in document.extraction.all_values():
        if value.recognition_confidence == 1 and (figure := _figure(value)) is not None:
            read.setdefault((value.fiscal_year, value.recognized_metric_code, value.recognized_members or ""), figure)
    for value in proposed:
        if (figure := _figure(value)) is not None:
            read[(value.fiscal_year, metric, members)] = figure
    identities = _identities()

    def on_axes(code: str) -> str:  # the members a metric can carry: scope 1 has no scope 2 method
        axes = vocabulary.metric_axes.get(code, frozenset())
        return "|".join(pair for pair in members.split("|") if pair and pair.partition("=")[0] in axes)

    years = sorted({value.fiscal_year for value in proposed if value.fiscal_year is not None})
    for code, parts in identities.items():
        total = parts[0]["total_metric_code"]
        if metric != total and metric not in {part["part_metric_code"] for part in parts}:
            continue
        for year in years:
            whole = read.get((year, total, on_axes(total)))
            pieces = [
                (read.get((year, part["part_metric_code"], on_axes(part["part_metric_code"]))), part) for part in parts
            ]
            if whole is None or any(figure is None for figure, _ in pieces) or {f[2] for f, _ in pieces} != {whole[2]}:
                continue
            low = sum(int(p["weight"]) * f[0] - f[1] for f, p in pieces)
            high = sum(int(p["weight"]) * f[0] + f[1] for f, p in pieces)
            if whole[0] + whole[1] < low or whole[0] - whole[1] > high:
                shown = " + ".join(f"{p['part_metric_code']} {f[0].normalize():f}" for f, p in pieces)
                return f"{code} fails for {year}: {total} {whole[0].normalize():f} {whole[2]}, {shown}"
    return None


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
        + (f"\n      ! accepting it would fail identity {entry.conflict}" if entry.conflict else "")
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
