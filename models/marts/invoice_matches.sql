-- One row per matched (billing document, ERP AR document) pair: which rule linked
-- them, how sure it is, and the amount gap (ERP gross - billing total, document
-- currency). Every pair considered, accepted or not, is in
-- intermediate.int_invoices__match_candidates with the reason.
with

matched as (

    select * from {{ ref('int_invoices__matched') }}

),

final as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id,
        match_method,
        match_confidence,
        amount_difference,
        billing_document_number,
        erp_document_number,
        external_reference,
        billing_status,
        billing_customer_id,
        billing_customer_key,
        erp_customer_id,
        erp_customer_key,
        currency,
        erp_currency,
        billing_total,
        erp_gross_amount,
        issue_date,
        document_date,
        posting_date
    from matched

)

select * from final
