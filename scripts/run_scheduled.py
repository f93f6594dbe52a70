#!/usr/bin/env python3
"""The scheduled run: dbt build, Great Expectations checks, lettering export and a run report, in one command.

Steps: (1) dbt build on DuckDB with the given vars (models, seeds and data tests;
unit tests are CI's); (2) scripts/run_ge.py on the
warehouse; (3) the lettering export, one CSV per ERP entity; (4) the run report
<report-dir>/run_<as_of>.md and .json: exceptions in total and by severity, new,
resolved and reopened since the last run (marts.exception_history), revenue at risk,
unapplied cash, quarantined rows, the reviewer decisions applied and not applied
(marts.review_decisions), the checks and the files exported.

exit codes:
  0  all good: built, every dbt test and GE check passed, exports and report written
  1  the run finished (marts, exports, report written) but dbt tests or GE checks
     failed: the results need a look before the exports are imported
  2  the build failed (the landing data does not match the contract, a model or seed
     error, or a failed test kept a model from building): nothing exported; the
     report says why
  3  usage or configuration error (bad option, missing folder): nothing run

example cron line (every day at 06:15, landing extracts in /data/landing/<yesterday>):
  15 6 * * * cd /srv/recon && .venv/bin/python scripts/run_scheduled.py \\
      --landing-dir /data/landing/$(date -d yesterday +\\%F) --as-of-date $(date -d yesterday +\\%F) \\
      >> logs/scheduled.log 2>&1"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rectools.contract import PROJECT_ROOT  # noqa: E402
from rectools.lettering import DEFAULT_OUT_DIR  # noqa: E402
from rectools.scheduled import EXIT_USAGE, ConfigError, RunOptions, run, check_options  # noqa: E402


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; here 2 means a failed build, so usage is 3."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _path(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def _project_path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def main(argv: list[str] | None = None) -> int:
    summary, rest = __doc__.split("\n\n", 1)
    parser = Parser(description=summary, epilog=rest, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landing-dir", help="landing folder as landing.yml lays it out (default: dbt var "
                                              "landing_dir, the shipped sample)")
    parser.add_argument("--as-of-date", help="business date of the run, YYYY-MM-DD (default: the latest in the data)")
    parser.add_argument("--decisions-dir", help="folder holding review/decisions.csv, passed as dbt var "
                                                "decisions_dir (default: the landing folder)")
    parser.add_argument("--duckdb", default=os.environ.get("DBT_DUCKDB_PATH", "warehouse.duckdb"),
                        help="DuckDB warehouse, kept from run to run for the exception history "
                             "(default: $DBT_DUCKDB_PATH or ./warehouse.duckdb)")
    parser.add_argument("--report-dir", default="reports", help="where run_<as_of>.md/.json go (default: reports)")
    parser.add_argument("--exports-dir", default=DEFAULT_OUT_DIR,
                        help=f"folder of the per-entity lettering CSV files (default: {DEFAULT_OUT_DIR})")
    parser.add_argument("--ge-docs-dir", help="GE data docs folder (default: run_ge.py's, ge_data_docs)")
    parser.add_argument("--target-path", default=os.environ.get("DBT_TARGET_PATH", "target"),
                        help="dbt target path (default: $DBT_TARGET_PATH or target)")
    parser.add_argument("--log-path", default=os.environ.get("DBT_LOG_PATH"),
                        help="dbt log path (default: $DBT_LOG_PATH or logs)")
    args = parser.parse_args(argv)
    # relative paths of the project's own outputs resolve from the project root (as
    # dbt does); the input folders from the current directory
    options = RunOptions(
        duckdb_path=_project_path(args.duckdb), report_dir=_project_path(args.report_dir),
        exports_dir=_project_path(args.exports_dir), landing_dir=_path(args.landing_dir),
        as_of_date=args.as_of_date, decisions_dir=_path(args.decisions_dir),
        ge_docs_dir=_project_path(args.ge_docs_dir) if args.ge_docs_dir else None,
        target_path=_project_path(args.target_path),
        log_path=_project_path(args.log_path) if args.log_path else None)
    try:
        check_options(options)
    except ConfigError as error:
        print(f"run_scheduled: {error}", file=sys.stderr)
        return EXIT_USAGE
    code, _ = run(options)
    return code


if __name__ == "__main__":
    sys.exit(main())
