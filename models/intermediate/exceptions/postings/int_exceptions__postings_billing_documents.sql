-- Every billing invoice and credit note with what the ERP made of it: its posting (the
-- first live ERP document that stands for it), the documents that repeat it, and a
-- cancelled document that references it. One row per billing document, posted or not:
-- the postings family reads every rule from here, and the GL family reads the posting
-- whose revenue it checks, so "which ERP document is the invoice's" is decided once.
-- The links themselves are the matching's (int_invoices__matched), never re-made here.
with

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

matched as (

    select * from {{ ref('int_invoices__matched') }}

),

candidates as (

    select * from {{ ref('int_invoices__match_candidates') }}

),

erp_documents as (

    select * from {{ ref('int_invoices__erp_documents') }}

),

ordered_postings as (

    -- the first document posted is the posting; any later one repeats it
    -- (CONTRACT.md duplicate_posting: "more than one ERP document stands for the invoice")
    select
        matched.*,
        row_number() over (
            partition by matched.billing_document_type, matched.billing_document_id
            order by matched.posting_date, matched.erp_document_number, matched.erp_document_id
        ) as posting_order,
        count(*) over (
            partition by matched.billing_document_type, matched.billing_document_id
        ) as live_document_count
    from matched

),

first_postings as (

    select * from ordered_postings
    where posting_order = 1

),

extra_postings as (

    select
        billing_document_type,
        billing_document_id,
        max(case when posting_order = 2 then erp_document_id end) as extra_document_id,
        max(case when posting_order = 2 then erp_document_number end) as extra_document_number,
        max(case when posting_order = 2 then posting_date end) as extra_posting_date,
        sum(erp_gross_amount) as extra_gross_amount
    from ordered_postings
    where posting_order > 1
    group by billing_document_type, billing_document_id

),

cancelled_references as (

    -- "An ERP document with status cancelled counts as not posted" (CONTRACT.md): it is
    -- no posting, but naming it tells the reader the invoice was once keyed in the ERP;
    -- only a reference to the number is evidence of that
    select
        candidates.billing_document_type,
        candidates.billing_document_id,
        min(erp_documents.erp_document_number) as cancelled_document_number
    from candidates
    inner join erp_documents
        on candidates.erp_document_id = erp_documents.erp_document_id
    where not erp_documents.is_posted
        and candidates.match_method in ('reference', 'reference_no_prefix')
    group by candidates.billing_document_type, candidates.billing_document_id

),

final as (

    select
        billing_documents.billing_document_type,
        billing_documents.billing_document_id,
        billing_documents.billing_document_number,
        billing_documents.billing_status,
        billing_documents.is_issued,
        billing_documents.customer_id,
        billing_documents.customer_key,
        billing_documents.issue_date,
        billing_documents.currency,
        billing_documents.billing_total,
        first_postings.erp_document_id,
        first_postings.erp_document_number,
        first_postings.erp_customer_id,
        first_postings.erp_customer_key,
        first_postings.erp_currency,
        first_postings.erp_gross_amount,
        first_postings.posting_date,
        first_postings.amount_difference,
        extra_postings.extra_document_id,
        extra_postings.extra_document_number,
        extra_postings.extra_posting_date,
        extra_postings.extra_gross_amount,
        cancelled_references.cancelled_document_number,
        coalesce(first_postings.live_document_count, 0) as live_document_count
    from billing_documents
    left join first_postings
        on billing_documents.billing_document_type = first_postings.billing_document_type
            and billing_documents.billing_document_id = first_postings.billing_document_id
    left join extra_postings
        on billing_documents.billing_document_type = extra_postings.billing_document_type
            and billing_documents.billing_document_id = extra_postings.billing_document_id
    left join cancelled_references
        on billing_documents.billing_document_type = cancelled_references.billing_document_type
            and billing_documents.billing_document_id = cancelled_references.billing_document_id

)

select * from final
