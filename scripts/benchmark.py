#!/usr/bin/env python3
"""Time a dbt build over generated landing sets of several sizes, on DuckDB.

For each size: generate the set once (cached under --cache, Parquet) or take an
existing one (--dataset SIZE=PATH), run `dbt build --select <selection>` into a fresh
DuckDB file, and record wall time, peak memory of dbt (the engine runs in its process),
the DuckDB file size and the rows of each mart. Writes a Markdown table and prints the
growth exponent fitted on time against size (1.0 = linear), the slowest models of each
build (from dbt's run_results.json), and, when cash application was built, the size of
its bounded subset search (combinations, the worst payer's open documents, payers over
the bound).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from rectools.contract import PROJECT_ROOT  # noqa: E402
from rectools.dbt import run_dbt  # noqa: E402


def generate(size: int, cache: Path) -> Path:
    out = cache / f"{size}"
    if not (out / "landing").exists():
        print(f"  generating {size:,} groups into {out} ...", flush=True)
        subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "generate_data.py"),
                        "--groups", str(size), "--seed", "1", "--format", "parquet",
                        "--out", str(out), "--quiet"], check=True)
    return out / "landing"


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_size(size: int, landing: Path, selection: str, work: Path) -> dict:
    db = work / f"bench_{size}.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    started = time.monotonic()
    # models and seeds: what a scheduled run must build (tests are measured by CI, not here)
    target_path = work / f"target_{size}"
    result = run_dbt(["build", "--select", selection, "--resource-type", "model", "--resource-type", "seed",
                      "--target-path", str(target_path)],
                     dbt_vars={"landing_dir": str(landing)}, duckdb_path=db)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        failed = [line.strip() for line in result.stdout.splitlines() if " ERROR " in line or "Error" in line]
        print(f"dbt build failed at {size:,} groups:\n{result.stdout[-3000:]}", file=sys.stderr)
        return {"size": size, "seconds": seconds, "peak_mb": peak_child_rss_mb(),
                "db_mb": db.stat().st_size / 2**20 if db.exists() else 0.0,
                "marts": {}, "error": failed[-1] if failed else "dbt build failed"}
    con = duckdb.connect(str(db), read_only=True)
    marts = {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
             for (name,) in con.execute("select table_name from information_schema.tables "
                                         "where table_schema = 'marts' order by 1").fetchall()}
    subset = subset_search_stats(con)
    con.close()
    return {"size": size, "seconds": seconds, "peak_mb": peak_child_rss_mb(),
            "db_mb": db.stat().st_size / 2**20, "marts": marts,
            "models": model_seconds(target_path / "run_results.json"), "subset": subset}


def model_seconds(run_results: Path) -> dict[str, float]:
    """Execution seconds of each model of the build, from dbt's run_results.json."""
    if not run_results.exists():
        return {}
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results
            if r["unique_id"].startswith("model.")}


def subset_search_stats(con) -> dict | None:
    """How big cash application's bounded subset search got (None when not built)."""
    tables = {name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'intermediate'").fetchall()}
    if "int_receipts__open_item_combinations" not in tables:
        return None
    combos, worst_combos = con.execute(
        "select count(*), coalesce(max(n), 0) from (select customer_key, entity, currency, count(*) over "
        "(partition by customer_key, entity, currency) as n from intermediate.int_receipts__open_item_combinations)"
    ).fetchone()
    worst_docs, payers = con.execute(
        "select coalesce(max(n), 0), count(*) from (select customer_key, entity, currency, count(*) as n "
        "from intermediate.int_receipts__available_documents group by all)").fetchone()
    receipts = con.execute("select count(*) from intermediate.int_receipts__unexplained_receipts").fetchone()[0]
    return {"combinations": combos, "worst_payer_combinations": worst_combos,
            "worst_payer_open_documents": worst_docs, "payers_with_open_documents": payers,
            "receipts_searched": receipts}


def fitted_exponent(rows: list[dict]) -> float | None:
    points = [(math.log(r["size"]), math.log(r["seconds"])) for r in rows
              if r["seconds"] > 0 and "error" not in r]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx if sxx else None


def stress_subset_search(counts: list[int], work: Path) -> list[dict]:
    """The worst payer, built on purpose: one payer with n open documents and a receipt
    worth all of them (so no combination is pruned), the bound raised to n, and only
    int_receipts__open_item_combinations run on it. Generated data never holds such a
    payer; a real ledger may."""
    rows = []
    for n in counts:
        db = work / f"stress_{n}.duckdb"
        for stale in (db, Path(f"{db}.wal")):
            stale.unlink(missing_ok=True)
        con = duckdb.connect(str(db))
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_receipts__available_documents as "
            "select 'DOC-' || lpad(cast(i as varchar), 6, '0') as erp_document_id, 'K1' as customer_key, "
            "'US01' as entity, 'USD' as currency, date '2025-01-01' as document_date, "
            "cast(null as varchar) as billing_invoice_id, cast(100 + i as decimal(18, 2)) as open_amount "
            f"from range(1, {n + 1}) as t(i)")
        con.execute(
            "create table intermediate.int_receipts__unexplained_receipts as "
            "select 'RCP-1' as receipt_id, 'K1' as payer_customer_key, 'US01' as entity, 'USD' as currency, "
            "date '2025-02-01' as value_date, cast(sum(open_amount) as decimal(18, 2)) as residual_amount "
            "from intermediate.int_receipts__available_documents")
        con.close()
        target_path = work / f"target_stress_{n}"
        started = time.monotonic()
        result = run_dbt(["run", "--select", "int_receipts__open_item_combinations", "--target-path",
                          str(target_path)], dbt_vars={"receipt_subset_max_documents": n}, duckdb_path=db)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            print(f"stress run failed at {n} documents:\n{result.stdout[-2000:]}", file=sys.stderr)
            rows.append({"documents": n, "error": "dbt run failed"})
            continue
        con = duckdb.connect(str(db), read_only=True)
        combos = con.execute("select count(*) from intermediate.int_receipts__open_item_combinations").fetchone()[0]
        con.close()
        rows.append({"documents": n, "combinations": combos, "seconds": seconds,
                     "model_seconds": model_seconds(target_path / "run_results.json").get(
                         "int_receipts__open_item_combinations", 0.0)})
        print(f"  worst payer with {n} open documents: {combos:,} combinations, {seconds:.1f} s", flush=True)
    return rows


