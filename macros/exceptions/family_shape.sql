{#- The family shape every exception family ends with (see
    models/intermediate/exceptions/_exceptions__models.yml): the ten columns by name,
    in order, with their types, so int_exceptions__ranked can union the families. -#}
{% macro exception_family_shape(relation) -%}
    select
        cast(exception_type as {{ dbt.type_string() }}) as exception_type,
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(source_entity as {{ dbt.type_string() }}) as source_entity,
        cast(source_record_id as {{ dbt.type_string() }}) as source_record_id,
        cast(related_record_id as {{ dbt.type_string() }}) as related_record_id,
        cast(customer_key as {{ dbt.type_string() }}) as customer_key,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(amount as {{ type_money() }}) as amount,
        cast(event_date as date) as event_date,
        cast(explanation as {{ dbt.type_string() }}) as explanation
    from {{ relation }}
{%- endmacro %}
