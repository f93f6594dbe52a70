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
OPTIONAL_MARTS = ("exception_history", "review_decisions", "quote_to_cash_trace", "close_metrics_monthly")

# ---- issue #10: the quote-to-cash trace and the month-end close metrics

# the stages of a chain in order (marts.quote_to_cash_trace): the mart's date column of
# each, and the mart's latency column that ends at it with the stage that latency starts
# from (revenue is counted from the ERP posting, as the mart does, not from the cash)
TRACE_STAGES = [
    ("opportunity", "opportunity_close_date", None, None),
    ("contract", "contract_start_date", "close_to_contract_start_days", "opportunity"),
    ("subscription", "subscription_start_date", "contract_start_to_subscription_start_days", "contract"),
    ("invoice", "invoice_issue_date", "subscription_start_to_issue_days", "subscription"),
    ("erp_posting", "erp_posting_date", "issue_to_posting_days", "invoice"),
    ("cash", "cash_value_date", "posting_to_cash_days", "erp_posting"),
    ("revenue_recognition", "revenue_recognised_date", "posting_to_revenue_days", "erp_posting"),
]
STOPS_ORDER = [stage for stage, *_ in TRACE_STAGES] + ["complete"]

# the ids a person may paste: single-id columns and comma lists of ids
TRACE_ID_COLUMNS = ("opportunity_id", "crm_contract_id", "subscription_id", "invoice_id", "invoice_number")
TRACE_ID_LISTS = ("crm_contract_line_ids", "erp_document_ids", "receipt_ids", "open_exception_ids")
TRACE_LIMIT = 50  # chains listed for one search (an opportunity can have many invoices)

# chains per stop stage and where they start: counts of mart rows
TRACE_STOPS_SQL = """
select stops_at, chain_starts_at, count(*) as chains
from marts.quote_to_cash_trace
group by stops_at, chain_starts_at
"""

# every chain one id belongs to, matched case-blind on the id columns and inside the
# comma lists (split, so RCP-1 does not match RCP-10); the first TRACE_LIMIT chains,
# those stopped earliest first, and how many matched in all
TRACE_SEARCH_SQL = """
select *, count(*) over () as matched_chains
from marts.quote_to_cash_trace
where {columns}
   or {lists}
order by
    case stops_at {stop_order} end,
    invoice_issue_date desc nulls last,
    trace_id
limit {limit}
""".format(
    columns="\n   or ".join(f"lower({c}) = lower($id)" for c in TRACE_ID_COLUMNS),
    lists="\n   or ".join(f"list_contains(string_split(lower(replace({c}, ' ', '')), ','), lower($id))"
                         for c in TRACE_ID_LISTS),
    stop_order=" ".join(f"when '{s}' then {i}" for i, s in enumerate(STOPS_ORDER)),
    limit=TRACE_LIMIT,
)

# the open exceptions of the chains found, by exception id (reconciliation_exceptions:
# explanation and recommended action); an id the exceptions mart lacks still shows
TRACE_EXCEPTIONS_SQL = """
with chain_exceptions as (
    select trace_id, trim(unnest(string_split(open_exception_ids, ','))) as exception_id
    from marts.quote_to_cash_trace
    where list_contains(cast($trace_ids as varchar[]), trace_id) and open_exception_ids is not null
)
select
    chain_exceptions.trace_id,
    chain_exceptions.exception_id,
    e.exception_type,
    e.severity,
    e.review_status,
    e.source_system,
    e.source_entity,
    e.source_record_id,
    cast(e.amount_reporting as double) as amount_reporting,
    e.age_days,
    e.explanation,
    e.recommended_action
from chain_exceptions
left join marts.reconciliation_exceptions as e
    on chain_exceptions.exception_id = e.exception_id
order by chain_exceptions.trace_id, chain_exceptions.exception_id
"""

# the mart's rows as they are, latest month first
CLOSE_METRICS_SQL = """
select
    month,
    billing_entity,
    invoices_issued,
    cast(issue_to_posting_days_median as double) as issue_to_posting_days_median,
    cast(issue_to_posting_days_p90 as double) as issue_to_posting_days_p90,
    cast(signed_to_first_invoice_days_median as double) as signed_to_first_invoice_days_median,
    cast(open_receivable_reporting as double) as open_receivable_reporting,
    cast(billed_trailing_90_days_reporting as double) as billed_trailing_90_days_reporting,
    cast(dso_days as double) as dso_days,
    cast(posted_share as double) as posted_share,
    cast(touchless_share as double) as touchless_share,
    items_sent_to_review,
    exceptions_raised,
    cast(exceptions_per_1000_invoices as double) as exceptions_per_1000_invoices,
    cast(revenue_at_risk_reporting as double) as revenue_at_risk_reporting,
    cast(unapplied_cash_reporting as double) as unapplied_cash_reporting
from marts.close_metrics_monthly
order by month desc, billing_entity
"""


