"""The scheduled run (issue #9): dbt build, the Great Expectations checkpoint, the
lettering export and a short run report, with exit codes a scheduler can act on.

Steps, in order, each printed as it starts and ends:

1. ``dbt build`` on DuckDB with the run's vars (landing_dir, as_of_date, decisions_dir):
   models, seeds and data tests; unit tests are left to development and CI (their
   fixtures are static, and a run's vars such as as_of_date would leak into them);
2. ``scripts/run_ge.py`` on the built warehouse;
3. the lettering export (one CSV per ERP entity, ``rectools.lettering``);
4. the run report, ``<report_dir>/run_<as_of>.md`` and ``.json``: exceptions in total and
   by severity, new, resolved and reopened today (``marts.exception_history``), revenue
   at risk, unapplied cash, quarantined rows, the reviewer decisions applied and not
   applied (``marts.review_decisions``), the checks and the files exported.

Exit codes (``EXIT_*``): 0 everything passed; 1 the run finished (marts, exports and
report written) but a dbt test or a Great Expectations check failed; 2 the build
failed (the landing data does not match the contract, a model or seed failed, or a
failed test kept a model from building): nothing exported, a report says why; 3 a
usage or configuration error: nothing run.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from rectools.contract import PROJECT_ROOT
from rectools.dbt import QUIET_ENV, run_dbt
from rectools.lettering import ExportError, export_auto_applications

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BUILD_FAILED, EXIT_USAGE = 0, 1, 2, 3
STATUS = {EXIT_OK: "ok", EXIT_CHECKS_FAILED: "checks failed: needs a look",
          EXIT_BUILD_FAILED: "build failed: nothing exported"}
SEVERITIES = ("high", "medium", "low")
# marts.review_decisions.outcome: applied, or why a decision changed nothing
DECISION_OUTCOMES = ("applied", "superseded", "subject_not_found", "invalid", "quarantined")
BUILT_RESOURCES = ("model.", "seed.", "snapshot.")
TEST_RESOURCES = ("test.", "unit_test.")
# exception ids listed in the Markdown report per list (the JSON has them all)
MARKDOWN_LIST_LIMIT = 50


class ConfigError(Exception):
    """A usage or configuration problem found before anything runs (exit 3)."""


@dataclass
class RunOptions:
    duckdb_path: Path
    report_dir: Path
    exports_dir: Path
    landing_dir: Path | None = None
    as_of_date: str | None = None
    decisions_dir: Path | None = None
    ge_docs_dir: Path | None = None
    target_path: Path = PROJECT_ROOT / "target"
    log_path: Path | None = None

    def dbt_vars(self) -> dict:
        found = {"landing_dir": self.landing_dir, "as_of_date": self.as_of_date, "decisions_dir": self.decisions_dir}
        return {name: str(value) for name, value in found.items() if value is not None}


@dataclass
class RunReport:
    options: RunOptions
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    finished_at: str | None = None
    exit_code: int = EXIT_OK
    as_of_date: str | None = None
    dbt: dict = field(default_factory=dict)
    great_expectations: dict = field(default_factory=dict)
    exceptions: dict = field(default_factory=dict)
    history: dict = field(default_factory=dict)
    decisions: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    exports: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "as_of_date": self.as_of_date, "exit_code": self.exit_code, "status": STATUS[self.exit_code],
            "started_at": self.started_at, "finished_at": self.finished_at,
            "inputs": {"landing_dir": _text(self.options.landing_dir), "as_of_date": self.options.as_of_date,
                       "decisions_dir": _text(self.options.decisions_dir),
                       "duckdb": str(self.options.duckdb_path)},
            "problems": self.problems, "dbt": self.dbt, "great_expectations": self.great_expectations,
            "exceptions": self.exceptions, "history": self.history, "decisions": self.decisions,
            "figures": self.figures,
            "exports": self.exports,
        }


def _text(value) -> str | None:
    return None if value is None else str(value)


def _number(value):
    """JSON-friendly figure: decimals as float rounded to cents, ints as ints."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else \
            float(round(value, 2))
    return value


