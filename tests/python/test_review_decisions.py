"""Reviewer decisions change the next run as documented, and none is lost (issue #9).

The shipped sample, plus one receipt with two readings in review (below), is built
twice into fresh DuckDB files: once with a decisions folder that holds no file (no
decision: the run goes on), once with a decisions file holding every kind of decision,
on subjects picked from the first build (not hard-coded ids), plus a superseded one, one
that does not fit its subject, one whose subject does not exist and two rows that break
the file's layout. The second build must show each decision's documented effect on the
marts, and review_decisions must list every row of the file."""
from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from rectools.dbt import PROJECT_ROOT, run_dbt
from sample_warehouse import sample_warehouse

SAMPLE = PROJECT_ROOT / "sample" / "landing"
TWO_READINGS_RECEIPT = "RCP-TEST-TWO-READINGS"

BUILD = ["build", "--resource-type", "model", "--resource-type", "seed"]
COLUMNS = ["decision_id", "decided_at", "reviewer", "subject_type", "subject_id", "related_subject_id",
           "decision", "comment"]


def _landing_with_a_receipt_in_review(root: Path) -> Path:
    """The sample plus one receipt whose bank reference names two open documents of one
    payer worth more than the receipt: which one it pays is a reviewer's call, so it has
    two readings in review (the sample alone has none to accept). The documents are read
    from a build of the sample (the one scripts/test.sh made, when there is one)."""
    (root / "sample_build").mkdir()
    built = sample_warehouse(root / "sample_build", ("payment_applications",))
    with duckdb.connect(str(built), read_only=True) as con:
        documents = con.execute("""
            with payers as (
                select customer_key, entity, currency
                from intermediate.int_receipts__available_documents
                group by customer_key, entity, currency
                having count(*) >= 2
                order by customer_key, entity, currency
                limit 1
            )
            select open_items.erp_document_number, open_items.erp_customer_id, open_items.entity,
                   open_items.currency, open_items.open_amount
            from intermediate.int_receipts__available_documents as available
            inner join payers using (customer_key, entity, currency)
            inner join intermediate.int_receipts__open_items as open_items using (erp_document_id)
            order by open_items.erp_document_number
            limit 2""").fetchall()
        value_date = con.execute("select max(value_date) from staging.stg_erp__cash_receipts").fetchone()[0]
    assert len(documents) == 2, "the sample has no payer with two open documents"
    landing = root / "landing"
    shutil.copytree(SAMPLE, landing)
    receipts = landing / "erp" / "cash_receipts.csv"
    with receipts.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    (first, customer, entity, currency, amount), (second, *_) = documents
    with receipts.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header, lineterminator="\n").writerow({
            "receipt_id": TWO_READINGS_RECEIPT, "entity": entity, "bank_account": f"{entity}-OPERATING",
            "value_date": value_date.isoformat(), "amount": f"{amount / 2:.2f}", "currency": currency,
            "payer_name": "", "bank_reference": f"{first} {second}", "erp_customer_id": customer,
            "created_at": f"{value_date.isoformat()}T09:00:00Z"})
    return landing


def _build(root, name, landing, decisions_dir):
    path = root / f"{name}.duckdb"
    result = run_dbt([*BUILD, "--target-path", str(root / f"target_{name}"), "--log-path", str(root / "logs")],
                     dbt_vars={"landing_dir": str(landing), "decisions_dir": str(decisions_dir)},
                     duckdb_path=path)
    assert result.returncode == 0, result.stdout[-4000:]
    return path, result.stdout


def _pick_subjects(con):
    """Subjects for each kind of decision, read from a build without decisions."""
    exceptions = [r[0] for r in con.execute(
        "select exception_id from marts.reconciliation_exceptions order by exception_id limit 2").fetchall()]
    # a receipt with two readings in review: accept one, the other must be withdrawn
    accepted, sibling = con.execute("""
        select receipt_id, erp_document_id from marts.payment_applications
        where status = 'proposed_review' and match_method <> 'erp_lettering'
          and receipt_id in (select receipt_id from marts.payment_applications
                             where status = 'proposed_review' group by receipt_id having count(*) = 2)
        order by receipt_id, erp_document_id limit 2""").fetchall()
    assert accepted[0] == sibling[0] == TWO_READINGS_RECEIPT, "the receipt added has not two readings in review"
    rejected = con.execute("""
        select receipt_id, erp_document_id, applied_amount from marts.payment_applications
        where status = 'proposed_auto' order by receipt_id, erp_document_id limit 1""").fetchone()
    # two records of different customers, and the two records of a two-record customer
    to_link = con.execute("""
        select min(source_system || ':' || source_customer_id) from marts.customer_xref
        where source_system = 'crm'
        group by customer_key order by customer_key limit 2""").fetchall()
    to_unlink = con.execute("""
        select source_system || ':' || source_customer_id from marts.customer_xref
        where customer_key = (select customer_key from marts.customer_xref group by customer_key
                              having count(*) = 2 order by customer_key limit 1)
        order by 1""").fetchall()
    assert len(to_link) == 2 and len(to_unlink) == 2
    return {"exceptions": exceptions, "accepted": accepted, "sibling": sibling, "rejected": rejected,
            "to_link": [r[0] for r in to_link], "to_unlink": [r[0] for r in to_unlink]}


