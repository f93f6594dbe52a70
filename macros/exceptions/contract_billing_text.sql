{#- Small helpers of the contract_billing exceptions family
    (models/intermediate/exceptions/contract_billing/). -#}

{#- Active on day D means start_date <= D <= end_date, end inclusive, a null end open
    (CONTRACT.md, Records and links): for contracts, lines, subscriptions and items. -#}
{% macro contract_billing_is_active_on(start_date, end_date, day) -%}
    ({{ start_date }} <= {{ day }} and {{ day }} <= {{ open_end(end_date) }})
{%- endmacro %}

{#- A value as text inside an explanation (dates read YYYY-MM-DD on both engines). -#}
{% macro contract_billing_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{#- A quantity as finance writes it: 12 rather than 12.0000, 2.5000 kept as is. -#}
{% macro contract_billing_quantity_text(expression) -%}
    case
        when {{ expression }} = floor({{ expression }})
            then cast(cast({{ expression }} as bigint) as {{ dbt.type_string() }})
        else cast({{ expression }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- An amount and its currency in a sentence: "1,234.50 EUR". -#}
{% macro contract_billing_money_text(amount, currency) -%}
    {{ dbt.concat([format_money(amount), "' '", currency]) }}
{%- endmacro %}
