-- Billing ARR per subscription item and month (CONTRACT.md, ARR): subscription items
-- active at the month end, of subscriptions active at the month end and not
-- trialing, quantity * unit_amount * periods_per_year, in the reporting currency at
-- that month end's rate. An item of an interval the contract does not know counts 0.
-- One row per item and month, summed per customer group by int_arr__source_monthly.
with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

subscription_items as (

    select * from {{ ref('stg_billing__subscription_items') }}

),

customers as (

    select * from {{ ref('int_customers__clustered') }}
    where source_system = 'billing'

),

month_spine as (

    select * from {{ ref('int_arr__month_spine') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_monthly') }}

),

counted_items as (

    select
        subscription_items.subscription_item_id,
        subscription_items.subscription_id,
        subscription_items.start_date as item_start_date,
        subscription_items.end_date as item_end_date,
        subscriptions.start_date as subscription_start_date,
        subscriptions.end_date as subscription_end_date,
        subscriptions.currency,
        customers.customer_key,
        cast(
            subscription_items.quantity * subscription_items.unit_amount
            * coalesce({{ periods_per_year('subscriptions.billing_interval') }}, 0)
            as {{ type_money() }}
        ) as arr_document
    from subscription_items
    inner join subscriptions
        on subscription_items.subscription_id = subscriptions.subscription_id
    inner join customers
        on subscriptions.customer_id = customers.source_customer_id
    where subscriptions.status != 'trialing'

),

active_item_months as (

    select
        month_spine.month,
        counted_items.subscription_item_id,
        counted_items.subscription_id,
        counted_items.customer_key,
        counted_items.currency,
        counted_items.arr_document
    from counted_items
    inner join month_spine
        on counted_items.item_start_date <= month_spine.month_end_date
            and month_spine.month_end_date <= {{ open_end('counted_items.item_end_date') }}
            and counted_items.subscription_start_date <= month_spine.month_end_date
            and month_spine.month_end_date <= {{ open_end('counted_items.subscription_end_date') }}

),

final as (

    select
        active_item_months.month,
        active_item_months.subscription_item_id,
        active_item_months.subscription_id,
        active_item_months.customer_key,
        active_item_months.currency,
        active_item_months.arr_document,
        fx_rates.rate_to_reporting,
        active_item_months.arr_document * fx_rates.rate_to_reporting as arr_reporting
    from active_item_months
    inner join fx_rates
        on active_item_months.month = fx_rates.month
            and active_item_months.currency = fx_rates.currency

)

select * from final
