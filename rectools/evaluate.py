"""Score built marts against the truth folder written by the data generator.

Everything is counted inside DuckDB, so the scoring scales with the warehouse
(customer pairwise F1 is contingency counting, ``sum C(n, 2)``, never a list of
pairs). The warehouse is attached read-only into an in-memory DuckDB session; the
truth CSVs are read there with ``all_varchar`` and joined against the marts.

Each part of the result is ``{"score": float, "note": str | None, "metrics": {...}}``.
``score`` is the part's headline in [0, 1] (F1, or 1 - the worst ARR error); a part
whose mart or truth file is missing scores 0 with a note instead of crashing.

ARR movements have no truth file: they are derived from ``arr_monthly.csv`` with
CONTRACT.md's definition (see ``score_arr_movements``).

Conventions (stated once, used everywhere):

- ids and enums are compared as trimmed strings; ``exception_type``,
  ``source_system``, ``entity``, ``billing_document_type``, ``status`` and
  ``arr_source`` are also lower-cased;
- links and exceptions are sets (a duplicated row counts once); quarantine is a
  multiset (two quarantined rows under one key are two records);
- precision with nothing predicted is 1 when there was nothing to find, else 0;
  recall with nothing to find is 1 (vacuous); F1 is 0 when P + R = 0.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import duckdb

WAREHOUSE = "wh"  # catalog alias of the attached warehouse

# An ARR cell (month, customer group, source) is a mismatch beyond this absolute
# difference in the reporting currency: cent rounding of many lines stays inside.
DEFAULT_ARR_CELL_TOLERANCE = 1.0

ARR_SOURCES = ("crm", "billing", "erp")

MOVEMENT_TYPES = ("new", "expansion", "contraction", "churn", "reactivation")

TRUTH_FILES = {
    "exceptions": "exceptions.csv",
    "customers": "customer_groups.csv",
    "contract_subscription": "contract_subscription_links.csv",
    "invoice_document": "invoice_document_links.csv",
    "receipt_document": "receipt_document_links.csv",
    "quarantine": "quarantine.csv",
    "arr": "arr_monthly.csv",
}


class PartUnavailable(Exception):
    """A part cannot be scored yet (mart not built, truth file missing)."""


# --------------------------------------------------------------------------- scores


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 from counts, with the module's empty-set conventions."""
    tp, fp, fn = int(tp or 0), int(fp or 0), int(fn or 0)
    predicted, actual = tp + fp, tp + fn
    precision = tp / predicted if predicted else (1.0 if actual == 0 else 0.0)
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _is_prf(value: Any) -> bool:
    return isinstance(value, dict) and {"precision", "recall", "f1"} <= set(value)


# --------------------------------------------------------------------------- session


@dataclass
class Session:
    con: duckdb.DuckDBPyConnection
    truth_dir: Path

    def mart(self, name: str) -> str:
        """Qualified name of a built mart, or PartUnavailable."""
        found = self.con.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = ? and table_schema = 'marts' and table_name = ?",
            [WAREHOUSE, name],
        ).fetchone()[0]
        if not found:
            raise PartUnavailable(f"mart marts.{name} not built yet")
        return f'{WAREHOUSE}.marts."{name}"'

    def truth(self, part: str) -> str:
        """Name of a temp view over the truth CSV of a part, or PartUnavailable."""
        filename = TRUTH_FILES[part]
        path = self.truth_dir / filename
        if not path.exists():
            raise PartUnavailable(f"truth file {filename} missing in {self.truth_dir}")
        view = f"truth_{part}"
        literal = str(path).replace("'", "''")
        self.con.execute(
            f"create or replace temp view {view} as "
            f"select * from read_csv('{literal}', header = true, all_varchar = true)"
        )
        return view

    def one(self, sql: str) -> tuple:
        return self.con.execute(sql).fetchone()


def _open(truth_dir: Path, duckdb_path: Path) -> Session:
    con = duckdb.connect()
    literal = str(duckdb_path).replace("'", "''")
    con.execute(f"attach '{literal}' as {WAREHOUSE} (read_only)")
    return Session(con=con, truth_dir=truth_dir)


