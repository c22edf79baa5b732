"""`python -m loaders explain COMPANY YEAR METRIC`: one figure's lineage, read from a built warehouse's marts.

For a company, fiscal year and metric it prints the figure that stands (marts.fct_kpi_values), every
printing of it (marts.fct_kpi_reported_values) with the line as printed (marts.fct_printed_values),
restatements (marts.fct_kpi_restatements), the conversion from the unit as printed to the canonical
unit, the checks it takes part in (marts.fct_audit_findings) and the intensities it is an input of
(marts.fct_kpi_intensities). Only `marts.*` and `meta.build_info` are read: a published warehouse
holds nothing else.

Breakdowns: a metric may have several member combinations for a company-year (`members`, e.g.
`scope2_method=market_based`). `--members AXIS=MEMBER` (repeatable) picks one. Without it the total
(members '') is explained and the other combinations are listed with the option that explains each;
where there is no total, every combination is explained, in members order.

Three parts, kept apart: `explain` queries the warehouse into the dataclasses below, `render` turns
them into text, and the CLI (loaders/cli.py) prints it. An unknown company, year, metric or members
is an ExplainError with exit status 2 naming what the warehouse knows; a missing or unbuilt
warehouse one with status 1.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

import duckdb

from loaders.errors import LoaderError
from loaders.warehouse import connect

# Marts without which there is nothing to explain; the others only leave their section empty.
REQUIRED_MARTS = ("dim_metrics", "fct_kpi_reported_values")
OPTIONAL_MARTS = (
    "fct_kpi_values",
    "fct_printed_values",
    "fct_kpi_restatements",
    "fct_audit_findings",
    "fct_kpi_intensities",
    "fct_community_investments",
)
UNKNOWN_EXIT = 2  # like a usage error: the command named something the warehouse does not hold
UNREADABLE_EXIT = 1
NEAREST_SHOWN = 5
LISTED = 12  # companies or years named in an error, at most
SHA_SHOWN = 12
# Derived ratios are floating point, and a GJ in MWh has 12 decimals however it was printed: no figure is
# shown with more significant digits than this.
SIGNIFICANT_DIGITS = 12


class ExplainError(LoaderError):
    """What `explain` cannot explain, in one line, with the exit status the CLI returns."""

    def __init__(self, message: str, exit_code: int = UNKNOWN_EXIT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# --- what is read ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    code: str
    name_en: str
    kind: str
    canonical_unit: str
    axes: tuple[str, ...]
    numerator_metric_code: str | None
    denominator_metric_code: str | None
    hkex_kpi: str | None
    gri_disclosure: str | None


@dataclass(frozen=True)
class UsdValue:
    """A money printing in US dollars, as marts.fct_community_investments converts it."""

    value_usd_m: float | None
    value_usd_m_lower: float | None
    value_usd_m_upper: float | None
    units_per_usd: float | None
    rate_kind: str | None
    source: str | None


@dataclass(frozen=True)
class Printing:
    """One printing of the figure: a row of marts.fct_kpi_reported_values with its line as printed."""

    document_path: str
    document_sha256: str
    document_fiscal_year: int | None
    location: str
    line_number: int | None
    column_number: int | None
    page_number: int | None
    column_label: str | None
    table_heading: str | None
    section_heading: str | None
    label_as_printed: str | None
    value_as_printed: str | None
    value_number_as_printed: Decimal | None
    decimals_printed: int | None
    not_reported_as_printed: str | None
    unit_as_printed: str | None
    value_qualifier: str | None
    currency: str | None
    value_canonical: Decimal | None
    value_lower: Decimal | None
    value_upper: Decimal | None
    canonical_unit: str | None
    canonical_multiplier: Decimal | None
    canonical_divisor: Decimal | None
    boundary_code: str | None
    footnote_markers: str | None
    mapping_source: str | None
    quoted_text: str | None
    quoted_location: str | None
    is_latest: bool
    line_text: str | None
    usd: UsdValue | None = None

    @property
    def half_step(self) -> Decimal | None:
        """Half a unit of the last digit printed: how far the figure may be from what was printed."""
        if self.decimals_printed is None:
            return None
        return Decimal(5).scaleb(-self.decimals_printed - 1)


@dataclass(frozen=True)
class Restatement:
    old_value_as_printed: str | None
    old_document_path: str
    old_location: str
    new_value_as_printed: str | None
    new_document_path: str
    new_location: str
    change_in_value: Decimal | None
    canonical_unit: str | None
    is_changed: bool
    is_beyond_rounding: bool


@dataclass(frozen=True)
class Finding:
    check_code: str
    subject: str | None
    members: str | None
    severity: str
    status: str
    is_excepted: bool
    message: str | None
    exception_reason: str | None


@dataclass(frozen=True)
class Intensity:
    """A row of marts.fct_kpi_intensities the figure is the intensity, numerator or denominator of."""

    role: str  # "intensity" (the figure itself), "numerator" or "denominator"
    metric_code: str
    members: str
    unit: str | None
    formula: str | None
    status: str | None
    numerator_value: Decimal | None
    numerator_unit: str | None
    numerator_source: str | None
    denominator_value: Decimal | None
    denominator_unit: str | None
    denominator_source: str | None
    is_denominator_disclosed: bool | None
    derived_value: float | None
    derived_lower: float | None
    derived_upper: float | None
    printed_value_as_printed: str | None
    printed_unit_as_printed: str | None
    printed_location: str | None
    printed_lower: Decimal | None
    printed_upper: Decimal | None
    agrees_at_printed_precision: bool | None
    boundary_note: str | None


@dataclass(frozen=True)
class Figure:
    """One member combination of the metric for the company-year: the value that stands and its lineage."""

    members: str
    # From marts.fct_kpi_values: None where it holds no row (an itemised metric, an intensity only derived).
    is_reported: bool | None
    value_canonical: Decimal | None
    value_lower: Decimal | None
    value_upper: Decimal | None
    canonical_unit: str | None
    value_qualifier: str | None
    not_reported_as_printed: str | None
    boundary_code: str | None
    printings: tuple[Printing, ...]
    restatements: tuple[Restatement, ...]
    findings: tuple[Finding, ...]
    intensities: tuple[Intensity, ...]


@dataclass(frozen=True)
class Breakdown:
    """A member combination listed, not explained: its value and the option that explains it."""

    members: str
    value_canonical: Decimal | None
    value_lower: Decimal | None
    value_upper: Decimal | None
    canonical_unit: str | None
    printings: int


@dataclass(frozen=True)
class Explanation:
    warehouse: str
    build: str | None
    company_id: str
    company_name: str | None
    fiscal_year: int
    metric: Metric
    figures: tuple[Figure, ...]
    breakdowns: tuple[Breakdown, ...] = ()
    missing_marts: tuple[str, ...] = field(default=())


# --- querying --------------------------------------------------------------------------------------


def members_key(members: Sequence[str] | None) -> str | None:
    """`--members` options (`axis=member`, repeatable) as the marts' members key: sorted by axis, `|`-joined."""
    if not members:
        return None
    pairs: dict[str, str] = {}
    for given in members:
        for pair in filter(None, given.split("|")):
            axis, sep, member = (part.strip() for part in pair.partition("="))
            if not sep or not axis or not member:
                raise ExplainError(f"--members {given!r}: expected AXIS=MEMBER, e.g. scope2_method=market_based")
            if pairs.get(axis, member) != member:
                raise ExplainError(f"--members: two members for axis {axis}: {pairs[axis]} and {member}")
            pairs[axis] = member
    return "|".join(f"{axis}={member}" for axis, member in sorted(pairs.items()))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence = ()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _open(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not warehouse.exists():
        raise ExplainError(
            f"{warehouse}: no such warehouse (build one with `make build`, or name one with --warehouse)",
            UNREADABLE_EXIT,
        )
    try:
        return connect(warehouse, read_only=True)
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ExplainError(f"{warehouse}: cannot open read-only: {first_line}", UNREADABLE_EXIT) from None


def _marts(con: duckdb.DuckDBPyConnection, warehouse: Path) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts'"
        " union select view_name from duckdb_views() where schema_name = 'marts'"
    ).fetchall()
    found = {name for (name,) in rows}
    missing = [name for name in REQUIRED_MARTS if name not in found]
    if missing:
        what = "no marts schema" if not found else "no " + ", ".join(f"marts.{name}" for name in missing)
        raise ExplainError(f"{warehouse}: {what}: not a built warehouse (run `make build`)", UNREADABLE_EXIT)
    return found


