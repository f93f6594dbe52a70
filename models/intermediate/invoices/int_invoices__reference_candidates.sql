-- Rules 1 and 2: the ERP external reference reads as the billing number.
--   reference           (1.00) equal once case, spaces and separators are ignored
--   reference_no_prefix (0.95) equal once the leading series prefix ("INV-") is also
--                              dropped from both, as when the number was keyed bare
-- A reference is explicit evidence of which document was posted, so it links
-- whatever the customer, amount or billing status: customer and amount differences on
-- a linked pair are exceptions raised later, not reasons to look elsewhere.
-- One ERP document stands for one billing document: a reference that reads as two
-- billing numbers is ambiguous and rejected. One billing document may be posted twice
-- (duplicate_posting): every ERP document referencing it is kept.
{{ config(materialized='table') }}

with

billing_documents as (

    select * from {{ ref('int_invoices__billing_documents') }}

),

erp_documents as (

    select * from {{ ref('int_invoices__erp_documents') }}

),

same_number as (

    -- the body (number without prefix) equal is what both rules share; a number made
    -- only of letters has no body and is compared whole
    select
        billing_documents.billing_document_type,
        billing_documents.billing_document_id,
        erp_documents.erp_document_id,
        erp_documents.is_posted,
        case
            when billing_documents.number_normalised = erp_documents.reference_normalised
                then 'reference'
            else 'reference_no_prefix'
        end as match_method,
        erp_documents.gross_amount - billing_documents.billing_total as amount_difference,
        {{ dbt.datediff('billing_documents.issue_date', 'erp_documents.document_date', 'day') }}
            as days_from_issue
    from billing_documents
    inner join erp_documents
        on billing_documents.billing_document_type = erp_documents.billing_document_type
            and coalesce(billing_documents.number_body, billing_documents.number_normalised)
            = coalesce(erp_documents.reference_body, erp_documents.reference_normalised)

),

ranked as (

    select
        same_number.*,
        case same_number.match_method when 'reference' then 1 else 2 end as rule_rank,
        case same_number.match_method
            when 'reference' then cast(1.00 as decimal(3, 2))
            else cast(0.95 as decimal(3, 2))
        end as match_confidence
    from same_number

),

with_best_rank as (

    -- an ERP document takes its strongest rule only; cancelled documents do not count
    select
        ranked.*,
        min(case when ranked.is_posted then ranked.rule_rank end)
            over (partition by ranked.erp_document_id) as erp_best_rank
    from ranked

),

counted as (

    select
        with_best_rank.*,
        count(case when with_best_rank.is_posted and with_best_rank.rule_rank = with_best_rank.erp_best_rank then 1 end)
            over (partition by with_best_rank.erp_document_id) as erp_candidate_count,
        count(case when with_best_rank.is_posted then 1 end)
            over (partition by with_best_rank.billing_document_type, with_best_rank.billing_document_id)
            as billing_candidate_count
    from with_best_rank

),

decided as (

    select
        counted.*,
        case
            when not counted.is_posted then 'rejected: erp document cancelled (not posted)'
            when counted.rule_rank > counted.erp_best_rank then 'rejected: erp document has a stronger reference match'
            when counted.erp_candidate_count > 1
                then {{ dbt.concat(["'rejected: '", 'cast(erp_candidate_count as ' ~ dbt.type_string() ~ ')',
                    "' billing documents share the reference'"]) }}
            else 'accepted'
        end as decision
    from counted

),

final as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id,
        match_method,
        rule_rank,
        match_confidence,
        cast(null as {{ dbt.type_int() }}) as edit_distance,
        amount_difference,
        days_from_issue,
        billing_candidate_count,
        erp_candidate_count,
        decision,
        decision = 'accepted' as is_accepted
    from decided

)

select * from final
