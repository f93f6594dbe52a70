-- Rule 1, the strongest: the bank reference names the documents paid. The receipt's
-- residual goes to the open documents it names, oldest first, never beyond a
-- document's open amount:
--   one document            applied in full (`reference`, or `reference_fragment` when
--                           only a corroborated fragment named it), or in part when the
--                           receipt is short (`partial`: a partial payment is applied only
--                           on a reference); an overpayment leaves the rest unapplied
--   several, named whole    the receipt pays them all when it covers them; when it
--                           does not, which ones it pays is a human's call (review)
--   several fragments       review: a fragment is a hint, several are a guess
-- Two postings of one invoice (duplicate_posting) named by one reference are one
-- invoice to pay: the receipt pays the first posting, by document date then id, since
-- the recommended action cancels the later ones (int_receipts__documents).
{{ config(materialized='table') }}

{%- set tolerance = var('amount_tolerance') %}

with

hits as (

    select * from {{ ref('int_receipts__reference_hits') }}

),

ranked_postings as (

    select
        hits.*,
        row_number() over (
            partition by hits.receipt_id, hits.billing_invoice_id
            order by hits.document_date, hits.erp_document_id
        ) as posting_rank
    from hits
    where hits.is_open

),

first_postings as (

    select *
    from ranked_postings
    where billing_invoice_id is null
        or posting_rank = 1

),

open_hits as (

    select
        first_postings.*,
        count(*) over (partition by first_postings.receipt_id) as open_document_count,
        sum(first_postings.open_amount) over (partition by first_postings.receipt_id) as open_total,
        coalesce(sum(first_postings.open_amount) over (
            partition by first_postings.receipt_id
            order by first_postings.document_date, first_postings.erp_document_id
            rows between unbounded preceding and 1 preceding
        ), 0) as open_before
    from first_postings

),

judged as (

    select
        open_hits.*,
        open_hits.open_document_count > 1
        and (
            open_hits.key_kind = 'fragment'
            or open_hits.open_total > open_hits.residual_amount + {{ tolerance }}
        ) as needs_review
    from open_hits

),

allocated as (

    -- a sure explanation is allocated oldest first; in review every named document is
    -- a candidate for as much of the receipt as it could take, so none is left out
    -- (and none is offered to the amount rules)
    select
        judged.*,
        case
            when judged.needs_review then least(judged.open_amount, judged.residual_amount)
            else least(judged.open_amount, judged.residual_amount - judged.open_before)
        end as applied_amount
    from judged

),

final as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        cast(applied_amount as {{ type_money() }}) as applied_amount,
        case
            when open_document_count = 1 and residual_amount < open_amount - {{ tolerance }} then 'partial'
            when key_kind = 'fragment' then 'reference_fragment'
            else 'reference'
        end as match_method,
        cast(case
            when needs_review then 0.50
            when key_kind = 'fragment' then 0.90
            when open_document_count = 1 and residual_amount < open_amount - {{ tolerance }} then 0.95
            else 0.99
        end as {{ type_percent() }}) as match_confidence,
        case when needs_review then 'proposed_review' else 'proposed_auto' end as status,
        case
            when needs_review and key_kind = 'fragment'
                then {{ dbt.concat(["'the reference holds number fragments of '",
                    'cast(open_document_count as ' ~ dbt.type_string() ~ ')',
                    "' open documents'"]) }}
            when needs_review
                then {{ dbt.concat(["'the reference names '",
                    'cast(open_document_count as ' ~ dbt.type_string() ~ ')',
                    "' open documents worth '", 'cast(open_total as ' ~ dbt.type_string() ~ ')',
                    "', more than the receipt'"]) }}
        end as review_reason,
        open_document_count as candidate_count
    from allocated
    where applied_amount > 0

)

select * from final
