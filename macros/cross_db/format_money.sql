{#- An amount as finance reads it in a sentence: thousands separated by commas, two
    decimals ("1,234,567.05"). For explanations only; the amount columns stay decimal. -#}
{% macro format_money(expression) -%}
    {{ return(adapter.dispatch('format_money', 'recon')(expression)) }}
{%- endmacro %}

{% macro default__format_money(expression) -%}
    format('{:,.2f}', {{ expression }})
{%- endmacro %}

{% macro spark__format_money(expression) -%}
    format_number({{ expression }}, 2)
{%- endmacro %}
