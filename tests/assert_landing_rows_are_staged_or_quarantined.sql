-- Nothing is lost in staging: for every landing entity, the rows of its file equal
-- the rows staged plus the rows quarantined. Returns the entities where they differ.
{%- set entities = checked_entities() %}

with

counts as (

    {% for ent in entities -%}
    select
        '{{ ent.system }}' as source_system,
        '{{ ent.entity }}' as entity,
        (select count(*) from {{ source('landing', ent.system ~ '__' ~ ent.entity) }}) as landing_rows,
        (select count(*) from {{ ref('stg_' ~ ent.system ~ '__' ~ ent.entity) }}) as staged_rows,
        (
            select count(*) from {{ ref('quarantine_rows') }}
            where source_system = '{{ ent.system }}' and entity = '{{ ent.entity }}'
        ) as quarantined_rows
    {% if not loop.last %}union all
    {% endif -%}
    {% endfor %}
)

select *
from counts
where landing_rows <> staged_rows + quarantined_rows