def say(message: str) -> None:
    print(f"[run_scheduled {dt.datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def check_options(options: RunOptions) -> None:
    """ConfigError naming every problem with the options, before anything runs."""
    problems = []
    if options.landing_dir is not None and not options.landing_dir.is_dir():
        problems.append(f"--landing-dir {options.landing_dir} is not a folder")
    if options.decisions_dir is not None and not options.decisions_dir.is_dir():
        problems.append(f"--decisions-dir {options.decisions_dir} is not a folder")
    if options.as_of_date is not None:
        try:
            dt.date.fromisoformat(options.as_of_date)
        except ValueError:
            problems.append(f"--as-of-date {options.as_of_date!r} is not a date (YYYY-MM-DD)")
    if not options.duckdb_path.parent.is_dir():
        problems.append(f"--duckdb {options.duckdb_path}: folder {options.duckdb_path.parent} does not exist")
    for name, folder in (("--report-dir", options.report_dir), ("--exports-dir", options.exports_dir)):
        if folder.exists() and not folder.is_dir():
            problems.append(f"{name} {folder} is not a folder")
    if problems:
        raise ConfigError("; ".join(problems))


# --- 1. dbt build -----------------------------------------------------------------

def dbt_build(options: RunOptions, report: RunReport) -> bool:
    """Run dbt build; fill report.dbt; True when every model and seed was built."""
    run_results = options.target_path / "run_results.json"
    run_results.unlink(missing_ok=True)
    # unit tests check the SQL on fixed fixtures: CI runs them; a production run checks
    # the data (dbt's own advice), and the run's --vars would override their fixtures
    args = ["build", "--exclude-resource-type", "unit_test", "--target-path", str(options.target_path)]
    if options.log_path is not None:
        args += ["--log-path", str(options.log_path)]
    done = run_dbt(args, dbt_vars=options.dbt_vars(), duckdb_path=options.duckdb_path, env={"DBT_USE_COLORS": "false"})
    output = (done.stdout or "") + (done.stderr or "")
    report.dbt = {"returncode": done.returncode}
    if not run_results.exists():
        # dbt stopped before running any node: the landing check of on-run-start, a
        # parse or compilation error
        report.dbt["error"] = _dbt_error(output)
        report.problems.append(f"dbt build stopped before building anything: {report.dbt['error']}")
        return False
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    built = [r for r in results if r["unique_id"].startswith(BUILT_RESOURCES)]
    tests = [r for r in results if r["unique_id"].startswith(TEST_RESOURCES)]
    not_built = [r for r in built if r["status"] not in ("success", "pass")]
    failed_tests = [r for r in tests if r["status"] in ("fail", "error")]
    report.dbt.update({
        "models_and_seeds_built": len(built) - len(not_built),
        "models_and_seeds_not_built": sorted(f"{r['unique_id']} ({r['status']})" for r in not_built),
        "tests_passed": sum(r["status"] == "pass" for r in tests),
        "tests_warned": sum(r["status"] == "warn" for r in tests),
        "tests_failed": sorted(f"{r['unique_id']} ({r['status']})" for r in failed_tests),
    })
    if not_built:
        report.problems.append(f"{len(not_built)} models or seeds were not built (error or skipped)")
        report.dbt["error"] = _dbt_error(output)
    if failed_tests:
        report.problems.append(f"{len(failed_tests)} dbt tests failed")
    if done.returncode != 0 and not (not_built or failed_tests):
        report.problems.append(f"dbt build exited {done.returncode}")
        report.dbt["error"] = _dbt_error(output)
        return False
    return not not_built


def _dbt_error(output: str, lines: int = 25) -> str:
    """The end of dbt's output from its first error line (or its last lines)."""
    kept = [line for line in output.splitlines() if line.strip()]
    for i, line in enumerate(kept):
        if "Encountered an error" in line or "Completed with" in line:
            return "\n".join(kept[i:i + lines])
    return "\n".join(kept[-lines:])


# --- 2. Great Expectations ----------------------------------------------------------

def great_expectations(options: RunOptions, report: RunReport) -> bool:
    # In a process of its own, not rectools.ge_checks.run_checks in this one: GE's DuckDB
    # connection, opened with another configuration, outlives the checks (even after its
    # engine is disposed), and the lettering export's read-only connect to the same file
    # then fails in this process ("different configuration than existing connections").
    command = [sys.executable, str(PROJECT_ROOT / "scripts" / "run_ge.py"), "--duckdb", str(options.duckdb_path)]
    if options.ge_docs_dir is not None:
        command += ["--docs-dir", str(options.ge_docs_dir)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ, **QUIET_ENV}, text=True,
                          capture_output=True, check=False)
    failed = [line.split(":", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("FAILED:")]
    docs = [line.split(":", 1)[1].strip() for line in done.stdout.splitlines() if line.startswith("data docs:")]
    report.great_expectations = {"returncode": done.returncode, "success": done.returncode == 0,
                                 "failed": failed[0].split(", ") if failed else [],
                                 "data_docs": docs[0] if docs else None}
    if done.returncode == 1:
        report.problems.append("Great Expectations checks failed")
    elif done.returncode != 0:
        report.great_expectations["error"] = (done.stderr or done.stdout).strip()[-2000:]
        report.problems.append("Great Expectations checks could not run")
    return done.returncode == 0


# --- 3. lettering export ------------------------------------------------------------

def lettering_export(options: RunOptions, report: RunReport) -> bool:
    try:
        summary = export_auto_applications(options.duckdb_path, options.exports_dir)
    except ExportError as error:
        report.problems.append(f"lettering export: {error}")
        report.exports = {"error": str(error)}
        return False
    report.exports = {
        "folder": str(summary.out_dir),
        "rows": summary.rows, "receipts": summary.receipts,
        "files": [{"entity": f.entity, "path": str(f.path), "rows": f.rows, "receipts": len(f.receipts),
                   "totals": {c: _number(t) for c, t in sorted(f.totals.items())}} for f in summary.files],
        "removed": [str(p) for p in summary.removed],
    }
    return True


# --- 4. the report ------------------------------------------------------------------

def read_results(options: RunOptions, report: RunReport) -> None:
    """Fill the report's figures from the built warehouse (whatever of it exists)."""
    if not options.duckdb_path.exists():
        return
    con = duckdb.connect(str(options.duckdb_path), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        if "intermediate.int_reporting__as_of_date" in tables:
            as_of = con.execute("select as_of_date from intermediate.int_reporting__as_of_date").fetchone()
            report.as_of_date = as_of[0].isoformat() if as_of and as_of[0] else None
        if "marts.reconciliation_exceptions" in tables:
            by_severity = {s: {"count": 0, "amount_reporting": 0} for s in SEVERITIES}
            for severity, count, amount in con.execute(
                    "select severity, count(*), coalesce(sum(amount_reporting), 0)"
                    " from marts.reconciliation_exceptions group by severity").fetchall():
                by_severity[severity] = {"count": count, "amount_reporting": _number(amount)}
            report.exceptions = {"total": sum(v["count"] for v in by_severity.values()),
                                 "by_severity": by_severity}
        if "marts.reconciliation_summary" in tables:
            metrics = dict(con.execute("select metric, value from marts.reconciliation_summary").fetchall())
            report.figures = {
                "revenue_at_risk_reporting": _number(metrics.get("amount_at_risk_reporting")),
                "unapplied_cash_reporting": _number(metrics.get("unapplied_cash_reporting")),
                "quarantined_rows": None if metrics.get("quarantined_rows") is None else int(metrics["quarantined_rows"]),
            }
        if "marts.review_decisions" in tables:
            report.decisions = _decisions(con)
        if "marts.exception_history" in tables and report.as_of_date:
            report.history = _history(con, report.as_of_date)
    finally:
        con.close()


def _decisions(con: duckdb.DuckDBPyConnection) -> dict:
    """Reviewer decisions of the run by outcome: applied, and those not applied with why."""
    by_outcome = dict.fromkeys(DECISION_OUTCOMES, 0)
    by_outcome.update(con.execute(
        "select outcome, count(*) from marts.review_decisions group by outcome").fetchall())
    not_applied = [
        {"decision_id": d, "outcome": o, "change_description": c} for d, o, c in con.execute(
            "select decision_id, outcome, change_description from marts.review_decisions"
            " where outcome is distinct from 'applied' order by outcome, decision_id").fetchall()]
    return {"total": sum(by_outcome.values()), "applied": by_outcome["applied"],
            "not_applied": len(not_applied), "by_outcome": by_outcome, "not_applied_list": not_applied}


def _history(con: duckdb.DuckDBPyConnection, as_of: str) -> dict:
    columns = ("exception_id", "exception_type", "source_system", "source_record_id", "customer_key",
               "severity", "amount_reporting", "first_seen_as_of", "days_open")

    def listed(where: str) -> list[dict]:
        rows = con.execute(f"select {', '.join(columns)} from marts.exception_history where {where}"
                           " order by exception_type, source_record_id, exception_id", [as_of]).fetchall()
        return [{c: (v.isoformat() if isinstance(v, dt.date) else _number(v)) for c, v in zip(columns, row)}
                for row in rows]

    open_count, longest = con.execute(
        "select count(*), max(days_open) from marts.exception_history where status = 'open'").fetchone()
    return {
        "new_today": listed("status = 'open' and first_seen_as_of = cast(? as date)"),
        "resolved_today": listed("status = 'resolved' and resolved_as_of = cast(? as date)"),
        "reopened_today": listed("status = 'open' and reopened_as_of = cast(? as date)"),
        "open": open_count, "longest_open_days": longest,
    }


def write_report(report: RunReport) -> tuple[Path, Path]:
    report.options.report_dir.mkdir(parents=True, exist_ok=True)
    stem = f"run_{report.as_of_date}" if report.as_of_date else \
        f"run_unknown_{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S')}"
    json_path = report.options.report_dir / f"{stem}.json"
    md_path = report.options.report_dir / f"{stem}.md"
    json_path.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return md_path, json_path


def _cell(value) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return "" if value is None else " ".join(str(value).split()).replace("|", "\\|")


def _money(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def markdown(report: RunReport) -> str:
    data = report.as_json()
    out = [f"# Reconciliation run as of {report.as_of_date or 'unknown'}", "",
           f"**{data['status'].upper()}** (exit code {report.exit_code})", ""]
    out += [f"- {problem}" for problem in report.problems] + ([""] if report.problems else [])
    out += ["| input | value |", "| --- | --- |"]
    out += [f"| {k} | {v if v is not None else 'default'} |" for k, v in data["inputs"].items()]
    out += [f"| started / finished (UTC) | {report.started_at} / {report.finished_at} |", ""]
    if report.exceptions:
        out += ["## Exceptions", "", "| severity | exceptions | amount at risk (reporting currency) |",
                "| --- | ---: | ---: |"]
        out += [f"| {s} | {v['count']:,} | {_money(v['amount_reporting'])} |"
                for s, v in report.exceptions["by_severity"].items()]
        total_amount = sum(v["amount_reporting"] or 0 for v in report.exceptions["by_severity"].values())
        out += [f"| **total** | **{report.exceptions['total']:,}** | **{_money(total_amount)}** |", ""]
    if report.figures:
        out += [f"- revenue at risk: {_money(report.figures['revenue_at_risk_reporting'])} (reporting currency)",
                f"- unapplied cash: {_money(report.figures['unapplied_cash_reporting'])} (reporting currency)",
                f"- quarantined landing rows: {report.figures['quarantined_rows']}", ""]
    if report.history:
        h = report.history
        out += ["## Since the last run", "",
                f"{len(h['new_today'])} new, {len(h['resolved_today'])} resolved, {len(h['reopened_today'])}"
                f" reopened today; {h['open']} open, the longest for {h['longest_open_days']} days"
                " (marts.exception_history).", ""]
        for title, key in (("New today", "new_today"), ("Resolved today", "resolved_today"),
                           ("Reopened today", "reopened_today")):
            rows = h[key]
            if not rows:
                continue
            out += [f"### {title}", "", "| exception_id | type | record | severity | amount at risk | first seen |",
                    "| --- | --- | --- | --- | ---: | --- |"]
            out += [f"| {r['exception_id']} | {r['exception_type']} | {r['source_system']} {r['source_record_id']}"
                    f" | {r['severity']} | {_money(r['amount_reporting'])} | {r['first_seen_as_of']} |"
                    for r in rows[:MARKDOWN_LIST_LIMIT]]
            if len(rows) > MARKDOWN_LIST_LIMIT:
                out.append(f"| ... {len(rows) - MARKDOWN_LIST_LIMIT} more in the JSON report | | | | | |")
            out.append("")
    if report.decisions:
        dec = report.decisions
        out += ["## Reviewer decisions", "",
                f"{dec['applied']} applied, {dec['not_applied']} not applied of {dec['total']} in the decisions"
                " file (marts.review_decisions)"
                + (": " + ", ".join(f"{n} {o}" for o, n in dec["by_outcome"].items() if o != "applied" and n)
                   if dec["not_applied"] else "") + ".", ""]
        if dec["not_applied_list"]:
            out += ["| decision_id | outcome | what happened |", "| --- | --- | --- |"]
            out += [f"| {_cell(d['decision_id'])} | {d['outcome']} | {_cell(d['change_description'])} |"
                    for d in dec["not_applied_list"][:MARKDOWN_LIST_LIMIT]]
            if len(dec["not_applied_list"]) > MARKDOWN_LIST_LIMIT:
                out.append(f"| ... {len(dec['not_applied_list']) - MARKDOWN_LIST_LIMIT} more in the JSON report | | |")
            out.append("")
    out += ["## Checks", ""]
    if report.dbt:
        d = report.dbt
        if "tests_passed" in d:
            out.append(f"- dbt build: {d['models_and_seeds_built']} models and seeds built, "
                       f"{len(d['models_and_seeds_not_built'])} not built; tests {d['tests_passed']} passed, "
                       f"{d['tests_warned']} warned, {len(d['tests_failed'])} failed")
            out += [f"  - failed: `{t}`" for t in d["tests_failed"][:MARKDOWN_LIST_LIMIT]]
            out += [f"  - not built: `{t}`" for t in d["models_and_seeds_not_built"][:MARKDOWN_LIST_LIMIT]]
        if d.get("error"):
            out += ["", "```", d["error"], "```"]
    ge = report.great_expectations
    if ge:
        out.append(f"- Great Expectations: {'passed' if ge['success'] else 'FAILED'}"
                   + (f" (data docs: {ge['data_docs']})" if ge.get("data_docs") else ""))
        out += [f"  - failed: `{f}`" for f in ge["failed"]]
    else:
        out.append("- Great Expectations: not run")
    out += ["", "## Lettering export", ""]
    if report.exports.get("files") is not None:
        out += [f"{report.exports['rows']:,} sure applications of {report.exports['receipts']:,} receipts"
                f" in {report.exports['folder']} (import only after a run that exits 0):", "",
                "| entity | rows | receipts | file |", "| --- | ---: | ---: | --- |"]
        out += [f"| {f['entity']} | {f['rows']:,} | {f['receipts']:,} | {f['path']} |" for f in report.exports["files"]]
        out += [f"- removed (nothing sure for that entity today): {p}" for p in report.exports["removed"]]
    else:
        out.append(report.exports.get("error", "nothing exported"))
    return "\n".join(out) + "\n"


# --- the run --------------------------------------------------------------------------

def run(options: RunOptions) -> tuple[int, RunReport]:
    """The whole scheduled run; returns the exit code and the report (already written)."""
    report = RunReport(options)
    started = time.monotonic()

    def step(number: int, title: str) -> float:
        say(f"{number}/4 {title} ...")
        return time.monotonic()

    t = step(1, f"dbt build (landing {options.landing_dir or 'default'}, as of {options.as_of_date or 'latest'})")
    built = dbt_build(options, report)
    d = report.dbt
    if "tests_passed" in d:
        say(f"    {d['models_and_seeds_built']} models and seeds built, {len(d['models_and_seeds_not_built'])} "
            f"not built; tests {d['tests_passed']} passed, {len(d['tests_failed'])} failed"
            f" ({time.monotonic() - t:.0f} s)")
    if not built:
        report.exit_code = EXIT_BUILD_FAILED
        say("    build FAILED: no checks, no exports")
        print(d.get("error", ""), file=sys.stderr)
    else:
        t = step(2, "Great Expectations checkpoint")
        ge_ok = great_expectations(options, report)
        say(f"    {'passed' if ge_ok else 'FAILED'} ({time.monotonic() - t:.0f} s)")
        t = step(3, f"lettering export to {options.exports_dir}")
        exported = lettering_export(options, report)
        say(f"    {report.exports.get('rows', 0):,} rows in {len(report.exports.get('files', []))} entity files"
            f" ({time.monotonic() - t:.0f} s)" if exported else f"    FAILED: {report.exports['error']}")
        if report.dbt["tests_failed"] or not ge_ok or not exported:
            report.exit_code = EXIT_CHECKS_FAILED
    step(4, f"run report in {options.report_dir}")
    if built:
        read_results(options, report)
    else:
        # what the warehouse holds is an earlier run's: the report names only this run
        report.as_of_date = options.as_of_date
    report.finished_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    md_path, json_path = write_report(report)
    if report.history:
        say(f"    as of {report.as_of_date}: {report.exceptions.get('total', 0)} exceptions, "
            f"{len(report.history['new_today'])} new, {len(report.history['resolved_today'])} resolved today")
    say(f"    {md_path.name}, {json_path.name}")
    say(f"done in {time.monotonic() - started:.0f} s: exit {report.exit_code} ({STATUS[report.exit_code]})")
    return report.exit_code, report
