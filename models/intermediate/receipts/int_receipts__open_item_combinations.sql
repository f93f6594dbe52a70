-- Every combination of 2 to 4 open documents of one payer (customer group, entity,
-- currency) that an unexplained receipt could pay in one transfer: the search space of
-- the grouped-payment rule. The search is a bounded subset sum, never across the
-- ledger: a payer with more than `receipt_subset_max_documents` open documents is not
-- searched (C(15,2..4) = 1,925 combinations at the default), and a combination stops
-- growing once it is worth more than the payer's largest unexplained receipt.
{{ config(materialized='table') }}

{%- set max_size = 4 %}
{%- set max_documents = var('receipt_subset_max_documents') %}
{%- set document_slots = [] %}
{%- for slot in range(1, max_size + 1) %}{% do document_slots.append('document_' ~ slot) %}{% endfor %}

with

unexplained_receipts as (

    select * from {{ ref('int_receipts__unexplained_receipts') }}

),

available_documents as (

    select * from {{ ref('int_receipts__available_documents') }}

),

receipts_to_explain as (

    select
        payer_customer_key as customer_key,
        entity,
        currency,
        max(residual_amount) as largest_residual
    from unexplained_receipts
    group by payer_customer_key, entity, currency

),

documents as (

    select
        available_documents.customer_key,
        available_documents.entity,
        available_documents.currency,
        available_documents.erp_document_id,
        available_documents.open_amount,
        receipts_to_explain.largest_residual,
        row_number() over (
            partition by available_documents.customer_key, available_documents.entity, available_documents.currency
            order by available_documents.erp_document_id
        ) as document_position,
        count(*) over (
            partition by available_documents.customer_key, available_documents.entity, available_documents.currency
        ) as payer_document_count
    from available_documents
    inner join receipts_to_explain
        on available_documents.customer_key = receipts_to_explain.customer_key
            and available_documents.entity = receipts_to_explain.entity
            and available_documents.currency = receipts_to_explain.currency

),

searchable_documents as (

    select *
    from documents
    where payer_document_count between 2 and {{ max_documents }}
        and open_amount < largest_residual

),

combinations_1 as (

    select
        customer_key,
        entity,
        currency,
        largest_residual,
        erp_document_id as document_1,
        {%- for slot in range(2, max_size + 1) %}
        cast(null as {{ dbt.type_string() }}) as document_{{ slot }},
        {%- endfor %}
        open_amount as combination_amount,
        document_position as last_position,
        1 as document_count
    from searchable_documents

),

{% for size in range(2, max_size + 1) %}
combinations_{{ size }} as (

    -- grow each combination by one later document, while it stays payable
    select
        previous.customer_key,
        previous.entity,
        previous.currency,
        previous.largest_residual,
        {%- for slot in range(1, max_size + 1) %}
        {%- if slot == size %}
        next_document.erp_document_id as document_{{ slot }},
        {%- else %}
        previous.document_{{ slot }},
        {%- endif %}
        {%- endfor %}
        previous.combination_amount + next_document.open_amount as combination_amount,
        next_document.document_position as last_position,
        {{ size }} as document_count
    from combinations_{{ size - 1 }} as previous
    inner join searchable_documents as next_document
        on previous.customer_key = next_document.customer_key
            and previous.entity = next_document.entity
            and previous.currency = next_document.currency
            and previous.last_position < next_document.document_position
    where previous.combination_amount + next_document.open_amount <= previous.largest_residual

),

{% endfor %}
all_combinations as (

    {% for size in range(2, max_size + 1) %}
    select * from combinations_{{ size }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        -- concat_ws skips the empty slots of a smaller combination
        concat_ws('+', {{ document_slots | join(', ') }}) as combination_id,
        customer_key,
        entity,
        currency,
        combination_amount,
        document_count,
        {{ document_slots | join(',\n        ') }}
    from all_combinations

)

select * from final
