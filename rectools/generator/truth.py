"""Reference data (FX, product map) and the ARR truth of CONTRACT.md's ARR section."""
from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from .config import FX_START, PRODUCTS
from .util import DAY, month_end, month_start, months_between

CENT = Decimal("0.01")
ARR_STATUSES = ("activated", "expired", "terminated")


class Fx:
    """Daily rates start..as_of for every currency used; USD = 1."""

    def __init__(self, seed: int, start: dt.date, as_of: dt.date):
        self.start, self.as_of = start, as_of
        rng = random.Random(f"{seed}:fx")
        self.rates: dict[str, list[Decimal]] = {}
        days = (as_of - start).days + 1
        for cur, r0 in FX_START.items():
            series, r = [], r0
            for _ in range(days):
                if cur != "USD":
                    r = min(max(r * (1 + rng.gauss(0, 0.003)), r0 * 0.85), r0 * 1.15)
                series.append(Decimal(f"{r:.6f}"))
            self.rates[cur] = series

    def rate(self, currency: str, day: dt.date) -> Decimal:
        """Latest rate on or before the day."""
        day = min(day, self.as_of)
        return self.rates[currency][max(0, (day - self.start).days)]

    def rows(self):
        for i in range((self.as_of - self.start).days + 1):
            day = (self.start + i * DAY).isoformat()
            for cur in sorted(self.rates):
                yield dict(rate_date=day, currency=cur, rate_to_reporting=f"{self.rates[cur][i]:.6f}")


def product_map_rows():
    for crm, billing, account, family, _, _ in PRODUCTS:
        yield dict(crm_product_code=crm, billing_product_code=billing, erp_revenue_account=account,
                   product_family=family)


class ArrBook:
    """ARR per (group, month, source) in the reporting currency, measured at month end."""

    def __init__(self, fx: Fx, start: dt.date, as_of: dt.date):
        self.fx = fx
        self.months = months_between(start, as_of)
        self.ends = [month_end(m) for m in self.months]
        self.first, self.last = self.months[0], self.months[-1]
        self.acc: dict[tuple[str, dt.date, str], Decimal] = {}

    def add(self, group_id: str, month: dt.date, source: str, amount: Decimal) -> None:
        k = (group_id, month, source)
        self.acc[k] = self.acc.get(k, Decimal(0)) + amount

    def add_span(self, group_id, source, start, end, cents_per_year, currency):
        """A recurring amount active from start to end (None = open) at each month end."""
        for m, me in zip(self.months, self.ends):
            if start <= me and (end is None or me <= end):
                self.add(group_id, m, source, Decimal(cents_per_year) * self.fx.rate(currency, me) / 100)

    def add_group(self, world, ledger, erp_group: dict[str, str]) -> None:
        gid = world.group_id
        for c in world.contracts:
            if c.status in ARR_STATUSES:
                for ln in c.lines:
                    self.add_span(gid, "crm", ln.start, ln.end, ln.qty * ln.net_c, c.currency)
        for s in world.subs:
            if s.status == "trialing":
                continue
            for it in s.items:
                lo = max(s.start, it.start)
                ends = [e for e in (s.end, it.end) if e is not None]
                self.add_span(gid, "billing", lo, min(ends) if ends else None, it.qty * it.unit_c * s.ppy,
                              s.currency)
        if ledger is not None:
            for posting, currency, cents, cust_id in ledger.revenue:
                m = month_start(posting)
                if self.first <= m <= self.last:
                    rate = self.fx.rate(currency, month_end(m))
                    self.add(erp_group[cust_id], m, "erp", Decimal(cents * 12) * rate / 100)

    def drain(self):
        """Rows accumulated so far, sorted by group, month, source; then forgets them."""
        out = []
        for (gid, m, src) in sorted(self.acc):
            v = self.acc[(gid, m, src)].quantize(CENT, rounding=ROUND_HALF_UP)
            if v != 0:
                out.append((m.isoformat(), gid, src, f"{v:.2f}"))
        self.acc = {}
        return out
