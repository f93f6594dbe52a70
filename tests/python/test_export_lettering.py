"""The lettering export writes exactly the proposed_auto applications (the engine's
sure matches and the proposals a reviewer accepted, method decision), one sorted file
per ERP entity with exact amounts, removes its own file of an entity with nothing left
to letter, and fails with a readable message when there is nothing to read."""
from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from rectools.contract import PROJECT_ROOT
from rectools.lettering import COLUMNS, ExportError, export_auto_applications, file_name

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
    # a reviewer accepted this proposal: marts.payment_applications holds it as proposed_auto
    ("R6", "D6", "42.00", "decision", "proposed_auto", "FR01", "EUR"),
    # a proposal still in review on another entity: that entity gets no file
    ("R7", "D7", "10.00", "reference", "proposed_review", "DE01", "EUR"),
]


def warehouse(path: Path, rows=ROWS) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.payment_applications (receipt_id varchar, erp_document_id varchar, "
        "applied_amount decimal(18,2), match_method varchar, status varchar, entity varchar, currency varchar, "
        "value_date date, erp_document_number varchar, erp_customer_id varchar, match_confidence decimal(9,4), "
        "decision_id varchar)")
    con.executemany(
        "insert into marts.payment_applications values (?, ?, ?, ?, ?, ?, ?, date '2025-06-01', "
        "'AR-' || ?, 'C1', 0.9, case when ? = 'decision' then 'DEC-1' end)",
        [(*row, row[1], row[3]) for row in rows])
    con.close()
    return path


def read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_file_per_entity_with_only_sure_and_accepted_applications(tmp_path):
    out = tmp_path / "out"
    summary = export_auto_applications(warehouse(tmp_path / "w.duckdb"), out)
    assert sorted(p.name for p in out.iterdir()) == ["FR01.csv", "US01.csv"]
    us, fr = read(out / "US01.csv"), read(out / "FR01.csv")
    assert list(us[0]) == list(COLUMNS) and list(fr[0]) == list(COLUMNS)
    assert [(r["entity"], r["receipt_id"], r["erp_document_id"], r["applied_amount"]) for r in us] == [
        ("US01", "R1", "D1", "1200.00"),
        ("US01", "R1", "D2", "0.30"),
        ("US01", "R2", "D9", "100.10"),
    ]
    assert [(r["receipt_id"], r["erp_document_id"], r["applied_amount"], r["match_method"]) for r in fr] == [
        ("R5", "D5", "99.99", "split"),
        ("R6", "D6", "42.00", "decision"),
    ]
    assert fr[1]["erp_document_number"] == "AR-D6" and fr[1]["value_date"] == "2025-06-01"
    # the accepted proposal names the reviewer's decision; the engine's own matches have none
    assert list(COLUMNS)[-1] == "decision_id"
    assert [r["decision_id"] for r in fr] == ["", "DEC-1"]
    assert all(r["decision_id"] == "" for r in us)
    assert summary.rows == 5 and summary.receipts == 4
    assert summary.totals == {"USD": Decimal("1300.40"), "EUR": Decimal("141.99")}
    assert [(f.entity, f.rows, len(f.receipts)) for f in summary.files] == [("FR01", 2, 2), ("US01", 3, 2)]


def test_a_stale_file_of_ours_is_removed_and_other_files_are_left(tmp_path):
    out = tmp_path / "out"
    first = [row for row in ROWS if row[5] != "US01"] + [("R8", "D8", "5.00", "reference", "proposed_auto",
                                                          "DE01", "EUR")]
    export_auto_applications(warehouse(tmp_path / "day1.duckdb", first), out)
    assert (out / "DE01.csv").exists()
    (out / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    summary = export_auto_applications(warehouse(tmp_path / "day2.duckdb"), out)
    # DE01 has nothing sure on day 2: yesterday's file must not be imported again
    assert sorted(p.name for p in out.iterdir()) == ["FR01.csv", "US01.csv", "notes.csv"]
    assert [p.name for p in summary.removed] == ["DE01.csv"]
    assert any("removed DE01.csv" in line for line in summary.lines())


def test_entity_codes_become_safe_file_names():
    assert file_name("US01") == "US01.csv"
    assert file_name("FR/01 x") == "FR_01_x.csv"
    assert file_name("../up") == "_up.csv"
    assert file_name(None) == "no_entity.csv"


def test_missing_warehouse_or_mart_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(ExportError, match="no warehouse at"):
        export_auto_applications(tmp_path / "absent.duckdb", tmp_path / "l")
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    code = export_lettering.main(["--duckdb", str(tmp_path / "empty.duckdb"), "--out-dir", str(tmp_path / "l")])
    assert code == 2
    assert "has no marts.payment_applications" in capsys.readouterr().err
    assert not (tmp_path / "l").exists()


def test_the_command_line_writes_the_entity_files(tmp_path, capsys):
    code = export_lettering.main(["--duckdb", str(warehouse(tmp_path / "w.duckdb")),
                                  "--out-dir", str(tmp_path / "l")])
    assert code == 0
    printed = capsys.readouterr().out
    assert "5 sure applications of 4 receipts in 2 entity file(s)" in printed
    assert "FR01: 2 rows" in printed and "US01: 3 rows" in printed
