"""Command line: `python -m loaders load …`, `python -m loaders summary …`, `python -m loaders explain …`."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from loaders import seeds
from loaders.errors import REFUSED_EXIT, LoaderError
from loaders.metadata import MetadataFolders
from loaders.pipeline import discover, read_documents
from loaders.warehouse import loaded_documents, write_documents

DEFAULT_SEEDS = Path("seeds")
# The published warehouse `make build` writes, which `explain` reads by default.
DEFAULT_WAREHOUSE = Path("warehouse.duckdb")
PROJECT = Path(__file__).resolve().parents[1]
# Sidecars written for documents kept elsewhere (a read-only store); used when no --metadata is given.
DEFAULT_METADATA = Path("metadata")
# Below this many documents a progress bar is noise.
PROGRESS_FROM = 10
# Rejects printed per document; all of them are in raw.rejected_lines.
MESSAGES_PER_DOCUMENT = 50


def _progress(paths: list[Path]) -> Iterable[Path]:
    """A progress bar naming the document being read, when there are many and a terminal to show it."""
    if len(paths) < PROGRESS_FROM or not sys.stderr.isatty():
        return paths
    from tqdm import tqdm

    return tqdm(paths, unit="doc", file=sys.stderr, desc="reading")


def _load(args: argparse.Namespace) -> int:
    found = discover(args.paths)
    for path, why in found.ignored:
        print(f"{path}: ignored: {why}", file=sys.stderr)
    if not found.documents:
        raise LoaderError(f"no documents found in {', '.join(map(str, args.paths))}")
    folders = MetadataFolders.scan(metadata_folders(args.metadata))
    loaded = loaded_documents(args.warehouse) if args.changed_only else None
    with tempfile.TemporaryDirectory(prefix="esg-load-") as workdir:
        result = read_documents(found.documents, Path(workdir), _progress, folders, loaded=loaded)
        documents, errors = result.documents, result.errors
        for skipped in result.skipped:
            print(str(skipped), file=sys.stderr)
        if result.unchanged:
            print(f"{len(result.unchanged)} document(s) unchanged since loaded: not read again", file=sys.stderr)
        for document in documents:
            if document.metadata.extra:
                keys = ", ".join(document.metadata.extra)
                print(f"{document.metadata_path}: warning: kept, not read: {keys}", file=sys.stderr)
        for error in errors:
            print(f"error: refused: {error}", file=sys.stderr)
        kept = [unchanged.path for unchanged in result.unchanged]
        write_documents(args.warehouse, documents, prune=args.prune, refused=result.refused, kept=kept)
    for document in documents:
        found_in = document.extraction
        kpi_tables = sum(table.is_kpi_table for table in found_in.tables)
        print(
            f"{document.path}: {kpi_tables} KPI tables, {found_in.candidate_line_count} candidate lines -> "
            f"{found_in.value_count} values, {found_in.reject_count} rejects"
        )
        for reject in found_in.rejects[:MESSAGES_PER_DOCUMENT]:
            # file:line as editors and terminals link it; a page and row for PDFs and workbooks.
            where = (
                f"{document.path}:{reject.line_number}"
                if reject.location.startswith("line ")
                else f"{document.path} {reject.location}"
            )
            print(f"{where}: rejected ({reject.reason_code}): {reject.reason}", file=sys.stderr)
        if found_in.reject_count > MESSAGES_PER_DOCUMENT:
            print(
                f"{document.path}: {found_in.reject_count - MESSAGES_PER_DOCUMENT} more rejects in raw.rejected_lines",
                file=sys.stderr,
            )
    print(f"loaded {len(documents)} document(s) into {args.warehouse} (schema raw)")
    if errors:
        print(
            f"refused {len(errors)} document(s), listed above and in raw.refused_documents; the others are loaded",
            file=sys.stderr,
        )
        return REFUSED_EXIT
    return 0


def _map(args: argparse.Namespace) -> int:
    from loaders import mapping

    found = discover(args.paths)
    folders = MetadataFolders.scan(metadata_folders(args.metadata))
    with tempfile.TemporaryDirectory(prefix="esg-map-") as workdir:
        result = read_documents(found.documents, Path(workdir), folders=folders)
    for error in result.errors:
        print(f"error: {error}", file=sys.stderr)
    listed = mapping.unmapped_labels(result.documents)
    for entry in listed:
        print(mapping.describe(entry))
    print(f"{len(listed)} labels map to no metric in {len(result.documents)} document(s)")
    chosen = {entry.number: entry for entry in listed}
    for number in args.accept or []:
        entry = chosen.get(number)
        if entry is None or entry.proposed_metric is None:
            raise LoaderError(f"--accept {number}: no such label, or it proposes no metric (map it by hand)")
        written = mapping.accept_into_aliases(entry) if args.into == "aliases" else mapping.accept_into_sidecar(entry)
        print(f"accepted {number}: {entry.label!r} -> {entry.proposed_metric} in {written}")
    if args.accept and args.into == "aliases":
        seeds.refresh(DEFAULT_SEEDS)
    return 1 if result.errors else 0


def metadata_folders(given: list[Path] | None) -> list[Path]:
    """The metadata folders named with --metadata, else the project's own when there is one."""
    if given is not None:
        return given
    return [DEFAULT_METADATA] if DEFAULT_METADATA.is_dir() else []


