{#- One output row per piece of a string split on a regular expression: use in a
    select list (`{{ split_to_rows('bank_reference', '[^A-Za-z0-9._-]+') }} as token`).
    Keep the pattern free of backslashes: Spark string literals read them as escapes. -#}
{% macro split_to_rows(expression, pattern) -%}
    {{ return(adapter.dispatch('split_to_rows', 'recon')(expression, pattern)) }}
{%- endmacro %}

{% macro default__split_to_rows(expression, pattern) -%}
    unnest(string_split_regex({{ expression }}, '{{ pattern }}'))
{%- endmacro %}

{% macro spark__split_to_rows(expression, pattern) -%}
    explode(split({{ expression }}, '{{ pattern }}'))
{%- endmacro %}
