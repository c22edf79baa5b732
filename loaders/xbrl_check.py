"""`python -m loaders xbrl-check`: Arelle judges every exported report's calculations, and its verdicts are
compared one to one with the warehouse's identity findings.

Arelle (arelle-release, requirements-xbrl.txt, in a virtual environment of its own) loads each xBRL-JSON
report offline with the generated taxonomy and validates it with XBRL Calculations 1.1, rounding to
nearest: the rule the warehouse's identity check follows. Each calculation Arelle binds is a subject
of the check (identity, members, document, company, year), so the two are compared subject by subject:

- agree: Arelle reports the calculation inconsistent where the warehouse's finding fails, and reports
  nothing where it passes;
- a disagreement, which fails the check: either side without the other, or any other error Arelle
  finds in a report (the export must be valid XBRL);
- judged by Calculations 1.1 only: where a part is not printed as a number, Calculations 1.1 sums the
  parts that are, and the warehouse does not judge (`not_evaluable`: the missing part may be what
  closes the gap). Listed, with both sides' words; no disagreement, as the rules differ there by design;
- not compared: identities that are no XBRL calculation (a part that is one member of a breakdown),
  and calculations with a figure exported in its printed unit (a factor no decimal holds: GJ to MWh),
  which XBRL does not sum with figures in the canonical unit. Listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders.warehouse import connect
from loaders.xbrl import Export, Taxonomy, XbrlError, export, parse_members

CALCULATION_CODES = ("calc11e:inconsistentCalculationUsingRounding",)
_FINDINGS_SQL = """
select subject_key, subject, members, document_path, company_id, fiscal_year, status, status_reason, message
from marts.fct_audit_findings
where check_code = 'identity'
"""


@dataclass(frozen=True)
class Finding:
    subject_key: str
    identity_code: str
    members: str
    document_path: str
    status: str
    message: str


@dataclass
class Comparison:
    agreed: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    calculations_only: list[str] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)
    arelle_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.disagreements and not self.arelle_errors


def read_findings(warehouse: Path) -> dict[str, Finding]:
    try:
        with connect(warehouse, read_only=True) as con:
            rows = con.execute(_FINDINGS_SQL).fetchall()
    except duckdb.Error as error:
        raise XbrlError(f"{warehouse}: cannot read marts.fct_audit_findings ({error})") from None
    return {
        key: Finding(key, subject, members or "", document_path, status, message)
        for key, subject, members, document_path, _company, _year, status, _reason, message in rows
    }


def run_arelle(arelle: Path, report: Path, log: Path) -> list[dict]:
    """Arelle's log records for one report: validated offline, Calculations 1.1 rounding to nearest."""
    if not arelle.is_file():
        raise XbrlError(f"{arelle}: Arelle is not installed there (make xbrl-check installs requirements-xbrl.txt)")
    with tempfile.TemporaryDirectory() as config:
        result = subprocess.run(
            [
                str(arelle),
                "--file",
                str(report),
                "--validate",
                "--calc=c11r",
                "--utr",  # units checked against the concepts' item types
                "--workOffline",
                f"--logFile={log}",
                "--logFileMode=w",
            ],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "XDG_CONFIG_HOME": config},  # Arelle's settings and cache stay out of ~
        )
    if result.returncode != 0 or not log.is_file():
        raise XbrlError(f"{report}: Arelle stopped (exit {result.returncode}): {result.stderr.strip()[-500:]}")
    return json.loads(log.read_text(encoding="utf-8"))["log"]


def _subject_key(identity_code: str, fact: dict) -> str:
    members = fact["members"] or ""
    braces = f"{{{members}}}" if members else ""
    return f"{identity_code}{braces}|{fact['document_sha256']}|{fact['company_id']}|{fact['fiscal_year']}"


