#!/usr/bin/env python
"""Score the built marts against a generator truth folder.

Usage: scripts/evaluate.py --truth DIR/truth [--duckdb PATH] [--json OUT.json]

Prints one row per metric (part, metric, value, note) and, with --json, writes the
same results as a dict keyed by part. Exit 0 after scoring (a missing mart scores 0,
it is not an error), 2 when the truth folder or the DuckDB file is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tqdm import tqdm  # noqa: E402

from rectools.evaluate import DEFAULT_ARR_CELL_TOLERANCE, evaluate, format_report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--truth", required=True, type=Path, help="truth folder written by the data generator")
    parser.add_argument(
        "--duckdb", type=Path,
        default=Path(os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb")),
        help="built DuckDB file (default: $DBT_DUCKDB_PATH or ./warehouse.duckdb)",
    )
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument(
        "--arr-tolerance", type=float, default=DEFAULT_ARR_CELL_TOLERANCE,
        help=("absolute ARR difference per customer-month tolerated, in ARR cells and in movement amounts "
              f"(default {DEFAULT_ARR_CELL_TOLERANCE})"),
    )
    args = parser.parse_args(argv)

    def progress(names):
        return tqdm(names, desc="scoring", unit="part", leave=False, disable=None)

    try:
        results = evaluate(args.truth, args.duckdb, progress=progress, arr_tolerance=args.arr_tolerance)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
