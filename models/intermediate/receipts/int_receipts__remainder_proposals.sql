-- Rule 6, remainder: the rest of an invoice paid in two parts, one part with the
-- invoice number in the bank reference and one without. Rule 1 applies the named
-- part (`partial`) and claims the document, so the amount rules never see it; the
-- unnamed part would stay unapplied cash and the invoice read as short in the ERP
-- (a paid_status_mismatch), although "a payment split over several receipts" is no
-- exception (CONTRACT.md). So a receipt that no rule explains (nothing proposed for it,
-- in review or not) pays what a document still waits for after the sure proposals of
-- rules 1-2 when that remainder equals its residual to the cent, same payer's customer
-- group, entity and currency, as the amount rules compare. A document with a proposal
-- in review is for a person already. One explanation on both sides is proposed_auto;
-- several put every candidate in review with the count.
{{ config(materialized='table') }}

with

unexplained_receipts as (

    select * from {{ ref('int_receipts__unexplained_receipts') }}

),

reference_proposals as (

    select * from {{ ref('int_receipts__reference_proposals') }}

),

billing_payment_proposals as (

    select * from {{ ref('int_receipts__billing_payment_proposals') }}

),

amount_proposals as (

    select * from {{ ref('int_receipts__amount_proposals') }}

),

split_proposals as (

    select * from {{ ref('int_receipts__split_proposals') }}

),

open_items as (

    select * from {{ ref('int_receipts__open_items') }}

),

named_claims as (

    select * from reference_proposals
    union all
    select * from billing_payment_proposals

),

explained_by_amount as (

    select receipt_id from amount_proposals
    union
    select receipt_id from split_proposals

),

receipts_left as (

    select unexplained_receipts.*
    from unexplained_receipts
    left join explained_by_amount
        on unexplained_receipts.receipt_id = explained_by_amount.receipt_id
    where explained_by_amount.receipt_id is null

),

claims_per_document as (

    select
        erp_document_id,
        sum(case when status = 'proposed_auto' then applied_amount else 0 end) as sure_claimed_amount,
        count(case when status != 'proposed_auto' then 1 end) as review_claim_count
    from named_claims
    group by erp_document_id

),

remainders as (

    select
        open_items.erp_document_id,
        open_items.billing_invoice_id,
        open_items.customer_key,
        open_items.entity,
        open_items.currency,
        open_items.open_amount - claims_per_document.sure_claimed_amount as remainder_amount
    from open_items
    inner join claims_per_document
        on open_items.erp_document_id = claims_per_document.erp_document_id
    where open_items.customer_key is not null
        and claims_per_document.review_claim_count = 0
        and open_items.open_amount - claims_per_document.sure_claimed_amount > {{ var('amount_tolerance') }}

),

remainder_matches as (

    select
        receipts_left.receipt_id,
        remainders.erp_document_id,
        remainders.billing_invoice_id,
        remainders.remainder_amount,
        greatest(
            count(*) over (partition by receipts_left.receipt_id),
            count(*) over (partition by remainders.erp_document_id)
        ) as explanation_count
    from receipts_left
    inner join remainders
        on receipts_left.payer_customer_key = remainders.customer_key
            and receipts_left.entity = remainders.entity
            and receipts_left.currency = remainders.currency
            and receipts_left.residual_amount = remainders.remainder_amount

),

final as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        cast(remainder_amount as {{ type_money() }}) as applied_amount,
        'remainder' as match_method,
        cast(0.85 / explanation_count as {{ type_percent() }}) as match_confidence,
        case when explanation_count = 1 then 'proposed_auto' else 'proposed_review' end as status,
        case
            when explanation_count > 1
                then {{ dbt.concat([
                    'cast(explanation_count as ' ~ dbt.type_string() ~ ')',
                    "' open remainders and receipts of the payer share the amount'",
                ]) }}
        end as review_reason,
        explanation_count as candidate_count
    from remainder_matches

)

select * from final
