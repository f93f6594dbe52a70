#!/usr/bin/env python3
"""Export the engine's sure cash applications (proposed_auto) for lettering in the ERP.

One CSV row per (receipt, document): entity, receipt_id, value_date, erp_document_id,
erp_document_number, erp_customer_id, applied_amount, currency, match_method,
match_confidence. Rows in review are not exported: a human decides those."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rectools.contract import PROJECT_ROOT  # noqa: E402
from rectools.lettering import ExportError, export_auto_applications  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default=os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb"),
                        help="built DuckDB file (default: $DBT_DUCKDB_PATH or ./warehouse.duckdb)")
    parser.add_argument("--out", default="exports/lettering_proposals.csv",
                        help="CSV to write (default: exports/lettering_proposals.csv)")
    args = parser.parse_args(argv)
    db, out = Path(args.duckdb), Path(args.out)
    db = db if db.is_absolute() else PROJECT_ROOT / db
    out = out if out.is_absolute() else PROJECT_ROOT / out
    try:
        summary = export_auto_applications(db, out)
    except ExportError as error:
        print(f"export_lettering: {error}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
