-- Rule 3, reference_typo (0.85): the reference differs from the billing number by
-- exactly one character (levenshtein 1) on the whole normalised number or on its body
-- without prefix. A single slip of the keyboard is common; but one character is
-- weak evidence, so a pair is accepted only when nothing else competes: among the
-- documents rules 1-2 left unmatched, the ERP document has exactly one such billing
-- candidate and the billing document exactly one such ERP candidate. Even then one
-- character could turn one real number into another (the true document may be
-- posted already, a neighbour number is still open), so the pair must also agree on
-- the customer group or on the amount (within var('amount_tolerance')).
-- That corroboration is also the blocking: candidates share the document type and the
-- currency, and the customer group or an amount bucket, so the join stays bounded (a
-- number's halves are not: the left half is the series and year, shared by a year of
-- invoices). Competition is counted among these corroborated candidates.
-- When candidates compete, the date settles it if it can: a customer's monthly
-- invoices carry consecutive numbers, so one mistyped last digit fits a year of them,
-- yet only one was issued within var('date_tolerance_days') of the ERP document's
-- date. A pair dated so wins when it is the only dated candidate on both sides; the
-- undated ones are rejected, and with no or several dated pairs nothing is linked.
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

billing_pool as (

    -- billing documents without an accepted reference match
    select billing_documents.*
    from billing_documents
    where not exists (
            select 1
            from reference_candidates
            where reference_candidates.is_accepted
                and reference_candidates.billing_document_type = billing_documents.billing_document_type
                and reference_candidates.billing_document_id = billing_documents.billing_document_id
        )

),

erp_pool as (

    -- posted ERP documents whose reference matched no billing number at all: a
    -- reference that reads exactly as a billing number is no typo
    select erp_documents.*
    from erp_documents
    where erp_documents.is_posted
        and erp_documents.reference_normalised is not null
        and not exists (
            select 1
            from reference_candidates
            where reference_candidates.erp_document_id = erp_documents.erp_document_id
        )

),

{% set amount_bucket = [1.0, (var('amount_tolerance') | float) * 2] | max -%}
bucket_offsets as (

    select -1 as bucket_offset
    union all
    select 0 as bucket_offset
    union all
    select 1 as bucket_offset

),

same_customer_pairs as (

    select
        billing_pool.billing_document_type,
        billing_pool.billing_document_id,
        erp_pool.erp_document_id
    from billing_pool
    inner join erp_pool
        on billing_pool.billing_document_type = erp_pool.billing_document_type
            and billing_pool.currency = erp_pool.currency
            and billing_pool.customer_key = erp_pool.customer_key

),

erp_amount_buckets as (

    select
        erp_pool.erp_document_id,
        erp_pool.billing_document_type,
        erp_pool.currency,
        cast(floor(erp_pool.gross_amount / {{ amount_bucket }}) as {{ dbt.type_bigint() }})
        + bucket_offsets.bucket_offset as amount_bucket
    from erp_pool
    cross join bucket_offsets

),

same_amount_pairs as (
    -- buckets twice the tolerance wide: two amounts within tolerance sit in the same
    -- or adjacent buckets, and the exact test follows
    select
        billing_pool.billing_document_type,
        billing_pool.billing_document_id,
        erp_amount_buckets.erp_document_id
    from billing_pool
    inner join erp_amount_buckets
        on billing_pool.billing_document_type = erp_amount_buckets.billing_document_type
            and billing_pool.currency = erp_amount_buckets.currency
            and cast(floor(billing_pool.billing_total / {{ amount_bucket }}) as {{ dbt.type_bigint() }})
            = erp_amount_buckets.amount_bucket

),

blocked_pairs as (

    select distinct
        billing_document_type,
        billing_document_id,
        erp_document_id
    from (
        select * from same_customer_pairs
        union all
        select * from same_amount_pairs
    ) as corroborated_pairs

),

one_edit_apart as (

    select
        blocked_pairs.billing_document_type,
        blocked_pairs.billing_document_id,
        blocked_pairs.erp_document_id,
        erp_pool.gross_amount - billing_pool.billing_total as amount_difference,
        {{ dbt.datediff('billing_pool.issue_date', 'erp_pool.document_date', 'day') }}
            as days_from_issue,
        coalesce(billing_pool.customer_key = erp_pool.customer_key, false)
        or abs(erp_pool.gross_amount - billing_pool.billing_total) <= {{ var('amount_tolerance') }}
            as is_corroborated,
        least(
            levenshtein(billing_pool.number_normalised, erp_pool.reference_normalised),
            coalesce(levenshtein(billing_pool.number_body, erp_pool.reference_body), 99)
        ) as edit_distance
    from blocked_pairs
    inner join billing_pool
        on blocked_pairs.billing_document_type = billing_pool.billing_document_type
            and blocked_pairs.billing_document_id = billing_pool.billing_document_id
    inner join erp_pool
        on blocked_pairs.erp_document_id = erp_pool.erp_document_id

),

candidates as (

    select
        one_edit_apart.*,
        abs(one_edit_apart.days_from_issue) <= {{ var('date_tolerance_days') }} as is_dated
    from one_edit_apart
    where one_edit_apart.edit_distance = 1
        and one_edit_apart.is_corroborated

),

counted as (

    select
        candidates.*,
        count(*)
            over (partition by candidates.billing_document_type, candidates.billing_document_id)
            as billing_candidate_count,
        count(*) over (partition by candidates.erp_document_id) as erp_candidate_count,
        count(case when candidates.is_dated then 1 end)
            over (partition by candidates.billing_document_type, candidates.billing_document_id)
            as billing_dated_count,
        count(case when candidates.is_dated then 1 end)
            over (partition by candidates.erp_document_id)
            as erp_dated_count
    from candidates

),

decided as (

    select
        counted.*,
        case
            when counted.erp_candidate_count = 1 and counted.billing_candidate_count = 1
                then 'accepted'
            when counted.is_dated and counted.erp_dated_count = 1 and counted.billing_dated_count = 1
                then 'accepted'
            when not counted.is_dated and (counted.erp_dated_count = 1 or counted.billing_dated_count = 1)
                then 'rejected: a competing candidate is dated within date_tolerance_days of issue'
            else {{ one_to_one_decision('erp_candidate_count', 'billing_candidate_count') }}
        end as decision
    from counted

),

final as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id,
        'reference_typo' as match_method,
        3 as rule_rank,
        cast(0.85 as decimal(3, 2)) as match_confidence,
        edit_distance,
        amount_difference,
        days_from_issue,
        billing_candidate_count,
        erp_candidate_count,
        decision,
        decision = 'accepted' as is_accepted
    from decided

)

select * from final
