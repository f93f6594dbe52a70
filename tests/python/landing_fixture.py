"""A minimal, hand-made landing folder: one valid row per entity, every value chosen
by hand, so a test can add exactly the bad rows it is about and know the answer."""
from __future__ import annotations

import csv
from pathlib import Path

from rectools.contract import landing_entities

VALID_ROWS: dict[str, list[dict[str, str]]] = {
    "crm__accounts": [dict(account_id="ACC-1", account_name="Acme", legal_name="Acme Inc",
                           tax_id="US 12-345", website="acme.test", billing_country="US",
                           parent_account_id="", created_at="2024-01-02T10:00:00Z",
                           updated_at="2024-01-02T10:00:00Z", is_deleted="false")],
    "crm__opportunities": [dict(opportunity_id="OPP-1", account_id="ACC-1", opportunity_name="Acme new",
                                opportunity_type="new_business", stage="closed_won",
                                close_date="2024-01-10", amount="12000.00", currency="USD",
                                contract_id="CTR-1", updated_at="2024-01-10T09:00:00Z")],
    "crm__contracts": [dict(contract_id="CTR-1", account_id="ACC-1", contract_number="C-0001",
                            status="activated", start_date="2024-02-01", end_date="2025-01-31",
                            auto_renew="true", billing_frequency="monthly", currency="USD",
                            billing_entity="US01", renewed_from_contract_id="",
                            signed_date="2024-01-10", updated_at="2024-01-10T09:00:00Z")],
    "crm__contract_lines": [dict(contract_line_id="CTL-1", contract_id="CTR-1", product_code="PLAT",
                                 quantity="10", list_unit_price="1200.00", discount_pct="0",
                                 net_unit_price="1200.00", start_date="2024-02-01",
                                 end_date="2025-01-31")],
    "billing__customers": [dict(customer_id="CUS-1", name="Acme", email="ap@acme.test", tax_id="12345",
                                country="US", currency="USD", crm_account_id="ACC-1",
                                created_at="2024-01-15T08:00:00Z", updated_at="2024-01-15T08:00:00Z")],
    "billing__subscriptions": [dict(subscription_id="SUB-1", customer_id="CUS-1", crm_contract_id="CTR-1",
                                    status="active", start_date="2024-02-01", end_date="",
                                    billing_interval="month", currency="USD", billing_entity="US01",
                                    created_at="2024-01-15T08:00:00Z",
                                    updated_at="2024-01-15T08:00:00Z")],
    "billing__subscription_items": [dict(subscription_item_id="SI-1", subscription_id="SUB-1",
                                         product_code="platform", quantity="10", unit_amount="100.00",
                                         start_date="2024-02-01", end_date="")],
    "billing__invoices": [dict(invoice_id="IN-1", invoice_number="INV-2024-000001", customer_id="CUS-1",
                               subscription_id="SUB-1", status="paid", issue_date="2024-02-01",
                               due_date="2024-03-02", period_start="2024-02-01",
                               period_end="2024-02-29", currency="USD", subtotal="1000.00",
                               tax_amount="0.00", total="1000.00", amount_paid="1000.00",
                               billing_entity="US01")],
    "billing__invoice_lines": [dict(invoice_line_id="IL-1", invoice_id="IN-1", subscription_item_id="SI-1",
                                    product_code="platform", description="Platform", quantity="10",
                                    unit_amount="100.00", amount="1000.00", period_start="2024-02-01",
                                    period_end="2024-02-29", is_proration="false")],
    "billing__credit_notes": [dict(credit_note_id="CN-1", credit_note_number="CN-2024-000001",
                                   invoice_id="IN-1", customer_id="CUS-1", issue_date="2024-02-10",
                                   currency="USD", subtotal="100.00", tax_amount="0.00",
                                   total="100.00", reason="goodwill")],
    "billing__payments": [dict(payment_id="PAY-1", customer_id="CUS-1", invoice_id="IN-1",
                               amount="1000.00", currency="USD", paid_at="2024-02-05T12:00:00Z",
                               method="card", status="succeeded", reference="")],
    "erp__customers": [dict(erp_customer_id="411001", name="ACME INC", tax_id="US12345", country="US",
                            entity="US01", crm_account_id="", created_at="2024-01-20T08:00:00Z")],
    "erp__ar_documents": [dict(document_id="DOC-1", document_number="US01-AR-1", document_type="invoice",
                               erp_customer_id="411001", external_reference="INV-2024-000001",
                               document_date="2024-02-01", posting_date="2024-02-03",
                               due_date="2024-03-02", currency="USD", net_amount="1000.00",
                               tax_amount="0.00", gross_amount="1000.00", entity="US01",
                               status="paid")],
    "erp__cash_receipts": [dict(receipt_id="RCP-1", entity="US01", bank_account="US-BANK-1",
                                value_date="2024-02-06", amount="1000.00", currency="USD",
                                payer_name="ACME", bank_reference="INV-2024-000001",
                                erp_customer_id="411001", created_at="2024-02-06T09:00:00Z")],
    "erp__receipt_applications": [dict(application_id="APP-1", receipt_id="RCP-1", document_id="DOC-1",
                                       applied_amount="1000.00", applied_date="2024-02-07")],
    "erp__gl_journal_lines": [dict(journal_line_id="JL-1", journal_id="JRN-1", entity="US01",
                                   posting_date="2024-02-03", account_code="411", account_type="receivable",
                                   erp_customer_id="411001", source_document_id="DOC-1", debit="1000.00",
                                   credit="0.00", currency="USD", description="Invoice"),
                              dict(journal_line_id="JL-2", journal_id="JRN-1", entity="US01",
                                   posting_date="2024-02-03", account_code="487",
                                   account_type="deferred_revenue", erp_customer_id="411001",
                                   source_document_id="DOC-1", debit="0.00", credit="1000.00",
                                   currency="USD", description="Invoice")],
    "reference__fx_rates": [dict(rate_date="2024-01-01", currency="USD", rate_to_reporting="1"),
                            dict(rate_date="2024-01-01", currency="EUR", rate_to_reporting="1.10")],
    "reference__product_map": [dict(crm_product_code="PLAT", billing_product_code="platform",
                                    erp_revenue_account="706100", product_family="platform")],
}


def write_landing(root: Path, extra_rows: dict[str, list[dict[str, str]]] | None = None,
                  skip: tuple[str, ...] = (), drop_columns: dict[str, tuple[str, ...]] | None = None
                  ) -> Path:
    """Write the valid rows (plus ``extra_rows``) as a landing folder under ``root``.

    ``skip`` leaves entities out (a missing file); ``drop_columns`` removes columns
    from an entity's file (a missing column)."""
    extra_rows = extra_rows or {}
    drop_columns = drop_columns or {}
    for ent in landing_entities():
        if ent.relation in skip:
            continue
        columns = [c for c in ent.column_names if c not in drop_columns.get(ent.relation, ())]
        path = root / ent.system / f"{ent.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in VALID_ROWS[ent.relation] + extra_rows.get(ent.relation, []):
                writer.writerow(row)
    return root
