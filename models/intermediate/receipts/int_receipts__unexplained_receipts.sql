-- Receipts left for the amount rules: something is still unexplained after the ERP
-- lettering, the bank reference names no document (a reference to paid invoices is
-- not an invitation to pay others), the billing tool's record did not explain it, and
-- the payer is known, since amounts are only ever compared within one customer.
{{ config(materialized='table') }}

with

payers as (

    select * from {{ ref('int_receipts__payers') }}

),

reference_hits as (

    select * from {{ ref('int_receipts__reference_hits') }}

),

billing_payment_proposals as (

    select * from {{ ref('int_receipts__billing_payment_proposals') }}

),

referenced as (

    select distinct receipt_id from reference_hits

),

explained_by_billing as (

    select distinct receipt_id from billing_payment_proposals

),

final as (

    select
        payers.receipt_id,
        payers.payer_customer_key,
        payers.entity,
        payers.currency,
        payers.value_date,
        payers.residual_amount
    from payers
    left join referenced
        on payers.receipt_id = referenced.receipt_id
    left join explained_by_billing
        on payers.receipt_id = explained_by_billing.receipt_id
    where payers.residual_amount > {{ var('amount_tolerance') }}
        and payers.payer_customer_key is not null
        and referenced.receipt_id is null
        and explained_by_billing.receipt_id is null

)

select * from final
