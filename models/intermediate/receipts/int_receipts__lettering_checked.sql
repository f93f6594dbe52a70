-- The ERP's own lettering (receipt_applications), each application checked before it
-- is trusted. Lettering is keyed by hand, so an application to a cancelled document,
-- in another currency or entity, or beyond what the document or the receipt is worth
-- is flagged with its reason instead of being counted as applied cash. Overruns are
-- found in application order (applied date, then id): the application that tips the
-- document or the receipt over, and every later one on it, is flagged (once the
-- lettering of a document overruns, which later line is right is a human's call).
{{ config(materialized='table') }}

{%- set tolerance = var('amount_tolerance') %}

with

applications as (

    select * from {{ ref('stg_erp__receipt_applications') }}

),

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

documents as (

    select * from {{ ref('int_receipts__documents') }}

),

joined as (

    select
        applications.application_id,
        applications.receipt_id,
        applications.document_id as erp_document_id,
        applications.applied_amount,
        applications.applied_date,
        receipts.amount as receipt_amount,
        documents.amount_due,
        documents.billing_invoice_id,
        case
            when receipts.receipt_id is null then 'the receipt is not in cash_receipts'
            when documents.erp_document_id is null then 'the document is not an ERP invoice'
            when not documents.is_posted then 'the document is cancelled'
            when receipts.currency != documents.currency then 'the receipt and the document differ in currency'
            when receipts.entity != documents.entity then 'the receipt and the document belong to different entities'
            when applications.applied_amount <= 0 then 'the applied amount is not positive'
        end as static_reason
    from applications
    left join receipts
        on applications.receipt_id = receipts.receipt_id
    left join documents
        on applications.document_id = documents.erp_document_id

),

running_totals as (

    select
        joined.*,
        sum(case when joined.static_reason is null then joined.applied_amount else 0 end) over (
            partition by joined.erp_document_id
            order by joined.applied_date, joined.application_id
            rows between unbounded preceding and current row
        ) as document_applied_so_far,
        sum(case when joined.static_reason is null then joined.applied_amount else 0 end) over (
            partition by joined.receipt_id
            order by joined.applied_date, joined.application_id
            rows between unbounded preceding and current row
        ) as receipt_applied_so_far
    from joined

),

reasoned as (

    select
        application_id,
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        applied_amount,
        applied_date,
        coalesce(
            static_reason,
            case
                when document_applied_so_far > amount_due + {{ tolerance }}
                    then 'the lettering goes beyond the document open amount'
                when receipt_applied_so_far > receipt_amount + {{ tolerance }}
                    then 'the lettering goes beyond the receipt amount'
            end
        ) as distrust_reason
    from running_totals

),

final as (

    -- trust is decided per (receipt, document) pair, the grain of payment_applications:
    -- one doubtful application puts the whole pair in review
    select
        reasoned.*,
        min(case when reasoned.distrust_reason is null then 1 else 0 end)
            over (partition by reasoned.receipt_id, reasoned.erp_document_id)
        = 1 as is_trusted
    from reasoned

)

select * from final
