"""The daily incremental run (issue #8) gives exactly what a full refresh gives.

A generated set is day 2. Day 1 is day 2 without the rows of its last days and with
some rows in an earlier state (invoices and ERP documents not yet paid, a receipt
application and a GL line not yet there, stray whitespace, a duplicated invoice key that
day 2 resolves, a payment that day 2 deletes); day 2 also brings a new duplicate key, an
exact copy and a second copy of a row without key. Day 1 is built in full, then the
incremental `dbt build` runs on day 2 in the same DuckDB file; day 2 is also built with
--full-refresh in another file. Every staging, intermediate and mart relation must hold
the same rows in both files, and the incremental run must have checked again exactly the
record keys whose landing rows changed."""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from rectools.benchmark.daily import (ROW_DATE, differing_relations, register, relations, rows_known_on,
                                      write_landing)
from rectools.contract import PROJECT_ROOT, landing_entities
from rectools.dbt import run_dbt

GROUPS = 200
SEED = 5
# rows dated after this day are the "last days" that day 1 does not have yet
CUTOFF = "2025-06-25"
BUILD = ["build", "--resource-type", "model", "--resource-type", "seed"]


def _make_days(generated, root):
    """Write root/day1 and root/day2 landing folders from the generated landing."""
    con = duckdb.connect()
    entities = register(con, generated)

    # day 2: the generated set, plus a new duplicate key, an exact copy and a keyless row twice
    day2 = {name: f"select * from g_{name}" for name in entities}
    day2["billing__payments"] += (
        " union all select * replace ('999999.99' as amount) from g_billing__payments"
        f" where payment_id = (select min(payment_id) from g_billing__payments"
        f" where substr(trim(paid_at), 1, 10) <= '{CUTOFF}')")
    day2["billing__credit_notes"] += (
        " union all select * from g_billing__credit_notes"
        " where credit_note_id = (select min(credit_note_id) from g_billing__credit_notes)")
    keyless_line = ("select * replace ('' as invoice_line_id) from g_billing__invoice_lines"
                    " where invoice_line_id = (select min(invoice_line_id) from g_billing__invoice_lines)")
    day2["billing__invoice_lines"] += f" union all ({keyless_line}) union all ({keyless_line})"
    write_landing(con, entities, day2, root / "day2")

    # day 1: the generated set without its last days, some rows in their earlier state
    day1 = rows_known_on(CUTOFF)
    day1["billing__invoice_lines"] += f" union all ({keyless_line})"
    paid_invoices = ("select invoice_id from g_billing__invoices where lower(trim(status)) = 'paid'"
                     f" and try_cast(trim(issue_date) as date) <= date '{CUTOFF}' order by invoice_id")
    day1["billing__invoices"] = f"""
        select * replace (
            case when invoice_id in ({paid_invoices} limit 5) then 'open' else status end as status,
            case when invoice_id in ({paid_invoices} limit 5) then '0.00' else amount_paid end as amount_paid,
            case when invoice_id in ({paid_invoices} limit 1 offset 5) then ' ' || invoice_number || ' '
                else invoice_number end as invoice_number)
        from ({day1["billing__invoices"]})
        union all
        select * replace ('1.00' as total) from g_billing__invoices
        where invoice_id = ({paid_invoices} limit 1 offset 6)"""
    paid_documents = ("select document_id from g_erp__ar_documents where lower(trim(status)) = 'paid'"
                      f" and try_cast(trim(document_date) as date) <= date '{CUTOFF}' order by document_id limit 3")
    day1["erp__ar_documents"] = (f"select * replace (case when document_id in ({paid_documents}) then 'open'"
                                 f" else status end as status) from ({day1['erp__ar_documents']})")
    for name, key in (("erp__receipt_applications", "application_id"), ("erp__gl_journal_lines", "journal_line_id")):
        day1[name] = (f"select * from ({day1[name]}) where {key} <> (select min({key}) from g_{name}"
                      f" where try_cast(trim({ROW_DATE[name]}) as date) <= date '{CUTOFF}')")
    day1["billing__payments"] += (" union all select * replace ('PAY-GONE-1' as payment_id) from g_billing__payments"
                                  " where payment_id = (select max(payment_id) from g_billing__payments)")
    write_landing(con, entities, day1, root / "day1")
    con.close()
    return root / "day1", root / "day2"


def _changed_keys(day1, day2, ent) -> set[str]:
    """Record keys (as the base models derive them) whose landing rows differ between the
    days, and that day 2 still holds (a key gone has no row left to check)."""
    key = " || '|' || ".join(f"coalesce(nullif(trim({k}), ''), '')" for k in ent.key_columns)
    files = {day: f"read_parquet('{d / ent.system / ent.name}.parquet')" for day, d in (("1", day1), ("2", day2))}
    rows = duckdb.sql(f"""
        select distinct {key} from (
            (select * from {files['1']} except all select * from {files['2']})
            union all
            (select * from {files['2']} except all select * from {files['1']}))
        where {" and ".join(f"nullif(trim({k}), '') is not null" for k in ent.key_columns)}
        intersect
        select {key} from {files['2']}
    """).fetchall()
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    generated = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "generate_data.py"), "--groups", str(GROUPS),
         "--seed", str(SEED), "--format", "parquet", "--out", str(root / "generated"), "--quiet"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    assert generated.returncode == 0, generated.stderr[-4000:]
    day1, day2 = _make_days(root / "generated" / "landing", root)
    return root, day1, day2


