-- Every currency that carries ARR in a month has a rate on or before that month end
-- (CONTRACT.md: converted at the latest rate on or before the day). Without one the
-- ARR models cannot convert and leave the amount out, so this warns loudly instead.
{{ config(severity='warn') }}

with

contracts as (

    select * from {{ ref('stg_crm__contracts') }}

),

contract_lines as (

    select * from {{ ref('stg_crm__contract_lines') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

gl_journal_lines as (

    select * from {{ ref('stg_erp__gl_journal_lines') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_monthly') }}

),

currency_months as (

    select
        month_spine.month,
        contracts.currency
    from contract_lines
    inner join contracts
        on contract_lines.contract_id = contracts.contract_id
    inner join month_spine
        on contract_lines.start_date <= month_spine.month_end_date
            and month_spine.month_end_date <= {{ open_end('contract_lines.end_date') }}

    union

    select
        month_spine.month,
        subscriptions.currency
    from subscriptions
    inner join month_spine
        on subscriptions.start_date <= month_spine.month_end_date
            and month_spine.month_end_date <= {{ open_end('subscriptions.end_date') }}

    union

    select
        month_spine.month,
        gl_journal_lines.currency
    from gl_journal_lines
    inner join month_spine
        on gl_journal_lines.posting_date >= month_spine.month
            and gl_journal_lines.posting_date <= month_spine.month_end_date
    where gl_journal_lines.account_type = 'revenue'

)

select currency_months.*
from currency_months
left join fx_rates
    on currency_months.month = fx_rates.month
        and currency_months.currency = fx_rates.currency
where fx_rates.currency is null
