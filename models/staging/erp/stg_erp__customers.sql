-- ERP customers: third-party receivable accounts, one per legal entity that holds them.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_erp__customers') }}

),

staged as (

    select
        erp_customer_id,
        name,
        tax_id,
        country,
        entity,
        crm_account_id,
        created_at
    from checked
    where _quarantine_reason is null

)

select * from staged
