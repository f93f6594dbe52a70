#!/usr/bin/env python3
"""Benchmark the reconciliation build from 1,000 to 1,000,000 customer groups (issue #8).

For each size, one invocation:

* data: generates the landing set once (seed 1, Parquet) and caches it under
  ``--cache/<size>/`` (landing/ and truth/), or takes ``--dataset SIZE=PATH`` (a landing
  folder; its truth is ``PATH/../truth``);
* DuckDB: ``dbt build`` of models and seeds (tests are CI's job) into a fresh DuckDB
  file: wall time, peak memory of the whole process tree (VmRSS of dbt and all its
  descendants from /proc, sampled every 0.2 s, summed per sample), DuckDB file size,
  rows of every mart, the slowest models (run_results.json) and the evaluation score
  against the truth (``rectools.evaluate``);
* the scan floor: one DuckDB query that reads every landing file completely, in its
  own process -> ratio build / scan;
* the pandas baseline: what an analyst would script instead (invoices against ERP
  documents with two merges), in its own process -> time, memory, invoices matched
  and their precision against the truth, and the ratios of our invoice matching and
  of our whole build to it;
* the daily run (at ``--daily-sizes``, by default up to 100k): the set without its last day built in full,
  then the incremental ``dbt build`` on the whole set in the same file -> its time
  against the full build's, base rows checked again, marts equal to the full build's;
* Spark (``--engines ... spark``, at ``--spark-sizes``): the same ``dbt build`` on
  ``--target spark`` (local[2]; the JVM is in the measured tree) -> ratio Spark /
  DuckDB and every mart compared row for row with DuckDB's.

Writes ``--out`` (Markdown: date, command line, machine, versions, one table per
engine, floor, baseline, growth exponents fitted by least squares on log-log, slowest
models at the largest size) and a PNG of time and memory against size (log axes).
``--quick``: 1,000 groups, DuckDB + daily run + scan + pandas, about two minutes.

Kept from the earlier script: ``--select`` (a dbt selection instead of the full
build), ``--stress-documents`` (the cash-application subset search on a worst payer
built on purpose) and the subset-search statistics when cash application is built.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from rectools.benchmark import report  # noqa: E402
from rectools.benchmark.measure import Measured, run_measured  # noqa: E402
from rectools.contract import PROJECT_ROOT  # noqa: E402
from rectools.dbt import dbt_env, dbt_executable, run_dbt  # noqa: E402

DEFAULT_SIZES = [1000, 10000, 100000, 1000000]
DEFAULT_SPARK_SIZES = [10000, 100000]
# the daily run needs a second warehouse beside the full build's: by default up to this size
DAILY_MAX_DEFAULT = 100000
SEED = 1
# the parts the report shows in its main table (all parts are in the scores table)
HEADLINE_PARTS = ["exceptions", "customers", "invoice_document", "receipt_document", "arr", "arr_bridge"]
# our invoice matching, as timed by dbt: the int_invoices__* models and the mart
INVOICE_MODELS_PREFIX = "int_invoices__"
INVOICE_MART = "invoice_matches"
KNOBS = ["DUCKDB_MEMORY_LIMIT", "DUCKDB_THREADS", "DBT_THREADS", "DUCKDB_TEMP_DIRECTORY", "SPARK_DRIVER_MEMORY",
         "SPARK_SHUFFLE_PARTITIONS", "SPARK_MASTER"]

_STARTED = time.monotonic()
# the memory guard of every measured process tree (bytes; --max-memory-gb)
GUARD: dict[str, int | None] = {"bytes": None}


def say(message: str) -> None:
    elapsed = int(time.monotonic() - _STARTED)
    print(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {message}", flush=True)


# --------------------------------------------------------------------------- data


def cache_complete(folder: Path) -> bool:
    """The generator writes truth/manifest.json last: without it the set is partial."""
    return (folder / "landing").is_dir() and (folder / "truth" / "manifest.json").exists()


def cached_landing(size: int, cache: Path) -> Path:
    """``cache/<size>/landing``, generated once (seed 1, Parquet). Generation goes to a
    private folder renamed into place at the end, so an interrupted or concurrent run
    never leaves a half-written set that looks complete."""
    folder = cache / str(size)
    if cache_complete(folder):
        return folder / "landing"
    if folder.exists():
        raise RuntimeError(f"{folder} exists without truth/manifest.json: another run is generating it, or one "
                           "was interrupted (then delete the folder)")
    partial = cache / f".{size}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    say(f"generating {size:,} customer groups into {folder} (seed {SEED}, Parquet; cached for later runs) ...")
    command = [sys.executable, str(PROJECT_ROOT / "scripts" / "generate_data.py"), "--groups", str(size),
               "--seed", str(SEED), "--format", "parquet", "--out", str(partial),
               "--workers", str(os.cpu_count() or 1)]  # shards of 100k groups, one per core
    if not sys.stderr.isatty():
        command.append("--quiet")  # the progress bar only where someone watches it
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)
    try:
        partial.rename(folder)
    except OSError:
        if not cache_complete(folder):
            raise
        shutil.rmtree(partial, ignore_errors=True)  # another run got there first
    say(f"  generated in {time.monotonic() - started:.0f} s")
    return folder / "landing"


def truth_of(landing: Path) -> Path:
    return landing.parent / "truth"


def landing_bytes(landing: Path) -> int:
    return sum(p.stat().st_size for p in landing.glob("*/*") if p.suffix in (".parquet", ".csv"))


# --------------------------------------------------------------------------- dbt


def dbt_command(args: list[str], *, dbt_vars: dict | None = None, target: str | None = None) -> list[str]:
    """The command line run_dbt would run (same executable, profiles and vars)."""
    command = [dbt_executable(), *args, "--profiles-dir", str(PROJECT_ROOT / "profiles")]
    if target:
        command += ["--target", target]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    return command


def build_args(select: str | None, target_path: Path, log_path: Path) -> list[str]:
    # models and seeds: what a scheduled run must build (tests are measured by CI, not here)
    args = ["build"]
    if select:
        args += ["--select", *shlex.split(select)]
    return args + ["--resource-type", "model", "--resource-type", "seed",
                   "--target-path", str(target_path), "--log-path", str(log_path)]


def run_results(target_path: Path) -> dict:
    path = target_path / "run_results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def model_seconds(results: dict) -> dict[str, float]:
    """Execution seconds of each model of the build, from dbt's run_results.json."""
    return {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results.get("results", [])
            if r["unique_id"].startswith("model.")}


