"""The same generated data read from CSV and from Parquet stages the same rows and
quarantines the same rows (DuckDB finds either file by itself)."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from rectools.contract import PROJECT_ROOT, landing_entities
from rectools.dbt import run_dbt


def _generate(out, fmt: str):
    result = subprocess.run(
        [sys.executable, "scripts/generate_data.py", "--groups", "60", "--seed", "11",
         "--format", fmt, "--out", str(out), "--quiet"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out / "landing"


@pytest.fixture(scope="module")
def csv_and_parquet_builds(tmp_path_factory):
    cons = {}
    for fmt in ("csv", "parquet"):
        base = tmp_path_factory.mktemp(fmt)
        landing = _generate(base / "data", fmt)
        assert any(landing.glob(f"*/*.{fmt}"))
        result = run_dbt(["build", "--select", "staging", "quarantine_rows", "iso_currencies",
                          "--resource-type", "model", "--resource-type", "seed"],
                         dbt_vars={"landing_dir": str(landing)}, duckdb_path=base / "w.duckdb")
        assert result.returncode == 0, result.stdout[-3000:]
        cons[fmt] = duckdb.connect(str(base / "w.duckdb"), read_only=True)
    yield cons
    for con in cons.values():
        con.close()


@pytest.mark.parametrize("relation", [f"staging.stg_{e.relation}" for e in landing_entities()]
                         + ["marts.quarantine_rows"])
def test_csv_and_parquet_give_the_same_rows(csv_and_parquet_builds, relation):
    query = f"select * from {relation} order by all"
    from_csv = csv_and_parquet_builds["csv"].execute(query).fetchall()
    from_parquet = csv_and_parquet_builds["parquet"].execute(query).fetchall()
    assert from_csv, relation
    assert from_parquet == from_csv
