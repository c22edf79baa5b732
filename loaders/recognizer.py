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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from loaders.labels import label_key

# Separators inside one printed label: a spaced dash, a colon, a table's grouping.
_PART_SEPARATOR = re.compile(r"\s+[–—-]\s+|\s*[:：]\s+|\s+/\s+")
_PUNCTUATION = re.compile(r"[()（）\[\]【】,，;；\"“”'‘’、.]")
_SPACE = re.compile(r"\s+")
_READ_KINDS = frozenset({"metric", "member", "total", "stop", "filler"})
_RECOGNISED = 1.0  # every word of every part explained by the vocabulary
_PER_WORD = re.compile(r"(?<!\w)per\s+|每|人均", re.IGNORECASE)
_INTENSITY_WORD = re.compile(r"\b(?:intensity|intensities)\b|強度|密度", re.IGNORECASE)


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

    @cached_property
    def is_cjk(self) -> bool:
        return _is_cjk(self.words)

    @cached_property
    def needle(self) -> str:
        """What is searched for: CJK terms match inside words, others as whole words."""
        return self.words if self.is_cjk else f" {self.words} "


@dataclass(frozen=True)
class _Headings:
    """What a table's headings tell the labels under them: the open axes (`by business`) and metrics they name."""

    axes: frozenset[str]
    metrics: frozenset[str]


_CACHED_READINGS = 1 << 16  # distinct readings kept (labels under headings, headings); a report repeats them


