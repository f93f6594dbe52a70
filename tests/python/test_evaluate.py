"""Scores of rectools.evaluate on a hand-made truth folder and warehouse.

Every expected number below is counted by hand from the rows in the fixtures.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rectools.evaluate import evaluate, format_report, prf  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import evaluate as evaluate_cli  # noqa: E402  (scripts/evaluate.py)

TRUTH = {
    "exceptions.csv": """exception_type,source_system,source_record_id
contract_not_billed,crm,C1
contract_not_billed,crm,C2
invoice_not_posted,billing,I1
unapplied_cash,erp,R1
""",
    # g1 = {A1, B1, E1}, g2 = {A2, B2, E2}; E2 never reaches the xref
    "customer_groups.csv": """source_system,source_customer_id,group_id
crm,A1,g1
billing,B1,g1
erp,E1,g1
crm,A2,g2
billing,B2,g2
erp,E2,g2
""",
    "contract_subscription_links.csv": """crm_contract_id,subscription_id
K1,S1
K2,S2
""",
    "invoice_document_links.csv": """billing_document_type,billing_document_id,erp_document_id
invoice,I1,D1
""",
    "receipt_document_links.csv": """receipt_id,erp_document_id,applied_amount
R1,D1,10.00
R2,D2,20.00
R3,D3,30.00
""",
    # I5 is quarantined twice (two different rows under one key); one row had no key
    "quarantine.csv": """source_system,entity,record_key,reason_kind
billing,invoices,I5,duplicate_key
billing,invoices,I5,duplicate_key
crm,accounts,,null_key
""",
    # movements derived from it (the spine runs to Apr, the last month of the file):
    #   g1 crm      Jan new +100, Mar contraction -20
    #   g2 crm      Jan new +50, Feb expansion +50
    #   g1 billing  Jan new +200, Feb churn -200 (no row: zero), Apr reactivation +150
    #   g2 erp      Feb new +40, Mar churn -50 (net credits), Apr reactivation +40
    #   g1 erp      Apr 0 -> -5: not above zero either side, a contraction (DECISIONLOG)
    "arr_monthly.csv": """month,group_id,arr_source,arr
2025-01-01,g1,crm,100
2025-01-01,g2,crm,50
2025-02-01,g1,crm,100
2025-02-01,g2,crm,100
2025-03-01,g1,crm,80
2025-03-01,g2,crm,100
2025-04-01,g1,crm,80
2025-04-01,g2,crm,100
2025-01-01,g1,billing,200
2025-04-01,g1,billing,150
2025-02-01,g2,erp,40
2025-03-01,g2,erp,-10
2025-04-01,g2,erp,30
2025-04-01,g1,erp,-5
""",
    "manifest.json": json.dumps({"seed": 7, "groups": 2, "as_of_date": "2025-02-28"}),
}

WAREHOUSE_SQL = """
create schema marts;
create table marts.reconciliation_exceptions (
    exception_id varchar, exception_type varchar, source_system varchar, source_record_id varchar);
insert into marts.reconciliation_exceptions values
    ('x1', 'contract_not_billed', 'crm', 'C1'),
    ('x2', 'INVOICE_NOT_POSTED', 'billing', ' I1 '),   -- matches after trim / lower
    ('x3', 'duplicate_posting', 'billing', 'I9'),
    ('x4', 'contract_not_billed', 'crm', 'C1');        -- same exception twice counts once

-- K1 = {A1, B1}, K2 = {E1, A2, B2}
create table marts.customer_xref (
    source_system varchar, source_customer_id varchar, customer_key varchar,
    match_method varchar, match_confidence decimal(5, 4));
insert into marts.customer_xref values
    ('crm', 'A1', 'K1', 'tax_id', 1), ('billing', 'B1', 'K1', 'tax_id', 1),
    ('erp', 'E1', 'K2', 'fuzzy_name', 0.8),
    ('crm', 'A2', 'K2', 'tax_id', 1), ('billing', 'B2', 'K2', 'tax_id', 1);

