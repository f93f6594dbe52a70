"""Great Expectations checks over the built DuckDB warehouse.

Data access: a Great Expectations 1.x **SQL datasource** on the DuckDB file through
duckdb-engine (``duckdb:///<path>``, opened read-only), in an ephemeral context, so
the expectations run as SQL inside DuckDB; nothing is loaded into pandas.

One wrinkle, handled by ``_ReadOnlyDuckDBDialect``: GE fetches a query's rows after
handing the connection back to the pool, and SQLAlchemy's rollback on check-in runs
on the very DuckDB connection that holds the pending result, which empties it (every
metric then fails with "list index out of range"). Our connection is read-only, so
there is nothing to roll back: the dialect runs in plain autocommit (no begin,
commit or rollback).

Checks are organised as a registry of suites. A suite is a function returning a list
of :class:`Check` (a table or a query, and the expectations to run on it); register
it with ``@suite("name")``. Later work adds cross-mart coherence the same way::

    @suite("mart_coherence")
    def mart_coherence() -> list[Check]:
        return [Check(asset="exceptions_keys", table=("marts", "reconciliation_exceptions"),
                      expectations=[gxe.ExpectColumnValuesToBeUnique(column="exception_id")])]

``run_checks`` first makes sure the file and every relation the checks name exist
(:class:`UsageError` otherwise), then runs one GE validation per check through one
checkpoint that also writes data docs.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from rectools.contract import PROJECT_ROOT, landing_entities

DEFAULT_DOCS_DIR = PROJECT_ROOT / "ge_data_docs"
DIALECT = "duckdb.rectools_readonly"  # registered below, used as duckdb+rectools_readonly://
DOCS_SITE = "ge_data_docs"


class UsageError(Exception):
    """The checks cannot run: missing DuckDB file, missing table, bad arguments."""


@dataclass
class Check:
    """One batch (a whole table or a query) and the expectations to run on it.

    ``expectations`` are built lazily (a callable returning GE expectation objects)
    so that importing this module and listing checks stays cheap.
    """

    asset: str
    expectations: Callable[[], list]
    table: tuple[str, str] | None = None  # (schema, table)
    query: str | None = None
    requires: tuple[str, ...] = ()  # "schema.relation" that must exist

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise ValueError(f"check {self.asset}: give exactly one of table or query")
        if self.table and not self.requires:
            self.requires = (f"{self.table[0]}.{self.table[1]}",)


SUITES: dict[str, Callable[[], list[Check]]] = {}


def suite(name: str):
    """Register a suite function under ``name`` (runs in registration order)."""

    def register(func: Callable[[], list[Check]]):
        SUITES[name] = func
        return func

    return register


def _entities():
    """The landing entities to check (a seam for tests)."""
    return landing_entities()


def staging_table(ent) -> str:
    return f"stg_{ent.relation}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------- suites


@suite("staging_keys")
def staging_keys() -> list[Check]:
    """Every staging table's key (landing.yml ``key: true``) is not null and unique."""
    import great_expectations.expectations as gxe

    checks = []
    for ent in _entities():
        keys = list(ent.key_columns)

        def build(keys=keys) -> list:
            exps = [gxe.ExpectColumnValuesToNotBeNull(column=k) for k in keys]
            if len(keys) == 1:
                exps.append(gxe.ExpectColumnValuesToBeUnique(column=keys[0]))
            else:
                exps.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=keys))
            return exps

        checks.append(Check(asset=staging_table(ent), table=("staging", staging_table(ent)), expectations=build))
    return checks


@suite("row_conservation")
def row_conservation() -> list[Check]:
    """Staged rows + quarantined rows = landing rows, for every entity.

    One query returns a single wide row with ``<entity>__landing_rows`` and
    ``<entity>__staged_plus_quarantined`` per entity, so each failing expectation
    names its entity. Quarantine rows match on ``source_system`` and ``entity``
    (the entity's own name, or ``<system>__<entity>``), trimmed and lower-cased.
    """
    import great_expectations.expectations as gxe

    entities = list(_entities())
    selects, requires = [], ["marts.quarantine_rows"]
    for ent in entities:
        landing = f"landing.{_quote(ent.relation)}"
        staging = f"staging.{_quote(staging_table(ent))}"
        requires += [f"landing.{ent.relation}", f"staging.{staging_table(ent)}"]
        selects.append(
            f"(select count(*) from {landing}) as {_quote(ent.relation + '__landing_rows')}, "
            f"(select count(*) from {staging}) + (select count(*) from marts.quarantine_rows q "
            f"where lower(trim(q.source_system)) = '{ent.system}' "
            f"and lower(trim(q.entity)) in ('{ent.name}', '{ent.relation}')) "
            f"as {_quote(ent.relation + '__staged_plus_quarantined')}"
        )
    query = "select " + ",\n       ".join(selects)

    def build() -> list:
        return [
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A=f"{ent.relation}__landing_rows",
                column_B=f"{ent.relation}__staged_plus_quarantined",
            )
            for ent in entities
        ]

    return [Check(asset="row_counts_by_entity", query=query, expectations=build, requires=tuple(requires))]