def _nearest(given: str, known: Sequence[str], n: int = NEAREST_SHOWN) -> list[str]:
    """Known names nearest to `given`: close spellings, then names containing it or contained in it."""
    lowered = {name.lower(): name for name in known}
    close = difflib.get_close_matches(given.lower(), list(lowered), n=n, cutoff=0.6)
    near = [lowered[name] for name in close]
    near += [name for name in known if name not in near and (given.lower() in name.lower() or name in given)]
    return near[:n]


def _listed(names: Sequence[object]) -> str:
    shown = ", ".join(map(str, names[:LISTED]))
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def _metric(con: duckdb.DuckDBPyConnection, code: str) -> Metric:
    rows = _rows(
        con,
        "select metric_code, name_en, kind, canonical_unit, axes, numerator_metric_code, denominator_metric_code,"
        " hkex_kpi, gri_disclosure from marts.dim_metrics where metric_code = ?",
        [code],
    )
    if not rows:
        codes = [name for (name,) in con.execute("select metric_code from marts.dim_metrics order by 1").fetchall()]
        near = _nearest(code, codes)
        hint = f"nearest: {', '.join(near)}" if near else f"{len(codes)} metrics are listed in marts.dim_metrics"
        raise ExplainError(f"unknown metric {code!r} (not in marts.dim_metrics); {hint}")
    row = rows[0]
    return Metric(
        code=row["metric_code"],
        name_en=row["name_en"],
        kind=row["kind"],
        canonical_unit=row["canonical_unit"],
        axes=tuple(filter(None, (row["axes"] or "").split("|"))),
        numerator_metric_code=row["numerator_metric_code"],
        denominator_metric_code=row["denominator_metric_code"],
        hkex_kpi=row["hkex_kpi"],
        gri_disclosure=row["gri_disclosure"],
    )


