#!/usr/bin/env bash
# Every test of the project, as CI runs it (.ci/run calls this). Installs what it
# needs first. Exits non-zero on the first failing stage.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
mkdir -p target
# the tests build their own warehouse: a user's warehouse.duckdb is left alone
export DBT_DUCKDB_PATH="$ROOT/target/test_warehouse.duckdb"
rm -f "$DBT_DUCKDB_PATH"
started=$SECONDS
stage() { echo; echo "==> [$((SECONDS - started))s] $*"; }

stage "contract: macros/contract/landing_contract.sql matches ../shared/contract/landing.yml"
python scripts/sync_contract.py --check

stage "sqlfluff lint (dbt templater)"
sqlfluff lint models tests --nofail-on-warning 2>/dev/null || sqlfluff lint models tests

stage "dbt build on the shipped sample (DuckDB): models, dbt tests and unit tests"
dbt build --profiles-dir profiles

stage "Great Expectations checkpoint on the sample"
python scripts/run_ge.py --docs-dir target/ge_data_docs

stage "evaluation of the sample against its truth"
python scripts/evaluate.py --truth sample/truth --json target/eval_sample.json

stage "Chromium for the dashboard's browser tests (installed when missing)"
bash scripts/install_chromium.sh

stage "pytest: generator, evaluation, GE runner, staging fixtures, decisions, scheduled run, dashboard, docs, Spark parity"
python -m pytest "$@"
echo "==> all stages passed in $((SECONDS - started))s"
