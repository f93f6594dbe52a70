-- Every (billing document, ERP document) pair a rule considered, with the rule, its
-- confidence, the evidence (edit distance, amount difference, days from issue, how
-- many candidates competed) and the decision: "accepted" or why not. A reviewer reads
-- here why a link was or was not made.

-- The columns every rule model must provide, in output order. Written once so the
-- rules cannot drift apart: union all matches columns by position, not by name.
{% set columns = [
    'billing_document_type',
    'billing_document_id',
    'erp_document_id',
    'match_method',
    'rule_rank',
    'match_confidence',
    'edit_distance',
    'amount_difference',
    'days_from_issue',
    'billing_candidate_count',
    'erp_candidate_count',
    'is_accepted',
    'decision',
] %}

-- the import CTEs below, one per rule, in the order their rows are unioned
{% set rule_candidates = [
    'reference_candidates',
    'typo_candidates',
    'amount_date_candidates',
    'duplicate_candidates',
    'customer_date_candidates',
    'other_customer_candidates',
] %}

with

reference_candidates as (

    select * from {{ ref('int_invoices__reference_candidates') }}

),

typo_candidates as (

    select * from {{ ref('int_invoices__typo_candidates') }}

),

amount_date_candidates as (

    select * from {{ ref('int_invoices__amount_date_candidates') }}

),

duplicate_candidates as (

    select * from {{ ref('int_invoices__duplicate_candidates') }}

),

customer_date_candidates as (

    select * from {{ ref('int_invoices__customer_date_candidates') }}

),

other_customer_candidates as (

    select * from {{ ref('int_invoices__other_customer_candidates') }}

),

candidates as (
{% for rule in rule_candidates %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ columns | join(',\n        ') }}
    from {{ rule }}
    {%- endfor %}

)

select * from candidates
