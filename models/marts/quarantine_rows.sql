-- Every landing row that breaks the contract, with the reason in plain words.
-- Read it before trusting a reconciliation: a quarantined invoice is not reconciled.
{%- set entities = checked_entities() %}

with

{% for ent in entities -%}
{{ ent.system }}__{{ ent.entity }} as (

    select
        '{{ ent.system }}' as source_system,
        '{{ ent.entity }}' as entity,
        _record_key as record_key,
        _raw_values as raw_values,
        _quarantine_reason as quarantine_reason
    from {{ ref('base_' ~ ent.system ~ '__' ~ ent.entity) }}
    where _quarantine_reason is not null

),

{% endfor -%}
unioned as (

    {% for ent in entities -%}
    select * from {{ ent.system }}__{{ ent.entity }}
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
)

select * from unioned
