-- Rule 7, other_customer (0.55): the last resort for a posting keyed with no usable
-- reference on another customer's ERP account. Rule 4 pairs by amount and date only
-- within one customer group, so such a posting would read as invoice_not_posted on the
-- invoice and posting_without_source on the ERP document, while a controller searching
-- the ERP for the amount finds it under the wrong customer: one
-- posting_customer_mismatch (CONTRACT.md).
-- Across customers an amount is evidence only when it is distinctive: plans at list
-- price bill the same total to many customers. So the pair must agree on entity,
-- currency, paired type, gross within var('amount_tolerance') of the total and ERP
-- document date within var('date_tolerance_days') of issue, AND the invoice must be the
-- only issued billing document of that entity, currency and type (of any customer,
-- matched or not) with that amount in that window. Only documents no earlier rule
-- (1-6) knows anything about take part (macro unknown_document_pools); accepted only
-- one-to-one.
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

customer_date_candidates as (

    select * from {{ ref('int_invoices__customer_date_candidates') }}

),

{{ unknown_document_pools([
    'reference_candidates',
    'typo_candidates',
    'amount_date_candidates',
    'duplicate_candidates',
    'customer_date_candidates',
]) }},

{% set amount_bucket = [1.0, (var('amount_tolerance') | float) * 2] | max -%}
bucket_offsets as (

    select -1 as bucket_offset
    union all
    select 0 as bucket_offset
    union all
    select 1 as bucket_offset

),

erp_amount_buckets as (

    -- buckets twice the tolerance wide: two amounts within tolerance sit in the same or
    -- adjacent buckets, so the amount join is an equi-join and the exact test follows
    select
        erp_pool.erp_document_id,
        erp_pool.entity,
        erp_pool.currency,
        erp_pool.billing_document_type,
        erp_pool.customer_key,
        erp_pool.gross_amount,
        erp_pool.document_date,
        cast(floor(erp_pool.gross_amount / {{ amount_bucket }}) as {{ dbt.type_bigint() }})
        + bucket_offsets.bucket_offset as amount_bucket
    from erp_pool
    cross join bucket_offsets

),

other_customer_pairs as (

    select
        billing_pool.billing_document_type,
        billing_pool.billing_document_id,
        erp_amount_buckets.erp_document_id,
        erp_amount_buckets.gross_amount - billing_pool.billing_total as amount_difference,
        {{ dbt.datediff('billing_pool.issue_date', 'erp_amount_buckets.document_date', 'day') }}
            as days_from_issue
    from billing_pool
    inner join erp_amount_buckets
        on billing_pool.billing_entity = erp_amount_buckets.entity
            and billing_pool.currency = erp_amount_buckets.currency
            and billing_pool.billing_document_type = erp_amount_buckets.billing_document_type
            and cast(floor(billing_pool.billing_total / {{ amount_bucket }}) as {{ dbt.type_bigint() }})
            = erp_amount_buckets.amount_bucket
    -- the same customer group is rule 4's business
    where billing_pool.customer_key != erp_amount_buckets.customer_key

),

within_tolerances as (

    select *
    from other_customer_pairs
    where abs(amount_difference) <= {{ var('amount_tolerance') }}
        and abs(days_from_issue) <= {{ var('date_tolerance_days') }}

),

same_amount_billing_documents as (

    -- every issued billing document the ERP document's amount and date would fit,
    -- whatever its customer and whether matched or not
    select
        erp_amount_buckets.erp_document_id,
        count(*) as same_amount_count
    from erp_amount_buckets
    inner join billing_documents
        on erp_amount_buckets.entity = billing_documents.billing_entity
            and erp_amount_buckets.currency = billing_documents.currency
            and erp_amount_buckets.billing_document_type = billing_documents.billing_document_type
            and erp_amount_buckets.amount_bucket
            = cast(floor(billing_documents.billing_total / {{ amount_bucket }}) as {{ dbt.type_bigint() }})
    where billing_documents.is_issued
        and abs(erp_amount_buckets.gross_amount - billing_documents.billing_total) <= {{ var('amount_tolerance') }}
        and abs({{ dbt.datediff('billing_documents.issue_date', 'erp_amount_buckets.document_date', 'day') }})
        <= {{ var('date_tolerance_days') }}
        and erp_amount_buckets.erp_document_id in (select within_tolerances.erp_document_id from within_tolerances)
    group by erp_amount_buckets.erp_document_id

),

distinctive_pairs as (

    select
        within_tolerances.*,
        same_amount_billing_documents.same_amount_count
    from within_tolerances
    inner join same_amount_billing_documents
        on within_tolerances.erp_document_id = same_amount_billing_documents.erp_document_id

),

{% set not_distinctive = dbt.concat([
    "'rejected: '",
    'cast(counted.same_amount_count as ' ~ dbt.type_string() ~ ')',
    "' billing documents of that amount and week'",
]) -%}
{{ one_to_one_rule_result('distinctive_pairs', 'other_customer', 7, 0.55,
    rejections=[['counted.same_amount_count > 1', not_distinctive]]) }}

select * from final
