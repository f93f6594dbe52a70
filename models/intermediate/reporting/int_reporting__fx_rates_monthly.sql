-- One rate per month and currency into the reporting currency, for ARR measured at
-- each month end (CONTRACT.md, ARR): the latest rate on or before the month end,
-- divided by the reporting currency's own rate of that day as in
-- int_reporting__fx_rates_as_of; the reporting currency is 1 every month.
with

fx_rates as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

latest_dates as (

    select
        month_spine.month,
        month_spine.month_end_date,
        fx_rates.currency,
        max(fx_rates.rate_date) as rate_date
    from month_spine
    inner join fx_rates
        on month_spine.month_end_date >= fx_rates.rate_date
    group by month_spine.month, month_spine.month_end_date, fx_rates.currency

),

latest_rates as (

    select
        latest_dates.month,
        latest_dates.month_end_date,
        latest_dates.currency,
        latest_dates.rate_date,
        fx_rates.rate_to_reporting
    from latest_dates
    inner join fx_rates
        on latest_dates.currency = fx_rates.currency
            and latest_dates.rate_date = fx_rates.rate_date

),

reporting_rates as (

    select
        month,
        max(rate_to_reporting) as rate_to_reporting
    from latest_rates
    where currency = '{{ var("reporting_currency") }}'
    group by month

),

converted as (

    select
        latest_rates.month,
        latest_rates.month_end_date,
        latest_rates.currency,
        latest_rates.rate_date,
        cast(
            case
                when latest_rates.currency = '{{ var("reporting_currency") }}' then 1
                else latest_rates.rate_to_reporting / coalesce(reporting_rates.rate_to_reporting, 1)
            end as {{ type_fx_rate() }}
        ) as rate_to_reporting
    from latest_rates
    left join reporting_rates
        on latest_rates.month = reporting_rates.month

),

-- the reporting currency converts to itself even when the file does not list it
reporting_currency_months as (

    select
        month_spine.month,
        month_spine.month_end_date,
        '{{ var("reporting_currency") }}' as currency,
        month_spine.month_end_date as rate_date,
        cast(1 as {{ type_fx_rate() }}) as rate_to_reporting
    from month_spine
    where not exists (
            select 1 from latest_rates
            where latest_rates.month = month_spine.month
                and latest_rates.currency = '{{ var("reporting_currency") }}'
        )

),

final as (

    select * from converted
    union all
    select * from reporting_currency_months

)

select * from final
