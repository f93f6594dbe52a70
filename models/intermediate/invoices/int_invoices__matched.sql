-- The accepted links between billing documents and ERP documents, one row per pair,
-- with both sides' numbers, customers and amounts for the exceptions that read them
-- (duplicate_posting, posting_amount_mismatch, posting_customer_mismatch, ...).
with

candidates as (

    select * from {{ ref('int_invoices__match_candidates') }}

),

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

erp_documents as (

    select * from {{ ref('int_invoices__erp_documents') }}

),

accepted as (

    -- each rule model accepts a pair at most once, and a later rule only sees ERP
    -- documents the earlier ones left unmatched, so accepted pairs are already unique and
    -- an ERP document stands for one billing document (a billing document posted twice
    -- has two rows: duplicate_posting)
    select *
    from candidates
    where is_accepted

),

final as (

    select
        accepted.billing_document_type,
        accepted.billing_document_id,
        accepted.erp_document_id,
        accepted.match_method,
        accepted.match_confidence,
        accepted.amount_difference,
        billing_documents.billing_document_number,
        erp_documents.erp_document_number,
        erp_documents.external_reference,
        billing_documents.billing_status,
        billing_documents.customer_id as billing_customer_id,
        billing_documents.customer_key as billing_customer_key,
        erp_documents.erp_customer_id,
        erp_documents.customer_key as erp_customer_key,
        billing_documents.billing_entity,
        erp_documents.entity as erp_entity,
        billing_documents.currency,
        erp_documents.currency as erp_currency,
        billing_documents.billing_total,
        erp_documents.gross_amount as erp_gross_amount,
        billing_documents.issue_date,
        erp_documents.document_date,
        erp_documents.posting_date
    from accepted
    inner join billing_documents
        on accepted.billing_document_type = billing_documents.billing_document_type
            and accepted.billing_document_id = billing_documents.billing_document_id
    inner join erp_documents
        on accepted.erp_document_id = erp_documents.erp_document_id

)

select * from final
