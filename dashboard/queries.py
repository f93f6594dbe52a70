"""Everything the dashboard reads, as SQL over the marts (schema ``marts``).

The dashboard shows what dbt built and never recomputes it: headline figures come
from ``marts.reconciliation_summary`` as they are; other queries only select,
filter, order or sum mart rows for display (ARR per month over customers, counts of
exceptions per age bucket, unexplained cash per entity and currency). Keeping the SQL
here, apart from the Streamlit layout, lets the tests read the same marts with
duckdb and hold the page to them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse.duckdb"


@dataclass(frozen=True)
class Headline:
    """One figure of reconciliation_summary shown as a metric card."""

    metric: str  # reconciliation_summary.metric
    label: str  # what the card says (the end-to-end tests find cards by it)
    kind: str  # how it is formatted: count, money, rate, ratio


HEADLINES = [
    Headline("exceptions", "Exceptions", "count"),
    Headline("amount_at_risk_reporting", "Revenue at risk", "money"),
    Headline("exceptions_per_1000_invoices", "Exceptions per 1,000 invoices", "ratio"),
    Headline("unapplied_cash_reporting", "Unapplied cash", "money"),
    Headline("auto_match_rate.customers", "Auto-match: customers", "rate"),
    Headline("auto_match_rate.contracts", "Auto-match: contracts", "rate"),
    Headline("auto_match_rate.invoices", "Auto-match: invoices", "rate"),
    Headline("auto_match_rate.cash", "Auto-match: cash receipts", "rate"),
]

# display buckets over age_days (the mart's own column); upper bounds inclusive
AGE_BUCKETS = [(30, "0-30 days"), (90, "31-90 days"), (180, "91-180 days"), (None, "> 180 days")]

SUMMARY_SQL = "select metric, value from marts.reconciliation_summary"

# dim_customers is joined only to show and filter by a customer's name
EXCEPTIONS_SQL = """
select
    e.exception_id,
    e.exception_type,
    e.severity,
    e.review_status,
    e.decision_id,
    e.source_system,
    e.source_record_id,
    e.related_record_id,
    e.customer_key,
    coalesce(c.customer_name, '(no customer)') as customer_name,
    e.currency,
    cast(e.amount as double) as amount,
    cast(e.amount_reporting as double) as amount_reporting,
    e.age_days,
    e.detected_as_of,
    e.explanation,
    e.recommended_action
from marts.reconciliation_exceptions as e
left join marts.dim_customers as c on e.customer_key = c.customer_key
order by
    case e.severity when 'high' then 1 when 'medium' then 2 else 3 end,
    e.amount_reporting desc nulls last,
    e.exception_id
"""

ARR_BY_SOURCE_SQL = """
select
    month,
    cast(sum(crm_arr) as double) as crm_arr,
    cast(sum(billing_arr) as double) as billing_arr,
    cast(sum(erp_arr) as double) as erp_arr
from marts.arr_by_customer_month
group by month
order by month
"""

ARR_BRIDGE_SQL = """
select month, bridge, step_order, step, step_kind, cast(amount as double) as amount,
       record_count, description
from marts.arr_bridge
order by month, bridge, step_order
"""

# reconciliation_summary's unapplied_cash_reporting is every receipt's cash that neither
# ERP lettering nor a sure match explains (receipt_balances.unexplained_amount =
# review_amount, awaiting a reviewer, + unapplied_amount, explained by nothing): the
# cash page lists those receipts with both parts
UNAPPLIED_RECEIPTS_SQL = """
select
    receipt_id, entity, currency, value_date,
    cast(amount as double) as amount,
    cast(unexplained_amount as double) as unexplained_amount,
    cast(review_amount as double) as review_amount,
    cast(unapplied_amount as double) as unapplied_amount,
    payer_method, unexplained_reason, payer_customer_key
from marts.receipt_balances
where unexplained_amount > 0
order by unexplained_amount desc, receipt_id
"""

UNAPPLIED_BY_ENTITY_SQL = """
select
    entity, currency,
    count(*) as receipts,
    cast(sum(unexplained_amount) as double) as unexplained_amount,
    cast(sum(review_amount) as double) as review_amount,
    cast(sum(unapplied_amount) as double) as unapplied_amount
