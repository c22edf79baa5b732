"""Command line: `python -m loaders load …` and `python -m loaders summary …`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loaders.errors import LoaderError
from loaders.labels import read_unit_vocabulary
from loaders.pipeline import discover, read_documents
from loaders.warehouse import write_documents

DEFAULT_UNITS = Path("seeds/unit_conversions.csv")


def _load(args: argparse.Namespace) -> int:
    found = discover(args.paths)
    for path, why in found.ignored:
        print(f"{path}: ignored: {why}", file=sys.stderr)
    if not found.documents:
        raise LoaderError(f"no documents found in {', '.join(map(str, args.paths))}")
    if not args.units.is_file():
        raise LoaderError(f"{args.units}: unit table not found (pass --units)")
    documents, errors = read_documents(found.documents, read_unit_vocabulary(args.units))
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} document(s) could not be read; nothing was written to {args.warehouse}", file=sys.stderr)
        return 1
    write_documents(args.warehouse, documents, prune=args.prune)
    for document in documents:
        found_in = document.extraction
        kpi_tables = sum(table.is_kpi_table for table in found_in.tables)
        print(
            f"{document.path}: {kpi_tables} KPI tables, {found_in.candidate_line_count} candidate lines -> "
            f"{len(found_in.values)} values, {len(found_in.rejects)} rejects"
        )
        for reject in found_in.rejects:
            print(
                f"{document.path}:{reject.line_number}: rejected ({reject.reason_code}): {reject.reason}",
                file=sys.stderr,
            )
    print(f"loaded {len(documents)} document(s) into {args.warehouse} (schema raw)")
    return 0


def _summary(args: argparse.Namespace) -> int:
    from loaders.summary import print_summary

    return print_summary(args.warehouse, args.run_results)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser("load", help="load report documents into the warehouse's raw schema")
    load.add_argument("paths", nargs="+", type=Path, help="documents or folders of documents")
    load.add_argument("--warehouse", type=Path, required=True, help="DuckDB file to write")
    load.add_argument("--units", type=Path, default=DEFAULT_UNITS, help="unit conversions seed (printed units known)")
    load.add_argument("--prune", action="store_true", help="remove documents not in PATHS, so raw mirrors them")
    load.set_defaults(handler=_load)

    summary = commands.add_parser("summary", help="print what a build produced and every failed check")
    summary.add_argument("--warehouse", type=Path, required=True)
    summary.add_argument("--run-results", type=Path, default=Path("target/run_results.json"))
    summary.set_defaults(handler=_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except LoaderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
