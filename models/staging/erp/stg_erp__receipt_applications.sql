-- ERP lettering: which receipt pays which receivable document, and how much.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_erp__receipt_applications') }}

),

staged as (

    select
        application_id,
        receipt_id,
        document_id,
        applied_amount,
        applied_date
    from checked
    where _quarantine_reason is null

)

select * from staged
