"""Open the Spark session that the dbt `spark` target writes to, to read its tables
back from Python (tests and benchmarks compare them with DuckDB's)."""
from __future__ import annotations

import os
from pathlib import Path

from rectools.contract import PROJECT_ROOT


def spark_dirs(base: Path | None = None) -> dict[str, str]:
    """Environment pointing the `spark` target's warehouse and metastore at ``base``
    (default: the project root, as a plain `dbt run --target spark` does)."""
    base = Path(base) if base else PROJECT_ROOT
    return {
        "SPARK_WAREHOUSE_DIR": str(base / "spark-warehouse"),
        "SPARK_METASTORE_DIR": str(base / "metastore_db"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "TZ": "UTC",
    }


def spark_session(base: Path | None = None):
    """A local Spark session on the same warehouse and metastore as the dbt target."""
    from pyspark.sql import SparkSession

    dirs = spark_dirs(base)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (
        SparkSession.builder.master("local[2]")
        .appName("recon-readback")
        .config("spark.sql.warehouse.dir", dirs["SPARK_WAREHOUSE_DIR"])
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={dirs['SPARK_METASTORE_DIR']};create=true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .enableHiveSupport()
        .getOrCreate()
    )