def _exception_types() -> list[str]:
    """The 20 types of the vocabulary, as the project's catalogue seed lists them."""
    import csv

    with (PROJECT_ROOT / "seeds" / "exception_types.csv").open(newline="", encoding="utf-8") as handle:
        return [row["exception_type"] for row in csv.DictReader(handle)]


# GE query assets must start with SELECT: the recomputation is a subquery, not a CTE
SUMMARY_AGAINST_EXCEPTIONS = """
select
    summary.metric,
    cast(summary.value as decimal(20, 4)) as summary_value,
    cast(coalesce(recomputed.mart_value, 0) as decimal(20, 4)) as exception_rows_value
from marts.reconciliation_summary as summary
left join (
    select 'exceptions' as metric, count(*) as mart_value from marts.reconciliation_exceptions
    union all
    select 'amount_at_risk_reporting', coalesce(sum(amount_reporting), 0) from marts.reconciliation_exceptions
    union all
    select 'exceptions.type.' || exception_type, count(*) from marts.reconciliation_exceptions group by 1
    union all
    select 'amount_at_risk_reporting.type.' || exception_type, sum(amount_reporting)
    from marts.reconciliation_exceptions group by 1
    union all
    select 'exceptions.severity.' || severity, count(*) from marts.reconciliation_exceptions group by 1
    union all
    select 'amount_at_risk_reporting.severity.' || severity, sum(amount_reporting)
    from marts.reconciliation_exceptions group by 1
) as recomputed on summary.metric = recomputed.metric
where summary.metric in ('exceptions', 'amount_at_risk_reporting')
   or summary.metric like 'exceptions.%'
   or summary.metric like 'amount_at_risk_reporting.%'
"""

MART_ROW_RELATIONS = """
select
    (select count(*) from marts.receipt_balances) as receipt_balance_rows,
    (select count(*) from staging.stg_erp__cash_receipts) as staged_receipts,
    (select count(*) from marts.reconciliation_exceptions where exception_type = 'unapplied_cash')
        as unapplied_cash_exceptions,
    (select count(*) from marts.receipt_balances where unexplained_amount > 0) as receipts_with_unexplained_cash,
    (select count(*) from marts.reconciliation_exceptions) as exception_rows,
    (select cast(value as bigint) from marts.reconciliation_summary where metric = 'exceptions')
        as summary_exceptions
"""


ARR_BRIDGE_AGAINST_ARR = """
select
    bridges.bridge,
    bridges.month,
    bridges.opening_arr + bridges.steps_arr as bridged_arr,
    bridges.closing_arr,
    abs(bridges.opening_arr - coalesce(totals.from_arr, 0)) / greatest(coalesce(totals.customer_rows, 0), 1)
        as opening_gap_per_customer,
    abs(bridges.closing_arr - coalesce(totals.to_arr, 0)) / greatest(coalesce(totals.customer_rows, 0), 1)
        as closing_gap_per_customer
from (
    select bridge, month,
           sum(case when step_kind = 'opening' then amount else 0 end) as opening_arr,
           sum(case when step_kind not in ('opening', 'closing') then amount else 0 end) as steps_arr,
           sum(case when step_kind = 'closing' then amount else 0 end) as closing_arr
    from marts.arr_bridge
    group by bridge, month
) as bridges
left join (
    select 'crm_to_billing' as bridge, month, sum(crm_arr) as from_arr, sum(billing_arr) as to_arr,
           count(*) as customer_rows
    from marts.arr_by_customer_month group by month
    union all
    select 'billing_to_erp', month, sum(billing_arr), sum(erp_arr), count(*)
    from marts.arr_by_customer_month group by month
) as totals on bridges.bridge = totals.bridge and bridges.month = totals.month
"""


