"""Streaming writers: landing files (CSV or Parquet, all columns as strings) and truth CSVs."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from rectools.contract import landing_entities

from .config import BOM_FILE, EXTRA_COLUMN, EXTRA_COLUMN_FILE, REORDERED_FILE


def header_for(system: str, name: str, columns: tuple[str, ...]) -> list[str]:
    """Contract order, except the deliberate quirks (the models read by header name)."""
    cols = list(columns)
    if (system, name) == EXTRA_COLUMN_FILE:
        cols.append(EXTRA_COLUMN)
    if (system, name) == REORDERED_FILE:
        cols = cols[::-1]
    return cols


class _CsvTable:
    def __init__(self, path: Path, header: list[str], bom: bool):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8")
        self.w = csv.writer(self.f, lineterminator="\n")
        self.header = header
        self.w.writerow(header)
        self.count = 0

    def write(self, rows: list[dict]) -> None:
        h = self.header
        self.w.writerows([[r[c] for c in h] for r in rows])
        self.count += len(rows)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.f.close()


class _ParquetTable:
    def __init__(self, path: Path, header: list[str]):
        import pyarrow as pa
        import pyarrow.parquet as pq
        self.pa = pa
        path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = pa.schema([(c, pa.string()) for c in header])
        self.w = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.header = header
        self.buf: list[dict] = []
        self.count = 0
        self.written = False

    def write(self, rows: list[dict]) -> None:
        self.buf.extend(rows)
        self.count += len(rows)

    def flush(self) -> None:
        if not self.buf and self.written:
            return
        cols = {c: [(r[c] if r[c] != "" else None) for r in self.buf] for c in self.header}
        self.w.write_table(self.pa.table(cols, schema=self.schema))
        self.written = True
        self.buf = []

    def close(self) -> None:
        self.flush()
        self.w.close()


class LandingWriter:
    def __init__(self, root: Path, fmt: str):
        self.tables = {}
        for ent in landing_entities():
            key = (ent.system, ent.name)
            header = header_for(ent.system, ent.name, ent.column_names)
            path = root / ent.system / f"{ent.name}.{fmt}"
            self.tables[key] = (_CsvTable(path, header, key == BOM_FILE) if fmt == "csv"
                                else _ParquetTable(path, header))

    def write(self, key: tuple[str, str], rows: list[dict]) -> None:
        if rows:
            self.tables[key].write(rows)

    def flush(self) -> None:
        for t in self.tables.values():
            t.flush()

    def close(self) -> dict[str, int]:
        counts = {}
        for (system, name), t in self.tables.items():
            t.close()
            counts[f"landing/{system}/{name}"] = t.count
        return counts


TRUTH_FILES = {
    "exceptions": ("exception_type", "source_system", "source_record_id"),
    "customer_groups": ("source_system", "source_customer_id", "group_id"),
    "contract_subscription_links": ("crm_contract_id", "subscription_id"),
    "invoice_document_links": ("billing_document_type", "billing_document_id", "erp_document_id"),
    "receipt_document_links": ("receipt_id", "erp_document_id", "applied_amount"),
    "quarantine": ("source_system", "entity", "record_key", "reason_kind"),
    "arr_monthly": ("month", "group_id", "arr_source", "arr"),
}


class TruthWriter:
    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self.files, self.writers, self.counts = {}, {}, {}
        for name, header in TRUTH_FILES.items():
            f = open(root / f"{name}.csv", "w", newline="", encoding="utf-8")
            self.files[name] = f
            self.writers[name] = csv.writer(f, lineterminator="\n")
            self.writers[name].writerow(header)
            self.counts[name] = 0

    def write(self, name: str, rows) -> None:
        rows = list(rows)
        self.writers[name].writerows(rows)
        self.counts[name] += len(rows)

    def close(self) -> dict[str, int]:
        for f in self.files.values():
            f.close()
        return {f"truth/{k}": v for k, v in self.counts.items()}


def concatenate(shard_roots: list[Path], out: Path) -> None:
    """Each file of the shards' landing/ and truth/ folders, concatenated in shard order
    into ``out``: Parquet row group by row group, CSV without the later headers (a
    shard's first line, with its byte-order mark if any)."""
    first = shard_roots[0]
    for src in sorted(p for p in first.rglob("*") if p.is_file()):
        rel = src.relative_to(first)
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.suffix == ".parquet":
            import pyarrow.parquet as pq
            schema = pq.read_schema(src)
            with pq.ParquetWriter(dest, schema, compression="zstd") as w:
                for root in shard_roots:
                    part = pq.ParquetFile(root / rel)
                    for i in range(part.num_row_groups):
                        w.write_table(part.read_row_group(i))
        else:
            with open(dest, "wb") as w:
                for k, root in enumerate(shard_roots):
                    with open(root / rel, "rb") as f:
                        if k:
                            f.readline()
                        shutil.copyfileobj(f, w, 1 << 20)
