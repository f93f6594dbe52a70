"""The scan floor: the cost of only reading the landing data, once, completely.

One DuckDB query reads every landing file (Parquet or CSV) and folds every row into a
hash of the whole row (``hash(t)`` of the row struct ``t``), so projection pushdown can
skip no column and no value goes unread. Run as a module in its own process so that
its memory is measured alone:

    python -m rectools.benchmark.floor LANDING_DIR   # prints one JSON line
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def landing_files(landing: Path) -> list[Path]:
    """Every landing file (system/entity.parquet or .csv), in a stable order."""
    files = sorted(p for p in Path(landing).glob("*/*") if p.suffix in (".parquet", ".csv"))
    if not files:
        raise FileNotFoundError(f"no landing files (*/*.parquet, */*.csv) in {landing}")
    return files


def duckdb_reader(path: Path) -> str:
    """How DuckDB reads a landing file: Parquet as is, CSV with every column as text."""
    literal = str(path).replace("'", "''")
    if path.suffix == ".parquet":
        return f"read_parquet('{literal}')"
    return f"read_csv('{literal}', header = true, all_varchar = true)"


def scan_sql(files: list[Path]) -> str:
    """One query: per file the row count and the xor of every row's hash, summed up."""
    parts = [f"select count(*) as n, bit_xor(hash(t)) as h from {duckdb_reader(path)} as t" for path in files]
    return "select sum(n)::bigint as row_count, bit_xor(h) as checksum from (\n" + "\nunion all\n".join(parts) + "\n)"


def scan(landing: Path) -> dict:
    import duckdb

    files = landing_files(landing)
    con = duckdb.connect()
    started = time.monotonic()
    rows, checksum = con.execute(scan_sql(files)).fetchone()
    seconds = time.monotonic() - started
    con.close()
    return {"files": len(files), "rows": int(rows), "checksum": str(checksum), "query_seconds": seconds,
            "bytes": sum(p.stat().st_size for p in files)}


if __name__ == "__main__":
    print(json.dumps(scan(Path(sys.argv[1]))))
