-- Rule 3, reference_typo (0.85): the reference differs from the billing number by
-- exactly one character (levenshtein 1) on the whole normalised number or on its body
-- without prefix. A single slip of the keyboard is common; but one character is
-- weak evidence, so a pair is accepted only when nothing else competes: among the
-- documents rules 1-2 left unmatched, the ERP document has exactly one such billing
-- candidate and the billing document exactly one such ERP candidate. Even then one
-- character could turn one real number into another (the true document may be
-- posted already, a neighbour number is still open), so the pair must also agree on
-- the customer group or on the amount (within var('amount_tolerance')).
-- Blocking keeps the join bounded: one edit in a string of length L leaves intact
-- either its first floor(L/2) characters or its last L - floor(L/2) - 1, so candidates
-- share one of those halves (of the billing number's length, which is the reference's
-- length -1, 0 or +1), the document type and the currency.
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

billing_numbers as (

    select
        billing_document_type,
        billing_document_id,
        currency,
        'full' as number_form,
        number_normalised as document_number
    from billing_pool
    union all
    select
        billing_document_type,
        billing_document_id,
        currency,
        'body' as number_form,
        number_body as document_number
    from billing_pool
    where number_body is not null

),

erp_numbers as (

    select
        billing_document_type,
        erp_document_id,
        currency,
        'full' as number_form,
        reference_normalised as document_number
    from erp_pool
    union all
    select
        billing_document_type,
        erp_document_id,
        currency,
        'body' as number_form,
        reference_body as document_number
    from erp_pool
    where reference_body is not null

),

billing_blocks as (

    select
        billing_numbers.*,
        length(billing_numbers.document_number) as block_length,
        cast(floor(length(billing_numbers.document_number) / 2) as {{ dbt.type_int() }}) as half_length
    from billing_numbers

),

billing_block_keys as (

    select
        billing_document_type,
        billing_document_id,
        currency,
        number_form,
        block_length,
        'left' as block_side,
        substr(document_number, 1, half_length) as block_key
    from billing_blocks
    union all
    select
        billing_document_type,
        billing_document_id,
        currency,
        number_form,
        block_length,
        'right' as block_side,
        substr(document_number, half_length + 2) as block_key
    from billing_blocks

),

length_offsets as (

    select -1 as length_offset
    union all
    select 0 as length_offset
    union all
    select 1 as length_offset

),

erp_blocks as (

    -- the billing number one edit away is one shorter, as long, or one longer
    select
        erp_numbers.*,
        length(erp_numbers.document_number) as reference_length,
        length(erp_numbers.document_number) + length_offsets.length_offset as block_length,
        cast(
            floor((length(erp_numbers.document_number) + length_offsets.length_offset) / 2)
            as {{ dbt.type_int() }}
        ) as half_length
    from erp_numbers
    cross join length_offsets
    where length(erp_numbers.document_number) + length_offsets.length_offset >= 1

),

erp_block_keys as (

    select
        billing_document_type,
        erp_document_id,
        currency,
        number_form,
        block_length,
        'left' as block_side,
        substr(document_number, 1, half_length) as block_key
    from erp_blocks
    union all
    select
        billing_document_type,
        erp_document_id,
        currency,
        number_form,
        block_length,
        'right' as block_side,
        substr(document_number, reference_length - (block_length - half_length - 1) + 1) as block_key
    from erp_blocks

),

blocked_pairs as (

    select distinct
        billing_block_keys.billing_document_type,
        billing_block_keys.billing_document_id,
        erp_block_keys.erp_document_id
    from billing_block_keys
    inner join erp_block_keys
        on billing_block_keys.billing_document_type = erp_block_keys.billing_document_type
            and billing_block_keys.currency = erp_block_keys.currency
            and billing_block_keys.number_form = erp_block_keys.number_form
            and billing_block_keys.block_length = erp_block_keys.block_length
            and billing_block_keys.block_side = erp_block_keys.block_side
            and billing_block_keys.block_key = erp_block_keys.block_key

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

counted as (

    select
        one_edit_apart.*,
        count(*)
            over (partition by one_edit_apart.billing_document_type, one_edit_apart.billing_document_id)
            as billing_candidate_count,
        count(*) over (partition by one_edit_apart.erp_document_id) as erp_candidate_count
    from one_edit_apart
    where one_edit_apart.edit_distance = 1

),

decided as (

    select
        counted.*,
        case
            when counted.erp_candidate_count = 1 and counted.billing_candidate_count = 1 and not counted.is_corroborated
                then 'rejected: neither the customer group nor the amount agrees'
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
