-- CRM accounts: the companies sales works with.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_crm__accounts') }}

),

staged as (

    select
        account_id,
        account_name,
        legal_name,
        tax_id,
        website,
        billing_country,
        parent_account_id,
        created_at,
        updated_at,
        is_deleted
    from checked
    where _quarantine_reason is null

)

select * from staged
