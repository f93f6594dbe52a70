-- Every row of the reviewers' decisions file, with what it changed in this run. Nothing
-- in the file is dropped: a row that breaks the file's layout is listed as quarantined,
-- an earlier decision on a subject as superseded, a decision whose subject is not in
-- this run (an exception since resolved, a proposal no longer made, an unknown customer
-- record) as subject_not_found, each with the reason in words.
{%- set str = dbt.type_string() %}

with

checked_rows as (

    select * from {{ ref('base_review__decisions') }}

),

ranked as (

    select * from {{ ref('int_review__decisions_ranked') }}

),

exceptions as (

    select * from {{ ref('reconciliation_exceptions') }}

),

applications as (

    select * from {{ ref('int_receipts__applications') }}

),

customer_xref as (

    select * from {{ ref('customer_xref') }}

),

customer_keys as (

    select
        {{ dbt.concat(['source_system', "':'", 'source_customer_id']) }} as record_id,
        customer_key
    from customer_xref

),

withdrawn_per_receipt as (
    -- the other readings of a receipt that an accepted decision withdrew
    select
        receipt_id,
        count(*) as withdrawn_count
    from applications
    where is_withdrawn
    group by receipt_id

),

exception_changes as (

    select
        ranked.decision_id,
        exceptions.exception_id is not null as subject_found,
        case
            when exceptions.exception_id is null
                then {{ dbt.concat(["'no exception '", 'ranked.subject_id',
                    "' is raised in this run (resolved, or its records changed): nothing to apply'"]) }}
            else {{ dbt.concat(["'exception '", 'exceptions.exception_id', "' ('", 'exceptions.exception_type',
                    "' on '", 'exceptions.source_record_id', "'): review status open -> '", 'exceptions.review_status']) }}
        end as change_description
    from ranked
    left join exceptions
        on trim(ranked.subject_id) = exceptions.exception_id
    where ranked.subject_type = 'exception' and ranked.is_in_force

),

payment_changes as (

    select
        ranked.decision_id,
        applications.receipt_id is not null as subject_found,
        case
            when applications.receipt_id is null
                then {{ dbt.concat(["'receipt '", 'ranked.subject_id',
                    "' has no existing or proposed application to document '", 'ranked.related_subject_id', "' in this run: nothing to apply'"]) }}
            when applications.is_rejected
                then {{ dbt.concat(["'receipt '", 'applications.receipt_id', "' on document '",
                    'applications.erp_document_id', "': '", 'applications.status_before_decision', "' ('", 'applications.match_method_before_decision',
                    "') withdrawn, its '", 'cast(applications.applied_amount as ' ~ str ~ ')', "' left unapplied'"]) }}
            else {{ dbt.concat(["'receipt '", 'applications.receipt_id', "' on document '",
                    'applications.erp_document_id', "': '", 'applications.status_before_decision', "' ('", 'applications.match_method_before_decision',
                    "') -> '", 'applications.status', "' ('", 'applications.match_method', "')'",
                    "case when withdrawn_per_receipt.withdrawn_count > 0 then "
                        ~ dbt.concat(["', '", 'cast(withdrawn_per_receipt.withdrawn_count as ' ~ str ~ ')',
                            "' other reading(s) of the receipt withdrawn'"])
                        ~ " else '' end"]) }}
        end as change_description
    from ranked
    left join applications
        on ranked.decision_id = applications.decision_id
    left join withdrawn_per_receipt
        on applications.receipt_id = withdrawn_per_receipt.receipt_id
    where ranked.subject_type = 'payment_proposal' and ranked.is_in_force

),

customer_changes as (

    select
        ranked.decision_id,
        key_a.record_id is not null and key_b.record_id is not null as subject_found,
        case
            when key_a.record_id is null or key_b.record_id is null
                then {{ dbt.concat(["'no customer record '",
                    'case when key_a.record_id is null then ranked.customer_record_a else ranked.customer_record_b end',
                    "' in this run: nothing to apply'"]) }}
            when ranked.decision = 'link' and key_a.customer_key = key_b.customer_key
                then {{ dbt.concat(['ranked.customer_record_a', "' and '", 'ranked.customer_record_b',
                    "' are one customer ('", 'key_a.customer_key', "')'"]) }}
            when ranked.decision = 'link'
                then {{ dbt.concat(['ranked.customer_record_a', "' and '", 'ranked.customer_record_b',
                    "' linked, yet still in customers '", 'key_a.customer_key', "' and '", 'key_b.customer_key',
                    "' (an unlink decision or override elsewhere separates them)'"]) }}
            when key_a.customer_key = key_b.customer_key
                then {{ dbt.concat(['ranked.customer_record_a', "' and '", 'ranked.customer_record_b',
                    "' no longer linked directly, but still one customer ('", 'key_a.customer_key',
                    "') through other links: unlink those too'"]) }}
            else {{ dbt.concat(['ranked.customer_record_a', "' and '", 'ranked.customer_record_b',
                    "' unlinked: customers '", 'key_a.customer_key', "' and '", 'key_b.customer_key']) }}
        end as change_description
    from ranked
    left join customer_keys as key_a
        on ranked.customer_record_a = key_a.record_id
    left join customer_keys as key_b
        on ranked.customer_record_b = key_b.record_id
    where ranked.subject_type = 'customer_pair' and ranked.is_in_force

),

changes as (

    select * from exception_changes
    union all
    select * from payment_changes
    union all
    select * from customer_changes

),

final as (

    select
        checked_rows.decision_id,
        checked_rows.decided_at,
        checked_rows.reviewer,
        checked_rows.subject_type,
        checked_rows.subject_id,
        checked_rows.related_subject_id,
        checked_rows.decision,
        checked_rows.comment,
        case
            when checked_rows._quarantine_reason is not null then 'quarantined'
            when ranked.invalid_reason is not null then 'invalid'
            when not ranked.is_in_force then 'superseded'
            when changes.subject_found then 'applied'
            else 'subject_not_found'
        end as outcome,
        case
            when checked_rows._quarantine_reason is not null
                then {{ dbt.concat(["'not read: '", 'checked_rows._quarantine_reason']) }}
            when ranked.invalid_reason is not null then {{ dbt.concat(["'not applied: '", 'ranked.invalid_reason']) }}
            when not ranked.is_in_force
                then {{ dbt.concat(["'superseded by decision '", 'ranked.superseded_by_decision_id']) }}
            else changes.change_description
        end as change_description,
        checked_rows._raw_values as raw_values
    from checked_rows
    left join ranked
        on checked_rows.decision_id = ranked.decision_id
            and checked_rows._quarantine_reason is null
    left join changes
        on ranked.decision_id = changes.decision_id

)

select * from final