def _set_counts(session: Session, truth_sql: str, pred_sql: str, cols: Iterable[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of two relations treated as sets over ``cols``."""
    cols = list(cols)
    listed = ", ".join(cols)
    on = " and ".join(f"t.{c} is not distinct from p.{c}" for c in cols)
    return session.one(
        f"""
        with t as (select distinct {listed}, true as in_truth from ({truth_sql})),
             p as (select distinct {listed}, true as in_pred from ({pred_sql}))
        select count(*) filter (where in_truth and in_pred),
               count(*) filter (where in_pred and in_truth is null),
               count(*) filter (where in_truth and in_pred is null)
        from t full outer join p on {on}
        """
    )


def _clean(expr: str, lower: bool = False) -> str:
    cleaned = f"nullif(trim(cast({expr} as varchar)), '')"
    return f"lower({cleaned})" if lower else cleaned


# --------------------------------------------------------------------------- parts


def score_exceptions(session: Session) -> dict:
    truth = session.truth("exceptions")
    mart = session.mart("reconciliation_exceptions")
    cols = (
        f"{_clean('exception_type', True)} as exception_type, "
        f"{_clean('source_system', True)} as source_system, "
        f"{_clean('source_record_id')} as source_record_id"
    )
    rows = session.con.execute(
        f"""
        with t as (select distinct {cols} from {truth}),
             p as (select distinct {cols} from {mart})
        select coalesce(t.exception_type, p.exception_type) as exception_type,
               count(*) filter (where t.exception_type is not null and p.exception_type is not null) as tp,
               count(*) filter (where t.exception_type is null) as fp,
               count(*) filter (where p.exception_type is null) as fn
        from t full outer join p
          on t.exception_type = p.exception_type
         and t.source_system is not distinct from p.source_system
         and t.source_record_id is not distinct from p.source_record_id
        group by 1 order by 1
        """
    ).fetchall()
    by_type = {str(kind): prf(tp, fp, fn) for kind, tp, fp, fn in rows}
    micro = prf(sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))
    return {"score": micro["f1"], "metrics": {"micro": micro, "by_type": by_type}}


def score_customers(session: Session) -> dict:
    """Pairwise F1 of the customer grouping by contingency counting."""
    truth = session.truth("customers")
    mart = session.mart("customer_xref")
    truth_pairs, pred_pairs, tp, n_truth, n_pred, n_common = session.one(
        f"""
        with t as (
            select distinct {_clean('source_system', True)} as source_system,
                   {_clean('source_customer_id')} as source_customer_id,
                   {_clean('group_id')} as label
            from {truth}),
        p as (
            select distinct {_clean('source_system', True)} as source_system,
                   {_clean('source_customer_id')} as source_customer_id,
                   {_clean('customer_key')} as label
            from {mart}),
        both_sides as (
            select t.label as t_label, p.label as p_label
            from t join p using (source_system, source_customer_id)),
        t_sizes as (select count(*)::hugeint as n from t group by label),
        p_sizes as (select count(*)::hugeint as n from p group by label),
        cells as (select count(*)::hugeint as n from both_sides group by t_label, p_label)
        select
            (select coalesce(sum(n * (n - 1) / 2), 0) from t_sizes),
            (select coalesce(sum(n * (n - 1) / 2), 0) from p_sizes),
            (select coalesce(sum(n * (n - 1) / 2), 0) from cells),
            (select count(*) from t), (select count(*) from p), (select count(*) from both_sides)
        """
    )
    counts = prf(int(tp), int(pred_pairs) - int(tp), int(truth_pairs) - int(tp))
    notes = None
    if n_common < n_truth:
        notes = f"{n_truth - n_common} truth records absent from customer_xref (scored as singletons)"
    return {
        "score": counts["f1"],
        "note": notes,
        "metrics": {
            "pairwise": counts,
            "truth_records": int(n_truth),
            "xref_records": int(n_pred),
            "records_in_both": int(n_common),
        },
    }


def score_contract_subscription(session: Session) -> dict:
    truth = session.truth("contract_subscription")
    mart = session.mart("contract_subscription_matches")
    cols = f"{_clean('crm_contract_id')} as crm_contract_id, {_clean('subscription_id')} as subscription_id"
    counts = prf(*_set_counts(
        session, f"select {cols} from {truth}", f"select {cols} from {mart}",
        ["crm_contract_id", "subscription_id"],
    ))
    return {"score": counts["f1"], "metrics": {"links": counts}}


def score_invoice_document(session: Session) -> dict:
    truth = session.truth("invoice_document")
    mart = session.mart("invoice_matches")
    cols = (
        f"{_clean('billing_document_type', True)} as billing_document_type, "
        f"{_clean('billing_document_id')} as billing_document_id, "
        f"{_clean('erp_document_id')} as erp_document_id"
    )
    counts = prf(*_set_counts(
        session, f"select {cols} from {truth}", f"select {cols} from {mart}",
        ["billing_document_type", "billing_document_id", "erp_document_id"],
    ))
    return {"score": counts["f1"], "metrics": {"links": counts}}


def score_receipt_document(session: Session) -> dict:
    """Existing + proposed_auto applications against the truth; proposed_auto alone too."""
    truth = session.truth("receipt_document")
    mart = session.mart("payment_applications")
    cols = f"{_clean('receipt_id')} as receipt_id, {_clean('erp_document_id')} as erp_document_id"
    status = _clean("status", True)
    truth_sql = f"select {cols} from {truth}"
    counts = prf(*_set_counts(
        session, truth_sql,
        f"select {cols} from {mart} where {status} in ('existing', 'proposed_auto')",
        ["receipt_id", "erp_document_id"],
    ))
    auto_tp, auto_fp, _ = _set_counts(
        session, truth_sql, f"select {cols} from {mart} where {status} = 'proposed_auto'",
        ["receipt_id", "erp_document_id"],
    )
    auto = prf(auto_tp, auto_fp, 0)
    return {
        "score": counts["f1"],
        "metrics": {
            "links": counts,
            "proposed_auto_precision": auto["precision"],
            "proposed_auto_rows": int(auto_tp + auto_fp),
        },
    }


def score_quarantine(session: Session) -> dict:
    """Multiset match on (source_system, entity, record_key)."""
    truth = session.truth("quarantine")
    mart = session.mart("quarantine_rows")
    cols = (
        f"{_clean('source_system', True)} as source_system, "
        f"{_clean('entity', True)} as entity, "
        f"{_clean('record_key')} as record_key"
    )
    numbered = (
        "select *, row_number() over (partition by source_system, entity, record_key) as occurrence "
        "from (select {cols} from {rel})"
    )
    tp, fp, fn = session.one(
        f"""
        with t as ({numbered.format(cols=cols, rel=truth)}),
             p as ({numbered.format(cols=cols, rel=mart)})
        select count(*) filter (where t.occurrence is not null and p.occurrence is not null),
               count(*) filter (where t.occurrence is null),
               count(*) filter (where p.occurrence is null)
        from t full outer join p
          on t.source_system is not distinct from p.source_system
         and t.entity is not distinct from p.entity
         and t.record_key is not distinct from p.record_key
         and t.occurrence = p.occurrence
        """
    )
    counts = prf(tp, fp, fn)
    return {"score": counts["f1"], "metrics": {"rows": counts}}


def _relative_error(pred: float, truth: float) -> float:
    """|pred - truth| / |truth|; with a zero truth, 0 if pred is zero too, else 1."""
    if truth == 0:
        return 0.0 if abs(pred) < 1e-9 else 1.0
    return abs(pred - truth) / abs(truth)


def _arr_truth_view(session: Session) -> str:
    """Temp view ``arr_truth`` (month, group_id, arr_source, arr) over ``arr_monthly.csv``."""
    truth = session.truth("arr")
    session.con.execute(
        f"""
        create or replace temp view arr_truth as
        select cast(trim(month) as date) as month, {_clean('group_id')} as group_id,
               {_clean('arr_source', True)} as arr_source,
               coalesce(cast(nullif(trim(arr), '') as double), 0) as arr
        from {truth}
        """
    )
    return "arr_truth"


def _arr_key_group_view(session: Session) -> str:
    """Temp view ``arr_key_group`` (customer_key, group_id): each customer key of
    ``customer_xref`` goes to the truth group holding most of its source records (ties
    to the smallest group_id). PartUnavailable without the xref or the truth groups."""
    xref = session.mart("customer_xref")
    groups = session.truth("customers")
    session.con.execute(
        f"""
        create or replace temp view arr_key_group as
        with votes as (
            select {_clean('x.customer_key')} as customer_key, {_clean('g.group_id')} as group_id,
                   count(*) as n
            from {xref} x join {groups} g
              on {_clean('x.source_system', True)} = {_clean('g.source_system', True)}
             and {_clean('x.source_customer_id')} = {_clean('g.source_customer_id')}
            group by 1, 2)
        select customer_key, group_id from votes
        qualify row_number() over (partition by customer_key order by n desc, group_id) = 1
        """
    )
    return "arr_key_group"


def score_arr(session: Session, cell_tolerance: float = DEFAULT_ARR_CELL_TOLERANCE) -> dict:
    _arr_truth_view(session)
    mart = session.mart("arr_by_customer_month")
    session.con.execute(
        f"""
        create or replace temp view arr_pred as
        select cast(month as date) as month, {_clean('customer_key')} as customer_key,
               arr_source, coalesce(cast(arr as double), 0) as arr
        from (select month, customer_key, 'crm' as arr_source, crm_arr as arr from {mart}
              union all
              select month, customer_key, 'billing', billing_arr from {mart}
              union all
              select month, customer_key, 'erp', erp_arr from {mart})
        """
    )
    metrics: dict[str, Any] = {}
    worst = 0.0
    for source in ARR_SOURCES:
        rows = session.con.execute(
            """
            with t as (select month, sum(arr) as arr from arr_truth where arr_source = ? group by 1),
                 p as (select month, sum(arr) as arr from arr_pred where arr_source = ? group by 1)
            select coalesce(p.arr, 0), coalesce(t.arr, 0)
            from t full outer join p using (month)
            """,
            [source, source],
        ).fetchall()
        errors = [_relative_error(p, t) for p, t in rows]
        max_err = max(errors) if errors else 0.0
        metrics[source] = {
            "months": len(errors),
            "max_rel_error": max_err,
            "mean_rel_error": sum(errors) / len(errors) if errors else 0.0,
        }
        worst = max(worst, max_err)

    note = None
    try:
        _arr_key_group_view(session)
        mismatched, compared = session.one(
            f"""
            with p as (
                select month, coalesce(k.group_id, 'unmapped:' || p.customer_key) as group_id,
                       arr_source, sum(arr) as arr
                from arr_pred p left join arr_key_group k using (customer_key)
                group by all),
            t as (select month, group_id, arr_source, sum(arr) as arr from arr_truth group by all),
            cells as (
                select coalesce(p.arr, 0) as p_arr, coalesce(t.arr, 0) as t_arr
                from t full outer join p using (month, group_id, arr_source))
            select count(*) filter (where abs(p_arr - t_arr) > {float(cell_tolerance)}),
                   count(*) filter (where p_arr <> 0 or t_arr <> 0)
            from cells
            """
        )
        metrics["customer_month_mismatches"] = int(mismatched)
        metrics["customer_month_cells"] = int(compared)
        metrics["customer_month_tolerance"] = float(cell_tolerance)
    except PartUnavailable as exc:
        note = f"customer-month mismatches not scored: {exc}"
    return {"score": max(0.0, 1.0 - min(1.0, worst)), "note": note, "metrics": metrics}


def score_arr_movements(session: Session, cell_tolerance: float = DEFAULT_ARR_CELL_TOLERANCE) -> dict:
    """Movements of ``arr_movements`` against movements derived from the ARR truth.

    The truth's movements follow CONTRACT.md per (group_id, arr_source), month over
    month, on a spine from the group-source's first month in ``arr_monthly.csv`` to the
    last month of the whole file (a month without a row is 0, so a source dropping to
    zero gets its churn month). "Zero" reads as "not above zero" (net ERP credits are
    below zero): ``new`` from not above zero to above zero, never above zero before;
    ``reactivation`` the same with a month above zero before; ``churn`` from above
    zero to not above zero; ``expansion`` / ``contraction`` up / down otherwise. The
    contract names no type for a change between two values not above zero (a month of
    net ERP credits after a month without revenue); the project reads it as expansion
    when up and contraction when down, so every change has a type and opening +
    movements = closing (DECISIONLOG, ARR). ``arr_change`` is closing - opening.

    Predicted rows map customer_key to group_id as ``score_arr`` does (unmapped keys
    stay their own cell). Each truth movement is matched by at most one predicted row
    of its cell (month, group_id, arr_source); a match is a true positive when the
    movement_type is the same and the arr_change differs by at most ``cell_tolerance``.
    Every other predicted row is a false positive (of its predicted type), every other
    truth movement a false negative (of its true type).
    """
    _arr_truth_view(session)
    mart = session.mart("arr_movements")
    _arr_key_group_view(session)
    tolerance = float(cell_tolerance)
    session.con.execute(
        """
        create or replace temp view arr_truth_movements as
        with cells as (
            select month, group_id, arr_source, cast(sum(arr) as decimal(38, 6)) as arr
            from arr_truth group by all),
        bounds as (
            select group_id, arr_source, min(month) as first_month,
                   (select max(month) from cells) as last_month
            from cells group by all),
        spine as (
            select group_id, arr_source,
                   cast(unnest(generate_series(cast(first_month as timestamp), cast(last_month as timestamp),
                                               interval 1 month)) as date) as month
            from bounds),
        history as (
            select s.month, s.group_id, s.arr_source, coalesce(c.arr, 0) as closing_arr
            from spine s left join cells c using (month, group_id, arr_source)),
        with_opening as (
            select *,
                   coalesce(lag(closing_arr) over w, 0) as opening_arr,
                   coalesce(bool_or(closing_arr > 0) over (w rows between unbounded preceding and 1 preceding),
                            false) as above_zero_before
            from history
            window w as (partition by group_id, arr_source order by month))
        select month, group_id, arr_source, opening_arr, closing_arr,
               cast(closing_arr - opening_arr as double) as arr_change,
               case
                   when opening_arr <= 0 and closing_arr > 0 and above_zero_before then 'reactivation'
                   when opening_arr <= 0 and closing_arr > 0 then 'new'
                   when opening_arr > 0 and closing_arr <= 0 then 'churn'
                   when closing_arr > opening_arr then 'expansion'
                   when closing_arr < opening_arr then 'contraction'
               end as movement_type
        from with_opening
        """
    )
    session.con.execute(
        f"""
        create or replace temp view arr_pred_movements as
        select distinct cast(m.month as date) as month,
               coalesce(k.group_id, 'unmapped:' || {_clean('m.customer_key')}) as group_id,
               {_clean('m.arr_source', True)} as arr_source,
               {_clean('m.movement_type', True)} as movement_type,
               cast(m.arr_change as double) as arr_change,
               {_clean('m.customer_key')} as customer_key
        from {mart} m left join arr_key_group k on k.customer_key = {_clean('m.customer_key')}
        """
    )
    rows = session.con.execute(
        f"""
        with t as (
            select month, group_id, arr_source, movement_type, arr_change
            from arr_truth_movements where movement_type is not null),
        p as (
            select *, row_number() over (
                       partition by month, group_id, arr_source
                       order by movement_type is not distinct from t_type and abs(arr_change - t_change)
                                <= {tolerance} desc,
                                movement_type is not distinct from t_type desc,
                                abs(arr_change - t_change) nulls last, customer_key) as rank_in_cell
            from (select p.*, t.movement_type as t_type, t.arr_change as t_change
                  from arr_pred_movements p left join t using (month, group_id, arr_source))),
        -- the best predicted row of a cell faces the truth movement; any other is extra
        paired as (
            select t.movement_type as t_type, t.arr_change as t_change,
                   p.movement_type as p_type, p.arr_change as p_change
            from t full outer join (select * from p where rank_in_cell = 1) p
              using (month, group_id, arr_source)
            union all
            select null, null, movement_type, arr_change from p where rank_in_cell > 1),
        judged as (
            select *, t_type is not null and p_type is not null and t_type = p_type
                      and abs(p_change - t_change) <= {tolerance} as hit
            from paired)
        select kind,
               count(*) filter (where hit and t_type = kind) as tp,
               count(*) filter (where not coalesce(hit, false) and p_type = kind) as fp,
               count(*) filter (where not coalesce(hit, false) and t_type = kind) as fn,
               count(*) filter (where t_type = kind and p_type is not null and p_type <> kind) as wrong_type,
               count(*) filter (where t_type = kind and p_type = kind and not hit) as wrong_amount
        from judged cross join (select unnest(?) as kind) kinds
        group by kind
        """,
        [list(MOVEMENT_TYPES)],
    ).fetchall()
    by_row = {kind: (0, 0, 0, 0, 0) for kind in MOVEMENT_TYPES}
    by_row.update({kind: tuple(int(n) for n in counts) for kind, *counts in rows})
    unknown = session.one(
        f"select count(*) from arr_pred_movements "
        f"where movement_type is null or movement_type not in {tuple(MOVEMENT_TYPES)}"
    )[0]
    by_type = {kind: prf(*by_row[kind][:3]) for kind in MOVEMENT_TYPES}
    micro = prf(
        sum(v[0] for v in by_row.values()),
        sum(v[1] for v in by_row.values()) + int(unknown),
        sum(v[2] for v in by_row.values()),
    )
    truth_moves, changes_not_above_zero = session.one(
        "select count(*) filter (where movement_type is not null), "
        "count(*) filter (where opening_arr <= 0 and closing_arr <= 0 and movement_type is not null) "
        "from arr_truth_movements"
    )
    return {
        "score": micro["f1"],
        "metrics": {
            "micro": micro,
            "by_type": by_type,
            "wrong_type": sum(v[3] for v in by_row.values()),
            "wrong_amount": sum(v[4] for v in by_row.values()),
            "truth_movements": int(truth_moves),
            "predicted_movements": int(session.one("select count(*) from arr_pred_movements")[0]),
            "truth_moves_not_above_zero": int(changes_not_above_zero),
            "tolerance": tolerance,
        },
    }


def score_arr_bridge(session: Session) -> dict:
    """How much of the ARR gaps ``arr_bridge`` leaves unexplained.

    No truth file is needed: on generated data every gap is injected, so the bridge's
    ``unexplained`` steps should be 0. Per bridge: the months, the months with a
    non-zero unexplained step, the sum of |unexplained| and of |gap| (|opening -
    closing|), and months where opening + steps != closing. Score: 1 - sum|unexplained|
    / sum|gap| over both bridges (1 when nothing is unexplained), 0 if a bridge does not
    add up.
    """
    mart = session.mart("arr_bridge")
    rows = session.con.execute(
        f"""
        with months as (
            select bridge, month,
                   sum(amount) filter (where step_kind = 'opening') as opening_arr,
                   sum(amount) filter (where step_kind = 'closing') as closing_arr,
                   sum(amount) filter (where step_kind not in ('opening', 'closing')) as steps_arr,
                   sum(amount) filter (where step_kind = 'unexplained') as unexplained_arr
            from {mart} group by all)
        select bridge, count(*),
               count(*) filter (where coalesce(unexplained_arr, 0) <> 0),
               sum(abs(coalesce(unexplained_arr, 0))),
               sum(abs(coalesce(opening_arr, 0) - coalesce(closing_arr, 0))),
               count(*) filter (where coalesce(opening_arr, 0) + coalesce(steps_arr, 0)
                                     <> coalesce(closing_arr, 0))
        from months group by bridge order by bridge
        """
    ).fetchall()
    metrics: dict[str, Any] = {}
    unexplained_total = gap_total = 0.0
    unbalanced = 0
    for bridge, months, months_unexplained, unexplained, gap, not_adding_up in rows:
        metrics[bridge] = {
            "months": int(months),
            "months_with_unexplained": int(months_unexplained),
            "unexplained_abs": float(unexplained or 0),
            "gap_abs": float(gap or 0),
            "months_not_adding_up": int(not_adding_up),
        }
        unexplained_total += float(unexplained or 0)
        gap_total += float(gap or 0)
        unbalanced += int(not_adding_up)
    if unbalanced:
        score = 0.0
    else:
        score = 1.0 if gap_total == 0 else max(0.0, 1.0 - unexplained_total / gap_total)
    return {"score": score, "metrics": metrics}


# Where a chain that carries each of these exceptions must stop in quote_to_cash_trace
# (issue #10): exception type -> (trace column holding its record, stop stage).
TRACE_STOPS = {
    "billing_without_contract": ("subscription_id", "contract"),
    "contract_not_billed": ("crm_contract_id", "subscription"),
    "invoice_not_posted": ("invoice_id", "erp_posting"),
    "revenue_not_recognized": ("invoice_id", "revenue_recognition"),
}


def score_trace(session: Session) -> dict:
    """Share of the truth's chain-breaking exceptions whose trace rows all stop at the
    stage the exception breaks (a missing posting stops at erp_posting, and so on). A
    record with no trace row, or a row stopping elsewhere, counts against it."""
    truth = session.truth("exceptions")
    mart = session.mart("quote_to_cash_trace")
    checks = " union all ".join(
        f"select '{kind}' as exception_type, {_clean(column)} as record_id, stops_at "
        f"from {mart} where {column} is not null"
        for kind, (column, _) in TRACE_STOPS.items())
    expected = " union all ".join(f"select '{kind}' as exception_type, '{stage}' as stage"
                                  for kind, (_, stage) in TRACE_STOPS.items())
    rows = session.con.execute(
        f"""
        with t as (select distinct {_clean('exception_type', True)} as exception_type,
                          {_clean('source_record_id')} as record_id from {truth}),
             expected as ({expected}),
             traced as ({checks}),
             judged as (
                select t.exception_type, t.record_id,
                       count(traced.stops_at) > 0
                       and count(*) filter (where traced.stops_at <> expected.stage) = 0 as agrees
                from t
                join expected on t.exception_type = expected.exception_type
                left join traced on t.exception_type = traced.exception_type and t.record_id = traced.record_id
                group by t.exception_type, t.record_id)
        select exception_type, count(*) filter (where agrees), count(*) from judged group by 1 order by 1
        """
    ).fetchall()
    by_type = {kind: {"agree": int(agree), "records": int(total), "share": agree / total}
               for kind, agree, total in rows}
    agree, total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    if not total:
        return {"score": 1.0, "note": "no chain-breaking exception in the truth", "metrics": {"records": 0}}
    return {"score": agree / total, "metrics": {"agree": agree, "records": total, "by_type": by_type}}


PARTS: dict[str, Callable[[Session], dict]] = {
    "exceptions": score_exceptions,
    "customers": score_customers,
    "contract_subscription": score_contract_subscription,
    "invoice_document": score_invoice_document,
    "receipt_document": score_receipt_document,
    "quarantine": score_quarantine,
    "arr": score_arr,
    "arr_movements": score_arr_movements,
    "arr_bridge": score_arr_bridge,
    "trace": score_trace,
}


# --------------------------------------------------------------------------- api


def evaluate(
    truth_dir: str | Path,
    duckdb_path: str | Path,
    progress: Callable | None = None,
    arr_tolerance: float = DEFAULT_ARR_CELL_TOLERANCE,
) -> dict:
    """Score every part; returns ``{part: {"score", "note", "metrics"}}`` plus ``meta``.

    ``progress`` may wrap the iterable of part names (e.g. ``tqdm``).
    Raises FileNotFoundError when the truth folder or the DuckDB file is missing.
    """
    truth_dir, duckdb_path = Path(truth_dir), Path(duckdb_path)
    if not truth_dir.is_dir():
        raise FileNotFoundError(f"truth folder not found: {truth_dir}")
    if not duckdb_path.exists():
        raise FileNotFoundError(f"DuckDB file not found: {duckdb_path}")
    manifest_path = truth_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None

    session = _open(truth_dir, duckdb_path)
    results: dict[str, Any] = {}
    names = list(PARTS)
    try:
        for name in progress(names) if progress else names:
            try:
                options = {"cell_tolerance": arr_tolerance} if name in ("arr", "arr_movements") else {}
                part = PARTS[name](session, **options)
            except PartUnavailable as exc:
                part = {"score": 0.0, "note": str(exc), "metrics": {}}
            except duckdb.Error as exc:  # a mart with missing/renamed columns, bad truth...
                first_line = str(exc).strip().splitlines()[0]
                part = {"score": 0.0, "note": f"could not score: {first_line}", "metrics": {}}
            part.setdefault("note", None)
            results[name] = {"score": part["score"], "note": part["note"], "metrics": part["metrics"]}
    finally:
        session.con.close()
    results["meta"] = {
        "truth_dir": str(truth_dir),
        "duckdb_path": str(duckdb_path),
        "manifest": manifest,
    }
    return results


# --------------------------------------------------------------------------- report


def _fmt(value: Any) -> str:
    if _is_prf(value):
        return (
            f"P {value['precision']:.4f}  R {value['recall']:.4f}  F1 {value['f1']:.4f}  "
            f"(tp {value['tp']}, fp {value['fp']}, fn {value['fn']})"
        )
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _flatten(prefix: str, metrics: dict) -> list[tuple[str, str]]:
    rows = []
    for key, value in metrics.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and not _is_prf(value):
            rows.extend(_flatten(name, value))
        else:
            rows.append((name, _fmt(value)))
    return rows


def report_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """(part, metric, value, note) rows, the score first for each part."""
    rows = []
    for part, result in results.items():
        if part == "meta":
            continue
        rows.append((part, "score", _fmt(float(result["score"])), result.get("note") or ""))
        rows.extend((part, metric, value, "") for metric, value in _flatten("", result["metrics"]))
    return rows


def format_report(results: dict) -> str:
    header = ("part", "metric", "value", "note")
    rows = [header] + report_rows(results)
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row[:3])) + "  " + row[3])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(line.rstrip() for line in lines)
