-- Billing customers: who invoices are addressed to (the name may be an old company name).
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__customers') }}

),

staged as (

    select
        customer_id,
        name,
        email,
        tax_id,
        country,
        currency,
        crm_account_id,
        created_at,
        updated_at
    from checked
    where _quarantine_reason is null

)

select * from staged
