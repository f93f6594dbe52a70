"""ERP side of one group: postings, cash (billing payments + ERP receipts), lettering, GL.

Every cash movement is decided once and written twice: as billing payment(s) and as one
ERP cash receipt; a movement dated after the as-of date exists in neither system.
"""
from __future__ import annotations

import datetime as dt

from .config import (BANK_ACCOUNTS, COUNTRIES, GL_ACCOUNTS, P_CANCELLED_DOC, POSTING_GRACE_DAYS,
                     PRODUCTS)
from .model import ArDoc, ErpCustomer, Invoice, Receipt
from .util import DAY, add_months, month_end, month_start, rand_date, tax_id_canonical, \
    tax_id_variant, tax_digits, tax_of

REVENUE_ACCOUNT = {p[1]: p[2] for p in PRODUCTS}


class Ledger:
    def __init__(self, world):
        self.w = world
        self.rng = world.rng
        self.ids = world.ids
        self.as_of = world.as_of
        self.ctx = world.ctx
        self.erp_customers: list[ErpCustomer] = []
        self.docs: list[ArDoc] = []
        self.cancelled: list[ArDoc] = []
        self.receipts: list[Receipt] = []
        self.payments: list[dict] = []
        self.gl: list[dict] = []
        self.revenue: list[tuple[dt.date, str, int, str]] = []  # (posting, currency, credit-debit, erp customer)
        self.doc_of: dict[str, list[ArDoc]] = {}
        self.target = None

    # ---------------------------------------------------------------- customers
    def build(self) -> None:
        w, rng = self.w, self.rng
        if w.prospect or not w.invoices:
            return
        main = w.accounts[0]
        first = min(inv.issue for inv in w.invoices)
        tax = None
        if main.tax_id:
            tax = tax_id_canonical(main.country, tax_digits(main.n)) if rng.random() < 0.5 else \
                tax_id_variant(rng, main.country, tax_digits(main.n))
        name = (main.legal_name or main.base).upper() if rng.random() < 0.5 else (main.legal_name or main.base)
        cust = ErpCustomer(self.ids.next("ERPC"), name, tax, main.country, w.entity,
                           main.id if rng.random() < 0.2 else None,
                           first - dt.timedelta(days=rng.randint(0, 10)), w.group_id)
        self.erp_customers.append(cust)
        self.cust = cust
        self.pick_target()
        self.post_all()
        self.cash()
        self.letter_status()
        self.journals()
        self.ctx.chunk_erp_customers[w.entity] = cust

    def pick_target(self) -> None:
        """The invoice an invoice-level anomaly lands on: a plain, older period invoice."""
        w, sc = self.w, self.w.scenario
        from .world import INVOICE_SCENARIOS
        if sc not in INVOICE_SCENARIOS:
            return
        ms = month_start(self.as_of)
        cands = [inv for inv in w.invoices
                 if inv.kind == "period" and not inv.credited and inv.status == "open"
                 and inv.sub is not None and inv.sub.customer is w.customers[0]
                 and 45 <= (self.as_of - inv.issue).days <= 400 and inv.pend < ms]
        if not cands:
            raise RuntimeError(f"{w.group_id}: no invoice to carry {sc}")  # pragma: no cover
        self.target = self.rng.choice(cands)
        t = self.target
        if sc == "credit_note_not_posted":
            cn = w.credit(t, t.issue + dt.timedelta(days=self.rng.randint(1, 3)), (t.subtotal + 5) // 10,
                          "service credit")
            cn.posted = False
            t.flags.add("partial_credit")
            w.exc(sc, "billing", cn.id)
        elif sc in ("unbalanced_journal",):
            pass  # the journal id is known once written
        else:
            w.exc(sc, "billing", t.id)

    # ---------------------------------------------------------------- postings
    def ext_ref(self, number: str) -> str | None:
        r = self.rng.random()
        if r < 0.80:
            return number
        if r < 0.84:
            return number.lower()
        if r < 0.88:
            return number.replace("-", " ")
        if r < 0.92:
            return number.split("-", 1)[1]
        if r < 0.96:
            i = number.rfind("0")
            return number[:i] + "O" + number[i + 1:] if i > 0 else number
        return None

    def new_doc(self, doc_type, cust, ref, doc_date, posting, due, currency, net, tax, entity, source):
        seq = self.ids.seq(f"docnum-{entity}")
        doc = ArDoc(self.ids.next("DOC"), f"{entity}-AR-{seq:07d}", doc_type, cust, ref, doc_date,
                    posting, due, currency, net, tax, entity, source=source)
        return doc

    def post_all(self) -> None:
        w, rng, as_of, sc, t = self.w, self.rng, self.as_of, self.w.scenario, self.target
        for inv in w.invoices:
            inv.flags.discard("posted")
            if inv.status in ("draft", "void"):
                continue
            if inv is t and sc == "invoice_not_posted":
                inv.flags.add("unposted")
                continue
            posting = min(inv.issue + dt.timedelta(days=rng.randint(0, 4)), month_end(inv.issue))
            if (as_of - inv.issue).days < POSTING_GRACE_DAYS and (posting > as_of or rng.random() < 0.5):
                inv.flags.add("in_transit")
                continue
            if inv is t and sc == "posting_period_mismatch":
                posting = month_end(inv.issue) + dt.timedelta(days=rng.randint(1, 4))
            cust = self.cust
            if inv is t and sc == "posting_customer_mismatch":
                cust = self.ctx.chunk_erp_customers[w.entity]
            net, tax = inv.subtotal, inv.tax
            if inv is t and sc == "posting_amount_mismatch":
                net += rng.choice((100, 1000, 10000, 900))
            if rng.random() < P_CANCELLED_DOC:
                bad = self.new_doc("invoice", cust, inv.number, inv.issue, posting, inv.due, inv.currency,
                                   net + 1000, tax, inv.entity, inv)
                bad.status = "cancelled"
                self.cancelled.append(bad)
            doc = self.new_doc("invoice", cust, self.ext_ref(inv.number), inv.issue, posting, inv.due,
                               inv.currency, net, tax, inv.entity, inv)
            self.add_doc(inv.id, doc)
            inv.flags.add("posted")
            if inv is t and sc == "duplicate_posting":
                p2 = min(posting + dt.timedelta(days=rng.randint(0, 3)), month_end(posting), as_of)
                dup = self.new_doc("invoice", cust, inv.number, inv.issue, p2, inv.due, inv.currency,
                                   net, tax, inv.entity, inv)
                dup.flags_dup = True  # type: ignore[attr-defined]
                self.add_doc(inv.id, dup)
        for cn in w.credit_notes:
            if not cn.posted:
                continue
            posting = min(cn.issue + dt.timedelta(days=rng.randint(0, 4)), month_end(cn.issue))
            if posting > as_of:
                if (as_of - cn.issue).days < POSTING_GRACE_DAYS:
                    cn.posted = False
                    continue
                posting = as_of
            inv = cn.invoice
            doc = self.new_doc("credit_memo", self.cust, self.ext_ref(cn.number), cn.issue, posting, None,
                               inv.currency, cn.subtotal, cn.tax, inv.entity, cn)
            self.add_doc(cn.id, doc)
        if sc == "posting_without_source":
            d = rand_date(rng, self.as_of - dt.timedelta(days=200), self.as_of - dt.timedelta(days=30))
            net = rng.randint(300, 9000) * 100 + rng.randint(1, 99)
            tax = tax_of(net, COUNTRIES[w.country][2])
            doc = self.new_doc("invoice", self.cust, rng.choice((None, f"MAN-{d:%Y%m}-{rng.randint(10, 99)}")),
                               d, min(d + dt.timedelta(days=2), month_end(d)), d + dt.timedelta(days=30),
                               self.w.customers[0].currency, net, tax, w.entity, None)
            self.docs.append(doc)
            w.exc(sc, "erp", doc.id)

    def add_doc(self, billing_id: str, doc: ArDoc) -> None:
        self.docs.append(doc)
        self.doc_of.setdefault(billing_id, []).append(doc)

    # ---------------------------------------------------------------- cash
    def cash(self) -> None:
        w, rng, as_of, sc, t = self.w, self.rng, self.as_of, self.w.scenario, self.target
        pending = None  # a bank transfer invoice waiting to be paid together with the next one
        for inv in sorted(w.invoices, key=lambda x: (x.issue, x.id)):
            due = inv.total - inv.credited
            if (inv.status in ("draft", "void") or due <= 0 or "posted" not in inv.flags):
                continue
            cust = inv.customer
            method = cust.method
            if inv is t and sc in ("paid_status_mismatch", "duplicate_payment"):
                d = inv.issue + dt.timedelta(days=rng.randint(5, 20))
                self.movement([(inv, due)], d, "bank_transfer", inv.number, record_billing=sc != "paid_status_mismatch",
                              force_letter=True)
                if sc == "duplicate_payment":
                    first = self.receipts[-1]
                    dup = Receipt(self.ids.next("RCP"), first.entity, first.value_date + dt.timedelta(
                        days=rng.randint(1, 3)), first.amount, first.currency, first.payer, first.reference,
                        first.erp_customer_id, first.value_date + dt.timedelta(days=3))
                    dup.lettered = False
                    self.receipts.append(dup)
                    w.truth_exceptions[-1] = ("duplicate_payment", "erp", dup.id)
                continue
            if "partial_credit" in inv.flags or inv is t:
                method = "bank_transfer" if "partial_credit" in inv.flags else method
            if method == "card":
                d = inv.issue
                if rng.random() < 0.03:
                    self.payment(cust, inv, inv.total, d, "card", "failed", None)
                    d += dt.timedelta(days=rng.randint(1, 2))
                self.movement([(inv, due)], d, "card", f"CARD {inv.number}")
            elif method == "direct_debit":
                self.movement([(inv, due)], inv.issue + dt.timedelta(days=3), "direct_debit",
                              f"SEPA DD {inv.number}")
            else:
                lo = max(5, max((cn.issue - inv.issue).days + 1 for cn in w.credit_notes if cn.invoice is inv)
                         if inv.credited else 5)
                d = inv.issue + dt.timedelta(days=rng.randint(lo, 35))
                r = rng.random()
                plain = inv is not t and not inv.credited
                if pending is not None:
                    p_inv, p_due = pending
                    pending = None
                    if plain and p_inv.customer is inv.customer and p_inv.currency == inv.currency:
                        self.movement([(p_inv, p_due), (inv, due)], d, "bank_transfer", None, grouped=True)
                        continue
                    self.movement([(p_inv, p_due)], p_inv.issue + dt.timedelta(days=10), "bank_transfer",
                                  self.bt_ref(p_inv.number))
                if plain and r < 0.08 and inv.kind == "period":
                    pending = (inv, due)
                elif plain and r < 0.11 and due > 20000:
                    part = due * rng.choice((30, 40, 60, 70)) // 100
                    self.movement([(inv, part)], d, "bank_transfer", self.bt_ref(inv.number))
                    self.movement([(inv, due - part)], d + dt.timedelta(days=rng.randint(4, 20)),
                                  "bank_transfer", self.bt_ref(inv.number))
                elif plain and r < 0.14 and due > 10000:
                    self.movement([(inv, due - rng.choice((1500, 2500, 3500)))], d, "bank_transfer",
                                  self.bt_ref(inv.number))
                    inv.flags.add("short")
                else:
                    self.movement([(inv, due)], d, "bank_transfer", self.bt_ref(inv.number))
        if pending is not None:
            p_inv, p_due = pending
            self.movement([(p_inv, p_due)], p_inv.issue + dt.timedelta(days=10), "bank_transfer",
                          self.bt_ref(p_inv.number))
        if sc == "unapplied_cash":
            d = rand_date(rng, as_of - dt.timedelta(days=60), as_of - dt.timedelta(days=5))
            c0 = w.customers[0]
            rc = Receipt(self.ids.next("RCP"), w.entity, d, rng.randint(100, 5000) * 100 + rng.randint(1, 99),
                         c0.currency, c0.name.upper(), rng.choice((None, "ADVANCE", "PREPAYMENT")),
                         None, d)
            rc.lettered = False
            self.receipts.append(rc)
            w.exc(sc, "erp", rc.id)
        for inv in w.invoices:
            if inv.status in ("draft", "void"):
                continue
            if inv.amount_paid + inv.credited >= inv.total and inv.total > 0:
                inv.status = "paid"
            elif "credited" in inv.flags:
                inv.status = "paid"
            else:
                inv.status = "open"
        for sub in w.subs:
            if sub.status == "active" and any(i.sub is sub and i.status == "open" and i.due < as_of
                                              for i in w.invoices):
                sub.status = "past_due"

    def bt_ref(self, number: str) -> str | None:
        r = self.rng.random()
        if r < 0.45:
            return number
        if r < 0.65:
            return number.rsplit("-", 1)[1].lstrip("0")
        if r < 0.8:
            return f"Payment invoice {number.lower()}"
        return None

    def payment(self, cust, inv, amount, d, method, status, ref) -> None:
        self.payments.append(dict(id=self.ids.next("PAY"), customer=cust, invoice=inv, amount=amount,
                                  currency=inv.currency, paid=d, method=method, status=status, ref=ref))

    def movement(self, parts, d, method, ref, grouped=False, record_billing=True, force_letter=False):
        """One cash movement: billing payment(s) + one ERP receipt, if dated by the as-of date."""
        rng, as_of = self.rng, self.as_of
        lag = {"card": 2, "direct_debit": 1, "bank_transfer": 0}[method]
        value = d + dt.timedelta(days=lag)
        if value > as_of:
            return
        inv0 = parts[0][0]
        cust = inv0.customer
        total = sum(a for _, a in parts)
        if any(rc.amount == total and rc.reference == ref and rc.currency == inv0.currency
               and abs((rc.value_date - value).days) <= 3 for rc in self.receipts):
            ref = inv0.number  # two same-looking transfers days apart would read as a duplicate payment
        if record_billing:
            for inv, amount in parts:
                link = inv if (method != "bank_transfer" or rng.random() < 0.7 or grouped) else None
                self.payment(cust, link or inv, amount, d, method, "succeeded", ref if method == "bank_transfer" else None)
                if link is None:
                    self.payments[-1]["invoice"] = None
                inv.amount_paid += amount
        if grouped and rng.random() < 0.3:
            ref = " ".join(i.number for i, _ in parts)
        payer = cust.name.upper()
        if rng.random() < 0.4:
            payer = payer[:20].rstrip()
        rc = Receipt(self.ids.next("RCP"), inv0.entity, value, sum(a for _, a in parts), inv0.currency,
                     payer, ref, self.cust.id if rng.random() < 0.4 else None, value)
        for inv, amount in parts:
            rc.applications.append((self.doc_of[inv.id][0], amount))
        p_letter = 0.5 if grouped else (0.85 if ref else 0.95)
        rc.lettered = force_letter or rng.random() < p_letter
        self.receipts.append(rc)

    def letter_status(self) -> None:
        for rc in self.receipts:
            if rc.lettered:
                latest = max([rc.value_date] + [doc.posting for doc, _ in rc.applications])
                rc.applied_date = min(latest + dt.timedelta(days=self.rng.randint(0, 5)), self.as_of)
                if latest > self.as_of:
                    rc.lettered = False
                for doc, amount in rc.applications:
                    doc.lettered += amount if rc.lettered else 0
        for doc in self.docs:
            if doc.doc_type == "invoice":
                doc.status = "paid" if doc.lettered >= doc.gross else ("partially_paid" if doc.lettered else "open")

    # ---------------------------------------------------------------- GL
    def jl(self, jid, entity, posting, atype, account, cust_id, doc_id, debit, credit, currency, desc):
        self.gl.append(dict(id=self.ids.next("JRL", 8), journal=jid, entity=entity, posting=posting,
                            account=account, atype=atype, cust=cust_id, doc=doc_id, debit=debit,
                            credit=credit, currency=currency, desc=desc))
        if atype == "revenue":
            self.revenue.append((posting, currency, credit - debit, cust_id))

    def journals(self) -> None:
        w, sc, t = self.w, self.w.scenario, self.target
        for doc in self.docs:
            jid = self.ids.next("JRN")
            cid, e, cur = doc.customer.id, doc.entity, doc.currency
            src = doc.source
            if doc.doc_type == "invoice":
                net_credit = doc.net
                if sc == "unbalanced_journal" and src is t and src is not None:
                    net_credit -= 100
                    w.exc(sc, "erp", jid)
                self.jl(jid, e, doc.posting, "receivable", GL_ACCOUNTS["receivable"], cid, doc.id, doc.gross, 0,
                        cur, f"{doc.number} receivable")
                self.jl(jid, e, doc.posting, "deferred_revenue", GL_ACCOUNTS["deferred_revenue"], cid, doc.id, 0,
                        net_credit, cur, f"{doc.number} deferred revenue")
                if doc.tax:
                    self.jl(jid, e, doc.posting, "tax", GL_ACCOUNTS["tax"], cid, doc.id, 0, doc.tax, cur,
                            f"{doc.number} output tax")
                self.recognize(doc)
            else:
                account = REVENUE_ACCOUNT[src.invoice.lines[0].product]
                self.jl(jid, e, doc.posting, "receivable", GL_ACCOUNTS["receivable"], cid, doc.id, 0, doc.gross,
                        cur, f"{doc.number} credit memo")
                self.jl(jid, e, doc.posting, "revenue", account, cid, doc.id, doc.net, 0, cur,
                        f"{doc.number} revenue reversal")
                if doc.tax:
                    self.jl(jid, e, doc.posting, "tax", GL_ACCOUNTS["tax"], cid, doc.id, doc.tax, 0, cur,
                            f"{doc.number} output tax")
        for rc in self.receipts:
            jid = self.ids.next("JRN")
            self.jl(jid, rc.entity, rc.value_date, "cash", GL_ACCOUNTS["cash"], rc.erp_customer_id, None,
                    rc.amount, 0, rc.currency, f"receipt {rc.id}")
            self.jl(jid, rc.entity, rc.value_date, "receivable", GL_ACCOUNTS["receivable"], rc.erp_customer_id,
                    None, 0, rc.amount, rc.currency, f"receipt {rc.id}")

    def recognize(self, doc: ArDoc) -> None:
        """Monthly revenue recognition over the service period, posted at month end."""
        src = doc.source
        as_of = self.as_of
        per_month: dict[tuple[dt.date, str], int] = {}
        if src is None:
            pieces = [(doc.doc_date, doc.doc_date, "platform_pro", doc.net)]
        else:
            pieces = [(ln.pstart or src.issue, ln.pend or src.issue, ln.product, ln.amount_c) for ln in src.lines]
            pieces[0] = pieces[0][:3] + (pieces[0][3] + doc.net - src.subtotal,)
        for ps, pe, product, amount in pieces:
            days = (pe - ps).days + 1
            m, done = month_start(ps), 0
            while m <= pe:
                lo, hi = max(ps, m), min(pe, month_end(m))
                share = ((hi - lo).days + 1)
                if hi == pe:
                    part = amount - done
                else:
                    part = (2 * amount * share + days) // (2 * days)
                done += part
                key = (m, product)
                per_month[key] = per_month.get(key, 0) + part
                m = add_months(m, 1)
        months = sorted({m for m, _ in per_month})
        if self.w.scenario == "revenue_not_recognized" and src is self.target and src is not None:
            months = months[:-1]
        for m in months:
            posting = max(month_end(m), month_end(doc.posting))
            if posting > as_of:
                continue
            lines = [(p, a) for (mm, p), a in sorted(per_month.items()) if mm == m and a]
            if not lines:
                continue
            jid = self.ids.next("JRN")
            total = sum(a for _, a in lines)
            self.jl(jid, doc.entity, posting, "deferred_revenue", GL_ACCOUNTS["deferred_revenue"], doc.customer.id,
                    doc.id, total, 0, doc.currency, f"{doc.number} recognition {m:%Y-%m}")
            for product, amount in lines:
                self.jl(jid, doc.entity, posting, "revenue", REVENUE_ACCOUNT[product], doc.customer.id, doc.id,
                        0, amount, doc.currency, f"{doc.number} recognition {m:%Y-%m}")
