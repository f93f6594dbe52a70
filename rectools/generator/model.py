"""In-memory records of one simulated customer group (amounts in integer cents)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Account:
    id: str
    name: str
    legal_name: str | None
    tax_id: str | None
    country: str
    created: dt.date
    parent_id: str | None = None
    website: str | None = None


@dataclass
class Line:
    id: str
    contract_id: str
    product: str          # CRM product code
    qty: int
    list_c: int
    disc_h: int           # discount in hundredths of a percent
    net_c: int
    start: dt.date
    end: dt.date


@dataclass
class Amendment:
    date: dt.date
    kind: str             # expansion | contraction
    old: Line
    new: Line


@dataclass
class Contract:
    id: str
    number: str
    account: Account
    start: dt.date
    end: dt.date
    status: str
    auto_renew: bool
    frequency: str
    currency: str
    entity: str
    renewed_from: str | None
    signed: dt.date | None
    lines: list[Line] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)


@dataclass
class Item:
    id: str
    product: str          # billing product code
    qty: int
    unit_c: int
    start: dt.date
    end: dt.date | None
    line: Line | None = None


@dataclass
class Customer:
    id: str
    account: Account
    name: str
    tax_id: str | None
    country: str
    currency: str
    crm_link: bool
    created: dt.date
    method: str           # card | direct_debit | bank_transfer: how it usually pays


@dataclass
class Subscription:
    id: str
    customer: Customer
    contract: Contract | None
    link_in_file: bool
    status: str
    start: dt.date
    end: dt.date | None
    interval: str
    ppy: int
    currency: str
    entity: str
    items: list[Item] = field(default_factory=list)
    expansions: list[tuple[dt.date, Item, int]] = field(default_factory=list)  # (date, new item, delta qty)


@dataclass
class InvLine:
    id: str
    item_id: str | None
    product: str
    description: str
    qty: int
    unit_c: int
    amount_c: int
    pstart: dt.date | None
    pend: dt.date | None
    is_proration: bool


@dataclass
class Invoice:
    id: str
    number: str
    customer: Customer
    sub: Subscription | None
    status: str
    issue: dt.date
    due: dt.date
    pstart: dt.date | None
    pend: dt.date | None
    currency: str
    entity: str
    subtotal: int
    tax: int
    lines: list[InvLine]
    amount_paid: int = 0
    credited: int = 0
    kind: str = "period"  # period | proration | fee
    flags: set = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


@dataclass
class CreditNote:
    id: str
    number: str
    invoice: Invoice
    issue: dt.date
    subtotal: int
    tax: int
    reason: str
    posted: bool = True

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


@dataclass
class ErpCustomer:
    id: str
    name: str
    tax_id: str | None
    country: str
    entity: str
    crm_account_id: str | None
    created: dt.date
    group_id: str


@dataclass
class ArDoc:
    id: str
    number: str
    doc_type: str          # invoice | credit_memo
    customer: ErpCustomer
    ext_ref: str | None
    doc_date: dt.date
    posting: dt.date
    due: dt.date | None
    currency: str
    net: int
    tax: int
    entity: str
    status: str = "open"
    source: object = None  # Invoice | CreditNote | None
    lettered: int = 0

    @property
    def gross(self) -> int:
        return self.net + self.tax


@dataclass
class Receipt:
    id: str
    entity: str
    value_date: dt.date
    amount: int
    currency: str
    payer: str | None
    reference: str | None
    erp_customer_id: str | None
    created: dt.date
    applications: list[tuple[ArDoc, int]] = field(default_factory=list)  # true applications
    lettered: bool = True
