"""Finance's reconciliation dashboard (Streamlit), over the marts dbt builds.

Run from the project root:

    streamlit run dashboard/app.py --browser.gatherUsageStats false -- --duckdb warehouse.duckdb

(or set RECON_DUCKDB_PATH). Four tabs: overview, exception list, ARR, unapplied cash.
The page only reads the marts (SQL in queries.py): every headline figure is a row of
marts.reconciliation_summary, so what finance sees here is what the contract's
consumers read, never a second computation that could drift from it.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import queries  # noqa: E402  (beside this file, whatever the working directory)

MONEY = st.column_config.NumberColumn(format="accounting")
COUNT = st.column_config.NumberColumn(format="%d")
DATE = st.column_config.DateColumn(format="YYYY-MM-DD")
REVIEW_STATUSES = ["open", "confirmed", "dismissed"]  # the contract's enum
SEVERITIES = ["high", "medium", "low"]


@st.cache_data(show_spinner="Reading the marts...")
def load(path: str, modified_ns: int) -> dict[str, object]:
    """The marts, read once per warehouse version: the file's modification time is
    part of the cache key, so a new dbt build shows on the next page load."""
    del modified_ns  # only a cache key
    return queries.read_marts(Path(path))


def overview(data: dict[str, object]) -> None:
    summary = data["summary"]
    exceptions: pd.DataFrame = data["exceptions"]
    for row in (queries.HEADLINES[:4], queries.HEADLINES[4:]):
        for column, headline in zip(st.columns(len(row)), row):
            column.metric(headline.label,
                          queries.format_headline(summary.get(headline.metric), headline.kind),
                          help=f"marts.reconciliation_summary, metric {headline.metric}", border=True)
    st.caption("Money in the reporting currency. Auto-match rates: share of records the "
               "engine linked or explained without a person.")

    left, right = st.columns(2)
    with left:
        st.subheader("By severity")
        by_severity = pd.DataFrame({
            "severity": SEVERITIES,
            "exceptions": [summary.get(f"exceptions.severity.{s}", 0.0) for s in SEVERITIES],
            "revenue at risk": [summary.get(f"amount_at_risk_reporting.severity.{s}", 0.0) for s in SEVERITIES],
        })
        st.dataframe(by_severity, hide_index=True,
                     column_config={"revenue at risk": MONEY, "exceptions": COUNT})
    with right:
        st.subheader("By age")
        # display buckets over the mart's age_days; the counts are of mart rows
        aged = exceptions.assign(age=exceptions["age_days"].map(queries.age_bucket))
        order = [label for _, label in queries.AGE_BUCKETS]
        by_age = (aged.pivot_table(index="age", columns="severity", values="exception_id",
                                   aggfunc="count", fill_value=0)
                  .reindex(index=order, columns=SEVERITIES, fill_value=0))
        st.bar_chart(by_age, horizontal=True, stack=True, sort=False, x_label="", y_label="exceptions",
                     color=["#d62728", "#ff7f0e", "#1f77b4"], height=220)

    st.subheader("By type")
    by_type = pd.DataFrame({
        "exceptions": queries.summary_rows(summary, "exceptions.type."),
        "revenue at risk": queries.summary_rows(summary, "amount_at_risk_reporting.type."),
    })
    by_type = by_type[by_type["exceptions"] > 0].sort_values("revenue at risk", ascending=False)
    left, right = st.columns(2)
    height = 35 * (len(by_type) + 1) + 3  # every type in view (at most 20), chart beside it as tall
    left.dataframe(by_type.rename_axis("exception type"), height=height,
                   column_config={"revenue at risk": MONEY, "exceptions": COUNT})
    right.bar_chart(by_type["revenue at risk"], horizontal=True, sort="-revenue at risk",
                    x_label="", y_label="revenue at risk", height=height)

    left, right = st.columns(2)
    with left:
        st.subheader("Across runs")
        history = data.get("history")
        if history is None:
            st.caption("No marts.exception_history in this warehouse (built before issue #9).")
        else:
            cells = st.columns(4)
            for cell, (label, key) in zip(cells, (("Open", "open"), ("New this run", "new_today"),
                                                  ("Reopened this run", "reopened_today"),
                                                  ("Resolved this run", "resolved_today"))):
                cell.metric(label, f"{history[key] or 0:,}", help=f"marts.exception_history: {key}")
            since = history["tracked_since"]
            st.caption(f"marts.exception_history: {history['resolved'] or 0:,} resolved in all, "
                       f"the longest open for {history['longest_open_days'] or 0:,} days; "
                       f"tracked since {pd.Timestamp(since).date() if since is not None else 'n/a'}.")
    with right:
        st.subheader("Review status")
        by_status = (exceptions.groupby("review_status")
                     .agg(exceptions=("exception_id", "count"), at_risk=("amount_reporting", "sum"))
                     .reindex(REVIEW_STATUSES, fill_value=0).rename_axis("review status")
                     .rename(columns={"at_risk": "revenue at risk"}))
        st.dataframe(by_status, column_config={"revenue at risk": MONEY, "exceptions": COUNT})
        st.caption("Reviewers' decisions on exceptions (marts.review_decisions) set the status; "
                   "a dismissed exception stays listed.")


def exception_list(data: dict[str, object]) -> None:
    exceptions: pd.DataFrame = data["exceptions"]
    filters = st.columns(4)
    types = filters[0].multiselect("Exception type", sorted(exceptions["exception_type"].unique()),
                                   key="exception_type", placeholder="all types")
    severities = filters[1].multiselect("Severity", SEVERITIES, key="severity", placeholder="all")
    statuses = filters[2].multiselect("Review status", REVIEW_STATUSES, key="review_status", placeholder="all")
    customers = filters[3].multiselect("Customer", sorted(exceptions["customer_name"].unique()),
                                       key="customer", placeholder="all customers")
    shown = exceptions
    for column, chosen in (("exception_type", types), ("severity", severities),
                           ("review_status", statuses), ("customer_name", customers)):
        if chosen:  # an empty filter means every value
            shown = shown[shown[column].isin(chosen)]
    st.markdown(f"**{len(shown):,} of {len(exceptions):,} exceptions shown**, "
                f"revenue at risk {shown['amount_reporting'].sum():,.2f}")
    selection = st.dataframe(
        shown, hide_index=True, key="exception_table", on_select="rerun", selection_mode="single-row",
        column_order=["severity", "exception_type", "customer_name", "amount_reporting", "age_days",
                      "explanation", "recommended_action", "review_status", "decision_id", "currency", "amount",
                      "source_system", "source_record_id", "related_record_id", "exception_id"],
        column_config={
            "amount_reporting": st.column_config.NumberColumn("at risk (reporting)", format="accounting"),
            "amount": st.column_config.NumberColumn("amount (document currency)", format="accounting"),
            "age_days": st.column_config.NumberColumn("age (days)", format="%d"),
            "detected_as_of": DATE,
            "explanation": st.column_config.TextColumn(width="large"),
            "recommended_action": st.column_config.TextColumn(width="large"),
        },
    )
    rows = selection.selection.rows if selection else []
    if rows:  # the full sentences, which a table cell cuts
        picked = shown.iloc[rows[0]]
        decision = f" (decision {picked['decision_id']})" if pd.notna(picked["decision_id"]) else ""
        st.info(f"**{picked['exception_type']}** ({picked['severity']}, {picked['age_days']} days)\n\n"
                f"{picked['explanation']}\n\n**Recommended action:** {picked['recommended_action']}\n\n"
                f"**Review status:** {picked['review_status']}{decision}")
    else:
        st.caption("Select a row to read its full explanation and recommended action.")

    decisions = data.get("decisions")
    if decisions is not None:
        st.subheader("Reviewer decisions")
        st.caption("Every row of the decisions file with what it changed in this run "
                   "(marts.review_decisions): applied, superseded, subject_not_found, invalid or quarantined.")
        st.dataframe(decisions, hide_index=True, key="decision_table",
                     column_config={"decided_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                    "change_description": st.column_config.TextColumn(width="large"),
                                    "comment": st.column_config.TextColumn(width="medium")})


def arr(data: dict[str, object]) -> None:
    st.subheader("ARR by source")
    by_source: pd.DataFrame = data["arr_by_source"]
    st.line_chart(by_source.set_index("month")[["crm_arr", "billing_arr", "erp_arr"]], y_label="ARR")
    bridge: pd.DataFrame = data["arr_bridge"]
    months = sorted(bridge["month"].unique(), reverse=True)
    month = st.selectbox("Bridge month", months, format_func=lambda m: pd.Timestamp(m).strftime("%Y-%m"),
                         key="bridge_month")
    st.subheader("ARR bridge")
    st.caption("From one source's ARR to the next: each step an exception family, a tolerance "
               "or a structural difference; 'unexplained' is what nothing accounts for.")
    for name, column in zip(("crm_to_billing", "billing_to_erp"), st.columns(2)):
        steps = bridge[(bridge["month"] == month) & (bridge["bridge"] == name)]
        column.markdown(f"**{name.replace('_', ' ')}**")
        column.dataframe(steps[["step", "step_kind", "amount", "record_count", "description"]],
                         hide_index=True, column_config={"amount": MONEY})
    st.subheader("ARR by source, per month")
    st.dataframe(by_source.sort_values("month", ascending=False), hide_index=True,
                 column_config={"month": DATE, **{c: MONEY for c in ("crm_arr", "billing_arr", "erp_arr")}})


def unapplied_cash(data: dict[str, object]) -> None:
    summary = data["summary"]
    st.metric("Unapplied cash (reporting currency)",
              queries.format_headline(summary.get("unapplied_cash_reporting"), "money"))
    st.caption("Cash received that neither ERP lettering nor a sure match explains: "
               "'review' awaits a reviewer's decision on proposed applications, "
               "'unapplied' is explained by nothing (the reason says why).")
    money = {c: MONEY for c in ("amount", "unexplained_amount", "review_amount", "unapplied_amount")}
    money["value_date"] = DATE
    st.subheader("By entity and currency (receipt currency)")
    st.dataframe(data["unapplied_by_entity"], hide_index=True, column_config=money)
    st.subheader("Receipts with unexplained cash")
    st.dataframe(data["unapplied_receipts"], hide_index=True,
                 column_config={**money, "unexplained_reason": st.column_config.TextColumn(width="large")})


def main() -> None:
    st.set_page_config(page_title="Reconciliation", layout="wide")
    path = queries.warehouse_path(sys.argv[1:])
    if not path.exists():
        st.error(f"No warehouse at {path}: run `dbt build --profiles-dir profiles` first, or pass "
                 "`-- --duckdb PATH` / set RECON_DUCKDB_PATH.")
        st.stop()
    try:
        data = load(str(path), path.stat().st_mtime_ns)
    except Exception as error:  # a warehouse being written, or without the marts
        st.error(f"Could not read the marts in {path}: {error}")
        st.stop()
    st.title("CRM, billing and ERP reconciliation")
    st.caption(f"As of {queries.as_of_label(data['summary'])} · warehouse {path}")
    tabs = st.tabs(["Overview", "Exceptions", "ARR", "Unapplied cash"])
    with tabs[0]:
        overview(data)
    with tabs[1]:
        exception_list(data)
    with tabs[2]:
        arr(data)
    with tabs[3]:
        unapplied_cash(data)


main()
