-- Billing credit notes: positive totals that reduce what an invoice asks.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__credit_notes') }}

),

staged as (

    select
        credit_note_id,
        credit_note_number,
        invoice_id,
        customer_id,
        issue_date,
        currency,
        subtotal,
        tax_amount,
        total,
        reason
    from checked
    where _quarantine_reason is null

)

select * from staged