def invoice_matching_seconds(models: dict[str, float]) -> float | None:
    picked = [s for name, s in models.items() if name.startswith(INVOICE_MODELS_PREFIX) or name == INVOICE_MART]
    return sum(picked) if picked else None


def failure(measured: Measured) -> str:
    if measured.killed_above_bytes:
        return f"killed: the process tree passed {measured.killed_above_bytes / 2**30:.1f} GiB (--max-memory-gb)"
    lines = [line.strip() for line in measured.output.splitlines()
             if " ERROR " in line or "Error" in line or "error" in line.lower()[:40]]
    return (lines[-1] if lines else f"exit code {measured.returncode}")[:300]


def remove_duckdb(db: Path) -> None:
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{db}.tmp"), ignore_errors=True)


def duckdb_build(size: int, landing: Path, select: str | None, work: Path) -> dict:
    db = work / f"duckdb_{size}.duckdb"
    remove_duckdb(db)
    target_path = work / f"target_duckdb_{size}"
    shutil.rmtree(target_path, ignore_errors=True)
    command = dbt_command(build_args(select, target_path, work / "logs"), dbt_vars={"landing_dir": str(landing)})
    measured = run_measured(command, cwd=PROJECT_ROOT, env=dbt_env(db), log=work / "logs" / f"duckdb_{size}.log",
                            kill_above_bytes=GUARD["bytes"])
    results = run_results(target_path)
    row = {"size": size, "landing": str(landing), "seconds": measured.seconds, "peak_mb": measured.peak_mb,
           "samples": measured.samples, "db_path": str(db),
           "db_mb": db.stat().st_size / 2**20 if db.exists() else 0.0,
           "execution_seconds": results.get("elapsed_time"), "models": model_seconds(results)}
    if measured.returncode != 0:
        print(f"dbt build failed at {size:,} groups:\n{measured.tail()}", file=sys.stderr)
        row.update(error=failure(measured), marts={})
        return row
    con = duckdb.connect(str(db), read_only=True)
    row["marts"] = {name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
                    for (name,) in con.execute("select table_name from information_schema.tables "
                                                "where table_schema = 'marts' order by 1").fetchall()}
    row["subset"] = subset_search_stats(con)
    con.close()
    return row


def daily_run(size: int, landing: Path, select: str | None, work: Path, full: dict) -> dict:
    """The daily incremental run: day 1 (the set without its last day, as of the day
    before the set's as-of date) built in full into its own file, then `dbt build` on the
    whole set in that file, as a scheduler would run it the next morning. Times the daily
    run, counts the base rows it checked again, and compares every mart with the full
    build's (``full``) row for row."""
    from rectools.benchmark.daily import as_of_date, differing_relations, relations, write_day_before

    try:
        cutoff = as_of_date(truth_of(landing)) - dt.timedelta(days=1)
    except FileNotFoundError as exc:
        return {"error": str(exc)}
    day1 = work / f"day1_{size}"
    shutil.rmtree(day1, ignore_errors=True)
    held_back = write_day_before(landing, day1, cutoff)
    db = work / f"daily_{size}.duckdb"
    remove_duckdb(db)
    target_path = work / f"target_daily_{size}"
    shutil.rmtree(target_path, ignore_errors=True)
    row: dict = {"new_day": (cutoff + dt.timedelta(days=1)).isoformat(), "new_rows": held_back}
    for step, folder in (("day1", day1), ("daily", landing)):
        command = dbt_command(build_args(select, target_path, work / "logs"), dbt_vars={"landing_dir": str(folder)})
        measured = run_measured(command, cwd=PROJECT_ROOT, env=dbt_env(db),
                                log=work / "logs" / f"{step}_{size}.log", kill_above_bytes=GUARD["bytes"])
        row[f"{step}_seconds"], row[f"{step}_peak_mb"] = measured.seconds, measured.peak_mb
        if measured.returncode != 0:
            print(f"{step} build failed at {size:,} groups:\n{measured.tail()}", file=sys.stderr)
            row["error"] = f"{step}: {failure(measured)}"
            return row
    results = run_results(target_path)
    row.update(execution_seconds=results.get("elapsed_time"), models=model_seconds(results))
    run_id = results.get("metadata", {}).get("invocation_id")
    con = duckdb.connect(str(db), read_only=True)
    bases = [name for (name,) in con.execute("select table_name from information_schema.tables where "
                                             "table_schema = 'staging' and starts_with(table_name, 'base_')"
                                             ).fetchall()]
    checked = [con.execute(f"select coalesce(count_if(_checked_in_run = ?), 0), count(*) from staging.{name}", [run_id]).fetchone()
               for name in bases]
    con.close()
    row["rechecked_rows"], row["base_rows"] = sum(c[0] for c in checked), sum(c[1] for c in checked)
    if full.get("db_path") and "error" not in full:
        con = duckdb.connect()
        full_catalog, daily_catalog = Path(full["db_path"]).stem, db.stem
        # a DuckDB file's name is the catalog its views name
        con.execute(f"attach '{full['db_path']}' as \"{full_catalog}\" (read_only)")
        con.execute(f"attach '{db}' as \"{daily_catalog}\" (read_only)")
        marts = relations(con, full_catalog, ("marts",))
        row["marts_compared"] = len(marts)
        row["marts_differing"] = differing_relations(con, full_catalog, daily_catalog, marts)
        con.close()
    remove_duckdb(db)
    shutil.rmtree(day1, ignore_errors=True)
    return row