def _seeds(args: argparse.Namespace) -> int:
    from loaders import semantic

    messages = seeds.refresh(args.seeds, check=args.check)
    messages += semantic.refresh(args.seeds.parent, check=args.check)
    for message in messages:
        print(message)
    if args.check and messages:
        print("run `make seeds` (python -m loaders seeds) and commit the result", file=sys.stderr)
        return 1
    return 0


def _summary(args: argparse.Namespace) -> int:
    from loaders.summary import print_summary

    return print_summary(args.warehouse, args.run_results)


def _build(args: argparse.Namespace) -> int:
    from loaders import semantic
    from loaders.build import run_build
    from loaders.publish import default_exports

    for message in seeds.refresh(args.project / "seeds"):  # what dbt joins on, as the loaders write it
        print(message)
    for message in semantic.refresh(args.project):  # a metric for every KPI of the catalogue
        print(message)
    return run_build(
        args.reports,
        args.warehouse,
        args.target_path,
        args.exports or default_exports(args.warehouse),
        args.project,
        metadata_folders(args.metadata),
        strict=args.strict,
        full=args.full,
        engine=args.engine,
    )


def _raw_parquet(args: argparse.Namespace) -> int:
    from loaders.spark import write_raw_parquet

    write_raw_parquet(args.warehouse, args.out)
    print(f"raw tables of {args.warehouse} written to {args.out}/<table>.parquet")
    return 0


def _compare_engines(args: argparse.Namespace) -> int:
    from loaders.spark import compare_engines

    return compare_engines(
        args.reports, args.folder, args.project, metadata_folders(args.metadata), args.company_years, args.broken
    )


def _audit(args: argparse.Namespace) -> int:
    from loaders.audit import AuditError, write_audit

    try:
        report, manifest = write_audit(args.warehouse, args.out, args.project)
    except AuditError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {report} and {manifest}")
    return 0


def _xbrl(args: argparse.Namespace) -> int:
    from loaders.xbrl import XbrlError, export

    try:
        exported = export(args.warehouse, args.out, args.project / "seeds")
    except XbrlError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    facts = sum(len(facts) for facts in exported.reports.values()) - len(exported.not_exported)
    print(
        f"wrote {args.out}/taxonomy ({len(exported.taxonomy.concepts)} concepts, "
        f"{len(exported.taxonomy.calculations)} calculation networks) and {len(exported.reports)} report(s) "
        f"with {facts} facts; {len(exported.not_exported)} printed figure(s) have no XBRL form "
        f"({args.out}/not-exported.csv)"
    )
    return 0


