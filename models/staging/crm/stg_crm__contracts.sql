-- CRM contracts: what the customer signed (term, frequency, currency, billing entity).
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_crm__contracts') }}

),

staged as (

    select
        contract_id,
        account_id,
        contract_number,
        status,
        start_date,
        end_date,
        auto_renew,
        billing_frequency,
        currency,
        billing_entity,
        renewed_from_contract_id,
        signed_date,
        updated_at
    from checked
    where _quarantine_reason is null

)

select * from staged
