-- Billing subscriptions: what the billing tool invoices on a schedule.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_billing__subscriptions') }}

),

staged as (

    select
        subscription_id,
        customer_id,
        crm_contract_id,
        status,
        start_date,
        end_date,
        billing_interval,
        currency,
        billing_entity,
        created_at,
        updated_at
    from checked
    where _quarantine_reason is null

)

select * from staged