@pytest.fixture(scope="module")
def built(days):
    root, day1, day2 = days
    # the DuckDB file's name is the catalog the views name: one name per file
    incremental, refreshed = root / "incremental.duckdb", root / "refreshed.duckdb"
    paths = ["--target-path", str(root / "target"), "--log-path", str(root / "logs")]

    first = run_dbt([*BUILD, *paths], dbt_vars={"landing_dir": str(day1)}, duckdb_path=incremental)
    assert first.returncode == 0, first.stdout[-4000:]
    with duckdb.connect(str(incremental), read_only=True) as con:
        day1_quarantine = con.execute("select entity, record_key, quarantine_reason from marts.quarantine_rows"
                                      ).fetchall()

    daily = run_dbt([*BUILD, *paths], dbt_vars={"landing_dir": str(day2)}, duckdb_path=incremental)
    assert daily.returncode == 0, daily.stdout[-4000:]
    run_results = json.loads((root / "target" / "run_results.json").read_text())

    full = run_dbt([*BUILD, "--full-refresh", "--target-path", str(root / "target_full"),
                    "--log-path", str(root / "logs")], dbt_vars={"landing_dir": str(day2)}, duckdb_path=refreshed)
    assert full.returncode == 0, full.stdout[-4000:]

    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as incremental (read_only)")
    con.execute(f"attach '{refreshed}' as refreshed (read_only)")
    yield {"con": con, "day1": day1, "day2": day2, "day1_quarantine": day1_quarantine,
           "daily_run": run_results["metadata"]["invocation_id"]}
    con.close()


def test_incremental_run_equals_a_full_refresh(built):
    con = built["con"]
    names = relations(con, "refreshed")
    # a base and a staging relation per landing entity, and per the optional reviewer
    # decisions file (issue #9, its own contract)
    staged = {r for r in names if r.startswith("staging.")}
    relations_of = [ent.relation for ent in landing_entities()] + ["review__decisions"]
    assert staged == {f"staging.{layer}_{r}" for r in relations_of for layer in ("base", "stg")}
    assert "marts.quarantine_rows" in names and len(names) > 60
    assert not differing_relations(con, "refreshed", "incremental", names)


def test_only_the_exception_history_remembers_the_day_before(built):
    # marts.exception_history is left out of the comparison above: the daily run's
    # history started on day 1, the full build's on day 2; its open rows still agree
    con = built["con"]
    assert "marts.exception_history" not in relations(con, "refreshed")
    assert "marts.exception_history" in relations(con, "refreshed", exclude=())
    today = {r[0] for r in con.execute("select exception_id from refreshed.marts.reconciliation_exceptions")
             .fetchall()}
    assert today
    for catalog in ("incremental", "refreshed"):
        open_ids = {r[0] for r in con.execute(
            f"select exception_id from {catalog}.marts.exception_history where status = 'open'").fetchall()}
        assert open_ids == today, catalog
    first_seen = {catalog: {r[0] for r in con.execute(
        f"select distinct first_seen_as_of from {catalog}.marts.exception_history").fetchall()}
        for catalog in ("incremental", "refreshed")}
    assert len(first_seen["refreshed"]) == 1
    assert min(first_seen["incremental"]) < min(first_seen["refreshed"])


def test_the_scenario_exercises_the_quarantine(built):
    day1 = {(e, k): r for e, k, r in built["day1_quarantine"]}
    day2 = {(e, k): r for e, k, r in built["con"].execute(
        "select entity, record_key, quarantine_reason from refreshed.marts.quarantine_rows").fetchall()}
    # day 1's duplicated invoice key is resolved on day 2
    assert any(e == "invoices" and r.startswith("duplicate key") for (e, _), r in day1.items())
    assert not any(e == "invoices" and r.startswith("duplicate key") for (e, _), r in day2.items())
    # a key clean on day 1 is duplicated on day 2; an exact copy and keyless rows arrive
    assert any(e == "payments" and r.startswith("duplicate key") for (e, _), r in day2.items())
    assert any(e == "credit_notes" and r.startswith("exact duplicate") for (e, _), r in day2.items())
    keyless = built["con"].execute("select count(*) from refreshed.marts.quarantine_rows"
                                   " where entity = 'invoice_lines' and record_key is null").fetchone()[0]
    assert keyless >= 2


def test_the_daily_run_checks_again_only_the_changed_keys(built):
    con, run = built["con"], built["daily_run"]
    checked_total = rows_total = 0
    for ent in landing_entities():
        base = f"incremental.staging.base_{ent.relation}"
        checked = {r[0] for r in con.execute(
            f"select distinct _record_key from {base} where _checked_in_run = ? and _record_key is not null",
            [run]).fetchall()}
        assert checked == _changed_keys(built["day1"], built["day2"], ent), ent.relation
        checked_total += con.execute(f"select count(*) from {base} where _checked_in_run = ?", [run]).fetchone()[0]
        rows_total += con.execute(f"select count(*) from {base}").fetchone()[0]
    # the last days and the changes are a small part of the history
    assert 0 < checked_total < 0.1 * rows_total, (checked_total, rows_total)
