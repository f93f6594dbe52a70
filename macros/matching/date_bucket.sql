{#- The bucket of `width_days` consecutive days a date falls in, as an integer. Two
    dates at most `width_days` apart fall in the same bucket or in neighbouring ones,
    so a date-window join can be an equi-join on the bucket (plus or minus one). -#}
{% macro date_bucket(date_expression, width_days) -%}
    cast(floor({{ dbt.datediff("cast('1970-01-01' as date)", date_expression, 'day') }}
        / {{ [width_days | int, 1] | max }}) as bigint)
{%- endmacro %}
