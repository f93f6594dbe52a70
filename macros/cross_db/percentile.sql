{#- The interpolated percentile of a column of day counts, to a tenth of a day.
    percentile_cont ... within group is standard SQL on DuckDB and Spark (4.0 and
    newer); the result is a double on both, so it is rounded to one decimal place
    before the exact cast, and the same rows give the same figure on both engines. -#}
{% macro percentile_days(fraction, column) -%}
    {{ return(adapter.dispatch('percentile_days', 'recon')(fraction, column)) }}
{%- endmacro %}

{% macro default__percentile_days(fraction, column) -%}
    cast(round(percentile_cont({{ fraction }}) within group (order by {{ column }}), 1) as decimal(12, 1))
{%- endmacro %}
