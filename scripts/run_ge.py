#!/usr/bin/env python
"""Run the Great Expectations checks on the built DuckDB warehouse.

Usage: scripts/run_ge.py [--duckdb PATH] [--docs-dir DIR] [--suite NAME ...]

Prints a pass/fail table and where the data docs are. Exit 0 when every expectation
passes, 1 when any fails, 2 when the checks cannot run (missing DuckDB file or table).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rectools.ge_checks import DEFAULT_DOCS_DIR, SUITES, UsageError, format_outcomes, run_checks  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duckdb", type=Path,
        default=Path(os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb")),
        help="built DuckDB file (default: $DBT_DUCKDB_PATH or ./warehouse.duckdb)",
    )
    parser.add_argument("--docs-dir", type=Path, default=DEFAULT_DOCS_DIR,
                        help=f"where to write GE data docs (default: {DEFAULT_DOCS_DIR})")
    parser.add_argument("--suite", action="append", dest="suites", metavar="NAME",
                        help=f"run only this suite (repeatable); known: {', '.join(SUITES)}")
    args = parser.parse_args(argv)

    print("running Great Expectations checks...", file=sys.stderr)
    try:
        result = run_checks(args.duckdb, docs_dir=args.docs_dir, suite_names=args.suites)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_outcomes(result))
    if result.docs_index:
        print(f"data docs: {result.docs_index}")
    if not result.success:
        failed = ", ".join(f"{o.suite}/{o.asset}/{o.expectation}({o.target})" for o in result.failed)
        print(f"FAILED: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
