"""Staging and quarantine on hand-made landing folders: each kind of bad input lands
in quarantine with its exact reason, messy-but-valid values are staged clean, nothing
is lost, and a missing file or column stops the run naming it."""
from __future__ import annotations

import duckdb
import pytest

from landing_fixture import VALID_ROWS, write_landing
from rectools.contract import landing_entities
from rectools.dbt import run_dbt


def _row(entity: str, **changes: str) -> dict[str, str]:
    """A copy of the entity's valid row with some values changed."""
    return {**VALID_ROWS[entity][0], **changes}


# (entity, bad row, record_key, exact reason): one kind of contract-breaking input each
BAD_ROWS = [
    ("crm__accounts", _row("crm__accounts", account_id=""), None, "account_id: null key"),
    ("billing__invoices", _row("billing__invoices", invoice_id="IN-BADDATE", issue_date="2024-13-45"),
     "IN-BADDATE", "issue_date: '2024-13-45' is not a date (YYYY-MM-DD)"),
    ("crm__opportunities", _row("crm__opportunities", opportunity_id="OPP-BADTS", updated_at="yesterday"),
     "OPP-BADTS", "updated_at: 'yesterday' is not a timestamp (ISO 8601)"),
    ("billing__payments", _row("billing__payments", payment_id="PAY-BADNUM", amount="12,50"),
     "PAY-BADNUM", "amount: '12,50' is not a number"),
    ("crm__contracts", _row("crm__contracts", contract_id="CTR-BADBOOL", auto_renew="yes"),
     "CTR-BADBOOL", "auto_renew: 'yes' is not a boolean (true/false)"),
    ("billing__subscriptions", _row("billing__subscriptions", subscription_id="SUB-BADENUM", status="Paused"),
     "SUB-BADENUM",
     "status: unknown value 'Paused' (expected one of active, past_due, canceled, trialing)"),
    ("billing__subscription_items", _row("billing__subscription_items", subscription_item_id="SI-NEG",
                                         quantity="-3"),
     "SI-NEG", "quantity: negative quantity -3"),
    ("erp__cash_receipts", _row("erp__cash_receipts", receipt_id="RCP-XYZ", currency="xyz"),
     "RCP-XYZ", "currency: unknown currency code 'XYZ'"),
    ("billing__invoice_lines", _row("billing__invoice_lines", invoice_line_id="IL-NOINV", invoice_id=" "),
     "IL-NOINV", "invoice_id: missing value"),
    ("erp__customers", _row("erp__customers", erp_customer_id="411009", created_at="2024-02-30T00:00:00Z",
                            country=""),
     "411009", "country: missing value; created_at: '2024-02-30T00:00:00Z' is not a timestamp (ISO 8601)"),
]
# two different rows under one key: both quarantined
DUPLICATE_KEY_ROWS = [
    _row("erp__ar_documents", document_id="DOC-DUP", gross_amount="10.00"),
    _row("erp__ar_documents", document_id="DOC-DUP", gross_amount="20.00"),
]
# two identical rows (up to whitespace): one staged, the copy quarantined
EXACT_DUPLICATE_ROWS = [
    _row("billing__customers", customer_id="CUS-TWICE"),
    _row("billing__customers", customer_id="CUS-TWICE", name=" Acme "),
]
# composite key (rate_date, currency) with two different rates
FX_DUPLICATE_ROWS = [dict(rate_date="2024-01-02", currency="EUR", rate_to_reporting="1.10"),
                     dict(rate_date="2024-01-02", currency="EUR", rate_to_reporting="1.11")]
# messy but valid: must be staged, cleaned
MESSY_VALID_ROWS = [
    _row("billing__invoices", invoice_id="  IN-MESSY ", status=" PAID ", currency="usd", total="1000.00 "),
    _row("crm__contracts", contract_id="CTR-MESSY", auto_renew="TRUE", billing_frequency="Monthly",
         status="Activated"),
]


@pytest.fixture(scope="module")
def bad_input_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_input")
    extra: dict[str, list[dict[str, str]]] = {}
    for entity, row, _key, _reason in BAD_ROWS:
        extra.setdefault(entity, []).append(row)
    extra["erp__ar_documents"] = DUPLICATE_KEY_ROWS
    extra["billing__customers"] = EXACT_DUPLICATE_ROWS
    extra["reference__fx_rates"] = FX_DUPLICATE_ROWS
    for row in MESSY_VALID_ROWS:
        entity = "billing__invoices" if "invoice_id" in row else "crm__contracts"
        extra.setdefault(entity, []).append(row)
    landing = write_landing(root / "landing", extra_rows=extra)
    # a BOM, reordered columns and an extra column must all be tolerated
    product_map = landing / "reference" / "product_map.csv"
    product_map.write_text(
        "\ufeffproduct_family, billing_product_code,crm_product_code,erp_revenue_account,extra_col\n"
        "platform,platform,PLAT,706100,ignored\n",
        encoding="utf-8",
    )
    db = root / "w.duckdb"
    result = run_dbt(["build", "--exclude", "test_type:unit"], dbt_vars={"landing_dir": str(landing)},
                     duckdb_path=db)
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


