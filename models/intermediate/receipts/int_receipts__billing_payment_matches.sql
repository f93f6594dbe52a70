-- The billing tool's own record of each ERP receipt. Billing keeps one payment per
-- invoice paid, so the payments one customer made on one day under one reference form
-- a batch: the same money as one bank receipt. A batch and a receipt are the same
-- movement when currency and amount are equal, the dates are within
-- date_tolerance_days, the references do not contradict each other, and neither has
-- another candidate. Evidence only (payer, invoices paid): never extra cash.
{{ config(materialized='table') }}

{%- set window_days = var('date_tolerance_days') %}

with

payments as (

    select * from {{ ref('stg_billing__payments') }}

),

receipts as (

    select * from {{ ref('stg_erp__cash_receipts') }}

),

customer_groups as (

    select
        source_customer_id as billing_customer_id,
        customer_key
    from {{ ref('int_customers__clustered') }}
    where source_system = 'billing'

),

succeeded_payments as (

    select
        payment_id,
        customer_id as billing_customer_id,
        invoice_id as billing_invoice_id,
        amount,
        currency,
        cast(paid_at as date) as paid_date,
        {{ normalise_document_number('reference') }} as reference_normalised,
        {{ dbt.concat([
            'customer_id', "'|'", 'currency', "'|'", 'cast(cast(paid_at as date) as ' ~ dbt.type_string() ~ ')',
            "'|'", "coalesce(" ~ normalise_document_number('reference') ~ ", '')"]) }} as batch_id
    from payments
    where status = 'succeeded'

),

batches as (

    select
        batch_id,
        min(billing_customer_id) as billing_customer_id,
        min(currency) as currency,
        min(paid_date) as paid_date,
        min(reference_normalised) as reference_normalised,
        sum(amount) as batch_amount
    from succeeded_payments
    group by batch_id

),

bucket_shifts as (

    select -1 as shift
    union all
    select 0 as shift
    union all
    select 1 as shift

),

bucketed_batches as (

    -- dates within the window fall in the same or a neighbouring bucket of the window's
    -- width: an equi-join on the bucket keeps a common amount (a 49.00 plan) from
    -- pairing every receipt with every payment of the ledger
    select
        batches.*,
        {{ date_bucket('batches.paid_date', window_days) }} + bucket_shifts.shift as date_bucket
    from batches
    cross join bucket_shifts

),

candidate_pairs as (

    select
        receipts.receipt_id,
        bucketed_batches.batch_id
    from receipts
    inner join bucketed_batches
        on receipts.currency = bucketed_batches.currency
            and receipts.amount = bucketed_batches.batch_amount
            and {{ date_bucket('receipts.value_date', window_days) }} = bucketed_batches.date_bucket
    where abs({{ dbt.datediff('bucketed_batches.paid_date', 'receipts.value_date', 'day') }}) <= {{ window_days }}
        -- a reference on both sides must agree; card and direct-debit payments carry
        -- none in billing while the bank prints its own text
        and (
            receipts.bank_reference is null
            or bucketed_batches.reference_normalised is null
            or {{ normalise_document_number('receipts.bank_reference') }} = bucketed_batches.reference_normalised
        )

),

counted as (

    select
        receipt_id,
        batch_id,
        count(*) over (partition by receipt_id) as batches_for_receipt,
        count(*) over (partition by batch_id) as receipts_for_batch
    from candidate_pairs

),

one_to_one as (

    select
        receipt_id,
        batch_id
    from counted
    where batches_for_receipt = 1
        and receipts_for_batch = 1

),

final as (

    select
        one_to_one.receipt_id,
        succeeded_payments.payment_id,
        succeeded_payments.billing_customer_id,
        customer_groups.customer_key,
        succeeded_payments.billing_invoice_id,
        succeeded_payments.amount as payment_amount
    from one_to_one
    inner join succeeded_payments
        on one_to_one.batch_id = succeeded_payments.batch_id
    left join customer_groups
        on succeeded_payments.billing_customer_id = customer_groups.billing_customer_id

)

select * from final
