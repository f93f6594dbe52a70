-- One row per (ERP cash receipt, ERP AR document) application, existing or proposed:
--   existing         lettered in the ERP and checked (int_receipts__lettering_checked)
--   proposed_auto    the engine is sure: safe to export for lettering
--   proposed_review  a human decides: an ambiguous explanation, or ERP lettering that
--                    failed a check (method erp_lettering, with the reason)
-- What is left of each receipt is in receipt_balances.
with

lettering as (

    select * from {{ ref('int_receipts__lettering_checked') }}

),

proposals as (

    select * from {{ ref('int_receipts__proposals') }}

),

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

documents as (

    select * from {{ ref('int_receipts__documents') }}

),

lettered_pairs as (

    select
        receipt_id,
        erp_document_id,
        'erp_lettering' as match_method,
        1 as candidate_count,
        min(billing_invoice_id) as billing_invoice_id,
        sum(applied_amount) as applied_amount,
        case when min(case when is_trusted then 1 else 0 end) = 1 then 1.00 else 0.50 end as match_confidence,
        case when min(case when is_trusted then 1 else 0 end) = 1 then 'existing' else 'proposed_review' end
            as status,
        min(distrust_reason) as review_reason
    from lettering
    group by receipt_id, erp_document_id

),

applications as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        cast(applied_amount as {{ type_money() }}) as applied_amount,
        match_method,
        cast(match_confidence as {{ type_percent() }}) as match_confidence,
        status,
        review_reason,
        candidate_count
    from lettered_pairs

    union all

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        applied_amount,
        match_method,
        match_confidence,
        status,
        review_reason,
        candidate_count
    from proposals

),

final as (

    select
        applications.receipt_id,
        applications.erp_document_id,
        applications.billing_invoice_id,
        applications.applied_amount,
        applications.match_method,
        applications.match_confidence,
        applications.status,
        applications.review_reason,
        applications.candidate_count,
        receipts.entity,
        receipts.currency,
        receipts.value_date,
        receipts.amount as receipt_amount,
        documents.erp_document_number,
        documents.erp_customer_id,
        documents.customer_key
    from applications
    left join receipts
        on applications.receipt_id = receipts.receipt_id
    left join documents
        on applications.erp_document_id = documents.erp_document_id

)

select * from final
