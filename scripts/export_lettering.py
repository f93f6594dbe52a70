#!/usr/bin/env python3
"""Export the sure cash applications (proposed_auto) for lettering in the ERP, one CSV per ERP entity.

Writes <out-dir>/<entity>.csv (the receipt's entity), one row per (receipt, document):
entity, receipt_id, value_date, erp_document_id, erp_document_number, erp_customer_id,
applied_amount, currency, match_method, match_confidence, decision_id. proposed_auto
holds the engine's sure matches and the proposals a reviewer accepted (match_method
decision, with the decision_id of the reviewer's decision; empty for the engine's).
Rows in review are not exported: a human decides those. A file an earlier export wrote
for an entity with nothing to letter today is removed.

Exit codes: 0 written; 2 no warehouse or no marts.payment_applications."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rectools.contract import PROJECT_ROOT  # noqa: E402
from rectools.lettering import DEFAULT_OUT_DIR, ExportError, export_auto_applications  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duckdb", default=os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb"),
                        help="built DuckDB file (default: $DBT_DUCKDB_PATH or ./warehouse.duckdb)")
    parser.add_argument("--out-dir", default=DEFAULT_OUT_DIR,
                        help=f"folder of the per-entity CSV files (default: {DEFAULT_OUT_DIR})")
    args = parser.parse_args(argv)
    db, out_dir = Path(args.duckdb), Path(args.out_dir)
    db = db if db.is_absolute() else PROJECT_ROOT / db
    out_dir = out_dir if out_dir.is_absolute() else PROJECT_ROOT / out_dir
    try:
        summary = export_auto_applications(db, out_dir)
    except ExportError as error:
        print(f"export_lettering: {error}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
