{#- A cast that yields null instead of failing, so a malformed value can be
    quarantined with its reason. dbt's safe_cast is a plain CAST on DuckDB, and Spark
    (ANSI mode) raises on a bad cast: both engines have try_cast, behind this macro. -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'recon')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
