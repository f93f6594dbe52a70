-- One row per (ERP cash receipt, ERP AR document) application, existing or proposed:
--   existing         lettered in the ERP and checked, or ERP lettering a reviewer accepted
--   proposed_auto    the engine is sure, or a reviewer accepted it (method decision):
--                    safe to export for lettering
--   proposed_review  a human decides: an ambiguous explanation, or ERP lettering that
--                    failed a check (method erp_lettering, with the reason)
-- A proposal a reviewer rejected is not here (its cash is unapplied: receipt_balances),
-- nor the other readings in review of a receipt whose one reading was accepted.
with

applications as (

    select * from {{ ref('int_receipts__applications') }}

),

final as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        applied_amount,
        match_method,
        match_confidence,
        status,
        review_reason,
        candidate_count,
        decision_id,
        entity,
        currency,
        value_date,
        receipt_amount,
        erp_document_number,
        erp_customer_id,
        customer_key
    from applications
    where not is_rejected and not is_withdrawn

)

select * from final
