"""The generation loop: groups simulated in chunks and streamed to open writers.

Up to SHARD_GROUPS groups a run is one shard, simulated in this process. Above, the
groups are cut into shards of SHARD_GROUPS, each simulated apart (``workers`` at a
time, one process each) into its own folder, then concatenated in shard order. A
shard only needs the run's plan, which every shard recomputes from the seed, so the
files are the same whatever the number of workers.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import random
import shutil
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

from tqdm import tqdm

from .anomalies import Plan
from .config import (AMOUNT_TOLERANCE_CENTS, DATE_TOLERANCE_DAYS, EXCEPTION_TYPES, POSTING_GRACE_DAYS,
                     QUARANTINE_KINDS, REPORTING_CURRENCY, GeneratorConfig)
from .group import simulate_group
from .truth import ArrBook, Fx, product_map_rows
from .util import Ids
from .writers import LandingWriter, TruthWriter, concatenate


class Context:
    """State shared by the groups of one shard (sequential: ids are the shard's counters)."""

    def __init__(self, cfg: GeneratorConfig, shard: int = 0):
        self.cfg = cfg
        self.seed = cfg.seed
        self.as_of = cfg.as_of_date
        self.start = cfg.start_date
        self.ids = Ids(shard)
        self.plan = Plan(cfg.seed, cfg.groups, cfg.chunk_size)
        self.chunk_erp_customers: dict = {}
        self.erp_group: dict[str, str] = {}
        self._counters: Counter = Counter()

    def counter(self, name: str) -> int:
        n = self._counters[name]
        self._counters[name] += 1
        return n


def shard_count(cfg: GeneratorConfig) -> int:
    return -(-cfg.groups // cfg.shard_groups)


def _simulate_shard(cfg: GeneratorConfig, shard: int, root: Path, on_chunk) -> dict:
    """Groups of one shard to ``root``/landing and ``root``/truth; shard 0 also writes the
    reference data. Returns the counts the manifest and the plan check need."""
    ctx = Context(cfg, shard)
    landing = LandingWriter(root / "landing", cfg.fmt)
    truth = TruthWriter(root / "truth")
    fx = Fx(cfg.seed, cfg.start_date, cfg.as_of_date)
    arr = ArrBook(fx, cfg.start_date, cfg.as_of_date)
    exc_counts: Counter = Counter()
    q_counts: Counter = Counter()
    first, last = shard * cfg.shard_groups, min((shard + 1) * cfg.shard_groups, cfg.groups)
    for lo in range(first, last, cfg.chunk_size):
        ctx.chunk_erp_customers = {}
        ctx.erp_group = {}
        for g in range(lo, min(lo + cfg.chunk_size, last)):
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
        on_chunk(min(lo + cfg.chunk_size, last) - lo)

    if shard == 0:
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
    # every shard holds the whole run's plan: the caller checks the injected counts against it
    return {"exceptions": exc_counts, "quarantine": q_counts, "file_rows": file_rows,
            "planned": dict(ctx.plan.exception_counts)}


_progress = None  # a shared counter of simulated groups, set in each worker process


def _init_worker(counter) -> None:
    global _progress
    _progress = counter


def _count_groups(n: int) -> None:
    with _progress.get_lock():
        _progress.value += n


def _worker(args) -> dict:
    cfg, shard, root = args
    return _simulate_shard(cfg, shard, root, _count_groups)


def _simulate_shards(cfg: GeneratorConfig, workers: int, parts: Path, bar) -> list[dict]:
    shards = shard_count(cfg)
    # spawn, not fork: the parent may hold threads (tqdm's monitor, a test runner's)
    spawn = mp.get_context("spawn")
    counter = spawn.Value("q", 0)
    jobs = [(cfg, s, parts / f"{s:04d}") for s in range(shards)]
    # a process pool that fails when a worker dies (multiprocessing.Pool would respawn it
    # forever, e.g. when the parent's __main__ cannot be imported again in a child)
    with ProcessPoolExecutor(min(workers, shards), mp_context=spawn, initializer=_init_worker,
                             initargs=(counter,)) as pool:
        pending = [pool.submit(_worker, job) for job in jobs]
        while wait(pending, timeout=0.5).not_done:
            bar.update(counter.value - bar.n)
        results = [future.result() for future in pending]
    bar.update(counter.value - bar.n)
    return results


def generate(cfg: GeneratorConfig, workers: int = 1) -> dict:
    cfg.validate()
    if workers < 1:
        raise ValueError("--workers must be at least 1")
    landing_root, truth_root = cfg.out / "landing", cfg.out / "truth"
    parts = cfg.out / ".shards"
    for old in (landing_root, truth_root, parts):
        if old.exists():
            shutil.rmtree(old)
    bar = tqdm(total=cfg.groups, unit="group", disable=not cfg.progress, desc="simulating")
    if shard_count(cfg) == 1:
        results = [_simulate_shard(cfg, 0, cfg.out, bar.update)]
    else:
        results = _simulate_shards(cfg, workers, parts, bar)
    bar.close()
    if len(results) > 1:
        t0 = time.perf_counter()
        shard_roots = [parts / f"{s:04d}" for s in range(len(results))]
        concatenate(shard_roots, cfg.out)
        shutil.rmtree(parts)
        if cfg.progress:
            print(f"concatenated {len(results)} shards in {time.perf_counter() - t0:.0f}s")

    exc_counts = sum((r["exceptions"] for r in results), Counter())
    q_counts = sum((r["quarantine"] for r in results), Counter())
    file_rows: dict[str, int] = {}
    for r in results:
        for k, v in r["file_rows"].items():
            file_rows[k] = file_rows.get(k, 0) + v
    for t, n in results[0]["planned"].items():
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
