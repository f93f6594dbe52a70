#!/usr/bin/env python3
"""Print where the built results are: the DuckDB file, each mart with its row count,
the quarantine by entity and reason, the ARR bridge of the latest month and the
lettering export's files (one CSV per ERP entity)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from rectools.contract import PROJECT_ROOT  # noqa: E402
from rectools.lettering import DEFAULT_OUT_DIR  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default=os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb"))
    parser.add_argument("--exports-dir", default=DEFAULT_OUT_DIR,
                        help=f"folder of the lettering export's per-entity CSV files (default: {DEFAULT_OUT_DIR})")
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
    if ("arr_bridge",) in marts:
        print_arr_bridge(con)
    exports = Path(args.exports_dir)
    print_lettering_files(exports if exports.is_absolute() else PROJECT_ROOT / exports)
    return 0


def print_lettering_files(folder: Path) -> None:
    """The lettering export's files, one per ERP entity, with their row counts."""
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not files:
        return
    print(f"\nlettering export (sure cash applications to import in the ERP), {folder}:")
    for path in files:
        with path.open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1
        print(f"  {path.name:<40} {rows:>6,} rows")


def print_arr_bridge(con) -> None:
    """The latest month of marts.arr_bridge as two waterfalls, opening to closing."""
    rows = con.execute(
        "select month, bridge, step, step_kind, amount, record_count from marts.arr_bridge "
        "where month = (select max(month) from marts.arr_bridge) "
        "order by case bridge when 'crm_to_billing' then 0 else 1 end, step_order"
    ).fetchall()
    if not rows:
        return
    print(f"\nARR bridge at the end of {rows[0][0]:%Y-%m} (reporting currency; marts.arr_bridge):")
    for bridge in ("crm_to_billing", "billing_to_erp"):
        print(f"  {bridge.replace('_', ' ')}")
        for _, name, step, kind, amount, count in (r for r in rows if r[1] == bridge):
            label = step if kind in ("opening", "closing") else f"  {step}"
            records = "" if count is None else f"  ({count:,} record{'' if count == 1 else 's'})"
            print(f"    {label:<30} {amount:>18,.2f}{records}")


if __name__ == "__main__":
    sys.exit(main())
