"""The lettering export: the engine's sure cash applications (payment_applications rows
with status proposed_auto) as CSV files an ERP team can import to letter receipts, one
file per ERP entity (the receipt's entity): <out_dir>/<entity>.csv.

proposed_auto holds the engine's sure matches and the proposals a reviewer accepted
(match_method `decision`, with the reviewer's decision_id; empty for the engine's own
matches), so both are exported; rows in review are not. Amounts are
written exactly as stored (decimal text, never float); rows are sorted by receipt and
document so the same warehouse always gives the same files. A file this export wrote
on an earlier run for an entity that has nothing to letter today is removed, so a
folder never offers yesterday's proposals again."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

# where the scripts write the files unless told otherwise, relative to the project root
DEFAULT_OUT_DIR = "exports/lettering"

COLUMNS = (
    "entity", "receipt_id", "value_date", "erp_document_id", "erp_document_number", "erp_customer_id",
    "applied_amount", "currency", "match_method", "match_confidence", "decision_id",
)

QUERY = f"""
select {', '.join(COLUMNS)}
from marts.payment_applications
where status = 'proposed_auto'
order by entity, receipt_id, erp_document_id
"""

HEADER = ",".join(COLUMNS)


class ExportError(RuntimeError):
    """The warehouse cannot give the export (missing file or mart)."""


@dataclass
class EntityFile:
    entity: str
    path: Path
    rows: int = 0
    receipts: set = field(default_factory=set)
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class ExportSummary:
    out_dir: Path
    files: list[EntityFile] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def receipts(self) -> int:
        return sum(len(f.receipts) for f in self.files)

    @property
    def totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for f in self.files:
            for currency, amount in f.totals.items():
                totals[currency] = totals.get(currency, Decimal(0)) + amount
        return totals

    def lines(self) -> list[str]:
        out = [f"{self.rows:,} sure applications of {self.receipts:,} receipts in {len(self.files)} "
               f"entity file(s) -> {self.out_dir}"]
        for f in self.files:
            amounts = ", ".join(f"{c} {t:,.2f}" for c, t in sorted(f.totals.items()))
            out.append(f"  {f.entity}: {f.rows:,} rows, {len(f.receipts):,} receipts ({amounts}) -> {f.path.name}")
        out += [f"  removed {path.name} (no sure applications for that entity today)" for path in self.removed]
        return out


def file_name(entity: str | None) -> str:
    """The file of an entity: its code, anything but letters, digits, '-', '_' and '.' as '_'."""
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", entity or "") or "no_entity"
    return f"{name.lstrip('.') or 'no_entity'}.csv"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _written_by_us(path: Path) -> bool:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.readline().strip("\r\n\ufeff") == HEADER


def read_applications(duckdb_path: Path) -> list[tuple]:
    """The proposed_auto rows of the warehouse, sorted."""
    if not Path(duckdb_path).exists():
        raise ExportError(f"no warehouse at {duckdb_path}: run dbt build first")
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'payment_applications'").fetchone()[0]
        if not found:
            raise ExportError(f"{duckdb_path} has no marts.payment_applications: run dbt build first")
        return con.execute(QUERY).fetchall()
    finally:
        con.close()


def export_auto_applications(duckdb_path: Path, out_dir: Path) -> ExportSummary:
    """Write the proposed_auto applications of the warehouse to out_dir/<entity>.csv."""
    rows = read_applications(duckdb_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, EntityFile] = {}
    for row in rows:
        record = dict(zip(COLUMNS, row))
        name = file_name(record["entity"])
        entity_file = by_file.setdefault(name, EntityFile(record["entity"] or "", out_dir / name))
        entity_file.rows += 1
        entity_file.receipts.add(record["receipt_id"])
        currency = record["currency"]
        entity_file.totals[currency] = entity_file.totals.get(currency, Decimal(0)) + record["applied_amount"]
    summary = ExportSummary(out_dir, files=[by_file[name] for name in sorted(by_file)])
    for entity_file in summary.files:
        with entity_file.path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows([_text(v) for v in row] for row in rows
                             if file_name(row[0]) == entity_file.path.name)
    for stale in sorted(out_dir.glob("*.csv")):
        if stale.name not in by_file and _written_by_us(stale):
            stale.unlink()
            summary.removed.append(stale)
    return summary
