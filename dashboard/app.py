"""Finance's reconciliation dashboard (Streamlit), over the marts dbt builds.

Run from the project root:

    streamlit run dashboard/app.py --browser.gatherUsageStats false -- --duckdb warehouse.duckdb

(or set RECON_DUCKDB_PATH). Six tabs: overview, exception list, ARR, unapplied cash,
the quote-to-cash trace of one id (marts.quote_to_cash_trace) and the month-end close
metrics with their trends (marts.close_metrics_monthly).
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


@st.cache_data(show_spinner="Searching the chains...", max_entries=64)
def search(path: str, modified_ns: int, text: str) -> dict[str, object]:
    """The chains one id belongs to, read on demand (cached per warehouse version)."""
    del modified_ns  # only a cache key
    return queries.search_trace(Path(path), text)


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


STOP_COLOURS = {"stops here": "background-color: #fde0dc; font-weight: bold",
                "not reached": "color: #999999", "not part of this chain": "color: #999999"}


def _trace_label(chain: pd.Series) -> str:
    customer = chain["invoice_id"] if isinstance(chain["invoice_id"], str) else chain["crm_contract_line_ids"]
    return f"{chain['trace_id']} · stops at {chain['stops_at']} · {chain['billing_entity'] or ''} {customer or ''}"


def trace(data: dict[str, object], path: Path) -> None:
    stops: pd.DataFrame | None = data.get("trace_stops")
    if stops is None:
        st.caption("No marts.quote_to_cash_trace in this warehouse (built before issue #10).")
        return
    st.caption("Every deal followed from the opportunity to the cash (marts.quote_to_cash_trace): one chain "
               "per billing invoice and one per contract line no invoice ever billed. A chain stops at its "
               "first stage not reached, or is complete.")
    query = st.text_input("Trace an id: opportunity, contract, contract line, subscription, invoice, invoice "
                          "number, ERP document, receipt or exception", key="trace_query",
                          placeholder="e.g. OPP-0000039, INV-0000109, INV-2025-0000109, RCP-0000087").strip()
    if query:
        trace_chain(path, query)
    else:
        st.caption("Enter an id to see its chain with dates, gaps and open exceptions.")

    st.subheader("Where the chains stop")
    by_stop = (stops.pivot_table(index="stops_at", columns="chain_starts_at", values="chains",
                                 aggfunc="sum", fill_value=0)
               .reindex(index=queries.STOPS_ORDER, fill_value=0).rename_axis("stops at")
               .rename(columns=lambda c: f"chains starting at {c}"))
    left, right = st.columns(2)
    left.dataframe(by_stop, key="trace_stops", column_config={c: COUNT for c in by_stop.columns})
    right.bar_chart(by_stop, horizontal=True, stack=True, sort=False, x_label="", y_label="chains",
                    height=35 * (len(by_stop) + 1) + 3)
    st.caption("A one-off invoice (no subscription) has no deal behind it: its chain starts at the invoice. "
               "A stage not yet due (an invoice issued yesterday) is still where the chain stops today.")


def trace_chain(path: Path, query: str) -> None:
    found = search(str(path), path.stat().st_mtime_ns, query)
    chains: pd.DataFrame = found["chains"]
    if chains.empty:
        st.warning(f"No chain holds the id {query}.")
        return
    shown = f", the first {len(chains)} shown" if found["matched"] > len(chains) else ""
    st.markdown(f"**{found['matched']:,} chain{'s hold' if found['matched'] != 1 else ' holds'} {query}**{shown}")
    st.dataframe(
        chains, hide_index=True, key="trace_chains",
        column_order=["trace_id", "stops_at", "chain_starts_at", "opportunity_id", "crm_contract_id",
                      "crm_contract_line_ids", "subscription_id", "invoice_id", "invoice_number", "invoice_status",
                      "erp_document_ids", "receipt_ids", "billing_entity", "currency", "invoice_total",
                      "amount_due", "cash_applied_amount", "open_exception_count"],
        column_config={**{c: MONEY for c in ("invoice_total", "amount_due", "cash_applied_amount")},
                       "open_exception_count": st.column_config.NumberColumn("open exceptions", format="%d")},
        height=min(35 * (len(chains) + 1) + 3, 300),
    )
    by_id = chains.set_index("trace_id", drop=False)
    picked = st.selectbox("Chain", list(by_id.index), key=f"trace_pick:{query}",
                          format_func=lambda trace_id: _trace_label(by_id.loc[trace_id]))
    chain = by_id.loc[picked]
    stop = chain["stops_at"]
    if stop == "complete":
        st.success(f"Chain {picked} is complete: from {chain['chain_starts_at']} to revenue recognition.")
    else:
        st.error(f"Chain {picked} stops at {stop}.")
    stages = queries.trace_stages(chain)
    st.dataframe(
        stages.style.apply(lambda row: [STOP_COLOURS.get(row["status"], "")] * len(row), axis=1),
        hide_index=True, key="trace_stages",
        column_config={"date": DATE, "days": st.column_config.NumberColumn("days", format="%d"),
                       "days since": st.column_config.TextColumn("counted from")},
    )
    st.caption("Days are the mart's latencies: each from the stage named beside it "
               "(revenue recognition counts from the ERP posting).")
    exceptions: pd.DataFrame = found["exceptions"]
    exceptions = exceptions[exceptions["trace_id"] == picked].drop(columns="trace_id")
    st.subheader(f"Open exceptions on this chain: {len(exceptions)}")
    if exceptions.empty:
        st.caption("No open exception on any record of this chain.")
        return
    st.dataframe(exceptions, hide_index=True, key="trace_exceptions",
                 column_config={"amount_reporting": st.column_config.NumberColumn("at risk (reporting)",
                                                                                  format="accounting"),
                                "explanation": st.column_config.TextColumn(width="large"),
                                "recommended_action": st.column_config.TextColumn(width="large")})
    for row in exceptions.itertuples():
        st.info(f"**{row.exception_type or 'exception'}** {row.exception_id} ({row.severity}, "
                f"{row.review_status}) on {row.source_entity} {row.source_record_id}\n\n"
                f"{row.explanation}\n\n**Recommended action:** {row.recommended_action}")


ALL_ENTITIES = "All entities"
TRENDS = [("dso_days", "DSO (days)"), ("exceptions_per_1000_invoices", "Exceptions per 1,000 invoices"),
          ("touchless_share", "Touchless share"), ("posted_share", "Posted share")]


def close_metrics(data: dict[str, object]) -> None:
    metrics: pd.DataFrame | None = data.get("close_metrics")
    if metrics is None:
        st.caption("No marts.close_metrics_monthly in this warehouse (built before issue #10).")
        return
    entities = sorted(metrics["billing_entity"].unique())
    entity = st.selectbox("Billing entity", [ALL_ENTITIES, *entities], key="close_entity")
    shown = metrics if entity == ALL_ENTITIES else metrics[metrics["billing_entity"] == entity]
    # the mart's figures are per entity: with every entity, each keeps its own column
    # or line (a ratio summed over entities would be a new, wrong metric)
    latest = shown["month"].max()
    st.subheader(f"Latest month: {pd.Timestamp(latest):%Y-%m}")
    rows = shown[shown["month"] == latest].set_index("billing_entity").sort_index()
    figures = pd.DataFrame(
        {name: [queries.format_headline(row[f.column], f.kind) for f in queries.CLOSE_FIGURES]
         for name, row in rows.iterrows()},
        index=pd.Index([f.label for f in queries.CLOSE_FIGURES], name="figure"),
    )
    st.table(figures)
    st.caption("marts.close_metrics_monthly as it is, one column per billing entity; money in the reporting "
               "currency at the month's rate. Each figure counts its own event's month (an invoice by its "
               "issue date, an exception by its event date, a receipt by its value date).")

    st.subheader("Trends")
    by_month = shown.sort_values("month")

    def per_entity(column: str) -> pd.DataFrame:
        return by_month.pivot(index="month", columns="billing_entity", values=column)

    cells = st.columns(2) + st.columns(2) + st.columns(2)
    for cell, (column, label) in zip(cells, TRENDS):
        with cell:
            st.markdown(f"**{label}**")
            st.line_chart(per_entity(column), y_label=label, x_label="", height=260)
    latency = pd.concat({"median": per_entity("issue_to_posting_days_median"),
                         "p90": per_entity("issue_to_posting_days_p90")}, axis=1)
    latency.columns = [f"{e} {stat}" for stat, e in latency.columns]
    with cells[4]:
        st.markdown("**Issue to posting (days): median and p90**")
        st.line_chart(latency, y_label="days", x_label="", height=260)
    with cells[5]:
        st.markdown("**Items sent to review**")
        st.line_chart(per_entity("items_sent_to_review"), y_label="items", x_label="", height=260)

    st.subheader("Every month")
    st.dataframe(
        shown, hide_index=True, key="close_table",
        column_config={
            "month": st.column_config.DateColumn(format="YYYY-MM"),
            **{c: MONEY for c in ("open_receivable_reporting", "billed_trailing_90_days_reporting",
                                  "revenue_at_risk_reporting", "unapplied_cash_reporting")},
            **{c: st.column_config.NumberColumn(format="percent")
               for c in ("posted_share", "touchless_share")},
            **{c: st.column_config.NumberColumn(format="%.1f")
               for c in ("issue_to_posting_days_median", "issue_to_posting_days_p90",
                         "signed_to_first_invoice_days_median", "dso_days")},
            "exceptions_per_1000_invoices": st.column_config.NumberColumn(format="%.2f"),
        },
    )


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
    tabs = st.tabs(["Overview", "Exceptions", "ARR", "Unapplied cash", "Trace", "Close metrics"])
    with tabs[0]:
        overview(data)
    with tabs[1]:
        exception_list(data)
    with tabs[2]:
        arr(data)
    with tabs[3]:
        unapplied_cash(data)
    with tabs[4]:
        trace(data, path)
    with tabs[5]:
        close_metrics(data)


main()
