-- One rate per currency into the reporting currency: the latest rate on or before the
-- as-of date (CONTRACT.md). Rates are divided by the reporting currency's own rate of
-- that day, so the answer is right whether the file quotes into the reporting
-- currency (its own rate is 1) or into another one; the reporting currency is 1.
with

fx_rates as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

latest_dates as (

    select
        fx_rates.currency,
        max(fx_rates.rate_date) as rate_date
    from fx_rates
    cross join as_of
    where fx_rates.rate_date <= as_of.as_of_date
    group by fx_rates.currency

),

latest_rates as (

    select
        fx_rates.currency,
        fx_rates.rate_date,
        fx_rates.rate_to_reporting
    from fx_rates
    inner join latest_dates
        on fx_rates.currency = latest_dates.currency
            and fx_rates.rate_date = latest_dates.rate_date

),

reporting_rate as (

    select coalesce(max(rate_to_reporting), 1) as rate_to_reporting
    from latest_rates
    where currency = '{{ var("reporting_currency") }}'

),

final as (

    select
        latest_rates.currency,
        latest_rates.rate_date,
        cast(
            case
                when latest_rates.currency = '{{ var("reporting_currency") }}' then 1
                else latest_rates.rate_to_reporting / reporting_rate.rate_to_reporting
            end as {{ type_fx_rate() }}
        ) as rate_to_reporting
    from latest_rates
    cross join reporting_rate

    union all

    -- the reporting currency converts to itself even when the file does not list it
    select
        '{{ var("reporting_currency") }}' as currency,
        as_of.as_of_date as rate_date,
        cast(1 as {{ type_fx_rate() }}) as rate_to_reporting
    from as_of
    where not exists (
            select 1 from latest_rates
            where latest_rates.currency = '{{ var("reporting_currency") }}'
        )

)

select * from final
