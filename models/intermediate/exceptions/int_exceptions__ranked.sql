-- Every exception the five families raise, with its catalogue entry
-- (seeds/exception_types.csv) and whether it is reported. "A problem is reported once,
-- under the first type that explains it" (CONTRACT.md): when several types name the
-- same record, the one earliest in the vocabulary is reported and the others are kept
-- here, not reported, so a reviewer can still see what else was wrong.
{%- set family_columns = [
    'exception_type', 'source_system', 'source_entity', 'source_record_id', 'related_record_id',
    'customer_key', 'currency', 'amount', 'event_date', 'explanation'] %}
{%- set catalogue_columns = [
    'precedence', 'family', 'base_severity', 'high_amount_reporting', 'owner', 'recommended_action',
    'rank_in_record'] %}

with

contract_billing as (

    select * from {{ ref('int_exceptions__contract_billing') }}

),

postings as (

    select * from {{ ref('int_exceptions__postings') }}

),

cash as (

    select * from {{ ref('int_exceptions__cash') }}

),

customers as (

    select * from {{ ref('int_exceptions__customers') }}

),

gl as (

    select * from {{ ref('int_exceptions__gl') }}

),

exception_types as (

    select * from {{ ref('exception_types') }}

),

raised as (

    -- by name, not position: a family may carry working columns of its own
    {%- for family in ['contract_billing', 'postings', 'cash', 'customers', 'gl'] %}
    select {{ family_columns | join(', ') }} from {{ family }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

catalogued as (

    select
        raised.*,
        exception_types.precedence,
        exception_types.family,
        exception_types.severity as base_severity,
        exception_types.high_amount_reporting,
        exception_types.owner,
        exception_types.recommended_action,
        row_number() over (
            partition by raised.source_system, raised.source_entity, raised.source_record_id
            order by exception_types.precedence, coalesce(raised.related_record_id, '')
        ) as rank_in_record
    from raised
    inner join exception_types
        on raised.exception_type = exception_types.exception_type

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "'exception|'", 'exception_type', "'|'", 'source_system', "'|'", 'source_entity', "'|'",
            'source_record_id'])) }} as exception_id,
        {%- for column in family_columns + catalogue_columns %}
        {{ column }},
        {%- endfor %}
        rank_in_record = 1 as is_reported
    from catalogued

)

select * from final
