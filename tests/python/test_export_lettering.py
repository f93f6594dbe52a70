"""The lettering export writes exactly the proposed_auto applications, sorted, with
exact amounts, and fails with a readable message when there is nothing to read."""
from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from rectools.contract import PROJECT_ROOT
from rectools.lettering import COLUMNS, ExportError, export_auto_applications

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
import export_lettering  # noqa: E402  (scripts/export_lettering.py)

ROWS = [
    # receipt, document, amount, method, status, entity, currency
    ("R2", "D9", "100.10", "reference", "proposed_auto", "US01", "USD"),
    ("R1", "D2", "0.30", "grouped", "proposed_auto", "US01", "USD"),
    ("R1", "D1", "1200.00", "grouped", "proposed_auto", "US01", "USD"),
    ("R3", "D3", "50.00", "exact_amount", "proposed_review", "US01", "USD"),
    ("R4", "D4", "70.00", "erp_lettering", "existing", "US01", "USD"),
    ("R5", "D5", "99.99", "split", "proposed_auto", "FR01", "EUR"),
]


def warehouse(path: Path, rows=ROWS) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.payment_applications (receipt_id varchar, erp_document_id varchar, "
        "applied_amount decimal(18,2), match_method varchar, status varchar, entity varchar, currency varchar, "
        "value_date date, erp_document_number varchar, erp_customer_id varchar, match_confidence decimal(9,4))")
    con.executemany(
        "insert into marts.payment_applications values (?, ?, ?, ?, ?, ?, ?, date '2025-06-01', "
        "'AR-' || ?, 'C1', 0.9)", [(*row, row[1]) for row in rows])
    con.close()
    return path


def read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_only_sure_applications_are_exported_sorted_and_exact(tmp_path):
    summary = export_auto_applications(warehouse(tmp_path / "w.duckdb"), tmp_path / "out" / "l.csv")
    rows = read(tmp_path / "out" / "l.csv")
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["entity"], r["receipt_id"], r["erp_document_id"], r["applied_amount"]) for r in rows] == [
        ("FR01", "R5", "D5", "99.99"),
        ("US01", "R1", "D1", "1200.00"),
        ("US01", "R1", "D2", "0.30"),
        ("US01", "R2", "D9", "100.10"),
    ]
    assert summary.rows == 4 and summary.receipts == 3
    assert summary.totals == {"USD": Decimal("1300.40"), "EUR": Decimal("99.99")}


def test_missing_warehouse_or_mart_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(ExportError, match="no warehouse at"):
        export_auto_applications(tmp_path / "absent.duckdb", tmp_path / "l.csv")
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    code = export_lettering.main(["--duckdb", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "l.csv")])
    assert code == 2
    assert "has no marts.payment_applications" in capsys.readouterr().err
    assert not (tmp_path / "l.csv").exists()