def _company_year(con: duckdb.DuckDBPyConnection, marts: set[str], company_id: str, fiscal_year: int) -> None:
    """Raise naming the companies or years there are, unless the warehouse holds figures of this company-year."""
    sources = ["select company_id, fiscal_year from marts.fct_kpi_reported_values"]
    if "fct_kpi_intensities" in marts:
        sources.append("select company_id, fiscal_year from marts.fct_kpi_intensities")
    pairs = con.execute(f"select distinct company_id, fiscal_year from ({' union all '.join(sources)})").fetchall()
    companies = sorted({company for company, _ in pairs})
    if company_id not in companies:
        near = _nearest(company_id, companies)
        hint = f"nearest: {', '.join(near)}" if near else f"companies: {_listed(companies) or 'none'}"
        raise ExplainError(f"unknown company {company_id!r} (no figures in marts.fct_kpi_reported_values); {hint}")
    years = sorted({year for company, year in pairs if company == company_id})
    if fiscal_year not in years:
        raise ExplainError(f"{company_id} has no figures for {fiscal_year}; years: {_listed(years)}")


def _record(kind: type, row: dict):
    """A dataclass from a query row, by column name."""
    return kind(**{item.name: row[item.name] for item in fields(kind) if item.name in row})


# The line as printed, and a money printing in US dollars, joined to each printing where the marts are there.
_PRINTED_LINE = (
    "printed.line_text",
    "left join marts.fct_printed_values as printed on printed.document_sha256 = reported.document_sha256"
    " and printed.line_number = reported.line_number and printed.column_number = reported.column_number",
)
_IN_USD = (
    "invested.value_usd_m, invested.value_usd_m_lower, invested.value_usd_m_upper,"
    " invested.fx_units_per_usd as units_per_usd, invested.fx_rate_kind as rate_kind,"
    " invested.fx_source as source, invested.document_sha256 is not null as has_usd",
    "left join marts.fct_community_investments as invested on invested.document_sha256 = reported.document_sha256"
    " and invested.line_number = reported.line_number and invested.column_number = reported.column_number",
)


def _printings(con: duckdb.DuckDBPyConnection, marts: set[str], key: tuple[str, int, str]) -> list[tuple]:
    """(members, Printing) for every printing of the metric for the company-year, in document order."""
    line_text, printed_join = _PRINTED_LINE if "fct_printed_values" in marts else ("null as line_text", "")
    usd, usd_join = _IN_USD if "fct_community_investments" in marts else ("false as has_usd", "")
    rows = _rows(
        con,
        f"""
        select reported.members, reported.document_path, reported.document_sha256, reported.document_fiscal_year,
               reported.location, reported.line_number, reported.column_number, reported.page_number,
               reported.column_label, reported.table_heading, reported.section_heading, reported.label_as_printed,
               reported.value_as_printed, reported.value_number_as_printed, reported.decimals_printed,
               reported.not_reported_as_printed, reported.unit_as_printed, reported.value_qualifier,
               reported.currency, reported.value_canonical, reported.value_lower, reported.value_upper,
               reported.canonical_unit, reported.canonical_multiplier, reported.canonical_divisor,
               reported.boundary_code, reported.footnote_markers, reported.mapping_source,
               reported.quoted_text, reported.quoted_location, coalesce(reported.is_latest, false) as is_latest,
               {line_text}, {usd}
        from marts.fct_kpi_reported_values as reported
        {printed_join}
        {usd_join}
        where reported.company_id = ? and reported.fiscal_year = ? and reported.metric_code = ?
        order by reported.members, reported.document_fiscal_year, reported.document_path, reported.page_number,
                 reported.line_number, reported.column_number
        """,
        key,
    )
    return [
        (row["members"], replace(_record(Printing, row), usd=_record(UsdValue, row) if row["has_usd"] else None))
        for row in rows
    ]


