"""The Great Expectations runner on tiny hand-made warehouses.

The entity list is cut to two entities (a single key and fx_rates' compound key)
to keep GE fast; every case below builds its own DuckDB file in tmp_path.
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rectools import ge_checks  # noqa: E402
from rectools.contract import entity  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import run_ge  # noqa: E402  (scripts/run_ge.py)

ACCOUNTS = [("A1", "Acme"), ("A2", "Beta"), ("A3", "Gamma")]
# the staging suites on their own: the mart suite has its own hand-made warehouse below
STAGING_SUITES = ["staging_keys", "row_conservation"]
STAGING_ARGS = ["--suite", "staging_keys", "--suite", "row_conservation"]
FX = [("2025-01-01", "EUR", "1.1"), ("2025-01-01", "GBP", "1.3"), ("2025-01-02", "EUR", "1.2")]


@pytest.fixture(autouse=True)
def two_entities(monkeypatch):
    monkeypatch.setattr(
        ge_checks, "_entities", lambda: (entity("crm", "accounts"), entity("reference", "fx_rates"))
    )


def build(path: Path, staged_accounts=ACCOUNTS, staged_fx=FX, quarantined=(), drop=None) -> Path:
    """Landing holds ACCOUNTS and FX; staging what the test says; quarantine the rest."""
    con = duckdb.connect(str(path))
    con.execute("create schema landing; create schema staging; create schema marts")
    con.execute("create table landing.raw_accounts (account_id varchar, account_name varchar)")
    con.executemany("insert into landing.raw_accounts values (?, ?)", ACCOUNTS)
    con.execute("create view landing.crm__accounts as select * from landing.raw_accounts")
    con.execute("create table landing.reference__fx_rates (rate_date varchar, currency varchar, rate_to_reporting varchar)")
    con.executemany("insert into landing.reference__fx_rates values (?, ?, ?)", FX)
    con.execute("create table staging.stg_crm__accounts (account_id varchar, account_name varchar)")
    if staged_accounts:
        con.executemany("insert into staging.stg_crm__accounts values (?, ?)", staged_accounts)
    con.execute("create table staging.stg_reference__fx_rates (rate_date date, currency varchar, rate_to_reporting decimal(18, 8))")
    if staged_fx:
        con.executemany("insert into staging.stg_reference__fx_rates values (?, ?, ?)", staged_fx)
    con.execute(
        "create table marts.quarantine_rows (source_system varchar, entity varchar, record_key varchar, "
        "raw_values varchar, quarantine_reason varchar)"
    )
    if quarantined:
        con.executemany("insert into marts.quarantine_rows values (?, ?, ?, '{}', 'test')", quarantined)
    if drop:
        con.execute(f"drop {drop}")
    con.close()
    return path


def failing(result) -> set[tuple[str, str, str]]:
    return {(o.asset, o.expectation, o.target) for o in result.failed}


def test_coherent_warehouse_passes_and_writes_docs(tmp_path, capsys):
    db = build(tmp_path / "ok.duckdb")
    docs = tmp_path / "docs"
    code = run_ge.main(["--duckdb", str(db), "--docs-dir", str(docs), *STAGING_ARGS])
    out = capsys.readouterr().out
    assert code == 0, out
    assert (docs / "index.html").exists()
    assert f"data docs: {docs.resolve() / 'index.html'}" in out
    # 2 entities x (not-null per key column + uniqueness) + 2 row-conservation pairs
    assert "7/7 expectations passed" in out
    assert "FAIL" not in out


def test_duplicated_staged_key_fails(tmp_path, capsys):
    # A2 staged twice and quarantined never: uniqueness fails, and so does the count (4 vs 3)
    db = build(tmp_path / "dup.duckdb", staged_accounts=ACCOUNTS + [("A2", "Beta")])
    code = run_ge.main(["--duckdb", str(db), "--docs-dir", str(tmp_path / "docs"), *STAGING_ARGS])
    captured = capsys.readouterr()
    assert code == 1
    assert "expect_column_values_to_be_unique(account_id)" in captured.err
    assert "FAIL    staging_keys" in captured.out


def test_duplicated_compound_key_and_null_key_fail(tmp_path):
    fx = [FX[0], FX[1], (None, "EUR", "1.2")]  # third row loses its date...
    db = build(tmp_path / "fx.duckdb", staged_fx=fx + [FX[0]])  # ...and one row is doubled
    result = ge_checks.run_checks(db, docs_dir=None, suite_names=STAGING_SUITES)
    assert failing(result) == {
        ("stg_reference__fx_rates", "expect_column_values_to_not_be_null", "rate_date"),
        ("stg_reference__fx_rates", "expect_compound_columns_to_be_unique", "rate_date+currency"),
        ("row_counts_by_entity", "expect_column_pair_values_to_be_equal",
         "reference__fx_rates__landing_rows = reference__fx_rates__staged_plus_quarantined"),
    }


def test_lost_row_fails(tmp_path):
    # landing 3 accounts, staged 1, quarantined 1: one row vanished
    db = build(
        tmp_path / "lost.duckdb",
        staged_accounts=ACCOUNTS[:1],
        quarantined=[("crm", "accounts", "A2"), ("reference", "fx_rates", "2025-01-09|EUR")],
    )
    result = ge_checks.run_checks(db, docs_dir=None, suite_names=STAGING_SUITES)
    assert not result.success
    assert failing(result) == {
        ("row_counts_by_entity", "expect_column_pair_values_to_be_equal",
         "crm__accounts__landing_rows = crm__accounts__staged_plus_quarantined"),
        # the stray fx quarantine row makes fx 3 landing vs 4 staged + quarantined
        ("row_counts_by_entity", "expect_column_pair_values_to_be_equal",
         "reference__fx_rates__landing_rows = reference__fx_rates__staged_plus_quarantined"),
    }


def test_quarantined_rows_complete_the_count(tmp_path):
    db = build(
        tmp_path / "q.duckdb",
        staged_accounts=ACCOUNTS[:1],
        quarantined=[("CRM", "accounts", "A2"), ("crm", "crm__accounts", None)],  # both spellings count
    )
    assert ge_checks.run_checks(db, docs_dir=None, suite_names=STAGING_SUITES).success


def test_missing_duckdb_file_is_usage_error(tmp_path, capsys):
    code = run_ge.main(["--duckdb", str(tmp_path / "absent.duckdb"), "--docs-dir", str(tmp_path / "d")])
    assert code == 2
    assert "DuckDB file not found" in capsys.readouterr().err


def test_missing_table_is_usage_error(tmp_path, capsys):
    db = build(tmp_path / "partial.duckdb", drop="table staging.stg_reference__fx_rates")
    code = run_ge.main(["--duckdb", str(db), "--docs-dir", str(tmp_path / "d"), *STAGING_ARGS])
    assert code == 2
    assert "staging.stg_reference__fx_rates" in capsys.readouterr().err


def test_suites_form_a_registry():
    assert list(ge_checks.SUITES)[:3] == ["staging_keys", "row_conservation", "mart_coherence"]
    with pytest.raises(ge_checks.UsageError, match="unknown suite"):
        ge_checks.collect_checks(["nope"])


# --------------------------------------------------------------------------- mart coherence

EXCEPTIONS = [
    # id, type, severity, system, record, amount, amount_reporting, age
    ("X1", "invoice_not_posted", "high", "billing", "I1", "100.00", "110.00", 10),
    ("X2", "unapplied_cash", "medium", "erp", "R1", "50.00", "50.00", 3),
]


def build_marts(path: Path, exceptions=EXCEPTIONS, summary_shift=0, arr_closing_shift="0") -> Path:
    """A warehouse holding the marts the coherence suite reads, consistent unless told."""
    con = duckdb.connect(str(path))
    con.execute("create schema staging; create schema marts")
    con.execute(
        "create table marts.reconciliation_exceptions (exception_id varchar, exception_type varchar, "
        "severity varchar, source_system varchar, source_record_id varchar, amount decimal(18,2), "
        "amount_reporting decimal(18,2), age_days integer, explanation varchar, recommended_action varchar, "
        "detected_as_of date, review_status varchar)")
    con.executemany(
        "insert into marts.reconciliation_exceptions values (?, ?, ?, ?, ?, ?, ?, ?, 'why', 'do', "
        "date '2025-06-30', 'open')", exceptions)
    con.execute("create table marts.reconciliation_summary (metric varchar, value decimal(20,4))")
    con.execute(
        "insert into marts.reconciliation_summary "
        "select 'exceptions', count(*) + ? from marts.reconciliation_exceptions "
        "union all select 'amount_at_risk_reporting', sum(amount_reporting) from marts.reconciliation_exceptions "
        "union all select 'exceptions.type.' || exception_type, count(*) from marts.reconciliation_exceptions "
        "group by 1 "
        "union all select 'exceptions.severity.' || severity, count(*) from marts.reconciliation_exceptions "
        "group by 1 "
        "union all select 'exceptions_per_1000_invoices', 0.5", [summary_shift])
    con.execute("create table staging.stg_erp__cash_receipts (receipt_id varchar)")
    con.execute("insert into staging.stg_erp__cash_receipts values ('R1'), ('R2')")
    con.execute("create table marts.receipt_balances (receipt_id varchar, unexplained_amount decimal(18,2))")
    con.execute("insert into marts.receipt_balances values ('R1', 50.00), ('R2', 0.00)")
    con.close()
    return add_arr_marts(path, arr_closing_shift)


def test_coherent_marts_pass_the_mart_suite(tmp_path):
    result = ge_checks.run_checks(build_marts(tmp_path / "m.duckdb"), docs_dir=None, suite_names=["mart_coherence"])
    assert result.success, [(o.asset, o.expectation, o.detail) for o in result.failed]


def test_summary_that_does_not_add_up_fails(tmp_path):
    db = build_marts(tmp_path / "m.duckdb", summary_shift=1)
    result = ge_checks.run_checks(db, docs_dir=None, suite_names=["mart_coherence"])
    assert failing(result) == {
        ("summary_equals_exception_rows", "expect_column_pair_values_to_be_equal",
         "summary_value = exception_rows_value"),
        ("mart_row_relations", "expect_column_pair_values_to_be_equal", "exception_rows = summary_exceptions"),
    }


def test_broken_exception_rows_fail(tmp_path):
    broken = EXCEPTIONS + [
        ("X2", "unapplied_cash", "urgent", "erp", "R2", "-5.00", "-5.00", -1),  # id reused, bad values
    ]
    result = ge_checks.run_checks(build_marts(tmp_path / "m.duckdb", exceptions=broken), docs_dir=None,
                                  suite_names=["mart_coherence"])
    failed = {(asset, target) for asset, _expectation, target in failing(result)}
    assert {("reconciliation_exceptions", "exception_id"), ("reconciliation_exceptions", "severity"),
            ("reconciliation_exceptions", "age_days"), ("reconciliation_exceptions", "amount"),
            ("mart_row_relations", "receipts_with_unexplained_cash >= unapplied_cash_exceptions")} <= failed


def add_arr_marts(path: Path, closing_shift: str = "0") -> Path:
    """ARR per customer and a bridge on it: crm 1000 -> billing 850 -> erp 820."""
    con = duckdb.connect(str(path))
    con.execute("create table marts.arr_by_customer_month (month date, customer_key varchar, "
                "crm_arr decimal(18,2), billing_arr decimal(18,2), erp_arr decimal(18,2))")
    con.execute("insert into marts.arr_by_customer_month values "
                "(date '2025-01-01', 'K1', 600, 500, 480), (date '2025-01-01', 'K2', 400, 350, 340)")
    con.execute("create table marts.arr_bridge (month date, bridge varchar, step varchar, step_kind varchar, "
                "amount decimal(18,2))")
    con.execute(
        "insert into marts.arr_bridge values "
        "(date '2025-01-01', 'crm_to_billing', 'crm_arr', 'opening', 1000), "
        "(date '2025-01-01', 'crm_to_billing', 'price_mismatch', 'exception', -150), "
        "(date '2025-01-01', 'crm_to_billing', 'billing_arr', 'closing', 850), "
        "(date '2025-01-01', 'billing_to_erp', 'billing_arr', 'opening', 850.01), "
        "(date '2025-01-01', 'billing_to_erp', 'recognition_timing', 'structural', -30), "
        f"(date '2025-01-01', 'billing_to_erp', 'erp_arr', 'closing', 820.01 + {closing_shift})")
    con.close()
    return path


def test_arr_bridge_on_the_arr_marts_passes(tmp_path):
    # a cent of rounding between the bridge and the per-customer totals is allowed
    db = build_marts(tmp_path / "m.duckdb")
    result = ge_checks.run_checks(db, docs_dir=None, suite_names=["mart_coherence"])
    assert result.success, [(o.asset, o.expectation, o.detail) for o in result.failed]
    assert any(o.asset == "arr_bridge_against_arr" for o in result.outcomes)


def test_arr_bridge_that_does_not_add_up_fails(tmp_path):
    db = build_marts(tmp_path / "m.duckdb", arr_closing_shift="5")
    result = ge_checks.run_checks(db, docs_dir=None, suite_names=["mart_coherence"])
    assert {(asset, target) for asset, _expectation, target in failing(result)} == {
        ("arr_bridge_against_arr", "bridged_arr = closing_arr"),
        ("arr_bridge_against_arr", "closing_gap_per_customer"),
    }
