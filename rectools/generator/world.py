"""CRM and billing side of one customer group: accounts, contracts, subscriptions, invoices.

The CRM is the commercial truth; billing mirrors it (one subscription per contract,
renewals start a new subscription). Anomalies of the CRM/billing families are shaped
here, before any invoice is computed, so that the invoices follow from the items.
"""
from __future__ import annotations

import datetime as dt
import random

from .config import (COUNTRIES, COUNTRY_CODES, COUNTRY_WEIGHTS, DATE_TOLERANCE_DAYS, ENTITIES,
                     FORMER_WORD, FREQUENCIES, INDUSTRY, INTERVAL_PPY, P_AMENDMENT,
                     P_FEE_FULL_CREDIT, P_ONBOARDING_FEE, P_PARTIAL_CREDIT, P_SECOND_ACCOUNT,
                     P_TERMINATION, PRICE_FACTOR, PRODUCT_BY_CRM, SISTER_WORD)
from .model import (Account, Amendment, Contract, CreditNote, Customer, Invoice, InvLine, Item,
                    Line, Subscription)
from .util import DAY, add_months, legal_suffix, name_stem, rand_date, tax_digits, \
    tax_id_canonical, tax_id_variant, tax_of

CONTRACT_SCENARIOS = ("contract_not_billed", "price_mismatch", "quantity_mismatch",
                      "term_mismatch", "currency_mismatch")
INVOICE_SCENARIOS = ("invoice_not_posted", "credit_note_not_posted", "posting_amount_mismatch",
                     "duplicate_posting", "posting_customer_mismatch", "posting_period_mismatch",
                     "paid_status_mismatch", "duplicate_payment", "unbalanced_journal",
                     "revenue_not_recognized")
GROUP_SCENARIOS = ("duplicate_customer", "unapplied_cash", "posting_without_source")