def _values(con: duckdb.DuckDBPyConnection, marts: set[str], key: tuple[str, int, str]) -> dict[str, dict]:
    if "fct_kpi_values" not in marts:
        return {}
    rows = _rows(
        con,
        "select members, is_reported, value_canonical, value_lower, value_upper, canonical_unit, value_qualifier,"
        " not_reported_as_printed, boundary_code from marts.fct_kpi_values"
        " where company_id = ? and fiscal_year = ? and metric_code = ?",
        key,
    )
    return {row["members"]: row for row in rows}


def _restatements(con: duckdb.DuckDBPyConnection, marts: set[str], key: tuple[str, int, str]) -> list[tuple]:
    """(members, Restatement) for each pair of printings a later report restated."""
    if "fct_kpi_restatements" not in marts:
        return []
    rows = _rows(
        con,
        "select members, old_value_as_printed, old_document_path, old_location, new_value_as_printed,"
        " new_document_path, new_location, change_in_value, canonical_unit,"
        " coalesce(is_changed, false) as is_changed, coalesce(is_beyond_rounding, false) as is_beyond_rounding"
        " from marts.fct_kpi_restatements where company_id = ? and fiscal_year = ? and metric_code = ?"
        " order by old_document_fiscal_year, new_document_fiscal_year, old_document_path, new_document_path",
        key,
    )
    return [(row["members"], _record(Restatement, row)) for row in rows]


def _names_metric(text: str | None, code: str) -> list[str]:
    """How `text` names the metric: for each mention, its members (`code{axis=member}`) or '' for none."""
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])(?:\{{([^}}]*)\}})?")
    return [match.group(1) or "" for match in pattern.finditer(text or "")]


def _cites(finding: dict, printing: Printing) -> bool:
    """Whether a finding's inputs cite this printing: its document, and its place in brackets."""
    inputs = finding["inputs"] or ""
    place = printing.location
    return finding["document_path"] == printing.document_path and (f"({place})" in inputs or f" {place})" in inputs)


def _involves(finding: dict, code: str, members: str, printings: Sequence[Printing]) -> bool:
    """Whether a finding checks this metric with these members.

    metrics_involved lists the metrics a check reads (`a, b, c`); an identity lists only its total and
    names its parts in `inputs` (`parts ghg_scope_1 283.42 噸 (line 1004) + ghg_scope_2{scope2_method=…} …`),
    so a metric named there as a whole word takes part too. A finding's `members` are its subject's (none:
    the total). It concerns this figure when they are the figure's, when its inputs name the metric with
    the figure's members (`ghg_scope_2{scope2_method=market_based}`; bare for the total), or, for a
    breakdown, when its inputs cite one of the figure's printings (a breakdown check lists its members by
    name and line: `members ch4 0.8 (line 12)`).
    """
    listed = [name.strip() for name in (finding["metrics_involved"] or "").split(",")]
    named = _names_metric(finding["inputs"], code)
    if code not in listed and not named:
        return False
    if (finding["members"] or "") == members or members in named:
        return True
    return bool(members) and any(_cites(finding, printing) for printing in printings)


def _findings(
    con: duckdb.DuckDBPyConnection,
    marts: set[str],
    key: tuple[str, int, str],
    members: str,
    printings: Sequence[Printing],
) -> list[Finding]:
    """The findings of the company-year that check this figure, hard ones first."""
    if "fct_audit_findings" not in marts:
        return []
    rows = _rows(
        con,
        "select check_code, subject, members, severity, status, coalesce(is_excepted, false) as is_excepted,"
        " message, exception_reason, metrics_involved, inputs, document_path from marts.fct_audit_findings"
        " where company_id = ? and fiscal_year = ?"
        " order by case severity when 'hard' then 0 when 'warning' then 1 else 2 end, check_code, subject_key",
        key[:2],
    )
    return [_record(Finding, row) for row in rows if _involves(row, key[2], members, printings)]