@suite("mart_coherence")
def mart_coherence() -> list[Check]:
    """The marts agree with each other: exception value sets and ranges, the summary
    equal to the sum of the exception rows (per type and severity, counts and money),
    one balance per receipt, no more unapplied_cash than receipts with cash unexplained,
    and an ARR bridge that adds up and opens and closes on the ARR of arr_by_customer_month
    (within a cent per customer group: the bridge rounds per record)."""
    import great_expectations.expectations as gxe

    def exception_rows() -> list:
        return [
            gxe.ExpectColumnValuesToNotBeNull(column="exception_id"),
            gxe.ExpectColumnValuesToBeUnique(column="exception_id"),
            gxe.ExpectColumnValuesToBeInSet(column="exception_type", value_set=_exception_types()),
            gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=["high", "medium", "low"]),
            gxe.ExpectColumnValuesToBeInSet(column="source_system", value_set=["crm", "billing", "erp"]),
            gxe.ExpectColumnValuesToBeInSet(column="review_status", value_set=["open", "confirmed", "dismissed"]),
            gxe.ExpectColumnValuesToNotBeNull(column="source_record_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="explanation"),
            gxe.ExpectColumnValuesToNotBeNull(column="recommended_action"),
            gxe.ExpectColumnValuesToNotBeNull(column="detected_as_of"),
            gxe.ExpectColumnValuesToBeBetween(column="age_days", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="amount_reporting", min_value=0),
        ]

    def summary_sums() -> list:
        return [gxe.ExpectColumnPairValuesToBeEqual(column_A="summary_value", column_B="exception_rows_value")]

    def row_relations() -> list:
        return [
            gxe.ExpectColumnPairValuesToBeEqual(column_A="receipt_balance_rows", column_B="staged_receipts"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="receipts_with_unexplained_cash", column_B="unapplied_cash_exceptions", or_equal=True),
            gxe.ExpectColumnPairValuesToBeEqual(column_A="exception_rows", column_B="summary_exceptions"),
        ]

    def arr_bridge() -> list:
        return [
            gxe.ExpectColumnPairValuesToBeEqual(column_A="bridged_arr", column_B="closing_arr"),
            gxe.ExpectColumnValuesToBeBetween(column="opening_gap_per_customer", min_value=0, max_value=0.01),
            gxe.ExpectColumnValuesToBeBetween(column="closing_gap_per_customer", min_value=0, max_value=0.01),
        ]

    return [
        Check(asset="reconciliation_exceptions", table=("marts", "reconciliation_exceptions"),
              expectations=exception_rows),
        Check(asset="summary_equals_exception_rows", query=SUMMARY_AGAINST_EXCEPTIONS, expectations=summary_sums,
              requires=("marts.reconciliation_summary", "marts.reconciliation_exceptions")),
        Check(asset="mart_row_relations", query=MART_ROW_RELATIONS, expectations=row_relations,
              requires=("marts.receipt_balances", "staging.stg_erp__cash_receipts",
                        "marts.reconciliation_exceptions", "marts.reconciliation_summary")),
        Check(asset="arr_bridge_against_arr", query=ARR_BRIDGE_AGAINST_ARR, expectations=arr_bridge,
              requires=("marts.arr_bridge", "marts.arr_by_customer_month")),
    ]


# --------------------------------------------------------------------------- runner


@dataclass
class Outcome:
    suite: str
    asset: str
    expectation: str
    target: str  # column(s) the expectation is about
    success: bool
    detail: str = ""


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)
    docs_index: Path | None = None

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]


def _register_dialect() -> None:
    from duckdb_engine import Dialect
    from sqlalchemy.dialects import registry

    class ReadOnlyDuckDBDialect(Dialect):
        """duckdb-engine in plain autocommit: no begin, commit or rollback statements.

        A rollback would wipe a pending result; read-only, there is nothing to undo.
        """

        supports_statement_cache = False

        def do_begin(self, dbapi_connection) -> None:
            pass

        def do_commit(self, dbapi_connection) -> None:
            pass

        def do_rollback(self, dbapi_connection) -> None:
            pass

    globals()["_ReadOnlyDuckDBDialect"] = ReadOnlyDuckDBDialect
    registry.register(DIALECT, __name__, "_ReadOnlyDuckDBDialect")


def _existing_relations(duckdb_path: Path) -> set[str]:
    try:
        con = duckdb.connect(str(duckdb_path), read_only=True)
    except duckdb.Error as exc:
        raise UsageError(f"cannot open DuckDB file {duckdb_path}: {exc}") from exc
    try:
        rows = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    finally:
        con.close()
    return {f"{schema}.{name}" for schema, name in rows}


