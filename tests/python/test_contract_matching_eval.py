"""Contract-to-subscription matching on a generated world: build the mart on 1,000
customer groups and score it against the generator's true links."""
from __future__ import annotations

import subprocess
import sys

import pytest

from rectools.contract import PROJECT_ROOT
from rectools.dbt import run_dbt
from rectools.evaluate import evaluate

GROUPS = 1000
SEED = 5
MIN_F1 = 0.99


@pytest.fixture(scope="module")
def contract_scores(tmp_path_factory):
    root = tmp_path_factory.mktemp("contract_matching")
    generated = root / "generated"
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "generate_data.py"), "--groups", str(GROUPS),
         "--seed", str(SEED), "--format", "parquet", "--out", str(generated), "--quiet"],
        check=True, cwd=PROJECT_ROOT,
    )
    db = root / "w.duckdb"
    result = run_dbt(
        ["build", "--select", "+contract_subscription_matches", "--exclude", "test_type:unit",
         "--indirect-selection", "cautious"],
        dbt_vars={"landing_dir": str(generated / "landing")},
        duckdb_path=db,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return evaluate(generated / "truth", db)["contract_subscription"]


def test_contract_subscription_links_reach_f1(contract_scores):
    links = contract_scores["metrics"]["links"]
    assert contract_scores["note"] is None, contract_scores["note"]
    assert links["f1"] >= MIN_F1, links


def test_contract_subscription_links_are_precise(contract_scores):
    # a wrong link is worse than a missing one: precision is held to the same bar
    links = contract_scores["metrics"]["links"]
    assert links["precision"] >= MIN_F1, links
