-- Reviewer decisions: one row per decision_id, as finance wrote them. Rows that break the
-- file's layout are in quarantine_rows instead (and listed in review_decisions).
with checked as (

    select * from {{ ref('base_review__decisions') }}

),

staged as (

    select
        decision_id,
        decided_at,
        reviewer,
        subject_type,
        subject_id,
        related_subject_id,
        decision,
        comment
    from checked
    where _quarantine_reason is null

)

select * from staged
