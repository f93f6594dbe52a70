"""Tests of the synthetic data generator (rectools/generator, scripts/generate_data.py).

Besides determinism and file shape, an independent oracle recomputes every exception
type from the landing files plus the truth links, following CONTRACT.md and
DECISIONLOG.md, and must find exactly the injected exceptions: no side effects.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rectools.contract import landing_entities  # noqa: E402
from rectools.generator import GeneratorConfig, generate  # noqa: E402
from rectools.generator.config import EXCEPTION_TYPES, QUARANTINE_KINDS  # noqa: E402

AS_OF = dt.date(2025, 6, 30)
GROUPS = 300


def run(out: Path, seed: int = 7, fmt: str = "csv", groups: int = GROUPS) -> dict:
    return generate(GeneratorConfig(groups=groups, seed=seed, out=out, fmt=fmt, progress=False))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen")
    manifest = run(out)
    return out, manifest


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read(out: Path, system: str, entity: str) -> list[dict]:
    with open(out / "landing" / system / f"{entity}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def truth(out: Path, name: str) -> list[dict]:
    with open(out / "truth" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- determinism and shape
def test_same_seed_same_bytes_and_other_seed_differs(tmp_path, data):
    out, _ = data
    again = tmp_path / "again"
    run(again)
    assert digest(out) == digest(again)
    other = tmp_path / "other"
    run(other, seed=8, groups=100)
    assert digest(other)["landing/billing/invoices.csv"] != digest(out)["landing/billing/invoices.csv"]
    small = tmp_path / "small"
    run(small, seed=8, groups=100)
    assert digest(small) == digest(other)


def test_every_entity_has_the_contract_columns(data):
    out, _ = data
    quirks = 0
    for ent in landing_entities():
        path = out / "landing" / ent.system / f"{ent.name}.csv"
        raw = path.read_bytes()
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        expected = list(ent.column_names)
        if header != expected:
            quirks += 1
            assert sorted(set(header) - {"_extracted_at"}) == sorted(expected), ent.relation
        if raw.startswith(b"\xef\xbb\xbf"):
            quirks += 1
    assert quirks == 3  # one BOM, one extra column, one reordered header


def test_every_exception_type_and_quarantine_kind_present(data):
    out, manifest = data
    rows = truth(out, "exceptions")
    counts = defaultdict(int)
    for r in rows:
        counts[r["exception_type"]] += 1
    assert set(counts) == set(EXCEPTION_TYPES)
    assert all(n >= 2 for n in counts.values())
    assert len({(r["exception_type"], r["source_record_id"]) for r in rows}) == len(rows)
    kinds = {r["reason_kind"] for r in truth(out, "quarantine")}
    assert kinds == set(QUARANTINE_KINDS)
    assert manifest["exception_counts"] == {t: counts[t] for t in EXCEPTION_TYPES}
    total_invoices = manifest["file_rows"]["landing/billing/invoices"]
    assert 0.005 <= len(rows) / total_invoices <= 0.04


def test_quarantine_rows_are_in_the_files_and_nothing_references_them(data):
    out, _ = data
    key_of = {(e.system, e.name): e.key_columns for e in landing_entities()}
    for q in truth(out, "quarantine"):
        rows = read(out, q["source_system"], q["entity"])
        keys = ["|".join(r[k] for k in key_of[(q["source_system"], q["entity"])]) for r in rows]
        n = keys.count(q["record_key"])
        assert n >= (2 if q["reason_kind"] in ("duplicate_key", "exact_duplicate") else 1), q


def test_parquet_gives_the_same_rows_as_csv(tmp_path):
    import pyarrow.parquet as pq
    a, b = tmp_path / "a", tmp_path / "b"
    run(a, groups=120)
    run(b, groups=120, fmt="parquet")
    for ent in landing_entities():
        with open(a / "landing" / ent.system / f"{ent.name}.csv", encoding="utf-8-sig", newline="") as f:
            csv_rows = [{k: v for k, v in r.items()} for r in csv.DictReader(f)]
        table = pq.read_table(b / "landing" / ent.system / f"{ent.name}.parquet").to_pylist()
        pq_rows = [{k: ("" if v is None else v) for k, v in r.items()} for r in table]
        assert csv_rows == pq_rows, ent.relation


def test_cli_help_and_readable_error(tmp_path):
    script = str(ROOT / "scripts" / "generate_data.py")
    ok = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "--groups" in ok.stdout
    bad = subprocess.run([sys.executable, script, "--groups", "0", "--seed", "1", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "error" in bad.stderr and "Traceback" not in bad.stderr


def test_streaming_keeps_memory_bounded(tmp_path):
    """Groups are streamed in chunks: four times the groups do not need four times the memory."""
    code = ("import sys, resource; sys.path.insert(0, sys.argv[1]);"
            "from rectools.generator import GeneratorConfig, generate; from pathlib import Path;"
            "generate(GeneratorConfig(groups=int(sys.argv[3]), seed=3, out=Path(sys.argv[2]), progress=False,"
            " chunk_size=100)); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    peaks = [int(subprocess.run([sys.executable, "-c", code, str(ROOT), str(tmp_path / f"m{n}"), str(n)],
                                capture_output=True, text=True, check=True).stdout) for n in (100, 400)]
    # four times the groups, streamed in chunks: peak memory grows by far less than 4x
    assert peaks[1] < peaks[0] * 1.5, peaks


# ---------------------------------------------------------------- coherence
def test_links_point_to_landing_ids(data):
    out, _ = data
    ids = lambda s, e, k: {r[k] for r in read(out, s, e)}  # noqa: E731
    contracts, subs = ids("crm", "contracts", "contract_id"), ids("billing", "subscriptions", "subscription_id")
    for r in truth(out, "contract_subscription_links"):
        assert r["crm_contract_id"] in contracts and r["subscription_id"] in subs
    docs = ids("erp", "ar_documents", "document_id")
    billing = ids("billing", "invoices", "invoice_id") | ids("billing", "credit_notes", "credit_note_id")
    for r in truth(out, "invoice_document_links"):
        assert r["billing_document_id"] in billing and r["erp_document_id"] in docs
    receipts = ids("erp", "cash_receipts", "receipt_id")
    for r in truth(out, "receipt_document_links"):
        assert r["receipt_id"] in receipts and r["erp_document_id"] in docs
    customers = (ids("crm", "accounts", "account_id") | ids("billing", "customers", "customer_id")
                 | ids("erp", "customers", "erp_customer_id"))
    staged = {r["source_customer_id"] for r in truth(out, "customer_groups")}
    quarantined = {r["record_key"] for r in truth(out, "quarantine")}
    assert staged <= customers and customers - staged <= quarantined


def test_invoice_totals_and_journals(data):
    out, _ = data
    q = {r["record_key"] for r in truth(out, "quarantine")}
    for r in read(out, "billing", "invoices"):
        if r["invoice_id"] not in q:
            assert Decimal(r["subtotal"]) + Decimal(r["tax_amount"]) == Decimal(r["total"])
    sums = defaultdict(Decimal)
    for r in read(out, "erp", "gl_journal_lines"):
        if r["journal_line_id"] not in q:
            sums[r["journal_id"]] += Decimal(r["debit"]) - Decimal(r["credit"])
    unbalanced = {j for j, s in sums.items() if s != 0}
    injected = {r["source_record_id"] for r in truth(out, "exceptions") if r["exception_type"] == "unbalanced_journal"}
    assert unbalanced == injected


def test_no_business_date_after_as_of_and_one_on_it(data):
    out, _ = data
    q = {r["record_key"] for r in truth(out, "quarantine")}
    latest = max(r["issue_date"] for r in read(out, "billing", "invoices") if r["invoice_id"] not in q)
    assert latest == AS_OF.isoformat()
    assert max(r["posting_date"] for r in read(out, "erp", "ar_documents")) <= AS_OF.isoformat()
    assert max(r["value_date"] for r in read(out, "erp", "cash_receipts")) <= AS_OF.isoformat()
    assert max(r["paid_at"][:10] for r in read(out, "billing", "payments")) <= AS_OF.isoformat()


def test_oracle_finds_exactly_the_injected_exceptions(data):
    out, _ = data
    expected = {(r["exception_type"], r["source_system"], r["source_record_id"]) for r in truth(out, "exceptions")}
    found = Oracle(out).exceptions()
    assert found - expected == set(), sorted(found - expected)[:10]
    assert expected - found == set(), sorted(expected - found)[:10]


def test_oracle_with_a_mid_month_as_of_date(tmp_path):
    as_of = dt.date(2025, 3, 14)
    generate(GeneratorConfig(groups=200, seed=11, out=tmp_path, progress=False, as_of_date=as_of))
    expected = {(r["exception_type"], r["source_system"], r["source_record_id"]) for r in truth(tmp_path, "exceptions")}
    assert Oracle(tmp_path, as_of).exceptions() == expected


def test_shards_in_parallel_give_the_same_files_and_a_coherent_set(tmp_path):
    """Above the shard size, shards are simulated apart and concatenated: the files do not
    depend on the number of workers, the first shard is the same as a run of its groups
    alone, ids stay unique across shards, and the oracle still finds exactly the injected
    exceptions in the concatenated set (CSV, so the later shards' headers must be gone)."""
    def sharded(out, workers, groups=300):
        return generate(GeneratorConfig(groups=groups, seed=5, out=out, progress=False, chunk_size=50,
                                        shard_groups=100), workers=workers)
    one, two = tmp_path / "one", tmp_path / "two"
    manifest = sharded(one, 1)
    sharded(two, 2)
    assert digest(one) == digest(two)
    assert not (one / ".shards").exists()
    invoices = read(one, "billing", "invoices")
    assert len(invoices) == manifest["file_rows"]["landing/billing/invoices"]
    assert len({r["invoice_id"] for r in invoices}) == len(invoices) - sum(
        1 for q in truth(one, "quarantine") if q["entity"] == "invoices" and q["reason_kind"] == "duplicate_key")
    assert any(r["invoice_id"].startswith("INV-2") for r in invoices)  # numbered from 2 * 10**8
    expected = {(r["exception_type"], r["source_system"], r["source_record_id"]) for r in truth(one, "exceptions")}
    assert Oracle(one).exceptions() == expected
    import pyarrow.parquet as pq
    parquet = tmp_path / "parquet"
    parquet_manifest = generate(GeneratorConfig(groups=300, seed=5, out=parquet, fmt="parquet", progress=False,
                                                chunk_size=50, shard_groups=100), workers=2)
    table = pq.read_table(parquet / "landing" / "billing" / "invoices.parquet")
    assert table.num_rows == parquet_manifest["file_rows"]["landing/billing/invoices"] == len(invoices)
    assert sorted(table.column("invoice_id").to_pylist()) == sorted(r["invoice_id"] for r in invoices)
    alone = tmp_path / "alone"
    generate(GeneratorConfig(groups=300, seed=5, out=alone, progress=False, chunk_size=50))
    assert read(alone, "crm", "accounts")[:5] == read(one, "crm", "accounts")[:5]
    with pytest.raises(ValueError, match="must divide"):
        generate(GeneratorConfig(groups=300, seed=5, out=alone, progress=False, chunk_size=70, shard_groups=100))


# ---------------------------------------------------------------- the oracle
def clean(rows, key, quarantined):
    out = {}
    for r in rows:
        r = {k: (v.strip() if isinstance(v, str) else v) for k, v in r.items()}
        if r[key] in quarantined or not r[key]:
            continue
        out[r[key]] = r
    return out


def day(s):
    return dt.date.fromisoformat(s) if s else None


def active(r, d):
    return day(r["start_date"]) <= d and (not r["end_date"] or d <= day(r["end_date"]))


def norm_tax(t):
    t = re.sub(r"[^0-9A-Z]", "", (t or "").upper())
    return re.sub(r"^(US|FR|GB|DE|ES|NL|IE|CA)", "", t)


class Oracle:
    """Recomputes exceptions from landing + truth links, by the contract's rules."""

    def __init__(self, out: Path, as_of: dt.date = AS_OF):
        self.as_of = as_of
        q = {r["record_key"] for r in truth(out, "quarantine")}
        self.out = out
        L = lambda s, e, k: clean(read(out, s, e), k, q)  # noqa: E731
        self.contracts = L("crm", "contracts", "contract_id")
        self.lines = L("crm", "contract_lines", "contract_line_id")
        self.accounts = L("crm", "accounts", "account_id")
        self.subs = L("billing", "subscriptions", "subscription_id")
        self.items = L("billing", "subscription_items", "subscription_item_id")
        self.invoices = L("billing", "invoices", "invoice_id")
        self.cns = L("billing", "credit_notes", "credit_note_id")
        self.customers = L("billing", "customers", "customer_id")
        self.erp_customers = L("erp", "customers", "erp_customer_id")
        self.docs = L("erp", "ar_documents", "document_id")
        self.receipts = L("erp", "cash_receipts", "receipt_id")
        self.gl = L("erp", "gl_journal_lines", "journal_line_id")
        self.pmap = {r["crm_product_code"]: r["billing_product_code"] for r in read(out, "reference", "product_map")}
        self.link = {r["crm_contract_id"]: r["subscription_id"] for r in truth(out, "contract_subscription_links")}
        self.doc_links = defaultdict(list)
        for r in truth(out, "invoice_document_links"):
            self.doc_links[r["billing_document_id"]].append(r["erp_document_id"])
        self.applied = defaultdict(Decimal)
        self.receipt_applied = defaultdict(Decimal)
        for r in truth(out, "receipt_document_links"):
            self.applied[r["erp_document_id"]] += Decimal(r["applied_amount"])
            self.receipt_applied[r["receipt_id"]] += Decimal(r["applied_amount"])
        self.revenue = defaultdict(Decimal)
        for g in self.gl.values():
            if g["account_type"].lower() == "revenue":
                self.revenue[g["source_document_id"]] += Decimal(g["credit"]) - Decimal(g["debit"])
        self.items_of = defaultdict(list)
        for i in self.items.values():
            self.items_of[i["subscription_id"]].append(i)
        self.lines_of = defaultdict(list)
        for ln in self.lines.values():
            self.lines_of[ln["contract_id"]].append(ln)
        self.renewed = {x["renewed_from_contract_id"] for x in self.contracts.values()}
        self.invoices_of = defaultdict(list)
        for i in self.invoices.values():
            self.invoices_of[i["subscription_id"]].append(i)
        self.group = {(r["source_system"], r["source_customer_id"]): r["group_id"]
                      for r in truth(out, "customer_groups")}

    def exceptions(self):
        found = {}

        def add(t, system, rid):
            found.setdefault((system, rid), t)  # first type explains it

        ppy = {"month": 12, "quarter": 4, "year": 1}
        freq = {"monthly": "month", "quarterly": "quarter", "annual": "year"}
        for cid, c in self.contracts.items():
            st = c["status"].lower()
            sid = self.link.get(cid)
            if st == "activated" and sid is None and (self.as_of - day(c["start_date"])).days >= 7:
                add("contract_not_billed", "crm", cid)
            if sid is None:
                continue
            s = self.subs[sid]
            if s["currency"] != c["currency"]:
                add("currency_mismatch", "crm", cid)
                continue
            if abs((day(s["start_date"]) - day(c["start_date"])).days) > 7 or \
                    s["billing_interval"].strip().lower() != freq[c["billing_frequency"].lower()]:
                add("term_mismatch", "crm", cid)
            n = ppy[s["billing_interval"].strip().lower()]
            items = [i for i in self.items_of[sid] if active(i, self.as_of)]
            for ln in self.lines_of[cid]:
                lid = ln["contract_line_id"]
                if not active(ln, self.as_of):
                    continue
                match = [i for i in items if i["product_code"] == self.pmap[ln["product_code"]]]
                if not match or Decimal(match[0]["quantity"]) != Decimal(ln["quantity"]):
                    add("quantity_mismatch", "crm", lid)
                elif abs(Decimal(match[0]["unit_amount"]) * n - Decimal(ln["net_unit_price"])) > Decimal("0.05") * n:
                    add("price_mismatch", "crm", lid)
            if c["auto_renew"].lower() == "true" and day(c["end_date"]) < self.as_of and \
                    cid not in self.renewed and \
                    any(i["period_start"] and day(i["period_start"]) > day(c["end_date"])
                        for i in self.invoices_of[sid]):
                add("renewal_not_recorded", "crm", cid)
        linked_subs = set(self.link.values())
        invoiced = {i["subscription_id"] for i in self.invoices.values()}
        for sid, s in self.subs.items():
            if s["status"].lower() != "trialing" and sid in invoiced and sid not in linked_subs:
                add("billing_without_contract", "billing", sid)
        linked_docs = {d for ds in self.doc_links.values() for d in ds}
        for kind, table in (("invoice", self.invoices), ("credit_note", self.cns)):
            for bid, b in table.items():
                if kind == "invoice" and b["status"].lower() in ("draft", "void"):
                    continue
                docs = [self.docs[d] for d in self.doc_links.get(bid, [])]
                if not docs:
                    if (self.as_of - day(b["issue_date"])).days >= 5:
                        add("invoice_not_posted" if kind == "invoice" else "credit_note_not_posted", "billing", bid)
                    continue
                if any(Decimal(d["gross_amount"]) != Decimal(b["total"]) for d in docs):
                    add("posting_amount_mismatch", "billing", bid)
                if len(docs) > 1:
                    add("duplicate_posting", "billing", bid)
                cust = self.group[("billing", b["customer_id"])]
                if any(self.group[("erp", d["erp_customer_id"])] != cust for d in docs):
                    add("posting_customer_mismatch", "billing", bid)
                if any(d["posting_date"][:7] != b["issue_date"][:7] for d in docs):
                    add("posting_period_mismatch", "billing", bid)
                if kind == "invoice":
                    applied = sum(self.applied[d["document_id"]] for d in docs)
                    if applied != Decimal(b["amount_paid"]):
                        add("paid_status_mismatch", "billing", bid)
                    if b["period_end"] and day(b["period_end"]) < self.as_of.replace(day=1):
                        for d in docs:
                            if self.revenue[d["document_id"]] < Decimal(d["net_amount"]):
                                add("revenue_not_recognized", "billing", bid)
        for did, d in self.docs.items():
            if d["status"].lower() != "cancelled" and did not in linked_docs:
                add("posting_without_source", "erp", did)
        seen = {}
        for rid, r in sorted(self.receipts.items(), key=lambda kv: (kv[1]["value_date"], kv[0])):
            key = (r["entity"], r["amount"], r["currency"], r["payer_name"], r["bank_reference"])
            prev = seen.get(key)
            if prev and (day(r["value_date"]) - day(prev)).days <= 3:
                add("duplicate_payment", "erp", rid)
            seen[key] = r["value_date"]
            if ("erp", rid) not in found and Decimal(r["amount"]) > self.receipt_applied[rid]:
                add("unapplied_cash", "erp", rid)
        for system, table, name_col, scope in (("crm", self.accounts, "legal_name", None),
                                               ("billing", self.customers, "name", None),
                                               ("erp", self.erp_customers, "name", "entity")):
            first_by = {}
            for rid, r in sorted(table.items(), key=lambda kv: (kv[1]["created_at"], kv[0])):
                country = r.get("billing_country") or r.get("country")
                keys = []
                if r["tax_id"]:
                    keys.append(("tax", norm_tax(r["tax_id"]), r.get(scope) if scope else None))
                if r[name_col]:
                    keys.append(("name", r[name_col].strip().lower(), country, r.get(scope) if scope else None))
                if any(k in first_by for k in keys):
                    add("duplicate_customer", system, rid)
                for k in keys:
                    first_by.setdefault(k, rid)
        sums = defaultdict(Decimal)
        for g in self.gl.values():
            sums[g["journal_id"]] += Decimal(g["debit"]) - Decimal(g["credit"])
        for j, s in sums.items():
            if s != 0:
                add("unbalanced_journal", "erp", j)
        return {(t, system, rid) for (system, rid), t in found.items()}
