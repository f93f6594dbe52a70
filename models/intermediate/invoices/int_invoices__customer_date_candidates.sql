-- Rule 6, customer_date (0.60): the last resort for a posting keyed with no usable
-- reference AND a wrong amount. Rules 1-3 need the reference, rule 4 the amount, so
-- such a posting would otherwise read twice, as invoice_not_posted on the invoice and
-- posting_without_source on the ERP document, while a controller reading both sees
-- one invoice posted for the wrong amount (CONTRACT.md posting_amount_mismatch).
-- The evidence left is who and when: same customer group, entity, currency and paired
-- type, ERP document date within var('date_tolerance_days') of the issue date. The
-- amount still has to be of the same order: it differs by more than
-- var('amount_tolerance') (else rule 4 decided) and by at most
-- var('posting_mismatch_max_share') of the billing total, so a manual ERP invoice of
-- another size that happens to fall in the same week is not taken for the posting.
-- Only documents no earlier rule knows anything about take part (macro
-- unknown_document_pools). Accepted only one-to-one, as rule 4.
{{ config(materialized='table') }}

with

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

erp_documents as (

    select * from {{ ref('int_invoices__erp_documents') }}

),

reference_candidates as (

    select * from {{ ref('int_invoices__reference_candidates') }}

),

typo_candidates as (

    select * from {{ ref('int_invoices__typo_candidates') }}

),

amount_date_candidates as (

    select * from {{ ref('int_invoices__amount_date_candidates') }}

),

duplicate_candidates as (

    select * from {{ ref('int_invoices__duplicate_candidates') }}

),

{{ unknown_document_pools([
    'reference_candidates',
    'typo_candidates',
    'amount_date_candidates',
    'duplicate_candidates',
]) }},

same_customer_and_date as (

    select
        billing_pool.billing_document_type,
        billing_pool.billing_document_id,
        erp_pool.erp_document_id,
        billing_pool.billing_total,
        erp_pool.gross_amount - billing_pool.billing_total as amount_difference,
        {{ dbt.datediff('billing_pool.issue_date', 'erp_pool.document_date', 'day') }}
            as days_from_issue
    from billing_pool
    inner join erp_pool
        on billing_pool.customer_key = erp_pool.customer_key
            and billing_pool.billing_entity = erp_pool.entity
            and billing_pool.currency = erp_pool.currency
            and billing_pool.billing_document_type = erp_pool.billing_document_type

),

within_tolerances as (

    select *
    from same_customer_and_date
    where abs(days_from_issue) <= {{ var('date_tolerance_days') }}
        and abs(amount_difference) > {{ var('amount_tolerance') }}
        and abs(amount_difference) <= {{ var('posting_mismatch_max_share') }} * abs(billing_total)

),

{{ one_to_one_rule_result('within_tolerances', 'customer_date', 6, 0.60) }}

select * from final
