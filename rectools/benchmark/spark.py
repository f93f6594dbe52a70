"""The Spark side of the benchmark: export the marts built on the `spark` target to
Parquet, and compare them with DuckDB's, row for row.

The export runs in its own process (one Spark session per warehouse and metastore):

    python -m rectools.benchmark.spark BASE OUT_DIR MART [MART ...]

writes OUT_DIR/<mart>/ (Parquet) for each mart of schema ``marts`` of the Spark
warehouse under BASE (see ``rectools.spark.spark_dirs``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def export_marts(base: Path, out: Path, marts: list[str]) -> dict[str, str | None]:
    """{mart: None when written, else the error}."""
    from rectools.spark import spark_session

    session = spark_session(base)
    results: dict[str, str | None] = {}
    try:
        for mart in marts:
            try:
                session.table(f"marts.{mart}").write.mode("overwrite").parquet(str(out / mart))
                results[mart] = None
            except Exception as exc:  # noqa: BLE001 - a missing mart is a result, not a crash
                results[mart] = str(exc).strip().splitlines()[0][:300]
    finally:
        session.stop()
    return results


def _normalised(column: str, type_name: str) -> str:
    """A column as text, the way the parity test compares values: decimals in plain
    notation with their scale, dates and timestamps in ISO form, UTC."""
    quoted = '"' + column.replace('"', '""') + '"'
    upper = type_name.upper()
    if upper.startswith("TIMESTAMP"):
        return f"strftime(cast({quoted} as timestamp), '%Y-%m-%dT%H:%M:%S.%f') as {quoted}"
    if upper == "DATE":
        return f"strftime({quoted}, '%Y-%m-%d') as {quoted}"
    return f"cast({quoted} as varchar) as {quoted}"


def compare_mart(con, duck_relation: str, parquet_dir: Path) -> dict:
    """Row-for-row comparison (multisets) of a DuckDB relation and a Spark export:
    rows on each side, rows only in DuckDB and rows only in Spark (``except all``)."""
    columns = con.execute(f"select column_name, column_type from (describe {duck_relation})").fetchall()
    literal = str(parquet_dir).replace("'", "''")
    spark_relation = f"read_parquet('{literal}/*.parquet')"
    spark_types = dict(con.execute(f"select column_name, column_type from (describe select * from {spark_relation})")
                       .fetchall())
    missing = [name for name, _ in columns if name not in spark_types]
    if missing:
        return {"equal": False, "note": f"columns missing on Spark: {', '.join(missing)}"}
    duck_cols = ", ".join(_normalised(name, kind) for name, kind in columns)
    spark_cols = ", ".join(_normalised(name, spark_types[name]) for name, _ in columns)
    duck_sql = f"select {duck_cols} from {duck_relation}"
    spark_sql = f"select {spark_cols} from {spark_relation}"
    duck_rows = con.execute(f"select count(*) from {duck_relation}").fetchone()[0]
    spark_rows = con.execute(f"select count(*) from {spark_relation}").fetchone()[0]
    only_duck = con.execute(f"select count(*) from ({duck_sql} except all {spark_sql})").fetchone()[0]
    only_spark = con.execute(f"select count(*) from ({spark_sql} except all {duck_sql})").fetchone()[0]
    return {"equal": only_duck == 0 and only_spark == 0 and duck_rows == spark_rows,
            "duckdb_rows": duck_rows, "spark_rows": spark_rows, "only_duckdb": only_duck, "only_spark": only_spark}


def compare_marts(duckdb_path: Path, export_dir: Path, marts: list[str], export_errors: dict) -> dict[str, dict]:
    import duckdb

    con = duckdb.connect(str(duckdb_path), read_only=True)
    con.execute("set timezone = 'UTC'")
    results = {}
    try:
        for mart in marts:
            if export_errors.get(mart):
                results[mart] = {"equal": False, "note": f"not read from Spark: {export_errors[mart]}"}
                continue
            try:
                results[mart] = compare_mart(con, f'marts."{mart}"', export_dir / mart)
            except duckdb.Error as exc:
                results[mart] = {"equal": False, "note": str(exc).strip().splitlines()[0][:300]}
    finally:
        con.close()
    return results


if __name__ == "__main__":
    print(json.dumps(export_marts(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])))
