"""The day before: a landing folder as it stood one day earlier, and the comparison of two
builds, for the daily incremental run (issue #8).

A landing folder is "day 2". Its day 1 keeps every row of the dated, append-mostly
entities dated on or before a cutoff day (invoice lines follow their invoice) and every
row of the others, so building day 1 and then running the daily `dbt build` on day 2
adds the cutoff's following days as new extracts would. The benchmark times that daily
run against a full build; `tests/python/test_incremental.py` adds changed, deleted and
duplicated rows on top of it and checks the daily run against a full refresh with
`differing_relations`.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from rectools.benchmark.floor import duckdb_reader
from rectools.contract import landing_entities

# how a row of each dated entity is dated (a row whose date does not parse is kept:
# it belongs to no day, and the quarantine reports it on both days)
ROW_DATE = {
    "billing__invoices": "issue_date",
    "billing__credit_notes": "issue_date",
    "billing__payments": "substr(trim(paid_at), 1, 10)",
    "erp__ar_documents": "document_date",
    "erp__cash_receipts": "value_date",
    "erp__receipt_applications": "applied_date",
    "erp__gl_journal_lines": "posting_date",
}


def landing_file(landing: Path, ent) -> tuple[Path, str]:
    """The entity's file in a landing folder and how DuckDB reads it."""
    for fmt in ("parquet", "csv"):
        path = landing / ent.system / f"{ent.name}.{fmt}"
        if path.exists():
            return path, duckdb_reader(path)
    raise FileNotFoundError(f"no {ent.system}/{ent.name}.csv or .parquet in {landing}")


def register(con: duckdb.DuckDBPyConnection, landing: Path) -> dict:
    """A view g_<relation> over every landing file; returns the entities by relation."""
    entities = {e.relation: e for e in landing_entities()}
    for name, ent in entities.items():
        con.execute(f"create or replace view g_{name} as select * from {landing_file(landing, ent)[1]}")
    return entities


def rows_known_on(cutoff: str) -> dict[str, str]:
    """Per entity, the query (over the g_ views) of the rows the extracts held at the end
    of `cutoff` (ISO date)."""
    sql = {name: f"select * from g_{name}" for name in (e.relation for e in landing_entities())}
    for name, date_expr in ROW_DATE.items():
        sql[name] += f" where coalesce(try_cast(trim({date_expr}) as date) <= date '{cutoff}', true)"
    sql["billing__invoice_lines"] += (
        " where invoice_id not in (select invoice_id from g_billing__invoices"
        f" where try_cast(trim(issue_date) as date) > date '{cutoff}')")
    return sql


def write_landing(con: duckdb.DuckDBPyConnection, entities: dict, sql: dict[str, str], out: Path) -> None:
    """Each entity's query to out/<system>/<entity>.parquet."""
    for name, query in sql.items():
        target = out / entities[name].system / f"{entities[name].name}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"copy ({query}) to '{target}' (format parquet)")


def as_of_date(truth: Path) -> dt.date:
    """The generated set's as-of date (its truth manifest)."""
    manifest = truth / "manifest.json"
    if not manifest.exists():
        raise FileNotFoundError(f"no {manifest}: the day before needs the set's as-of date")
    return dt.date.fromisoformat(json.loads(manifest.read_text(encoding="utf-8"))["as_of_date"])


def write_day_before(landing: Path, out: Path, cutoff: dt.date) -> dict[str, int]:
    """out = landing without the rows dated after `cutoff`; returns the rows held back
    per entity (the new day's extracts)."""
    con = duckdb.connect()
    entities = register(con, landing)
    sql = rows_known_on(cutoff.isoformat())
    write_landing(con, entities, sql, out)
    held_back = {}
    for name in ROW_DATE | {"billing__invoice_lines": None}:
        everything = con.execute(f"select count(*) from g_{name}").fetchone()[0]
        kept = con.execute(f"select count(*) from ({sql[name]})").fetchone()[0]
        held_back[name] = everything - kept
    con.close()
    return held_back


# relations that remember earlier runs: a daily run and a full build of the same day
# legitimately differ in them (the history of a daily run starts the day before)
RUN_HISTORY = ("marts.exception_history",)


def relations(con: duckdb.DuckDBPyConnection, catalog: str, schemas=("staging", "intermediate", "marts"),
              exclude=RUN_HISTORY) -> list[str]:
    """schema.table of every table and view in those schemas of an attached catalog,
    but those of `exclude` (by default the ones that keep a history across runs)."""
    placeholders = ", ".join("?" for _ in schemas)
    rows = con.execute(f"""
        select table_schema || '.' || table_name from information_schema.tables
        where table_catalog = ? and table_schema in ({placeholders})
        order by 1""", [catalog, *schemas]).fetchall()
    return [r[0] for r in rows if r[0] not in exclude]


def differing_relations(con: duckdb.DuckDBPyConnection, left: str, right: str, names: list[str],
                        ignore=("_checked_in_run",)) -> dict[str, dict]:
    """Relations whose rows differ between two attached catalogs, compared as multisets
    (`except all` both ways) over the left side's columns except `ignore`: {relation:
    {left, right, only_left, only_right}}; empty when every relation is equal."""
    different = {}
    for relation in names:
        schema, table = relation.split(".")
        columns = [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_catalog = ?"
            " and table_schema = ? and table_name = ? order by ordinal_position", [left, schema, table]).fetchall()]
        select = ", ".join(f'"{c}"' for c in columns if c not in ignore)
        a, b = f"select {select} from {left}.{relation}", f"select {select} from {right}.{relation}"
        counts = con.execute(f"select (select count(*) from ({a})), (select count(*) from ({b})),"
                             f" (select count(*) from ({a} except all {b})),"
                             f" (select count(*) from ({b} except all {a}))").fetchone()
        if counts[0] != counts[1] or counts[2] or counts[3]:
            different[relation] = dict(zip(("left", "right", "only_left", "only_right"), counts))
    return different