def evaluation(truth: Path, db: Path) -> dict:
    """{part: {"score", "note"}} against the truth, or {"error": ...}."""
    from rectools.evaluate import evaluate

    if not truth.is_dir():
        return {"error": f"no truth folder at {truth}"}
    try:
        results = evaluate(truth, db)
    except Exception as exc:  # noqa: BLE001 - a failed scoring is reported, not fatal
        return {"error": str(exc).strip().splitlines()[0][:300]}
    return {part: {"score": value["score"], "note": value.get("note")}
            for part, value in results.items() if part != "meta"}


# --------------------------------------------------------------------------- floor and baseline


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def last_json(output: str) -> dict:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON result in: {output[-500:]}")


def scan_floor(size: int, landing: Path, work: Path) -> dict:
    measured = run_measured(python_module("rectools.benchmark.floor", str(landing)), cwd=PROJECT_ROOT,
                            log=work / "logs" / f"scan_{size}.log", kill_above_bytes=GUARD["bytes"])
    if measured.returncode != 0:
        return {"error": failure(measured), "seconds": measured.seconds, "peak_mb": measured.peak_mb}
    return {**last_json(measured.output), "seconds": measured.seconds, "peak_mb": measured.peak_mb}


def pandas_baseline(size: int, landing: Path, work: Path) -> dict:
    pairs = work / f"pandas_pairs_{size}.parquet"
    pairs.unlink(missing_ok=True)
    measured = run_measured(python_module("rectools.benchmark.baseline", str(landing), str(pairs)),
                            cwd=PROJECT_ROOT, log=work / "logs" / f"pandas_{size}.log",
                            kill_above_bytes=GUARD["bytes"])
    if measured.returncode != 0:
        return {"error": failure(measured), "seconds": measured.seconds, "peak_mb": measured.peak_mb}
    row = {**last_json(measured.output), "seconds": measured.seconds, "peak_mb": measured.peak_mb}
    row.update(pair_quality(pairs, truth_of(landing)))
    pairs.unlink(missing_ok=True)
    return row


def pair_quality(pairs: Path, truth: Path) -> dict:
    """Precision and recall of the baseline's invoice-document pairs against the
    truth's invoice links (credit notes left out: the baseline does not look at them)."""
    links = truth / "invoice_document_links.csv"
    if not links.exists() or not pairs.exists():
        return {}
    con = duckdb.connect()
    tp, predicted, actual = con.execute(
        f"""
        with t as (select distinct trim(billing_document_id) as invoice_id, trim(erp_document_id) as document_id
                   from read_csv('{links}', header = true, all_varchar = true)
                   where lower(trim(billing_document_type)) = 'invoice'),
             p as (select distinct invoice_id, document_id from read_parquet('{pairs}'))
        select (select count(*) from p join t using (invoice_id, document_id)),
               (select count(*) from p), (select count(*) from t)
        """).fetchone()
    con.close()
    return {"precision": tp / predicted if predicted else None, "recall": tp / actual if actual else None,
            "truth_links": actual}


# --------------------------------------------------------------------------- spark


def spark_build(size: int, landing: Path, select: str | None, work: Path, duck: dict) -> dict:
    from rectools.benchmark.spark import compare_marts
    from rectools.spark import spark_dirs

    base = work / f"spark_{size}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    target_path = work / f"target_spark_{size}"
    shutil.rmtree(target_path, ignore_errors=True)
    command = dbt_command(build_args(select, target_path, work / "logs"), dbt_vars={"landing_dir": str(landing)},
                          target="spark")
    env = {**dbt_env(), **spark_dirs(base)}
    measured = run_measured(command, cwd=PROJECT_ROOT, env=env, log=work / "logs" / f"spark_{size}.log",
                            kill_above_bytes=GUARD["bytes"])
    results = run_results(target_path)
    row = {"size": size, "seconds": measured.seconds, "peak_mb": measured.peak_mb,
           "execution_seconds": results.get("elapsed_time"), "models": model_seconds(results)}
    if measured.returncode != 0:
        print(f"dbt build on Spark failed at {size:,} groups:\n{measured.tail()}", file=sys.stderr)
        row["error"] = failure(measured)
        return row
    marts = sorted(duck.get("marts", {}))
    if not marts or "error" in duck:
        row["equality_note"] = "no DuckDB build to compare with"
        return row
    say(f"  reading the {len(marts)} Spark marts back (Parquet) and comparing with DuckDB's ...")
    export_dir = base / "export"
    exported = run_measured(python_module("rectools.benchmark.spark", str(base), str(export_dir), *marts),
                            cwd=PROJECT_ROOT, env={**dbt_env(), **spark_dirs(base)},
                            log=work / "logs" / f"spark_export_{size}.log", kill_above_bytes=GUARD["bytes"])
    if exported.returncode != 0:
        row["equality_note"] = f"export failed: {exported.tail(300)}"
        return row
    row["equality"] = compare_marts(Path(duck["db_path"]), export_dir, marts, last_json(exported.output))
    return row


# --------------------------------------------------------------------------- cash application (kept)