create table marts.contract_subscription_matches (
    crm_contract_id varchar, subscription_id varchar, match_method varchar, match_confidence decimal(5, 4));
insert into marts.contract_subscription_matches values
    ('K1', 'S1', 'explicit_link', 1), ('K3', 'S3', 'fuzzy', 0.5);

create table marts.payment_applications (
    receipt_id varchar, erp_document_id varchar, billing_invoice_id varchar, applied_amount decimal(18, 2),
    match_method varchar, match_confidence decimal(5, 4), status varchar);
insert into marts.payment_applications values
    ('R1', 'D1', null, 10, 'erp_lettering', 1, 'existing'),
    ('R2', 'D2', null, 20, 'reference', 1, 'proposed_auto'),
    ('R4', 'D4', null, 40, 'exact_amount', 0.9, 'proposed_auto'),
    ('R3', 'D3', null, 30, 'partial', 0.5, 'proposed_review');   -- not counted

create table marts.quarantine_rows (
    source_system varchar, entity varchar, record_key varchar, raw_values varchar, quarantine_reason varchar);
insert into marts.quarantine_rows values
    ('billing', 'invoices', 'I5', '{}', 'key shared by different rows'),
    ('crm', 'accounts', null, '{}', 'null key'),
    ('erp', 'customers', 'E9', '{}', 'unknown currency');

create table marts.arr_by_customer_month (
    month date, customer_key varchar, crm_arr decimal(18, 2), billing_arr decimal(18, 2), erp_arr decimal(18, 2));
insert into marts.arr_by_customer_month values
    ('2025-01-01', 'K1', 100, 200, 0),
    ('2025-01-01', 'K2', 50, 0, 0),
    ('2025-02-01', 'K1', 100, 0, 0),
    ('2025-02-01', 'K2', 50, 0, 30),
    ('2025-03-01', 'K1', 80, 0, 0),
    ('2025-03-01', 'K2', 100, 0, -10),
    ('2025-04-01', 'K1', 80, 150, -5),
    ('2025-04-01', 'K2', 100, 0, 30);

-- hand-written, not derived from arr_by_customer_month
create table marts.arr_movements (
    month date, customer_key varchar, arr_source varchar, movement_type varchar, arr_change decimal(18, 2));
insert into marts.arr_movements values
    ('2025-01-01', 'K1', 'crm', 'new', 100),
    ('2025-01-01', 'K1', 'crm', 'new', 100),               -- same row twice counts once
    ('2025-01-01', 'K2', 'crm', 'new', 50),
    ('2025-02-01', 'K2', 'crm', 'expansion', 50.5),        -- within the 1.0 cell tolerance
    ('2025-03-01', 'K1', 'crm', 'contraction', -20),
    ('2025-01-01', 'K1', 'billing', 'new', 200),
    ('2025-02-01', 'K1', 'billing', 'churn', -200),
    ('2025-04-01', 'K1', 'billing', 'new', 150),           -- wrong type: reactivation
    ('2025-02-01', 'K2', 'erp', 'new', 30),                -- wrong amount: +40
    ('2025-03-01', 'K2', 'erp', 'churn', -50),
    ('2025-04-01', 'K2', 'erp', 'reactivation', 40),
    ('2025-04-01', 'K1', 'erp', 'contraction', -5),        -- 0 -> -5 is a contraction
    ('2025-01-01', 'K9', 'crm', 'new', 10);                -- key of no group

-- crm_to_billing: Jan gap 150 of which 50 unexplained, Feb no gap; billing_to_erp: Jan
-- gap 30, all explained
create table marts.arr_bridge (
    month date, bridge varchar, step_order integer, step varchar, step_kind varchar,
    amount decimal(18, 2), record_count bigint, description varchar);
