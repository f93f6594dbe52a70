"""The generation loop: groups simulated in chunks and streamed to open writers."""
from __future__ import annotations

import json
import random
import shutil
from collections import Counter

from tqdm import tqdm

from .anomalies import Plan
from .config import (AMOUNT_TOLERANCE_CENTS, DATE_TOLERANCE_DAYS, EXCEPTION_TYPES, POSTING_GRACE_DAYS,
                     QUARANTINE_KINDS, REPORTING_CURRENCY, GeneratorConfig)
from .group import simulate_group
from .truth import ArrBook, Fx, product_map_rows
from .util import Ids
from .writers import LandingWriter, TruthWriter


class Context:
    """State shared by the groups of one run (sequential: ids are global counters)."""

    def __init__(self, cfg: GeneratorConfig):
        self.cfg = cfg
        self.seed = cfg.seed
        self.as_of = cfg.as_of_date
        self.start = cfg.start_date
        self.ids = Ids()
        self.plan = Plan(cfg.seed, cfg.groups, cfg.chunk_size)
        self.chunk_erp_customers: dict = {}
        self.erp_group: dict[str, str] = {}
        self._counters: Counter = Counter()

    def counter(self, name: str) -> int:
        n = self._counters[name]
        self._counters[name] += 1
        return n


def generate(cfg: GeneratorConfig) -> dict:
    cfg.validate()
    ctx = Context(cfg)
    landing_root, truth_root = cfg.out / "landing", cfg.out / "truth"
    for old in (landing_root, truth_root):
        if old.exists():
            shutil.rmtree(old)
    landing = LandingWriter(landing_root, cfg.fmt)
    truth = TruthWriter(truth_root)
    fx = Fx(cfg.seed, cfg.start_date, cfg.as_of_date)
    arr = ArrBook(fx, cfg.start_date, cfg.as_of_date)
    exc_counts: Counter = Counter()
    q_counts: Counter = Counter()
    bar = tqdm(total=cfg.groups, unit="group", disable=not cfg.progress, desc="simulating")
    for lo in range(0, cfg.groups, cfg.chunk_size):
        ctx.chunk_erp_customers = {}
        ctx.erp_group = {}
        for g in range(lo, min(lo + cfg.chunk_size, cfg.groups)):
            res = simulate_group(ctx, g)
            for key, rows in res.rows.items():
                landing.write(key, rows)
            truth.write("exceptions", res.exceptions)
            truth.write("customer_groups", res.customer_groups)
            truth.write("contract_subscription_links", res.contract_links)
            truth.write("invoice_document_links", res.document_links)
            truth.write("receipt_document_links", res.receipt_links)
            truth.write("quarantine", res.quarantine)
            exc_counts.update(e[0] for e in res.exceptions)
            q_counts.update(q[3] for q in res.quarantine)
            arr.add_group(res.world, res.ledger, ctx.erp_group)
        truth.write("arr_monthly", arr.drain())
        landing.flush()
        bar.update(min(lo + cfg.chunk_size, cfg.groups) - lo)
    bar.close()

    # reference data, with the planned exact duplicates of fx rows
    fx_rows = list(fx.rows())
    rng = random.Random(f"{cfg.seed}:fxdup")
    dup_at = sorted(rng.sample(range(len(fx_rows)), ctx.plan.fx_duplicates))
    for i in reversed(dup_at):
        fx_rows.insert(i + 1, dict(fx_rows[i]))
    q_rows = [("reference", "fx_rates", f"{fx_rows[i + k]['rate_date']}|{fx_rows[i + k]['currency']}",
               "exact_duplicate") for k, i in enumerate(dup_at)]
    truth.write("quarantine", q_rows)
    q_counts.update(r[3] for r in q_rows)
    landing.write(("reference", "fx_rates"), fx_rows)
    landing.write(("reference", "product_map"), list(product_map_rows()))
    file_rows = landing.close()
    file_rows.update(truth.close())

    for t, n in ctx.plan.exception_counts.items():
        if exc_counts[t] != n:
            raise RuntimeError(f"planned {n} {t} but injected {exc_counts[t]}")
    manifest = {
        "seed": cfg.seed,
        "groups": cfg.groups,
        "as_of_date": cfg.as_of_date.isoformat(),
        "start_date": cfg.start_date.isoformat(),
        "format": cfg.fmt,
        "landing_value_types": "all columns written as strings" if cfg.fmt == "parquet" else "csv text",
        "reporting_currency": REPORTING_CURRENCY,
        "tolerances": {"amount_tolerance": AMOUNT_TOLERANCE_CENTS / 100,
                       "date_tolerance_days": DATE_TOLERANCE_DAYS, "posting_grace_days": POSTING_GRACE_DAYS},
        "exception_counts": {t: exc_counts[t] for t in EXCEPTION_TYPES},
        "quarantine_counts": {k: q_counts[k] for k in QUARANTINE_KINDS},
        "file_rows": dict(sorted(file_rows.items())),
    }
    (truth_root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
