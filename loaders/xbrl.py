"""Digital reporting: the catalogue as an XBRL taxonomy, and each document's facts as an xBRL-JSON report.

`python -m loaders xbrl --warehouse W` (make xbrl) writes `<W's name>_xbrl/` beside the warehouse:

- `taxonomy/esg-kpi.xsd` and its linkbases, generated from the seeds and the open axes' members the
  warehouse holds: a numeric concept per metric (decimalItemType, no balance), labels in English and
  Chinese, the ESRS datapoint and, where seeds/esrs_elements.csv names it, the ESRS element beside
  ours (label roles of their own), each breakdown axis an explicit dimension with its members (the
  total is the domain, its default), a hypercube per metric with its axes, and every identity of
  seeds/metric_identities.csv as a calculation network of its own (weights included).
- `reports/<document>.json`: the document's printed KPI facts (marts.fct_kpi_reported_values) in
  xBRL-JSON (OIM): entity, fiscal period, unit, decimals as printed, dimensions, and the place and line
  as printed as a footnote. Nothing is guessed: a figure printed as a bound ("< 0.1") has no XBRL
  value and is listed in `not-exported.csv` with its reason.

XBRL calculations sum facts of one context, so two things the warehouse's identities do are modelled
as XBRL does: an axis whose members are never summed (scope 2 method) makes concepts of its own
(`ghg_scope_2__market_based`, as ESRS has a concept for each method), and an identity whose part is
one member of a breakdown (cradle to gate: scope 3 upstream) is no calculation (listed in the
taxonomy's README and by the check). A figure converted by a factor that is no power of ten (GJ to MWh)
keeps its printed unit and decimals: XBRL decimals cannot state its precision in MWh.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb

from loaders.errors import LoaderError
from loaders.warehouse import connect

NAMESPACE = "urn:esg-kpi-warehouse:taxonomy:2026"
PREFIX = "esg"
ENTITY_SCHEME = "urn:esg-kpi-warehouse:company"
SCHEMA = "esg-kpi.xsd"
LINKBASES = {
    "label": "esg-kpi-lab.xml",
    "calculation": "esg-kpi-cal.xml",
    "definition": "esg-kpi-def.xml",
}
DECIMAL_TYPE = "xbrli:decimalItemType"  # a unit the registries have no type for (person, count, hours)
ROLE_ESRS_ELEMENT = f"{NAMESPACE}/role/esrsElement"
ROLE_ESRS_DATAPOINT = f"{NAMESPACE}/role/esrsDatapoint"

XS = "http://www.w3.org/2001/XMLSchema"
XBRLI = "http://www.xbrl.org/2003/instance"
LINK = "http://www.xbrl.org/2003/linkbase"
XLINK = "http://www.w3.org/1999/xlink"
XBRLDT = "http://xbrl.org/2005/xbrldt"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INSTANCE_XSD = "http://www.xbrl.org/2003/xbrl-instance-2003-12-31.xsd"
XBRLDT_XSD = "http://www.xbrl.org/2005/xbrldt-2005.xsd"
DTR_TYPES = "http://www.xbrl.org/dtr/type/2024-01-31"
DTR_TYPES_XSD = "https://www.xbrl.org/dtr/type/2024-01-31/types.xsd"
UTR = "http://www.xbrl.org/2009/utr"
ISO4217 = "http://www.xbrl.org/2003/iso4217"
ARCROLE_DIMENSIONS = "http://xbrl.org/int/dim/arcrole"
ARCROLE_SUMMATION = "http://www.xbrl.org/2003/arcrole/summation-item"
ROLE_LINK = "http://www.xbrl.org/2003/role/link"
ROLE_LABEL = "http://www.xbrl.org/2003/role/label"

for _prefix, _uri in (("xs", XS), ("xbrli", XBRLI), ("link", LINK), ("xlink", XLINK), ("xbrldt", XBRLDT)):
    ET.register_namespace(_prefix, _uri)
ET.register_namespace(PREFIX, NAMESPACE)


class XbrlError(LoaderError):
    """What the XBRL export cannot do, in one line."""


def ncname(text: str) -> str:
    """A name XML accepts (letters of any script, digits, _ . -), from a code or a member's own name."""
    name = re.sub(r"[^\w.-]", "_", text.strip())
    return name if re.match(r"[^\W\d]", name) else f"_{name}"


