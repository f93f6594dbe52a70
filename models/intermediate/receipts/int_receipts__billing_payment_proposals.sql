-- Rule 2: the reference names nothing, but the billing tool recorded the same movement
-- (int_receipts__billing_payment_matches) and says which invoices it paid. Applied only
-- when every payment of the batch leads to exactly one open ERP document of the
-- receipt's entity and currency that can take it: a batch explained in part is left to
-- the amount rules, which still know the payer from it.
{{ config(materialized='table') }}

{%- set tolerance = var('amount_tolerance') %}

with

payers as (

    select * from {{ ref('int_receipts__payers') }}

),

billing_payment_matches as (

    select * from {{ ref('int_receipts__billing_payment_matches') }}

),

reference_hits as (

    select * from {{ ref('int_receipts__reference_hits') }}

),

open_items as (

    select * from {{ ref('int_receipts__open_items') }}

),

referenced as (

    select distinct receipt_id from reference_hits

),

unreferenced_receipts as (

    -- nothing lettered yet: a batch is the record of the whole movement
    select payers.*
    from payers
    left join referenced
        on payers.receipt_id = referenced.receipt_id
    where referenced.receipt_id is null
        and payers.lettered_amount = 0

),

payment_documents as (

    select
        billing_payment_matches.receipt_id,
        billing_payment_matches.payment_id,
        billing_payment_matches.payment_amount,
        open_items.erp_document_id,
        open_items.billing_invoice_id,
        open_items.open_amount,
        count(open_items.erp_document_id) over (partition by billing_payment_matches.payment_id)
            as documents_for_payment
    from billing_payment_matches
    inner join unreferenced_receipts
        on billing_payment_matches.receipt_id = unreferenced_receipts.receipt_id
    left join open_items
        on billing_payment_matches.billing_invoice_id = open_items.billing_invoice_id
            and unreferenced_receipts.entity = open_items.entity
            and unreferenced_receipts.currency = open_items.currency
            and open_items.is_open
            and open_items.open_amount >= billing_payment_matches.payment_amount - {{ tolerance }}

),

fully_explained as (

    select receipt_id
    from payment_documents
    group by receipt_id
    having min(documents_for_payment) = 1
        and max(documents_for_payment) = 1

),

per_document as (

    -- two payments of one batch for one invoice are one application
    select
        payment_documents.receipt_id,
        payment_documents.erp_document_id,
        min(payment_documents.billing_invoice_id) as billing_invoice_id,
        least(sum(payment_documents.payment_amount), min(payment_documents.open_amount)) as applied_amount
    from payment_documents
    inner join fully_explained
        on payment_documents.receipt_id = fully_explained.receipt_id
    group by payment_documents.receipt_id, payment_documents.erp_document_id

),

final as (

    select
        receipt_id,
        erp_document_id,
        billing_invoice_id,
        cast(applied_amount as {{ type_money() }}) as applied_amount,
        'billing_payment' as match_method,
        cast(0.95 as {{ type_percent() }}) as match_confidence,
        'proposed_auto' as status,
        cast(null as {{ dbt.type_string() }}) as review_reason,
        1 as candidate_count
    from per_document

)

select * from final
