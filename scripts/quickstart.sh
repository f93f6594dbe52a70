#!/usr/bin/env bash
# Quickstart: set up, build the shipped sample on DuckDB, check it, say where results are.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh

echo "==> dbt build on the shipped sample (sample/landing) -> ${DBT_DUCKDB_PATH:-warehouse.duckdb}"
dbt build --profiles-dir profiles "$@"
echo "==> Great Expectations checks"
python scripts/run_ge.py
echo "==> lettering export (proposed_auto cash applications, one CSV per ERP entity in exports/lettering/)"
python scripts/export_lettering.py --out-dir exports/lettering
python scripts/show_results.py --exports-dir exports/lettering
