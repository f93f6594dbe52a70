-- Billing subscription items: product, quantity and unit price per billing interval.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__subscription_items') }}

),

staged as (

    select
        subscription_item_id,
        subscription_id,
        product_code,
        quantity,
        unit_amount,
        start_date,
        end_date
    from checked
    where _quarantine_reason is null

)

select * from staged
