{#- Exact types of the project, one place. Money is decimal, never float. -#}
{% macro type_money() %}decimal(18, 2){% endmacro %}
{% macro type_quantity() %}decimal(18, 4){% endmacro %}
{% macro type_percent() %}decimal(9, 4){% endmacro %}
{% macro type_fx_rate() %}decimal(18, 8){% endmacro %}

{#- The staged type of a landing column: the contract's type, with decimals split by
    what they measure. -#}
{% macro landing_column_sql_type(col) -%}
    {%- if col.type == 'decimal' -%}
        {%- if col.name == 'quantity' -%}{{ type_quantity() }}
        {%- elif col.name == 'discount_pct' -%}{{ type_percent() }}
        {%- elif col.name == 'rate_to_reporting' -%}{{ type_fx_rate() }}
        {%- else -%}{{ type_money() }}
        {%- endif -%}
    {%- elif col.type == 'date' -%}date
    {%- elif col.type == 'timestamp' -%}timestamp
    {%- elif col.type == 'boolean' -%}boolean
    {%- elif col.type == 'integer' -%}{{ dbt.type_int() }}
    {%- else -%}{{ dbt.type_string() }}
    {%- endif -%}
{%- endmacro %}

{#- A summary figure: counts, reporting-currency amounts and ratios in one column. -#}
{% macro type_ratio() %}decimal(20, 4){% endmacro %}

{#- A CTE read more than once is computed once per read instead of held whole in
    memory: DuckDB materializes such a CTE unless told not to; Spark always inlines. -#}
{% macro cte_not_materialized() -%}
    {{ return(adapter.dispatch('cte_not_materialized', 'recon')()) }}
{%- endmacro %}

{% macro default__cte_not_materialized() -%}{%- endmacro %}

{% macro duckdb__cte_not_materialized() -%}not materialized{%- endmacro %}
