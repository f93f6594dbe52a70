-- Rule 5: one invoice paid over several transfers. When no rule explains two or three
-- receipts of one payer on their own, and together they equal exactly one open
-- document of that payer, they are its instalments (`split`). Bounded like the
-- grouped rule: a payer with more than `receipt_subset_max_documents` such receipts
-- is not searched. Ambiguity (a receipt in two such sets, or a document two sets
-- could pay) goes to review.
{{ config(materialized='table') }}

{%- set max_documents = var('receipt_subset_max_documents') %}

with

unexplained_receipts as (

    select * from {{ ref('int_receipts__unexplained_receipts') }}

),

available_documents as (

    select * from {{ ref('int_receipts__available_documents') }}

),

amount_proposals as (

    select * from {{ ref('int_receipts__amount_proposals') }}

),

amount_claimed_documents as (

    select distinct erp_document_id from amount_proposals

),

amount_explained as (

    select distinct receipt_id from amount_proposals

),

searchable_receipts as (

    select
        unexplained_receipts.*,
        row_number() over (
            partition by
                unexplained_receipts.payer_customer_key, unexplained_receipts.entity,
                unexplained_receipts.currency
            order by unexplained_receipts.value_date, unexplained_receipts.receipt_id
        ) as receipt_position,
        count(*) over (
            partition by
                unexplained_receipts.payer_customer_key, unexplained_receipts.entity,
                unexplained_receipts.currency
        ) as payer_receipt_count
    from unexplained_receipts
    left join amount_explained
        on unexplained_receipts.receipt_id = amount_explained.receipt_id
    where amount_explained.receipt_id is null

),

receipt_sets as (

    select
        first_receipt.payer_customer_key,
        first_receipt.entity,
        first_receipt.currency,
        first_receipt.receipt_id as receipt_1,
        second_receipt.receipt_id as receipt_2,
        cast(null as {{ dbt.type_string() }}) as receipt_3,
        first_receipt.residual_amount + second_receipt.residual_amount as set_amount
    from searchable_receipts as first_receipt
    inner join searchable_receipts as second_receipt
        on first_receipt.payer_customer_key = second_receipt.payer_customer_key
            and first_receipt.entity = second_receipt.entity
            and first_receipt.currency = second_receipt.currency
            and first_receipt.receipt_position < second_receipt.receipt_position
    where first_receipt.payer_receipt_count <= {{ max_documents }}

    union all

    select
        first_receipt.payer_customer_key,
        first_receipt.entity,
        first_receipt.currency,
        first_receipt.receipt_id as receipt_1,
        second_receipt.receipt_id as receipt_2,
        third_receipt.receipt_id as receipt_3,
        first_receipt.residual_amount + second_receipt.residual_amount + third_receipt.residual_amount
            as set_amount
    from searchable_receipts as first_receipt
    inner join searchable_receipts as second_receipt
        on first_receipt.payer_customer_key = second_receipt.payer_customer_key
            and first_receipt.entity = second_receipt.entity
            and first_receipt.currency = second_receipt.currency
            and first_receipt.receipt_position < second_receipt.receipt_position
    inner join searchable_receipts as third_receipt
        on first_receipt.payer_customer_key = third_receipt.payer_customer_key
            and first_receipt.entity = third_receipt.entity
            and first_receipt.currency = third_receipt.currency
            and second_receipt.receipt_position < third_receipt.receipt_position
    where first_receipt.payer_receipt_count <= {{ max_documents }}

),

set_matches as (

    select
        receipt_sets.*,
        available_documents.erp_document_id,
        available_documents.billing_invoice_id,
        concat_ws(
            '+', receipt_sets.receipt_1, receipt_sets.receipt_2, receipt_sets.receipt_3,
            available_documents.erp_document_id
        ) as set_id,
        count(*) over (partition by available_documents.erp_document_id) as sets_for_document
    from receipt_sets
    inner join available_documents
        on receipt_sets.payer_customer_key = available_documents.customer_key
            and receipt_sets.entity = available_documents.entity
            and receipt_sets.currency = available_documents.currency
            and receipt_sets.set_amount = available_documents.open_amount
    left join amount_claimed_documents
        on available_documents.erp_document_id = amount_claimed_documents.erp_document_id
    where amount_claimed_documents.erp_document_id is null

),

memberships as (

    select
        set_id,
        receipt_1 as receipt_id,
        erp_document_id,
        billing_invoice_id,
        sets_for_document
    from set_matches
    union all
    select
        set_id,
        receipt_2 as receipt_id,
        erp_document_id,
        billing_invoice_id,
        sets_for_document
    from set_matches
    union all
    select
        set_id,
        receipt_3 as receipt_id,
        erp_document_id,
        billing_invoice_id,
        sets_for_document
    from set_matches
    where receipt_3 is not null

),

counted as (

    -- a set is sure only when its document has no other set and none of its receipts
    -- belongs to another set
    select
        memberships.*,
        count(*) over (partition by memberships.receipt_id) as sets_for_receipt
    from memberships

),

set_verdicts as (

    select
        counted.*,
        max(counted.sets_for_receipt) over (partition by counted.set_id) as widest_receipt_overlap
    from counted

),

per_application as (

    -- one row per (receipt, document) even when several sets pair them
    select
        receipt_id,
        erp_document_id,
        min(billing_invoice_id) as billing_invoice_id,
        max(sets_for_document) as sets_for_document,
        max(widest_receipt_overlap) as widest_receipt_overlap
    from set_verdicts
    group by receipt_id, erp_document_id

),

final as (

    select
        per_application.receipt_id,
        per_application.erp_document_id,
        per_application.billing_invoice_id,
        unexplained_receipts.residual_amount as applied_amount,
        'split' as match_method,
        cast(case
            when per_application.sets_for_document = 1 and per_application.widest_receipt_overlap = 1 then 0.80
            else 0.40
        end as {{ type_percent() }}) as match_confidence,
        case
            when per_application.sets_for_document = 1 and per_application.widest_receipt_overlap = 1
                then 'proposed_auto'
            else 'proposed_review'
        end as status,
        case
            when per_application.sets_for_document > 1
                then {{ dbt.concat(['cast(per_application.sets_for_document as ' ~ dbt.type_string() ~ ')',
                    "' sets of receipts of the payer add up to the document'"]) }}
            when per_application.widest_receipt_overlap > 1
                then 'a receipt of this set belongs to another set that pays another document'
        end as review_reason,
        greatest(per_application.sets_for_document, per_application.widest_receipt_overlap) as candidate_count
    from per_application
    inner join unexplained_receipts
        on per_application.receipt_id = unexplained_receipts.receipt_id

)

select * from final
