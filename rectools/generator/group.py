"""One customer group from plan to rows: world, ledger, duplicates, broken rows, truth."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from rectools.contract import entity as contract_entity

from .anomalies import break_row
from .config import BANK_ACCOUNTS, ENTITIES, EXTRA_COLUMN
from .ledger import Ledger
from .model import Account, Customer, ErpCustomer
from .rows import RowBuilder
from .util import money, rand_date, tax_digits, tax_id_canonical, tax_id_variant, ts
from .world import World


@dataclass
class GroupResult:
    rows: dict[tuple[str, str], list[dict]]
    exceptions: list[tuple[str, str, str]]
    customer_groups: list[tuple[str, str, str]]
    contract_links: list[tuple[str, str]]
    document_links: list[tuple[str, str, str]]
    receipt_links: list[tuple[str, str, str]]
    quarantine: list[tuple[str, str, str, str]] = field(default_factory=list)
    world: World | None = None
    ledger: Ledger | None = None


def simulate_group(ctx, g: int) -> GroupResult:
    scenario = ctx.plan.scenario.get(g)
    rng = random.Random(f"{ctx.seed}:group:{g}")
    w = World(ctx, g, scenario, rng)
    w.build()
    if scenario == "duplicate_customer":
        _prepare_duplicate(w)
    led = Ledger(w)
    led.build()
    if scenario == "duplicate_customer":
        _add_duplicate(ctx, w, led)
    for c in led.erp_customers:
        ctx.erp_group[c.id] = w.group_id
    rows = RowBuilder(w, led).all()
    res = GroupResult(
        rows=rows,
        exceptions=list(w.truth_exceptions),
        customer_groups=[("crm", a.id, w.group_id) for a in w.accounts + w.extra_accounts]
        + [("billing", c.id, w.group_id) for c in w.customers + w.extra_customers]
        + [("erp", c.id, w.group_id) for c in led.erp_customers],
        contract_links=[(s.contract.id, s.id) for s in w.subs if s.contract is not None],
        document_links=[("invoice" if k.startswith("INV") else "credit_note", k, doc.id)
                        for k, docs in led.doc_of.items() for doc in docs],
        receipt_links=[(rc.id, doc.id, money(a)) for rc in led.receipts for doc, a in rc.applications],
        world=w, ledger=led)
    for kind, system, ent in ctx.plan.quarantine.get(g, ()):
        _broken_rows(ctx, w, led, res, kind, system, ent)
    return res


def _prepare_duplicate(w: World) -> None:
    a = w.accounts[0]
    if a.legal_name is None:
        a.legal_name = f"{a.base} {a.suffix}"
    if a.tax_id is None:
        a.tax_id = tax_id_canonical(a.country, tax_digits(a.n))
    c = w.customers[0]
    if c.tax_id is None:
        c.tax_id = tax_id_variant(w.rng, a.country, tax_digits(a.n))


def _later(rng, created: dt.date, as_of: dt.date) -> dt.date:
    return rand_date(rng, created + dt.timedelta(days=1), min(as_of, created + dt.timedelta(days=300)))


def _add_duplicate(ctx, w: World, led: Ledger) -> None:
    """The later-created record of a legal entity already known in one system."""
    rng, ids, as_of = w.rng, w.ids, w.as_of
    system = ("crm", "billing", "erp")[ctx.counter("dup_customer") % 3]
    a = w.accounts[0]
    if system == "crm":
        dup = Account(ids.next("ACC"), a.name, a.legal_name, tax_id_variant(rng, a.country, tax_digits(a.n)),
                      a.country, _later(rng, a.created, as_of), None, a.website)
        dup.stem, dup.base, dup.suffix, dup.n = a.stem, a.base, a.suffix, a.n  # type: ignore[attr-defined]
        w.extra_accounts.append(dup)
    elif system == "billing":
        c = w.customers[0]
        dup = Customer(ids.next("CUS"), a, c.name, tax_id_canonical(a.country, tax_digits(a.n)), c.country,
                       c.currency, False, _later(rng, c.created, as_of), c.method)
        w.extra_customers.append(dup)
    else:
        e = led.erp_customers[0]
        if e.tax_id is None:
            e.tax_id = tax_id_canonical(a.country, tax_digits(a.n))
        dup = ErpCustomer(ids.next("ERPC"), e.name.title(), tax_id_variant(rng, a.country, tax_digits(a.n)),
                          e.country, e.entity, None, _later(rng, e.created, as_of), w.group_id)
        led.erp_customers.append(dup)
    w.truth_exceptions.append(("duplicate_customer", system, dup.id))


def _template(ctx, w: World, led: Ledger, system: str, ent: str) -> dict:
    """A complete, valid row of the entity with a fresh key (references may point anywhere)."""
    ids, rng, as_of = w.ids, w.rng, w.as_of
    day = as_of - dt.timedelta(days=rng.randint(20, 200))
    cur = ENTITIES[w.entity]
    stamp = ts(rng, day)
    acct = w.accounts[0].id
    cust = w.customers[0].id if w.customers else ids.next("CUS")
    t = {
        ("crm", "opportunities"): lambda: dict(
            opportunity_id=ids.next("OPP"), account_id=acct, opportunity_name="follow-up", opportunity_type="expansion",
            stage="closed_lost", close_date=day.isoformat(), amount="1500.00", currency=cur, contract_id="",
            updated_at=stamp),
        ("crm", "accounts"): lambda: dict(
            account_id=ids.next("ACC"), account_name="Imported lead", legal_name="", tax_id="", website="",
            billing_country=w.country, parent_account_id="", created_at=stamp, updated_at=stamp, is_deleted="false"),
        ("crm", "contracts"): lambda: dict(
            contract_id=ids.next("CON"), account_id=acct, contract_number=f"CTR-{ids.seq('ctrnum'):07d}",
            status="activated", start_date=day.isoformat(), end_date=(day + dt.timedelta(days=364)).isoformat(),
            auto_renew="true", billing_frequency="monthly", currency=cur, billing_entity=w.entity,
            renewed_from_contract_id="", signed_date="", updated_at=stamp),
        ("crm", "contract_lines"): lambda: dict(
            contract_line_id=ids.next("CL"), contract_id=ids.next("CON"), product_code="PLAT-PRO", quantity="3",
            list_unit_price="1000.00", discount_pct="0.00", net_unit_price="1000.00", start_date=day.isoformat(),
            end_date=(day + dt.timedelta(days=364)).isoformat()),
        ("billing", "customers"): lambda: dict(
            customer_id=ids.next("CUS"), name="Unknown Payer", email="", tax_id="", country=w.country, currency=cur,
            crm_account_id="", created_at=stamp, updated_at=stamp),
        ("billing", "subscriptions"): lambda: dict(
            subscription_id=ids.next("SUB"), customer_id=cust, crm_contract_id="", status="active",
            start_date=day.isoformat(), end_date="", billing_interval="month", currency=cur, billing_entity=w.entity,
            created_at=stamp, updated_at=stamp),
        ("billing", "subscription_items"): lambda: dict(
            subscription_item_id=ids.next("SI"), subscription_id=ids.next("SUB"), product_code="platform_pro",
            quantity="2", unit_amount="83.33", start_date=day.isoformat(), end_date=""),
        ("billing", "invoices"): lambda: dict(
            invoice_id=ids.next("INV"), invoice_number=f"INV-{day.year}-{ids.seq('invnum'):07d}", customer_id=cust,
            subscription_id="", status="open", issue_date=day.isoformat(),
            due_date=(day + dt.timedelta(days=30)).isoformat(), period_start="", period_end="", currency=cur,
            subtotal="100.00", tax_amount="0.00", total="100.00", amount_paid="0.00", billing_entity=w.entity),
        ("billing", "invoice_lines"): lambda: dict(
            invoice_line_id=ids.next("IL", 8), invoice_id=ids.next("INV"), subscription_item_id="",
            product_code="onboarding_service", description="manual line", quantity="1", unit_amount="120.00",
            amount="120.00", period_start="", period_end="", is_proration="false"),
        ("billing", "payments"): lambda: {
            "payment_id": ids.next("PAY"), "customer_id": cust, "invoice_id": "", "amount": "250.00",
            "currency": cur, "paid_at": stamp, "method": "bank_transfer", "status": "succeeded", "reference": "",
            EXTRA_COLUMN: f"{as_of.isoformat()}T23:00:00Z"},
        ("erp", "ar_documents"): lambda: dict(
            document_id=ids.next("DOC"), document_number=f"{w.entity}-AR-{ids.seq(f'docnum-{w.entity}'):07d}",
            document_type="invoice", erp_customer_id=ids.next("ERPC"), external_reference="",
            document_date=day.isoformat(), posting_date=day.isoformat(), due_date="", currency=cur,
            net_amount="1234.56", tax_amount="0.00", gross_amount="1234.56", entity=w.entity, status="open"),
        ("erp", "cash_receipts"): lambda: dict(
            receipt_id=ids.next("RCP"), entity=w.entity, bank_account=BANK_ACCOUNTS[w.entity],
            value_date=day.isoformat(), amount="99.00", currency=cur, payer_name="UNKNOWN", bank_reference="",
            erp_customer_id="", created_at=stamp),
        ("erp", "receipt_applications"): lambda: dict(
            application_id=ids.next("APP"), receipt_id=ids.next("RCP"), document_id=ids.next("DOC"),
            applied_amount="10.00", applied_date=day.isoformat()),
        ("erp", "gl_journal_lines"): lambda: dict(
            journal_line_id=ids.next("JRL", 8), journal_id=ids.next("JRN"), entity=w.entity,
            posting_date=day.isoformat(), account_code="9999", account_type="other", erp_customer_id="",
            source_document_id="", debit="10.00", credit="10.00", currency=cur, description="manual entry"),
    }
    return t[(system, ent)]()


def _broken_rows(ctx, w, led, res: GroupResult, kind: str, system: str, ent: str) -> None:
    key_cols = contract_entity(system, ent).key_columns
    target = res.rows[(system, ent)]
    if kind == "exact_duplicate":
        original = target[0]
        target.insert(1, dict(original))
        res.quarantine.append((system, ent, "|".join(original[k] for k in key_cols), kind))
        return
    row = _template(ctx, w, led, system, ent)
    if kind == "duplicate_key":
        other = dict(row)
        col = {"customers": "name", "receipt_applications": "applied_amount"}[ent]
        other[col] = {"customers": "Unknown Payer Ltd", "receipt_applications": "12.00"}[ent]
        for r in (row, other):
            target.append(r)
            res.quarantine.append((system, ent, "|".join(r[k] for k in key_cols), kind))
        return
    row = break_row(kind, row, key_cols, ent)
    target.append(row)
    res.quarantine.append((system, ent, "|".join(row[k] for k in key_cols), kind))
