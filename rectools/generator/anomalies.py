"""Where anomalies go: the plan of injected exceptions and quarantine rows, and the
contract-breaking rows themselves (extra standalone rows with fresh ids)."""
from __future__ import annotations

import random

from .config import EXCEPTION_RATES, P_PROSPECT, QUARANTINE_KINDS, QUARANTINE_RATE


def count_for(rate: float, groups: int) -> int:
    return max(2, round(rate * groups))


class Plan:
    """Group index -> scenario (one anomaly per group at most), and quarantine rows per group."""

    def __init__(self, seed: int, groups: int, chunk_size: int):
        rng = random.Random(f"{seed}:plan")
        self.exception_counts = {t: count_for(r, groups) for t, r in EXCEPTION_RATES.items()}
        slots = [t for t, n in self.exception_counts.items() for _ in range(n)]
        # group 0 and the first group of each chunk stay normal (they anchor ids and give
        # posting_customer_mismatch another customer in the same chunk)
        eligible = [g for g in range(groups) if g % chunk_size != 0]
        n_prospects = round(P_PROSPECT * groups)
        if len(slots) + n_prospects > len(eligible):
            raise ValueError(f"{groups} groups are too few for {len(slots)} injected exceptions; "
                             f"use at least {len(slots) + n_prospects + 10} groups")
        chosen = rng.sample(eligible, len(slots) + n_prospects)
        self.scenario: dict[int, str] = {}
        for g, t in zip(chosen, slots + ["prospect"] * n_prospects):
            self.scenario[g] = t
        self.quarantine: dict[int, list[tuple[str, str, str]]] = {}
        self.fx_duplicates = 0
        for kind, targets in QUARANTINE_KINDS.items():
            for i in range(count_for(QUARANTINE_RATE, groups)):
                system, entity = targets[i % len(targets)]
                if (system, entity) == ("reference", "fx_rates"):
                    self.fx_duplicates += 1
                    continue
                g = rng.randrange(groups)
                self.quarantine.setdefault(g, []).append((kind, system, entity))


def break_row(kind: str, row: dict, key_cols: tuple[str, ...], entity: str) -> dict:
    """Make exactly one contract violation of ``kind`` in a complete, valid row."""
    row = dict(row)
    if kind == "null_key":
        row[key_cols[0]] = ""
    elif kind == "bad_date":
        col = {"invoices": "issue_date", "contract_lines": "start_date"}[entity]
        row[col] = {"invoices": "2024-02-30", "contract_lines": "31/03/2024"}[entity]
    elif kind == "bad_timestamp":
        col = "created_at"
        row[col] = {"accounts": "2024-13-01T10:00:00Z", "cash_receipts": "yesterday 10am"}[entity]
    elif kind == "bad_number":
        col = {"ar_documents": "gross_amount", "invoice_lines": "amount"}[entity]
        row[col] = {"ar_documents": "1.234,56", "invoice_lines": "12O.00"}[entity]
    elif kind == "bad_boolean":
        col = {"contracts": "auto_renew", "invoice_lines": "is_proration"}[entity]
        row[col] = {"contracts": "yes", "invoice_lines": "Y"}[entity]
    elif kind == "unknown_enum":
        col = {"subscriptions": "status", "gl_journal_lines": "account_type"}[entity]
        row[col] = {"subscriptions": "paused", "gl_journal_lines": "suspense"}[entity]
    elif kind == "negative_quantity":
        row["quantity"] = "-3"
    elif kind == "unknown_currency":
        row["currency"] = {"payments": "EURO", "cash_receipts": "US$"}[entity]
    return row
