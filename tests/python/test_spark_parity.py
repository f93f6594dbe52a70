"""The Spark target builds the same rows as DuckDB, value for value, on a tiny
generated landing set: staging, the quarantine, the conformed layer (customers,
contract and invoice matches), cash application (payment_applications,
receipt_balances), the reconciliation exceptions with their summary, and ARR per
customer and month with its movements and its bridge (mart and record-level rows).
`dbt docs generate` on the Spark target writes a catalog of those marts."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import subprocess
import sys

import duckdb
import pytest

from landing_fixture import write_landing
from rectools.contract import PROJECT_ROOT, landing_entities
from rectools.dbt import run_dbt
from rectools.spark import spark_dirs, spark_session

pytestmark = pytest.mark.spark

CONFORMED_MARTS = ["customer_xref", "dim_customers", "contract_subscription_matches", "invoice_matches",
                   "payment_applications", "receipt_balances", "reconciliation_exceptions",
                   "reconciliation_summary", "arr_by_customer_month", "arr_movements", "arr_bridge",
                   "review_decisions", "quote_to_cash_trace", "close_metrics_monthly"]
# the record-level rows behind the ARR bridge: each pair's and document's explanation
BRIDGE_RECORDS = ["intermediate.int_arr__crm_billing_gaps", "intermediate.int_arr__billing_erp_gaps"]


def _normalise(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _rows(rows) -> list[tuple]:
    return sorted((tuple(_normalise(v) for v in row) for row in rows), key=repr)


@pytest.fixture(scope="module")
def built_targets(tmp_path_factory, parity_landing):
    """Both targets built on the parity set, and `dbt docs generate` run on Spark (into
    <base>/spark_docs) while no Python session holds the embedded Derby metastore."""
    base = tmp_path_factory.mktemp("spark_parity")
    dbt_vars = {"landing_dir": str(parity_landing)}
    # models and seeds only: the data tests run on DuckDB in the main build
    selection = ["build", "--select", "staging", "quarantine_rows", *(f"+{mart}" for mart in CONFORMED_MARTS),
                 "--resource-type", "model", "--resource-type", "seed"]
    duck = run_dbt(selection, dbt_vars=dbt_vars, duckdb_path=base / "w.duckdb")
    assert duck.returncode == 0, duck.stdout[-4000:]
    spark = run_dbt(selection, dbt_vars=dbt_vars, target="spark", env=spark_dirs(base))
    assert spark.returncode == 0, spark.stdout[-4000:]
    docs = run_dbt(["docs", "generate", "--target-path", str(base / "spark_docs"),
                    "--log-path", str(base / "spark_docs_logs")],
                   dbt_vars=dbt_vars, target="spark", env=spark_dirs(base))
    return base, docs


@pytest.fixture(scope="module")
def both_targets(built_targets):
    base, _ = built_targets
    session = spark_session(base)
    con = duckdb.connect(str(base / "w.duckdb"), read_only=True)
    yield con, session
    con.close()
    session.stop()


@pytest.fixture(scope="module")
def parity_landing(tmp_path_factory):
    """A tiny generated set: every kind of bad row, a BOM, an extra and reordered columns."""
    out = tmp_path_factory.mktemp("parity")
    result = subprocess.run(
        [sys.executable, "scripts/generate_data.py", "--groups", "60", "--seed", "7",
         "--format", "csv", "--out", str(out), "--quiet"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out / "landing"


@pytest.mark.parametrize("relation", [f"staging.stg_{e.relation}" for e in landing_entities()]
                         + ["marts.quarantine_rows"] + [f"marts.{mart}" for mart in CONFORMED_MARTS]
                         + BRIDGE_RECORDS)
def test_spark_and_duckdb_hold_the_same_rows(both_targets, relation):
    con, session = both_targets
    duck_rows = _rows(con.execute(f"select * from {relation}").fetchall())
    spark_rows = _rows(tuple(r) for r in session.sql(f"select * from {relation}").collect())
    assert spark_rows == duck_rows
    if relation == "marts.quarantine_rows":
        assert len(duck_rows) >= 10
    if relation in ("marts.reconciliation_exceptions", "marts.arr_by_customer_month", "marts.arr_movements",
                    "marts.arr_bridge", "marts.quote_to_cash_trace", "marts.close_metrics_monthly",
                    *BRIDGE_RECORDS):
        assert len(duck_rows) >= 10
    if relation == "marts.payment_applications":
        # lettering alone would not compare the rules: the set must hold proposals
        assert any("proposed_auto" in row for row in duck_rows)


def test_docs_generate_on_spark_writes_the_catalog(built_targets):
    base, docs = built_targets
    assert docs.returncode == 0, docs.stdout[-4000:]
    catalog = json.loads((base / "spark_docs" / "catalog.json").read_text(encoding="utf-8"))
    assert not catalog.get("errors"), catalog["errors"]
    names = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    assert set(CONFORMED_MARTS) <= names, sorted(set(CONFORMED_MARTS) - names)


def test_spark_reports_missing_files_and_columns_like_duckdb(tmp_path):
    from landing_fixture import write_landing

    landing = write_landing(tmp_path / "landing", skip=("erp__cash_receipts",),
                            drop_columns={"billing__invoices": ("total",)})
    result = run_dbt(["run"], dbt_vars={"landing_dir": str(landing)}, target="spark",
                     env=spark_dirs(tmp_path))
    assert result.returncode != 0
    assert f"missing landing file {landing}/erp/cash_receipts.csv (or .parquet)" in result.stdout
    assert f"{landing}/billing/invoices.csv is missing required column total" in result.stdout
