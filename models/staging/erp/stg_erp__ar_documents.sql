-- ERP receivable documents: invoices and credit memos as posted by accounting.
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_erp__ar_documents') }}

),

staged as (

    select
        document_id,
        document_number,
        document_type,
        erp_customer_id,
        external_reference,
        document_date,
        posting_date,
        due_date,
        currency,
        net_amount,
        tax_amount,
        gross_amount,
        entity,
        status
    from checked
    where _quarantine_reason is null

)

select * from staged
