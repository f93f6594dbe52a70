{#- Pieces of the exception explanations of the postings and GL families, written once so
    every sentence shows money and dates the same way. -#}

{#- "EUR 1,234.50": a currency code and an amount as finance reads them. -#}
{% macro postings_money_phrase(currency, amount) -%}
    {{ dbt.concat([currency, "' '", format_money(amount)]) }}
{%- endmacro %}

{#- "2025-05-02": a date as text, the same on every engine. -#}
{% macro postings_date_text(date_expression) -%}
    cast({{ date_expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- "2025-05": the month of a date as text. -#}
{% macro postings_month_text(date_expression) -%}
    substring(cast({{ date_expression }} as {{ dbt.type_string() }}), 1, 7)
{%- endmacro %}
