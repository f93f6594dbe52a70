{#- Normalisers for matching billing document numbers to ERP external references.
    Each turns the many ways a number is keyed into one comparable form; none of them
    decides a match (the rules in models/intermediate/invoices do). -#}

{#- A document number as keyed: upper case, only letters and digits, so case, spaces
    and separators do not matter ("inv 2024-000123" and "INV-2024-000123" both read
    INV2024000123). Null when nothing is left. -#}
{% macro normalise_document_number(expression) -%}
    nullif({{ regexp_replace_all('upper(' ~ expression ~ ')', '[^A-Z0-9]', '') }}, '')
{%- endmacro %}

{#- The same number without its leading alphabetic prefix ("INV2024000123" ->
    2024000123), for references keyed without the series prefix. The pattern is
    anchored, so it removes one prefix on both engines. Null when nothing is left
    (a number made only of letters has no comparable body). -#}
{% macro document_number_body(normalised_expression) -%}
    nullif({{ regexp_replace_all(normalised_expression, '^[A-Z]+', '') }}, '')
{%- endmacro %}

{#- The decision on a candidate pair of a rule that links only one-to-one: accepted
    when the ERP document has exactly one candidate and the billing document too,
    otherwise why not, with the counts ("rejected: 2 billing candidates for the erp
    document"). -#}
{% macro one_to_one_decision(erp_candidate_count, billing_candidate_count) -%}
    {%- set erp_count = 'cast(' ~ erp_candidate_count ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    {%- set billing_count = 'cast(' ~ billing_candidate_count ~ ' as ' ~ dbt.type_string() ~ ')' -%}
    case
        when {{ erp_candidate_count }} > 1 and {{ billing_candidate_count }} > 1
            then {{ dbt.concat(["'rejected: '", erp_count, "' billing candidates for the erp document and '",
                billing_count, "' erp candidates for the billing document'"]) }}
        when {{ erp_candidate_count }} > 1
            then {{ dbt.concat(["'rejected: '", erp_count, "' billing candidates for the erp document'"]) }}
        when {{ billing_candidate_count }} > 1
            then {{ dbt.concat(["'rejected: '", billing_count, "' erp candidates for the billing document'"]) }}
        else 'accepted'
    end
{%- endmacro %}
