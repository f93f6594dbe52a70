-- One row per reconciliation exception, what finance opens every morning: the record
-- it names, the figures that prove it (explanation), the money at risk in document and
-- reporting currency, its age, and who does what about it. Only the first type that
-- explains a record is here (intermediate.int_exceptions__ranked keeps the others).
with

ranked as (

    select * from {{ ref('int_exceptions__ranked') }}

),

as_of as (

    select * from {{ ref('int_reporting__as_of_date') }}

),

fx_rates as (

    select * from {{ ref('int_reporting__fx_rates_as_of') }}

),

exception_decisions as (
    -- the reviewer's decision in force on each exception id (the id is stable across
    -- runs, so a decision keeps applying while the problem lasts)
    select
        decision_id,
        trim(subject_id) as exception_id,
        case decision when 'confirm' then 'confirmed' when 'dismiss' then 'dismissed' end as review_status
    from {{ ref('int_review__decisions_ranked') }}
    where subject_type = 'exception' and is_in_force

),

reported as (

    select
        ranked.*,
        cast(ranked.amount * fx_rates.rate_to_reporting as {{ type_money() }}) as amount_reporting,
        as_of.as_of_date,
        exception_decisions.review_status,
        exception_decisions.decision_id
    from ranked
    cross join as_of
    left join fx_rates
        on ranked.currency = fx_rates.currency
    left join exception_decisions
        on ranked.exception_id = exception_decisions.exception_id
    where ranked.is_reported

),

final as (

    select
        exception_id,
        exception_type,
        -- the catalogue's severity, raised to high when the money at risk reaches the
        -- type's threshold in the reporting currency
        case
            when high_amount_reporting > 0 and amount_reporting >= high_amount_reporting then 'high'
            else base_severity
        end as severity,
        source_system,
        source_record_id,
        related_record_id,
        customer_key,
        currency,
        amount,
        amount_reporting,
        as_of_date as detected_as_of,
        {%- set days_since_event = dbt.datediff('event_date', 'as_of_date', 'day') %}
        cast({{ days_since_event }} as {{ dbt.type_int() }}) as age_days,
        explanation,
        {{ dbt.concat(['owner', "': '", 'recommended_action']) }} as recommended_action,
        coalesce(review_status, 'open') as review_status,
        decision_id,
        source_entity,
        family,
        event_date
    from reported

)

select * from final