from marts.receipt_balances
where unexplained_amount > 0
group by entity, currency
order by entity, currency
"""


# marts.exception_history across the scheduled runs, with the scheduled run report's
# definitions (rectools/scheduled.py): new / reopened / resolved on the latest run's
# as-of date, which is reconciliation_summary's as_of_date
HISTORY_SQL = """
select
    count(*) filter (where status = 'open') as open,
    count(*) filter (where status = 'open' and first_seen_as_of = $as_of) as new_today,
    count(*) filter (where status = 'open' and reopened_as_of = $as_of) as reopened_today,
    count(*) filter (where status = 'resolved' and resolved_as_of = $as_of) as resolved_today,
    count(*) filter (where status = 'resolved') as resolved,
    max(days_open) filter (where status = 'open') as longest_open_days,
    min(first_seen_as_of) as tracked_since
from marts.exception_history
"""

# every row of the reviewers' decisions file, with what it changed (marts.review_decisions)
DECISIONS_SQL = """
select
    decision_id, decided_at, reviewer, subject_type, subject_id, related_subject_id,
    decision, outcome, change_description, comment
from marts.review_decisions
order by decided_at desc nulls last, decision_id
"""

# marts added by issue #9: a warehouse built before them still shows the rest
OPTIONAL_MARTS = ("exception_history", "review_decisions")


def warehouse_path(argv: list[str] | None = None) -> Path:
    """``--duckdb PATH`` (after ``--`` on the streamlit command line), else
    ``RECON_DUCKDB_PATH``, else ``warehouse.duckdb`` at the project root: the
    file the quickstart builds."""
    args = list(argv or [])
    if "--duckdb" in args:
        index = args.index("--duckdb")
        if index + 1 < len(args):
            return Path(args[index + 1])
    env = os.environ.get("RECON_DUCKDB_PATH")
    return Path(env) if env else DEFAULT_WAREHOUSE


def read_marts(path: Path) -> dict[str, object]:
    """Every frame the pages show, read in one short read-only connection so that a
    dbt run waiting to write the warehouse is not held up by an open dashboard."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        summary = {metric: float(value) for metric, value in con.execute(SUMMARY_SQL).fetchall()}
        present = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        history = None
        if "exception_history" in present and summary.get("as_of_date") is not None:
            row = con.execute(HISTORY_SQL, {"as_of": as_of_date(summary)})
            history = dict(zip([d[0] for d in row.description], row.fetchone()))
        return {
            "summary": summary,
            "history": history,
            "decisions": con.execute(DECISIONS_SQL).df() if "review_decisions" in present else None,
            "exceptions": con.execute(EXCEPTIONS_SQL).df(),
            "arr_by_source": con.execute(ARR_BY_SOURCE_SQL).df(),
            "arr_bridge": con.execute(ARR_BRIDGE_SQL).df(),
            "unapplied_receipts": con.execute(UNAPPLIED_RECEIPTS_SQL).df(),
            "unapplied_by_entity": con.execute(UNAPPLIED_BY_ENTITY_SQL).df(),
        }
    finally:
        con.close()


def summary_rows(summary: dict[str, float], prefix: str) -> pd.Series:
    """The breakdown a summary metric family holds, e.g. ``exceptions.type.`` gives
    one count per exception type, keyed by the part after the prefix."""
    rows = {metric[len(prefix):]: value for metric, value in summary.items() if metric.startswith(prefix)}
    return pd.Series(rows, dtype="float64").sort_index()


def age_bucket(age_days: int | None) -> str:
    """The display bucket of an exception's age_days."""
    if age_days is None or pd.isna(age_days):
        return "unknown"
    for upper, label in AGE_BUCKETS:
        if upper is None or age_days <= upper:
            return label
    return AGE_BUCKETS[-1][1]


def format_headline(value: float | None, kind: str) -> str:
    """How a card shows a figure: money with thousands separators and cents, rates
    as percentages with two decimals (the mart keeps four)."""
    if value is None:
        return "n/a"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    return f"{value:,.2f}"


def as_of_date(summary: dict[str, float]) -> date:
    """reconciliation_summary's as_of_date (a yyyymmdd number) as a date."""
    text = f"{int(summary['as_of_date']):08d}"
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def as_of_label(summary: dict[str, float]) -> str:
    """The summary keeps the as-of date as a yyyymmdd number."""
    value = summary.get("as_of_date")
    if value is None:
        return "unknown"
    text = f"{int(value):08d}"
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"
