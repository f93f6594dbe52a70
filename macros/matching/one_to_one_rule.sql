{#- The last CTEs of an invoice-matching rule that links one to one
    (models/intermediate/invoices): `counted` (how many candidates each side has),
    `decided` (accepted, or why not) and `final` (the candidate columns every rule
    model provides, int_invoices__match_candidates). `pairs` names the CTE of the rule's
    candidate pairs, with billing_document_type, billing_document_id, erp_document_id,
    amount_difference and days_from_issue. `rejections` lists [condition, reason] pairs
    of SQL over `counted`, tried in order before the one-to-one decision, for evidence
    that rejects a pair whatever the competition. The calling model ends its last CTE
    with a comma and selects from `final`. -#}
{% macro one_to_one_rule_result(pairs, match_method, rule_rank, match_confidence, rejections=[]) -%}
counted as (

    select
        {{ pairs }}.*,
        count(*)
            over (partition by {{ pairs }}.billing_document_type, {{ pairs }}.billing_document_id)
            as billing_candidate_count,
        count(*) over (partition by {{ pairs }}.erp_document_id) as erp_candidate_count
    from {{ pairs }}

),

decided as (

    select
        counted.*,
        {%- if rejections %}
        case
            {%- for condition, reason in rejections %}
            when {{ condition }}
                then {{ reason }}
            {%- endfor %}
            else {{ one_to_one_decision('erp_candidate_count', 'billing_candidate_count') }}
        end as decision
        {%- else %}
        {{ one_to_one_decision('erp_candidate_count', 'billing_candidate_count') }} as decision
        {%- endif %}
    from counted

),

final as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id,
        '{{ match_method }}' as match_method,
        {{ rule_rank }} as rule_rank,
        cast({{ match_confidence }} as decimal(3, 2)) as match_confidence,
        cast(null as {{ dbt.type_int() }}) as edit_distance,
        amount_difference,
        days_from_issue,
        billing_candidate_count,
        erp_candidate_count,
        decision,
        decision = 'accepted' as is_accepted
    from decided

)
{%- endmacro %}
