-- Billing invoices, with the billing tool's own view of what was paid.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__invoices') }}

),

staged as (

    select
        invoice_id,
        invoice_number,
        customer_id,
        subscription_id,
        status,
        issue_date,
        due_date,
        period_start,
        period_end,
        currency,
        subtotal,
        tax_amount,
        total,
        amount_paid,
        billing_entity
    from checked
    where _quarantine_reason is null

)

select * from staged
