{#- Contract terms shared by the contract-to-subscription models. -#}

{#- Billing periods in a year of a billing interval (CONTRACT.md, ARR: month 12,
    quarter 4, year 1). Null for an interval the contract does not know. -#}
{% macro periods_per_year(interval_expression) -%}
    case {{ interval_expression }}
        when 'month' then 12
        when 'quarter' then 4
        when 'year' then 1
    end
{%- endmacro %}

{#- The CRM billing frequency a billing interval stands for (DECISIONLOG: month =
    monthly, quarter = quarterly, year = annual). -#}
{% macro frequency_of_interval(interval_expression) -%}
    case {{ interval_expression }}
        when 'month' then 'monthly'
        when 'quarter' then 'quarterly'
        when 'year' then 'annual'
    end
{%- endmacro %}

{#- The last day of a term whose end may be open (CONTRACT.md: a null end is open):
    a far date stands for "open", so overlaps are plain date comparisons. -#}
{% macro open_end(end_date_expression) -%}
    coalesce({{ end_date_expression }}, cast('9999-12-31' as date))
{%- endmacro %}

{#- Days two terms share, end days included (CONTRACT.md: active on day D means
    start_date <= D <= end_date); zero or less when they do not meet. -#}
{% macro term_overlap_days(start_a, end_a, start_b, end_b) -%}
    ({{ dbt.datediff(
        'greatest(' ~ start_a ~ ', ' ~ start_b ~ ')',
        'least(' ~ open_end(end_a) ~ ', ' ~ open_end(end_b) ~ ')',
        'day') }} + 1)
{%- endmacro %}
