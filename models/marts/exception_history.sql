-- One row per exception ever raised, across scheduled runs: when it was first and last
-- seen, when it was resolved (gone from a run after being seen), and how often it came
-- back. Dates are the runs' business dates (int_reporting__as_of_date), never the wall
-- clock, so re-running a day changes nothing and aging is the data's own (DECISIONLOG
-- "Exception history"). On DuckDB the table keeps its rows from run to run
-- (incremental, even under --full-refresh); on Spark it is rebuilt from the current run
-- only (first seen = last seen = the as-of date): the history is DuckDB-only.
-- delete+insert only replaces the rows this run selects: an exception only an earlier
-- run of this same day raised, and that this re-run does not raise, is left out of the
-- select ("merged" below) and deleted from the table by the post-hook. The hook's
-- last_seen = as-of condition keeps a backfill (which leaves history alone) from
-- touching anything: every open row of the history was seen by its latest run.
{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    incremental_strategy='delete+insert',
    unique_key='exception_id',
    full_refresh=false,
    post_hook=([
        "delete from {{ this }}
        where status = 'open'
            and first_seen_as_of = (select as_of_date from {{ ref('int_reporting__as_of_date') }})
            and last_seen_as_of = (select as_of_date from {{ ref('int_reporting__as_of_date') }})
            and exception_id not in (select exception_id from {{ ref('reconciliation_exceptions') }})"
    ] if target.type == 'duckdb' else []),
) }}

with

exceptions as (

    select * from {{ ref('reconciliation_exceptions') }}

),

as_of as (

    select as_of_date from {{ ref('int_reporting__as_of_date') }}

),

todays as (

    select
        exceptions.exception_id,
        exceptions.exception_type,
        exceptions.source_system,
        exceptions.source_record_id,
        exceptions.customer_key,
        exceptions.severity,
        exceptions.amount_reporting,
        as_of.as_of_date
    from exceptions
    cross join as_of

),

{%- if is_incremental() %}

history as (

    select * from {{ this }}

),

known_until as (

    -- the latest run the history has taken in
    select
        max(
            case
                when resolved_as_of > last_seen_as_of then resolved_as_of
                else last_seen_as_of
            end
        ) as known_as_of
    from history

),

run as (

    -- a run dated before what the history knows (a backfill) would rewrite later
    -- knowledge with older data: it leaves the history as it is
    select
        as_of.as_of_date,
        coalesce(known_until.known_as_of <= as_of.as_of_date, true) as is_latest
    from as_of
    cross join known_until

),

compared as (

    select
        run.as_of_date,
        todays.exception_type as todays_exception_type,
        todays.source_system as todays_source_system,
        todays.source_record_id as todays_source_record_id,
        todays.customer_key as todays_customer_key,
        todays.severity as todays_severity,
        todays.amount_reporting as todays_amount_reporting,
        history.exception_type,
        history.source_system,
        history.source_record_id,
        history.customer_key,
        history.severity,
        history.amount_reporting,
        history.first_seen_as_of,
        history.last_seen_as_of,
        history.resolved_as_of,
        history.reopened_as_of,
        history.status,
        history.times_reopened,
        coalesce(todays.exception_id, history.exception_id) as exception_id,
        todays.exception_id is not null as is_seen_today,
        history.exception_id is not null as is_known
    from todays
    full outer join history
        on todays.exception_id = history.exception_id
    cross join run
    where run.is_latest

),

merged as (

    select
        exception_id,
        case when is_seen_today then todays_exception_type else exception_type end as exception_type,
        case when is_seen_today then todays_source_system else source_system end as source_system,
        case when is_seen_today then todays_source_record_id else source_record_id end as source_record_id,
        case when is_seen_today then todays_customer_key else customer_key end as customer_key,
        case when is_seen_today then todays_severity else severity end as severity,
        case when is_seen_today then todays_amount_reporting else amount_reporting end as amount_reporting,
        -- new today: first seen today
        case when is_known then first_seen_as_of else as_of_date end as first_seen_as_of,
        case when is_seen_today then as_of_date else last_seen_as_of end as last_seen_as_of,
        case
            when is_seen_today then null
            -- gone today: resolved today, unless resolved already
            when status = 'open' then as_of_date
            else resolved_as_of
        end as resolved_as_of,
        case
            -- back after a resolution on an earlier day: reopened today
            when is_seen_today and status = 'resolved' and resolved_as_of < as_of_date then as_of_date
            else reopened_as_of
        end as reopened_as_of,
        case when is_seen_today then 'open' else 'resolved' end as status,
        case
            when is_seen_today and status = 'resolved' and resolved_as_of < as_of_date then times_reopened + 1
            when is_known then times_reopened
            else 0
        end as times_reopened
    from compared
    -- raised only by an earlier run of this same day and gone on this re-run: the
    -- re-run replaces that run, so it was never raised
    where not (not is_seen_today and status = 'open' and first_seen_as_of = as_of_date)

),

kept as (

    -- a backfill run: the history as it is
    select
        history.exception_id,
        history.exception_type,
        history.source_system,
        history.source_record_id,
        history.customer_key,
        history.severity,
        history.amount_reporting,
        history.first_seen_as_of,
        history.last_seen_as_of,
        history.resolved_as_of,
        history.reopened_as_of,
        history.status,
        history.times_reopened
    from history
    cross join run
    where not run.is_latest

),

histories as (

    select * from merged
    union all
    select * from kept

),

{%- else %}

histories as (

    -- the first run (and every Spark run): what this run raised, seen today
    select
        exception_id,
        exception_type,
        source_system,
        source_record_id,
        customer_key,
        severity,
        amount_reporting,
        as_of_date as first_seen_as_of,
        as_of_date as last_seen_as_of,
        cast(null as date) as resolved_as_of,
        cast(null as date) as reopened_as_of,
        'open' as status,
        0 as times_reopened
    from todays

),

{%- endif %}

final as (

    select
        exception_id,
        exception_type,
        source_system,
        source_record_id,
        customer_key,
        severity,
        cast(amount_reporting as {{ type_money() }}) as amount_reporting,
        cast(first_seen_as_of as date) as first_seen_as_of,
        cast(last_seen_as_of as date) as last_seen_as_of,
        cast(resolved_as_of as date) as resolved_as_of,
        cast(reopened_as_of as date) as reopened_as_of,
        status,
        cast(times_reopened as {{ dbt.type_int() }}) as times_reopened,
        -- aging: days it was seen open, first seen to last seen (the as-of date while open)
        cast(
            {{ dbt.datediff('first_seen_as_of', 'last_seen_as_of', 'day') }}
            as {{ dbt.type_int() }}
        ) as days_open
    from histories

)

select * from final