@dataclass
class Vocabulary:
    """What seeds say about metrics, axes and members, and the words reports use for them."""

    terms: list[_Term] = field(default_factory=list)  # longest first
    metric_axes: dict[str, frozenset[str]] = field(default_factory=dict)
    open_axes: frozenset[str] = frozenset()
    parents: dict[tuple[str, str], str] = field(default_factory=dict)  # (axis, member) -> parent member
    parts_of: dict[str, frozenset[str]] = field(default_factory=dict)  # total metric -> metrics it adds up
    units: dict[str, frozenset[str]] = field(default_factory=dict)  # metric -> printed units (generic) that fit it
    intensities: dict[str, tuple[str, str]] = field(default_factory=dict)  # intensity -> (numerator, denominator)
    denominator_units: dict[str, str] = field(default_factory=dict)  # a metric intensities divide by -> its unit
    segments: dict[str, str] = field(default_factory=dict)  # metric -> the part of the boundary it covers
    quantities: dict[str, str] = field(default_factory=dict)  # metric -> its quantity (ghg_emissions, ...)
    kinds: dict[str, str] = field(default_factory=dict)  # metric -> absolute, count, intensity, share, ...
    gas_masses: dict[str, str] = field(default_factory=dict)  # emissions metric -> the mass of its gases
    _readings: dict[tuple, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_seeds(cls, folder: Path) -> Vocabulary:
        return _vocabulary(folder.resolve())

    @cached_property
    def _index(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """Terms by their first word (whole-word terms) and by their first character (CJK terms), as
        positions in `terms`: a label is searched for the few terms that can occur in it, not all."""
        by_word: dict[str, list[int]] = {}
        by_char: dict[str, list[int]] = {}
        for position, term in enumerate(self.terms):
            if term.is_cjk:
                by_char.setdefault(term.words[0], []).append(position)
            else:
                by_word.setdefault(term.words.split(" ", 1)[0], []).append(position)
        return by_word, by_char

    def _candidates(self, words: str) -> list[_Term]:
        """The terms that may occur in `words`, in the order of `terms` (longest first)."""
        by_word, by_char = self._index
        positions = {p for word in set(words.split()) for p in by_word.get(word, ())}
        if not words.isascii():  # CJK terms begin with a CJK character
            positions.update(p for char in set(words) for p in by_char.get(char, ()))
        return [self.terms[p] for p in sorted(positions)]

    def _matches(
        self, words: str, kinds: frozenset[str], candidates: list[_Term] | None = None
    ) -> list[tuple[int, int, _Term]]:
        """Non-overlapping term matches in `words` (padded), longest terms first, among the `candidates` found
        in it (when a caller matches one text for several kinds)."""
        taken: list[tuple[int, int, _Term]] = []
        for term in self._candidates(words) if candidates is None else candidates:
            if term.kind not in kinds:
                continue
            needle, cjk = term.needle, term.is_cjk
            start = words.find(needle)
            while start >= 0:
                begin, end = (start, start + len(needle)) if cjk else (start + 1, start + len(needle) - 1)
                # A term may name members of two axes ("groundwater"): both are kept, the metric chooses.
                if all(end <= b or begin >= e or (b, e, t.words) == (begin, end, term.words) for b, e, t in taken):
                    taken.append((begin, end, term))
                start = words.find(needle, start + 1)
        return sorted(taken, key=lambda match: match[0])

    def explains(self, text: str) -> bool:
        """Whether every word of `text` is a term of the vocabulary (a member, a metric, filler...)."""
        words = _words(text)
        return not _unexplained(words, self._matches(words, _READ_KINDS))

    def _headings(self, headings: tuple[str | None, ...]) -> _Headings:
        named = [
            self._cached(("heading", heading), lambda h=heading: self._named(h)) for heading in filter(None, headings)
        ]
        return _Headings(
            frozenset().union(*(axes for axes, _ in named)) & self.open_axes,
            frozenset().union(*(metrics for _, metrics in named)),
        )

    def _named(self, heading: str) -> tuple[frozenset[str], frozenset[str]]:
        """The axes and the metrics one heading names: a section heading heads many tables."""
        words = _words(heading)
        candidates = self._candidates(words)
        return tuple(  # type: ignore[return-value]
            frozenset(term.code for _, _, term in self._matches(words, frozenset({kind}), candidates))
            for kind in ("axis", "metric")
        )

    def _cached(self, key: tuple, compute: Callable[[], object]) -> object:
        if (found := self._readings.get(key)) is None:
            if len(self._readings) >= _CACHED_READINGS:
                self._readings.clear()
            found = self._readings[key] = compute()
        return found

    def recognise(
        self, label: str, *headings: str | None, unit: str | None = None, company: str | None = None
    ) -> Recognition:
        """Read a label (its unit and markers already cut) under its table's headings; `unit` is the row's
        normalised unit (¤ for a currency), which must fit the metric read. The company's own name in a
        label (`Siemens fleet`) says whose figure it is, not what it measures."""
        # Tables are headed in many ways and labels repeat under them: a reading depends only on what the
        # headings name, so it is computed once per label, unit and that.
        context = self._cached(("headings", headings), lambda: self._headings(headings))
        return self._cached(
            ("label", label, context, unit, company), lambda: self._recognised(label, context, unit, company)
        )

    def _recognised(self, label: str, context: _Headings, unit: str | None, company: str | None) -> Recognition:
        names = _names(company)
        read = self._read(label, context, unit=unit, names=names)
        if read.confidence < 1 and (composed := self._intensity(label, context, unit=unit, names=names)) is not None:
            return composed
        return read

    def _intensity(
        self, label: str, context: _Headings, unit: str | None, names: frozenset[str] = frozenset()
    ) -> Recognition | None:
        """`<metric> per <denominator>`, `人均<metric>` or `<metric> intensity` in a unit per something:
        the catalogue intensity of that numerator over that denominator, where exactly one fits. The
        row's unit tells a total from its per-employee intensity when the words do not."""
        match = _PER_WORD.search(label)
        numerator_text = (
            label[: match.start()] + " " + label[match.end() :]
            if match and "人均" in match.group()
            else (label[: match.start()] if match else label)
        )
        denominator_text = "" if not match or "人均" in match.group() else label[match.end() :]
        denominators = frozenset({"headcount"}) if match and "人均" in match.group() else None
        numerator_text = _INTENSITY_WORD.sub(" ", numerator_text)
        if numerator_text == label and (unit is None or "/" not in unit):
            return None  # no "per", no "intensity", no unit per something: not an intensity
        numerator = self._read(numerator_text, context, names=names)
        if numerator.confidence < 1:
            return None
        denominators = denominators or self._denominators(denominator_text, unit)
        # "per employee (offices)": the segment a word names may be the intensity's own.
        segments = {self.segments[code] for code in denominators if code in self.segments}
        bases = (
            denominators | {code for code in self.denominator_units if not self.segments.get(code)}
            if segments
            else denominators
        )
        candidates = sorted(
            metric
            for metric, (over, under) in self.intensities.items()
            if over == numerator.metric_code
            and under in bases
            and (not segments or self.segments.get(metric) in segments or self.segments.get(under) in segments)
            and (under in denominators or self.segments.get(metric) in segments)
        )
        if len(candidates) != 1:
            return None
        metric = candidates[0]
        if unit is not None and unit not in self.units.get(metric, frozenset()):
            return Recognition(metric, note=f"unit {unit} does not fit {metric}")
        axes = self.metric_axes.get(metric, frozenset())
        members = tuple((axis, member) for axis, member in numerator.members if axis in axes)
        if len(members) < len(numerator.members):
            return None
        per = " or ".join(sorted(denominators))
        return Recognition(metric, members, _RECOGNISED, f"recognised as {numerator.metric_code} per {per}")

    def _related(self, metric: str, other: str) -> bool:
        """Whether `other`, named in one part beside `metric`, is `metric` itself, a part of it, the whole
        it is part of, or what the intensity `metric` divides or is divided by."""
        return (
            other == metric
            or other in self.parts_of.get(metric, ())
            or metric in self.parts_of.get(other, ())
            or other in self.intensities.get(metric, ())
        )

    def _denominators(self, text: str, unit: str | None) -> frozenset[str]:
        """The denominator metrics the words after "per" name (the most specific of them), else those whose
        unit is the row unit's denominator."""
        if text.strip():
            matches = self._matches(_words(text), frozenset({"metric"}))
            named = {term.code for _, _, term in matches} & set(self.denominator_units)
            specific = {code for code in named if self.segments.get(code)}
            if named:
                return frozenset(specific if len(specific) == 1 else named)
        if unit is None or "/" not in unit:
            return frozenset()
        under = unit.split("/", 1)[1]
        return frozenset(code for code, canonical in self.denominator_units.items() if canonical == under)

    def _read(
        self, label: str, context: _Headings, unit: str | None = None, names: frozenset[str] = frozenset()
    ) -> Recognition:
        parts = [part for part in _PART_SEPARATOR.split(label) if part.strip()]
        named_axes = context.axes
        readings = []
        for part in parts:
            words = _words(part)
            matches = self._matches(words, _READ_KINDS)
            readings.append((part, matches, _unnamed(_unexplained(words, matches), names)))
        metric = None
        for part, matches, _ in readings:
            named = {term.code for _, _, term in matches if term.kind == "metric"}
            if len(named) > 1:
                longest = max((e - b, term.code) for b, e, term in matches if term.kind == "metric")
                rivals = {term.code for b, e, term in matches if term.kind == "metric" and e - b == longest[0]}
                if len(rivals) > 1:
                    return Recognition(None, note=f"{part!r} names {' and '.join(sorted(rivals))} alike")
                # Another metric beside the one named most fully must be part of it, or what it divides.
                if unrelated := sorted(code for code in named if not self._related(longest[1], code)):
                    return Recognition(None, note=f"{part!r} names {longest[1]} and {', '.join(unrelated)}")
                named = {longest[1]}
            if not named:
                continue
            deeper = next(iter(named))
            # A deeper part names a part of its group's metric (secondary energy under energy
            # consumption) or the whole the group is part of (`Scope 1 and 2 total` closing a scope 2
            # section); any other second metric makes the label two things at once.
            if (
                metric is not None
                and deeper != metric
                and deeper not in self.parts_of.get(metric, ())
                and metric not in self.parts_of.get(deeper, ())
            ):
                return Recognition(None, note=f"{label!r} names {metric} and {deeper}")
            metric = deeper
        how = "recognised from"
        if metric is None:
            metric = self._deduced(readings, context.metrics, unit)
            if metric is None:
                return Recognition(None, note="no catalogue metric named")
            how = f"{metric} deduced from its members and unit {unit}, read from"
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
            found, foreign = [], []
            for codes in _member_spans(matches):
                own = [code for code in codes if code[0] in axes]
                if len(own) > 1:  # "upstream" under scope 3 is its category, not a business the company names
                    own = [code for code in own if code[0] not in self.open_axes] or own
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
        gas = members.get("gas")
        if gas not in (None, "co2") and unit == "t" and self.quantities.get(metric) == "ghg_emissions":
            # 91 thousand tonnes of methane are not 91 thousand tonnes of CO2 equivalent: they are a mass of gas.
            mass = self.gas_masses.get(metric)
            if mass is None or not set(members) <= self.metric_axes.get(mass, frozenset()):
                return Recognition(metric, note=f"a mass of {gas} in t is not its CO2 equivalent (tCO2e)")
            metric, how = mass, f"{mass} (a mass of {gas} in t, not its CO2 equivalent) read from"
        return Recognition(
            metric,
            tuple(sorted(members.items())),
            _RECOGNISED,
            f"{how} " + " / ".join(part for part, _, _ in readings),
            tuple(open_named),
        )

    def _deduced(self, readings: list, named: frozenset[str], unit: str | None) -> str | None:
        """The one metric a label naming only members can be: `Flaring (million tonnes CO2e)` is scope 1,
        the only metric in tCO2e broken down by emission source. Every word must be a member, the members'
        axes must all be the metric's, its unit the row's, and no heading may name another metric."""
        if unit is None:
            return None
        spans: list[set[str]] = []
        for _, matches, leftover in readings:
            if leftover or any(term.kind in {"metric", "stop"} for _, _, term in matches):
                return None
            spans += [{axis for axis, _, _ in codes} for codes in _member_spans(matches)]
        if not spans:
            return None
        candidates = [
            metric
            for metric, axes in self.metric_axes.items()
            if self.kinds.get(metric) in {"absolute", "count"}
            and unit in self.units.get(metric, frozenset())
            and all(len(span & axes) == 1 for span in spans)
            and (not named or metric in named)
        ]
        return candidates[0] if len(candidates) == 1 else None


_LEGAL_FORM = re.compile(
    r"\b(?:ag|se|sa|plc|inc|ltd|limited|corp|corporation|company|co|group|holdings?|ab|asa|oyj|nv|bv|gmbh|spa)\b"
    r"|(?:股份)?有限公司|集团|控股",
)


def _unexplained(words: str, matches: list[tuple[int, int, _Term]]) -> list[str]:
    """The words of `words` (padded) no match covers."""
    for begin, end, _ in matches:
        words = words[:begin] + " " * (end - begin) + words[end:]
    return words.split()


def _member_spans(matches: list[tuple[int, int, _Term]]) -> list[list[tuple[str, str, str]]]:
    """The member readings of each matched span, as (axis, ".", member): a span may name two axes' members."""
    spans: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for begin, end, term in matches:
        if term.kind == "member":
            spans.setdefault((begin, end), []).append(term.code.partition("."))
    return list(spans.values())


@cache
def _names(company: str | None) -> frozenset[str]:
    """The words of a company's name a label may carry (`siemens` of `Siemens AG`, `小米集团` and `小米`)."""
    if not company:
        return frozenset()
    key = label_key(company)
    words = {word for word in _words(key).split() if len(word) > 2 or _is_cjk(word)}
    return frozenset(words | {word for word in _words(_LEGAL_FORM.sub(" ", key)).split() if len(word) > 1})


def _unnamed(leftover: list[str], names: frozenset[str]) -> list[str]:
    """Leftover words without the company's name: it says whose figure it is, not what it measures."""
    kept: list[str] = []
    after_name = False
    for word in leftover:
        for name in sorted((n for n in names if _is_cjk(n)), key=len, reverse=True):
            word = word.replace(name, "")
        if word and word not in names and not (after_name and word == "s"):  # `Shell's`: the possessive goes too
            kept.append(word)
        after_name = word in names
    return kept


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
        if _words(row["term"]).strip()
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
        intensities={
            row["metric_code"]: (row["numerator_metric_code"], row["denominator_metric_code"])
            for row in catalogue
            if row["kind"] == "intensity"
        },
        denominator_units={
            row["metric_code"]: row["canonical_unit"]
            for row in catalogue
            if row["metric_code"] in {r["denominator_metric_code"] for r in catalogue}
        },
        segments={row["metric_code"]: row["scope_segment"] for row in catalogue if row["scope_segment"]},
        quantities={row["metric_code"]: row["quantity"] for row in catalogue},
        kinds={row["metric_code"]: row["kind"] for row in catalogue},
        gas_masses={
            row["numerator_metric_code"]: row["metric_code"] for row in catalogue if row["quantity"] == "gas_mass"
        },
        open_axes=frozenset(code for code, row in axes.items() if row["is_open"].strip().lower() == "true"),
        parts_of={total: frozenset(members) for total, members in parts.items()},
        parents={
            (row["axis_code"], row["member_code"]): row["parent_member_code"]
            for row in _read(folder / "dimension_members.csv")
            if row["parent_member_code"]
        },
    )
