"""Landing rows (strings, as the files hold them) of one simulated group.

Messy-but-valid values (stray whitespace, enum case, boolean case) are added here;
keys and references are never messed with.
"""
from __future__ import annotations

import datetime as dt

from .config import BANK_ACCOUNTS, EXTRA_COLUMN, P_MESSY
from .util import mess_bool, mess_enum, mess_text, money, ts

E = ""


def d(x: dt.date | None) -> str:
    return x.isoformat() if x else E


def dec_pct(h: int) -> str:
    return f"{h // 100}.{h % 100:02d}"


class RowBuilder:
    def __init__(self, world, ledger):
        self.w, self.l, self.rng = world, ledger, world.rng
        self.as_of = world.as_of

    def en(self, v: str) -> str:
        return mess_enum(self.rng, v, P_MESSY)

    def tx(self, v: str | None) -> str:
        return mess_text(self.rng, v, P_MESSY) if v else E

    def stamp(self, day: dt.date) -> str:
        return ts(self.rng, min(day, self.as_of))

    def updated(self, created: dt.date, hi: dt.date) -> str:
        hi = min(hi, self.as_of)
        if hi <= created:
            return self.stamp(created)
        return self.stamp(created + dt.timedelta(days=self.rng.randint(0, (hi - created).days)))

    # -------------------------------------------------------------- crm
    def accounts(self):
        for a in self.w.accounts + self.w.extra_accounts:
            yield dict(account_id=a.id, account_name=self.tx(a.name), legal_name=self.tx(a.legal_name),
                       tax_id=a.tax_id or E, website=a.website or E, billing_country=a.country,
                       parent_account_id=a.parent_id or E, created_at=self.stamp(a.created),
                       updated_at=self.updated(a.created, self.as_of), is_deleted=mess_bool(self.rng, False, P_MESSY))

    def opportunities(self):
        for o in self.w.opps:
            yield dict(opportunity_id=o["id"], account_id=o["account"].id, opportunity_name=o["name"],
                       opportunity_type=self.en(o["type"]), stage=self.en(o["stage"]), close_date=d(o["close"]),
                       amount=money(o["amount"]), currency=o["currency"], contract_id=o["contract_id"] or E,
                       updated_at=self.stamp(o["updated"]))

    def contracts(self):
        for c in self.w.contracts:
            yield dict(contract_id=c.id, account_id=c.account.id, contract_number=c.number, status=self.en(c.status),
                       start_date=d(c.start), end_date=d(c.end), auto_renew=mess_bool(self.rng, c.auto_renew, P_MESSY),
                       billing_frequency=self.en(c.frequency), currency=c.currency, billing_entity=c.entity,
                       renewed_from_contract_id=c.renewed_from or E, signed_date=d(c.signed),
                       updated_at=self.updated(min(c.start, self.as_of), c.end))

    def contract_lines(self):
        for c in self.w.contracts:
            for ln in c.lines:
                yield dict(contract_line_id=ln.id, contract_id=c.id, product_code=ln.product, quantity=str(ln.qty),
                           list_unit_price=money(ln.list_c), discount_pct=dec_pct(ln.disc_h),
                           net_unit_price=money(ln.net_c), start_date=d(ln.start), end_date=d(ln.end))

    # -------------------------------------------------------------- billing
    def customers(self):
        for c in self.w.customers + self.w.extra_customers:
            yield dict(customer_id=c.id, name=self.tx(c.name),
                       email=f"billing@{c.account.stem.lower()}.example" if self.rng.random() < 0.8 else E,
                       tax_id=c.tax_id or E, country=c.country, currency=c.currency,
                       crm_account_id=c.account.id if c.crm_link else E, created_at=self.stamp(c.created),
                       updated_at=self.updated(c.created, self.as_of))

    def subscriptions(self):
        for s in self.w.subs:
            yield dict(subscription_id=s.id, customer_id=s.customer.id,
                       crm_contract_id=s.contract.id if (s.contract and s.link_in_file) else E,
                       status=self.en(s.status), start_date=d(s.start), end_date=d(s.end),
                       billing_interval=self.en(s.interval), currency=s.currency, billing_entity=s.entity,
                       created_at=self.stamp(s.start - dt.timedelta(days=self.rng.randint(0, 3))),
                       updated_at=self.updated(min(s.start, self.as_of), s.end or self.as_of))

    def subscription_items(self):
        for s in self.w.subs:
            for it in s.items:
                yield dict(subscription_item_id=it.id, subscription_id=s.id, product_code=it.product,
                           quantity=str(it.qty), unit_amount=money(it.unit_c), start_date=d(it.start),
                           end_date=d(it.end))

    def invoices(self):
        for i in self.w.invoices:
            yield dict(invoice_id=i.id, invoice_number=i.number, customer_id=i.customer.id,
                       subscription_id=i.sub.id if i.sub else E, status=self.en(i.status), issue_date=d(i.issue),
                       due_date=d(i.due), period_start=d(i.pstart), period_end=d(i.pend), currency=i.currency,
                       subtotal=money(i.subtotal), tax_amount=money(i.tax), total=money(i.total),
                       amount_paid=money(i.amount_paid), billing_entity=i.entity)

    def invoice_lines(self):
        for i in self.w.invoices:
            for ln in i.lines:
                yield dict(invoice_line_id=ln.id, invoice_id=i.id, subscription_item_id=ln.item_id or E,
                           product_code=ln.product, description=ln.description, quantity=str(ln.qty),
                           unit_amount=money(ln.unit_c), amount=money(ln.amount_c), period_start=d(ln.pstart),
                           period_end=d(ln.pend), is_proration=mess_bool(self.rng, ln.is_proration, P_MESSY))

    def credit_notes(self):
        for cn in self.w.credit_notes:
            yield dict(credit_note_id=cn.id, credit_note_number=cn.number, invoice_id=cn.invoice.id,
                       customer_id=cn.invoice.customer.id, issue_date=d(cn.issue), currency=cn.invoice.currency,
                       subtotal=money(cn.subtotal), tax_amount=money(cn.tax), total=money(cn.total),
                       reason=cn.reason)

    def payments(self):
        for p in self.l.payments:
            yield {"payment_id": p["id"], "customer_id": p["customer"].id,
                   "invoice_id": p["invoice"].id if p["invoice"] else E, "amount": money(p["amount"]),
                   "currency": p["currency"], "paid_at": self.stamp(p["paid"]), "method": self.en(p["method"]),
                   "status": self.en(p["status"]), "reference": p["ref"] or E,
                   EXTRA_COLUMN: f"{self.as_of.isoformat()}T23:00:00Z"}

    # -------------------------------------------------------------- erp
    def erp_customers(self):
        for c in self.l.erp_customers:
            yield dict(erp_customer_id=c.id, name=self.tx(c.name), tax_id=c.tax_id or E, country=c.country,
                       entity=c.entity, crm_account_id=c.crm_account_id or E, created_at=self.stamp(c.created))

    def ar_documents(self):
        for doc in self.l.docs + self.l.cancelled:
            yield dict(document_id=doc.id, document_number=doc.number, document_type=self.en(doc.doc_type),
                       erp_customer_id=doc.customer.id, external_reference=doc.ext_ref or E,
                       document_date=d(doc.doc_date), posting_date=d(doc.posting), due_date=d(doc.due),
                       currency=doc.currency, net_amount=money(doc.net), tax_amount=money(doc.tax),
                       gross_amount=money(doc.gross), entity=doc.entity, status=self.en(doc.status))

    def cash_receipts(self):
        for rc in self.l.receipts:
            yield dict(receipt_id=rc.id, entity=rc.entity, bank_account=BANK_ACCOUNTS[rc.entity],
                       value_date=d(rc.value_date), amount=money(rc.amount), currency=rc.currency,
                       payer_name=rc.payer or E, bank_reference=rc.reference or E,
                       erp_customer_id=rc.erp_customer_id or E, created_at=self.stamp(rc.created))

    def receipt_applications(self):
        for rc in self.l.receipts:
            if not rc.lettered:
                continue
            for doc, amount in rc.applications:
                yield dict(application_id=self.w.ids.next("APP"), receipt_id=rc.id, document_id=doc.id,
                           applied_amount=money(amount), applied_date=d(rc.applied_date))

    def gl_journal_lines(self):
        for j in self.l.gl:
            yield dict(journal_line_id=j["id"], journal_id=j["journal"], entity=j["entity"],
                       posting_date=d(j["posting"]), account_code=j["account"], account_type=self.en(j["atype"]),
                       erp_customer_id=j["cust"] or E, source_document_id=j["doc"] or E, debit=money(j["debit"]),
                       credit=money(j["credit"]), currency=j["currency"], description=j["desc"])

    def all(self) -> dict[tuple[str, str], list[dict]]:
        return {
            ("crm", "accounts"): list(self.accounts()),
            ("crm", "opportunities"): list(self.opportunities()),
            ("crm", "contracts"): list(self.contracts()),
            ("crm", "contract_lines"): list(self.contract_lines()),
            ("billing", "customers"): list(self.customers()),
            ("billing", "subscriptions"): list(self.subscriptions()),
            ("billing", "subscription_items"): list(self.subscription_items()),
            ("billing", "invoices"): list(self.invoices()),
            ("billing", "invoice_lines"): list(self.invoice_lines()),
            ("billing", "credit_notes"): list(self.credit_notes()),
            ("billing", "payments"): list(self.payments()),
            ("erp", "customers"): list(self.erp_customers()),
            ("erp", "ar_documents"): list(self.ar_documents()),
            ("erp", "cash_receipts"): list(self.cash_receipts()),
            ("erp", "receipt_applications"): list(self.receipt_applications()),
            ("erp", "gl_journal_lines"): list(self.gl_journal_lines()),
        }