def subset_search_stats(con) -> dict | None:
    """How big cash application's bounded subset search got (None when not built)."""
    tables = {name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'intermediate'").fetchall()}
    if not {"int_receipts__open_item_combinations", "int_receipts__available_documents",
            "int_receipts__unexplained_receipts"} <= tables:
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


def stress_subset_search(counts: list[int], work: Path) -> list[dict]:
    """The worst payer, built on purpose: one payer with n open documents and a receipt
    worth all of them (so no combination is pruned), the bound raised to n, and only
    int_receipts__open_item_combinations run on it. Generated data never holds such a
    payer; a real ledger may."""
    rows = []
    for n in counts:
        db = work / f"stress_{n}.duckdb"
        remove_duckdb(db)
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
                          str(target_path), "--log-path", str(work / "logs")],
                         dbt_vars={"receipt_subset_max_documents": n}, duckdb_path=db)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            print(f"stress run failed at {n} documents:\n{result.stdout[-2000:]}", file=sys.stderr)
            rows.append({"documents": n, "error": "dbt run failed"})
            continue
        con = duckdb.connect(str(db), read_only=True)
        combos = con.execute("select count(*) from intermediate.int_receipts__open_item_combinations").fetchone()[0]
        con.close()
        rows.append({"documents": n, "combinations": combos, "seconds": seconds,
                     "model_seconds": model_seconds(run_results(target_path)).get(
                         "int_receipts__open_item_combinations", 0.0)})
        say(f"  worst payer with {n} open documents: {combos:,} combinations, {seconds:.1f} s")
    return rows


# --------------------------------------------------------------------------- report


def total_memory_gib() -> float:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    return next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:")), 0) / 2**20


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    return {"cores": os.cpu_count(), "memory_gib": total_memory_gib(), "cpu": cpu,
            "load": " ".join(f"{v:.1f}" for v in os.getloadavg()), "system": platform.platform()}


def versions() -> dict[str, str]:
    found = {"Python": platform.python_version()}
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "dbt-spark", "pyspark", "pandas", "pyarrow", "matplotlib"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def java_version() -> str:
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        return (out.stderr or out.stdout).splitlines()[0].strip()
    except (OSError, subprocess.SubprocessError, IndexError):
        return "not found"


