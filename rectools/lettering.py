"""The lettering export: the engine's sure cash applications (payment_applications rows
with status proposed_auto) as a CSV an ERP team can import to letter receipts.

Amounts are written exactly as stored (decimal text, never float); rows are sorted by
entity, receipt and document so the same warehouse always gives the same file."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

COLUMNS = (
    "entity", "receipt_id", "value_date", "erp_document_id", "erp_document_number", "erp_customer_id",
    "applied_amount", "currency", "match_method", "match_confidence",
)

QUERY = f"""
select {', '.join(COLUMNS)}
from marts.payment_applications
where status = 'proposed_auto'
order by entity, receipt_id, erp_document_id
"""


class ExportError(RuntimeError):
    """The warehouse cannot give the export (missing file or mart)."""


@dataclass
class ExportSummary:
    path: Path
    rows: int = 0
    receipts: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{self.rows:,} sure applications of {self.receipts:,} receipts -> {self.path}"]
        out += [f"  {currency} {total:,.2f}" for currency, total in sorted(self.totals.items())]
        return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def export_auto_applications(duckdb_path: Path, out_path: Path) -> ExportSummary:
    """Write the proposed_auto applications of the warehouse to out_path (CSV)."""
    if not Path(duckdb_path).exists():
        raise ExportError(f"no warehouse at {duckdb_path}: run dbt build first")
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'payment_applications'").fetchone()[0]
        if not found:
            raise ExportError(f"{duckdb_path} has no marts.payment_applications: run dbt build first")
        rows = con.execute(QUERY).fetchall()
    finally:
        con.close()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(out_path)
    receipts = set()
    with out_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_text(v) for v in row])
            record = dict(zip(COLUMNS, row))
            receipts.add(record["receipt_id"])
            summary.totals[record["currency"]] = summary.totals.get(record["currency"], Decimal(0)) + \
                record["applied_amount"]
    summary.rows = len(rows)
    summary.receipts = len(receipts)
    return summary
