"""Reading a printed label as a catalogue metric and dimension members, from vocabulary in seeds.

A label is read part by part: the parts a table groups (`Scope 3 upstream / Purchased goods and
services`), and the parts a label joins with a spaced dash or a colon (`Scope 1 – Upstream`,
`Refineries: Refinery Energy Index`). In each part the words of `seeds/label_terms.csv` are found,
longest first: metric terms (`scope 1`, `範圍一`), member terms (`market based` is scope2_method =
market_based, `ch4` gas = ch4), total terms (`total`, `合計`) and filler (`emissions`, `of`). The
metric is the one the deepest part names (a child row is more specific than its group); members
must lie on the metric's axes (`seeds/kpi_catalogue.csv`); a member and its parent member on one
axis keep the member.

A part nothing explains is a member of an open axis (business segments, countries) only where the
table heading names that axis (`GHG emissions breakdown by business`): the company names its own
members, kept with a normalised key. Anything else unexplained, a stop word beside a metric's term
(`intensity`, `target`, `excluding`), two metrics named alike or two members on one axis leaves the
label unrecognised: the proposal is kept with why, never used. Nothing is guessed.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from loaders.labels import label_key

# Separators inside one printed label: a spaced dash, a colon, a table's grouping.
_PART_SEPARATOR = re.compile(r"\s+[–—-]\s+|\s*[:：]\s+|\s+/\s+")
_PUNCTUATION = re.compile(r"[()（）\[\]【】,，;；\"“”'‘’、.]")
_SPACE = re.compile(r"\s+")
_RECOGNISED = 1.0  # every word of every part explained by the vocabulary


@dataclass(frozen=True)
class Recognition:
    metric_code: str | None  # None: not recognised (see note)
    members: tuple[tuple[str, str], ...] = ()  # (axis, member), sorted by axis
    confidence: float = 0.0
    note: str = ""  # how it was read, or why it was not
    breakdown_axes: tuple[str, ...] = ()  # open axes the table heading names: their members are the whole

    @property
    def members_key(self) -> str:
        return members_key(self.members)


def members_key(members: tuple[tuple[str, str], ...] | dict[str, str]) -> str:
    """The members as the warehouse keys them: `axis=member` pairs sorted by axis, joined with `|`."""
    pairs = sorted(members.items() if isinstance(members, dict) else members)
    return "|".join(f"{axis}={member}" for axis, member in pairs)


def _words(text: str) -> str:
    """A part's matching form: its label key, punctuation as spaces, padded for whole-word matches."""
    return " " + _SPACE.sub(" ", _PUNCTUATION.sub(" ", label_key(text))).strip() + " "


def _is_cjk(term: str) -> bool:
    return any(unicodedata.east_asian_width(char) in "WF" for char in term)


@dataclass(frozen=True)
class _Term:
    words: str  # matching form, without padding
    kind: str  # metric, member, axis, total, stop, filler
    code: str


