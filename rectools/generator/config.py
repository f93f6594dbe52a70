"""Settings and fixed reference data of the synthetic data generator.

Everything a run depends on is here or in ``GeneratorConfig``: no wall clock, no
environment. Rates are per customer group; counts are ``max(2, round(rate * groups))``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

DEFAULT_AS_OF = dt.date(2025, 6, 30)
DEFAULT_START = dt.date(2023, 1, 1)

# Tolerances of CONTRACT.md (defaults of the dbt vars); the truth is built against them.
AMOUNT_TOLERANCE_CENTS = 5
DATE_TOLERANCE_DAYS = 7
POSTING_GRACE_DAYS = 5

REPORTING_CURRENCY = "USD"

# Above SHARD_GROUPS groups a run is cut into shards of that many groups, simulated
# apart (in parallel with --workers) and concatenated in shard order. Shard s numbers
# its ids from s * SHARD_ID_SPAN (a 100k-group shard makes about 15M GL lines, the
# largest count), so the files do not depend on how many workers ran.
SHARD_GROUPS = 100_000
SHARD_ID_SPAN = 10**8


@dataclass(frozen=True)
class GeneratorConfig:
    groups: int
    seed: int
    out: Path
    fmt: str = "csv"
    as_of_date: dt.date = DEFAULT_AS_OF
    start_date: dt.date = DEFAULT_START
    chunk_size: int = 1000
    progress: bool = True
    shard_groups: int = SHARD_GROUPS  # tests make small shards; ids do not depend on it

    def validate(self) -> None:
        if self.groups < 1:
            raise ValueError("--groups must be at least 1")
        if self.fmt not in ("csv", "parquet"):
            raise ValueError("--format must be csv or parquet")
        if self.start_date.day != 1:
            raise ValueError("--start-date must be the first day of a month")
        if (self.as_of_date - self.start_date).days < 400:
            raise ValueError("--as-of-date must be at least 400 days after --start-date")
        if self.shard_groups % self.chunk_size:
            raise ValueError(f"--chunk-size must divide {self.shard_groups} (groups per shard)")
        if self.groups * 4 > NAME_SPACE:
            raise ValueError(f"--groups must be at most {NAME_SPACE // 4}")


# Billing entities: code -> currency; each group is billed by one entity.
ENTITIES = {"US01": "USD", "FR01": "EUR", "UK01": "GBP"}
BANK_ACCOUNTS = {"US01": "US01-OPERATING", "FR01": "FR01-BNP-EUR", "UK01": "UK01-HSBC-GBP"}

# country -> (billing entity, weight, VAT rate in basis points, legal suffixes)
COUNTRIES = {
    "US": ("US01", 40, 0, ("Inc.", "LLC", "Corp.")),
    "CA": ("US01", 5, 500, ("Inc.", "Ltd.")),
    "FR": ("FR01", 15, 2000, ("SAS", "SARL", "SA")),
    "DE": ("FR01", 12, 1900, ("GmbH", "AG")),
    "ES": ("FR01", 5, 2100, ("S.L.", "S.A.")),
    "NL": ("FR01", 5, 2100, ("B.V.",)),
    "GB": ("UK01", 15, 2000, ("Ltd", "Limited", "PLC")),
    "IE": ("FR01", 3, 2300, ("Ltd", "DAC")),
}
COUNTRY_CODES = tuple(COUNTRIES)
COUNTRY_WEIGHTS = tuple(COUNTRIES[c][1] for c in COUNTRY_CODES)

# Price lists are annual per unit, in cents, per currency.
# (crm code, billing code, erp revenue account, family, list price USD cents, recurring)
PRODUCTS = (
    ("PLAT-PRO", "platform_pro", "4000", "platform", 100000, True),
    ("PLAT-ENT", "platform_enterprise", "4001", "platform", 180000, True),
    ("ADDON-ANL", "analytics_addon", "4010", "addon", 35000, True),
    ("ADDON-API", "api_access", "4011", "addon", 250000, True),
    ("SUPPORT-PREM", "premium_support", "4020", "services", 400000, True),
    ("SERV-ONB", "onboarding_service", "4100", "services", 0, False),
)
PRODUCT_BY_CRM = {p[0]: p for p in PRODUCTS}
PRICE_FACTOR = {"USD": 1.0, "EUR": 0.95, "GBP": 0.8}
FX_START = {"USD": 1.0, "EUR": 1.08, "GBP": 1.26}

FREQUENCIES = {"monthly": ("month", 12), "quarterly": ("quarter", 4), "annual": ("year", 1)}
INTERVAL_PPY = {"month": 12, "quarter": 4, "year": 1}

GL_ACCOUNTS = {"receivable": "1100", "cash": "1000", "deferred_revenue": "2400", "tax": "2200"}

# The 20 exception types, in the vocabulary's order (= precedence), with rates per group.
EXCEPTION_RATES = {
    "contract_not_billed": 0.006,
    "billing_without_contract": 0.006,
    "price_mismatch": 0.008,
    "quantity_mismatch": 0.008,
    "term_mismatch": 0.006,
    "currency_mismatch": 0.005,
    "renewal_not_recorded": 0.005,
    "invoice_not_posted": 0.008,
    "credit_note_not_posted": 0.005,
    "posting_amount_mismatch": 0.006,
    "duplicate_posting": 0.005,
    "posting_without_source": 0.005,
    "posting_customer_mismatch": 0.005,
    "posting_period_mismatch": 0.006,
    "unapplied_cash": 0.006,
    "paid_status_mismatch": 0.006,
    "duplicate_payment": 0.005,
    "duplicate_customer": 0.008,
    "unbalanced_journal": 0.005,
    "revenue_not_recognized": 0.006,
}
EXCEPTION_TYPES = tuple(EXCEPTION_RATES)

# Quarantine reason kinds and the entities their broken rows land in (alternating).
QUARANTINE_RATE = 0.003
QUARANTINE_KINDS = {
    "null_key": (("crm", "opportunities"), ("billing", "payments")),
    "bad_date": (("billing", "invoices"), ("crm", "contract_lines")),
    "bad_timestamp": (("crm", "accounts"), ("erp", "cash_receipts")),
    "bad_number": (("erp", "ar_documents"), ("billing", "invoice_lines")),
    "bad_boolean": (("crm", "contracts"), ("billing", "invoice_lines")),
    "unknown_enum": (("billing", "subscriptions"), ("erp", "gl_journal_lines")),
    "negative_quantity": (("billing", "subscription_items"), ("crm", "contract_lines")),
    "unknown_currency": (("billing", "payments"), ("erp", "cash_receipts")),
    "duplicate_key": (("billing", "customers"), ("erp", "receipt_applications")),
    "exact_duplicate": (("crm", "opportunities"), ("reference", "fx_rates")),
}

# Shape of the normal world (probabilities per group / contract / invoice).
P_SECOND_ACCOUNT = 0.06
P_PROSPECT = 0.03
P_ONBOARDING_FEE = 0.4
P_FEE_FULL_CREDIT = 0.2
P_PARTIAL_CREDIT = 0.02
P_AMENDMENT = 0.25
P_TERMINATION = 0.03
P_VOID_INVOICE = 0.01
P_DRAFT_INVOICE = 0.01
P_CANCELLED_DOC = 0.01
P_MESSY = 0.03

# Deliberate file quirks (the models read by header name).
BOM_FILE = ("crm", "accounts")
EXTRA_COLUMN_FILE = ("billing", "payments")
EXTRA_COLUMN = "_extracted_at"
REORDERED_FILE = ("erp", "cash_receipts")

SYLLABLES = ("ka", "lo", "mi", "re", "nu", "ta", "vo", "si", "de", "ra", "po", "ne",
             "zu", "fa", "li", "go", "be", "xa", "tu", "mo", "sa", "ve", "qui", "dra")
NAME_SYLLABLES = 5
NAME_SPACE = len(SYLLABLES) ** NAME_SYLLABLES
INDUSTRY = ("Analytics", "Logistics", "Health", "Foods", "Robotics", "Media", "Energy",
            "Retail", "Systems", "Finance", "Studios", "Networks")
SISTER_WORD = ("Services", "Holdings Europe", "Solutions", "Trading")
FORMER_WORD = ("Ventures", "Partners", "Labs", "Works")