def _quarantine(con, system: str, entity: str) -> dict:
    rows = con.execute(
        "select record_key, quarantine_reason from marts.quarantine_rows "
        "where source_system = ? and entity = ?", [system, entity]).fetchall()
    return rows


@pytest.mark.parametrize("entity,row,key,reason", BAD_ROWS, ids=[b[3].split(":")[1].strip()[:30] for b in BAD_ROWS])
def test_each_bad_row_is_quarantined_with_its_exact_reason(bad_input_build, entity, row, key, reason):
    system, name = entity.split("__")
    rows = _quarantine(bad_input_build, system, name)
    assert (key, reason) in rows, rows


def test_two_different_rows_under_one_key_are_both_quarantined(bad_input_build):
    rows = _quarantine(bad_input_build, "erp", "ar_documents")
    assert rows == [("DOC-DUP", "duplicate key: 2 different rows share document_id 'DOC-DUP'")] * 2
    staged = bad_input_build.execute(
        "select count(*) from staging.stg_erp__ar_documents where document_id = 'DOC-DUP'").fetchone()[0]
    assert staged == 0


def test_composite_key_duplicates_are_quarantined(bad_input_build):
    rows = _quarantine(bad_input_build, "reference", "fx_rates")
    assert rows == [("2024-01-02|EUR",
                     "duplicate key: 2 different rows share rate_date|currency '2024-01-02|EUR'")] * 2


def test_an_exact_duplicate_keeps_one_row_staged(bad_input_build):
    rows = _quarantine(bad_input_build, "billing", "customers")
    assert rows == [("CUS-TWICE", "exact duplicate: an identical row with customer_id 'CUS-TWICE' "
                                  "is already staged")]
    staged = bad_input_build.execute(
        "select name from staging.stg_billing__customers where customer_id = 'CUS-TWICE'").fetchall()
    assert staged == [("Acme",)]


def test_messy_but_valid_values_are_staged_clean(bad_input_build):
    invoice = bad_input_build.execute(
        "select status, currency, total from staging.stg_billing__invoices where invoice_id = 'IN-MESSY'"
    ).fetchone()
    assert invoice is not None and invoice[0] == "paid" and invoice[1] == "USD" and str(invoice[2]) == "1000.00"
    contract = bad_input_build.execute(
        "select auto_renew, billing_frequency, status from staging.stg_crm__contracts "
        "where contract_id = 'CTR-MESSY'").fetchone()
    assert contract == (True, "monthly", "activated")


def test_bom_reordered_and_extra_columns_are_read_by_name(bad_input_build):
    rows = bad_input_build.execute("select * from staging.stg_reference__product_map").fetchall()
    assert rows == [("PLAT", "platform", "706100", "platform")]


def test_money_is_decimal_not_float(bad_input_build):
    types = dict(bad_input_build.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'staging' and table_name = 'stg_billing__invoices'").fetchall())
    assert types["total"] == "DECIMAL(18,2)" and types["issue_date"] == "DATE"


def test_nothing_is_lost_for_any_entity(bad_input_build):
    for ent in landing_entities():
        landing = bad_input_build.execute(f"select count(*) from landing.{ent.relation}").fetchone()[0]
        staged = bad_input_build.execute(f"select count(*) from staging.stg_{ent.relation}").fetchone()[0]
        quarantined = bad_input_build.execute(
            "select count(*) from marts.quarantine_rows where source_system = ? and entity = ?",
            [ent.system, ent.name]).fetchone()[0]
        assert landing == staged + quarantined, ent.relation
    total_quarantined = bad_input_build.execute("select count(*) from marts.quarantine_rows").fetchone()[0]
    assert total_quarantined == len(BAD_ROWS) + 2 + 1 + 2


def _run_on_broken_landing(tmp_path, **kwargs):
    landing = write_landing(tmp_path / "landing", **kwargs)
    result = run_dbt(["build"], dbt_vars={"landing_dir": str(landing)}, duckdb_path=tmp_path / "w.duckdb")
    return result, landing


def test_a_missing_file_stops_the_run_naming_it(tmp_path):
    result, landing = _run_on_broken_landing(tmp_path, skip=("erp__cash_receipts",))
    assert result.returncode != 0
    assert f"missing landing file {landing}/erp/cash_receipts.csv (or .parquet)" in result.stdout
    assert "Traceback" not in result.stdout
    # the check runs at run start: it fails before any model is built (no timing here:
    # how long that takes is measured, not asserted)
    assert "OK created" not in result.stdout


def test_a_missing_required_column_stops_the_run_naming_it(tmp_path):
    result, landing = _run_on_broken_landing(tmp_path, drop_columns={"billing__invoices": ("total",)})
    assert result.returncode != 0
    assert f"{landing}/billing/invoices.csv is missing required column total" in result.stdout
    assert "OK created" not in result.stdout


def test_a_missing_nullable_column_reads_as_null(tmp_path):
    result, _landing = _run_on_broken_landing(tmp_path, drop_columns={"crm__accounts": ("website",)})
    assert result.returncode == 0, result.stdout[-3000:]
    assert "has no column website (nullable): read as null" in result.stdout
