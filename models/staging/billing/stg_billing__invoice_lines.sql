-- Billing invoice lines, net of tax.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__invoice_lines') }}

),

staged as (

    select
        invoice_line_id,
        invoice_id,
        subscription_item_id,
        product_code,
        description,
        quantity,
        unit_amount,
        amount,
        period_start,
        period_end,
        is_proration
    from checked
    where _quarantine_reason is null

)

select * from staged
