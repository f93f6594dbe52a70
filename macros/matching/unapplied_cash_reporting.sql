{#- A receipt's unapplied cash in the reporting currency: its unexplained amount when
    that is above amount_tolerance (below is rounding), at the given rate. One definition
    for reconciliation_summary and close_metrics_monthly, so the two cannot drift. -#}
{% macro unapplied_cash_reporting(balances, rates) -%}
    case
        when {{ balances }}.unexplained_amount > {{ var('amount_tolerance') }}
            then {{ balances }}.unexplained_amount * {{ rates }}.rate_to_reporting
        else 0
    end
{%- endmacro %}
