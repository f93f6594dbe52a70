-- Every application the engine proposes, one row per (receipt, document), from the
-- rule that explained the receipt (each receipt is explained by one rule at most:
-- reference, billing_payment, exact_amount / grouped, split, remainder). Two last checks across
-- receipts, since each rule looks at one receipt at a time:
--   a document whose sure proposals together exceed its open amount is claimed twice
--   (two receipts for one invoice that only needed one): all of them go to review,
--   each with the rest of its receipt's explanation;
--   a pair the ERP already lettered is not proposed again.
{{ config(materialized='table') }}

with

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

remainder_proposals as (

    select * from {{ ref('int_receipts__remainder_proposals') }}

),

open_items as (

    select * from {{ ref('int_receipts__open_items') }}

),

lettering as (

    select * from {{ ref('int_receipts__lettering_checked') }}

),

all_proposals as (

    select * from reference_proposals
    union all
    select * from billing_payment_proposals
    union all
    select * from amount_proposals
    union all
    select * from split_proposals
    union all
    select * from remainder_proposals

),

lettered_pairs as (

    select distinct
        receipt_id,
        erp_document_id
    from lettering

),

not_yet_lettered as (

    select all_proposals.*
    from all_proposals
    left join lettered_pairs
        on all_proposals.receipt_id = lettered_pairs.receipt_id
            and all_proposals.erp_document_id = lettered_pairs.erp_document_id
    where lettered_pairs.receipt_id is null

),

claims as (

    select
        not_yet_lettered.*,
        open_items.open_amount,
        sum(case when not_yet_lettered.status = 'proposed_auto' then not_yet_lettered.applied_amount else 0 end)
            over (partition by not_yet_lettered.erp_document_id) as auto_claimed_amount,
        count(case when not_yet_lettered.status = 'proposed_auto' then 1 end)
            over (partition by not_yet_lettered.erp_document_id) as auto_claim_count
    from not_yet_lettered
    inner join open_items
        on not_yet_lettered.erp_document_id = open_items.erp_document_id

),

overclaimed_documents as (

    select
        claims.*,
        claims.status = 'proposed_auto'
        and claims.auto_claimed_amount > claims.open_amount + {{ var('amount_tolerance') }} as is_overclaimed
    from claims

),

checked as (

    -- an explanation stands or falls whole: a receipt with one contested document
    -- sends all its sure rows to review, not half of a combination to the export
    select
        overclaimed_documents.*,
        overclaimed_documents.status = 'proposed_auto'
        and max(case when overclaimed_documents.is_overclaimed then 1 else 0 end)
            over (partition by overclaimed_documents.receipt_id)
        = 1 as is_contested
    from overclaimed_documents

),

final as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        applied_amount,
        match_method,
        case when is_contested then cast(match_confidence / 2 as {{ type_percent() }}) else match_confidence end
            as match_confidence,
        case when is_contested then 'proposed_review' else status end as status,
        case
            when is_contested and not is_overclaimed
                then 'another document of this explanation is claimed beyond its open amount'
            when is_contested
                then {{ dbt.concat(['cast(auto_claim_count as ' ~ dbt.type_string() ~ ')',
                    "' receipts claim the document for '", 'cast(auto_claimed_amount as ' ~ dbt.type_string() ~ ')',
                    "', more than its open amount of '", 'cast(open_amount as ' ~ dbt.type_string() ~ ')']) }}
            else review_reason
        end as review_reason,
        candidate_count
    from checked

)

select * from final