def collect_checks(suite_names: list[str] | None = None) -> list[tuple[str, Check]]:
    names = list(SUITES) if suite_names is None else suite_names
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        raise UsageError(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(SUITES)}")
    return [(name, check) for name in names for check in SUITES[name]()]


def _target(kwargs: dict) -> str:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_list" in kwargs:
        return "+".join(kwargs["column_list"])
    if "column_A" in kwargs:
        relation = "=" if "or_equal" not in kwargs else (">=" if kwargs["or_equal"] else ">")
        return f"{kwargs['column_A']} {relation} {kwargs['column_B']}"
    return ""


def _detail(result) -> str:
    infos = result.exception_info or {}
    if "raised_exception" in infos:  # flat form
        infos = {"": infos}
    for info in infos.values():
        if isinstance(info, dict) and info.get("raised_exception"):
            message = str(info.get("exception_message") or "").strip().splitlines()
            return "error: " + (message[0] if message else "expectation raised")
    res = result.result or {}
    if result.success:
        return ""
    parts = []
    if res.get("unexpected_count") is not None:
        parts.append(f"{res['unexpected_count']} unexpected")
    sample = res.get("partial_unexpected_list")
    if sample:
        parts.append(f"e.g. {sample[:3]}")
    return ", ".join(parts)


def run_checks(
    duckdb_path: str | Path,
    docs_dir: str | Path | None = DEFAULT_DOCS_DIR,
    suite_names: list[str] | None = None,
) -> RunResult:
    """Run the registered suites on a DuckDB file; write data docs to ``docs_dir``."""
    duckdb_path = Path(duckdb_path).resolve()
    if not duckdb_path.exists():
        raise UsageError(f"DuckDB file not found: {duckdb_path} (build it with dbt, or pass --duckdb)")
    checks = collect_checks(suite_names)
    existing = _existing_relations(duckdb_path)
    missing = sorted({rel for _, check in checks for rel in check.requires if rel not in existing})
    if missing:
        raise UsageError(f"missing table(s) in {duckdb_path}: {', '.join(missing)}")

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _register_dialect()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_sql(
        "warehouse",
        connection_string=f"duckdb+rectools_readonly:///{duckdb_path}",
        kwargs={"connect_args": {"read_only": True}},
    )
    definitions, asset_suite = [], {}
    for suite_name, check in checks:
        if check.table:
            with warnings.catch_warnings():  # schema per asset is what we need on one DuckDB file
                warnings.filterwarnings("ignore", message="`schema_name` is deprecated", category=DeprecationWarning)
                asset = datasource.add_table_asset(check.asset, table_name=check.table[1], schema_name=check.table[0])
        else:
            asset = datasource.add_query_asset(check.asset, query=check.query)
        expectation_suite = context.suites.add(gx.ExpectationSuite(name=f"{suite_name}.{check.asset}"))
        for expectation in check.expectations():
            expectation_suite.add_expectation(expectation)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=f"{suite_name}.{check.asset}",
                    data=asset.add_batch_definition_whole_table("whole table"),
                    suite=expectation_suite,
                )
            )
        )
        asset_suite[f"{suite_name}.{check.asset}"] = (suite_name, check.asset)

    actions = []
    docs_index = None
    if docs_dir is not None:
        docs_dir = Path(docs_dir).resolve()
        context.add_data_docs_site(
            site_name=DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        actions.append(UpdateDataDocsAction(name="update_docs", site_names=[DOCS_SITE]))
        docs_index = docs_dir / "index.html"

    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name="warehouse_checks", validation_definitions=definitions, actions=actions,
                      result_format="SUMMARY")
    )
    try:
        run = checkpoint.run()
    finally:
        datasource.get_engine().dispose()

    result = RunResult(docs_index=docs_index)
    for validation in run.run_results.values():
        suite_name, asset_name = asset_suite[validation.suite_name]
        for er in validation.results:
            config = er.expectation_config
            result.outcomes.append(
                Outcome(
                    suite=suite_name,
                    asset=asset_name,
                    expectation=config.type,
                    target=_target(config.kwargs),
                    success=bool(er.success),
                    detail=_detail(er),
                )
            )
    return result


def format_outcomes(result: RunResult) -> str:
    header = ("status", "suite", "asset", "expectation", "on", "detail")
    rows = [header] + [
        ("PASS" if o.success else "FAIL", o.suite, o.asset, o.expectation, o.target, o.detail)
        for o in result.outcomes
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    passed = sum(o.success for o in result.outcomes)
    lines.append("")
    lines.append(f"{passed}/{len(result.outcomes)} expectations passed")
    return "\n".join(lines)