insert into marts.arr_bridge values
    ('2025-01-01', 'crm_to_billing', 0, 'crm_arr', 'opening', 1000, null, ''),
    ('2025-01-01', 'crm_to_billing', 3, 'price_mismatch', 'exception', -100, 1, ''),
    ('2025-01-01', 'crm_to_billing', 9, 'unexplained', 'unexplained', -50, 1, ''),
    ('2025-01-01', 'crm_to_billing', 10, 'billing_arr', 'closing', 850, null, ''),
    ('2025-02-01', 'crm_to_billing', 0, 'crm_arr', 'opening', 500, null, ''),
    ('2025-02-01', 'crm_to_billing', 9, 'unexplained', 'unexplained', 0, 0, ''),
    ('2025-02-01', 'crm_to_billing', 10, 'billing_arr', 'closing', 500, null, ''),
    ('2025-01-01', 'billing_to_erp', 0, 'billing_arr', 'opening', 850, null, ''),
    ('2025-01-01', 'billing_to_erp', 1, 'recognition_timing', 'structural', -30, null, ''),
    ('2025-01-01', 'billing_to_erp', 12, 'unexplained', 'unexplained', 0, 0, ''),
    ('2025-01-01', 'billing_to_erp', 13, 'erp_arr', 'closing', 820, null, '');

-- C1's chain stops at subscription (agrees); C2 has a row stopping at invoice (not all
-- of its rows agree); I1 stops at cash, though its posting is missing
create table marts.quote_to_cash_trace (
    trace_id varchar, crm_contract_id varchar, subscription_id varchar, invoice_id varchar, stops_at varchar);
insert into marts.quote_to_cash_trace values
    ('contract_line:L1', 'C1', null, null, 'subscription'),
    ('contract_line:L2', 'C2', null, null, 'subscription'),
    ('contract_line:L3', 'C2', 'S9', null, 'invoice'),
    ('invoice:I1', 'K1', 'S1', 'I1', 'cash'),
    ('invoice:I2', 'K1', 'S1', 'I2', 'complete');