class World:
    """Builds the CRM and billing records of group ``g``."""

    def __init__(self, ctx, g: int, scenario: str | None, rng: random.Random):
        self.ctx, self.g, self.scenario, self.rng = ctx, g, scenario, rng
        self.as_of: dt.date = ctx.as_of
        self.start: dt.date = ctx.start
        self.ids = ctx.ids
        self.group_id = f"G-{g + 1:07d}"
        self.accounts: list[Account] = []
        self.extra_accounts: list[Account] = []   # duplicates: no commercial life
        self.contracts: list[Contract] = []
        self.opps: list[dict] = []
        self.customers: list[Customer] = []
        self.extra_customers: list[Customer] = []
        self.subs: list[Subscription] = []
        self.invoices: list[Invoice] = []
        self.credit_notes: list[CreditNote] = []
        self.truth_exceptions: list[tuple[str, str, str]] = []
        self.target_contract: Contract | None = None
        self.prospect = False

    # ------------------------------------------------------------------ accounts
    def pick_country(self) -> str:
        if self.g == 0:
            return "US"
        country = self.rng.choices(COUNTRY_CODES, COUNTRY_WEIGHTS)[0]
        if self.scenario == "posting_customer_mismatch":
            held = self.ctx.chunk_erp_customers
            if COUNTRIES[country][0] not in held:
                country = {"US01": "US", "FR01": "FR", "UK01": "GB"}[sorted(held)[0]]
        return country

    def make_account(self, k: int, country: str, parent: Account | None) -> Account:
        rng = self.rng
        n = self.g * 4 + k
        stem = name_stem(n)
        word = rng.choice(INDUSTRY) if k == 0 else rng.choice(SISTER_WORD)
        base = f"{stem} {word}"
        suffix = legal_suffix(rng, country)
        created = rand_date(rng, self.start - dt.timedelta(days=400), self.start + dt.timedelta(days=200))
        acct = Account(
            id=self.ids.next("ACC"), name=base if rng.random() < 0.7 else stem,
            legal_name=f"{base} {suffix}" if rng.random() < 0.95 else None,
            tax_id=tax_id_canonical(country, tax_digits(n)) if rng.random() < 0.9 else None,
            country=country, created=created, parent_id=parent.id if parent else None,
            website=f"www.{stem.lower()}.com" if rng.random() < 0.8 else None)
        acct.stem, acct.base, acct.suffix, acct.n = stem, base, suffix, n  # type: ignore[attr-defined]
        return acct

    # ------------------------------------------------------------------ contracts
    def new_lines(self, contract_id: str, currency: str, start: dt.date, end: dt.date) -> list[Line]:
        rng = self.rng
        codes = ["PLAT-PRO" if rng.random() < 0.7 else "PLAT-ENT"]
        for code in ("ADDON-ANL", "ADDON-API", "SUPPORT-PREM"):
            if rng.random() < 0.3:
                codes.append(code)
        seats = rng.randint(5, 150)
        lines = []
        for code in codes:
            qty = seats if code.startswith("PLAT") else (rng.randint(1, seats) if code == "ADDON-ANL" else 1)
            lines.append(self.line(contract_id, code, qty, currency, start, end,
                                   rng.choice((0, 0, 500, 1000, 1250, 1500, 2000))))
        return lines

    def line(self, contract_id, code, qty, currency, start, end, disc_h, list_c=None) -> Line:
        if list_c is None:
            list_c = int(round(PRODUCT_BY_CRM[code][4] / 100 * PRICE_FACTOR[currency])) * 100
        net = (list_c * (10000 - disc_h) + 5000) // 10000
        return Line(self.ids.next("CL"), contract_id, code, qty, list_c, disc_h, net, start, end)

    def chain_start(self, mode: str | None) -> dt.date:
        rng, as_of = self.rng, self.as_of
        for _ in range(200):
            if mode is None:
                if rng.random() < 0.4:
                    first = rand_date(rng, self.start, self.start + dt.timedelta(days=120))
                else:
                    first = rand_date(rng, self.start, as_of - dt.timedelta(days=20))
            else:
                first = rand_date(rng, self.start, as_of - dt.timedelta(days=420))
            first = first.replace(day=min(first.day, 28))
            if mode is None:
                return first
            k, cur = 0, first
            while add_months(first, 12 * (k + 1)) <= as_of:
                k += 1
                cur = add_months(first, 12 * k)
            if mode == "alive" and (as_of - cur).days >= 30:
                return first
            if mode == "lapsed":
                for j in range(k + 1):
                    end = add_months(first, 12 * (j + 1)) - DAY
                    if 40 <= (as_of - end).days <= 330:
                        return first
        raise RuntimeError("could not place a contract chain")  # pragma: no cover

    def build_chain(self, acct: Account, entity: str, currency: str, mode: str | None) -> list[Contract]:
        """Contracts of one account, renewal after renewal. mode: None | alive | lapsed."""
        rng, as_of = self.rng, self.as_of
        first = self.chain_start(mode)
        freq = rng.choices(("monthly", "quarterly", "annual"), (50, 20, 30))[0]
        if mode == "alive" and self.scenario in INVOICE_SCENARIOS:
            freq = rng.choice(("monthly", "monthly", "quarterly"))
        chain: list[Contract] = []
        start, prev = first, None
        while True:
            term = 24 if (mode is None and rng.random() < 0.1) else 12
            end = add_months(start, term) - DAY
            auto = True if mode == "lapsed" else rng.random() < 0.7
            c = Contract(self.ids.next("CON"), f"CTR-{self.ids.seq('ctrnum'):07d}", acct, start, end,
                         "activated", auto, freq, currency, entity, prev.id if prev else None,
                         start - dt.timedelta(days=rng.randint(3, 30)))
            if prev is None:
                c.lines = self.new_lines(c.id, currency, start, end)
            else:
                for pl in prev.lines:
                    if pl.end != prev.end:
                        continue
                    qty = pl.qty if rng.random() < 0.8 else max(1, pl.qty + rng.randint(-3, 8))
                    list_c = pl.list_c if rng.random() < 0.7 else (pl.list_c * 105 // 10000) * 100
                    disc = pl.disc_h if rng.random() < 0.8 else rng.choice((0, 500, 1000))
                    c.lines.append(self.line(c.id, pl.product, qty, currency, start, end, disc, list_c))
            chain.append(c)
            ppm = 12 // FREQUENCIES[freq][1]
            if mode is None and rng.random() < P_TERMINATION:
                bounds = [add_months(start, k * ppm) for k in range(1, term // ppm)]
                bounds = [b for b in bounds if b - DAY < as_of]
                if bounds:
                    b = rng.choice(bounds)
                    c.end = b - DAY
                    for ln in c.lines:
                        ln.end = c.end
                    c.status = "terminated"
                    if rng.random() < 0.5:
                        self.maybe_amend(c)
                    return chain
            if rng.random() < P_AMENDMENT:
                self.maybe_amend(c)
            if c.end >= as_of:
                return chain
            c.status = "expired"
            if mode == "lapsed" and 40 <= (as_of - c.end).days <= 330:
                return chain
            renew = mode is not None or rng.random() < (0.85 if auto else 0.7)
            if not renew:
                return chain
            prev, start = c, c.end + DAY

    def maybe_amend(self, c: Contract) -> None:
        rng = self.rng
        ppm = 12 // FREQUENCIES[c.frequency][1]
        last = min(c.end, self.as_of)
        old = c.lines[0]
        term_months = (c.end.year - c.start.year) * 12 + c.end.month - c.start.month + 1
        starts = {add_months(c.start, k * ppm) for k in range(term_months // ppm + 1)}
        if rng.random() < 0.7 or old.qty <= 2 or c.frequency == "annual":
            lo, hi = c.start + dt.timedelta(days=30), last - dt.timedelta(days=5)
            if hi <= lo:
                return
            a = rand_date(rng, lo, hi)
            if a in starts:
                a += DAY
            kind, qty = "expansion", old.qty + rng.randint(1, max(1, old.qty // 4))
        else:
            bounds = sorted(b for b in starts if c.start + dt.timedelta(days=30) <= b <= last and b <= c.end)
            if not bounds:
                return
            a = rng.choice(bounds)
            kind, qty = "contraction", old.qty - rng.randint(1, max(1, old.qty // 5))
        new = self.line(c.id, old.product, qty, c.currency, a, c.end, old.disc_h, old.list_c)
        old.end = a - DAY
        c.lines.insert(1, new)
        c.amendments.append(Amendment(a, kind, old, new))

    def opportunities(self, acct: Account, chain: list[Contract]) -> None:
        rng = self.rng
        for i, c in enumerate(chain):
            tcv = sum(ln.qty * ln.net_c for ln in c.lines if ln.start == c.start)
            months = (c.end.year - c.start.year) * 12 + c.end.month - c.start.month + 1
            self.opp(acct, "new_business" if i == 0 else "renewal", "closed_won", c.signed,
                     tcv * months // 12, c.currency, c.id, f"{acct.name} - {c.start.year}")
            for am in c.amendments:
                delta = (am.new.qty - am.old.qty) * am.new.net_c
                self.opp(acct, am.kind, "closed_won", am.date - dt.timedelta(days=rng.randint(2, 15)),
                         abs(delta), c.currency, c.id, f"{acct.name} - {am.kind} {am.date:%b %Y}")
            if rng.random() < 0.15:
                d = rand_date(rng, c.start, min(c.end, self.as_of))
                self.opp(acct, "expansion", "closed_lost", d, rng.randint(20, 400) * 10000,
                         c.currency, None, f"{acct.name} - upsell")
        if chain and chain[-1].end >= self.as_of and rng.random() < 0.2:
            self.opp(acct, "expansion", rng.choice(("prospecting", "negotiation")),
                     self.as_of + dt.timedelta(days=rng.randint(10, 90)), rng.randint(20, 400) * 10000,
                     chain[-1].currency, None, f"{acct.name} - expansion")

    def opp(self, acct, otype, stage, close, amount, currency, contract_id, name) -> None:
        updated = min(close, self.as_of)
        self.opps.append(dict(account=acct, type=otype, stage=stage, close=close, amount=amount,
                              currency=currency, contract_id=contract_id, name=name,
                              updated=updated, id=self.ids.next("OPP")))

    # ------------------------------------------------------------------ billing
    def make_customer(self, acct: Account, currency: str, created: dt.date, former_ok: bool) -> Customer:
        rng = self.rng
        r = rng.random()
        tax = tax_id_variant(rng, acct.country, tax_digits(acct.n)) if acct.tax_id else None
        if former_ok and r < 0.1:
            name = f"{name_stem(acct.n + 2)} {rng.choice(FORMER_WORD)} {acct.suffix}"
            tax = tax or tax_id_variant(rng, acct.country, tax_digits(acct.n))
        elif r < 0.35:
            name = acct.base
        else:
            name = f"{acct.base} {legal_suffix(rng, acct.country)}"
        if tax is None and rng.random() < 0.5:
            tax = None
        method = rng.choices(("card", "direct_debit", "bank_transfer"), (40, 25, 35))[0]
        return Customer(self.ids.next("CUS"), acct, name, tax, acct.country, currency,
                        rng.random() < 0.3, created, method)

    def subscription(self, cust: Customer, c: Contract) -> Subscription:
        interval, ppy = FREQUENCIES[c.frequency]
        sub = Subscription(self.ids.next("SUB"), cust, c, self.rng.random() < 0.35, "active",
                           c.start, c.end, interval, ppy, c.currency, c.entity)
        by_line = {}
        for ln in sorted(c.lines, key=lambda x: x.start):
            it = Item(self.ids.next("SI"), PRODUCT_BY_CRM[ln.product][1], ln.qty,
                      (ln.net_c * 2 + ppy) // (2 * ppy), ln.start, ln.end, ln)
            by_line[ln.id] = it
            sub.items.append(it)
        for am in c.amendments:
            if am.kind == "expansion":
                sub.expansions.append((am.date, by_line[am.new.id], am.new.qty - am.old.qty))
        return sub

    def apply_contract_scenario(self, sub: Subscription, c: Contract) -> None:
        """Price, quantity, term, currency anomalies on the target contract's subscription."""
        rng, as_of, sc = self.rng, self.as_of, self.scenario
        live = [it for it in sub.items if it.start <= as_of and (it.end is None or as_of <= it.end)]
        if sc == "price_mismatch":
            it = rng.choice(live)
            pct = rng.choice((-20, -15, -10, 8, 12, 25))
            it.unit_c = (it.line.net_c * (100 + pct) * 2 + 100 * sub.ppy) // (200 * sub.ppy)
            self.exc("price_mismatch", "crm", it.line.id)
        elif sc == "quantity_mismatch":
            it = rng.choice(live)
            if len(live) >= 2 and self.ctx.counter("qty_variant") % 2 == 1:
                sub.items.remove(it)
            else:
                it.qty += rng.choice((-1, 1, 2, 5)) if it.qty > 1 else rng.randint(1, 4)
            self.exc("quantity_mismatch", "crm", it.line.id)
        elif sc == "term_mismatch":
            if self.ctx.counter("term_variant") % 2 == 0:
                shift = dt.timedelta(days=rng.randint(DATE_TOLERANCE_DAYS + 5, 25))
                sub.start += shift
                sub.end = sub.end + shift if sub.end else None
                for it in sub.items:
                    it.start += shift
                    it.end = it.end + shift if it.end else None
            else:
                sub.interval = "month" if c.frequency != "monthly" else "quarter"
                sub.ppy = INTERVAL_PPY[sub.interval]
                for it in sub.items:
                    it.unit_c = (it.line.net_c * 2 + sub.ppy) // (2 * sub.ppy)
            self.exc("term_mismatch", "crm", c.id)
        elif sc == "currency_mismatch":
            sub.currency = {"USD": "EUR", "EUR": "USD", "GBP": "EUR"}[c.currency]
            self.exc("currency_mismatch", "crm", c.id)

    def exc(self, etype: str, system: str, record_id: str) -> None:
        self.truth_exceptions.append((etype, system, record_id))

    def invoice(self, cust, sub, issue, lines, kind, pstart, pend, status="open") -> Invoice:
        subtotal = sum(ln.amount_c for ln in lines)
        inv = Invoice(self.ids.next("INV"), f"INV-{issue.year}-{self.ids.seq('invnum'):07d}", cust, sub,
                      status, issue, issue + dt.timedelta(days=30), pstart, pend,
                      sub.currency if sub else cust.currency, sub.entity if sub else self.entity,
                      subtotal, tax_of(subtotal, COUNTRIES[cust.country][2]), lines, kind=kind)
        self.invoices.append(inv)
        return inv

    def bill(self, sub: Subscription) -> None:
        as_of, months = self.as_of, 12 // sub.ppy
        k = 0
        periods = []
        while True:
            ps = add_months(sub.start, k * months)
            if ps > as_of or (sub.end is not None and ps > sub.end):
                break
            pe = add_months(sub.start, (k + 1) * months) - DAY
            if sub.end is not None:
                pe = min(pe, sub.end)
            periods.append((ps, pe))
            k += 1
        for ps, pe in periods:
            lines = []
            for it in sub.items:
                if it.start <= ps and (it.end is None or ps <= it.end):
                    lines.append(InvLine(self.ids.next("IL", 8), it.id, it.product,
                                         f"{it.product} {ps:%b %Y}", it.qty, it.unit_c,
                                         it.qty * it.unit_c, ps, pe, False))
            if lines:
                self.invoice(sub.customer, sub, ps, lines, "period", ps, pe)
        for date, it, delta in sub.expansions:
            if date > as_of:
                continue
            for ps, pe in periods:
                if ps <= date <= pe:
                    amount = (2 * delta * it.unit_c * ((pe - date).days + 1) + (pe - ps).days + 1) // (
                        2 * ((pe - ps).days + 1))
                    ln = InvLine(self.ids.next("IL", 8), it.id, it.product, f"proration {it.product}",
                                 delta, it.unit_c, amount, date, pe, True)
                    self.invoice(sub.customer, sub, date, [ln], "proration", date, pe)

    def fee_invoice(self, cust: Customer, issue: dt.date, status: str = "open") -> Invoice:
        amount = int(round(self.rng.choice((1500, 2500, 5000)) * PRICE_FACTOR[cust.currency])) * 100
        ln = InvLine(self.ids.next("IL", 8), None, "onboarding_service", "Onboarding and setup",
                     1, amount, amount, None, None, False)
        return self.invoice(cust, None, issue, [ln], "fee", None, None, status)

    def credit(self, inv: Invoice, issue: dt.date, subtotal: int, reason: str) -> CreditNote:
        cn = CreditNote(self.ids.next("CRN"), f"CN-{issue.year}-{self.ids.seq('cnnum'):07d}", inv, issue,
                        subtotal, tax_of(subtotal, COUNTRIES[inv.customer.country][2]), reason)
        if subtotal == inv.subtotal:
            cn.tax = inv.tax
        inv.credited += cn.total
        self.credit_notes.append(cn)
        return cn

    # ------------------------------------------------------------------ the group
    def build(self) -> None:
        rng, sc, as_of = self.rng, self.scenario, self.as_of
        country = self.pick_country()
        self.country = country
        self.entity = COUNTRIES[country][0]
        currency = ENTITIES[self.entity]
        main = self.make_account(0, country, None)
        self.accounts.append(main)
        if sc == "prospect":
            self.prospect = True
            self.opp(main, "new_business", rng.choice(("prospecting", "negotiation")),
                     as_of + dt.timedelta(days=rng.randint(10, 60)), rng.randint(50, 600) * 10000,
                     currency, None, f"{main.name} - new")
            start = as_of - dt.timedelta(days=rng.randint(3, 25))
            cust = self.make_customer(main, currency, start, False)
            self.customers.append(cust)
            lines = self.new_lines("trial", currency, start, start)
            sub = Subscription(self.ids.next("SUB"), cust, None, False, "trialing", start, None,
                               "month", 12, currency, self.entity)
            for ln in lines:
                sub.items.append(Item(self.ids.next("SI"), PRODUCT_BY_CRM[ln.product][1], ln.qty,
                                      (ln.net_c + 6) // 12, start, None, None))
            self.subs.append(sub)
            return
        accounts = [main]
        if sc is None and rng.random() < P_SECOND_ACCOUNT:
            sister = self.make_account(1, country, main if rng.random() < 0.5 else None)
            self.accounts.append(sister)
            accounts.append(sister)
        mode = "alive" if sc in CONTRACT_SCENARIOS + INVOICE_SCENARIOS + GROUP_SCENARIOS else None
        if sc == "renewal_not_recorded":
            mode = "lapsed"
        for idx, acct in enumerate(accounts):
            if idx == 0 and sc == "billing_without_contract":
                self.standalone_subscription(acct, currency)
                continue
            chain = self.build_chain(acct, self.entity, currency, mode if idx == 0 else None)
            if idx == 0 and sc in CONTRACT_SCENARIOS + ("renewal_not_recorded",):
                self.target_contract = chain[-1]
                # keep the target simple: no amendment on it
                tgt = chain[-1]
                for am in tgt.amendments:
                    am.new.start, am.old.end = am.old.start, am.new.end
                    tgt.lines.remove(am.old)
                    am.new.qty = am.old.qty
                tgt.amendments.clear()
            self.contracts.extend(chain)
            self.opportunities(acct, chain)
            cust = self.make_customer(acct, currency, chain[0].start - dt.timedelta(days=rng.randint(0, 5)),
                                      idx == 0)
            self.customers.append(cust)
            for c in chain:
                if c is self.target_contract and sc == "contract_not_billed":
                    self.exc("contract_not_billed", "crm", c.id)
                    continue
                sub = self.subscription(cust, c)
                if c is self.target_contract:
                    if sc == "renewal_not_recorded":
                        sub.end = None
                        for it in sub.items:
                            if it.end == c.end:
                                it.end = None
                        self.exc("renewal_not_recorded", "crm", c.id)
                    else:
                        self.apply_contract_scenario(sub, c)
                sub.status = "canceled" if sub.end is not None and sub.end < as_of else "active"
                self.subs.append(sub)
                self.bill(sub)
            if idx == 0 and rng.random() < P_ONBOARDING_FEE:
                fee = self.fee_invoice(cust, chain[0].start)
                if rng.random() < P_FEE_FULL_CREDIT:
                    d = fee.issue + dt.timedelta(days=rng.randint(2, 10))
                    if d <= as_of:
                        self.credit(fee, d, fee.subtotal, "onboarding fee waived")
                        fee.status = "paid"
                        fee.flags.add("credited")
            if idx == 0 and chain[-1].end >= as_of and rng.random() < 0.02:
                self.draft_contract(acct, chain[-1])
        self.extras()

    def standalone_subscription(self, acct: Account, currency: str) -> None:
        """A self-serve customer billed without any CRM contract (billing_without_contract)."""
        rng, as_of = self.rng, self.as_of
        start = rand_date(rng, self.start, as_of - dt.timedelta(days=90)).replace(day=rng.randint(1, 28))
        self.opp(acct, "new_business", "closed_lost", start - dt.timedelta(days=20),
                 rng.randint(20, 200) * 10000, currency, None, f"{acct.name} - new")
        cust = self.make_customer(acct, currency, start, True)
        self.customers.append(cust)
        sub = Subscription(self.ids.next("SUB"), cust, None, False, "active", start, None, "month", 12,
                           currency, self.entity)
        for ln in self.new_lines("none", currency, start, start)[:2]:
            sub.items.append(Item(self.ids.next("SI"), PRODUCT_BY_CRM[ln.product][1], ln.qty,
                                  (ln.net_c + 6) // 12, start, None, None))
        self.subs.append(sub)
        self.bill(sub)
        self.exc("billing_without_contract", "billing", sub.id)

    def draft_contract(self, acct: Account, cur: Contract) -> None:
        start = self.as_of + dt.timedelta(days=self.rng.randint(10, 40))
        c = Contract(self.ids.next("CON"), f"CTR-{self.ids.seq('ctrnum'):07d}", acct, start,
                     add_months(start, 12) - DAY, "draft", True, cur.frequency, cur.currency,
                     cur.entity, None, None)
        c.lines = self.new_lines(c.id, cur.currency, c.start, c.end)
        self.contracts.append(c)
        self.opp(acct, "expansion", "negotiation", start - DAY, sum(x.qty * x.net_c for x in c.lines),
                 c.currency, None, f"{acct.name} - new entity")

    def extras(self) -> None:
        """Partial credit notes, void and draft invoices: normal life, not exceptions."""
        rng, as_of = self.rng, self.as_of
        if not self.customers:
            return
        cust = self.customers[0]
        for inv in self.invoices:
            if (inv.kind == "period" and inv.customer.method == "bank_transfer" and not inv.credited
                    and (as_of - inv.issue).days >= 20 and rng.random() < P_PARTIAL_CREDIT):
                self.credit(inv, inv.issue + dt.timedelta(days=rng.randint(1, 3)),
                            (inv.subtotal + 5) // 10, "service credit")
                inv.flags.add("partial_credit")
        if rng.random() < 0.01:
            self.fee_invoice(cust, rand_date(rng, self.start, as_of), "void")
        if rng.random() < 0.01:
            self.fee_invoice(cust, as_of - dt.timedelta(days=10), "draft")
        if self.g == 0:
            # anchors the data's latest business date on the as-of date (in transit, unpaid)
            self.fee_invoice(cust, as_of)
