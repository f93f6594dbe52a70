-- One row per (ERP cash receipt, ERP AR document) application, existing or proposed,
-- with the reviewer's decision on it applied (review/decisions.csv, subject_type
-- payment_proposal):
--   existing         lettered in the ERP and checked (int_receipts__lettering_checked)
--   proposed_auto    the engine is sure: safe to export for lettering
--   proposed_review  a human decides: an ambiguous explanation, or ERP lettering that
--                    failed a check (method erp_lettering, with the reason)
-- A rejected proposal, or a competing reading of a receipt whose other reading was
-- accepted, stays here (is_rejected, is_withdrawn) so review_decisions can say what the
-- decision removed; payment_applications leaves it out.
with

lettering as (

    select * from {{ ref('int_receipts__lettering_checked') }}

),

proposals as (

    select * from {{ ref('int_receipts__proposals') }}

),

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

documents as (

    select * from {{ ref('int_receipts__documents') }}

),

payment_decisions as (

    select * from {{ ref('int_review__decisions_ranked') }}
    where subject_type = 'payment_proposal' and is_in_force

),

lettered_pairs as (

    select
        receipt_id,
        erp_document_id,
        'erp_lettering' as match_method,
        1 as candidate_count,
        min(billing_invoice_id) as billing_invoice_id,
        sum(applied_amount) as applied_amount,
        case when min(case when is_trusted then 1 else 0 end) = 1 then 1.00 else 0.50 end as match_confidence,
        case when min(case when is_trusted then 1 else 0 end) = 1 then 'existing' else 'proposed_review' end
            as status,
        min(distrust_reason) as review_reason
    from lettering
    group by receipt_id, erp_document_id

),

applications as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        cast(applied_amount as {{ type_money() }}) as applied_amount,
        match_method,
        cast(match_confidence as {{ type_percent() }}) as match_confidence,
        status,
        review_reason,
        candidate_count
    from lettered_pairs

    union all

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        applied_amount,
        match_method,
        match_confidence,
        status,
        review_reason,
        candidate_count
    from proposals

),

decided as (
    -- accepted: a person vouches for the pair, so it goes to the ERP like a sure
    -- proposal (or, for ERP lettering that failed a check, is trusted as it stands).
    -- rejected: an engine proposal is withdrawn and its cash left unapplied; ERP
    -- lettering cannot be withdrawn here, so it stays in review with the instruction
    -- to undo it in the ERP
    select
        applications.*,
        payment_decisions.decision_id,
        payment_decisions.decision,
        payment_decisions.reviewer,
        coalesce(payment_decisions.decision = 'reject' and applications.match_method <> 'erp_lettering', false)
            as is_rejected,
        -- the reviewer chose one reading of the receipt: its other readings in review
        -- are withdrawn with it
        payment_decisions.decision_id is null
        and applications.status = 'proposed_review'
        and applications.match_method <> 'erp_lettering'
        and max(case when payment_decisions.decision = 'accept' then 1 else 0 end)
            over (partition by applications.receipt_id)
        = 1 as is_withdrawn
    from applications
    left join payment_decisions
        on applications.receipt_id = trim(payment_decisions.subject_id)
            and applications.erp_document_id = trim(payment_decisions.related_subject_id)

),

final as (

    select
        decided.receipt_id,
        decided.erp_document_id,
        decided.billing_invoice_id,
        decided.applied_amount,
        case when decided.decision = 'accept' then 'decision' else decided.match_method end as match_method,
        case
            when decided.decision = 'accept' then cast(1.00 as {{ type_percent() }})
            else decided.match_confidence
        end as match_confidence,
        case
            when decided.decision = 'accept' and decided.match_method = 'erp_lettering' then 'existing'
            when decided.decision = 'accept' then 'proposed_auto'
            when decided.decision = 'reject' and decided.match_method = 'erp_lettering' then 'proposed_review'
            else decided.status
        end as status,
        case
            when decided.decision = 'accept' then null
            when decided.decision = 'reject' and decided.match_method = 'erp_lettering'
                then {{ dbt.concat(["'rejected by '", 'decided.reviewer', "' (decision '", 'decided.decision_id',
                                    "'): undo this lettering in the ERP'"]) }}
            else decided.review_reason
        end as review_reason,
        decided.candidate_count,
        decided.decision_id,
        decided.decision,
        decided.is_rejected,
        decided.is_withdrawn,
        decided.match_method as match_method_before_decision,
        decided.status as status_before_decision,
        receipts.entity,
        receipts.currency,
        receipts.value_date,
        receipts.amount as receipt_amount,
        documents.erp_document_number,
        documents.erp_customer_id,
        documents.customer_key
    from decided
    left join receipts
        on decided.receipt_id = receipts.receipt_id
    left join documents
        on decided.erp_document_id = documents.erp_document_id

)

select * from final
