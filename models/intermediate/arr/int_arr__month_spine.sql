-- One row per month from the first month any source has ARR to the as-of month
-- (issue #7). The first month is the earliest month end a CRM line or billing item
-- is active on, or the earliest revenue posting; months are counted off that month
-- with plain cross-joined digits, so no engine-only series generator is needed.
with

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

subscription_items as (

    select * from {{ ref('stg_billing__subscription_items') }}

),

gl_journal_lines as (

    select * from {{ ref('stg_erp__gl_journal_lines') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

-- a term counts from the month whose end it reaches (CONTRACT.md: ARR at month end)
term_months as (

    select cast({{ dbt.date_trunc('month', 'start_date') }} as date) as start_month
    from contract_lines
    where {{ dbt.last_day('start_date', 'month') }} <= {{ open_end('end_date') }}

    union all

    select cast({{ dbt.date_trunc('month', 'start_date') }} as date) as start_month
    from subscription_items
    where {{ dbt.last_day('start_date', 'month') }} <= {{ open_end('end_date') }}

    union all

    select cast({{ dbt.date_trunc('month', 'posting_date') }} as date) as start_month
    from gl_journal_lines
    where account_type = 'revenue'

),

bounds as (

    select
        min(term_months.start_month) as first_month,
        max(as_of.as_of_month) as last_month
    from term_months
    cross join as_of

),

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

-- 0..999 months: over 80 years of history
month_offsets as (

    select units.digit + 10 * tens.digit + 100 * hundreds.digit as month_offset
    from digits as units
    cross join digits as tens
    cross join digits as hundreds

),

months as (

    select
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', 'bounds.first_month') }} as date)
            as spine_month
    from bounds
    inner join month_offsets
        on month_offsets.month_offset
            <= {{ dbt.datediff('bounds.first_month', 'bounds.last_month', 'month') }}

),

final as (

    select
        spine_month as month, -- noqa: RF04
        cast({{ dbt.last_day('spine_month', 'month') }} as date) as month_end_date
    from months

)

select * from final
