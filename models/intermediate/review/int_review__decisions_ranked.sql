-- Every staged reviewer decision, with whether it can apply and whether it is the one
-- in force. The file is append-only: a reviewer changes their mind by writing a new
-- decision on the same subject, so the latest one (decided_at, then decision_id) wins
-- and the earlier ones are kept as superseded, never deleted.
with

decisions as (

    select * from {{ ref('stg_review__decisions') }}

),

normalised as (
    -- a customer pair names two records as system:id, in either order
    select
        decisions.*,
        lower(trim(substr(decisions.subject_id, 1, {{ dbt.position("':'", 'subject_id') }} - 1))) as system_a,
        trim(substr(decisions.subject_id, {{ dbt.position("':'", 'subject_id') }} + 1)) as customer_id_a,
        lower(trim(substr(decisions.related_subject_id, 1, {{ dbt.position("':'", 'related_subject_id') }} - 1)))
            as system_b,
        trim(substr(decisions.related_subject_id, {{ dbt.position("':'", 'related_subject_id') }} + 1)) as customer_id_b
    from decisions

),

checked as (

    select
        normalised.*,
        case
            when normalised.subject_type = 'exception' and normalised.decision not in ('confirm', 'dismiss')
                then {{ dbt.concat(["'a decision '", 'decision',
                    "' does not apply to an exception (confirm or dismiss)'"]) }}
            when normalised.subject_type = 'payment_proposal' and normalised.decision not in ('accept', 'reject')
                then {{ dbt.concat(["'a decision '", 'decision',
                    "' does not apply to a payment_proposal (accept or reject)'"]) }}
            when normalised.subject_type = 'customer_pair' and normalised.decision not in ('link', 'unlink')
                then {{ dbt.concat(["'a decision '", 'decision',
                    "' does not apply to a customer_pair (link or unlink)'"]) }}
            when normalised.subject_type = 'payment_proposal' and normalised.related_subject_id is null
                then 'a payment_proposal names the receipt in subject_id and the ERP document in related_subject_id'
            when normalised.subject_type = 'customer_pair'
                and (
                    normalised.related_subject_id is null
                    or normalised.system_a not in ('crm', 'billing', 'erp')
                    or normalised.system_b not in ('crm', 'billing', 'erp')
                    or normalised.customer_id_a = ''
                    or normalised.customer_id_b = ''
                )
                -- one message, kept on one line for the reader of review_decisions
                then 'a customer_pair names two records as system:id (system crm, billing or erp) in subject_id and related_subject_id'  -- noqa: LT05
            when normalised.subject_type = 'customer_pair'
                and normalised.system_a = normalised.system_b
                and normalised.customer_id_a = normalised.customer_id_b
                then 'a customer_pair names the same record twice'
        end as invalid_reason
    from normalised

),

keyed as (

    select
        checked.*,
        case when checked.subject_type = 'customer_pair' then {{ dbt.concat(['system_a', "':'", 'customer_id_a']) }} end
            as customer_record_a,
        case when checked.subject_type = 'customer_pair' then {{ dbt.concat(['system_b', "':'", 'customer_id_b']) }} end
            as customer_record_b
    from checked

),

subjects as (

    select
        keyed.*,
        case
            when keyed.invalid_reason is not null then null
            when keyed.subject_type = 'exception' then trim(keyed.subject_id)
            when keyed.subject_type = 'payment_proposal'
                then {{ dbt.concat(['trim(subject_id)', "'|'", 'trim(related_subject_id)']) }}
            else {{ dbt.concat(['least(customer_record_a, customer_record_b)', "'|'",
                                'greatest(customer_record_a, customer_record_b)']) }}
        end as subject_key
    from keyed

),

ranked as (

    select
        subjects.*,
        row_number() over (
            partition by subjects.subject_type, subjects.subject_key
            order by subjects.decided_at desc, subjects.decision_id desc
        ) as rank_in_subject,
        first_value(subjects.decision_id) over (
            partition by subjects.subject_type, subjects.subject_key
            order by subjects.decided_at desc, subjects.decision_id desc
        ) as latest_decision_id
    from subjects
    where subjects.invalid_reason is null

),

final as (

    select
        subjects.decision_id,
        subjects.decided_at,
        subjects.reviewer,
        subjects.subject_type,
        subjects.subject_id,
        subjects.related_subject_id,
        subjects.decision,
        subjects.comment,
        subjects.subject_key,
        subjects.customer_record_a,
        subjects.customer_record_b,
        subjects.invalid_reason,
        coalesce(ranked.rank_in_subject = 1, false) as is_in_force,
        case when ranked.rank_in_subject > 1 then ranked.latest_decision_id end as superseded_by_decision_id
    from subjects
    left join ranked
        on subjects.decision_id = ranked.decision_id

)

select * from final