@dataclass
class Vocabulary:
    """What seeds say about metrics, axes and members, and the words reports use for them."""

    terms: list[_Term] = field(default_factory=list)  # longest first
    metric_axes: dict[str, frozenset[str]] = field(default_factory=dict)
    open_axes: frozenset[str] = frozenset()
    parents: dict[tuple[str, str], str] = field(default_factory=dict)  # (axis, member) -> parent member
    parts_of: dict[str, frozenset[str]] = field(default_factory=dict)  # total metric -> metrics it adds up
    units: dict[str, frozenset[str]] = field(default_factory=dict)  # metric -> printed units (generic) that fit it

    @classmethod
    def from_seeds(cls, folder: Path) -> Vocabulary:
        return _vocabulary(folder.resolve())

    def _matches(self, words: str, kinds: frozenset[str]) -> list[tuple[int, int, _Term]]:
        """Non-overlapping term matches in `words` (padded), longest terms first."""
        taken: list[tuple[int, int, _Term]] = []
        for term in self.terms:
            if term.kind not in kinds:
                continue
            cjk = _is_cjk(term.words)  # CJK terms match inside words; others as whole words
            needle = term.words if cjk else f" {term.words} "
            start = words.find(needle)
            while start >= 0:
                begin, end = (start, start + len(needle)) if cjk else (start + 1, start + len(needle) - 1)
                # A term may name members of two axes ("groundwater"): both are kept, the metric chooses.
                if all(end <= b or begin >= e or (b, e, t.words) == (begin, end, term.words) for b, e, t in taken):
                    taken.append((begin, end, term))
                start = words.find(needle, start + 1)
        return sorted(taken, key=lambda match: match[0])

    def heading_axes(self, *headings: str | None) -> frozenset[str]:
        found = set()
        for heading in filter(None, headings):
            found |= {term.code for _, _, term in self._matches(_words(heading), frozenset({"axis"}))}
        return frozenset(found & self.open_axes)

    def recognise(self, label: str, *headings: str | None, unit: str | None = None) -> Recognition:
        """Read a label (its unit and markers already cut) under its table's headings; `unit` is the row's
        normalised unit (¤ for a currency), which must fit the metric read."""
        parts = [part for part in _PART_SEPARATOR.split(label) if part.strip()]
        named_axes = self.heading_axes(*headings)
        readings = []
        for part in parts:
            words = _words(part)
            matches = self._matches(words, frozenset({"metric", "member", "total", "stop", "filler"}))
            leftover = words
            for begin, end, _ in sorted(matches, key=lambda match: -match[0]):
                leftover = leftover[:begin] + " " * (end - begin) + leftover[end:]
            readings.append((part, matches, leftover.split()))
        metric = None
        for part, matches, _ in readings:
            named = {term.code for _, _, term in matches if term.kind == "metric"}
            if len(named) > 1:
                longest = max((e - b, term.code) for b, e, term in matches if term.kind == "metric")
                rivals = {term.code for b, e, term in matches if term.kind == "metric" and e - b == longest[0]}
                if len(rivals) > 1:
                    return Recognition(None, note=f"{part!r} names {' and '.join(sorted(rivals))} alike")
                named = {longest[1]}
            if not named:
                continue
            deeper = next(iter(named))
            # A deeper part names a part of its group's metric (secondary energy under energy
            # consumption); any other second metric makes the label two things at once.
            if metric is not None and deeper != metric and deeper not in self.parts_of.get(metric, ()):
                return Recognition(None, note=f"{label!r} names {metric} and {deeper}")
            metric = deeper
        if metric is None:
            return Recognition(None, note="no catalogue metric named")
        if unit is not None and unit not in self.units.get(metric, frozenset()):
            return Recognition(metric, note=f"unit {unit} does not fit {metric}")
        axes = self.metric_axes.get(metric, frozenset())
        members: dict[str, str] = {}

        def add(axis: str, member: str) -> str | None:
            """Record a member; returns why it cannot be, if it cannot."""
            current = members.get(axis)
            if current is None or current == member or self.parents.get((axis, member)) == current:
                members[axis] = member
            elif self.parents.get((axis, current)) != member:
                return f"two {axis} members: {current} and {member}"
            return None

        open_named = sorted(named_axes & axes)
        for part, matches, leftover in readings:
            kinds = {term.kind for _, _, term in matches}
            if stop := next((term for _, _, term in matches if term.kind == "stop"), None):
                return Recognition(metric, note=f"{stop.words!r} in {part!r} changes what {metric} measures")
            spans: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
            for begin, end, term in matches:
                if term.kind == "member":
                    spans.setdefault((begin, end), []).append(term.code.partition("."))
            found, foreign = [], []
            for codes in spans.values():
                own = [code for code in codes if code[0] in axes]
                found += own[:1] if len(own) == 1 else []
                foreign += [] if len(own) == 1 else [f"{axis} {member}" for axis, _, member in codes]
            if not leftover and not foreign:
                for axis, _, member in found:
                    if (why := add(axis, member)) is not None:
                        return Recognition(metric, note=why)
            elif len(open_named) == 1 and not kinds & {"metric", "total"}:
                # A member the company names itself, on the axis the heading names (`by business`).
                if (why := add(open_named[0], _member_code(part))) is not None:
                    return Recognition(metric, note=why)
            elif foreign:
                return Recognition(metric, note=f"{', '.join(foreign)} in {part!r}: not a breakdown of {metric}")
            else:
                return Recognition(metric, note=f"{' '.join(leftover)!r} in {part!r} is not in the vocabulary")
        return Recognition(
            metric,
            tuple(sorted(members.items())),
            _RECOGNISED,
            "recognised from " + " / ".join(part for part, _, _ in readings),
            tuple(open_named),
        )


def _member_code(part: str) -> str:
    """A member a company names itself, keyed: `Integrated Gas` is integrated_gas, `中國內地` 中国内地."""
    return re.sub(r"[^\w]+", "_", label_key(part)).strip("_")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _vocabulary(folder: Path) -> Vocabulary:
    terms = {
        (_words(row["term"]).strip(), row["kind"], row["code"])
        for row in _read(folder / "label_terms.csv")
        if row["term"].strip()
    }
    axes = {row["axis_code"]: row for row in _read(folder / "dimension_axes.csv")}
    catalogue = _read(folder / "kpi_catalogue.csv")
    conventions: dict[str, set[str]] = {}
    for row in _read(folder / "unit_conventions.csv"):
        conventions.setdefault(row["quantity"], set()).add(row["unit_generic"])
    parts: dict[str, set[str]] = {}
    for row in _read(folder / "metric_identities.csv"):
        if int(row["weight"]) > 0:
            parts.setdefault(row["total_metric_code"], set()).add(row["part_metric_code"])
    for total in list(parts):  # a part of a part is a part: energy_indirect under energy_total
        parts[total] |= {deeper for part in list(parts[total]) for deeper in parts.get(part, ())}
    return Vocabulary(
        terms=sorted((_Term(*term) for term in terms), key=lambda t: (-len(t.words), t.words, t.kind, t.code)),
        metric_axes={row["metric_code"]: frozenset(filter(None, row["axes"].split("|"))) for row in catalogue},
        units={
            row["metric_code"]: frozenset({row["canonical_unit"], *conventions.get(row["quantity"], ())})
            for row in catalogue
        },
        open_axes=frozenset(code for code, row in axes.items() if row["is_open"].strip().lower() == "true"),
        parts_of={total: frozenset(members) for total, members in parts.items()},
        parents={
            (row["axis_code"], row["member_code"]): row["parent_member_code"]
            for row in _read(folder / "dimension_members.csv")
            if row["parent_member_code"]
        },
    )
