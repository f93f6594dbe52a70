{#- Small helpers of the cash exceptions family (models/intermediate/exceptions/cash/). -#}

{#- "EUR 1,234.50": a currency code and an amount as finance reads them. -#}
{% macro cash_money_phrase(currency, amount) -%}
    {{ dbt.concat([currency, "' '", format_money(amount)]) }}
{%- endmacro %}

{#- "2025-05-02": a date as text, the same on every engine. -#}
{% macro cash_date_text(date_expression) -%}
    cast({{ date_expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- A bank statement field (payer name, bank reference) as a comparison key: upper case,
    trimmed, runs of spaces as one; a missing value is the empty string, so two statement
    lines that both lack it read the same. -#}
{% macro cash_statement_key(expression) -%}
    coalesce(upper(trim({{ regexp_replace_all(expression, ' +', ' ') }})), '')
{%- endmacro %}

{#- A statement field inside a sentence: `payer "ACME LTD"` as written, or `no payer`. -#}
{% macro cash_statement_phrase(label, expression) -%}
    coalesce({{ dbt.concat(["'" ~ label ~ " \"'", expression, "'\"'"]) }}, 'no {{ label }}')
{%- endmacro %}
