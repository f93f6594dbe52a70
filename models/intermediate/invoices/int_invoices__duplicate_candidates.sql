-- Rule 5, duplicate_posting (0.75): an invoice keyed twice in the ERP is linked by the
-- reference rules only when both documents carry a usable reference. When the repeat's
-- reference is missing or mistyped, rules 1-4 leave it unmatched (its billing document
-- is taken), and it would read as posting_without_source. CONTRACT.md duplicate_posting:
-- "more than one ERP document stands for the invoice". So a live ERP document no rule
-- matched repeats a billing document already matched to another live ERP document when
-- it is that posting again: same customer group as the billing document, same entity,
-- currency and paired type, gross within var('amount_tolerance') of the matched
-- document's gross, and document date within var('date_tolerance_days') of the matched
-- document's date or of the issue date (a wider window would let next month's posting
-- of a recurring amount in).
-- Evidence against rejects the pair: a reference that reads as another billing number
-- (rules 1-2 name another document), or an unmatched billing document the ERP document
-- also fits (a rule 3 or 4 candidate: it may be that document's posting, not a repeat).
-- Accepted only one-to-one among the remaining candidates. Only issued billing
-- documents, as for amount_date: without a reference, a draft or void invoice is not
-- expected in the ERP.
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

matched_by_rules as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id
    from reference_candidates
    where is_accepted
    union all
    select
        billing_document_type,
        billing_document_id,
        erp_document_id
    from typo_candidates
    where is_accepted
    union all
    select
        billing_document_type,
        billing_document_id,
        erp_document_id
    from amount_date_candidates
    where is_accepted

),

postings as (

    -- the live documents already standing for an issued billing document
    select
        billing_documents.billing_document_type,
        billing_documents.billing_document_id,
        billing_documents.customer_key,
        billing_documents.billing_entity,
        billing_documents.currency,
        billing_documents.issue_date,
        billing_documents.billing_total,
        erp_documents.gross_amount as posted_gross_amount,
        erp_documents.document_date as posted_document_date
    from matched_by_rules
    inner join billing_documents
        on matched_by_rules.billing_document_type = billing_documents.billing_document_type
            and matched_by_rules.billing_document_id = billing_documents.billing_document_id
    inner join erp_documents
        on matched_by_rules.erp_document_id = erp_documents.erp_document_id
    where billing_documents.is_issued
        and billing_documents.customer_key is not null
        and erp_documents.is_posted

),

erp_pool as (

    -- live documents no rule matched
    select erp_documents.*
    from erp_documents
    where erp_documents.is_posted
        and erp_documents.customer_key is not null
        and not exists (
            select 1
            from matched_by_rules
            where matched_by_rules.erp_document_id = erp_documents.erp_document_id
        )

),

repeats_a_posting as (

    select
        postings.billing_document_type,
        postings.billing_document_id,
        erp_pool.erp_document_id,
        erp_pool.gross_amount - postings.billing_total as amount_difference,
        {{ dbt.datediff('postings.issue_date', 'erp_pool.document_date', 'day') }}
            as days_from_issue,
        {{ dbt.datediff('postings.posted_document_date', 'erp_pool.document_date', 'day') }}
            as days_from_posting
    from postings
    inner join erp_pool
        on postings.customer_key = erp_pool.customer_key
            and postings.billing_entity = erp_pool.entity
            and postings.currency = erp_pool.currency
            and postings.billing_document_type = erp_pool.billing_document_type
    where abs(erp_pool.gross_amount - postings.posted_gross_amount) <= {{ var('amount_tolerance') }}

),

within_tolerances as (

    -- a billing document posted twice already has two anchors: one pair per document
    select distinct
        billing_document_type,
        billing_document_id,
        erp_document_id,
        amount_difference,
        days_from_issue
    from repeats_a_posting
    where abs(days_from_posting) <= {{ var('date_tolerance_days') }}
        or abs(days_from_issue) <= {{ var('date_tolerance_days') }}

),

competing_candidates as (

    -- ERP documents rules 3-4 proposed for a billing document still without a posting
    select erp_document_id from typo_candidates
    union all
    select erp_document_id from amount_date_candidates

),

evidence_against as (

    -- rules 1-2 read the reference as another billing number
    select
        within_tolerances.billing_document_type,
        within_tolerances.billing_document_id,
        within_tolerances.erp_document_id,
        1 as names_another_document,
        0 as fits_an_unmatched_document
    from within_tolerances
    inner join reference_candidates
        on within_tolerances.erp_document_id = reference_candidates.erp_document_id
    where reference_candidates.billing_document_type != within_tolerances.billing_document_type
        or reference_candidates.billing_document_id != within_tolerances.billing_document_id
    union all
    -- rule 3 or 4 proposed it for a billing document still without a posting
    select
        within_tolerances.billing_document_type,
        within_tolerances.billing_document_id,
        within_tolerances.erp_document_id,
        0 as names_another_document,
        1 as fits_an_unmatched_document
    from within_tolerances
    inner join competing_candidates
        on within_tolerances.erp_document_id = competing_candidates.erp_document_id

),

evidence_per_pair as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id,
        max(names_another_document) = 1 as names_another_document,
        max(fits_an_unmatched_document) = 1 as fits_an_unmatched_document
    from evidence_against
    group by billing_document_type, billing_document_id, erp_document_id

),

with_evidence as (

    select
        within_tolerances.*,
        coalesce(evidence_per_pair.names_another_document, false) as names_another_document,
        coalesce(evidence_per_pair.fits_an_unmatched_document, false) as fits_an_unmatched_document,
        evidence_per_pair.erp_document_id is null as is_eligible
    from within_tolerances
    left join evidence_per_pair
        on within_tolerances.billing_document_type = evidence_per_pair.billing_document_type
            and within_tolerances.billing_document_id = evidence_per_pair.billing_document_id
            and within_tolerances.erp_document_id = evidence_per_pair.erp_document_id

),

counted as (

    -- competition is counted among the pairs no evidence rejects
    select
        with_evidence.*,
        count(case when with_evidence.is_eligible then 1 end)
            over (partition by with_evidence.billing_document_type, with_evidence.billing_document_id)
            as billing_candidate_count,
        count(case when with_evidence.is_eligible then 1 end)
            over (partition by with_evidence.erp_document_id)
            as erp_candidate_count
    from with_evidence

),

decided as (

    select
        counted.*,
        case
            when counted.names_another_document
                then 'rejected: the erp reference names another billing document'
            when counted.fits_an_unmatched_document
                then 'rejected: the erp document is a candidate of an unmatched billing document'
            else {{ one_to_one_decision('erp_candidate_count', 'billing_candidate_count') }}
        end as decision
    from counted

),

final as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id,
        'duplicate_posting' as match_method,
        5 as rule_rank,
        cast(0.75 as decimal(3, 2)) as match_confidence,
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