def stress_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    out = ["", "The worst payer, built on purpose (`--stress-documents`): one payer with n open documents, "
           "a receipt worth all of them (nothing pruned), the bound raised to n:", "",
           "| open documents | combinations of 2-4 | model (s) | dbt run (s) |", "| ---: | ---: | ---: | ---: |"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['documents']} | {r['error']} | | |")
        else:
            out.append(f"| {r['documents']} | {r['combinations']:,} | {r['model_seconds']:.2f} | {r['seconds']:.1f} |")
    return out


def slowest_models_table(rows: list[dict], top: int = 8) -> list[str]:
    built = [r for r in rows if r.get("models")]
    if not built:
        return []
    largest = max(built, key=lambda r: r["size"])
    names = sorted(largest["models"], key=largest["models"].get, reverse=True)[:top]
    out = ["", f"Slowest models (seconds, ordered at {largest['size']:,} groups):", "",
           "| model | " + " | ".join(f"{r['size']:,}" for r in built) + " |",
           "| --- | " + " | ".join("---:" for _ in built) + " |"]
    for name in names:
        out.append(f"| {name} | " + " | ".join(f"{r['models'].get(name, 0):.1f}" for r in built) + " |")
    return out


def subset_search_table(rows: list[dict]) -> list[str]:
    searched = [r for r in rows if r.get("subset")]
    if not searched:
        return []
    out = ["", "Cash application subset search (var receipt_subset_max_documents bounds a payer's search):", "",
           "| groups | receipts searched | payers with open documents | combinations | worst payer: open documents "
           "| worst payer: combinations | int_receipts__open_item_combinations (s) |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in searched:
        st = r["subset"]
        out.append(f"| {r['size']:,} | {st['receipts_searched']:,} | {st['payers_with_open_documents']:,} "
                   f"| {st['combinations']:,} | {st['worst_payer_open_documents']:,} "
                   f"| {st['worst_payer_combinations']:,} "
                   f"| {r['models'].get('int_receipts__open_item_combinations', 0):.1f} |")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000],  # `--sizes` alone: none
                        help="customer groups per generated set")
    parser.add_argument("--dataset", action="append", default=[], metavar="SIZE=PATH",
                        help="use an existing landing folder for a size instead of generating")
    parser.add_argument("--select", default="+customer_xref +dim_customers +contract_subscription_matches "
                        "+invoice_matches", help="dbt selection to build")
    parser.add_argument("--stress-documents", type=int, nargs="*", default=[], metavar="N",
                        help="also time the grouped rule's subset search for one payer with N open documents")
    parser.add_argument("--cache", type=Path, default=PROJECT_ROOT / "generated" / "bench")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args()

    given = {int(k): Path(v) for k, v in (item.split("=", 1) for item in args.dataset)}
    sizes = sorted(set(args.sizes) | set(given))
    work = args.cache / "warehouses"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in sizes:
        landing = given.get(size) or generate(size, args.cache)
        print(f"building {args.select!r} on {size:,} groups ({landing}) ...", flush=True)
        rows.append(run_size(size, landing, args.select, work))
        print(f"  {rows[-1]['seconds']:.1f} s, peak {rows[-1]['peak_mb']:.0f} MB", flush=True)

    stress = stress_subset_search(args.stress_documents, work)
    exponent = fitted_exponent(rows)
    lines = [
        "# Benchmark", "",
        f"Run on {dt.date.today()} with `python scripts/benchmark.py "
        + " ".join(sys.argv[1:]) + "`", "",
        f"Machine: {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}.", "",
        f"Selection: `{args.select}`", "",
        "| groups | build (s) | peak memory (MB, largest process) | DuckDB file (MB) | mart rows |",
        "| ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        marts = r.get("error") or ", ".join(f"{k} {v:,}" for k, v in r["marts"].items())
        lines.append(f"| {r['size']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['db_mb']:.0f} | {marts} |")
    if exponent is not None:
        lines += ["", f"Fitted growth exponent of build time against size: {exponent:.2f} (1.0 = linear)."]
    lines += slowest_models_table(rows) + subset_search_table(rows) + stress_table(stress)
    lines += ["", "Peak memory is the largest resident set of any process run so far (dbt runs "
              "DuckDB in-process), so it is cumulative across sizes in one invocation."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