def _read(seeds: Path, name: str) -> list[dict[str, str]]:
    with (seeds / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Axis:
    code: str
    name_en: str
    name_zh: str
    is_additive: bool
    members: tuple[tuple[str, str, str], ...]  # (member code, English name, Chinese name)

    @property
    def dimension(self) -> str:
        return f"{self.code}_axis"

    @property
    def domain(self) -> str:
        return f"{self.code}_domain"

    def member(self, code: str) -> str:
        return f"{self.code}__{ncname(code)}"


@dataclass(frozen=True)
class XbrlUnit:
    """How facts of a canonical unit are stated in XBRL (seeds/xbrl_units.csv)."""

    item_type: str
    oim_unit: str  # ¤ stands for the fact's currency
    factor: Fraction  # XBRL value = canonical value x factor x 10^scale_power
    scale_power: int


@dataclass(frozen=True)
class Concept:
    name: str
    metric_code: str
    item_type: str
    fixed: tuple[tuple[str, str], ...]  # the members of unsummed axes the concept stands for
    label_en: str
    label_zh: str
    axes: tuple[str, ...]  # additive axes: the concept's dimensions
    esrs_datapoint: str
    esrs_element: str


@dataclass(frozen=True)
class Calculation:
    identity_code: str
    fixed: tuple[tuple[str, str], ...]
    total: str
    parts: tuple[tuple[str, Decimal], ...]
    description: str

    @property
    def role(self) -> str:
        suffix = "".join(f"__{member}" for _, member in self.fixed)
        return f"{NAMESPACE}/role/identity/{self.identity_code}{suffix}"

    @property
    def role_id(self) -> str:
        return ncname("identity_" + self.role.rsplit("/", 1)[1])


@dataclass(frozen=True)
class Taxonomy:
    axes: dict[str, Axis]
    units: dict[str, list[XbrlUnit]]  # by the catalogue's canonical unit (¤ for any currency), its own first
    concepts: dict[str, Concept]  # by name
    calculations: tuple[Calculation, ...]
    not_calculations: tuple[tuple[str, str], ...]  # (identity_code, why it is no XBRL calculation)

    @property
    def breakdowns(self) -> dict[tuple[str, ...], list[Concept]]:
        """The concepts by the axes they break down by: a hypercube, and a role of its own, each (XBRL
        allows no undirected cycle between hypercubes and dimensions in one role)."""
        groups: dict[tuple[str, ...], list[Concept]] = defaultdict(list)
        for concept in self.concepts.values():
            if concept.axes:
                groups[concept.axes].append(concept)
        return dict(groups)

    def concept_for(self, metric_code: str, members: dict[str, str]) -> tuple[str, dict[str, str]]:
        """The concept and the dimensions (axis -> member element) of a metric's fact with these members."""
        fixed = tuple(sorted((axis, m) for axis, m in members.items() if not self.axes[axis].is_additive))
        name = metric_code + "".join(f"__{ncname(m)}" for _, m in fixed)
        dimensions = {
            self.axes[axis].dimension: self.axes[axis].member(m)
            for axis, m in sorted(members.items())
            if self.axes[axis].is_additive
        }
        return name, dimensions


def parse_members(members: str | None) -> dict[str, str]:
    """`scope2_method=market_based|gas=co2` as {axis: member}."""
    return dict(pair.split("=", 1) for pair in (members or "").split("|") if pair)


def build_taxonomy(seeds: Path, open_members: dict[str, set[str]] | None = None) -> Taxonomy:
    """The taxonomy the seeds define; the members of open axes (business segments, countries) are each
    company's own names, so they come from the facts to be reported (`open_members`)."""
    members_by_axis: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in _read(seeds, "dimension_members.csv"):
        members_by_axis[row["axis_code"]].append((row["member_code"], row["name_en"], row["name_zh"]))
    for axis, codes in (open_members or {}).items():
        known = {code for code, _, _ in members_by_axis[axis]}
        members_by_axis[axis] += [(code, code, code) for code in sorted(codes - known)]
    axes = {
        row["axis_code"]: Axis(
            row["axis_code"],
            row["name_en"],
            row["name_zh"],
            row["is_additive"] == "true",
            tuple(members_by_axis[row["axis_code"]]),
        )
        for row in _read(seeds, "dimension_axes.csv")
    }
    esrs = {(row["metric_code"], row["members"]): row["esrs_element"] for row in _read(seeds, "esrs_elements.csv")}
    units: dict[str, list[XbrlUnit]] = defaultdict(list)
    for row in _read(seeds, "xbrl_units.csv"):
        units[row["unit_generic"]].append(
            XbrlUnit(row["item_type"], row["oim_unit"], Fraction(row["factor"]), int(row["scale_power"]))
        )
    concepts: dict[str, Concept] = {}
    for row in _read(seeds, "kpi_catalogue.csv"):
        metric_axes = [axis for axis in row["axes"].split("|") if axis]
        unsummed = [axes[axis] for axis in metric_axes if not axes[axis].is_additive]
        additive = tuple(axis for axis in metric_axes if axes[axis].is_additive)
        variants: list[tuple[tuple[str, str, str, str], ...]] = [()]
        for axis in unsummed:
            variants += [(*variant, (axis.code, code, en, zh)) for variant in variants for code, en, zh in axis.members]
        for variant in variants:
            fixed = tuple((axis, code) for axis, code, _, _ in variant)
            name = row["metric_code"] + "".join(f"__{ncname(code)}" for _, code in fixed)
            members_key = "|".join(f"{axis}={code}" for axis, code in fixed)
            concepts[name] = Concept(
                name=name,
                metric_code=row["metric_code"],
                item_type=units[row["canonical_unit"]][0].item_type if row["canonical_unit"] in units else DECIMAL_TYPE,
                fixed=fixed,
                label_en=row["name_en"] + "".join(f", {en}" for _, _, en, _ in variant),
                label_zh=row["name_zh"] + "".join(f"（{zh}）" for _, _, _, zh in variant),
                axes=additive,
                esrs_datapoint=row["esrs_datapoint"] if not fixed else "",
                esrs_element=esrs.get((row["metric_code"], members_key), ""),
            )
    calculations, not_calculations = _calculations(seeds, axes, concepts)
    return Taxonomy(axes, dict(units), concepts, calculations, not_calculations)


def _calculations(
    seeds: Path, axes: dict[str, Axis], concepts: dict[str, Concept]
) -> tuple[tuple[Calculation, ...], tuple[tuple[str, str], ...]]:
    """Each identity as calculation networks: one for the plain totals and one for each member of an axis
    never summed (scope 2 method) that its total has, with each part the concept of that member where
    the part has the axis too (scope 1 has no scope 2 method: it is the same fact under both)."""
    by_identity: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read(seeds, "metric_identities.csv"):
        by_identity[row["identity_code"]].append(row)
    metric_concepts = {c.metric_code: c for c in concepts.values() if not c.fixed}
    metric_axes = {
        row["metric_code"]: [axis for axis in row["axes"].split("|") if axis]
        for row in _read(seeds, "kpi_catalogue.csv")
    }
    calculations, refused = [], []
    for identity, rows in by_identity.items():
        if any(row["total_members"] or row["part_members"] for row in rows):
            refused.append(
                (identity, "a total or part is one member of a breakdown: XBRL sums only facts of one context")
            )
            continue
        total = metric_concepts[rows[0]["total_metric_code"]]
        unsummed = [axis for axis in metric_axes[total.metric_code] if not axes[axis].is_additive]
        variants: list[tuple[tuple[str, str], ...]] = [()]
        for axis in unsummed:
            variants += [(*variant, (axis, code)) for variant in variants for code, _, _ in axes[axis].members]
        for fixed in variants:
            total_name = total.name + "".join(f"__{ncname(code)}" for _, code in fixed)
            parts = []
            for row in rows:
                part_axes = metric_axes[row["part_metric_code"]]
                part_fixed = [(axis, code) for axis, code in fixed if axis in part_axes]
                parts.append(
                    (
                        row["part_metric_code"] + "".join(f"__{ncname(code)}" for _, code in part_fixed),
                        Decimal(row["weight"]),
                    )
                )
            calculations.append(Calculation(identity, fixed, total_name, tuple(parts), rows[0]["description"]))
    return tuple(calculations), tuple(refused)


# ---- writing the taxonomy ---------------------------------------------------------------------------


def _el(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, attributes)


def _role_ref(root: ET.Element, uri: str, role_id: str) -> None:
    """Declare, in a linkbase, a role the schema defines (roleType `role_id`)."""
    _el(root, f"{{{LINK}}}roleRef", roleURI=uri, **{_xlink("type"): "simple", _xlink("href"): f"{SCHEMA}#{role_id}"})


def _xlink(name: str) -> str:
    return f"{{{XLINK}}}{name}"


def _write(root: ET.Element, path: Path) -> None:
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _roles(taxonomy: Taxonomy) -> list[tuple[str, str, str, str]]:
    """(roleURI, id, definition, usedOn) of every role the taxonomy declares."""
    roles = [
        (ROLE_ESRS_ELEMENT, "esrsElement", "The ESRS taxonomy element the concept corresponds to", "link:label"),
        (
            ROLE_ESRS_DATAPOINT,
            "esrsDatapoint",
            "The ESRS datapoints (standard, paragraph) of the concept",
            "link:label",
        ),
    ]
    for axes in taxonomy.breakdowns:
        definition = "Facts broken down by " + ", ".join(taxonomy.axes[axis].name_en for axis in axes)
        roles.append((_breakdown_role(axes), _breakdown_role_id(axes), definition, "link:definitionLink"))
    for calculation in taxonomy.calculations:
        members = ", ".join(f"{axis}={code}" for axis, code in calculation.fixed)
        definition = calculation.description + (f" ({members})" if members else "")
        roles.append((calculation.role, calculation.role_id, definition, "link:calculationLink"))
    return roles


def _breakdown_role(axes: tuple[str, ...]) -> str:
    return f"{NAMESPACE}/role/breakdown/{'__'.join(axes)}"


def _breakdown_role_id(axes: tuple[str, ...]) -> str:
    return "breakdown_" + "__".join(axes)


def _table(axes: tuple[str, ...]) -> str:
    return "table__" + "__".join(axes)


def write_taxonomy(taxonomy: Taxonomy, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    schema = ET.Element(
        f"{{{XS}}}schema",
        {"targetNamespace": NAMESPACE, "elementFormDefault": "qualified", "attributeFormDefault": "unqualified"},
    )
    appinfo = _el(_el(schema, f"{{{XS}}}annotation"), f"{{{XS}}}appinfo")
    for kind, file_name in LINKBASES.items():
        _el(
            appinfo,
            f"{{{LINK}}}linkbaseRef",
            **{
                _xlink("type"): "simple",
                _xlink("href"): file_name,
                _xlink("role"): f"http://www.xbrl.org/2003/role/{kind}LinkbaseRef",
                _xlink("arcrole"): "http://www.w3.org/1999/xlink/properties/linkbase",
            },
        )
    for uri, role_id, definition, used_on in _roles(taxonomy):
        role = _el(appinfo, f"{{{LINK}}}roleType", roleURI=uri, id=role_id)
        _el(role, f"{{{LINK}}}definition").text = definition
        _el(role, f"{{{LINK}}}usedOn").text = used_on
    _el(schema, f"{{{XS}}}import", namespace=XBRLI, schemaLocation=INSTANCE_XSD)
    _el(schema, f"{{{XS}}}import", namespace=XBRLDT, schemaLocation=XBRLDT_XSD)
    _el(schema, f"{{{XS}}}import", namespace=DTR_TYPES, schemaLocation=DTR_TYPES_XSD)

    def element(name: str, item_type: str, group: str, abstract: bool) -> None:
        attributes = {
            "name": name,
            "id": f"{PREFIX}_{name}",
            "type": item_type,
            "substitutionGroup": group,
            "nillable": "true",
            f"{{{XBRLI}}}periodType": "duration",
        }
        if abstract:
            attributes["abstract"] = "true"
        _el(schema, f"{{{XS}}}element", **attributes)

    for concept in taxonomy.concepts.values():
        element(concept.name, concept.item_type, "xbrli:item", abstract=False)
    for axes in taxonomy.breakdowns:
        element(_table(axes), "xbrli:stringItemType", "xbrldt:hypercubeItem", abstract=True)
    for axis in taxonomy.axes.values():
        if not axis.is_additive:
            continue
        element(axis.dimension, "xbrli:stringItemType", "xbrldt:dimensionItem", abstract=True)
        element(axis.domain, "xbrli:stringItemType", "xbrli:item", abstract=True)
        for code, _, _ in axis.members:
            element(axis.member(code), "xbrli:stringItemType", "xbrli:item", abstract=True)
    # ElementTree declares the prefixes of names it writes, not of QNames in values (xbrldt:dimensionItem).
    schema.set("xmlns:xbrldt", XBRLDT)
    schema.set("xmlns:dtr-types", DTR_TYPES)
    _write(schema, folder / SCHEMA)
    _write_labels(taxonomy, folder)
    _write_definitions(taxonomy, folder)
    _write_calculations(taxonomy, folder)
    return folder / SCHEMA


def _linkbase() -> ET.Element:
    return ET.Element(f"{{{LINK}}}linkbase")


def _loc(link: ET.Element, name: str, label: str | None = None) -> str:
    label = label or f"loc_{name}"
    _el(
        link,
        f"{{{LINK}}}loc",
        **{_xlink("type"): "locator", _xlink("href"): f"{SCHEMA}#{PREFIX}_{name}", _xlink("label"): label},
    )
    return label


def _write_labels(taxonomy: Taxonomy, folder: Path) -> None:
    root = _linkbase()
    for uri, role_id in ((ROLE_ESRS_ELEMENT, "esrsElement"), (ROLE_ESRS_DATAPOINT, "esrsDatapoint")):
        _role_ref(root, uri, role_id)
    link = _el(root, f"{{{LINK}}}labelLink", **{_xlink("type"): "extended", _xlink("role"): ROLE_LINK})
    labelled: list[tuple[str, list[tuple[str, str, str]]]] = []
    for concept in taxonomy.concepts.values():
        labels = [(ROLE_LABEL, "en", concept.label_en), (ROLE_LABEL, "zh", concept.label_zh)]
        if concept.esrs_element:
            labels.append((ROLE_ESRS_ELEMENT, "en", concept.esrs_element))
        if concept.esrs_datapoint:
            labels.append((ROLE_ESRS_DATAPOINT, "en", concept.esrs_datapoint))
        labelled.append((concept.name, labels))
    for axis in taxonomy.axes.values():
        if axis.is_additive:
            names = [(ROLE_LABEL, "en", axis.name_en), (ROLE_LABEL, "zh", axis.name_zh)]
            labelled.append((axis.dimension, names))
            labelled.append((axis.domain, [(role, lang, f"{text}: total") for role, lang, text in names]))
            labelled += [
                (axis.member(code), [(ROLE_LABEL, "en", en), (ROLE_LABEL, "zh", zh)]) for code, en, zh in axis.members
            ]
    for name, labels in labelled:
        _loc(link, name)
        for role, lang, text in labels:
            label = _el(
                link,
                f"{{{LINK}}}label",
                **{_xlink("type"): "resource", _xlink("label"): f"lab_{name}", _xlink("role"): role, XML_LANG: lang},
            )
            label.text = text
        _el(
            link,
            f"{{{LINK}}}labelArc",
            **{
                _xlink("type"): "arc",
                _xlink("arcrole"): "http://www.xbrl.org/2003/arcrole/concept-label",
                _xlink("from"): f"loc_{name}",
                _xlink("to"): f"lab_{name}",
            },
        )
    _write(root, folder / LINKBASES["label"])


def _write_definitions(taxonomy: Taxonomy, folder: Path) -> None:
    root = _linkbase()
    for axes in taxonomy.breakdowns:
        _role_ref(root, _breakdown_role(axes), _breakdown_role_id(axes))
    for arcrole in ("all", "hypercube-dimension", "dimension-domain", "domain-member", "dimension-default"):
        _el(
            root,
            f"{{{LINK}}}arcroleRef",
            arcroleURI=f"{ARCROLE_DIMENSIONS}/{arcrole}",
            **{_xlink("type"): "simple", _xlink("href"): f"{XBRLDT_XSD}#{arcrole}"},
        )

    def extended(role: str):
        link = _el(root, f"{{{LINK}}}definitionLink", **{_xlink("type"): "extended", _xlink("role"): role})
        located: set[str] = set()

        def arc(arcrole: str, source: str, target: str, target_label: str | None = None, **extra: str) -> None:
            for name, label in ((source, f"loc_{source}"), (target, target_label or f"loc_{target}")):
                if label not in located:
                    located.add(label)
                    _loc(link, name, label)
            _el(
                link,
                f"{{{LINK}}}definitionArc",
                **{
                    _xlink("type"): "arc",
                    _xlink("arcrole"): f"{ARCROLE_DIMENSIONS}/{arcrole}",
                    _xlink("from"): f"loc_{source}",
                    _xlink("to"): target_label or f"loc_{target}",
                    **extra,
                },
            )

        return arc

    # The totals: each additive axis defaults to its domain, once in the taxonomy.
    arc = extended(ROLE_LINK)
    for axis in taxonomy.axes.values():
        if axis.is_additive:
            arc("dimension-default", axis.dimension, axis.domain)
    for axes, concepts in taxonomy.breakdowns.items():
        arc = extended(_breakdown_role(axes))
        table = _table(axes)
        for concept in concepts:
            arc(
                "all",
                concept.name,
                table,
                **{f"{{{XBRLDT}}}contextElement": "scenario", f"{{{XBRLDT}}}closed": "true"},
            )
        for code in axes:
            axis = taxonomy.axes[code]
            arc("hypercube-dimension", table, axis.dimension)
            arc("dimension-domain", axis.dimension, axis.domain)
            for member, _, _ in axis.members:
                arc("domain-member", axis.domain, axis.member(member))
    _write(root, folder / LINKBASES["definition"])


def _write_calculations(taxonomy: Taxonomy, folder: Path) -> None:
    root = _linkbase()
    for calculation in taxonomy.calculations:
        _role_ref(root, calculation.role, calculation.role_id)
    for calculation in taxonomy.calculations:
        link = _el(root, f"{{{LINK}}}calculationLink", **{_xlink("type"): "extended", _xlink("role"): calculation.role})
        total = _loc(link, calculation.total)
        for order, (part, weight) in enumerate(calculation.parts, start=1):
            _el(
                link,
                f"{{{LINK}}}calculationArc",
                **{
                    _xlink("type"): "arc",
                    _xlink("arcrole"): ARCROLE_SUMMATION,
                    _xlink("from"): total,
                    _xlink("to"): _loc(link, part),
                    "weight": f"{weight:.1f}",
                    "order": str(order),
                },
            )
    _write(root, folder / LINKBASES["calculation"])


# ---- the reports --------------------------------------------------------------------------------------

_FACTS_SQL = """
select
    reported.document_path, reported.document_sha256, reported.company_id, reported.fiscal_year,
    reported.fiscal_period_start_date, reported.fiscal_period_end_date, reported.metric_code, reported.members,
    reported.metric_kind, reported.value_canonical, reported.value_number_as_printed, reported.decimals_printed,
    reported.value_qualifier, reported.value_as_printed, reported.not_reported_as_printed, reported.canonical_unit,
    reported.canonical_multiplier, reported.canonical_divisor, reported.unit_as_printed, reported.currency,
    reported.location,
    reported.line_number, reported.page_number, reported.column_number, reported.label_as_printed,
    printed.line_text
from marts.fct_kpi_reported_values as reported
left join marts.fct_printed_values as printed
    on reported.document_sha256 = printed.document_sha256
    and reported.line_number is not distinct from printed.line_number
    and reported.column_number is not distinct from printed.column_number
    and reported.page_number is not distinct from printed.page_number
where reported.document_path is not null
order by reported.document_path, reported.page_number, reported.line_number, reported.column_number
"""


def read_facts(warehouse: Path) -> list[dict]:
    if not warehouse.is_file():
        raise XbrlError(f"{warehouse}: no warehouse there; run make build first")
    try:
        with connect(warehouse, read_only=True) as con:
            cursor = con.execute(_FACTS_SQL)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except duckdb.Error as error:
        raise XbrlError(f"{warehouse}: cannot read the marts ({error.__class__.__name__}: {error})") from None


def _measure(unit: str) -> str:
    return f"{PREFIX}:" + ncname(unit.replace("%", "percent").replace(" ", "_"))


def _oim_unit(unit: str) -> str:
    """`tCO2e/CNY m` as OIM writes units: esg:tCO2e/esg:CNY_m."""
    return "/".join(_measure(side) for side in unit.split("/", 1))


@dataclass(frozen=True)
class Stated:
    """A printed figure as XBRL states it."""

    value: Decimal | None
    decimals: int | None
    unit: str  # "" for xbrli:pure, which xBRL-JSON writes as no unit
    is_own_measure: bool = False  # in a measure of the taxonomy's own, as printed


def _power_of_ten(factor: Fraction) -> int | None:
    """k where the factor is 10^k, else None (GJ to MWh is 5 / 18)."""
    if factor.denominator == 1 and str(factor.numerator).rstrip("0") == "1":
        return len(str(factor.numerator)) - 1
    if factor.numerator == 1 and str(factor.denominator).rstrip("0") == "1":
        return 1 - len(str(factor.denominator))
    return None


def _stated(taxonomy: Taxonomy, fact: dict) -> Stated | None:
    """The printed figure in the first unit of seeds/xbrl_units.csv for its canonical unit that states its
    printed precision exactly (a power of ten away: 1,000 GJ is GJ, not MWh); in a measure of the taxonomy's
    own where the registries have no unit for it; None where they have some, but none states it."""
    currency = fact["currency"]
    generic = fact["canonical_unit"].replace(currency, "¤") if currency else fact["canonical_unit"]
    printed, decimals = fact["value_number_as_printed"], fact["decimals_printed"]
    factor = Fraction(fact["canonical_multiplier"]) / Fraction(fact["canonical_divisor"])
    candidates = taxonomy.units.get(generic)
    if not candidates:
        shift = _power_of_ten(factor)
        if shift is None:  # no decimals state the printed precision in the canonical unit: the printed unit does
            return Stated(printed, decimals, _measure(fact["unit_as_printed"] or "pure"), is_own_measure=True)
        return Stated(_scaled(printed, shift), _less(decimals, shift), _oim_unit(fact["canonical_unit"]))
    for unit in candidates:
        shift = _power_of_ten(factor * unit.factor * Fraction(10) ** unit.scale_power)
        if shift is not None or printed is None:
            oim_unit = unit.oim_unit.replace("¤", currency or "")
            return Stated(_scaled(printed, shift), _less(decimals, shift), "" if oim_unit == "xbrli:pure" else oim_unit)
    return None


def _scaled(value: Decimal | None, shift: int | None) -> Decimal | None:
    return value.scaleb(shift) if value is not None and shift is not None else None


def _less(decimals: int | None, shift: int | None) -> int | None:
    return decimals - shift if decimals is not None and shift is not None else None


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class NotExported:
    document_path: str
    location: str
    metric_code: str
    value_as_printed: str
    reason: str


def report(
    taxonomy: Taxonomy, facts: list[dict], taxonomy_href: str, language: str = "und"
) -> tuple[dict, list[NotExported]]:
    """One document's facts as an xBRL-JSON report, and those that have no XBRL form."""
    out: dict[str, dict] = {}
    refused: list[NotExported] = []
    for fact in facts:
        where = fact["location"] or f"line {fact['line_number']}"
        stated = None if fact["value_qualifier"] in ("<", ">") else _stated(taxonomy, fact)
        if stated is None:
            fact["xbrl_concept"] = None
            reason = (
                "printed as a bound: an XBRL fact is a value, not a bound"
                if fact["value_qualifier"] in ("<", ">")
                else f"no unit of the registries for {fact['canonical_unit']} states its printed precision exactly"
            )
            refused.append(
                NotExported(fact["document_path"], where, fact["metric_code"], fact["value_as_printed"], reason)
            )
            continue
        members = parse_members(fact["members"])
        concept, dimensions = taxonomy.concept_for(fact["metric_code"], members)
        end = fact["fiscal_period_end_date"] + timedelta(days=1)
        entry: dict = {
            "dimensions": {
                "concept": f"{PREFIX}:{concept}",
                "entity": f"company:{fact['company_id']}",
                "period": f"{fact['fiscal_period_start_date'].isoformat()}T00:00:00/{end.isoformat()}T00:00:00",
                **({"unit": stated.unit} if stated.unit else {}),
                **{f"{PREFIX}:{axis}": f"{PREFIX}:{member}" for axis, member in dimensions.items()},
            },
            "value": None if stated.value is None else _number(stated.value),  # None: printed as not reported
        }
        if stated.value is not None:
            entry["decimals"] = stated.decimals
        fact["xbrl_concept"] = concept
        fact["xbrl_unit"] = stated.unit
        note_id = f"{fact_id(fact)}_source"
        entry["links"] = {"footnote": {"_": [note_id]}}
        out[fact_id(fact)] = entry
        qualifier = " (printed as approximate)" if fact["value_qualifier"] == "~" else ""
        out[note_id] = {
            # A note is XHTML: the line's & and < are text.
            "value": html.escape(
                f"{fact['document_path']} {where}{qualifier}: {fact['line_text'] or fact['label_as_printed']}",
                quote=False,
            ),
            "dimensions": {"concept": "xbrl:note", "noteId": note_id, "language": language},
        }
    document = {
        "documentInfo": {
            "documentType": "https://xbrl.org/2021/xbrl-json",
            "namespaces": {
                PREFIX: NAMESPACE,
                "company": ENTITY_SCHEME,
                "utr": UTR,
                "iso4217": ISO4217,
                "xbrl": "https://xbrl.org/2021",
                "xbrli": XBRLI,
            },
            "linkTypes": {"footnote": "http://www.xbrl.org/2003/arcrole/fact-footnote"},
            "linkGroups": {"_": ROLE_LINK},
            "taxonomy": [taxonomy_href],
        },
        "facts": out,
    }
    return document, refused


def fact_id(fact: dict) -> str:
    """A fact's id in its report: its place in the document (page, line, column)."""
    return ncname(f"f_p{fact['page_number'] or 0}_l{fact['line_number']}_c{fact['column_number']}")


def document_file(document_path: str) -> str:
    return ncname(Path(document_path).name) + ".json"


@dataclass(frozen=True)
class Export:
    taxonomy: Taxonomy
    reports: dict[Path, dict[str, dict]]  # each report's facts by fact id, as read from the warehouse
    not_exported: list[NotExported]


def export(warehouse: Path, out: Path, seeds: Path) -> Export:
    """Write the taxonomy and a report per document; returns what it wrote and what it could not."""
    facts = read_facts(warehouse)
    open_axes = {row["axis_code"] for row in _read(seeds, "dimension_axes.csv") if row["is_open"] == "true"}
    open_members: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        for axis, member in parse_members(fact["members"]).items():
            if axis in open_axes:
                open_members[axis].add(member)
    taxonomy = build_taxonomy(seeds, open_members)
    if out.exists():
        shutil.rmtree(out)
    write_taxonomy(taxonomy, out / "taxonomy")
    (out / "reports").mkdir(parents=True)
    by_document: dict[str, list[dict]] = defaultdict(list)
    for fact in facts:
        by_document[fact["document_path"]].append(fact)
    written: dict[Path, dict[str, dict]] = {}
    refused: list[NotExported] = []
    for document_path, document_facts in by_document.items():
        content, not_exported = report(taxonomy, document_facts, f"../taxonomy/{SCHEMA}")
        path = out / "reports" / document_file(document_path)
        path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
        written[path] = {fact_id(fact): fact for fact in document_facts}
        refused += not_exported
    with (out / "not-exported.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document_path", "location", "metric_code", "value_as_printed", "reason"])
        writer.writerows([n.document_path, n.location, n.metric_code, n.value_as_printed, n.reason] for n in refused)
    return Export(taxonomy, written, refused)
