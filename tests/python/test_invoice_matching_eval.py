"""Invoice matching end to end on a generated set it was not written against: billing
invoices and credit notes linked to ERP AR documents score F1 >= 0.99 against the
generator's truth, and nothing the rules must never do shows up in the mart."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from rectools.contract import PROJECT_ROOT
from rectools.dbt import run_dbt
from rectools.evaluate import evaluate

GROUPS = 1000
SEED = 3
MIN_F1 = 0.99


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("invoice_matching")
    out = root / "generated"
    generated = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "generate_data.py"), "--groups", str(GROUPS),
         "--seed", str(SEED), "--format", "parquet", "--out", str(out), "--quiet"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )
    assert generated.returncode == 0, generated.stderr[-4000:]
    db = root / "w.duckdb"
    # cautious: only tests whose every parent is built here (not the other marts' tests)
    result = run_dbt(["build", "--select", "+invoice_matches", "--exclude", "test_type:unit",
                      "--indirect-selection", "cautious"],
                     dbt_vars={"landing_dir": str(out / "landing")}, duckdb_path=db)
    assert result.returncode == 0, result.stdout[-4000:]
    return out / "truth", db


@pytest.fixture(scope="module")
def links(built):
    truth_dir, db = built
    return evaluate(truth_dir, db)["invoice_document"]["metrics"]["links"]


def test_invoice_document_links_reach_f1(links):
    assert links["f1"] >= MIN_F1, links


def test_precision_and_recall_each_hold(links):
    # a high F1 must not hide a one-sided failure
    assert links["precision"] >= MIN_F1, links
    assert links["recall"] >= MIN_F1, links


def test_no_cancelled_document_and_no_erp_document_twice(built):
    _truth_dir, db = built
    con = duckdb.connect(str(db), read_only=True)
    try:
        cancelled = con.execute(
            "select count(*) from marts.invoice_matches m join staging.stg_erp__ar_documents d "
            "on m.erp_document_id = d.document_id where d.status = 'cancelled'").fetchone()[0]
        reused = con.execute(
            "select count(*) from (select erp_document_id from marts.invoice_matches "
            "group by erp_document_id having count(*) > 1)").fetchone()[0]
        methods = {row[0] for row in con.execute(
            "select distinct match_method from marts.invoice_matches").fetchall()}
    finally:
        con.close()
    assert cancelled == 0
    assert reused == 0
    assert methods <= {"reference", "reference_no_prefix", "reference_typo", "amount_date"}
    # the generated set exercises every rule
    assert methods == {"reference", "reference_no_prefix", "reference_typo", "amount_date"}
