#!/usr/bin/env python3
"""Print where the built results are: the DuckDB file, each mart with its row count,
and the quarantine by entity and reason."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from rectools.contract import PROJECT_ROOT  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default=os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb"))
    args = parser.parse_args()
    path = Path(args.duckdb)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if not path.exists():
        print(f"no warehouse at {path}: run the quickstart first", file=sys.stderr)
        return 2
    con = duckdb.connect(str(path), read_only=True)
    marts = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    ).fetchall()
    print(f"\nResults are in {path} (DuckDB). Open it with: duckdb {path}")
    print("\nschema marts:")
    for (name,) in marts:
        count = con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
        print(f"  marts.{name:<34} {count:>10,} rows")
    rows = con.execute(
        "select source_system || '/' || entity, count(*) from marts.quarantine_rows "
        "group by 1 order by 1").fetchall()
    if rows:
        print("\nquarantined landing rows (see marts.quarantine_rows for the reasons):")
        for entity, count in rows:
            print(f"  {entity:<40} {count:>6,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
