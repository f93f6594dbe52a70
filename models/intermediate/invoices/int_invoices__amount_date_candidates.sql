-- Rule 4, amount_date (0.80): with no reference to go on, an ERP document posts a
-- billing document when everything else agrees: same customer group, same entity,
-- same currency, paired document types, gross within var('amount_tolerance') of the
-- billing total, and the ERP document date within var('date_tolerance_days') of the
-- issue date either way. The ERP document date is the invoice date as keyed (the
-- booking day is posting_date, which may run late): a week's slip is a keying slip,
-- while a wider window (e.g. a month) would let the next monthly invoice of the same
-- amount compete and make every recurring invoice ambiguous.
-- Amounts repeat (a monthly subscription bills the same total every month), so this is
-- accepted only one-to-one: the billing document has exactly one candidate and that
-- ERP document exactly one; anything else is left unmatched for a person to decide.
-- Only documents no reference rule matched take part, and only issued billing
-- documents (a draft or void invoice is not expected in the ERP).
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

{{ unknown_document_pools(['reference_candidates', 'typo_candidates'], accepted_only=true) }},

same_customer_amount_and_date as (

    select
        billing_pool.billing_document_type,
        billing_pool.billing_document_id,
        erp_pool.erp_document_id,
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
    from same_customer_amount_and_date
    where abs(amount_difference) <= {{ var('amount_tolerance') }}
        and abs(days_from_issue) <= {{ var('date_tolerance_days') }}

),

{{ one_to_one_rule_result('within_tolerances', 'amount_date', 4, 0.80) }}

select * from final
