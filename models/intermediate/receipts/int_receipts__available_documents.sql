-- Open documents the amount rules may pay: open, of a known customer group, and not
-- already claimed by a reference or the billing tool's record (whatever the status of
-- that claim: a document a reviewer must look at is not offered to a guess). A repeat
-- posting of an invoice is not offered either: it is to be cancelled, and with it
-- every recurring amount would find two documents and go to review.
{{ config(materialized='table') }}

with

open_items as (

    select * from {{ ref('int_receipts__open_items') }}

),

reference_proposals as (

    select * from {{ ref('int_receipts__reference_proposals') }}

),

billing_payment_proposals as (

    select * from {{ ref('int_receipts__billing_payment_proposals') }}

),

claimed as (

    select erp_document_id from reference_proposals
    union
    select erp_document_id from billing_payment_proposals

),

final as (

    select
        open_items.erp_document_id,
        open_items.customer_key,
        open_items.entity,
        open_items.currency,
        open_items.document_date,
        open_items.billing_invoice_id,
        open_items.open_amount
    from open_items
    left join claimed
        on open_items.erp_document_id = claimed.erp_document_id
    where open_items.is_open
        and open_items.customer_key is not null
        and not open_items.is_repeat_posting
        and claimed.erp_document_id is null

)

select * from final
