{#- An exact sum (or any high-precision decimal) rounded to the money type.
    On DuckDB a sum of decimals is a 128-bit decimal, and casting that to money costs
    a 128-bit division per row: at 100k customer groups the ARR models spent most of
    their time there. Values below 10^8 (all but the largest sums) take a 64-bit path
    first, which rounds the same way; the rest keep the plain cast.
    tests/assert_money_of_sum_rounds_like_a_cast.sql checks both paths. -#}
{% macro money_of_sum(expression) -%}
    {{ return(adapter.dispatch('money_of_sum', 'recon')(expression)) }}
{%- endmacro %}

{% macro default__money_of_sum(expression) -%}
    cast({{ expression }} as {{ type_money() }})
{%- endmacro %}

{% macro duckdb__money_of_sum(expression) -%}
    case
        when abs({{ expression }}) < 100000000
            then cast(cast({{ expression }} as decimal(18, 10)) as {{ type_money() }})
        else cast({{ expression }} as {{ type_money() }})
    end
{%- endmacro %}