def _calculation_facts(taxonomy: Taxonomy, facts: dict[str, dict]) -> dict[str, list[dict]]:
    """For each subject (an exported total of a calculation), the report's facts the calculation binds."""
    by_role = {calculation.role: calculation for calculation in taxonomy.calculations}
    by_context: dict[tuple, list[dict]] = defaultdict(list)
    for fact in facts.values():
        if fact.get("xbrl_concept"):
            dims = tuple(
                sorted(
                    (axis, member)
                    for axis, member in parse_members(fact["members"]).items()
                    if taxonomy.axes[axis].is_additive
                )
            )
            by_context[(fact["company_id"], fact["fiscal_year"], dims)].append(fact)
    bound: dict[str, list[dict]] = {}
    for context_facts in by_context.values():
        for calculation in by_role.values():
            totals = [f for f in context_facts if f["xbrl_concept"] == calculation.total]
            parts = [f for f in context_facts if f["xbrl_concept"] in {name for name, _ in calculation.parts}]
            for total in totals:
                bound[_subject_key(calculation.identity_code, total)] = [total, *parts]
    return bound


def compare(exported: Export, findings: dict[str, Finding], logs: dict[Path, list[dict]]) -> Comparison:
    taxonomy = exported.taxonomy
    roles = {calculation.role: calculation for calculation in taxonomy.calculations}
    result = Comparison()
    inconsistent: dict[str, str] = {}
    for report, records in logs.items():
        facts = exported.reports[report]
        for record in records:
            code, level = record["code"], record["level"]
            text = record["message"]["text"]
            if code in CALCULATION_CODES:
                calculation = roles[record["message"]["args"]["linkrole"]]
                total_id = record["refs"][0]["href"].rsplit("#", 1)[1]
                inconsistent[_subject_key(calculation.identity_code, facts[total_id])] = text
            elif level in ("error", "inconsistency", "fatal"):
                result.arelle_errors.append(f"{report.name}: {text}")
    subjects: dict[str, list[dict]] = {}
    for facts in exported.reports.values():
        subjects |= _calculation_facts(taxonomy, facts)
    refused = {identity for identity, _ in taxonomy.not_calculations}
    for key, finding in sorted(findings.items()):
        if finding.identity_code in refused:
            result.not_compared.append(f"{key}: {finding.identity_code} is no XBRL calculation")
            continue
        bound = subjects.get(key, [])
        units = sorted({fact["xbrl_unit"] for fact in bound})
        if len(units) > 1:  # XBRL sums facts of one unit only
            result.not_compared.append(f"{key}: its figures are in different units in XBRL ({', '.join(units)})")
            continue
        arelle = inconsistent.pop(key, None)
        if finding.status == "fail" and arelle:
            result.agreed.append(f"{key}: both inconsistent; Arelle: {arelle}")
        elif finding.status == "pass" and not arelle:
            result.agreed.append(f"{key}: both consistent")
        elif finding.status == "not_evaluable" and not arelle:
            result.agreed.append(f"{key}: neither judges ({finding.message})")
        elif finding.status == "not_evaluable":
            result.calculations_only.append(f"{key}: Arelle: {arelle}; warehouse: {finding.message}")
        else:
            arelle_says = arelle or "consistent"
            result.disagreements.append(f"{key}: warehouse {finding.status} ({finding.message}); Arelle: {arelle_says}")
    for key, text in sorted(inconsistent.items()):
        result.disagreements.append(f"{key}: Arelle: {text}; the warehouse has no identity finding for it")
    return result


def check(warehouse: Path, out: Path, seeds: Path, arelle: Path) -> Comparison:
    exported = export(warehouse, out, seeds)
    logs_folder = out / "arelle"
    logs_folder.mkdir(exist_ok=True)
    logs = {report: run_arelle(arelle, report, logs_folder / f"{report.stem}.log.json") for report in exported.reports}
    return compare(exported, read_findings(warehouse), logs)


def render(comparison: Comparison) -> str:
    lines = []
    for title, items in (
        ("disagreements", comparison.disagreements),
        ("errors Arelle found in the reports", comparison.arelle_errors),
        ("judged by Calculations 1.1 only (a part not printed as a number)", comparison.calculations_only),
        ("not compared", comparison.not_compared),
        ("agreed", comparison.agreed),
    ):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {item}" for item in items]
    verdict = "Arelle and the warehouse agree" if comparison.ok else "Arelle and the warehouse DISAGREE"
    lines.append(verdict)
    return "\n".join(lines)