def _intensities(con: duckdb.DuckDBPyConnection, marts: set[str], key: tuple[str, int, str]) -> list[tuple]:
    """(members of the figure in that role, Intensity) for each intensity the metric is, or is an input of."""
    if "fct_kpi_intensities" not in marts:
        return []
    roles = [("intensity", "metric_code", "members")]
    roles += [(role, f"{role}_metric_code", f"{role}_members") for role in ("numerator", "denominator")]
    union = " union all ".join(
        f"select '{role}' as role, {rank} as rank, {members} as role_members, * from marts.fct_kpi_intensities"
        f" where {code} = $3 and company_id = $1 and fiscal_year = $2"
        for rank, (role, code, members) in enumerate(roles)
    )
    rows = _rows(con, f"select * from ({union}) order by rank, metric_code, members", key)
    return [(row["role_members"] or "", _record(Intensity, row)) for row in rows]


def _build(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("select build_id, built_at from meta.build_info limit 1").fetchone()
    except duckdb.Error:
        return None
    return f"build {row[0]}, built {row[1]:%Y-%m-%d %H:%M} UTC" if row else None


def explain(
    warehouse: Path, company_id: str, fiscal_year: int, metric_code: str, members: Sequence[str] | None = None
) -> Explanation:
    """Everything the marts say about one figure (or each of its member combinations)."""
    wanted = members_key(members)
    con = _open(warehouse)
    try:
        with con:
            return _explain(con, warehouse, company_id, fiscal_year, metric_code, wanted)
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        raise ExplainError(f"{warehouse}: cannot read the marts: {first_line}", UNREADABLE_EXIT) from None


def _explain(
    con: duckdb.DuckDBPyConnection,
    warehouse: Path,
    company_id: str,
    fiscal_year: int,
    metric_code: str,
    wanted: str | None,
) -> Explanation:
    marts = _marts(con, warehouse)
    metric = _metric(con, metric_code)
    _company_year(con, marts, company_id, fiscal_year)
    key = (company_id, fiscal_year, metric_code)
    printings = _printings(con, marts, key)
    values = _values(con, marts, key)
    intensities = _intensities(con, marts, key)
    own_intensities = {members for members, intensity in intensities if intensity.role == "intensity"}
    combinations = sorted({members for members, _ in printings} | set(values) | own_intensities)
    if not combinations:
        sources = ["fct_kpi_reported_values"] + (["fct_kpi_intensities"] if "fct_kpi_intensities" in marts else [])
        union = " union ".join(
            f"select metric_code from marts.{mart} where company_id = $1 and fiscal_year = $2" for mart in sources
        )
        have = sorted(code for (code,) in con.execute(union, [company_id, fiscal_year]).fetchall())
        near = _nearest(metric_code, have) or have[:NEAREST_SHOWN]
        raise ExplainError(
            f"{company_id} {fiscal_year} has no {metric_code} (printed or derived); "
            f"it has {len(have)} metrics, nearest: {', '.join(near)}"
        )
    if wanted is not None:
        unknown_axes = [pair.split("=")[0] for pair in wanted.split("|") if pair.split("=")[0] not in metric.axes]
        if unknown_axes:
            axes = ", ".join(metric.axes) or "none"
            raise ExplainError(f"{metric_code} has no axis {', '.join(unknown_axes)}; its axes: {axes}")
        if wanted not in combinations:
            raise ExplainError(
                f"{company_id} {fiscal_year} {metric_code} has no figure for members {wanted}; "
                f"it has: {', '.join(_members_text(members) for members in combinations)}"
            )
        explained = [wanted]
    elif "" in combinations:
        explained = [""]
    else:
        explained = combinations
    restatements = _restatements(con, marts, key)
    figures = []
    for members in explained:
        value = values.get(members, {})
        printed = tuple(printing for of, printing in printings if of == members)
        figures.append(
            Figure(
                members=members,
                is_reported=value.get("is_reported"),
                value_canonical=value.get("value_canonical"),
                value_lower=value.get("value_lower"),
                value_upper=value.get("value_upper"),
                canonical_unit=value.get("canonical_unit") or metric.canonical_unit,
                value_qualifier=value.get("value_qualifier"),
                not_reported_as_printed=value.get("not_reported_as_printed"),
                boundary_code=value.get("boundary_code"),
                printings=printed,
                restatements=tuple(restatement for of, restatement in restatements if of == members),
                findings=tuple(_findings(con, marts, key, members, printed)),
                intensities=tuple(intensity for of, intensity in intensities if of == members),
            )
        )
    breakdowns = [
        Breakdown(
            members=members,
            value_canonical=values.get(members, {}).get("value_canonical"),
            value_lower=values.get(members, {}).get("value_lower"),
            value_upper=values.get(members, {}).get("value_upper"),
            canonical_unit=values.get(members, {}).get("canonical_unit") or metric.canonical_unit,
            printings=sum(of == members for of, _ in printings),
        )
        for members in combinations
        if members not in explained
    ]
    company_name = con.execute(
        "select any_value(company_name) from marts.fct_kpi_reported_values where company_id = ?", [company_id]
    ).fetchone()[0]
    return Explanation(
        warehouse=str(warehouse),
        build=_build(con),
        company_id=company_id,
        company_name=company_name,
        fiscal_year=fiscal_year,
        metric=metric,
        figures=tuple(figures),
        breakdowns=tuple(breakdowns),
        missing_marts=tuple(name for name in OPTIONAL_MARTS if name not in marts),
    )


# --- rendering -------------------------------------------------------------------------------------


def _significant(value: Decimal) -> Decimal:
    """At most SIGNIFICANT_DIGITS significant digits: what floating point added beyond them is noise."""
    return Context(prec=SIGNIFICANT_DIGITS).plus(value)


def number(value: Decimal | float | int | None, step: Decimal | None = None) -> str:
    """A number as people write it: thousands separated, no float noise, no trailing zeros, no exponent.

    With `step` (the half-width of the figure's interval) it is shown to two digits below that step's
    first digit: 52,916.666666666667 MWh from 190,500 GJ is 52,916.667 when the printing is ± 0.139 MWh."""
    if value is None:
        return "-"
    exact = _significant(_decimal(value))
    if step:
        # More digits than a Decimal holds: keep the significant ones.
        with contextlib.suppress(InvalidOperation):
            exact = exact.quantize(Decimal(1).scaleb(min(step.adjusted() - 2, 0)))
    return f"{exact.normalize():,f}"


def _interval(lower, upper, unit: str | None = None) -> str:
    """`[lower .. upper] unit`, each end at the precision the interval's width allows; '' for none."""
    if lower is None and upper is None:
        return ""
    step = _step(lower, upper)
    low = number(lower, step) if lower is not None else "unbounded"
    high = number(upper, step) if upper is not None else "unbounded"
    return f"[{low} .. {high}]" + (f" {unit}" if unit else "")


def _decimal(value: Decimal | float | int) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _step(lower, upper) -> Decimal | None:
    """Half the width of an interval: the precision its ends are worth showing at."""
    if lower is None or upper is None or upper == lower:
        return None
    return abs(_decimal(upper) - _decimal(lower)) / 2


def _members_text(members: str | None) -> str:
    return members.replace("|", ", ") if members else "(total)"


def _members_option(members: str) -> str:
    return " ".join(f"--members {pair}" for pair in members.split("|")) if members else "(without --members)"


def _where(printing: Printing) -> str:
    place = printing.location
    if printing.column_label:
        place += f", column {printing.column_label}"
    return place


def _value_line(figure: Figure) -> str:
    step = _step(figure.value_lower, figure.value_upper)
    if figure.is_reported is False:
        return f"not reported (printed {figure.not_reported_as_printed!r})"
    value = f"{number(figure.value_canonical, step)} {figure.canonical_unit}"
    interval = _interval(figure.value_lower, figure.value_upper)
    return f"{value}  {interval}".rstrip()


def _conversion(printing: Printing) -> list[str]:
    if printing.value_number_as_printed is None:
        shown = printing.not_reported_as_printed or printing.value_as_printed
        return [f"nothing to convert: printed {shown!r}, not a number"]
    unit = printing.unit_as_printed or "(no unit printed)"
    lines = []
    step = _step(printing.value_lower, printing.value_upper)
    if printing.canonical_multiplier is not None and printing.value_canonical is not None:
        factor = f"× {number(printing.canonical_multiplier)}"
        if printing.canonical_divisor != 1:  # GJ -> MWh is × 5 ÷ 18: no decimal holds it
            factor += f" ÷ {number(printing.canonical_divisor)}"
        lines.append(
            f"{number(printing.value_number_as_printed)} {unit} {factor} = "
            f"{number(printing.value_canonical, step)} {printing.canonical_unit}"
        )
    if printing.half_step is not None:
        decimals = printing.decimals_printed
        lines.append(
            f"{decimals} decimal{'' if decimals == 1 else 's'} printed: ± {number(printing.half_step)} {unit}"
            f" → {_interval(printing.value_lower, printing.value_upper, printing.canonical_unit)}"
        )
    if printing.value_qualifier:
        lines.append(f"qualifier {printing.value_qualifier!r} as printed")
    if printing.currency:
        money = f"currency {printing.currency}, kept as printed ({printing.canonical_unit})"
        usd = printing.usd
        if usd and usd.value_usd_m is not None and usd.units_per_usd is not None:
            money += (
                f"; in US dollars {number(usd.value_usd_m, _step(usd.value_usd_m_lower, usd.value_usd_m_upper))}"
                f" USD m at {number(usd.units_per_usd)} {printing.currency} per USD ({usd.rate_kind}: {usd.source})"
            )
        lines.append(money)
    return lines


def _printing_lines(printing: Printing, figure: Figure) -> list[str]:
    mark = "[item]" if printing.is_latest and figure.is_reported is None else "[stands]"
    mark = mark if printing.is_latest else "[superseded]"
    lines = [f"  {mark} {printing.document_path}  sha256 {printing.document_sha256[:SHA_SHOWN]}  {_where(printing)}"]
    detail = []
    if printing.document_fiscal_year is not None:
        detail.append(("report year", str(printing.document_fiscal_year)))
    heading = printing.table_heading or ""
    if printing.section_heading:
        heading += f"  (section: {printing.section_heading})"
    if heading:
        detail.append(("table", heading))
    detail.append(("label", printing.label_as_printed or "-"))
    value = printing.value_as_printed or printing.not_reported_as_printed or "-"
    detail.append(("printed", f"{value}  unit {printing.unit_as_printed or '(none)'}"))
    if printing.line_text is not None:
        detail.append(("line text", printing.line_text))
    if printing.quoted_text:
        quoted = printing.quoted_text + (f"  ({printing.quoted_location})" if printing.quoted_location else "")
        detail.append(("quoted", quoted))
    if printing.footnote_markers:
        detail.append(("footnotes", printing.footnote_markers))
    detail.append(("mapped by", printing.mapping_source or "-"))
    for number_, text in enumerate(_conversion(printing)):
        detail.append(("conversion" if number_ == 0 else "", text))
    width = max(len(name) for name, _ in detail)
    lines += [f"      {name:<{width}}  {text}" for name, text in detail]
    return lines


def _intensity_lines(intensity: Intensity) -> list[str]:
    title = f"{intensity.metric_code}" + (f" {{{intensity.members}}}" if intensity.members else "")
    derived = _interval(intensity.derived_lower, intensity.derived_upper, intensity.unit)
    printed = (
        f"{intensity.printed_value_as_printed} {intensity.printed_unit_as_printed or ''}".rstrip()
        + (f" ({intensity.printed_location})" if intensity.printed_location else "")
        if intensity.printed_value_as_printed
        else ""
    )
    if intensity.role != "intensity":
        summary = f"{'printed ' + printed if printed else 'not printed'}; derived {derived or '-'}"
        return [f"  {intensity.role} of {title}: {intensity.status}; {summary}"]
    step = _step(intensity.derived_lower, intensity.derived_upper)
    denominator = (
        f"{number(intensity.denominator_value)} {intensity.denominator_unit} from {intensity.denominator_source}"
        if intensity.is_denominator_disclosed
        else "not disclosed"
    )
    lines = [
        f"  {title}: {intensity.status}",
        f"      formula      {intensity.formula}",
        f"      numerator    {number(intensity.numerator_value)} {intensity.numerator_unit}"
        f" from {intensity.numerator_source}",
        f"      denominator  {denominator}",
        f"      derived      {number(intensity.derived_value, step)} {intensity.unit}  {derived}".rstrip(),
        f"      printed      {printed}  {_interval(intensity.printed_lower, intensity.printed_upper, intensity.unit)}"
        if printed
        else "      printed      no",
    ]
    if intensity.agrees_at_printed_precision is not None:
        lines.append(f"      agrees at printed precision: {'yes' if intensity.agrees_at_printed_precision else 'no'}")
    if intensity.boundary_note:
        lines.append(f"      boundary     {intensity.boundary_note}")
    return lines


def _unlisted_value(metric: Metric, figure: Figure) -> str:
    """What stands for a figure marts.fct_kpi_values holds no row of."""
    if metric.kind == "item":
        return "itemised: each printing below is one item (marts.fct_community_investments), no single figure"
    for intensity in figure.intensities:
        if intensity.role == "intensity" and intensity.derived_value is not None:
            step = _step(intensity.derived_lower, intensity.derived_upper)
            interval = _interval(intensity.derived_lower, intensity.derived_upper)
            return f"not printed; derived {number(intensity.derived_value, step)} {intensity.unit}  {interval}"
    return "no row in marts.fct_kpi_values"


def _figure_lines(explanation: Explanation, figure: Figure) -> list[str]:
    metric = explanation.metric
    lines = ["Figure"]
    others = f"; {len(explanation.breakdowns)} other(s) listed under Breakdowns" if explanation.breakdowns else ""
    lines.append(f"  members    {_members_text(figure.members)}{others}")
    if figure.is_reported is None:
        lines.append(f"  value      {_unlisted_value(metric, figure)}")
    else:
        lines.append(f"  value      {_value_line(figure)}")
        lines.append(f"  qualifier  {figure.value_qualifier or 'none'}")
        if figure.boundary_code:
            lines.append(f"  boundary   {figure.boundary_code}")
    lines.append("")
    count = len(figure.printings)
    times = f"Printed {count} time{'' if count == 1 else 's'}" if count else "Printed: never"
    if figure.is_reported is not None and any(printing.is_latest for printing in figure.printings):
        times += "; the one marked [stands] is in marts.fct_kpi_values"
    lines.append(times)
    if not figure.printings:
        lines.append("  in no document; see marts.fct_kpi_intensities below")
    for printing in figure.printings:
        lines += _printing_lines(printing, figure)
    if figure.restatements:
        lines += ["", f"Restated ({len(figure.restatements)}, marts.fct_kpi_restatements)"]
        for restatement in figure.restatements:
            verdict = (
                "changed beyond rounding"
                if restatement.is_beyond_rounding
                else "changed within rounding"
                if restatement.is_changed
                else "unchanged"
            )
            change = (
                f", change {number(restatement.change_in_value)} {restatement.canonical_unit}"
                if restatement.is_changed and restatement.change_in_value is not None
                else ""
            )
            lines.append(
                f"  {restatement.old_value_as_printed} ({restatement.old_document_path} {restatement.old_location})"
                f" → {restatement.new_value_as_printed} ({restatement.new_document_path} {restatement.new_location}):"
                f" {verdict}{change}"
            )
    lines += ["", f"Checks ({len(figure.findings)}, marts.fct_audit_findings)"]
    if not figure.findings:
        lines.append("  none involves it")
    for finding in figure.findings:
        subject = f" {finding.subject}" if finding.subject else ""
        members = f" {{{finding.members}}}" if finding.members else ""
        status = finding.status + (" (excepted)" if finding.is_excepted else "")
        lines.append(f"  {finding.check_code}{subject}{members} [{finding.severity}]: {status}")
        lines.append(f"      {finding.message}")
        if finding.exception_reason:
            lines.append(f"      accepted: {finding.exception_reason}")
    lines += ["", f"Intensities ({len(figure.intensities)}, marts.fct_kpi_intensities)"]
    if not figure.intensities:
        lines.append(f"  none with {metric.code} as numerator or denominator")
    for intensity in figure.intensities:
        lines += _intensity_lines(intensity)
    return lines


def render(explanation: Explanation) -> str:
    metric = explanation.metric
    company = explanation.company_id + (f" ({explanation.company_name})" if explanation.company_name else "")
    codes = ", ".join(
        f"{name} {code}" for name, code in (("HKEX", metric.hkex_kpi), ("GRI", metric.gri_disclosure)) if code
    )
    lines = [
        f"{company} {explanation.fiscal_year}  {metric.code}: {metric.name_en}",
        f"  {metric.kind}, canonical unit {metric.canonical_unit}" + (f"; {codes}" if codes else ""),
        f"  warehouse {explanation.warehouse}" + (f" ({explanation.build})" if explanation.build else ""),
    ]
    if explanation.missing_marts:
        lines.append(f"  not in this warehouse: {', '.join(f'marts.{name}' for name in explanation.missing_marts)}")
    for figure in explanation.figures:
        lines += ["", *_figure_lines(explanation, figure)]
    if explanation.breakdowns:
        lines += ["", f"Breakdowns ({len(explanation.breakdowns)}; explain one with the option shown)"]
        for breakdown in explanation.breakdowns:
            step = _step(breakdown.value_lower, breakdown.value_upper)
            value = (
                f"{number(breakdown.value_canonical, step)} {breakdown.canonical_unit}"
                if breakdown.value_canonical is not None
                else f"{breakdown.printings} printing(s)"
            )
            lines.append(f"  {_members_text(breakdown.members)}: {value}   {_members_option(breakdown.members)}")
    return "\n".join(lines)
