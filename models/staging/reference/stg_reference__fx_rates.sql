-- FX rates: one unit of currency in units of the reporting currency, by day.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_reference__fx_rates') }}

),

staged as (

    select
        rate_date,
        currency,
        rate_to_reporting
    from checked
    where _quarantine_reason is null

)

select * from staged
