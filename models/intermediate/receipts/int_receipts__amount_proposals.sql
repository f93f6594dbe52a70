-- Rules 3 and 4: no reference, but the payer is known and the amount says what was
-- paid. The exact cents must match, since the amount is the only evidence:
--   exact_amount  one open document of the payer equals the receipt
--   grouped       else one combination of 2 to 4 open documents equals it
--                 (int_receipts__open_item_combinations, a bounded search)
-- One explanation is `proposed_auto`. Two or more equal explanations put every
-- candidate in review with the count stated: a wrong automatic lettering costs far
-- more than a look.
{{ config(materialized='table') }}

{%- set max_size = 4 %}

with

unexplained_receipts as (

    select * from {{ ref('int_receipts__unexplained_receipts') }}

),

available_documents as (

    select * from {{ ref('int_receipts__available_documents') }}

),

combinations as (

    select * from {{ ref('int_receipts__open_item_combinations') }}

),

single_matches as (

    select
        unexplained_receipts.receipt_id,
        available_documents.erp_document_id,
        available_documents.billing_invoice_id,
        available_documents.open_amount,
        count(*) over (partition by unexplained_receipts.receipt_id) as explanation_count
    from unexplained_receipts
    inner join available_documents
        on unexplained_receipts.payer_customer_key = available_documents.customer_key
            and unexplained_receipts.entity = available_documents.entity
            and unexplained_receipts.currency = available_documents.currency
            and unexplained_receipts.residual_amount = available_documents.open_amount

),

singly_explained as (

    select distinct receipt_id from single_matches

),

combination_matches as (

    -- only for receipts no single document explains
    select
        unexplained_receipts.receipt_id,
        combinations.combination_id,
        {%- for slot in range(1, max_size + 1) %}
        combinations.document_{{ slot }},
        {%- endfor %}
        count(*) over (partition by unexplained_receipts.receipt_id) as explanation_count
    from unexplained_receipts
    inner join combinations
        on unexplained_receipts.payer_customer_key = combinations.customer_key
            and unexplained_receipts.entity = combinations.entity
            and unexplained_receipts.currency = combinations.currency
            and unexplained_receipts.residual_amount = combinations.combination_amount
    left join singly_explained
        on unexplained_receipts.receipt_id = singly_explained.receipt_id
    where singly_explained.receipt_id is null

),

combination_documents as (

    {%- for slot in range(1, max_size + 1) %}
    select
        receipt_id,
        document_{{ slot }} as erp_document_id,
        explanation_count
    from combination_matches
    where document_{{ slot }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

grouped_matches as (

    -- a document in two candidate combinations is one candidate application
    select
        combination_documents.receipt_id,
        combination_documents.erp_document_id,
        available_documents.billing_invoice_id,
        available_documents.open_amount,
        max(combination_documents.explanation_count) as explanation_count
    from combination_documents
    inner join available_documents
        on combination_documents.erp_document_id = available_documents.erp_document_id
    group by
        combination_documents.receipt_id,
        combination_documents.erp_document_id,
        available_documents.billing_invoice_id,
        available_documents.open_amount

),

proposals as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        open_amount as applied_amount,
        'exact_amount' as match_method,
        0.90 as unique_confidence,
        explanation_count,
        'open documents of the payer equal the receipt amount' as ambiguity
    from single_matches

    union all

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        open_amount as applied_amount,
        'grouped' as match_method,
        0.85 as unique_confidence,
        explanation_count,
        'combinations of open documents of the payer equal the receipt amount' as ambiguity
    from grouped_matches

),

final as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        cast(applied_amount as {{ type_money() }}) as applied_amount,
        match_method,
        cast(unique_confidence / explanation_count as {{ type_percent() }}) as match_confidence,
        case when explanation_count = 1 then 'proposed_auto' else 'proposed_review' end as status,
        case
            when explanation_count > 1
                then {{ dbt.concat(['cast(explanation_count as ' ~ dbt.type_string() ~ ')', "' '", 'ambiguity']) }}
        end as review_reason,
        explanation_count as candidate_count
    from proposals

)

select * from final