@dataclass(frozen=True)
class CloseFigure:
    """One column of close_metrics_monthly as the latest-month table writes it."""

    column: str  # close_metrics_monthly column
    label: str  # the row label on the page (the tests find figures by it)
    kind: str  # count, days, money, rate, ratio (format_headline)


CLOSE_FIGURES = [
    CloseFigure("invoices_issued", "Invoices issued", "count"),
    CloseFigure("issue_to_posting_days_median", "Issue to posting, median (days)", "days"),
    CloseFigure("issue_to_posting_days_p90", "Issue to posting, p90 (days)", "days"),
    CloseFigure("signed_to_first_invoice_days_median", "Signed to first invoice, median (days)", "days"),
    CloseFigure("open_receivable_reporting", "Open receivable", "money"),
    CloseFigure("billed_trailing_90_days_reporting", "Billed, trailing 90 days", "money"),
    CloseFigure("dso_days", "DSO (days)", "days"),
    CloseFigure("posted_share", "Posted share", "rate"),
    CloseFigure("touchless_share", "Touchless share", "rate"),
    CloseFigure("items_sent_to_review", "Items sent to review", "count"),
    CloseFigure("exceptions_raised", "Exceptions raised", "count"),
    CloseFigure("exceptions_per_1000_invoices", "Exceptions per 1,000 invoices", "ratio"),
    CloseFigure("revenue_at_risk_reporting", "Revenue at risk", "money"),
    CloseFigure("unapplied_cash_reporting", "Unapplied cash", "money"),
]


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
            # issue #10's marts: None in a warehouse built before them
            "trace_stops": con.execute(TRACE_STOPS_SQL).df() if "quote_to_cash_trace" in present else None,
            "close_metrics": con.execute(CLOSE_METRICS_SQL).df() if "close_metrics_monthly" in present else None,
        }
    finally:
        con.close()


def search_trace(path: Path, text: str) -> dict[str, pd.DataFrame | int]:
    """The chains one id belongs to (at most TRACE_LIMIT) with their open exceptions,
    read on demand in a short read-only connection like read_marts."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        chains = con.execute(TRACE_SEARCH_SQL, {"id": text.strip()}).df()
        matched = int(chains["matched_chains"].iloc[0]) if len(chains) else 0
        chains = chains.drop(columns="matched_chains")
        exceptions = con.execute(TRACE_EXCEPTIONS_SQL, {"trace_ids": list(chains["trace_id"])}).df()
        return {"chains": chains, "exceptions": exceptions, "matched": matched}
    finally:
        con.close()


def trace_stages(chain: pd.Series) -> pd.DataFrame:
    """One chain (a row of quote_to_cash_trace) as its stages in order: the mart's
    date and latency of each, whether the chain reached it (every stage from where the
    chain starts up to the one it stops at), and where it stops. Nothing is
    recomputed: the days are the mart's latency columns, named with the stage they
    count from."""
    stops, starts = chain["stops_at"], chain["chain_starts_at"]
    stop_index = STOPS_ORDER.index(stops) if stops in STOPS_ORDER else len(STOPS_ORDER)
    start_index = STOPS_ORDER.index(starts) if starts in STOPS_ORDER else 0
    rows = []
    for index, (stage, date_column, days_column, days_from) in enumerate(TRACE_STAGES):
        days = chain[days_column] if days_column else None
        if index < start_index:
            status = "not part of this chain"
        elif index < stop_index:
            status = "reached"
        elif index == stop_index:
            status = "stops here"
        else:
            status = "not reached"
        value = chain[date_column]
        rows.append({
            "stage": stage,
            "date": None if value is None or pd.isna(value) else pd.Timestamp(value).date(),
            "status": status,
            "days": None if days is None or pd.isna(days) else int(days),
            "days since": days_from if days is not None and not pd.isna(days) else None,
        })
    return pd.DataFrame(rows).astype({"days": "Int64"})


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
    if value is None or pd.isna(value):
        return "n/a"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "days":
        return f"{value:,.1f}"
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
