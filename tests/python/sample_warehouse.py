"""A private copy of the sample warehouse for tests that read the built marts.

scripts/test.sh builds the sample into $DBT_DUCKDB_PATH before pytest: when that file
holds the marts a test needs, it is copied (a private copy keeps one test's locks and
writes away from the others); pytest run on its own builds the sample instead."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from rectools.dbt import run_dbt


def has_marts(path: Path, marts: tuple[str, ...]) -> bool:
    """True when path is a DuckDB file holding every one of those marts."""
    if not path.is_file():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        placeholders = ", ".join("?" for _ in marts)
        found = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                            f"and table_name in ({placeholders})", list(marts)).fetchone()[0]
        return found == len(marts)
    finally:
        con.close()


def sample_warehouse(root: Path, marts: tuple[str, ...]) -> Path:
    """A copy of $DBT_DUCKDB_PATH in root when it holds those marts, else the sample built
    there (models, seeds, no tests; dbt's target and logs under root)."""
    built = Path(os.environ["DBT_DUCKDB_PATH"]) if os.environ.get("DBT_DUCKDB_PATH") else None
    if built is not None and has_marts(built, marts):
        copy = root / built.name  # same file name: DuckDB names the catalog after it
        shutil.copyfile(built, copy)
        return copy
    db = root / "warehouse.duckdb"
    result = run_dbt(["build", "--exclude", "test_type:data", "test_type:unit",
                      "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
                     duckdb_path=db)
    assert result.returncode == 0, result.stdout[-4000:]
    return db
