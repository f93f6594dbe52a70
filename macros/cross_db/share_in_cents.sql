{#- amount * part / whole, rounded half away from zero to the cent, in exact integer
    arithmetic: DuckDB divides decimals as doubles, Spark as decimals, and a share
    like 0.125 cents must round the same way on both. amount has at most 2 decimals;
    part and whole are positive integers (days). -#}
{% macro share_in_cents(amount, part, whole) -%}
    cast(
        sign({{ amount }})
        * {{ integer_divide(
            '2 * cast(abs(' ~ amount ~ ') * 100 as ' ~ dbt.type_bigint() ~ ') * (' ~ part ~ ') + (' ~ whole ~ ')',
            '2 * (' ~ whole ~ ')') }}
        as decimal(18, 0)
    ) * 0.01
{%- endmacro %}


{#- Integer division of two non-negative integers (truncating, so floor). -#}
{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide', 'recon')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{% macro spark__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) div ({{ denominator }}))
{%- endmacro %}
