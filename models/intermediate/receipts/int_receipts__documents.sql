-- Every ERP invoice document a receipt could pay, with what it is worth before any
-- cash: its gross amount less the credit memos posted against it. A credit memo is
-- tied to its invoice through billing (credit note -> credited invoice -> the ERP
-- document of that invoice), because the ERP itself does not say which invoice a
-- memo reduces. Cancelled documents are kept, flagged: lettering to them is not
-- trusted and no proposal may pay them. An invoice posted twice (duplicate_posting)
-- keeps its first live posting, by document date then id; the later ones are flagged
-- `is_repeat_posting`: the recommended action cancels them, so cash is not proposed
-- for them while the first posting is there to take it.
{{ config(materialized='table') }}

with

erp_documents as (

    select * from {{ ref('int_invoices__erp_documents') }}

),

matched as (

    select * from {{ ref('int_invoices__matched') }}

),

credit_notes as (

    select * from {{ ref('stg_billing__credit_notes') }}

),

invoice_postings as (

    -- an invoice posted twice (duplicate_posting) has two documents: a credit is
    -- tied to an invoice only when exactly one live document stands for it
    select
        matched.billing_document_id as billing_invoice_id,
        min(matched.erp_document_id) as erp_document_id,
        count(*) as live_document_count
    from matched
    inner join erp_documents
        on matched.erp_document_id = erp_documents.erp_document_id
    where matched.billing_document_type = 'invoice'
        and erp_documents.is_posted
    group by matched.billing_document_id

),

credits_per_document as (

    select
        invoice_postings.erp_document_id,
        sum(erp_documents.gross_amount) as credited_amount
    from matched
    inner join erp_documents
        on matched.erp_document_id = erp_documents.erp_document_id
    inner join credit_notes
        on matched.billing_document_id = credit_notes.credit_note_id
    inner join invoice_postings
        on credit_notes.invoice_id = invoice_postings.billing_invoice_id
    where matched.billing_document_type = 'credit_note'
        and erp_documents.is_posted
        and invoice_postings.live_document_count = 1
    group by invoice_postings.erp_document_id

),

billing_invoice_of_document as (

    select
        erp_document_id,
        billing_document_id as billing_invoice_id,
        billing_document_number as billing_invoice_number
    from matched
    where billing_document_type = 'invoice'

),

final as (

    select
        erp_documents.erp_document_id,
        erp_documents.erp_document_number,
        erp_documents.erp_customer_id,
        erp_documents.customer_key,
        erp_documents.entity,
        erp_documents.currency,
        erp_documents.document_date,
        erp_documents.posting_date,
        erp_documents.external_reference,
        erp_documents.is_posted,
        billing_invoice_of_document.billing_invoice_id,
        billing_invoice_of_document.billing_invoice_number,
        erp_documents.gross_amount,
        cast(coalesce(credits_per_document.credited_amount, 0) as {{ type_money() }}) as credited_amount,
        cast(
            erp_documents.gross_amount - coalesce(credits_per_document.credited_amount, 0)
            as {{ type_money() }}
        ) as amount_due,
        coalesce(
            erp_documents.is_posted
            and billing_invoice_of_document.billing_invoice_id is not null
            and row_number() over (
                partition by billing_invoice_of_document.billing_invoice_id, erp_documents.is_posted
                order by erp_documents.document_date, erp_documents.erp_document_id
            ) > 1,
            false
        ) as is_repeat_posting
    from erp_documents
    left join billing_invoice_of_document
        on erp_documents.erp_document_id = billing_invoice_of_document.erp_document_id
    left join credits_per_document
        on erp_documents.erp_document_id = credits_per_document.erp_document_id
    where erp_documents.erp_document_type = 'invoice'

)

select * from final