def _write_decisions(folder, picked):
    e1, e2 = picked["exceptions"]
    rows = [
        ["D01", "2025-06-27T09:00:00", "ana", "exception", e1, "", "dismiss", "first thought"],
        ["D02", "2025-06-28T09:00:00", "bo", "exception", e1, "", "confirm", "on second look, real"],
        ["D03", "2025-06-28T09:05:00", "bo", "exception", e2, "", "dismiss", "known timing"],
        ["D04", "2025-06-28T10:00:00", "ana", "payment_proposal", *picked["accepted"], "accept", "remittance"],
        ["D05", "2025-06-28T10:05:00", "ana", "payment_proposal", *picked["rejected"][:2], "reject", "wrong payer"],
        ["D06", "2025-06-28T11:00:00", "cy", "customer_pair", *picked["to_link"], "link", "same company"],
        ["D07", "2025-06-28T11:05:00", "cy", "customer_pair", *picked["to_unlink"], "unlink", "two companies"],
        ["D08", "2025-06-28T12:00:00", "cy", "exception", e2, "", "accept", "wrong kind"],
        ["D09", "2025-06-28T12:05:00", "cy", "exception", "no-such-exception", "", "confirm", "stale"],
        ["D10", "last tuesday", "cy", "exception", e1, "", "confirm", "bad time"],
        ["D11", "2025-06-28T12:10:00", "cy", "exception", e1, "", "maybe", "unknown word"],
    ]
    (folder / "review").mkdir(parents=True)
    with open(folder / "review" / "decisions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("decisions")
    (root / "none").mkdir()
    landing = _landing_with_a_receipt_in_review(root)
    before_path, before_log = _build(root, "before", landing, root / "none")
    with duckdb.connect(str(before_path), read_only=True) as con:
        picked = _pick_subjects(con)
    rows = _write_decisions(root / "with", picked)
    after_path, _ = _build(root, "after", landing, root / "with")
    con = duckdb.connect()
    con.execute(f"attach '{before_path}' as before (read_only)")
    con.execute(f"attach '{after_path}' as after (read_only)")
    yield {"con": con, "picked": picked, "rows": rows, "before_log": before_log}
    con.close()


def test_no_decisions_file_means_no_decision(runs):
    con = runs["con"]
    assert "no reviewer decision applied" in runs["before_log"]
    assert con.execute("select count(*) from before.marts.review_decisions").fetchone()[0] == 0
    statuses = con.execute("select distinct review_status from before.marts.reconciliation_exceptions").fetchall()
    assert statuses == [("open",)]


def test_every_row_of_the_file_is_listed_with_its_outcome(runs):
    con = runs["con"]
    listed = dict(con.execute("select decision_id, outcome from after.marts.review_decisions").fetchall())
    assert len(listed) == len(runs["rows"])
    assert listed == {
        "D01": "superseded", "D02": "applied", "D03": "applied", "D04": "applied", "D05": "applied",
        "D06": "applied", "D07": "applied", "D08": "invalid", "D09": "subject_not_found",
        "D10": "quarantined", "D11": "quarantined"}
    quarantined = con.execute("""select record_key from after.marts.quarantine_rows
                                 where source_system = 'review' order by 1""").fetchall()
    assert quarantined == [("D10",), ("D11",)]


def test_exception_decisions_set_the_review_status(runs):
    con = runs["con"]
    e1, e2 = runs["picked"]["exceptions"]
    status = dict(con.execute("select exception_id, review_status from after.marts.reconciliation_exceptions"
                              ).fetchall())
    assert status[e1] == "confirmed"  # the later decision wins over D01's dismiss
    assert status[e2] == "dismissed"  # D08 does not fit an exception and changes nothing
    assert {s for e, s in status.items() if e not in (e1, e2)} == {"open"}
    # a dismissed exception stays listed: the same exceptions as before
    assert con.execute("""select count(*) from (select exception_id from before.marts.reconciliation_exceptions
                          except select exception_id from after.marts.reconciliation_exceptions)""").fetchone()[0] == 0


def test_payment_decisions_accept_and_reject(runs):
    con = runs["con"]
    picked = runs["picked"]
    receipt, document = picked["accepted"]
    accepted = con.execute("""select match_method, status, match_confidence, decision_id
                              from after.marts.payment_applications
                              where receipt_id = ? and erp_document_id = ?""", [receipt, document]).fetchall()
    assert accepted == [("decision", "proposed_auto", Decimal("1"), "D04")]
    # the receipt's other reading in review is withdrawn
    assert con.execute("select count(*) from after.marts.payment_applications where receipt_id = ?",
                       [receipt]).fetchone()[0] == 1
    rejected_receipt, rejected_document, amount = picked["rejected"]
    assert con.execute("""select count(*) from after.marts.payment_applications
                          where receipt_id = ? and erp_document_id = ?""",
                       [rejected_receipt, rejected_document]).fetchone()[0] == 0
    # its cash is no longer applied by the engine: the receipt's sure amount drops by it
    auto = {db: con.execute(f"select auto_amount from {db}.marts.receipt_balances where receipt_id = ?",
                            [rejected_receipt]).fetchone()[0] for db in ("before", "after")}
    assert auto["before"] - auto["after"] == amount


def test_customer_decisions_link_and_unlink(runs):
    con = runs["con"]
    keys = dict(con.execute("select source_system || ':' || source_customer_id, customer_key "
                            "from after.marts.customer_xref").fetchall())
    before = dict(con.execute("select source_system || ':' || source_customer_id, customer_key "
                              "from before.marts.customer_xref").fetchall())
    a, b = runs["picked"]["to_link"]
    assert before[a] != before[b] and keys[a] == keys[b]
    c, d = runs["picked"]["to_unlink"]
    assert before[c] == before[d] and keys[c] != keys[d]
    changes = dict(con.execute("select decision_id, change_description from after.marts.review_decisions"
                               " where decision_id in ('D06', 'D07')").fetchall())
    assert changes["D06"] == f"{a} and {b} are one customer ({keys[a]})"
    assert changes["D07"] == f"{c} and {d} unlinked: customers {keys[c]} and {keys[d]}"
