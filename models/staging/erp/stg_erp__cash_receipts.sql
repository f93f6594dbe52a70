-- ERP cash receipts: every cash movement from a customer, as on the bank statement.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_erp__cash_receipts') }}

),

staged as (

    select
        receipt_id,
        entity,
        bank_account,
        value_date,
        amount,
        currency,
        payer_name,
        bank_reference,
        erp_customer_id,
        created_at
    from checked
    where _quarantine_reason is null

)

select * from staged