def code_state() -> str:
    """The commit the build ran and the project files changed beside it (others may edit
    the checkout while a benchmark runs)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  timeout=30).stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = [line[3:] for line in git("status", "--porcelain", "--", "models", "macros", "seeds", "tests",
                                      "dbt_project.yml", "profiles").splitlines() if line.strip()]
    return f"commit {commit}" + (f"; uncommitted changes at the end of the run in: {', '.join(dirty)}" if dirty
                                 else ", no uncommitted change in models, macros, seeds or profiles")


def slowest_models_table(builds: list[dict], top: int = 10) -> list[str]:
    built = [b for b in builds if b.get("models")]
    if not built:
        return []
    largest = max(built, key=lambda b: b["size"])
    names = sorted(largest["models"], key=largest["models"].get, reverse=True)[:top]
    return (["", f"Slowest models (dbt execution seconds, ordered at {largest['size']:,} groups; "
             "2 dbt threads, so they overlap):", ""]
            + report.table(["model", *(report.groups(b["size"]) for b in built)],
                           [[name, *(report.seconds(b["models"].get(name)) for b in built)] for name in names]))


def subset_search_table(builds: list[dict]) -> list[str]:
    searched = [b for b in builds if b.get("subset")]
    if not searched:
        return []
    rows = [[report.groups(b["size"]), f"{b['subset']['receipts_searched']:,}",
             f"{b['subset']['payers_with_open_documents']:,}", f"{b['subset']['combinations']:,}",
             f"{b['subset']['worst_payer_open_documents']:,}", f"{b['subset']['worst_payer_combinations']:,}",
             report.seconds(b["models"].get("int_receipts__open_item_combinations"))] for b in searched]
    return (["", "Cash application subset search (var receipt_subset_max_documents bounds a payer's search):", ""]
            + report.table(["groups", "receipts searched", "payers with open documents", "combinations",
                            "worst payer: open documents", "worst payer: combinations",
                            "int_receipts__open_item_combinations (s)"], rows))


def stress_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    body = [[r["documents"], r["error"], "", ""] if "error" in r else
            [r["documents"], f"{r['combinations']:,}", f"{r['model_seconds']:.2f}", f"{r['seconds']:.1f}"]
            for r in rows]
    return (["", "The worst payer, built on purpose (`--stress-documents`): one payer with n open documents, "
             "a receipt worth all of them (nothing pruned), the bound raised to n:", ""]
            + report.table(["open documents", "combinations of 2-4", "model (s)", "dbt run (s)"], body, "rrrr"))


def render(results: list[dict], stress: list[dict], args: argparse.Namespace, command_line: str,
           png: Path | None, started_at: dt.datetime, finished_at: dt.datetime, load_at_start: str = "") -> str:
    host, vers = machine(), versions()
    duck = [r["duckdb"] for r in results if r.get("duckdb")]
    spark = [r["spark"] for r in results if r.get("spark")]
    lines = [
        "# Benchmark: the reconciliation build from 1,000 to 1,000,000 customer groups", "",
        f"Run on {started_at:%Y-%m-%d} ({started_at:%H:%M}-{finished_at:%H:%M} UTC) with:", "",
        "```", command_line, "```", "",
        f"Machine: {host['cores']} cores ({host['cpu']}), {host['memory_gib']:.1f} GiB memory (/proc/meminfo), "
        f"{host['system']}; load average (1, 5, 15 min) at the start {load_at_start}, at the end "
        f"{host['load']} (the machine is shared with other work: times are upper bounds).", "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in vers.items())
        + (f", Java: {java_version()}" if spark else "") + ".", "",
        f"Code: {code_state()}.", "",
        "Knobs in effect (environment; unset = the profile's default): "
        + (", ".join(f"`{k}={os.environ[k]}`" for k in KNOBS if k in os.environ) or "none set") + ".", "",
        (f"Memory guard: a measured process tree passing {args.max_memory_gb:g} GiB is killed and reported "
         "(`--max-memory-gb`)." if args.max_memory_gb > 0 else "Memory guard: off."), "",
        f"Data: `scripts/generate_data.py --seed {SEED} --format parquet`, cached under `{display(args.cache)}/<size>/`"
        + ("; given: " + ", ".join(f"{s:,} = `{display(Path(p))}`" for s, p in sorted(args.given.items()))
           if args.given else "") + ".", "",
        f"Build: `dbt build {' '.join(build_args(args.select, Path('<target>'), Path('<logs>'))[1:-4])}` "
        "(models and seeds; the data tests run in CI) into a fresh DuckDB file per size.", "",
        "Peak memory is the largest sum of VmRSS over the measured process and all its descendants, sampled "
        "every 0.2 s from /proc (dbt runs DuckDB in-process; dbt-spark's JVM is a descendant); each "
        "measurement runs in its own process tree, so it is not cumulative across sizes.",
    ]

    if duck:
        lines += ["", "## DuckDB", ""]
        lines += report.table(
            ["groups", "landing (MB)", "build (s)", "dbt execution (s)", "peak memory (MB)", "DuckDB file (MB)",
             "mart rows", *HEADLINE_PARTS],
            [[report.groups(b["size"]), report.megabytes(b.get("landing_mb")), report.seconds(b["seconds"]),
              report.seconds(b.get("execution_seconds")), report.megabytes(b["peak_mb"]),
              report.megabytes(b["db_mb"]),
              b.get("error") or f"{sum(b['marts'].values()):,}",
              *(part_score(b, part) for part in HEADLINE_PARTS)] for b in duck])
        lines += ["", "build = wall time of the `dbt build` process (start, parse, hooks, seeds, models); dbt "
                  "execution = the run itself (run_results.json `elapsed_time`, no parse). The last columns "
                  "are the evaluation scores against the generator's truth (`rectools.evaluate`, F1 or 1 - "
                  "worst ARR error)."]
        all_parts = sorted({p for b in duck for p in b.get("scores", {}) if p != "error"})
        if all_parts:
            lines += ["", "Every evaluation part:", ""]
            lines += report.table(["part", *(report.groups(b["size"]) for b in duck)],
                                  [[part, *(part_score(b, part) for b in duck)] for part in all_parts])
        mart_names = sorted({m for b in duck for m in b.get("marts", {})})
        if mart_names:
            lines += ["", "Rows per mart:", ""]
            lines += report.table(["mart", *(report.groups(b["size"]) for b in duck)],
                                  [[m, *(f"{b['marts'][m]:,}" if m in b.get("marts", {}) else "" for b in duck)]
                                   for m in mart_names])

    lines += daily_table(results)

    scans = [(r["size"], r["scan"], r.get("duckdb")) for r in results if r.get("scan")]
    if scans:
        lines += ["", "## Scan floor", "",
                  "One DuckDB query, in its own process, reads every landing file completely: per file "
                  "`count(*)` and `bit_xor(hash(t))` of the whole row `t`, so no column can be skipped "
                  "(`rectools/benchmark/floor.py`).", ""]
        lines += report.table(
            ["groups", "files", "landing rows", "scan (s, process)", "scan query (s)", "peak memory (MB)",
             "build / scan (wall)", "dbt execution / scan query"],
            [[report.groups(size), s.get("files", "error"), f"{s['rows']:,}" if "rows" in s else s.get("error"),
              report.seconds(s["seconds"]), report.seconds(s.get("query_seconds")), report.megabytes(s["peak_mb"]),
              report.ratio(d and d["seconds"], s["seconds"]) if d else "n/a",
              report.ratio(d and d.get("execution_seconds"), s.get("query_seconds")) if d else "n/a"]
             for size, s, d in scans])

    pandas = [(r["size"], r["pandas"], r.get("duckdb")) for r in results if r.get("pandas")]
    if pandas:
        lines += ["", "## What an analyst would script instead (pandas)", "",
                  "`rectools/benchmark/baseline.py`, in its own process: load billing invoices and ERP AR "
                  "documents (Parquet, whole), merge on the normalised invoice number against the ERP "
                  "external reference, then, for the rest, take the ERP document of the same currency and "
                  "gross amount with the nearest date within 3 days (`merge_asof`), whatever the customer, "
                  "an ERP document taken twice going to the closest invoice. No customer mapping, credit "
                  "notes, typo or duplicate rules, nor exceptions. Precision and recall are the pairs' against the "
                  "truth's invoice links. datacompy, the library for such comparisons, is not usable here: "
                  "its pins conflict with the project's pandas/numpy, so it is not installed.", "",
                  "Ours = the execution seconds of the `int_invoices__*` models plus `invoice_matches` "
                  "(run_results.json, summed; they read staged, typed tables and also match credit notes, "
                  "typos and duplicates), against the script's own load-and-match seconds; whole build = "
                  "the `dbt build` wall time against the script's process wall time.", ""]
        lines += report.table(
            ["groups", "invoices", "matched by number", "matched by amount+date", "matched", "precision", "recall",
             "pandas (s, process)", "pandas load+match (s)", "peak memory (MB)", "ours: invoice matching (s)",
             "ours / pandas", "whole build / pandas"],
            [[report.groups(size), f"{p['invoices']:,}", f"{p['matched_by_reference']:,}",
              f"{p['matched_by_amount_date']:,}", f"{p['matched']:,}", report.score(p.get("precision")),
              report.score(p.get("recall")), report.seconds(p["seconds"]), report.seconds(p["work_seconds"]),
              report.megabytes(p["peak_mb"]),
              report.seconds(invoice_matching_seconds(d["models"])) if d else "n/a",
              report.ratio(invoice_matching_seconds(d["models"]), p["work_seconds"]) if d else "n/a",
              report.ratio(d["seconds"], p["seconds"]) if d else "n/a"]
             if "error" not in p else [report.groups(size), p["error"], *[""] * 11]
             for size, p, d in pandas])

    if spark:
        by_size = {r["size"]: r.get("duckdb") for r in results}
        lines += ["", "## Spark (local[2], dbt-spark session)", "",
                  "The same `dbt build` on `--target spark` and the same landing files; the JVM runs under dbt "
                  "and is in the measured tree. Marts equal: each Spark mart written to Parquet through a Spark "
                  "session, read in DuckDB and compared with DuckDB's mart as multisets (`except all` both "
                  "ways), values normalised as the parity test does (decimals as text with their scale, dates "
                  "and timestamps ISO, UTC).", ""]
        lines += report.table(
            ["groups", "build (s)", "dbt execution (s)", "peak memory (MB)", "Spark / DuckDB time",
             "Spark / DuckDB memory", "marts equal"],
            [[report.groups(s["size"]), report.seconds(s["seconds"]), report.seconds(s.get("execution_seconds")),
              report.megabytes(s["peak_mb"]),
              report.ratio(s["seconds"], (by_size.get(s["size"]) or {}).get("seconds")),
              report.ratio(s["peak_mb"], (by_size.get(s["size"]) or {}).get("peak_mb")),
              s.get("error") or equal_summary(s)] for s in spark])
        compared = [s for s in spark if s.get("equality")]
        if compared:
            marts = sorted({m for s in compared for m in s["equality"]})
            lines += ["", "Mart equality (rows on DuckDB / on Spark; differences are rows only on one side):", ""]
            lines += report.table(["mart", *(report.groups(s["size"]) for s in compared)],
                                  [[m, *(equal_cell(s["equality"].get(m)) for s in compared)] for m in marts])

    lines += growth_table(results)
    lines += slowest_models_table(duck)
    if duck and any(b.get("models") for b in duck):
        largest = max((b for b in duck if b.get("models")), key=lambda b: b["size"])
        ours = invoice_matching_seconds(largest["models"])
        lines += ["", f"At {largest['size']:,} groups the invoice matching models took {report.seconds(ours)} s "
                  f"of the build's {report.seconds(sum(largest['models'].values()))} model-seconds."]
    lines += subset_search_table(duck) + stress_table(stress)
    if png:
        lines += ["", f"![time and peak memory against size]({png.name})"]
    return "\n".join(lines) + "\n"


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def part_score(build: dict, part: str) -> str:
    scores = build.get("scores") or {}
    if "error" in scores:
        return "error"
    value = scores.get(part)
    return report.score(value["score"]) if value else "n/a"


def equal_summary(spark: dict) -> str:
    if not spark.get("equality"):
        return spark.get("equality_note", "not compared")
    equal = [m for m, e in spark["equality"].items() if e.get("equal")]
    total = len(spark["equality"])
    if len(equal) == total:
        return f"all {total} equal"
    return f"{len(equal)} of {total} equal; differ: " + ", ".join(
        m for m, e in spark["equality"].items() if not e.get("equal"))


def equal_cell(result: dict | None) -> str:
    if not result:
        return "n/a"
    if "duckdb_rows" not in result:
        return f"not equal ({result.get('note', '')})"
    counts = f"{result['duckdb_rows']:,} / {result['spark_rows']:,}"
    if result["equal"]:
        return f"equal ({counts})"
    return f"NOT equal ({counts}; {result['only_duckdb']:,} only DuckDB, {result['only_spark']:,} only Spark)"


def series(results: list[dict]) -> dict[str, list[tuple[int, float, float]]]:
    """{label: [(groups, seconds, peak_mb)]} of every successful measurement."""
    out: dict[str, list[tuple[int, float, float]]] = {}
    for label, key in (("DuckDB dbt build", "duckdb"), ("Spark dbt build", "spark"),
                       ("scan floor (DuckDB)", "scan"), ("pandas baseline", "pandas")):
        points = [(r["size"], r[key]["seconds"], r[key]["peak_mb"]) for r in results
                  if r.get(key) and "error" not in r[key]]
        if points:
            out[label] = points
    daily = [(r["size"], r["daily"]["daily_seconds"], r["daily"]["daily_peak_mb"]) for r in results
             if r.get("daily") and "error" not in r["daily"]]
    if daily:
        out["DuckDB daily run"] = daily
    return out


def daily_table(results: list[dict]) -> list[str]:
    runs = [(r["size"], r["daily"], r["duckdb"]) for r in results if r.get("daily")]
    if not runs:
        return []
    lines = ["", "## Daily incremental run (DuckDB)", "",
             "Day 1 is the set without the rows dated on its last day (invoices and their lines, credit "
             "notes, payments, ERP documents, cash receipts, receipt applications, GL lines; "
             "`rectools/benchmark/daily.py`), built in full into its own DuckDB file. The daily run is then "
             "the same `dbt build` on the whole set in that file, as the next morning's scheduled job would run "
             "it: the base models recheck only the record keys whose landing rows changed, every other model "
             "rebuilds. Its marts are compared with the full build's above, row for row (`except all` both "
             "ways). Daily / full = the daily run's wall time over the full build's.", ""]
    lines += report.table(
        ["groups", "new day", "new rows", "day 1 full build (s)", "daily run (s)", "dbt execution (s)",
         "peak memory (MB)", "daily / full", "base rows checked again", "marts equal to the full build"],
        [[report.groups(size), d.get("new_day", ""), f"{sum(d.get('new_rows', {}).values()):,}",
          report.seconds(d.get("day1_seconds")), report.seconds(d.get("daily_seconds")),
          report.seconds(d.get("execution_seconds")), report.megabytes(d.get("daily_peak_mb")),
          report.share(d.get("daily_seconds"), full.get("seconds")) if "error" not in d else "n/a",
          f"{d['rechecked_rows']:,} of {d['base_rows']:,}" if "rechecked_rows" in d else "",
          d.get("error") or daily_equality(d)] for size, d, full in runs])
    largest = max((r for r in runs if r[1].get("models")), key=lambda r: r[0], default=None)
    if largest:
        size, d, _ = largest
        top = sorted(d["models"].items(), key=lambda kv: -kv[1])[:5]
        lines += ["", f"Slowest models of the daily run at {size:,} groups: "
                  + ", ".join(f"`{m}` {report.seconds(s)} s" for m, s in top) + "."]
    return lines


def daily_equality(daily: dict) -> str:
    if "marts_compared" not in daily:
        return "not compared"
    differing = daily.get("marts_differing") or {}
    if not differing:
        return f"all {daily['marts_compared']} equal"
    return f"{daily['marts_compared'] - len(differing)} of {daily['marts_compared']} equal; differ: " + ", ".join(
        f"{m} ({c['only_left']:,} only full, {c['only_right']:,} only daily)" for m, c in differing.items())


def growth_table(results: list[dict]) -> list[str]:
    rows = []
    for label, points in series(results).items():
        if len(points) < 2:
            continue
        rows.append([label, ", ".join(f"{p[0]:,}" for p in points),
                     report.exponent(report.fit_exponent((p[0], p[1]) for p in points)),
                     report.exponent(report.fit_exponent((p[0], p[2]) for p in points))])
    execution = [(r["size"], r["duckdb"].get("execution_seconds")) for r in results
                 if r.get("duckdb") and "error" not in r["duckdb"] and r["duckdb"].get("execution_seconds")]
    if len(execution) >= 2:
        rows.append(["DuckDB dbt execution (no parse)", ", ".join(f"{s:,}" for s, _ in execution),
                     report.exponent(report.fit_exponent(execution)), ""])
    if not rows:
        return ["", "Growth exponents need two sizes or more."]
    return (["", "## Growth", "",
             "Exponent b of time ~ size^b and memory ~ size^b, least squares on log-log over the sizes measured "
             "(1.0 = linear; fixed costs such as dbt's start and parse pull it below 1 at small sizes).", ""]
            + report.table(["measurement", "sizes", "time exponent", "memory exponent"], rows))


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="full run (hours: generating 100k groups alone takes over 10 minutes, 1M about ten times that;\n"
               "cached after the first run):\n  python scripts/benchmark.py\n"
               "quick check (about two minutes):\n  python scripts/benchmark.py --quick --out /tmp/results.md")
    parser.add_argument("--sizes", type=int, nargs="*", default=DEFAULT_SIZES,
                        help="customer groups per generated set (default: 1000 10000 100000 1000000; `--sizes` "
                             "alone: only the --dataset sizes)")
    parser.add_argument("--dataset", action="append", default=[], metavar="SIZE=PATH",
                        help="use an existing landing folder for a size instead of the cache (repeatable); "
                             "its truth is PATH/../truth")
    parser.add_argument("--engines", nargs="+", choices=("duckdb", "spark"), default=["duckdb", "spark"],
                        help="engines to build on (DuckDB always builds when Spark does: Spark is compared "
                             "with it; default: duckdb spark)")
    parser.add_argument("--spark-sizes", type=int, nargs="*", default=DEFAULT_SPARK_SIZES,
                        help="sizes also built on Spark, among --sizes/--dataset (default: 10000 100000)")
    parser.add_argument("--no-scan", dest="scan", action="store_false", help="skip the scan floor")
    parser.add_argument("--no-pandas", dest="pandas", action="store_false", help="skip the pandas baseline")
    parser.add_argument("--daily-sizes", type=int, nargs="*", default=None, metavar="N",
                        help="sizes also given the daily incremental run: a day-1 full build, then the daily run, "
                             "in a second DuckDB file as large as the first (default: every size up to 100,000; "
                             "`--daily-sizes` alone: none)")
    parser.add_argument("--no-eval", dest="evaluate", action="store_false",
                        help="skip the evaluation against the truth")
    parser.add_argument("--select", default=None,
                        help="dbt selection to build instead of the whole project (e.g. "
                             "'+customer_xref +invoice_matches', as benchmarks/CONFORMED_LAYER.md did; default: all)")
    parser.add_argument("--stress-documents", type=int, nargs="*", default=[], metavar="N",
                        help="also time the grouped rule's subset search for one payer with N open documents")
    parser.add_argument("--generate-only", action="store_true",
                        help="only generate (cache) the landing sets of the sizes, then stop: the long part of a "
                             "first full run, done ahead")
    parser.add_argument("--quick", action="store_true",
                        help="1,000 groups only, DuckDB + daily run + scan floor + pandas, no Spark (about two minutes)")
    parser.add_argument("--cache", type=Path, default=PROJECT_ROOT / "generated" / "cache",
                        help="where generated landing sets are cached, as <cache>/<size>/landing and truth "
                             "(default: generated/cache)")
    parser.add_argument("--work", type=Path, default=PROJECT_ROOT / "generated" / "bench" / "work",
                        help="DuckDB files, Spark warehouses, dbt target paths, logs and results.json "
                             "(default: generated/bench/work)")
    parser.add_argument("--keep-warehouses", action="store_true",
                        help="keep each size's DuckDB file and Spark warehouse (default: removed once measured)")
    parser.add_argument("--max-memory-gb", type=float, default=round(total_memory_gib() * 0.85, 1),
                        help="kill a measured process tree (build, scan, baseline, Spark) whose resident memory "
                             "passes this, and report it, rather than let the machine run out (default: 85%% "
                             "of MemTotal)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "benchmarks" / "RESULTS.md",
                        help="Markdown report (default: benchmarks/RESULTS.md)")
    parser.add_argument("--png", type=Path, default=None,
                        help="plot of time and memory against size (default: beside --out, named after it in "
                             "lower case, e.g. benchmarks/results.png)")
    args = parser.parse_args(argv)
    args.given = {int(k): Path(v) for k, v in (item.split("=", 1) for item in args.dataset)}
    if args.quick:
        args.sizes, args.engines, args.spark_sizes = [1000], ["duckdb"], []
        args.given = {k: v for k, v in args.given.items() if k == 1000}
    if "spark" not in args.engines:
        args.spark_sizes = []
    if args.daily_sizes is None:
        args.daily_sizes = [s for s in set(args.sizes) | set(args.given) if s <= DAILY_MAX_DEFAULT]
    args.png = args.png or args.out.parent / f"{args.out.stem.lower()}.png"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    GUARD["bytes"] = int(args.max_memory_gb * 2**30) if args.max_memory_gb > 0 else None
    command_line = "python scripts/benchmark.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    started_at = dt.datetime.now(dt.timezone.utc)
    sizes = sorted(set(args.sizes) | set(args.given))
    if args.generate_only:
        for size in sizes:
            if size not in args.given:
                say(f"{size:,} groups: {cached_landing(size, args.cache)}")
        return 0
    spark_sizes = [s for s in args.spark_sizes if s in sizes]
    for skipped in sorted(set(args.spark_sizes) - set(spark_sizes)):
        say(f"Spark size {skipped:,} is not among the sizes built: skipped")
    load_at_start = " ".join(f"{v:.1f}" for v in os.getloadavg())
    work = args.work
    (work / "logs").mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    for number, size in enumerate(sizes, 1):
        say(f"size {size:,} ({number} of {len(sizes)})")
        row: dict = {"size": size}
        results.append(row)
        try:
            landing = args.given.get(size) or cached_landing(size, args.cache)
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            say(f"  no data for {size:,} groups: {exc}")
            row["duckdb"] = {"size": size, "seconds": 0.0, "peak_mb": 0.0, "db_mb": 0.0, "marts": {},
                             "error": f"no data: {exc}"[:300]}
            continue
        row["landing"] = str(landing)
        say(f"  DuckDB: dbt build of {args.select or 'every model and seed'} on {landing} ...")
        duck = row["duckdb"] = duckdb_build(size, landing, args.select, work)
        duck["landing_mb"] = landing_bytes(landing) / 2**20
        say(f"  DuckDB: {duck['seconds']:.1f} s, peak {duck['peak_mb']:,.0f} MB, file {duck['db_mb']:,.0f} MB"
            + (f", FAILED: {duck['error']}" if "error" in duck else ""))
        if args.evaluate and "error" not in duck:
            say(f"  evaluating against {truth_of(landing)} ...")
            duck["scores"] = evaluation(truth_of(landing), Path(duck["db_path"]))
            say("  scores: " + ", ".join(f"{p} {part_score(duck, p)}" for p in HEADLINE_PARTS))
        if size in args.daily_sizes and "error" not in duck:
            say("  daily run: day 1 (without the set's last day) built in full, then dbt build on the set ...")
            daily = row["daily"] = daily_run(size, landing, args.select, work, duck)
            say(f"  daily run: {daily.get('daily_seconds', 0):.1f} s against {duck['seconds']:.1f} s for the full "
                f"build" + (f", FAILED: {daily['error']}" if "error" in daily else
                            f", {daily['rechecked_rows']:,} of {daily['base_rows']:,} base rows checked again, "
                            f"marts differing: {len(daily.get('marts_differing', {}))}"))
        if args.scan:
            scan = row["scan"] = scan_floor(size, landing, work)
            say(f"  scan floor: {scan['seconds']:.1f} s, peak {scan['peak_mb']:,.0f} MB"
                + (f", build / scan {duck['seconds'] / scan['seconds']:.1f}x" if "error" not in scan else
                   f", FAILED: {scan['error']}"))
        if args.pandas:
            base = row["pandas"] = pandas_baseline(size, landing, work)
            say(f"  pandas baseline: {base['seconds']:.1f} s, peak {base['peak_mb']:,.0f} MB"
                + (f", {base['matched']:,} of {base['invoices']:,} invoices matched" if "error" not in base else
                   f", FAILED: {base['error']}"))
        if size in spark_sizes:
            say(f"  Spark: dbt build --target spark on {landing} ...")
            spark = row["spark"] = spark_build(size, landing, args.select, work, duck)
            say(f"  Spark: {spark['seconds']:.1f} s, peak {spark['peak_mb']:,.0f} MB, "
                + (spark.get("error") or equal_summary(spark)))
            if not args.keep_warehouses:
                shutil.rmtree(work / f"spark_{size}", ignore_errors=True)
        if not args.keep_warehouses:
            remove_duckdb(Path(duck.get("db_path", work / "none")))
        (work / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")

    stress = stress_subset_search(args.stress_documents, work)
    png = None
    plotted = series(results)
    if plotted:
        png = report.plot(plotted, args.png, title=f"reconciliation build, {os.cpu_count()} cores")
    text = render(results, stress, args, command_line, png, started_at, dt.datetime.now(dt.timezone.utc),
                  load_at_start)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    (work / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(text)
    say(f"wrote {args.out}" + (f" and {png}" if png else ""))
    failed = [r["size"] for r in results if "error" in r.get("duckdb", {}) or "error" in r.get("spark", {})]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
