-- Billing payments: the billing tool's record of money received (evidence, never extra cash).
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__payments') }}

),

staged as (

    select
        payment_id,
        customer_id,
        invoice_id,
        amount,
        currency,
        paid_at,
        method,
        status,
        reference
    from checked
    where _quarantine_reason is null

)

select * from staged