"""


@pytest.fixture()
def truth_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "truth"
    folder.mkdir()
    for name, text in TRUTH.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute(WAREHOUSE_SQL)
    con.close()
    return path


@pytest.fixture()
def results(truth_dir: Path, warehouse: Path) -> dict:
    return evaluate(truth_dir, warehouse)


def test_prf_conventions():
    assert prf(0, 0, 0) == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 0, "fp": 0, "fn": 0}
    assert prf(0, 0, 3)["precision"] == 0.0  # found nothing of something
    assert prf(0, 2, 0)["recall"] == 1.0 and prf(0, 2, 0)["f1"] == 0.0


def test_exceptions_precision_recall(results):
    part = results["exceptions"]
    micro = part["metrics"]["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 1, 2)
    assert micro["precision"] == pytest.approx(2 / 3)
    assert micro["recall"] == pytest.approx(1 / 2)
    assert micro["f1"] == pytest.approx(4 / 7)
    assert part["score"] == pytest.approx(4 / 7)
    by_type = part["metrics"]["by_type"]
    assert set(by_type) == {"contract_not_billed", "invoice_not_posted", "unapplied_cash", "duplicate_posting"}
    assert by_type["contract_not_billed"]["precision"] == 1.0
    assert by_type["contract_not_billed"]["recall"] == 0.5
    assert by_type["invoice_not_posted"]["f1"] == 1.0
    assert by_type["unapplied_cash"]["recall"] == 0.0
    assert by_type["duplicate_posting"]["precision"] == 0.0


def test_customer_pairwise_f1(results):
    # truth pairs: g1 C(3,2)=3, g2 C(3,2)=3 -> 6; predicted: K1 1 + K2 3 -> 4
    # same group and same key: (g1,K1) {A1,B1} -> 1, (g2,K2) {A2,B2} -> 1 -> tp 2
    part = results["customers"]
    pairs = part["metrics"]["pairwise"]
    assert (pairs["tp"], pairs["fp"], pairs["fn"]) == (2, 2, 4)
    assert pairs["precision"] == pytest.approx(1 / 2)
    assert pairs["recall"] == pytest.approx(1 / 3)
    assert part["score"] == pytest.approx(2 / 5)
    assert part["metrics"]["records_in_both"] == 5
    assert "1 truth records absent" in part["note"]


def test_links(results):
    cs = results["contract_subscription"]["metrics"]["links"]
    assert (cs["tp"], cs["fp"], cs["fn"]) == (1, 1, 1)
    rd = results["receipt_document"]
    assert (rd["metrics"]["links"]["tp"], rd["metrics"]["links"]["fp"], rd["metrics"]["links"]["fn"]) == (2, 1, 1)
    assert rd["score"] == pytest.approx(2 / 3)
    assert rd["metrics"]["proposed_auto_precision"] == pytest.approx(1 / 2)
    assert rd["metrics"]["proposed_auto_rows"] == 2


def test_missing_mart_scores_zero_with_note(results):
    part = results["invoice_document"]
    assert part["score"] == 0.0
    assert part["note"] == "mart marts.invoice_matches not built yet"
    assert "mart marts.invoice_matches not built yet" in format_report(results)


def test_missing_truth_file_scores_zero(truth_dir, warehouse):
    (truth_dir / "exceptions.csv").unlink()
    part = evaluate(truth_dir, warehouse)["exceptions"]
    assert part["score"] == 0.0
    assert "exceptions.csv missing" in part["note"]


def test_mart_with_wrong_columns_scores_zero(truth_dir, warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute("alter table marts.contract_subscription_matches rename column subscription_id to sub_id")
    con.close()
    part = evaluate(truth_dir, warehouse)["contract_subscription"]
    assert part["score"] == 0.0
    assert part["note"].startswith("could not score")


def test_quarantine_is_a_multiset(results):
    rows = results["quarantine"]["metrics"]["rows"]
    # I5 matched once of twice, the null-key row matches, E9 is extra
    assert (rows["tp"], rows["fp"], rows["fn"]) == (2, 1, 1)
    assert results["quarantine"]["score"] == pytest.approx(2 / 3)


def test_arr_errors(results):
    arr = results["arr"]["metrics"]
    # crm totals: Jan 150 vs 150, Feb 150 vs 200, Mar and Apr 180 vs 180 -> 0, 0.25, 0, 0
    assert arr["crm"]["months"] == 4
    assert arr["crm"]["max_rel_error"] == pytest.approx(0.25)
    assert arr["crm"]["mean_rel_error"] == pytest.approx(0.0625)
    assert arr["billing"]["max_rel_error"] == pytest.approx(0.0)
    # erp: Jan 0 vs 0, Feb 30 vs 40, Mar -10 vs -10, Apr 25 vs 25
    assert arr["erp"]["max_rel_error"] == pytest.approx(0.25)
    assert results["arr"]["score"] == pytest.approx(0.75)
    # K1 -> g1, K2 -> g2 (2 of its 3 records); non-zero cells: crm 8, billing 2, erp 4;
    # wrong: crm Feb g2 (50 vs 100), erp Feb g2 (30 vs 40)
    assert arr["customer_month_cells"] == 14
    assert arr["customer_month_mismatches"] == 2


def test_arr_movements(results):
    # truth: 11 movements (comment on arr_monthly.csv); predicted: 12 distinct rows.
    # hits: crm new g1 and g2, crm expansion (50.5 vs 50), crm contraction, billing new,
    # billing churn, erp churn, erp reactivation, erp Apr contraction 0 -> -5 -> 9.
    # misses: billing Apr new for a reactivation (wrong type), erp Feb new 30 for 40
    # (wrong amount), K9 unmapped.
    part = results["arr_movements"]
    metrics = part["metrics"]
    micro = metrics["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (9, 3, 2)
    assert micro["precision"] == pytest.approx(3 / 4)
    assert micro["recall"] == pytest.approx(9 / 11)
    assert part["score"] == pytest.approx(18 / 23)
    counts = {kind: (m["tp"], m["fp"], m["fn"]) for kind, m in metrics["by_type"].items()}
    assert counts == {
        "new": (3, 3, 1),
        "expansion": (1, 0, 0),
        "contraction": (2, 0, 0),
        "churn": (2, 0, 0),
        "reactivation": (1, 0, 1),
    }
    assert metrics["by_type"]["new"]["f1"] == pytest.approx(0.6)
    assert metrics["by_type"]["reactivation"]["recall"] == pytest.approx(0.5)
    assert metrics["wrong_type"] == 1
    assert metrics["wrong_amount"] == 1
    assert metrics["truth_movements"] == 11
    assert metrics["predicted_movements"] == 12
    assert metrics["truth_moves_not_above_zero"] == 1
    assert part["note"] is None


def test_arr_movements_share_the_cell_tolerance(truth_dir, warehouse):
    # at 0.1 the expansion of 50.5 for 50 is a wrong amount too
    part = evaluate(truth_dir, warehouse, arr_tolerance=0.1)["arr_movements"]
    assert part["metrics"]["by_type"]["expansion"]["tp"] == 0
    assert part["metrics"]["wrong_amount"] == 2
    assert part["metrics"]["tolerance"] == pytest.approx(0.1)


def test_arr_movements_without_the_mart_score_zero(truth_dir, warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute("drop table marts.arr_movements")
    con.close()
    part = evaluate(truth_dir, warehouse)["arr_movements"]
    assert part["score"] == 0.0
    assert part["note"] == "mart marts.arr_movements not built yet"


def test_arr_bridge_unexplained_share(results):
    part = results["arr_bridge"]
    crm = part["metrics"]["crm_to_billing"]
    assert (crm["months"], crm["months_with_unexplained"]) == (2, 1)
    assert crm["unexplained_abs"] == pytest.approx(50)
    assert crm["gap_abs"] == pytest.approx(150)
    assert part["metrics"]["billing_to_erp"]["unexplained_abs"] == 0
    assert part["score"] == pytest.approx(1 - 50 / 180)


def test_arr_bridge_that_does_not_add_up_scores_zero(truth_dir, warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute("update marts.arr_bridge set amount = 840 where step = 'erp_arr'")
    con.close()
    part = evaluate(truth_dir, warehouse)["arr_bridge"]
    assert part["metrics"]["billing_to_erp"]["months_not_adding_up"] == 1
    assert part["score"] == 0.0


def test_cli_writes_json_and_table(truth_dir, warehouse, tmp_path, capsys):
    out = tmp_path / "out" / "scores.json"
    code = evaluate_cli.main(["--truth", str(truth_dir), "--duckdb", str(warehouse), "--json", str(out)])
    assert code == 0
    written = json.loads(out.read_text())
    assert {"exceptions", "customers", "arr", "arr_movements", "meta"} <= set(written)
    assert written["meta"]["manifest"]["seed"] == 7
    printed = capsys.readouterr().out
    assert "part" in printed and "micro" in printed
    assert "arr_movements" in printed and "by_type.reactivation" in printed


def test_cli_missing_duckdb_is_usage_error(truth_dir, tmp_path, capsys):
    code = evaluate_cli.main(["--truth", str(truth_dir), "--duckdb", str(tmp_path / "nope.duckdb")])
    assert code == 2
    assert "DuckDB file not found" in capsys.readouterr().err


def test_trace_agrees_only_when_every_row_of_the_record_stops_at_its_stage(results):
    part = results["trace"]
    assert part["note"] is None
    assert part["metrics"]["records"] == 3 and part["metrics"]["agree"] == 1
    assert part["score"] == pytest.approx(1 / 3)
    by_type = part["metrics"]["by_type"]
    assert by_type["contract_not_billed"] == {"agree": 1, "records": 2, "share": 0.5}
    assert by_type["invoice_not_posted"] == {"agree": 0, "records": 1, "share": 0.0}
