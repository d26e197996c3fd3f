"""Command line: ``python -m pipelines ingest|build|status|demo|export``.

Exit codes: 0 success, 2 input rejected, 1 internal error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.build import build_warehouse
from pipelines.warehouse import read_version
from pipelines.errors import PipelineError
from pipelines.ingest import ingest_paths
from pipelines.kinds import KINDS
from pipelines.settings import load_settings

EXIT_OK, EXIT_INTERNAL, EXIT_REJECTED = 0, 1, 2


def _progress(step: int, steps: int, label: str) -> None:
    print(f"[{step}/{steps}] {label}", file=sys.stderr, flush=True)


def _cmd_ingest(args: argparse.Namespace) -> int:
    settings = load_settings()
    results = ingest_paths(
        [Path(p) for p in args.paths], settings=settings, kind_name=args.kind, dry_run=args.dry_run, progress=_progress
    )
    for result in results:
        print(f"{result.outcome.upper():9} {result.message}")
        for notice in result.notices:
            print(f"          notice: {notice}")
    rejected = any(r.outcome == "rejected" for r in results)
    if not results:
        print("No files found.", file=sys.stderr)
        return EXIT_REJECTED
    if not args.dry_run and not args.no_build and any(r.outcome == "accepted" for r in results):
        result = build_warehouse(settings, progress=_progress)
        print(f"Built data version {result.data_version}")
    return EXIT_REJECTED if rejected else EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    result = build_warehouse(load_settings(), progress=_progress)
    print(f"Built data version {result.data_version} at {result.built_at}")
    for table, rows in result.tables.items():
        print(f"  {table:20} {rows:>12,}")
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from pipelines.warehouse import open_warehouse, run_query

    settings = load_settings()
    version = read_version(settings)
    con = open_warehouse(settings.warehouse_path)
    try:
        print(f"Warehouse:    {settings.warehouse_path}")
        if version:
            print(f"Data version: {version['data_version']} (built {version['built_at']}{', demo data' if version['is_demo'] else ''})")
        for row in run_query(con, "public_table_rows").iter_rows(named=True):
            print(f"  {row['table_name']:20} {row['row_count']:>12,}")
    finally:
        con.close()
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.demo import build_demo

    result = build_demo(load_settings(), progress=_progress)
    print(f"Demo warehouse built: data version {result.data_version}")
    return EXIT_OK


def _cmd_export_crosstab(args: argparse.Namespace) -> int:
    # The one command that needs analysis: see pipelines/export_cli.py for why it lives there.
    from pipelines.export_cli import run_cli

    return run_cli(args, load_settings())


def _cmd_export_parquet(args: argparse.Namespace) -> int:
    from pipelines.export import export_parquet

    settings = load_settings()
    out = Path(args.dir) if args.dir else settings.data_dir / "parquet"
    for table, rows in export_parquet(settings, out).items():
        print(f"  {table:20} {rows:>12,}  {out / table}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="Load files (or folders of files) into the landing store and rebuild.")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--kind", choices=[k.name for k in KINDS], help="Force the kind instead of recognising it.")
    ingest.add_argument("--dry-run", action="store_true", help="Read and check only; change nothing.")
    ingest.add_argument("--no-build", action="store_true", help="Do not rebuild the warehouse afterwards.")
    ingest.set_defaults(func=_cmd_ingest)
    sub.add_parser("build", help="Rebuild the warehouse from the landing store.").set_defaults(func=_cmd_build)
    sub.add_parser("status", help="Print the data version, tables and row counts.").set_defaults(func=_cmd_status)
    sub.add_parser("demo", help="Ingest the demo samples and build the demo warehouse.").set_defaults(func=_cmd_demo)
    export = sub.add_parser("export", help="Export a table to a file.").add_subparsers(dest="table", required=True)
    crosstab = export.add_parser("crosstab", help="A weighted survey cross-tab as xlsx, csv, sav or parquet.")
    from pipelines.export_cli import add_arguments

    add_arguments(crosstab)
    crosstab.set_defaults(func=_cmd_export_crosstab)
    export = sub.add_parser("export-parquet", help="Write the public tables as partitioned Parquet (default <data_dir>/parquet).")
    export.add_argument("dir", nargs="?", help="Target folder.")
    export.set_defaults(func=_cmd_export_parquet)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as error:
        print(str(error), file=sys.stderr)
        return EXIT_INTERNAL if error.code in ("build_failed",) else EXIT_REJECTED if error.code.startswith(("ingest", "export")) else EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
