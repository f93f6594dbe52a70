-- ERP general-ledger journal lines (receivable, deferred revenue, revenue, tax, cash).
-- Rows that break the contract are in quarantine_rows instead.
with checked as (

    select * from {{ ref('base_erp__gl_journal_lines') }}

),

staged as (

    select
        journal_line_id,
        journal_id,
        entity,
        posting_date,
        account_code,
        account_type,
        erp_customer_id,
        source_document_id,
        debit,
        credit,
        currency,
        description
    from checked
    where _quarantine_reason is null

)

select * from staged