def _xbrl_check(args: argparse.Namespace) -> int:
    from loaders.xbrl import XbrlError
    from loaders.xbrl_check import check, render

    try:
        comparison = check(args.warehouse, args.out, args.project / "seeds", args.arelle)
    except XbrlError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(render(comparison))
    return 0 if comparison.ok else 1


def _explain(args: argparse.Namespace) -> int:
    from loaders.explain import ExplainError, explain, render

    try:
        explanation = explain(args.warehouse, args.company, args.year, args.metric, args.members)
    except ExplainError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    print(render(explanation))
    return 0


def _docs_check(args: argparse.Namespace) -> int:
    from loaders.docs_check import DocsError, undocumented

    try:
        problems = undocumented(args.target)
    except DocsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem)
    print(f"{len(problems)} undescribed models, seeds, sources or columns")
    return 1 if problems else 0


def _bench(args: argparse.Namespace) -> int:
    from loaders.bench import run, run_add, run_text

    if args.text_megabytes:
        return run_text(args.text_megabytes, args.folder)
    if args.add:
        return run_add(args.folder, PROJECT)
    return run(args.company_years, args.folder, PROJECT)


def _metadata_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--metadata",
        type=Path,
        action="append",
        metavar="DIR",
        help=f"a folder of sidecars for documents kept elsewhere (repeatable; default: {DEFAULT_METADATA}/ if present)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="load report documents into the warehouse's raw schema")
    load.add_argument("paths", nargs="+", type=Path, help="documents or folders of documents")
    load.add_argument("--warehouse", type=Path, required=True, help="DuckDB file to write")
    load.add_argument("--prune", action="store_true", help="remove documents not in PATHS, so raw mirrors them")
    load.add_argument(
        "--changed-only",
        action="store_true",
        help="read only documents new or changed (content or sidecar) since loaded into this warehouse",
    )
    _metadata_option(load)
    load.set_defaults(handler=_load)

    mapper = commands.add_parser("map", help="list labels that map to no metric, with proposals; accept some")
    mapper.add_argument("paths", nargs="+", type=Path, help="documents or folders of documents")
    mapper.add_argument("--accept", type=int, nargs="+", metavar="N", help="write these proposals (by number)")
    mapper.add_argument(
        "--into",
        choices=("sidecar", "aliases"),
        default="sidecar",
        help="the document's sidecar labels: (default) or the shared seeds/label_aliases.csv",
    )
    _metadata_option(mapper)
    mapper.set_defaults(handler=_map)

    refresh = commands.add_parser("seeds", help="fill the seed columns derived by the loaders' rules")
    refresh.add_argument("seeds", type=Path, nargs="?", default=DEFAULT_SEEDS)
    refresh.add_argument("--check", action="store_true", help="only report what is out of date")
    refresh.set_defaults(handler=_seeds)

    bench = commands.add_parser("bench", help="load and build a synthetic dataset; print the figures")
    bench.add_argument("--company-years", type=int, default=50_000, help="company-years, 20 values each")
    bench.add_argument("--folder", type=Path, default=Path("target/bench"))
    bench.add_argument("--add", action="store_true", help="instead: time adding one report to the panel built")
    bench.add_argument(
        "--text-megabytes", type=float, help="instead: load one generated text report of this size (line by line)"
    )
    bench.set_defaults(handler=_bench)

    summary = commands.add_parser("summary", help="print what a build produced and every failed check")
    summary.add_argument("--warehouse", type=Path, required=True)
    summary.add_argument("--run-results", type=Path, default=Path("target/run_results.json"))
    summary.set_defaults(handler=_summary)

    build = commands.add_parser("build", help="load, run dbt, summarise and publish atomically (make build)")
    build.add_argument("reports", nargs="+", type=Path, help="documents or folders of documents")
    build.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (a link to its build)")
    build.add_argument(
        "--exports", type=Path, help="the published Parquet folder, a link too (default: <warehouse name>_exports)"
    )
    build.add_argument("--target-path", type=Path, default=Path("target/build"), help="dbt's target folder")
    build.add_argument("--project", type=Path, default=Path("."), help="project folder, for seeds and requirements")
    build.add_argument(
        "--strict", action="store_true", help="publish nothing when a document is refused (make build STRICT=1)"
    )
    build.add_argument(
        "--full", action="store_true", help="rebuild from nothing, not from the published warehouse (make build FULL=1)"
    )
    build.add_argument(
        "--engine", choices=["duckdb", "spark"], default="duckdb", help="where dbt runs (make build ENGINE=spark)"
    )
    _metadata_option(build)
    build.set_defaults(handler=_build)

    raw = commands.add_parser("raw-parquet", help="write a warehouse's raw tables as Parquet (for Spark, RAW_PARQUET)")
    raw.add_argument("--warehouse", type=Path, required=True, help="DuckDB file the loaders wrote")
    raw.add_argument("--out", type=Path, required=True, help="folder for <table>.parquet")
    raw.set_defaults(handler=_raw_parquet)

    compare = commands.add_parser(
        "compare-engines", help="build reports and a generated panel on DuckDB and on Spark; compare every mart"
    )
    compare.add_argument("reports", nargs="+", type=Path, help="documents or folders of documents")
    compare.add_argument("--folder", type=Path, required=True, help="scratch folder for both builds")
    compare.add_argument("--project", type=Path, default=Path("."), help="project folder")
    compare.add_argument("--company-years", type=int, default=100, help="size of the generated panel")
    compare.add_argument("--broken", action="store_true", help="a panel total that does not add up")
    _metadata_option(compare)
    compare.set_defaults(handler=_compare_engines)

    audit = commands.add_parser("audit", help="write the audit report (HTML) and manifest (JSON) of a warehouse")
    audit.add_argument("--warehouse", type=Path, required=True)
    audit.add_argument("--out", type=Path, default=Path("audit"))
    audit.add_argument("--project", type=Path, default=Path("."), help="project folder, for seeds and requirements")
    audit.set_defaults(handler=_audit)

    explain = commands.add_parser(
        "explain", help="one figure's lineage: printings, lines as printed, conversion, checks, intensities"
    )
    explain.add_argument("company", help="company_id, as in marts.fct_kpi_values")
    explain.add_argument("year", type=int, help="fiscal year")
    explain.add_argument("metric", help="metric_code, as in marts.dim_metrics")
    explain.add_argument(
        "--members",
        action="append",
        metavar="AXIS=MEMBER",
        help="the breakdown to explain (repeatable; default: the total, with the others listed)",
    )
    explain.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="built warehouse, read only")
    explain.set_defaults(handler=_explain)

    xbrl = commands.add_parser("xbrl", help="write the generated taxonomy and each document's facts as xBRL-JSON")
    xbrl.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="built warehouse, read only")
    xbrl.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    xbrl.add_argument("--project", type=Path, default=Path("."), help="project folder, for seeds")
    xbrl.set_defaults(handler=_xbrl)

    xbrl_check = commands.add_parser(
        "xbrl-check", help="xbrl, then compare Arelle's Calculations 1.1 verdicts with the identity findings"
    )
    xbrl_check.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="built warehouse, read only")
    xbrl_check.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    xbrl_check.add_argument("--project", type=Path, default=Path("."), help="project folder, for seeds")
    xbrl_check.add_argument("--arelle", type=Path, required=True, help="Arelle's arelleCmdLine")
    xbrl_check.set_defaults(handler=_xbrl_check)

    docs = commands.add_parser("docs-check", help="fail when a model, seed, source or column has no description")
    docs.add_argument("target", type=Path, help="dbt target folder holding manifest.json and catalog.json")
    docs.set_defaults(handler=_docs_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except LoaderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
