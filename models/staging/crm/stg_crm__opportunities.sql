-- CRM opportunities: deals, with the contract they produced once won.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_crm__opportunities') }}

),

staged as (

    select
        opportunity_id,
        account_id,
        opportunity_name,
        opportunity_type,
        stage,
        close_date,
        amount,
        currency,
        contract_id,
        updated_at
    from checked
    where _quarantine_reason is null

)

select * from staged
